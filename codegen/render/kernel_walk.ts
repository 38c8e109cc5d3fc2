// Backend-neutral walking of scheduled kernels: which leaves a loop reads where, which body
// nodes are loop-invariant, what a kernel is called. The JS renderer uses these; a gpu.js or
// WebAssembly renderer reuses them and only spells the statements its own way.
import { Specialise, type Dim } from '../dims.js';
import { numel, type Node } from '../ir.js';
import { kernelOrigins, type Kernel, type Schedule } from '../schedule.js';
import { broadcastStrides } from './loops.js';

export interface LeafPlan {
  /** Leaves read once before the loop: scalar constants (`value`), run-time dims (`dim`) and one-element arrays. */
  hoisted: { id: number; value?: number; dim?: Dim }[];
  /** Leaves read inside the loop at their (broadcast) strides against the iteration shape. */
  looped: { id: number; strides: Dim[] }[];
}

/** Where each leaf of a loop over `iter` is read: hoisted scalars, or looped with strides. */
export function leafPlan(at: (id: number) => Node, leaves: readonly number[], iter: readonly Dim[]): LeafPlan {
  const plan: LeafPlan = { hoisted: [], looped: [] };
  for (const l of leaves) {
    const n = at(l);
    if (n.prim === 'dims') {
      // why: a shape with run-time dims is read as data only as a scalar (a mean's count).
      if (n.shape.length) throw new Specialise(`a loop reads the shape ${n.origin[0]} as data`);
      plan.hoisted.push({ id: l, dim: n.attrs.dims![0] });
    } else if (numel(n.shape) !== 1) plan.looped.push({ id: l, strides: broadcastStrides(n.shape, iter) });
    else plan.hoisted.push(n.prim === 'const' ? { id: l, value: n.attrs.value!.data[0] } : { id: l });
  }
  return plan;
}

/** Splits a loop body: nodes depending only on hoisted values are computed once, before it. */
export function splitInvariant(at: (id: number) => Node, body: readonly number[], variant: Iterable<number>): { pre: number[]; inner: number[] } {
  const moving = new Set(variant);
  const pre: number[] = [], inner: number[] = [];
  for (const id of body) {
    if (at(id).inputs.some((i) => moving.has(i))) { moving.add(id); inner.push(id); } else pre.push(id);
  }
  return { pre, inner };
}

/** A kernel's readable name (`k3_map_mul_add_Sqrt`) and the graph ops it computes. */
export function kernelName(s: Schedule, k: Kernel, index: number): { name: string; ops: string[] } {
  const ops = kernelOrigins(s, k);
  const short = ops.map((o) => o.split('/').pop()!.replace(/[^A-Za-z0-9_]/g, '_')).slice(0, 4).join('_');
  // why: a control-flow op is scheduled as a host kernel but runs compiled bodies: name it for what it is.
  const control = k.kind === 'host' ? s.program.nodes[k.outs[0]].attrs.control?.kind : undefined;
  return { name: `k${index}_${control ?? k.kind}_${short}`, ops };
}
