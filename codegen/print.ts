// Canonical text of a Program (one line per node), a Schedule (one per kernel) and a memory
// plan (one per buffer), stable across runs (dumps, golden tests).
import type { Node, Program } from './ir.js';
import { dimText, shapeText } from './dims.js';
import { kernelReads, kernelWrites, type MemoryPlan } from './plan_memory.js';
import { kernelOrigins, type Schedule } from './schedule.js';

function attrText(n: Node): string {
  const a = n.attrs;
  const parts: string[] = [];
  // why: -0 and 0 are different constants to the passes (x + -0 is x), so the dump tells them apart.
  const num = (v: number) => (Object.is(v, -0) ? '-0' : String(v));
  if (a.value) parts.push(a.value.size <= 8 ? `value=[${Array.from(a.value.data, num).join(',')}]` : `value=<${a.value.size}>`);
  if (a.feed !== undefined) parts.push(`feed=${a.feed}`);
  if (a.variable !== undefined) parts.push(`var=${a.variable}`);
  if (a.stream !== undefined) parts.push(`stream=${a.stream}`);
  if (a.kind) parts.push(`kind=${a.kind}`);
  if (a.axes) parts.push(`axes=[${a.axes}]`);
  if (a.keepDims) parts.push('keepDims');
  if (a.transposeA) parts.push('ta');
  if (a.transposeB) parts.push('tb');
  if (a.perm) parts.push(`perm=[${a.perm}]`);
  if (a.begin) parts.push(`begin=[${a.begin}] size=[${a.size}]`);
  if (a.axis !== undefined) parts.push(`axis=${a.axis}`);
  if (a.paddings) parts.push(`pad=${JSON.stringify(a.paddings)}`);
  if (a.hostOp) parts.push(`op=${a.hostOp.type}:${a.hostIndex}`);
  return parts.length ? ` {${parts.join(' ')}}` : '';
}

export function printNode(n: Node): string {
  const args = n.inputs.map((i) => `%${i}`).join(', ');
  return `%${n.id} = ${n.prim}(${args})${attrText(n)} : ${n.dtype}${shapeText(n.shape)}  # ${n.origin.join(',')}`;
}

export function printProgram(p: Program): string {
  const lines = p.nodes.map(printNode);
  lines.push(`outputs: ${p.outputs.map((o) => `%${o}`).join(', ')}`);
  if (p.writes.length) lines.push(`writes: ${p.writes.map((w) => `${p.variables[w.variable].name} <- %${w.node}`).join(', ')}`);
  return lines.join('\n');
}

/** One line per kernel: index, kind, the nodes it writes and reads, the graph ops it computes. */
export function printSchedule(s: Schedule): string {
  return s.kernels.map((k, i) => {
    const ids = (xs: readonly number[]) => xs.map((x) => `%${x}`).join(', ');
    const reads = kernelReads(s.program, k);
    return `k${i} ${k.kind}: ${ids(kernelWrites(k))} <- ${ids(reads)}  # ${kernelOrigins(s, k).join(', ')}`;
  }).join('\n');
}

/** One line per buffer slot: dtype, length and the nodes stored in it. */
export function printMemory(m: MemoryPlan): string {
  const held = m.slots.map(() => [] as number[]);
  for (const [id, slot] of [...m.slotOf].sort((a, b) => a[0] - b[0])) held[slot].push(id);
  return m.slots.map((sl, i) => `b${i}: ${sl.dtype}[${dimText(sl.length)}] <- ${held[i].map((x) => `%${x}`).join(', ')}`).join('\n');
}
