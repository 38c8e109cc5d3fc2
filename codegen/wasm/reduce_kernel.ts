// Float32 reductions (sum, mean, max, min, prod, several sharing one loop) of a fused
// elementwise body as one WebAssembly function, over a [rows, cols] space (rows = 1: a full
// reduction), in one of two shapes:
// - 'rows': one result per row (the last axes reduced; a full reduction is one row; 'all': one
//   result over every row, a full reduction whose input broadcasts along rows). Per row, an
//   f32x4 loop computes the body four elements at a time and a scalar tail the rest; each
//   element then goes into a float64 accumulator in the reference's order (bit-identical), or,
//   for sums in 'f64x2' mode, into four float64 partial sums (faster, see codegen/README.md).
// - 'columns': one result per column (the leading axes reduced: a bias gradient's reduceSum(x, 0);
//   middle axes: one such block per outer index). Row after row, four columns at a time, each column's float64 accumulator in a scratch region
//   (the input streams contiguously): the reference's order, vectorised across outputs, bit-identical.
// max/min take the reference's step (v is NaN or beyond the accumulator → v), so NaN sticks and
// the first of equal zeros is kept, as in the JS backend. Parameters: the outputs' byte
// offsets, the scratch regions' ('columns': float64 × cols per output), each looped input's,
// each per-row input's, each one-element input's, each run-time dim's value, ('columns': the
// outer count), rows, cols.
import type { Node } from '../ir.js';
import { F32, F64, functionBuilder, I32, OP, SIMD, V128, type ValType, type WasmFunction } from './encode.js';
import { emitElementwise } from './map_kernel.js';
import { emitConstant, emitSplat, valueType } from './typed_ops.js';

export type ReduceKindCovered = 'sum' | 'mean' | 'max' | 'min' | 'prod';
export const REDUCE_KINDS_COVERED: ReadonlySet<string> = new Set<ReduceKindCovered>(['sum', 'mean', 'max', 'min', 'prod']);

/** How float32 sums and means accumulate in 'rows' and 'all' reductions (see above). */
export type SumMode = 'ordered' | 'f64x2';

export interface ReduceKernel {
  name: string;
  shape: 'rows' | 'all' | 'columns';
  members: readonly { value: number; kind: ReduceKindCovered }[];
  sums: SumMode;
  /** Leaves read at the loop index; `rowLeaves` are one row read for every row. */
  looped: readonly number[];
  rowLeaves: readonly number[];
  /** Leaves with one value per row. */
  colLeaves: readonly number[];
  /** Run-time dims read as data (int32 scalars, passed by value). */
  dims?: readonly number[];
  /** One-element array leaves, read once, and scalar constants. */
  scalars: readonly number[];
  constants: readonly { id: number; value: number }[];
  /** Body nodes computed once before the loops, and inside them. */
  pre: readonly number[];
  inner: readonly number[];
}

const INIT: Record<ReduceKindCovered, number> = { sum: 0, mean: 0, prod: 1, max: -Infinity, min: Infinity };

export function reduceFunction(k: ReduceKernel, at: (id: number) => Node): WasmFunction {
  const outs = k.members.length;
  const dims = k.dims ?? [];
  // why: a columns reduction keeps each member's float64 accumulators in a scratch region (one per column).
  const scratch = k.shape === 'columns' ? outs : 0, first = outs + scratch;
  // why: a columns reduction runs over `outer` blocks of [rows, cols] (a reduction over middle axes); its count comes first.
  const params = (k.shape === 'columns' ? 3 : 2) + first + k.looped.length + k.colLeaves.length + k.scalars.length + dims.length;
  const pRows = params - 2, pCols = params - 1;
  const pIn = new Map(k.looped.map((id, j) => [id, first + j]));
  const pCol = new Map(k.colLeaves.map((id, j) => [id, first + k.looped.length + j]));
  const rowLeaves = new Set(k.rowLeaves);
  const S = new Map<number, number>(), V = new Map<number, number>();
  const { c, locals, local, get, set, i32, loop } = functionBuilder(params);
  const into = (map: Map<number, number>, id: number, t: ValType) => { if (!map.has(id)) map.set(id, local(t)); set(map.get(id)!); };
  const dtype = (id: number) => at(id).dtype;
  const splat = (id: number) => { get(S.get(id)!).simd(SIMD.f32x4Splat); into(V, id, V128); };
  const compute = (id: number, vector: boolean) => {
    const map = vector ? V : S;
    emitElementwise(c, at(id), vector, (x) => map.get(x)!, local, dtype);
    into(map, id, valueType(dtype(id), vector));
  };
  for (const { id, value } of k.constants) { emitConstant(c, dtype(id), value); into(S, id, valueType(dtype(id), false)); if (dtype(id) !== 'float64') splat(id); }
  k.scalars.forEach((id, j) => { get(first + k.looped.length + k.colLeaves.length + j).op(OP.f32Load).mem(2); into(S, id, F32); splat(id); });
  dims.forEach((id, j) => { get(first + k.looped.length + k.colLeaves.length + k.scalars.length + j); into(S, id, I32); get(S.get(id)!); emitSplat(c, 'int32'); into(V, id, V128); });
  // why: float64 values are scalars before the loop only (render/wasm.ts checks), never splatted.
  for (const id of k.pre) { compute(id, false); if (dtype(id) !== 'float64') { get(S.get(id)!); emitSplat(c, dtype(id)); into(V, id, V128); } }
  /** Reads the looped leaves at byte offset `at()` (and a row's start `rowOff()`), computes the body. */
  const body = (vector: boolean, index: () => void, rowOff: () => void) => {
    for (const id of k.looped) {
      get(pIn.get(id)!); index(); c.op(OP.i32Add);
      if (!rowLeaves.has(id)) { rowOff(); c.op(OP.i32Add); }
      if (vector) c.simd(SIMD.v128Load).mem(4); else c.op(OP.f32Load).mem(2);
      into(vector ? V : S, id, vector ? V128 : F32);
    }
    for (const id of k.inner) compute(id, vector);
  };
  /** Loads each per-row leaf at byte offset `rowIndex()` (its row times 4) and splats it. */
  const colLeafLoads = (rowIndex: () => void) => k.colLeaves.forEach((id) => {
    get(pCol.get(id)!); rowIndex(); c.op(OP.i32Add).op(OP.f32Load).mem(2); into(S, id, F32); splat(id);
  });
  /** The reference's step on float64 acc and value, scalar (f64) or two lanes (f64x2); leaves the new acc. */
  const step = (kind: ReduceKindCovered, pair: boolean, acc: number, v: number) => {
    if (kind === 'sum' || kind === 'mean') { get(acc); get(v); pair ? c.simd(SIMD.f64x2Add) : c.op(OP.f64Add); return; }
    if (kind === 'prod') { get(acc); get(v); pair ? c.simd(SIMD.f64x2Mul) : c.op(OP.f64Mul); return; }
    // why: (v !== v || v > acc) ? v : acc, the JS backend's max (min: v < acc).
    get(v); get(acc); get(v); get(v);
    if (pair) {
      c.simd(SIMD.f64x2Ne); get(v); get(acc); c.simd(kind === 'max' ? SIMD.f64x2Gt : SIMD.f64x2Lt).simd(SIMD.v128Or).simd(SIMD.v128Bitselect);
    } else {
      c.op(OP.f64Ne); get(v); get(acc); c.op(kind === 'max' ? OP.f64Gt : OP.f64Lt, OP.i32Or, OP.select);
    }
  };
  /** acc (float64, or a pair of f64x2) → float32: a mean divides by its count first. */
  const finish = (kind: ReduceKindCovered, pair: boolean, count: number) => {
    if (kind !== 'mean') return;
    get(count);
    if (pair) c.simd(SIMD.f64x2ConvertLowI32x4U).simd(SIMD.f64x2Div); else c.op(OP.f64ConvertI32U, OP.f64Div);
  };
  const nRows = local(I32), nCols = local(I32);
  get(pRows); set(nRows); get(pCols); set(nCols);
  if (k.shape === 'columns') columnsBody(); else rowsBody();
  return { name: k.name, params, locals, body: c };

  function rowsBody() {
    const i = local(I32), end4 = local(I32), end = local(I32), row = local(I32), rowOff = local(I32), colOff = local(I32);
    get(nCols); i32(2).op(OP.i32Shl); set(end);
    get(nCols); i32(-4).op(OP.i32And); i32(2).op(OP.i32Shl); set(end4);
    const pairs = k.sums === 'f64x2';
    const acc = k.members.map(() => local(F64)), tmp = local(F64);
    const partial = k.members.map((m) => (pairs && (m.kind === 'sum' || m.kind === 'mean') ? [local(V128), local(V128)] : undefined));
    const accumulate = (vector: boolean) => k.members.forEach((m, j) => {
      const v = (vector ? V : S).get(m.value)!;
      const p = partial[j];
      if (vector && p) {
        get(p[0]); get(v); c.simd(SIMD.f64x2PromoteLowF32x4).simd(SIMD.f64x2Add); set(p[0]);
        get(p[1]); get(v); get(v); c.simd(SIMD.i8x16Shuffle).op(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
        c.simd(SIMD.f64x2PromoteLowF32x4).simd(SIMD.f64x2Add); set(p[1]);
        return;
      }
      for (let lane = 0; lane < (vector ? 4 : 1); lane++) {
        get(v);
        if (vector) c.simd(SIMD.f32x4ExtractLane).op(lane);
        c.op(OP.f64PromoteF32); set(tmp);
        step(m.kind, false, acc[j], tmp); set(acc[j]);
      }
    });
    const perRow = k.shape === 'rows';
    const init = () => k.members.forEach((m, j) => { c.op(OP.f64Const).f64(INIT[m.kind]); set(acc[j]); });
    const store = () => k.members.forEach((m, j) => {
      get(j); if (perRow) { get(colOff); c.op(OP.i32Add); }
      get(acc[j]); finish(m.kind, false, perRow ? nCols : count); c.op(OP.f32DemoteF64, OP.f32Store).mem(2);
    });
    // why: a reduction over every row divides a mean by rows·cols.
    const count = local(I32);
    get(nRows); get(nCols); c.op(OP.i32Mul); set(count);
    if (!perRow) init();
    loop(row, nRows, 1, () => {
      colLeafLoads(() => get(colOff));
      if (perRow) init();
      for (const p of partial) if (p) for (const l of p) { c.simd(SIMD.v128Const).op(...new Array<number>(16).fill(0)); set(l); }
      i32(0); set(i);
      loop(i, end4, 16, () => { body(true, () => get(i), () => get(rowOff)); accumulate(true); });
      // why: the four partial sums are added pairwise; the scalar tail then adds its elements to that.
      partial.forEach((p, j) => {
        if (!p) return;
        get(p[0]); get(p[1]); c.simd(SIMD.f64x2Add); set(p[0]);
        get(acc[j]); get(p[0]); c.simd(SIMD.f64x2ExtractLane).op(0); get(p[0]); c.simd(SIMD.f64x2ExtractLane).op(1);
        c.op(OP.f64Add, OP.f64Add); set(acc[j]);
      });
      loop(i, end, 4, () => { body(false, () => get(i), () => get(rowOff)); accumulate(false); });
      if (perRow) store();
      get(rowOff); get(end); c.op(OP.i32Add); set(rowOff);
      get(colOff); i32(4).op(OP.i32Add); set(colOff);
    });
    if (!perRow) store();
  }

  function columnsBody() {
    const col = local(I32), end4 = local(I32), end = local(I32), row = local(I32), rowOff = local(I32), rowIdx = local(I32);
    get(nCols); i32(2).op(OP.i32Shl); set(end);
    get(nCols); i32(-4).op(OP.i32And); i32(2).op(OP.i32Shl); set(end4);
    get(nRows); c.simd(SIMD.i32x4Splat); const countV = local(V128); set(countV);
    const lo = local(V128), hi = local(V128), acc = local(V128), x = local(F64), accS = local(F64);
    /** Pushes the address of member j's accumulator for the column at float32 byte index `col` (+ `extra` bytes). */
    const accAt = (j: number, extra = 0) => { get(outs + j); get(col); i32(1).op(OP.i32Shl).op(OP.i32Add); if (extra) i32(extra).op(OP.i32Add); };
    /** Runs `inside` for the columns four at a time, then one at a time. */
    const columns = (inside: (vector: boolean) => void) => {
      i32(0); set(col);
      loop(col, end4, 16, () => inside(true));
      loop(col, end, 4, () => inside(false));
    };
    const o = local(I32), outOff = local(I32);
    loop(o, params - 3, 1, () => {
      columns((vector) => k.members.forEach((m, j) => {
        accAt(j); c.op(OP.f64Const).f64(INIT[m.kind]);
        if (vector) { c.simd(SIMD.f64x2Splat).simd(SIMD.v128Store).mem(4); accAt(j, 16); c.op(OP.f64Const).f64(INIT[m.kind]).simd(SIMD.f64x2Splat).simd(SIMD.v128Store).mem(4); }
        else c.op(OP.f64Store).mem(3);
      }));
      // why: rows in order, each row's columns contiguous: every accumulator sees its column's elements in the reference's order.
      i32(0); set(row);
      loop(row, nRows, 1, () => {
        colLeafLoads(() => get(rowIdx));
        columns((vector) => {
          body(vector, () => get(col), () => get(rowOff));
          k.members.forEach((m, j) => {
            const v = (vector ? V : S).get(m.value)!;
            if (!vector) {
              get(v); c.op(OP.f64PromoteF32); set(x);
              accAt(j); accAt(j); c.op(OP.f64Load).mem(3); set(accS); step(m.kind, false, accS, x); c.op(OP.f64Store).mem(3);
              return;
            }
            get(v); c.simd(SIMD.f64x2PromoteLowF32x4); set(lo);
            get(v); get(v); c.simd(SIMD.i8x16Shuffle).op(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7); c.simd(SIMD.f64x2PromoteLowF32x4); set(hi);
            ([[0, lo], [16, hi]] as const).forEach(([extra, half]) => {
              accAt(j, extra); accAt(j, extra); c.simd(SIMD.v128Load).mem(4); set(acc); step(m.kind, true, acc, half); c.simd(SIMD.v128Store).mem(4);
            });
          });
        });
        get(rowOff); get(end); c.op(OP.i32Add); set(rowOff);
        get(rowIdx); i32(4).op(OP.i32Add); set(rowIdx);
      });
      columns((vector) => k.members.forEach((m, j) => {
        get(j); get(outOff); c.op(OP.i32Add); get(col); c.op(OP.i32Add);
        if (!vector) { accAt(j); c.op(OP.f64Load).mem(3); finish(m.kind, false, nRows); c.op(OP.f32DemoteF64, OP.f32Store).mem(2); return; }
        accAt(j); c.simd(SIMD.v128Load).mem(4); finish(m.kind, true, countV); c.simd(SIMD.f32x4DemoteF64x2Zero);
        accAt(j, 16); c.simd(SIMD.v128Load).mem(4); finish(m.kind, true, countV); c.simd(SIMD.f32x4DemoteF64x2Zero);
        c.simd(SIMD.i8x16Shuffle).op(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
        c.simd(SIMD.v128Store).mem(4);
      }));
      get(outOff); get(end); c.op(OP.i32Add); set(outOff);
    });
  }
}
