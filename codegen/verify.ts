// verify: well-formedness of each stage's result, run between stages in tests and with
// TFGEN_VERIFY: a Program (topological ids, arity, each primitive's shape/dtype rule), a
// Schedule (each value computed once, before its readers) and a memory plan (no live value overwritten).
import { isBinary, isUnary, producesBool } from '../src/prims.js';
import { storageFor } from '../src/dtypes.js';
import { dimText, shapeText, type Dim } from './dims.js';
import { numel, type Node, type Program } from './ir.js';
import { kernelReads, kernelWrites, type MemoryPlan } from './plan_memory.js';
import type { Schedule } from './schedule.js';

function broadcastsTo(from: readonly Dim[], to: readonly Dim[]): boolean {
  if (from.length > to.length) return false;
  return from.every((d, i) => d === 1 || d === to[i + to.length - from.length]);
}

function check(n: Node, at: (id: number) => Node): string | undefined {
  const ins = n.inputs.map(at);
  if (isUnary(n.prim) || n.prim === 'cast') {
    if (ins.length !== 1) return 'needs 1 input';
    if (!broadcastsTo(ins[0].shape, n.shape)) return `input shape ${shapeText(ins[0].shape)} does not broadcast to ${shapeText(n.shape)}`;
  } else if (isBinary(n.prim) || n.prim === 'where' || n.prim === 'fma') {
    if (ins.length !== (n.prim === 'where' || n.prim === 'fma' ? 3 : 2)) return 'wrong arity';
    for (const x of ins) if (!broadcastsTo(x.shape, n.shape)) return `input shape ${shapeText(x.shape)} does not broadcast to ${shapeText(n.shape)}`;
    if (producesBool(n.prim) !== (n.dtype === 'bool') && n.prim !== 'where' && n.prim !== 'fma') return `dtype ${n.dtype} is wrong for ${n.prim}`;
  } else if (n.prim === 'reshape') {
    if (numel(ins[0].shape) !== numel(n.shape)) return `reshape changes the size: ${shapeText(ins[0].shape)} → ${shapeText(n.shape)}`;
  } else if (n.prim === 'matmul') {
    const [a, b] = ins;
    const k1 = n.attrs.transposeA ? a.shape[0] : a.shape[1];
    const k2 = n.attrs.transposeB ? b.shape[1] : b.shape[0];
    if (a.shape.length !== 2 || b.shape.length !== 2 || k1 !== k2) return `matmul of ${shapeText(a.shape)} and ${shapeText(b.shape)}`;
  } else if (n.prim === 'reduce') {
    const x = ins[0];
    if (n.attrs.axes!.some((a) => a < 0 || a >= x.shape.length)) return `reduce axes [${n.attrs.axes}] out of range for rank ${x.shape.length}`;
  } else if (n.prim === 'input' || n.prim === 'const' || n.prim === 'read') {
    if (ins.length) return 'a source has inputs';
    if (n.prim === 'const' && numel(n.attrs.value!.shape) !== numel(n.shape)) return 'const value does not match its shape';
  }
  return undefined;
}

export function verify(p: Program, after: string): void {
  const at = (id: number) => p.nodes[id];
  p.nodes.forEach((n, i) => {
    if (n.id !== i) throw new Error(`verify after ${after}: node at ${i} has id ${n.id}`);
    for (const x of n.inputs) if (!(x >= 0 && x < i)) throw new Error(`verify after ${after}: %${i} uses %${x}, not defined before it`);
    const err = check(n, at);
    if (err) throw new Error(`verify after ${after}: %${i} = ${n.prim}: ${err}`);
  });
  for (const o of [...p.outputs, ...p.writes.map((w) => w.node)]) {
    if (!(o >= 0 && o < p.nodes.length)) throw new Error(`verify after ${after}: output %${o} does not exist`);
  }
}

/**
 * A schedule computes every non-source node exactly once (or inlines it into its consumer's
 * loop), and every kernel reads only values computed by earlier kernels or sources.
 */
export function verifySchedule(s: Schedule): void {
  const p = s.program;
  const ready = new Uint8Array(p.nodes.length);
  for (const n of p.nodes) if (n.prim === 'input' || n.prim === 'const' || n.prim === 'read' || n.prim === 'dims') ready[n.id] = 1;
  s.kernels.forEach((k, i) => {
    for (const r of kernelReads(p, k)) {
      if (!ready[r]) throw new Error(`verify after schedule: kernel ${i} (${k.kind}) reads %${r} before it is computed`);
    }
    for (const w of kernelWrites(k)) {
      if (ready[w]) throw new Error(`verify after schedule: %${w} is computed twice (again by kernel ${i})`);
      ready[w] = 1;
    }
  });
  for (const o of [...p.outputs, ...p.writes.map((w) => w.node)]) {
    if (!ready[o]) throw new Error(`verify after schedule: output %${o} is never computed`);
  }
}

/**
 * No buffer slot is overwritten while a value in it is still to be read: replaying the kernels,
 * each read finds its value in its slot; slots fit their values' dtype and length.
 */
export function verifyMemory(s: Schedule, m: MemoryPlan): void {
  const p = s.program;
  const root = (id: number): number => (p.nodes[id].prim === 'reshape' && s.kernels.some((k) => k.kind === 'alias' && k.out === id) ? root(p.nodes[id].inputs[0]) : id);
  const holder = new Int32Array(m.slots.length).fill(-1);
  const expectHeld = (id: number, where: string) => {
    const slot = m.slotOf.get(root(id));
    if (slot !== undefined && holder[slot] !== root(id)) throw new Error(`verify after memory: %${id} was overwritten in b${slot} before ${where}`);
  };
  s.kernels.forEach((k, i) => {
    if (k.kind === 'alias') return;
    for (const r of kernelReads(p, k)) expectHeld(r, `kernel ${i} reads it`);
    for (const w of kernelWrites(k)) {
      const slot = m.slotOf.get(w);
      if (slot === undefined) continue;
      const n = p.nodes[w], sl = m.slots[slot];
      if (sl.length !== numel(n.shape) || storageFor(sl.dtype) !== storageFor(n.dtype)) {
        throw new Error(`verify after memory: %${w} (${n.dtype}${shapeText(n.shape)}) does not fit b${slot} (${sl.dtype}[${dimText(sl.length)}])`);
      }
      holder[slot] = w;
    }
  });
  for (const o of [...p.outputs, ...p.writes.map((w) => w.node)]) expectHeld(o, 'the run returns it');
}
