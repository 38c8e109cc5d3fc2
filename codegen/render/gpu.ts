// render_gpu: the gpu backend's plan. The JS renderer writes the plan (run, buffers, host calls,
// every kernel this backend does not cover: per-kernel fallback inside the same plan); covered
// kernels become gpu.js kernels (sources in `data.gpu.kernels`, run through `gpu`, the factory's
// last parameter, see src/runtime/gpu_runner.ts). A gpu kernel's result stays on the device for
// the gpu kernels reading it; it is read back into its plan buffer only before a JS kernel (or a
// host call) reads it, and at the end of the run when it is fetched or written to a variable.
import type { RenderedPlan } from '../backend.js';
import type { Dim } from '../dims.js';
import { isArgReduce } from '../../src/prims.js';
import { numel, type Node } from '../ir.js';
import type { MemoryPlan } from '../plan_memory.js';
import type { Kernel, Schedule } from '../schedule.js';
import { floatLiteral } from '../gpu/exprs.js';
import { KernelSource, SMALL_INTS, uncoveredNode, type GpuArg, type GpuKernel } from '../gpu/kernel_source.js';
import { renderJs } from './js.js';
import { kernelName, leafPlan, splitInvariant } from './kernel_walk.js';
import { broadcastStrides, mergeDims, rowMajor } from './loops.js';

export interface RenderedGpu {
  readonly kernels: readonly GpuKernel[];
  /** Why each kernel left in JS is not covered, by kernel name. */
  readonly fallback: Readonly<Record<string, string>>;
  /** Variables (plan indices) whose storage the text reads in JS. */
  readonly settle: readonly number[];
}

/** Indices are float-exact below 2^24; a larger kernel stays in JS. */
const MAX_ELEMENTS = 2 ** 24;

class NotCovered extends Error {}
const refuse = (why: string): never => { throw new NotCovered(why); };

const tooLarge = (d: Dim) => typeof d === 'number' && d > MAX_ELEMENTS;

export interface GpuRenderOptions {
  /** An async `run` awaiting each gpu call and read back (WebGPU, or gpu.js's asyncMode on the others). */
  async?: boolean;
}

export function renderGpu(s: Schedule, mem: MemoryPlan, opts: GpuRenderOptions = {}): RenderedPlan & { gpu: RenderedGpu } {
  const wait = opts.async ? 'await ' : '';
  const p = s.program;
  const at = (id: number) => p.nodes[id];
  const root = (id: number): number => (at(id).prim === 'reshape' ? root(at(id).inputs[0]) : id);
  const gpuKernels: GpuKernel[] = [];
  const fallback: Record<string, string> = {};
  /** Storage root → the gpu kernel computing it; roots already read back in this run's text. */
  const producer = new Map<number, number>();
  const readBack = new Set<number>();
  const written = new Set(p.writes.map((w) => root(w.node)));
  // why: a deferred write back is the variable's last value only when it is the plan's one write
  // of that variable (and of that value): with two writes the session commits in order, and an
  // earlier write's commit would drop the later, deferred one.
  const count = (key: (w: (typeof p.writes)[number]) => number) => {
    const n = new Map<number, number>();
    for (const w of p.writes) n.set(key(w), (n.get(key(w)) ?? 0) + 1);
    return n;
  };
  const perVariable = count((w) => w.variable), perValue = count((w) => root(w.node));
  const deferrable = (w: (typeof p.writes)[number]) => perVariable.get(w.variable) === 1 && perValue.get(root(w.node)) === 1;
  /** Int gpu results holding exact small integers: argmax indices and their casts to int64. */
  const exactInts = new Set<number>();
  /** The gpu kernels built for the kernel about to be rendered (beforeKernel decides, kernel emits). */
  let pending: GpuKernel[] | null = null;
  let arr: (id: number) => string = () => '';
  let currentName = '';

  const argSource = (id: number): GpuArg => {
    const r = root(id), n = at(r), name = arr(r);
    if (n.dtype !== 'float32' && n.dtype !== 'bool' && !SMALL_INTS.has(n.dtype)) refuse(`${n.dtype} input (float32, bool and ints of 32 bits or fewer)`);
    if (n.prim === 'const') return { name, from: 'constant', index: Number(name.slice(1)) };
    if (n.prim === 'read') return { name, from: 'variable', index: n.attrs.variable! };
    const j = producer.get(r);
    // why: an int32 cast's gpu result holds the unwrapped truncation (JS reads it back wrapped); argmax indices are exact.
    if (j !== undefined && (n.dtype === 'int32' || n.dtype === 'int64') && !exactInts.has(r)) refuse(`reads an ${n.dtype} gpu result`);
    return j !== undefined ? { name, from: 'device', kernel: j } : { name, from: 'host' };
  };

  /** Refuses a body with a node gpu.js cannot compute; `looped` are the leaves read per element. */
  const checkBody = (body: readonly number[], looped: readonly number[]) => {
    const { pre } = splitInvariant(at, body, looped);
    const scalar = new Set(pre);
    for (const id of body) { const why = uncoveredNode(at(id), at, scalar.has(id)); if (why) refuse(why); }
  };

  /** Leaf reads hoisted before any loop: literals, run-time dims, one-element arrays. */
  const hoist = (src: KernelSource, hoisted: ReturnType<typeof leafPlan>['hoisted']) => {
    for (const h of hoisted) {
      if (h.value !== undefined) src.lines.push(`const t${h.id} = ${floatLiteral(h.value) ?? refuse('non-finite constant (no GLSL literal)')};`);
      else if (h.dim !== undefined) src.lines.push(`const t${h.id} = ${src.float(h.dim)};`);
      else src.lines.push(`const t${h.id} = ${src.arg(h.id)}[0];`);
    }
  };

  const finish = (src: KernelSource, node: number, output: Dim, loopMax: Dim): GpuKernel => {
    const dt = at(node).dtype;
    // why: a bool result is 1.0 / 0.0 on the device; an int32 one only comes from a cast (uncoveredNode).
    if (dt !== 'float32' && dt !== 'bool' && dt !== 'int32' && dt !== 'int64') refuse(`${dt} result (float32, bool, int32 casts, argmax indices only)`);
    if (tooLarge(output)) refuse('more than 2^24 elements');
    return { kernel: currentName, source: src.text(), holes: src.holes, output, loopMax, args: src.args, node, outName: arr(node), keep: written.has(root(node)) };
  };

  const mapKernel = (k: Extract<Kernel, { kind: 'map' }>): GpuKernel[] => {
    if (k.epilogueOf !== undefined) return [matmulKernel(at(k.epilogueOf), k.out, k.body, k.leaves.filter((l) => l !== k.epilogueOf))];
    const out = at(k.out);
    // why: an int64 result is exact only from exact device ints (argmax indices) or bools; fed ints reach the device rounded to float32.
    if (out.dtype === 'int64' && !k.leaves.every((l) => exactInts.has(root(l)) || at(l).dtype === 'bool')) refuse('int64 of ints from JS (float32 on the device)');
    const plan = leafPlan(at, k.leaves, out.shape);
    checkBody(k.body, plan.looped.map((l) => l.id));
    const src = new KernelSource(at, argSource);
    const merged = mergeDims(out.shape, [rowMajor(out.shape), ...plan.looped.map((l) => l.strides)]);
    src.lines.push('const i = this.thread.x;');
    const contiguous = merged.dims.length <= 1;
    const coords = contiguous ? ['i'] : src.coords('i', merged.dims);
    hoist(src, plan.hoisted);
    plan.looped.forEach((l, j) => src.lines.push(`const t${l.id} = ${src.arg(l.id)}[${contiguous ? 'i' : src.index(coords, merged.strides[j + 1])}];`));
    src.lines.push(...src.body(k.body), `return t${k.out};`);
    return [finish(src, k.out, numel(out.shape), 1)];
  };

  /** argmax / argmin of float32 along one axis: the reference's order (first index wins ties, the first NaN wins). */
  const argKernel = (k: Extract<Kernel, { kind: 'reduce' }>): GpuKernel => {
    const r = at(k.outs[0]), x = at(r.inputs[0]);
    if (x.dtype !== 'float32') refuse(`${r.attrs.kind} of ${x.dtype} (float32 only)`);
    const axis = r.attrs.axes![0];
    const outer = numel(x.shape.slice(0, axis)), n = x.shape[axis], inner = numel(x.shape.slice(axis + 1));
    const src = new KernelSource(at, argSource);
    src.lines.push('const o = this.thread.x;');
    const [oo, ii] = src.coords('o', [outer, inner]);
    const X = src.arg(x.id), better = r.attrs.kind === 'argmax' ? '>' : '<';
    const at2 = (kk: string) => `${X}[(${oo} * ${src.float(n)} + ${kk}) * ${src.float(inner)} + ${ii}]`;
    src.lines.push('let best = 0.0;', `let bv = ${at2('0.0')};`, `for (let k = 1; k < ${src.int(n)}; k++) {`, `const v = ${at2('k')};`,
      `if (v ${better} bv || (v !== v && bv === bv)) { bv = v; best = k; }`, '}', 'return best;');
    return finish(src, r.id, numel(r.shape), n);
  };

  const REDUCIBLE = new Set(['sum', 'mean', 'max', 'min', 'prod', 'all', 'any']);
  const reduceKernel = (k: Extract<Kernel, { kind: 'reduce' }>): GpuKernel[] => {
    if (isArgReduce(at(k.outs[0]).attrs.kind)) return [argKernel(k)];
    const first = at(k.outs[0]);
    const x = at(first.inputs[0]);
    const axes = first.attrs.axes!;
    const keptShape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
    const plan = leafPlan(at, k.leaves, x.shape);
    checkBody(k.body, plan.looped.map((l) => l.id));
    const merged = mergeDims(x.shape, [broadcastStrides(keptShape, x.shape), ...plan.looped.map((l) => l.strides)]);
    const kept = merged.dims.filter((_, d) => merged.strides[0][d] !== 0);
    const reduced = merged.dims.map((_, d) => d).filter((d) => merged.strides[0][d] === 0);
    const loopMax = reduced.reduce<Dim>((m, d) => (typeof merged.dims[d] === 'number' && typeof m === 'number' ? Math.max(m, merged.dims[d] as number) : merged.dims[d]), 1);
    if (tooLarge(numel(x.shape))) refuse('more than 2^24 elements');
    // One gpu kernel per result: each computes the part of the body its value needs.
    return k.outs.map((id) => {
      const r = at(id);
      const kind = r.attrs.kind!;
      if (!REDUCIBLE.has(kind)) refuse(`reduce ${kind} not covered yet`);
      const logic = kind === 'all' || kind === 'any';
      if (r.dtype !== (logic ? 'bool' : 'float32')) refuse(`${r.dtype} reduce ${kind} (float32, or bool for all and any)`);
      const value = r.inputs[0];
      const need = new Set<number>([value]);
      for (let b = k.body.length - 1; b >= 0; b--) if (need.has(k.body[b])) for (const i of at(k.body[b]).inputs) need.add(i);
      const body = k.body.filter((b) => need.has(b));
      const looped = plan.looped.filter((l) => need.has(l.id));
      const src = new KernelSource(at, argSource);
      src.lines.push('const o = this.thread.x;');
      const keptCoords = src.coords('o', kept);
      const coord: string[] = [];
      let kc = 0;
      merged.dims.forEach((_, d) => coord.push(merged.strides[0][d] !== 0 ? keptCoords[kc++] : `r${d}`));
      hoist(src, plan.hoisted.filter((h) => need.has(h.id)));
      const { pre, inner } = splitInvariant(at, body, looped.map((l) => l.id));
      src.lines.push(...src.body(pre));
      src.lines.push(`let acc = ${kind === 'prod' || kind === 'all' ? '1.0' : '0.0'};`, ...(kind === 'max' || kind === 'min' ? ['let first = 1.0;'] : []));
      const reads = looped.map((l) => `const t${l.id} = ${src.arg(l.id)}[${src.index(coord, merged.strides[plan.looped.indexOf(l) + 1])}];`);
      const step = kind === 'max' ? `Math.max(acc, t${value})` : kind === 'min' ? `Math.min(acc, t${value})` : kind === 'prod' ? `acc * t${value}`
        : kind === 'all' ? `(acc !== 0.0 && t${value} !== 0.0 ? 1.0 : 0.0)` : kind === 'any' ? `(acc !== 0.0 || t${value} !== 0.0 ? 1.0 : 0.0)` : `acc + t${value}`;
      // why: max and min start from the first element (GLSL has no Infinity literal).
      const extreme = kind === 'max' || kind === 'min';
      const loopBody = [...reads, ...src.body(inner), extreme ? `acc = first > 0.5 ? t${value} : ${step};` : `acc = ${step};`, ...(extreme ? ['first = 0.0;'] : [])];
      const opens = reduced.map((d) => `for (let r${d} = 0; r${d} < ${src.int(merged.dims[d])}; r${d}++) {`);
      src.lines.push(...opens, ...loopBody, ...opens.map(() => '}'));
      const count = numel(axes.map((a) => x.shape[a]));
      src.lines.push(kind === 'mean' ? `return acc / ${src.float(count)};` : 'return acc;');
      return finish(src, id, numel(r.shape), loopMax);
    });
  };

  /** C = op(A)·op(B) with float32 accumulation, then the epilogue's elementwise body (if any) per element. */
  const matmulKernel = (mm: Node, outId: number, epilogue: readonly number[], leaves: readonly number[]): GpuKernel => {
    const [aN, bN] = mm.inputs.map(at);
    if (mm.shape.length !== 2) refuse('batched matmul');
    const ta = mm.attrs.transposeA === true, tb = mm.attrs.transposeB === true;
    const [Md, Nd] = mm.shape, Kd = ta ? aN.shape[0] : aN.shape[1];
    const plan = leafPlan(at, leaves, mm.shape);
    checkBody(epilogue, [mm.id, ...plan.looped.map((l) => l.id)]);
    if (mm.dtype !== 'float32') refuse(`${mm.dtype} matmul (float32 only)`);
    const src = new KernelSource(at, argSource);
    src.lines.push('const o = this.thread.x;');
    const [i, j] = src.coords('o', [Md, Nd]);
    const A = src.arg(aN.id), B = src.arg(bN.id);
    const M = src.float(Md), N = src.float(Nd), K = src.float(Kd);
    const aAt = ta ? `p * ${M} + ${i}` : `${i} * ${K} + p`;
    const bAt = tb ? `${j} * ${K} + p` : `p * ${N} + ${j}`;
    src.lines.push('let acc = 0.0;', `for (let p = 0; p < ${src.int(Kd)}; p++) {`, `acc = acc + ${A}[${aAt}] * ${B}[${bAt}];`, '}');
    src.lines.push(`const t${mm.id} = acc;`);
    hoist(src, plan.hoisted);
    for (const l of plan.looped) src.lines.push(`const t${l.id} = ${src.arg(l.id)}[${src.index([i, j], l.strides)}];`);
    src.lines.push(...src.body(epilogue), `return t${outId};`);
    return finish(src, outId, numel(mm.shape), Kd);
  };

  /** Transpose, slice, pad and concat as one gather per output element (gather itself reads int indices: JS). */
  const movementKernel = (k: Extract<Kernel, { kind: 'movement' }>): GpuKernel => {
    const n = at(k.out);
    if (n.prim !== 'transpose' && n.prim !== 'slice' && n.prim !== 'pad' && n.prim !== 'concat') refuse(`${n.prim} not covered yet`);
    if (n.dtype !== 'float32') refuse(`${n.dtype} ${n.prim} (float32 only)`);
    // why: as in the JS renderer, only a transpose takes run-time dims (the others specialise).
    if (n.prim !== 'transpose' && [n, ...n.inputs.map(at)].some((m) => m.shape.some((d) => typeof d !== 'number'))) refuse(`${n.prim} with run-time dims`);
    const src = new KernelSource(at, argSource);
    src.lines.push('const i = this.thread.x;');
    const x = at(n.inputs[0]);
    if (n.prim === 'transpose' || n.prim === 'slice') {
      const inStrides = rowMajor(x.shape);
      const strides = n.prim === 'transpose' ? n.attrs.perm!.map((p) => inStrides[p]) : inStrides;
      const merged = mergeDims(n.shape, [rowMajor(n.shape), strides]);
      const base = n.prim === 'slice' ? n.attrs.begin!.reduce((a, b, d) => a + b * (inStrides[d] as number), 0) : 0;
      const idx = src.index(src.coords('i', merged.dims), merged.strides[1]);
      // why: gpu.js folds an index of two literals (1.0 + 0.0, a one-element slice) into an int,
      // which no GLSL overload of its texture read takes (a shader compile error on GL modes).
      const read = idx === '0.0' ? floatLiteral(base) : base ? `${floatLiteral(base)} + ${idx}` : idx;
      src.lines.push(`return ${src.arg(x.id)}[${read}];`);
    } else {
      const c = src.coords('i', n.shape);
      const read = (id: number, offsets: readonly number[]) => {
        const m = at(id);
        return `${src.arg(id)}[${src.index(c.map((ci, d) => (offsets[d] ? `(${ci} - ${floatLiteral(offsets[d])})` : ci)), rowMajor(m.shape))}]`;
      };
      if (n.prim === 'pad') {
        const pads = n.attrs.paddings!;
        const inside = pads.map(([before], d) => `${c[d]} >= ${floatLiteral(before)} && ${c[d]} < ${floatLiteral(before + (x.shape[d] as number))}`).join(' && ');
        src.lines.push(`return ${inside || 'true'} ? ${read(x.id, pads.map(([b]) => b))} : ${floatLiteral(n.attrs.padValue ?? 0) ?? refuse('non-finite pad value')};`);
      } else {
        const axis = n.attrs.axis!;
        let offset = 0;
        const parts = n.inputs.map((id) => { const o = offset; offset += at(id).shape[axis] as number; return { id, o, end: offset }; });
        const expr = parts.reduceRight((rest, p, j) => (j === parts.length - 1 ? read(p.id, n.shape.map((_, d) => (d === axis ? p.o : 0)))
          : `(${c[axis]} < ${floatLiteral(p.end)} ? ${read(p.id, n.shape.map((_, d) => (d === axis ? p.o : 0)))} : ${rest})`), '');
        src.lines.push(`return ${expr};`);
      }
    }
    return finish(src, k.out, numel(n.shape), 1);
  };

  /** The nodes a kernel reads from other kernels' storage. */
  const readsOf = (k: Kernel): readonly number[] => {
    switch (k.kind) {
      case 'map': return k.epilogueOf !== undefined ? [...k.leaves.filter((l) => l !== k.epilogueOf), ...at(k.epilogueOf).inputs] : k.leaves;
      case 'reduce': return k.leaves;
      case 'host': return at(k.outs[0]).inputs;
      case 'alias': return [];
      default: return at(k.out).inputs;
    }
  };
  /** Variables whose storage the text reads in JS (their deferred device write backs are settled first). */
  const settle = new Set<number>();
  const readBackLines = (ids: readonly number[]): string[] => ids.flatMap((id) => {
    const r = root(id), j = producer.get(r);
    if (at(r).prim === 'read') settle.add(at(r).attrs.variable!);
    if (j === undefined || readBack.has(r)) return [];
    readBack.add(r);
    return [`${wait}gpu.read(${j}, ${arr(r)});`];
  });

  const rendered = renderJs(s, mem, {
    beforeKernel(k, index, arrOf) {
      arr = arrOf;
      pending = null;
      currentName = kernelName(s, k, index).name;
      if (k.kind === 'map' || k.kind === 'reduce' || k.kind === 'matmul' || k.kind === 'movement') {
        try {
          pending = k.kind === 'map' ? mapKernel(k) : k.kind === 'reduce' ? reduceKernel(k) : k.kind === 'movement' ? [movementKernel(k)] : [matmulKernel(at(k.out), k.out, [], [])];
        } catch (e) {
          if (!(e instanceof NotCovered)) throw e;
          fallback[currentName] = e.message;
        }
      } else if (k.kind === 'host') fallback[currentName] = 'host call (reference kernel)';
      return pending ? [] : readBackLines(readsOf(k));
    },
    async: opts.async === true,
    kernel(k) {
      if (!pending) return undefined;
      const calls = pending.map((g) => {
        const j = gpuKernels.push(g) - 1;
        producer.set(root(g.node), j);
        const n = at(g.node);
        if (isArgReduce(n.attrs.kind) || n.dtype === 'int64') exactInts.add(root(g.node));
        return `  ${wait}gpu.call(${j}, [${g.args.map((a) => a.name).join(', ')}]);`;
      });
      pending = null;
      return calls.join('\n');
    },
    endLines(arrOf) {
      arr = arrOf;
      // why: a synchronous device defers a variable's write back (gpu.keep returns the storage
      // itself, settled when JS next reads it); an async one reads it back here.
      return readBackLines([...p.outputs, ...(opts.async ? p.writes.map((w) => w.node) : p.writes.filter((w) => producer.get(root(w.node)) === undefined || !deferrable(w)).map((w) => w.node))]);
    },
    // why: a variable written by a gpu kernel keeps that result as its device copy for the next run.
    results: (names) => names.map((name, i) => {
      const w = p.writes[i - p.outputs.length];
      const j = w && deferrable(w) ? producer.get(root(w.node)) : undefined;
      return j === undefined ? name : `gpu.keep(${j}, r${w.variable}, ${name})`;
    }),
  });
  // why: a feed read by several gpu kernels is uploaded once per run instead of by each of them.
  const feedReaders = new Map<string, number>();
  for (const g of gpuKernels) for (const a of g.args) if (a.from === 'host' && /^f\d+$/.test(a.name)) feedReaders.set(a.name, (feedReaders.get(a.name) ?? 0) + 1);
  const shared = (a: GpuArg): GpuArg => (a.from === 'host' && (feedReaders.get(a.name) ?? 0) > 1 ? { name: a.name, from: 'feed', index: Number(a.name.slice(1)) } : a);
  gpuKernels.forEach((g, j) => { gpuKernels[j] = { ...g, args: g.args.map(shared) }; });
  // why: a plan with no gpu kernel (an initializer, a fetch of a variable) runs synchronously anyway.
  if (opts.async && gpuKernels.length === 0) return renderGpu(s, mem, {});
  const onGpu = new Set(gpuKernels.map((g) => g.kernel));
  return {
    ...rendered,
    kernels: rendered.kernels.map((k) => ({ ...k, runsOn: onGpu.has(k.name) ? 'gpu' : 'js' })),
    gpu: { kernels: gpuKernels, fallback, settle: [...settle].sort((a, b) => a - b) },
    ...(opts.async ? { async: true } : {}),
  };
}
