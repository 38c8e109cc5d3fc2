// Loop nests for kernels over a shape: operands read with broadcast (or permuted) strides,
// adjacent dims merged where every operand is contiguous across them, so most elementwise
// kernels become one flat loop. Dims and strides may be dim expressions (codegen/dims.ts).
import { dimText, dmul, type Dim } from '../dims.js';

export interface Operand {
  /** Strides against the iteration shape (0 where the operand broadcasts). */
  strides: Dim[];
}

/** Row-major strides of `shape` aligned to an iteration shape of rank `rank` (0 on broadcast dims). */
export function broadcastStrides(shape: readonly Dim[], iter: readonly Dim[]): Dim[] {
  const rank = iter.length;
  const st = new Array<Dim>(rank).fill(0);
  let s: Dim = 1;
  for (let a = shape.length - 1; a >= 0; a--) {
    const d = a + rank - shape.length;
    // why: a run-time dim is never 1 in its plan (a fed 1 gets a plan of its own), so it never broadcasts.
    st[d] = shape[a] === 1 && iter[d] !== 1 ? 0 : s;
    s = dmul(s, shape[a]);
  }
  return st;
}

/** Plain row-major strides of `shape` (the layout of every plan array). */
export const rowMajor = (shape: readonly Dim[]): Dim[] => broadcastStrides(shape, shape);

/** Merges adjacent dims where every operand's strides are contiguous across them; drops 1-dims. */
export function mergeDims(dims: readonly Dim[], operands: readonly Dim[][]): { dims: Dim[]; strides: Dim[][] } {
  const keep = dims.map((d) => d !== 1);
  let D = dims.filter((_, i) => keep[i]);
  let S = operands.map((st) => st.filter((_, i) => keep[i]));
  for (let d = D.length - 2; d >= 0; d--) {
    const ok = S.every((st) => st[d] === dmul(st[d + 1], D[d + 1]));
    if (!ok) continue;
    D = [...D.slice(0, d), dmul(D[d], D[d + 1]), ...D.slice(d + 2)];
    S = S.map((st) => [...st.slice(0, d), st[d + 1], ...st.slice(d + 2)]);
  }
  return { dims: D, strides: S };
}

/**
 * Emits a loop nest over `dims`. `index(k)` names the flat index expression of operand k
 * inside the innermost body (operand 0 is usually the contiguous output). `body(idx)` returns
 * the statements of the innermost loop. Offsets are kept per operand and depth.
 */
export function loopNest(dims: readonly Dim[], strides: readonly Dim[][], body: (idx: string[]) => string, pad = '  '): string {
  const rank = dims.length;
  // why: a scalar kernel's statement is indented like a loop's, so generated text reads evenly.
  if (rank === 0) return body(strides.map(() => '0')).split('\n').map((l) => pad + l).join('\n');
  const lines: string[] = [];
  // Offset variable of operand k after fixing dims < d: o{k}_{d}; at d = 0 it is 0.
  const off = (k: number, d: number) => (d === 0 ? '0' : `o${k}_${d}`);
  let indent = pad;
  for (let d = 0; d < rank; d++) {
    lines.push(`${indent}for (let i${d} = 0; i${d} < ${dimText(dims[d])}; i${d}++) {`);
    indent += '  ';
    if (d < rank - 1) {
      strides.forEach((st, k) => {
        const prev = off(k, d);
        const term = st[d] === 0 ? '' : st[d] === 1 ? `i${d}` : `i${d} * ${dimText(st[d])}`;
        const expr = term === '' ? prev : prev === '0' ? term : `${prev} + ${term}`;
        lines.push(`${indent}const o${k}_${d + 1} = ${expr};`);
      });
    }
  }
  const last = rank - 1;
  const idx = strides.map((st, k) => {
    const prev = off(k, last);
    const term = st[last] === 0 ? '' : st[last] === 1 ? `i${last}` : `i${last} * ${dimText(st[last])}`;
    return term === '' ? prev : prev === '0' ? term : `${prev} + ${term}`;
  });
  lines.push(body(idx).split('\n').map((l) => indent + l).join('\n'));
  for (let d = rank - 1; d >= 0; d--) {
    indent = indent.slice(2);
    lines.push(`${indent}}`);
  }
  return lines.join('\n');
}
