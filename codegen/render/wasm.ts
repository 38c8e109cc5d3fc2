// render_wasm: the wasm backend's plan. The JS renderer writes the plan (run, buffers, host
// calls, every kernel this backend does not cover: per-kernel fallback inside the same plan);
// covered kernels become WebAssembly SIMD128 functions of one module, called from the text
// through `wasm` (the factory's last parameter, see codegen/README.md "The wasm backend").
// All planned buffers live in one wasm memory; feeds, variables, constants and host results a
// wasm kernel reads have regions of their own ("staged"): a feed is copied in at the start of
// each run, a variable only when it does not live in its region already (resident variables,
// src/runtime/wasm_runner.ts), constants once, a host result before the kernel reading it.
import type { DType } from '../../src/dtypes.js';
import type { RenderedPlan } from '../backend.js';
import { dimText, dmul, type Dim } from '../dims.js';
import { numel, type Node } from '../ir.js';
import type { MemoryPlan } from '../plan_memory.js';
import type { Kernel, Schedule } from '../schedule.js';
import { encodeModule, type WasmFunction } from '../wasm/encode.js';
import { isArgReduce } from '../../src/prims.js';
import { argFunction } from '../wasm/arg_kernel.js';
import { elementwiseCovered, MAP_PRIMS, mapFunction } from '../wasm/map_kernel.js';
import { KERNEL_DTYPES, typedCovers } from '../wasm/typed_ops.js';
import { REDUCE_KINDS_COVERED, reduceFunction, type ReduceKindCovered, type SumMode } from '../wasm/reduce_kernel.js';
import { VECTOR_MATH } from '../wasm/vector_math.js';
import { matmulFunction, matmulPlan, type MatmulMode, type Tile } from '../wasm/matmul_kernel.js';
import { renderJs, type JsAfter } from './js.js';
import { leafPlan, splitInvariant } from './kernel_walk.js';
import { broadcastStrides, mergeDims, rowMajor } from './loops.js';

/**
 * What the text reads into wasm memory besides the planned buffers: `name` is the JS array (f0, r1,
 * c2, h7), or `w<j>` for a kernel's own scratch (a matmul's packed panels), never copied.
 */
export interface StagedRegion { readonly name: string; readonly dtype: DType; readonly length: Dim }

export interface RenderedWasm {
  readonly bytes: Uint8Array;
  /** Regions after the planned buffers, in order (`wasm.stagedAt[j]`, `wasm.staged[j]`). */
  readonly staged: readonly StagedRegion[];
  /** Why each kernel not run by wasm stays in JS, by kernel name. */
  readonly fallback: Readonly<Record<string, string>>;
}

/**
 * Below how much work a kernel stays in JS (codegen/README.md "The wasm backend", tiny kernels):
 * a map's output elements, a reduction's input elements, a matmul's multiply-adds. Measured as
 * whole `sess.run` CPU time, both backends interleaved: a map of 16 elements 0.55 µs either way,
 * of 64 0.74 in wasm against 0.85; a sum of 64 0.52 either way; a matmul of 64 multiply-adds 0.62
 * against 0.59, of 216 0.83 against 0.92.
 */
export const TINY_WORK = { map: 32, reduce: 64, matmul: 128 } as const;

/** How much work a kernel does, when known at plan time: null when a run-time dim is part of it. */
function staticWork(d: readonly Dim[]): number | null {
  let w = 1;
  for (const x of d) { if (typeof x !== 'number') return null; w *= x; }
  return w;
}

/**
 * 'tiny: …' when the kernel's work is known and below its cutoff, else null. why: a kernel with
 * a run-time dim stays in wasm: one plan serves every batch size, and its lower bound (1) would
 * move every batch-sized kernel of an MLP to JS, where a batch of 64 runs 1.4× slower; at a
 * batch of 1 the loss is the call (about 0.05 µs a kernel).
 */
function tinyWork(kind: keyof typeof TINY_WORK, dims: readonly Dim[], opts: WasmOptions): string | null {
  const min = typeof opts.minWork === 'number' ? opts.minWork : opts.minWork?.[kind] ?? TINY_WORK[kind];
  const w = staticWork(dims);
  if (w === null || w >= min) return null;
  const unit = kind === 'matmul' ? 'multiply-adds' : 'elements';
  return `tiny: ${w} ${unit} < ${min} (a call costs more than the loop)`;
}

/** Why a map or reduce kernel cannot run as a wasm f32x4 loop, or null when it can. */
function notCovered(k: Extract<Kernel, { kind: 'map' | 'reduce' }>, at: (id: number) => Node, opts: WasmOptions): string | null {
  if (k.kind === 'reduce') {
    const first = at(k.outs[0]);
    for (const id of k.outs) {
      const r = at(id);
      if (!REDUCE_KINDS_COVERED.has(r.attrs.kind!)) return `reduce ${r.attrs.kind} not covered yet`;
      if (r.dtype !== 'float32' || at(r.inputs[0]).dtype !== 'float32') return `${r.dtype} reduce (float32 only)`;
    }
    const tiny = tinyWork('reduce', at(first.inputs[0]).shape, opts);
    if (tiny) return tiny;
  }
  for (const id of k.body) {
    const n = at(id);
    const ins = n.inputs.map((i) => at(i).dtype);
    if (VECTOR_MATH[n.prim] === 'ulp1' && opts.math === 'exact') return `${n.prim} kept in JS (math: 'exact')`;
    const f32 = n.dtype === 'float32' && ins.every((d) => d === 'float32');
    // why: float64 values only as scalars computed before the loop (a mean's count from a run-time dim).
    if ((n.dtype === 'float64' || ins.includes('float64')) && numel(n.shape) !== 1) return `float64 ${n.prim} (float64 only as a scalar)`;
    if (VECTOR_MATH[n.prim] ? !f32 : !elementwiseCovered(n, ins)) {
      return MAP_PRIMS.has(n.prim) || VECTOR_MATH[n.prim] || typedCovers(n, n.inputs.map(() => 'float32')) ? `${n.dtype} ${n.prim} (of ${ins.join(', ')}) not covered yet` : `${n.prim} not covered yet`;
    }
  }
  // why: matmul epilogues read float32 inputs only, reductions float32 arrays, maps float32, int32 or
  // bool arrays; both take run-time dims and float64 scalar constants (a mean's count) besides.
  const epilogue = k.kind === 'map' && k.epilogueOf !== undefined;
  const leafOk = (l: Node) => l.dtype === 'float32' || (!epilogue && (l.prim === 'dims' || (l.prim === 'const' && l.dtype === 'float64' && numel(l.shape) === 1)
    || (k.kind === 'map' && KERNEL_DTYPES.has(l.dtype))));
  const bad = k.leaves.map(at).find((l) => !leafOk(l));
  if (bad !== undefined) return `${bad.dtype} input${k.kind === 'reduce' || epilogue ? ' (float32 only here)' : ''}`;
  if (k.kind === 'map' && !KERNEL_DTYPES.has(at(k.out).dtype) && at(k.out).dtype !== 'int64') return `${at(k.out).dtype} output`;
  if (k.kind === 'map' && k.epilogueOf === undefined) return tinyWork('map', at(k.out).shape, opts);
  return null;
}

export interface WasmOptions {
  /** How float32 sums and means over the last axes accumulate (default 'ordered': bit-identical to the reference). */
  sums?: SumMode;
  /**
   * 'vector' (default): exp, expm1, log, log1p, tanh, sigmoid and pow run in wasm, within 1 float32 ulp
   * of the JS backend (wasm/vector_math.ts); 'exact': kernels using them stay in JS (bit-identical).
   */
  math?: 'vector' | 'exact';
  /** How float32 matmuls accumulate (default 'f32': f32x4, within the bound of codegen/README.md; 'f64': bit-identical). */
  matmul?: MatmulMode;
  /** The f32 matmul's register tile (rows, f32x4 vectors of columns), for measuring variants; default 4×8. */
  matmulTile?: Tile;
  /**
   * The tiny-kernel cutoffs (TINY_WORK): a number for every kind, or per kind; 0 runs every
   * covered kernel in wasm (tests of the kernels' numbers on small shapes).
   */
  minWork?: number | Partial<Record<keyof typeof TINY_WORK, number>>;
}

export function renderWasm(s: Schedule, mem: MemoryPlan, opts: WasmOptions = {}): RenderedPlan & { wasm: RenderedWasm } {
  const p = s.program;
  const at = (id: number) => p.nodes[id];
  const funcs: WasmFunction[] = [];
  const staged: StagedRegion[] = [];
  const fallback: Record<string, string> = {};
  const runStaged: string[] = [];
  /** The staged region of an array that is not a plan buffer (f0, r1, c2, h7). */
  const stagedIndex = (name: string, node: Node): number => {
    let j = staged.findIndex((r) => r.name === name);
    if (j < 0) {
      j = staged.push({ name, dtype: node.dtype, length: numel(node.shape) }) - 1;
      // why: a variable already in its region (resident, see wasm_runner.ts) needs no copy; a feed is a JS array.
      if (/^r\d+$/.test(name)) runStaged.push(`if (${name} !== wsv[${j}]) wsv[${j}].set(${name});`);
      else if (/^f\d+$/.test(name)) runStaged.push(`wsv[${j}].set(${name});`);
    }
    return j;
  };
  /** The byte offset of an array in wasm memory: a plan buffer `b<slot>`, or staged. */
  const offset = (name: string, node: Node): string => {
    const m = /^b(\d+)$/.exec(name);
    return m ? `wat[${m[1]}]` : `wsat[${stagedIndex(name, node)}]`;
  };
  /** The call of wasm kernel `name` reading the arrays `reads` (host results copied in first); `args` places their offsets. */
  const call = (name: string, reads: { name: string; id: number }[], args: (offsets: string[]) => string[]): string => {
    const hostCopies = reads.filter((r) => r.name.startsWith('h')).map((r) => `  wsv[${stagedIndex(r.name, at(r.id))}].set(${r.name});`);
    // why: a trap (it should never happen) becomes an InternalError naming the kernel; the run
    // then fails before the session commits any variable write.
    return [...hostCopies, `  try { wx.${name}(${args(reads.map((r) => offset(r.name, at(r.id)))).join(', ')}); } catch (e) { wasm.trap(${JSON.stringify(name)}, e); }`].join('\n');
  };
  /**
   * A scratch region of the plan's own (a matmul's panels, its tile, a split matmul's value): its
   * index. Kernels run one after another, so those of one `use` share a region, as long as the
   * longest (lengths over the same run-time dims: the largest coefficient), and stay in cache.
   */
  const sharedScratch = new Map<string, number>();
  const scratchRegion = (use: string, length: Dim) => {
    const key = `${use}:${typeof length === 'number' ? '' : length.syms.join('*')}`;
    const j = sharedScratch.get(key);
    if (j === undefined) { sharedScratch.set(key, staged.length); return staged.push({ name: `w${staged.length}`, dtype: 'float32', length }) - 1; }
    const old = staged[j].length;
    const coef = (d: Dim) => (typeof d === 'number' ? d : d.c);
    if (coef(length) > coef(old)) staged[j] = { ...staged[j], length };
    return j;
  };
  const kernel = (k: Kernel, _index: number, name: string, arr: (id: number) => string): string | JsAfter | undefined => {
    if (k.kind === 'matmul' || (k.kind === 'map' && k.epilogueOf !== undefined)) {
      let why = k.kind === 'map' ? notCovered(k, at, opts) : null;
      // why: an epilogue wasm cannot compute runs in JS after the matmul, which wasm still computes
      // into a region of its own (the matmul is most of the work: 30× faster there).
      const mmId = k.kind === 'map' ? k.epilogueOf! : k.out;
      const mmNode = at(mmId), aNode = at(mmNode.inputs[0]);
      const tiny = tinyWork('matmul', [...mmNode.shape, aNode.shape[mmNode.attrs.transposeA === true ? 0 : 1]], opts);
      if (tiny) { fallback[name] = tiny; return undefined; }
      const plan = (fused: boolean) => matmulPlan(fused ? k : { kind: 'matmul', out: mmId }, at, name, opts.matmul ?? 'f32', opts.matmulTile);
      let mm = plan(!why);
      if (typeof mm === 'string' && mm.startsWith('epilogue')) { why = mm.replace(/^epilogue:? /, ''); mm = plan(false); }
      if (typeof mm === 'string') { fallback[name] = mm; return undefined; }
      funcs.push(matmulFunction(mm.kernel, at));
      const scratch = [`wsat[${scratchRegion('pack', mm.packLength)}]`, `wsat[${scratchRegion('tile', mm.tileLength)}]`];
      const value = why ? scratchRegion('value', numel(at(mmId).shape)) : -1;
      const reads = [...(why ? [] : [mm.kernel.out]), mm.a, mm.b, ...mm.leaves].map((id) => ({ name: arr(id), id }));
      const code = call(name, reads, (o) => {
        const outs = why ? [`wsat[${value}]`, ...o] : o;
        return [...outs.slice(0, 3), ...scratch, ...outs.slice(3), ...mm.dims.map(dimText)];
      });
      if (!why || k.kind !== 'map') return code;
      fallback[name] = `epilogue in JS: ${why}`;
      return { code, then: { ...k, epilogueOf: undefined }, arrays: new Map([[mmId, `wsv[${value}]`]]) };
    }
    if (k.kind !== 'map' && k.kind !== 'reduce') { fallback[name] = `${k.kind} not covered yet`; return undefined; }
    if (k.kind === 'reduce' && isArgReduce(at(k.outs[0]).attrs.kind)) {
      const r = at(k.outs[0]), x = at(r.inputs[0]), axis = r.attrs.axes![0];
      const why = x.dtype !== 'float32' ? `${r.attrs.kind} of ${x.dtype} (float32 only)` : r.dtype !== 'int32' && r.dtype !== 'int64' ? `${r.attrs.kind} to ${r.dtype}`
        : tinyWork('reduce', x.shape, opts);
      if (why) { fallback[name] = why; return undefined; }
      funcs.push(argFunction(name, r.attrs.kind as 'argmax' | 'argmin', r.dtype));
      const sizes = [numel(x.shape.slice(0, axis)), x.shape[axis], numel(x.shape.slice(axis + 1))];
      return call(name, [r.id, x.id].map((id) => ({ name: arr(id), id })), (o) => [...o, ...sizes.map(dimText)]);
    }
    const why = notCovered(k, at, opts);
    if (why) { fallback[name] = why; return undefined; }
    const outIds = k.kind === 'map' ? [k.out] : k.outs;
    // why: a map loops over its output's shape, a reduction over its input's.
    const space = k.kind === 'map' ? at(k.out).shape : at(at(k.outs[0]).inputs[0]).shape;
    const plan = leafPlan(at, k.leaves, space);
    // why: a run-time dim read as data (a mean's count) is passed by value.
    const dimLeaves = plan.hoisted.filter((h) => h.dim !== undefined);
    // why: a map's output is contiguous; a reduction's result is indexed by the kept axes (0 on reduced ones).
    const first = at(outIds[0]);
    const outStrides = k.kind === 'map' ? rowMajor(space)
      : broadcastStrides(space.map((d, a) => (first.attrs.axes!.includes(a) ? 1 : d)), space);
    // why: an input is read at its index, or broadcast along rows or columns of a 2-d space.
    let merged = mergeDims(space, [outStrides, ...plan.looped.map((l) => l.strides)]);
    // why: a reduction over middle axes, [outer, rows, cols] with the rows reduced, is a columns
    // reduction of each outer block, when its inputs are contiguous or one row broadcast.
    let outer: Dim = 1;
    const [d0, d1, d2] = merged.dims, S = merged.strides;
    if (k.kind === 'reduce' && merged.dims.length === 3 && S[0][0] === d2 && S[0][1] === 0 && S[0][2] === 1
      && S.slice(1).every((st) => (st[0] === dmul(d1, d2) && st[1] === d2 && st[2] === 1) || (st[0] === 0 && st[1] === 0 && st[2] === 1))) {
      outer = d0;
      merged = { dims: [d1, d2], strides: S.map((st) => [st[1], st[2]]) };
    }
    const D = merged.dims;
    if (D.length > 2) { fallback[name] = 'strided input (contiguous or row/column broadcast only)'; return undefined; }
    // why: a reduction keeps either the rows (last axes reduced) or the columns (leading axes reduced) of its space.
    const acc = merged.strides[0];
    const is2 = (a: Dim, b: Dim) => D.length === 2 && acc[0] === a && acc[1] === b;
    const shape = k.kind === 'map' ? undefined : is2(0, 1) ? 'columns' as const : is2(1, 0) || (D.length === 1 && acc[0] === 0) ? 'rows' as const
      : is2(0, 0) ? 'all' as const : undefined;
    if (k.kind === 'reduce' && !shape) {
      fallback[name] = D.length === 1 ? 'reduces only axes of size 1 (a copy)' : 'reduction over middle axes of broadcast inputs';
      return undefined;
    }
    const [rows, cols]: Dim[] = D.length === 2 ? [D[0], D[1]] : [1, D[0] ?? 1];
    const full = [], rowLeaves: number[] = [], colLeaves: number[] = [];
    for (const [j, l] of plan.looped.entries()) {
      const st = merged.strides[j + 1];
      const is = (a: Dim, b: Dim) => (D.length === 2 ? st[0] === a && st[1] === b : st[0] === b);
      if (is(cols, 1)) full.push(l.id);
      else if (is(0, 1)) rowLeaves.push(l.id);
      else if (D.length === 2 && is(1, 0)) colLeaves.push(l.id);
      else { fallback[name] = 'strided input (contiguous or row/column broadcast only)'; return undefined; }
    }
    const looped = [...full, ...rowLeaves];
    const constants = plan.hoisted.filter((h) => h.value !== undefined).map((h) => ({ id: h.id, value: h.value! }));
    const scalars = plan.hoisted.filter((h) => h.value === undefined && h.dim === undefined).map((h) => h.id);
    const dims = dimLeaves.map((h) => h.id);
    const { pre, inner } = splitInvariant(at, k.body, [...looped, ...colLeaves]);
    if (k.kind === 'map') funcs.push(mapFunction({ name, looped, rowLeaves, colLeaves, scalars, dims, constants, pre, inner, out: k.out }, at));
    else {
      const members = k.outs.map((id) => ({ value: at(id).inputs[0], kind: at(id).attrs.kind as ReduceKindCovered }));
      funcs.push(reduceFunction({ name, shape: shape!, members, sums: opts.sums ?? 'ordered', looped, rowLeaves, colLeaves, scalars, dims, constants, pre, inner }, at));
    }
    // why: a columns reduction's float64 accumulators live in scratch regions of their own, never copied.
    const accs = shape === 'columns' ? outIds.map(() => `wsat[${staged.push({ name: `w${staged.length}`, dtype: 'float64', length: cols }) - 1}]`) : [];
    const reads = [...outIds, ...looped, ...colLeaves, ...scalars].map((id) => ({ name: arr(id), id }));
    const sizes = [...(shape === 'columns' ? [outer] : []), rows, cols].map(dimText);
    return call(name, reads, (o) => [...o.slice(0, outIds.length), ...accs, ...o.slice(outIds.length), ...dimLeaves.map((h) => dimText(h.dim!)), ...sizes]);
  };
  const rendered = renderJs(s, mem, {
    kernel,
    factoryLines: () => (funcs.length ? ['const wx = wasm.exports, wat = wasm.at, wsat = wasm.stagedAt, wsv = wasm.staged;'] : []),
    runLines: () => runStaged,
  });
  const wasmNames = new Set(funcs.map((f) => f.name));
  return {
    ...rendered,
    kernels: rendered.kernels.map((k) => ({ ...k, runsOn: wasmNames.has(k.name) ? 'wasm' : 'js' })),
    wasm: { bytes: encodeModule(funcs), staged, fallback },
  };
}
