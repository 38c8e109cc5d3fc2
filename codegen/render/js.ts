// render_js: a Schedule and its MemoryPlan → the text of the JS plan factory (the body of
// `function (bufs, consts, host, fail, lib)` returning `run(feeds, vars, rt)`, see
// codegen/README.md). Kernels are typed-array loops specialised on dtypes and shapes, named
// after the graph ops they fuse, with a comment listing them. The same text serves the JIT
// (new Function, in development) and ahead-of-time modules (written into a file).
import { isInt32Family } from '../../src/dtypes.js';
import type { NDArray } from '../../src/ndarray.js';
import type { KernelData, OpDescription } from '../../src/runtime/plan_data.js';
import { isArgReduce, isBinary, isUnary, type BinaryPrim, type UnaryPrim } from '../../src/prims.js';
import type { RenderedPlan } from '../backend.js';
import { dimText, hasSym, Specialise, type Dim } from '../dims.js';
import { numel, type Node } from '../ir.js';
import type { MemoryPlan } from '../plan_memory.js';
import type { Kernel, Schedule } from '../schedule.js';
import { binaryExpr, castExpr, literal, preludeFor, roundTo, unaryExpr } from './js_exprs.js';
import { kernelName, leafPlan as walkLeaves, splitInvariant as walkInvariant } from './kernel_walk.js';
import { EmbeddedPlans, renderControl } from './js_control.js';
import { broadcastStrides, loopNest, mergeDims, rowMajor } from './loops.js';

/**
 * How another backend reuses this renderer for the kernels it does not cover (per-kernel
 * fallback): `kernel` returns a kernel's code in place of the JS loops (undefined: keep them);
 * `factoryLines` and `runLines` are statements added where the factory binds its buffers and at
 * the start of each run. Without hooks the text is the JS backend's.
 */
export interface JsHooks {
  kernel?(k: Kernel, index: number, name: string, arr: (id: number) => string): string | JsAfter | undefined;
  factoryLines?(): string[];
  runLines?(): string[];
  /** Statements in `run` before kernel k runs, whichever code runs it (a device backend reads back what a JS kernel reads). */
  beforeKernel?(k: Kernel, index: number, arr: (id: number) => string): string[];
  /** Statements at the end of `run`, before it returns its results. */
  endLines?(arr: (id: number) => string): string[];
  /** The expressions `run` returns (fetches, then writes), given the JS renderer's array names. */
  results?(names: string[]): string[];
  /** `run` is an async function and the kernels the hook renders are awaited (a device without synchronous readback). */
  async?: boolean;
}

/**
 * A kernel the hook runs in part: its `code` first, then the map kernel `then` in JS, reading the
 * nodes of `arrays` from those arrays (a matmul computed by the backend, its epilogue here).
 */
export interface JsAfter { readonly code: string; readonly then: Extract<Kernel, { kind: 'map' }>; readonly arrays: ReadonlyMap<number, string> }

export function renderJs(s: Schedule, mem: MemoryPlan, hooks: JsHooks = {}): RenderedPlan {
  const p = s.program;
  const at = (id: number) => p.nodes[id];
  const constants: NDArray[] = [];
  const constName = new Map<number, string>();
  const hostCalls: { op: OpDescription; inputs: number[]; outputs: number[] }[] = [];
  const scratch: Dim[] = [];
  const kernels: KernelData[] = [];
  const errorOps: string[] = [];
  const hostName = new Map<number, string>();

  let arraysOf: ReadonlyMap<number, string> | undefined;
  /** The typed array holding node `id`'s value. */
  const arr = (id: number): string => {
    const given = arraysOf?.get(id);
    if (given) return given;
    const n = at(id);
    if (n.prim === 'input') return `f${n.attrs.feed}`;
    if (n.prim === 'read') return `r${n.attrs.variable}`;
    if (n.prim === 'const') {
      let name = constName.get(id);
      if (!name) { name = `c${constants.length}`; constants.push(n.attrs.value!); constName.set(id, name); }
      return name;
    }
    if (n.prim === 'host') return hostName.get(id)!;
    if (n.prim === 'dims') throw new Specialise(`a kernel reads the shape ${n.origin[0]} as an array`);
    if (n.prim === 'reshape' && !mem.slotOf.has(id)) return arr(n.inputs[0]);
    const slot = mem.slotOf.get(id);
    if (slot === undefined) throw new Error(`render: node %${id} (${n.prim}) has no storage`);
    return `b${slot}`;
  };

  /**
   * Statements computing `body` nodes (each `t<id>`), given leaf reads already bound. `storedAs`:
   * a node whose value only goes into a typed array of its dtype; for float32 its last rounding
   * is left to the store, which rounds identically (one conversion less per element).
   */
  const bodyStatements = (body: readonly number[], storedAs?: number): string[] => body.map((id) => {
    const n = at(id);
    const t = (k: number) => `t${n.inputs[k]}`;
    // why: floordiv rounds its quotient before the floor; without that rounding a quotient that
    // underflows in float32 (-1e-45 / 1e38) would floor to -1 instead of -0.
    const byStore = id === storedAs && n.dtype === 'float32' && n.prim !== 'floordiv';
    const inDtype = byStore ? 'float64' : at(n.inputs[0]).dtype;
    let e: string;
    if (isUnary(n.prim)) e = unaryExpr(n.prim as UnaryPrim, t(0), byStore ? 'float64' : n.dtype);
    else if (isBinary(n.prim)) e = binaryExpr(n.prim as BinaryPrim, t(0), t(1), inDtype);
    else if (n.prim === 'where') e = `(${t(0)} ? ${t(1)} : ${t(2)})`;
    else if (n.prim === 'fma') e = n.dtype === 'float32' ? `fmaf(${t(0)}, ${t(1)}, ${t(2)})` : `${t(0)} * ${t(1)} + ${t(2)}`;
    else if (n.prim === 'cast') e = castExpr(t(0), n.dtype, at(n.inputs[0]).dtype);
    else throw new Error(`render: ${n.prim} is not elementwise`);
    return `const t${id} = ${e};`;
  });

  /** Leaf reads: scalars hoisted before the loop, others read inside at their index. */
  const leafPlan = (leaves: readonly number[], iter: readonly Dim[]) => {
    const plan = walkLeaves(at, leaves, iter);
    const hoisted = plan.hoisted.map((l) => `const t${l.id} = ${l.value !== undefined ? literal(l.value) : l.dim !== undefined ? dimText(l.dim) : `${arr(l.id)}[0]`};`);
    return { hoisted, looped: plan.looped };
  };
  const splitInvariant = (body: readonly number[], variant: Iterable<number>) => walkInvariant(at, body, variant);

  const kernelHeader = (k: Kernel, i: number) => {
    const { name, ops } = kernelName(s, k, i);
    kernels.push({ name, kind: k.kind, ops });
    return `  // ${name}: ${ops.join(', ')}`;
  };

  const renderMap = (k: Extract<Kernel, { kind: 'map' }>): string => {
    const out = at(k.out);
    const leaves = k.leaves.filter((l) => l !== k.epilogueOf);
    const { hoisted, looped } = leafPlan(leaves, out.shape);
    if (k.epilogueOf !== undefined) return renderMatmul(at(k.epilogueOf), k.out, k.body, hoisted, looped);
    const { dims, strides } = mergeDims(out.shape, [rowMajor(out.shape), ...looped.map((l) => l.strides)]);
    const { pre, inner } = splitInvariant(k.body, looped.map((l) => l.id));
    const loop = loopNest(dims, strides, (idx) => [
      ...looped.map((l, j) => `const t${l.id} = ${arr(l.id)}[${idx[j + 1]}];`),
      ...bodyStatements(inner, k.out),
      `${arr(k.out)}[${idx[0]}] = t${k.out};`,
    ].join('\n'));
    return [...hoisted.map((h) => `  ${h}`), ...bodyStatements(pre).map((h) => `  ${h}`), loop].join('\n');
  };

  const renderReduce = (k: Extract<Kernel, { kind: 'reduce' }>): string => {
    const first = at(k.outs[0]);
    const x = at(first.inputs[0]);
    if (isArgReduce(first.attrs.kind)) {
      // why: the first index wins ties; NaN counts as the extreme value (its first occurrence), as in the reference.
      const better = first.attrs.kind === 'argmax' ? '>' : '<';
      const axis = first.attrs.axes![0];
      // why: with run-time dims the bounds are dim expressions (`D0`, `3*D0`), declared once by the factory.
      const outer = dimText(numel(x.shape.slice(0, axis))), n = dimText(x.shape[axis]), inner = dimText(numel(x.shape.slice(axis + 1)));
      const stride = dimText(numel(x.shape.slice(axis)));
      const xa = arr(first.inputs[0]);
      return `  for (let o = 0; o < ${outer}; o++) for (let i = 0; i < ${inner}; i++) {
    let best = 0, bv = ${xa}[o * ${stride} + i];
    for (let k = 1; k < ${n}; k++) { const v = ${xa}[(o * ${n} + k) * ${inner} + i]; if (v ${better} bv || (v !== v && bv === bv)) { bv = v; best = k; } }
    ${arr(k.outs[0])}[o * ${inner} + i] = best;
  }`;
    }
    // Every member reduces over the same space and axes: one loop nest, one accumulator each.
    const members = k.outs.map((id) => {
      const r = at(id);
      const kind = r.attrs.kind!;
      // why: siblings may reduce values of different dtypes (an int32 sum beside a float32 one).
      const dtype = at(r.inputs[0]).dtype;
      const init = kind === 'max' ? '-Infinity' : kind === 'min' ? 'Infinity' : kind === 'prod' || kind === 'all' ? '1' : '0';
      const step = (acc: string, v: string) => kind === 'max' ? `(${v} !== ${v} || ${v} > ${acc} ? ${v} : ${acc})`
        : kind === 'all' ? `(${acc} && ${v} ? 1 : 0)` : kind === 'any' ? `(${acc} || ${v} ? 1 : 0)`
        : kind === 'min' ? `(${v} !== ${v} || ${v} < ${acc} ? ${v} : ${acc})`
        // why: integer sums and products wrap around like the reference's int steps (not saturate).
        : kind === 'prod' ? (isInt32Family(dtype) ? `Math.imul(${acc}, ${v})` : dtype === 'int64' ? `i64(${acc} * ${v})` : `${acc} * ${v}`)
        : isInt32Family(dtype) ? `(${acc} + ${v}) | 0` : dtype === 'int64' ? `i64(${acc} + ${v})` : `${acc} + ${v}`;
      const count = numel(r.attrs.axes!.map((a) => x.shape[a]));
      const finish = (acc: string) => castExpr(kind === 'mean' ? `${acc} / ${dimText(count)}` : acc, r.dtype);
      return { id, init, step, finish, value: `t${r.inputs[0]}`, outArr: arr(id) };
    });
    const { hoisted, looped } = leafPlan(k.leaves, x.shape);
    const keptShape = x.shape.map((d, i) => (first.attrs.axes!.includes(i) ? 1 : d));
    const accStrides = broadcastStrides(keptShape, x.shape);
    const { dims, strides } = mergeDims(x.shape, [accStrides, ...looped.map((l) => l.strides)]);
    const { pre, inner } = splitInvariant(k.body, looped.map((l) => l.id));
    hoisted.push(...bodyStatements(pre));
    const reads = (idx: string[]) => [
      ...looped.map((l, j) => `const t${l.id} = ${arr(l.id)}[${idx[j + 1]}];`),
      ...bodyStatements(inner),
    ];
    const size = numel(first.shape);
    if (size === 1) {
      const loop = loopNest(dims, strides, (idx) => [...reads(idx), ...members.map((m, i) => `acc${i} = ${m.step(`acc${i}`, m.value)};`)].join('\n'));
      return [...hoisted.map((h) => `  ${h}`), ...members.map((m, i) => `  let acc${i} = ${m.init};`), loop,
        ...members.map((m, i) => `  ${m.outArr}[0] = ${m.finish(`acc${i}`)};`)].join('\n');
    }
    const accs = members.map(() => { scratch.push(size); return `s${scratch.length - 1}`; });
    const loop = loopNest(dims, strides, (idx) => [...reads(idx),
      ...members.map((m, i) => `${accs[i]}[${idx[0]}] = ${m.step(`${accs[i]}[${idx[0]}]`, m.value)};`)].join('\n'));
    return [
      ...hoisted.map((h) => `  ${h}`),
      ...members.map((m, i) => `  ${accs[i]}.fill(${m.init});`),
      loop,
      ...members.map((m, i) => `  for (let j = 0; j < ${dimText(size)}; j++) ${m.outArr}[j] = ${m.finish(`${accs[i]}[j]`)};`),
    ].join('\n');
  };

  /**
   * Matmul with float64 accumulation in the reference kernel's order (each C[i][j] sums over p
   * from 0 up), optionally with an elementwise epilogue. The main part computes 4×4 tiles of C in
   * registers (each loaded A and B element feeds four products); edge rows and columns are dot
   * products.
   */
  const renderMatmul = (mm: Node, outId: number, epilogue: readonly number[], hoisted: string[], looped: { id: number; strides: Dim[] }[]): string => {
    const [aN, bN] = mm.inputs.map(at);
    const ta = mm.attrs.transposeA === true, tb = mm.attrs.transposeB === true;
    const [Md, Nd] = mm.shape, Kd = ta ? aN.shape[0] : aN.shape[1];
    const M = dimText(Md), N = dimText(Nd), K = dimText(Kd);
    const A = arr(aN.id), B = arr(bN.id), C = arr(outId);
    const aAt = (i: string, p: string) => (ta ? `${A}[${p} * ${M} + ${i}]` : `${A}[(${i}) * ${K} + ${p}]`);
    const bAt = (p: string, j: string) => (tb ? `${B}[(${j}) * ${K} + ${p}]` : `${B}[${p} * ${N} + ${j}]`);
    /** A block storing C[i][j] = v through the epilogue. */
    const store = (i: string, j: string, v: string) => {
      const lines = [`const t${mm.id} = ${roundTo(mm.dtype, v)};`];
      for (const l of looped) {
        const [si, sj] = l.strides;
        const idx = [si !== 0 ? `(${i}) * ${dimText(si)}` : '', sj !== 0 ? (sj === 1 ? `(${j})` : `(${j}) * ${dimText(sj)}`) : ''].filter(Boolean).join(' + ') || '0';
        lines.push(`const t${l.id} = ${arr(l.id)}[${idx}];`);
      }
      lines.push(...bodyStatements(epilogue));
      lines.push(`${C}[(${i}) * ${N} + ${j}] = t${outId};`);
      return `{ ${lines.join(' ')} }`;
    };
    // why: int32 accumulates with Math.imul and wraps as the reference kernel does (a double sum is not exact).
    const int = isInt32Family(mm.dtype);
    const acc = (s: string, x: string, y: string) => (int ? `${s} = (${s} + Math.imul(${x}, ${y})) | 0;` : `${s} += ${x} * ${y};`);
    // why: with a run-time M or N the tile bounds are computed in the text (a loop runs 0 times if none).
    const tileEnd = (d: Dim, t: string) => (typeof d === 'number' ? String(d - (d % 4)) : `(${t} - ${t} % 4)`);
    const M4 = tileEnd(Md, M), N4 = tileEnd(Nd, N);
    const rows = [0, 1, 2, 3], cols = [0, 1, 2, 3];
    const at2 = (base: string, k: number) => (k ? `${base} + ${k}` : base);
    const tiled = M4 !== '0' && N4 !== '0' ? [
      `  for (let i = 0; i < ${M4}; i += 4) for (let j = 0; j < ${N4}; j += 4) {`,
      // why: local names (m, q, u) never clash with the plan's buffers (b…), constants (c…), temps (t…).
      `    let ${rows.flatMap((r) => cols.map((c) => `m${r}${c} = 0`)).join(', ')};`,
      `    for (let p = 0; p < ${K}; p++) {`,
      `      const ${cols.map((c) => `q${c} = ${bAt('p', at2('j', c))}`).join(', ')};`,
      ...rows.map((r) => `      ${r ? '' : 'let '}u = ${aAt(at2('i', r), 'p')}; ${cols.map((c) => acc(`m${r}${c}`, 'u', `q${c}`)).join(' ')}`),
      `    }`,
      ...rows.flatMap((r) => cols.map((c) => `    ${store(at2('i', r), at2('j', c), `m${r}${c}`)}`)),
      `  }`,
    ] : [];
    const edges = M4 === M && N4 === N ? [] : [
      `  for (let i = 0; i < ${M}; i++) for (let j = i < ${M4} ? ${N4} : 0; j < ${N}; j++) {`,
      `    let s = 0;`,
      `    for (let p = 0; p < ${K}; p++) ${acc('s', aAt('i', 'p'), bAt('p', 'j'))}`,
      `    ${store('i', 'j', 's')}`,
      `  }`,
    ];
    return [...hoisted.map((h) => `  ${h}`), ...tiled, ...edges].join('\n');
  };

  /** The op a run-time error of node n names (recorded for the plan's errorOps). */
  const failOp = (n: Node): string => {
    const name = n.origin[0] ?? '';
    if (name && !errorOps.includes(name)) errorOps.push(name);
    return name;
  };

  /** out[dstBase + i] = x[srcBase + j] over `iter`, with the two operands' strides. */
  const copyLoop = (out: string, xa: string, iter: readonly Dim[], dst: Dim[], src: Dim[], dstBase = 0, srcBase = 0) => {
    const { dims, strides } = mergeDims(iter, [dst, src]);
    return loopNest(dims, strides, (idx) => `${out}[${dstBase ? `${dstBase} + ` : ''}${idx[0]}] = ${xa}[${srcBase ? `${srcBase} + ` : ''}${idx[1]}];`);
  };

  const renderMovement = (n: Node): string => {
    // why: offsets of slices, pads, concats and gathers are concrete; a plan moving run-time dims
    // through them specialises (a transpose only permutes strides).
    if (n.prim === 'transpose') return copyLoop(arr(n.id), arr(n.inputs[0]), n.shape, rowMajor(n.shape), n.attrs.perm!.map((p) => rowMajor(at(n.inputs[0]).shape)[p]));
    if ([n, ...n.inputs.map(at)].some((m) => hasSym(m.shape))) throw new Specialise(`${n.prim} ${n.origin[0] ?? ''} with run-time dims`);
    const shp = (m: Node) => m.shape as number[];
    const rm = (shape: number[]) => rowMajor(shape) as number[];
    const out = arr(n.id);
    const x = at(n.inputs[0]);
    const xa = arr(x.id);
    const inStrides = rm(shp(x));
    switch (n.prim) {
      case 'slice': {
        const base = n.attrs.begin!.reduce((a, b, d) => a + b * inStrides[d], 0);
        return copyLoop(out, xa, shp(n), rm(shp(n)), inStrides, 0, base);
      }
      case 'pad': {
        const outStrides = rm(shp(n));
        const base = n.attrs.paddings!.reduce((a, [before], d) => a + before * outStrides[d], 0);
        return [`  ${out}.fill(${literal(n.attrs.padValue ?? 0)});`, copyLoop(out, xa, shp(x), outStrides, inStrides, base)].join('\n');
      }
      case 'concat': {
        const axis = n.attrs.axis!;
        const outStrides = rm(shp(n));
        let offset = 0;
        return n.inputs.map((id) => {
          const xi = at(id);
          const base = offset * outStrides[axis];
          offset += shp(xi)[axis];
          return copyLoop(out, arr(id), shp(xi), outStrides, rm(shp(xi)), base);
        }).join('\n');
      }
      case 'gather': {
        const axis = n.attrs.axis!;
        const ind = at(n.inputs[1]);
        const outer = numel(shp(x).slice(0, axis)), nAx = shp(x)[axis], inner = numel(shp(x).slice(axis + 1)), q = numel(shp(ind));
        return `  for (let o = 0; o < ${outer}; o++) for (let q = 0; q < ${q}; q++) {
    const ix = ${arr(ind.id)}[q];
    if (ix < 0 || ix >= ${nAx}) fail(${JSON.stringify(failOp(n))}, 'indices[' + idxLabel(q, [${shp(ind).join(', ')}]) + '] = ' + ix + ' is not in [0, ${nAx})');
    const src = (o * ${nAx} + ix) * ${inner}, dst = (o * ${q} + q) * ${inner};
    for (let r = 0; r < ${inner}; r++) ${out}[dst + r] = ${xa}[src + r];
  }`;
      }
      default:
        throw new Error(`render: no movement kernel for ${n.prim}`);
    }
  };

  const embedded = new EmbeddedPlans(constants, mem.slots.length);
  const renderHost = (k: Extract<Kernel, { kind: 'host' }>): string => {
    const first = at(k.outs[0]);
    const names = k.outs.map((id) => { const nm = `h${id}`; hostName.set(id, nm); return nm; });
    if (first.attrs.control) return renderControl(first.attrs.control, k.outs.map(at), names, first.inputs.map(arr), embedded);
    const idx = hostCalls.length;
    hostCalls.push({ op: first.attrs.hostOp!, inputs: [...first.inputs], outputs: k.outs });
    return `  const [${names.join(', ')}] = host[${idx}](rt${first.inputs.map((i) => `, ${arr(i)}`).join('')});`;
  };

  const body: string[] = [];
  const functions: string[] = [];
  s.kernels.forEach((k, i) => {
    if (k.kind === 'alias') return;
    body.push(kernelHeader(k, i));
    body.push(...(hooks.beforeKernel?.(k, i, arr) ?? []).map((l) => `  ${l}`));
    if (k.kind === 'host') { body.push(renderHost(k)); return; }
    let hooked = hooks.kernel?.(k, i, kernels[kernels.length - 1].name, arr);
    if (typeof hooked === 'object') {
      arraysOf = hooked.arrays;
      hooked = `${hooked.code}\n${renderMap(hooked.then)}`;
      arraysOf = undefined;
    }
    const wait = hooked !== undefined && hooks.async === true;
    const code = hooked ?? (k.kind === 'map' ? renderMap(k) : k.kind === 'reduce' ? renderReduce(k)
      : k.kind === 'matmul' ? renderMatmul(at(k.out), k.out, [], [], []) : renderMovement(at(k.out)));
    // why: each kernel is a function of its own (named after its ops), taking the run's feeds,
    // variables and host results it reads: V8 optimises each small loop on its own, where one large
    // run function was compiled again for every hot loop of a cold first run.
    const name = kernels[kernels.length - 1].name;
    const params = [...new Set(code.match(/\b[frh]\d+\b/g) ?? [])];
    body.push(`  ${wait ? 'await ' : ''}${name}(${params.join(', ')});`);
    functions.push(`${wait ? 'async ' : ''}function ${name}(${params.join(', ')}) {\n${code}\n}`);
  });
  const names = [...p.outputs.map(arr), ...p.writes.map((w) => arr(w.node))];
  const results = hooks.results?.(names) ?? names;
  body.push(...(hooks.endLines?.(arr) ?? []).map((l) => `  ${l}`));

  const feedDecl = p.feeds.map((_, i) => `f${i} = feeds[${i}]`);
  const varDecl = p.variables.map((_, i) => `r${i} = vars[${i}]`);
  const bufDecl = mem.slots.map((_, i) => `b${i} = bufs[${i}]`);
  const scratchDecl = scratch.map((_, i) => `s${i} = bufs[${embedded.scratchBase() + i}]`);
  const constDecl = constants.map((_, i) => `c${i} = consts[${i}]`);
  const decl = (xs: string[], pad: string) => (xs.length ? `${pad}const ${xs.join(', ')};\n` : '');
  const runText = `return ${hooks.async ? 'async ' : ''}function run(feeds, vars, rt) {\n${decl([...feedDecl, ...varDecl], '  ')}${(hooks.runLines?.() ?? []).map((l) => `  ${l}\n`).join('')}${body.join('\n')}\n  return [${results.join(', ')}];\n};\n${functions.join('\n')}${functions.length ? '\n' : ''}`;
  // why: the run-time dims the text uses (D0, D1, …) are bound once per set of dims, with the buffers.
  const used = new Set([...runText.matchAll(/\bD(\d+)\b/g)].map((m) => Number(m[1])));
  const dimDecl = [...used].sort((a, b) => a - b).map((k) => `D${k} = dims[${k}]`);
  const code = `${decl([...dimDecl, ...bufDecl, ...scratchDecl, ...constDecl], '')}${embedded.statements.map((st) => `${st}\n`).join('')}${(hooks.factoryLines?.() ?? []).map((l) => `${l}\n`).join('')}${runText}`;
  const text = `"use strict";${preludeFor(code)}${code}`;
  return { text, constants, hostCalls, scratch, kernels, errorOps, embeddedBuffers: embedded.buffers, embeddedErrorOps: embedded.errorOps };
}
