// schedule: cuts a Program into kernels. Elementwise chains fuse into one loop (a producer
// used once, of the same shape, is computed inside its consumer's loop); a reduction pulls its
// elementwise producers into the reduction loop; a matmul used once by an elementwise chain of
// its own shape gets that chain as its epilogue; independent reductions over the same space share
// one loop. After it, each kernel writes one node (a reduction loop: one per reduction).
import { isArgReduce, isElementwise } from '../src/prims.js';
import { sameDims, shapeText } from './dims.js';
import { numel, useCounts, type Node, type Program } from './ir.js';

export type Kernel =
  /** Elementwise loop over `out`'s shape; `body` nodes are computed in order inside the loop. */
  | { kind: 'map'; out: number; body: number[]; leaves: number[]; epilogueOf?: number }
  /**
   * Reductions sharing one loop: each of `outs` reduces its own input (computed by `body`) over the
   * same iteration space and axes (sibling reductions of one gradient, say, read their data once).
   */
  | { kind: 'reduce'; outs: number[]; body: number[]; leaves: number[] }
  | { kind: 'matmul'; out: number }
  | { kind: 'movement'; out: number }
  | { kind: 'host'; outs: number[] }
  /** Reshape: the output is a view of its input's storage. */
  | { kind: 'alias'; out: number };

export interface Schedule {
  readonly program: Program;
  readonly kernels: readonly Kernel[];
}

const sameShape = sameDims;

export function scheduleKernels(p: Program): Schedule {
  const uses = useCounts(p);
  const consumers: number[][] = p.nodes.map(() => []);
  for (const n of p.nodes) for (const i of n.inputs) consumers[i].push(n.id);
  const at = (id: number) => p.nodes[id];

  const groupOf = reductionGroups(p, consumers);
  // An elementwise node is inlined when all its consumers are in one kernel: elementwise nodes of
  // its shape, or a reduction of it. Consumers have larger ids, so they are decided first.
  // why: several uses in one loop (relu's where(x < 0, 0, x), a squared difference's d·d) are
  // computed once per element there; a use in another kernel needs the value in a buffer.
  // why: a scalar computed only from scalar constants and run-time dims (a mean's 1/count) is
  // recomputed, before the loop, in each kernel using it rather than given a kernel of its own.
  const dup = new Uint8Array(p.nodes.length);
  for (const n of p.nodes) {
    if (!isElementwise(n.prim) || numel(n.shape) !== 1 || !consumers[n.id].length || uses[n.id] !== consumers[n.id].length) continue;
    const scalarSource = (x: Node) => dup[x.id] || ((x.prim === 'const' || x.prim === 'dims') && numel(x.shape) === 1);
    if (n.inputs.map(at).every(scalarSource) && consumers[n.id].every((c) => isElementwise(at(c).prim))) dup[n.id] = 1;
  }
  const inlined = new Uint8Array(p.nodes.length);
  const kernelRoot = (id: number): number => (inlined[id] ? kernelRoot(consumers[id][0]) : groupOf.get(id) ?? id);
  for (let id = p.nodes.length - 1; id >= 0; id--) {
    const n = at(id);
    if (dup[id] || !isElementwise(n.prim) || !consumers[id].length || uses[id] !== consumers[id].length) continue;
    const cs = consumers[id].map(at);
    const fits = cs.every((c) => (isElementwise(c.prim) && sameShape(c.shape, n.shape)) || (c.prim === 'reduce' && !isArgReduce(c.attrs.kind)));
    if (fits && cs.every((c) => kernelRoot(c.id) === kernelRoot(cs[0].id))) inlined[id] = 1;
  }
  // A matmul used once by a same-shaped elementwise loop (not a reduction) gets it as epilogue.
  const epilogue = new Map<number, number>();
  for (const n of p.nodes) {
    if (n.prim !== 'matmul' || uses[n.id] !== 1 || consumers[n.id].length !== 1) continue;
    const c = at(consumers[n.id][0]);
    if (!isElementwise(c.prim) || !sameShape(c.shape, n.shape) || !isElementwise(at(kernelRoot(c.id)).prim)) continue;
    // why: one matmul per loop; a second one feeding the same loop is computed on its own.
    const root = kernelRoot(c.id);
    if ([...epilogue.values()].some((other) => kernelRoot(other) === root)) continue;
    epilogue.set(n.id, c.id);
  }

  const collect = (root: number, stopAt: (id: number) => boolean) => {
    const body: number[] = [];
    const leaves = new Set<number>();
    const seen = new Set<number>();
    const visit = (id: number) => {
      if (stopAt(id)) { leaves.add(id); return; }
      // why: a node used twice in the kernel is visited (and its inputs walked) once.
      if (seen.has(id)) return;
      seen.add(id);
      for (const i of at(id).inputs) visit(i);
      body.push(id);
    };
    visit(root);
    return { body, leaves: [...leaves] };
  };

  const kernels: Kernel[] = [];
  for (const n of p.nodes) {
    if (inlined[n.id] || dup[n.id] || epilogue.has(n.id)) continue;
    if (n.prim === 'input' || n.prim === 'const' || n.prim === 'read' || n.prim === 'dims') continue;
    if (isElementwise(n.prim)) {
      const { body, leaves } = collect(n.id, (id) => id !== n.id && !inlined[id] && !dup[id]);
      const mm = leaves.find((l) => epilogue.has(l));
      kernels.push({ kind: 'map', out: n.id, body, leaves, epilogueOf: mm });
    } else if (n.prim === 'reduce') {
      // A group's loop is emitted at its last member, when every member's inputs exist.
      const members = [...groupOf].filter(([, g]) => g === (groupOf.get(n.id) ?? n.id)).map(([m]) => m);
      const outs = members.length ? members : [n.id];
      if (outs[outs.length - 1] !== n.id) continue;
      const body: number[] = [];
      const leaves = new Set<number>();
      for (const r of outs) {
        const x = at(r).inputs[0];
        const part = inlined[x] ? collect(x, (id) => id !== x && !inlined[id] && !dup[id]) : { body: [], leaves: [x] };
        for (const b of part.body) if (!body.includes(b)) body.push(b);
        for (const l of part.leaves) leaves.add(l);
      }
      body.sort((a, b) => a - b);
      kernels.push({ kind: 'reduce', outs, body, leaves: [...leaves] });
    } else if (n.prim === 'matmul') kernels.push({ kind: 'matmul', out: n.id });
    else if (n.prim === 'reshape') kernels.push({ kind: 'alias', out: n.id });
    else if (n.prim === 'host') {
      const last = kernels[kernels.length - 1];
      const sameCall = last && last.kind === 'host' && at(last.outs[0]).attrs.hostOp === n.attrs.hostOp;
      if (sameCall) last.outs.push(n.id); else kernels.push({ kind: 'host', outs: [n.id] });
    } else kernels.push({ kind: 'movement', out: n.id });
  }
  return { program: p, kernels };
}

/**
 * Groups reductions that can share a loop: same kind of loop (not argmax/argmin), same input shape and
 * axes, neither depending on the other, and no consumer of an earlier member coming before the
 * last one (the loop runs at the last member). Maps each grouped reduction to its group's first.
 */
function reductionGroups(p: Program, consumers: number[][]): Map<number, number> {
  const at = (id: number) => p.nodes[id];
  const key = (n: Node) => `${shapeText(at(n.inputs[0]).shape)}|${n.attrs.axes!.join(',')}|${n.attrs.keepDims === true}`;
  const dependsOn = (id: number, target: number): boolean => {
    const seen = new Set<number>();
    const stack = [id];
    while (stack.length) {
      const x = stack.pop()!;
      if (x === target) return true;
      if (x < target || seen.has(x)) continue;
      seen.add(x);
      stack.push(...at(x).inputs);
    }
    return false;
  };
  const groups = new Map<string, number[]>();
  const groupOf = new Map<number, number>();
  for (const n of p.nodes) {
    if (n.prim !== 'reduce' || isArgReduce(n.attrs.kind)) continue;
    const k = key(n);
    const g = groups.get(k);
    const fits = g && g.every((m) => !dependsOn(n.id, m) && consumers[m].every((c) => c > n.id));
    if (fits) {
      g.push(n.id);
      groupOf.set(g[0], g[0]);
      groupOf.set(n.id, g[0]);
    } else groups.set(k, [n.id]);
  }
  return groupOf;
}

/** The graph ops a kernel computes, for its name and comment. */
export function kernelOrigins(s: Schedule, k: Kernel): string[] {
  const ids = k.kind === 'map' ? [...k.body, k.out] : k.kind === 'reduce' ? [...k.body, ...k.outs] : k.kind === 'host' ? k.outs : [k.out];
  if (k.kind === 'map' && k.epilogueOf !== undefined) ids.unshift(k.epilogueOf);
  const names: string[] = [];
  for (const id of ids) for (const o of s.program.nodes[id].origin) if (!names.includes(o)) names.push(o);
  return names;
}

