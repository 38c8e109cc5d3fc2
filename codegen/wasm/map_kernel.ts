// An elementwise chain as one WebAssembly function: a loop over four elements per iteration
// (f32x4 / i32x4), then a scalar loop over the last n mod 4, for each row of a [rows, cols]
// iteration space (one row unless an input broadcasts). Every float32 op is an IEEE single
// operation (correctly rounded), so each lane computes what the JS backend's `Math.fround`
// after every op computes, bit for bit; int32 and bool ops are in typed_ops.ts, the
// transcendentals in vector_math.ts. Parameters: the output's byte offset, each looped input's,
// each per-row input's, each one-element input's, each run-time dim's value, then the row and
// column counts.
import type { DType } from '../../src/dtypes.js';
import type { Node } from '../ir.js';
import { Code, functionBuilder, I32, OP, SIMD, type ValType, type WasmFunction } from './encode.js';
import { addressShift, emitConstant, emitLoad, emitSplat, emitStore, emitTyped, typedCovers, valueType } from './typed_ops.js';
import { emitVectorMath, VECTOR_MATH } from './vector_math.js';

/** The prims this kernel computes, with their scalar and f32x4 opcodes ('copy' is no op). */
const OPS: Record<string, readonly [number, number] | null> = {
  add: [OP.f32Add, SIMD.f32x4Add], sub: [OP.f32Sub, SIMD.f32x4Sub], mul: [OP.f32Mul, SIMD.f32x4Mul], div: [OP.f32Div, SIMD.f32x4Div],
  // why: f32.min/max propagate NaN and order -0 below +0, as the JS backend's fmin/fmax (Math.min/max) do.
  min: [OP.f32Min, SIMD.f32x4Min], max: [OP.f32Max, SIMD.f32x4Max],
  neg: [OP.f32Neg, SIMD.f32x4Neg], abs: [OP.f32Abs, SIMD.f32x4Abs], sqrt: [OP.f32Sqrt, SIMD.f32x4Sqrt], copy: null,
  // why: exact in both (integers, sign and NaN kept); TF's round is half to even, which is IEEE nearest.
  floor: [OP.f32Floor, SIMD.f32x4Floor], ceil: [OP.f32Ceil, SIMD.f32x4Ceil], round: [OP.f32Nearest, SIMD.f32x4Nearest],
  // Spelled in `compute`: recip is 1 / x (one correctly rounded division); relu is x < 0 ? +0 : x (keeps NaN and -0).
  recip: null, relu: null,
};

/** Prims computed by IEEE single operations, bit-identical to the JS backend (vector_math.ts has the others). */
export const MAP_PRIMS: ReadonlySet<string> = new Set([...Object.keys(OPS), ...Object.keys(VECTOR_MATH).filter((p) => VECTOR_MATH[p] === 'exact')]);

/** Whether this backend computes node `n` (inputs of dtypes `ins`) bit-identically: float32 MAP_PRIMS, or a typed op. */
export function elementwiseCovered(n: Node, ins: readonly DType[]): boolean {
  if (MAP_PRIMS.has(n.prim) && n.dtype === 'float32' && ins.every((d) => d === 'float32')) return true;
  return typedCovers(n, ins);
}

export interface MapKernel {
  name: string;
  /** Leaves read at the loop index (contiguous, the output's shape, or one row broadcast over rows: `rowLeaves`). */
  looped: readonly number[];
  rowLeaves?: readonly number[];
  /** Leaves with one value per row (a column broadcast over the columns). */
  colLeaves?: readonly number[];
  /** One-element array leaves, read once. */
  scalars: readonly number[];
  /** Run-time dims read as data (int32 scalars, passed by value). */
  dims?: readonly number[];
  /** Scalar constant leaves. */
  constants: readonly { id: number; value: number }[];
  /** Body nodes computed once before the loop, and inside it. */
  pre: readonly number[];
  inner: readonly number[];
  out: number;
}

/**
 * Pushes node `n`'s value, one lane or four (`vector`), its inputs being in the locals
 * `operand(id)` (of the dtypes `dtypeOf` gives: float32, but where's condition bool, by default).
 * Shared by every kernel computing elementwise chains (maps, reductions, matmul epilogues).
 */
export function emitElementwise(c: Code, n: Node, vector: boolean, operand: (id: number) => number, local?: (t: ValType) => number,
  dtypeOf?: (id: number) => DType): void {
  const ins = n.inputs.map((i, j) => dtypeOf?.(i) ?? (n.prim === 'where' && j === 0 ? 'bool' : 'float32'));
  // why: the transcendentals, casts and int32 min/max/abs need scratch locals of the function being built.
  const scratch = () => { if (!local) throw new Error(`emitElementwise: ${n.prim} needs a local allocator`); return local; };
  if (VECTOR_MATH[n.prim]) { emitVectorMath(c, scratch(), n.prim, vector, operand(n.inputs[0]), n.inputs.length > 1 ? operand(n.inputs[1]) : -1); return; }
  if (!(n.prim in OPS) || n.dtype !== 'float32' || ins.some((d) => d !== 'float32')) { emitTyped(c, n, ins, vector, operand, scratch()); return; }
  const ops = OPS[n.prim];
  const get = (i: number) => c.op(OP.localGet).u32(i);
  const x = operand(n.inputs[0]);
  const zero = () => (vector ? c.simd(SIMD.v128Const).op(...new Array<number>(16).fill(0)) : c.op(OP.f32Const).f32(0));
  if (n.prim === 'recip') {
    if (vector) c.op(OP.f32Const).f32(1).simd(SIMD.f32x4Splat); else c.op(OP.f32Const).f32(1);
    get(x);
    if (vector) c.simd(SIMD.f32x4Div); else c.op(OP.f32Div);
  } else if (n.prim === 'relu') {
    zero(); get(x); get(x); zero();
    if (vector) c.simd(SIMD.f32x4Lt).simd(SIMD.v128Bitselect); else c.op(OP.f32Lt, OP.select);
  } else {
    for (const i of n.inputs) get(operand(i));
    if (ops) { if (vector) c.simd(ops[1]); else c.op(ops[0]); }
  }
}

export function mapFunction(k: MapKernel, at: (id: number) => Node): WasmFunction {
  const colLeaves = k.colLeaves ?? [], rowLeaves = new Set(k.rowLeaves ?? []);
  const dims = k.dims ?? [];
  const params = 3 + k.looped.length + colLeaves.length + k.scalars.length + dims.length;
  const pOut = 0, pRows = params - 2, pN = params - 1;
  const pIn = new Map(k.looped.map((id, j) => [id, 1 + j]));
  const S = new Map<number, number>(), V = new Map<number, number>();
  const { c, locals, local, get, set, loop } = functionBuilder(params);
  const dtype = (id: number) => at(id).dtype;
  const into = (vector: boolean, id: number) => {
    const map = vector ? V : S;
    if (!map.has(id)) map.set(id, local(valueType(dtype(id), vector)));
    set(map.get(id)!);
  };
  const splat = (id: number) => { get(S.get(id)!); emitSplat(c, dtype(id)); into(true, id); };
  const compute = (id: number, vector: boolean) => {
    const map = vector ? V : S;
    emitElementwise(c, at(id), vector, (i) => map.get(i)!, local, dtype);
    into(vector, id);
  };
  /** Pushes an element address: base parameter + byte index (of 4-byte elements), scaled for the dtype. */
  const address = (base: number, id: number, index: () => void) => {
    get(base); index();
    const shift = addressShift(dtype(id));
    if (shift) c.op(OP.i32Const).s32(Math.abs(shift)).op(shift > 0 ? OP.i32ShrU : OP.i32Shl);
    c.op(OP.i32Add);
  };
  for (const { id, value } of k.constants) { emitConstant(c, dtype(id), value); into(false, id); if (dtype(id) !== 'float64') splat(id); }
  k.scalars.forEach((id, j) => { get(1 + k.looped.length + colLeaves.length + j); emitLoad(c, dtype(id), false); into(false, id); splat(id); });
  dims.forEach((id, j) => { get(1 + k.looped.length + colLeaves.length + k.scalars.length + j); into(false, id); splat(id); });
  // why: float64 values are scalars before the loop only (render/wasm.ts checks), never splatted.
  for (const id of k.pre) { compute(id, false); if (dtype(id) !== 'float64') splat(id); }
  const i = local(I32), end4 = local(I32), end = local(I32), row = local(I32), rowOff = local(I32), colOff = local(I32);
  get(pN).op(OP.i32Const).s32(2).op(OP.i32Shl); set(end);
  get(pN).op(OP.i32Const).s32(-4).op(OP.i32And).op(OP.i32Const).s32(2).op(OP.i32Shl); set(end4);
  const pass = (vector: boolean, bound: number) => loop(i, bound, vector ? 16 : 4, () => {
    for (const id of k.looped) {
      address(pIn.get(id)!, id, () => { get(i); if (!rowLeaves.has(id)) { get(rowOff); c.op(OP.i32Add); } });
      emitLoad(c, dtype(id), vector);
      into(vector, id);
    }
    for (const id of k.inner) compute(id, vector);
    address(pOut, k.out, () => { get(i); get(rowOff); c.op(OP.i32Add); });
    emitStore(c, dtype(k.out), vector, (vector ? V : S).get(k.out)!, local);
  });
  // why: one row when nothing broadcasts.
  loop(row, pRows, 1, () => {
    colLeaves.forEach((id, j) => {
      address(1 + k.looped.length + j, id, () => get(colOff));
      emitLoad(c, dtype(id), false); into(false, id); splat(id);
    });
    c.op(OP.i32Const).s32(0); set(i);
    pass(true, end4);
    pass(false, end);
    get(rowOff); get(end); c.op(OP.i32Add); set(rowOff);
    get(colOff); c.op(OP.i32Const).s32(4).op(OP.i32Add); set(colOff);
  });
  return { name: k.name, params, locals, body: c };
}
