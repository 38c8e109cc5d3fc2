// plan_memory: gives every kernel output a buffer slot, reusing a slot once its last reader
// has run (same dtype, same length), or in place: an elementwise loop may write over an input it
// reads for the last time at the same index. Buffers live in the plan and are allocated once, so a
// warm run allocates nothing. Reshapes are views of their input's slot.
import { storageFor, type DType } from '../src/dtypes.js';
import { sameDims, type Dim } from './dims.js';
import { numel, type Program } from './ir.js';
import type { Kernel, Schedule } from './schedule.js';

/** A buffer: its dtype and length (a dim expression when the plan has run-time dims). */
export interface Slot { readonly dtype: DType; readonly length: Dim }

export interface MemoryPlan {
  /** Buffer slot of each node that needs one (kernel outputs), by node id. */
  readonly slotOf: Map<number, number>;
  readonly slots: readonly Slot[];
}

export function kernelReads(p: Program, k: Kernel): number[] {
  switch (k.kind) {
    case 'map': return k.epilogueOf !== undefined ? [...k.leaves.filter((l) => l !== k.epilogueOf), ...p.nodes[k.epilogueOf].inputs] : k.leaves;
    case 'reduce': return k.leaves;
    case 'host': return [...p.nodes[k.outs[0]].inputs];
    default: return [...p.nodes[k.out].inputs];
  }
}

export function kernelWrites(k: Kernel): number[] {
  return k.kind === 'host' || k.kind === 'reduce' ? k.outs : [k.out];
}

const sameShape = sameDims;

export function planMemory(s: Schedule): MemoryPlan {
  const p = s.program;
  const root = new Map<number, number>(); // alias → the node owning the storage
  const rootOf = (id: number): number => root.get(id) ?? id;
  const lastUse = new Map<number, number>();
  s.kernels.forEach((k, i) => {
    if (k.kind === 'alias') root.set(k.out, rootOf(p.nodes[k.out].inputs[0]));
    for (const r of kernelReads(p, k)) lastUse.set(rootOf(r), i);
  });
  const end = s.kernels.length;
  for (const o of p.outputs) lastUse.set(rootOf(o), end);
  for (const w of p.writes) lastUse.set(rootOf(w.node), end);

  const slots: Slot[] = [];
  const free: number[] = [];
  const slotOf = new Map<number, number>();
  const releaseAt = new Map<number, number[]>();
  /**
   * The slot of a leaf the loop reads for the last time, at the output's own index (same shape,
   * and no other view of that storage in the loop), which the output can take over: -1 if none.
   */
  const inPlaceSlot = (leaves: readonly number[], shape: readonly Dim[], storage: unknown, i: number): number => {
    for (const l of leaves) {
      const r = rootOf(l);
      const ls = slotOf.get(r);
      if (ls === undefined || lastUse.get(r) !== i || storageFor(p.nodes[l].dtype) !== storage) continue;
      if (!leaves.every((o) => rootOf(o) !== r || sameShape(p.nodes[o].shape, shape))) continue;
      const due = releaseAt.get(i)!;
      due.splice(due.indexOf(ls), 1);
      return ls;
    }
    return -1;
  };
  s.kernels.forEach((k, i) => {
    for (const sl of releaseAt.get(i - 1) ?? []) free.push(sl);
    if (k.kind === 'alias' || k.kind === 'host') return;
    for (const id of kernelWrites(k)) {
      const n = p.nodes[id];
      const length = numel(n.shape);
      const storage = storageFor(n.dtype);
      let slot = k.kind === 'map' && k.epilogueOf === undefined ? inPlaceSlot(k.leaves, n.shape, storage, i) : -1;
      if (slot < 0) {
        slot = free.findIndex((f) => slots[f].length === length && storageFor(slots[f].dtype) === storage);
        if (slot >= 0) slot = free.splice(slot, 1)[0];
        else { slot = slots.length; slots.push({ dtype: n.dtype, length }); }
      }
      slotOf.set(id, slot);
      const last = lastUse.get(id) ?? i;
      if (last < end) {
        const l = releaseAt.get(last) ?? [];
        l.push(slot);
        releaseAt.set(last, l);
      }
    }
  });
  // Aliases share their root's slot.
  for (const [alias, r] of root) if (slotOf.has(r)) slotOf.set(alias, slotOf.get(r)!);
  return { slotOf, slots };
}
