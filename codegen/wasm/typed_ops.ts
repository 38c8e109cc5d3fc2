// Elementwise ops over float32, int32 and bool for the wasm kernels: compares, where, logic,
// casts and int32 arithmetic, each the JS backend's operation bit for bit. Values live as
// f32 / i32 scalars (bool: i32 0 or 1) and as f32x4 / i32x4 vectors (bool: i32x4 lanes of all
// ones or zero, what compares give and bitselect takes). In memory bool is one byte per element
// (the plan's Uint8Array), so its arrays are addressed at a quarter of the float32 byte index.
import type { DType } from '../../src/dtypes.js';
import type { Node } from '../ir.js';
import { Code, F32, F64, I32, OP, SIMD, V128, type ValType } from './encode.js';

/** The dtypes these kernels hold. */
export const KERNEL_DTYPES: ReadonlySet<DType> = new Set<DType>(['float32', 'int32', 'bool']);

const CMP = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const;
// Scalar and vector opcodes of compares: [f32, i32] each.
const CMP_SCALAR: Record<string, [number, number]> = { eq: [0x5b, 0x46], ne: [0x5c, 0x47], lt: [0x5d, 0x48], gt: [0x5e, 0x4a], le: [0x5f, 0x4c], ge: [0x60, 0x4e] };
const CMP_VECTOR: Record<string, [number, number]> = { eq: [0x41, 0x37], ne: [0x42, 0x38], lt: [0x43, 0x39], gt: [0x44, 0x3b], le: [0x45, 0x3d], ge: [0x46, 0x3f] };
const INT_VECTOR: Record<string, number> = { add: 0xae, sub: 0xb1, mul: 0xb5, min: 0xb6, max: 0xb8, neg: 0xa1, abs: 0xa0 };
const INT_SCALAR: Record<string, number> = { add: 0x6a, sub: 0x6b, mul: 0x6c };

/**
 * Float64 scalars: the arithmetic of a mean's count from a run-time dim (cast to float64, divided,
 * cast to float32), computed once before the loops; never a vector.
 */
const F64_SCALAR: Record<string, number> = { add: 0xa0, sub: 0xa1, mul: 0xa2, div: 0xa3 };

/** Whether node `n` (its inputs of dtypes `ins`) is one of the ops computed here (float64 ones: scalars only). */
export function typedCovers(n: Node, ins: readonly DType[]): boolean {
  const isInt = (d: DType) => d === 'int32';
  if (n.dtype === 'float64' || ins.includes('float64')) {
    if (n.prim === 'cast') return (n.dtype === 'float64' && (ins[0] === 'int32' || ins[0] === 'float32' || ins[0] === 'float64')) || (ins[0] === 'float64' && n.dtype === 'float32');
    return n.prim in F64_SCALAR && n.dtype === 'float64' && ins.every((d) => d === 'float64');
  }
  if ((CMP as readonly string[]).includes(n.prim)) return ins[0] === ins[1] && KERNEL_DTYPES.has(ins[0]) && (ins[0] !== 'bool' || n.prim === 'eq' || n.prim === 'ne');
  if (n.prim === 'where') return ins[0] === 'bool' && ins[1] === ins[2] && ins[1] === n.dtype && KERNEL_DTYPES.has(n.dtype);
  if (n.prim === 'and' || n.prim === 'or' || n.prim === 'not') return ins.every((d) => d === 'bool');
  // why: int64 only as a cast's output from int32 or bool (argmax's default classes): the value is the int32 one.
  if (n.prim === 'cast' && n.dtype === 'int64') return ins[0] === 'int32' || ins[0] === 'bool';
  if (n.prim === 'cast') return KERNEL_DTYPES.has(n.dtype) && KERNEL_DTYPES.has(ins[0]);
  if (n.prim === 'copy') return KERNEL_DTYPES.has(n.dtype);
  return (n.prim in INT_VECTOR || INT_DIVISION.has(n.prim)) && n.dtype === 'int32' && ins.every(isInt);
}

// why: wasm SIMD has no integer division; these run lane by lane in scalar i32 code.
const INT_DIVISION: ReadonlySet<string> = new Set(['floordiv', 'floormod']);

/** The local type of a value of `dtype`, one lane or four. */
export function valueType(dtype: DType, vector: boolean): ValType {
  return vector ? V128 : dtype === 'float32' ? F32 : dtype === 'float64' ? F64 : I32;
}

const splatOp = (dtype: DType) => (dtype === 'float32' ? SIMD.f32x4Splat : SIMD.i32x4Splat);
const v128Zero = (c: Code) => c.simd(SIMD.v128Const).op(...new Array<number>(16).fill(0));

/** Pushes the value of `n` (a typedCovers op) from its operands' locals; `local` gives scratch locals. */
export function emitTyped(c: Code, n: Node, ins: readonly DType[], vector: boolean, operand: (id: number) => number, local: (t: ValType) => number): void {
  const get = (i: number) => c.op(OP.localGet).u32(i);
  const x = () => get(operand(n.inputs[0]));
  const from = ins[0], to = n.dtype;
  const intLike = (d: DType) => (d === 'float32' ? 0 : 1);
  if (to === 'float64' || from === 'float64') {
    if (vector) throw new Error(`wasm: float64 ${n.prim} is computed before the loop only`);
    for (const i of n.inputs) get(operand(i));
    if (n.prim !== 'cast') c.op(F64_SCALAR[n.prim]);
    else if (from === 'int32') c.op(OP.f64ConvertI32S);
    else if (from === 'float32') c.op(OP.f64PromoteF32);
    else if (to === 'float32') c.op(OP.f32DemoteF64);
    return;
  }
  if ((CMP as readonly string[]).includes(n.prim)) {
    for (const i of n.inputs) get(operand(i));
    if (vector) c.simd(CMP_VECTOR[n.prim][intLike(from)]); else c.op(CMP_SCALAR[n.prim][intLike(from)]);
  } else if (n.prim === 'where') {
    get(operand(n.inputs[1])); get(operand(n.inputs[2])); get(operand(n.inputs[0]));
    if (vector) c.simd(SIMD.v128Bitselect); else c.op(OP.select);
  } else if (n.prim === 'and' || n.prim === 'or') {
    x(); get(operand(n.inputs[1]));
    if (vector) c.simd(n.prim === 'and' ? SIMD.v128And : SIMD.v128Or); else c.op(n.prim === 'and' ? OP.i32And : OP.i32Or);
  } else if (n.prim === 'not') {
    x();
    if (vector) c.simd(SIMD.v128Not); else c.op(OP.i32Eqz);
  } else if (n.prim === 'copy' || (n.prim === 'cast' && (from === to || (to === 'int64' && from === 'int32')))) {
    x();
  } else if (n.prim === 'cast') {
    castValue(c, from, to === 'int64' ? 'int32' : to, vector, x, local);
  } else if (INT_DIVISION.has(n.prim)) {
    intDivision(c, n.prim, vector, operand(n.inputs[0]), operand(n.inputs[1]), local);
  } else if (vector) {
    for (const i of n.inputs) get(operand(i));
    c.simd(INT_VECTOR[n.prim]);
  } else if (n.prim in INT_SCALAR) {
    for (const i of n.inputs) get(operand(i));
    c.op(INT_SCALAR[n.prim]);
  } else {
    // why: min, max, abs and neg of one int32: the vector op on a splat, so both loops agree by construction.
    for (const i of n.inputs) { get(operand(i)); c.simd(SIMD.i32x4Splat); }
    c.simd(INT_VECTOR[n.prim]).simd(SIMD.i32x4ExtractLane).op(0);
  }
}

/**
 * Integer floor division and modulo as the JS backend's intFloorDiv / intFloorMod: a zero divisor gives 0,
 * INT_MIN / −1 wraps to INT_MIN (i32.div_s would trap: divisors 0 and −1 take other paths), the
 * floor variants step the truncated quotient down (and the remainder up by b) when the remainder's
 * sign differs from the divisor's. Vectors are done lane by lane.
 */
function intDivision(c: Code, prim: string, vector: boolean, a: number, b: number, local: (t: ValType) => number): void {
  const get = (l: number) => c.op(OP.localGet).u32(l), set = (l: number) => c.op(OP.localSet).u32(l);
  const i32 = (v: number) => c.op(OP.i32Const).s32(v);
  const x = local(I32), y = local(I32), safe = local(I32), q = local(I32), r = local(I32), fix = local(I32), out = vector ? local(V128) : -1;
  const lane = (k: number) => {
    get(a); if (vector) c.simd(SIMD.i32x4ExtractLane).op(k); set(x);
    get(b); if (vector) c.simd(SIMD.i32x4ExtractLane).op(k); set(y);
    // safe = y, or 1 where y is 0 or −1 (handled by the selects below)
    i32(1); get(y); get(y); i32(0); c.op(OP.i32Eq); get(y); i32(-1); c.op(OP.i32Eq, OP.i32Or, OP.select); set(safe);
    get(x); get(safe); c.op(OP.i32DivS); set(q);
    get(x); get(safe); c.op(OP.i32RemS); set(r);
    // fix = r != 0 && (r < 0) != (y < 0)
    get(r); i32(0); c.op(OP.i32Ne); get(r); i32(0); c.op(OP.i32LtS); get(y); i32(0); c.op(OP.i32LtS, OP.i32Ne, OP.i32And); set(fix);
    if (prim === 'floormod') {
      // y = −1 divides by 1 (safe): r = 0 and no fix, the reference's 0
      get(r); get(y); c.op(OP.i32Add); get(r); get(fix); c.op(OP.select); set(r);
    } else {
      get(q); i32(1); c.op(OP.i32Sub); get(q); get(fix); c.op(OP.select); set(q);
      // y = −1: −x, wrapping (INT_MIN stays INT_MIN)
      i32(0); get(x); c.op(OP.i32Sub); get(q); get(y); i32(-1); c.op(OP.i32Eq, OP.select); set(r);
    }
    // y = 0: 0
    i32(0); get(r); get(y); c.op(OP.i32Eqz, OP.select);
    if (vector) { set(q); get(out); get(q); c.simd(SIMD.i32x4ReplaceLane).op(k); set(out); }
  };
  if (!vector) { lane(0); return; }
  for (let k = 0; k < 4; k++) lane(k);
  get(out);
}

/** Pushes `x()` (of dtype `from`) cast to `to`, as src/dtypes.ts castScalar does. */
function castValue(c: Code, from: DType, to: DType, vector: boolean, x: () => void, local: (t: ValType) => number): void {
  const i32x4Const = (v: number) => c.simd(SIMD.v128Const).op(...new Uint8Array(new Int32Array([v, v, v, v]).buffer));
  if (to === 'bool') {
    // why: anything but zero is true (NaN included): x != 0.
    x();
    if (vector) { v128Zero(c); c.simd(from === 'float32' ? SIMD.f32x4Ne : SIMD.i32x4Ne); } else if (from === 'float32') c.op(OP.f32Const).f32(0).op(OP.f32Ne); else c.op(OP.i32Const).s32(0).op(OP.i32Ne);
    return;
  }
  if (from === 'bool') {
    x();
    if (!vector) { if (to === 'float32') c.op(OP.f32ConvertI32U); return; }
    // why: a true lane is all ones; AND with 1.0's bits or with 1 gives 1.0 or 1.
    i32x4Const(to === 'float32' ? 0x3f800000 : 1).simd(SIMD.v128And);
    return;
  }
  if (to === 'float32') {
    x();
    if (vector) c.simd(SIMD.f32x4ConvertI32x4S); else c.op(OP.f32ConvertI32S);
    return;
  }
  // float32 → int32: truncate; NaN → 0 and ±Infinity → the int32 limits (saturating conversion), and a
  // finite |x| ≥ 2^31 wraps modulo 2^32 as `x | 0` does: |x| = M·2^(E−150) with its 24-bit mantissa M and
  // biased exponent E ≥ 158, so |x| mod 2^32 = (M·2^8)·2^(E−158) mod 2^32, a wrapping i32 multiply (the
  // factor's exponent capped at 24, where the product is 0 mod 2^32 anyway), negated for negative x.
  const v = local(V128), bits = local(V128);
  x();
  if (!vector) c.simd(SIMD.f32x4Splat);
  c.op(OP.localSet).u32(v);
  const get = (l: number) => c.op(OP.localGet).u32(l);
  get(v); i32x4Const(0x7fffffff).simd(SIMD.v128And); c.op(OP.localSet).u32(bits);
  // mag = (M << 8) · int(2^(min(E, 182) − 158)); big = x < 0 ? −mag : mag
  const mag = local(V128);
  get(bits); i32x4Const(0x007fffff).simd(SIMD.v128And); i32x4Const(0x00800000).simd(SIMD.v128Or);
  c.op(OP.i32Const).s32(8).simd(SIMD.i32x4Shl);
  get(bits); i32x4Const(0x7f800000).simd(SIMD.v128And); i32x4Const(182 << 23).simd(SIMD.i32x4MinU);
  i32x4Const(31 << 23).simd(SIMD.i32x4Sub).simd(SIMD.i32x4TruncSatF32x4S);
  c.simd(SIMD.i32x4Mul).op(OP.localSet).u32(mag);
  get(mag); c.simd(SIMD.i32x4Neg); get(mag); get(v); v128Zero(c); c.simd(SIMD.f32x4Lt).simd(SIMD.v128Bitselect);
  // why: below 2^31 (and for NaN and ±Infinity) the saturating truncation is the reference's value.
  get(v); c.simd(SIMD.i32x4TruncSatF32x4S);
  get(bits); i32x4Const(0x4f000000).simd(SIMD.i32x4GeS); get(bits); i32x4Const(0x7f800000).simd(SIMD.i32x4LtS).simd(SIMD.v128And);
  c.simd(SIMD.v128Bitselect);
  if (!vector) c.simd(SIMD.i32x4ExtractLane).op(0);
}

/** Byte index → element address: bool arrays take a quarter of the float32 byte index, int64 (float64 storage) twice it (shift right by this; negative: left). */
export function addressShift(dtype: DType): number { return dtype === 'bool' ? 2 : dtype === 'int64' ? -1 : 0; }

/** Loads an element (four, `vector`) of `dtype` from the address on the stack. */
export function emitLoad(c: Code, dtype: DType, vector: boolean): void {
  if (dtype === 'bool') {
    // why: bytes are 0 or 1 in the plan's arrays; != 0 gives the canonical 0/1 or all-ones lanes anyway.
    if (vector) { c.simd(SIMD.v128Load32Zero).mem(2).simd(SIMD.i16x8ExtendLowI8x16U).simd(SIMD.i32x4ExtendLowI16x8U); v128Zero(c); c.simd(SIMD.i32x4Ne); }
    else c.op(OP.i32Load8U).mem(0).op(OP.i32Const).s32(0).op(OP.i32Ne);
    return;
  }
  if (vector) c.simd(SIMD.v128Load).mem(4); else c.op(dtype === 'float32' ? OP.f32Load : OP.i32Load).mem(2);
}

/** Stores the value in local `value` (of `dtype`, four lanes when `vector`) at the address on the stack. */
export function emitStore(c: Code, dtype: DType, vector: boolean, value: number, local: (t: ValType) => number): void {
  const get = (l: number) => c.op(OP.localGet).u32(l);
  if (dtype === 'int64') {
    // why: int64 is stored as float64 (the plan's Float64Array); its values here are int32 ones, converted exactly.
    if (!vector) { get(value); c.op(OP.f64ConvertI32S, OP.f64Store).mem(3); return; }
    const addr = local(I32);
    c.op(OP.localTee).u32(addr); get(value); c.simd(SIMD.f64x2ConvertLowI32x4S).simd(SIMD.v128Store).mem(4);
    get(addr); get(value); get(value); c.simd(SIMD.i8x16Shuffle).op(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    c.simd(SIMD.f64x2ConvertLowI32x4S).simd(SIMD.v128Store).mem(4, 16);
    return;
  }
  if (dtype === 'bool' && vector) {
    // why: each lane's low byte (after & 1) goes to one byte: bytes 0, 4, 8, 12, stored as 32 bits.
    get(value); c.simd(SIMD.v128Const).op(...new Uint8Array(new Int32Array([1, 1, 1, 1]).buffer)).simd(SIMD.v128And);
    get(value); c.simd(SIMD.i8x16Shuffle).op(0, 4, 8, 12, ...new Array<number>(12).fill(0));
    c.simd(SIMD.v128Store32Lane).mem(0).op(0);
    return;
  }
  get(value);
  if (dtype === 'bool') c.op(OP.i32Store8).mem(0);
  else if (vector) c.simd(SIMD.v128Store).mem(4);
  else c.op(dtype === 'float32' ? OP.f32Store : OP.i32Store).mem(2);
}

/** Pushes scalar constant `v` of `dtype` (bool: 0 or 1). */
export function emitConstant(c: Code, dtype: DType, v: number): void {
  if (dtype === 'float32') c.op(OP.f32Const).f32(v);
  else if (dtype === 'float64') c.op(OP.f64Const).f64(v);
  else c.op(OP.i32Const).s32(dtype === 'bool' ? (v ? 1 : 0) : v | 0);
}

/** Turns the scalar of `dtype` on the stack into four lanes (bool 0/1 → all-ones or zero lanes). */
export function emitSplat(c: Code, dtype: DType): void {
  c.simd(splatOp(dtype));
  if (dtype === 'bool') c.simd(SIMD.i32x4Neg);
}
