// Transcendental float32 functions as WebAssembly SIMD code of our own: each f32x4 is widened
// to two f64x2 halves, the function is evaluated in float64 (range reduction and a polynomial
// whose error is below 2^-52 relative), and the result rounded once to float32. The float64
// value is within a few float64 ulps of the true one, so the float32 result is the correctly
// rounded one except when the true value lies within ~2^-50 (relative) of a midpoint between
// two floats: then it may be the other neighbour. The bound is 1 float32 ulp against
// Math.fround(Math.f(x)) (which is the JS backend's value; tested on random and edge inputs in
// test/compiler/wasm_math.test.ts, where the measured maximum is printed; pow: Math.pow). rsqrt and sign are
// the JS backend's operations themselves (1 / sqrt in float64, compares), bit-identical.
import { Code, OP, SIMD, V128, type ValType } from './encode.js';

/** The prims computed here, and whether each is bit-identical to the JS backend. */
export const VECTOR_MATH: Readonly<Record<string, 'exact' | 'ulp1'>> = {
  exp: 'ulp1', expm1: 'ulp1', log: 'ulp1', log1p: 'ulp1', tanh: 'ulp1', sigmoid: 'ulp1', pow: 'ulp1', rsqrt: 'exact', sign: 'exact',
};

// why: the clamp keeps 2^n a normal float64 and n·ln2 exact; beyond ±104 every float32 result
// is already 0, ±1 or Infinity (e^-104 < 2^-150, half the smallest subnormal; e^89 > the largest float).
const EXP_LIMIT = 104;
const LN2_HI = 6.93147180369123816490e-01; // ln 2 with its last 21 bits zero: n·LN2_HI is exact for |n| < 2^21
const LN2_LO = 1.90821492927058770002e-10; // ln 2 − LN2_HI
const TWO52 = 2 ** 52;
/** 1/k! for k = 1..13: e^r − 1 = r·Σ r^(k−1)/k!, truncation below 2^-55 relative for |r| ≤ ln2/2. */
const EXPM1_TAYLOR = Array.from({ length: 13 }, (_, k) => { let f = 1; for (let j = 2; j <= k + 1; j++) f *= j; return 1 / f; });
/** 2/(2k+1) for k = 0..9: log m = s·Σ 2 z^k/(2k+1), s = (m−1)/(m+1), z = s², |s| ≤ 0.172 (truncation below 2^-55). */
const LOG_ATANH = Array.from({ length: 10 }, (_, k) => 2 / (2 * k + 1));

/** Emits f64x2 code; `local` allocates a local of the function being built. */
class F64x2 {
  constructor(readonly c: Code, private readonly local: (t: ValType) => number) {}
  tmp(): number { return this.local(V128); }
  get(l: number): this { this.c.op(OP.localGet).u32(l); return this; }
  set(l: number): this { this.c.op(OP.localSet).u32(l); return this; }
  simd(...ops: number[]): this { for (const o of ops) this.c.simd(o); return this; }
  num(v: number): this { this.c.simd(SIMD.v128Const).f64(v).f64(v); return this; }
  /** Both lanes the 64-bit pattern `bits`. */
  bits(bits: bigint): this {
    const b = new Uint8Array(new BigUint64Array([bits, bits]).buffer);
    this.c.simd(SIMD.v128Const).op(...b);
    return this;
  }
  shift(op: number, by: number): this { this.c.op(OP.i32Const).s32(by); this.c.simd(op); return this; }
}

/** e^x as 2^n·(1 + q) and e^x − 1 as 2^n·q + (2^n − 1): locals q and 2^n from f64x2 local x. */
function expParts(f: F64x2, x: number): { q: number; scale: number } {
  const xc = f.tmp(), n = f.tmp(), r = f.tmp(), q = f.tmp(), scale = f.tmp();
  f.get(x).num(-EXP_LIMIT).simd(SIMD.f64x2Max).num(EXP_LIMIT).simd(SIMD.f64x2Min).set(xc);
  f.get(xc).num(Math.LOG2E).simd(SIMD.f64x2Mul, SIMD.f64x2Nearest).set(n);
  f.get(xc).get(n).num(LN2_HI).simd(SIMD.f64x2Mul, SIMD.f64x2Sub).get(n).num(LN2_LO).simd(SIMD.f64x2Mul, SIMD.f64x2Sub).set(r);
  f.num(EXPM1_TAYLOR[12]);
  for (let k = 11; k >= 0; k--) f.get(r).simd(SIMD.f64x2Mul).num(EXPM1_TAYLOR[k]).simd(SIMD.f64x2Add);
  f.get(r).simd(SIMD.f64x2Mul).set(q);
  // why: n + 2^52 + 1023 holds n + 1023 in its low mantissa bits; shifted into the exponent field that is 2^n.
  f.get(n).num(TWO52 + 1023).simd(SIMD.f64x2Add).shift(SIMD.i64x2Shl, 52).set(scale);
  return { q, scale };
}

function exp(f: F64x2, x: number): void {
  const { q, scale } = expParts(f, x);
  f.get(q).num(1).simd(SIMD.f64x2Add).get(scale).simd(SIMD.f64x2Mul);
}

function expm1(f: F64x2, x: number): void {
  const { q, scale } = expParts(f, x);
  // why: the reduction turns −0 into +0; expm1(±0) is x itself.
  f.get(x);
  f.get(scale).get(q).simd(SIMD.f64x2Mul).get(scale).num(1).simd(SIMD.f64x2Sub, SIMD.f64x2Add);
  f.get(x).num(0).simd(SIMD.f64x2Eq, SIMD.v128Bitselect);
}

/** log x = e·ln2 + log m with x = 2^e·m, m in [√½, √2); x ≤ 0, NaN and +∞ are handled by a final select. */
function log(f: F64x2, x: number): void {
  const e = f.tmp(), m = f.tmp(), big = f.tmp(), s = f.tmp(), z = f.tmp(), res = f.tmp();
  // why: the biased exponent E OR-ed into 2^52's bits is the float 2^52 + E.
  f.get(x).shift(SIMD.i64x2ShrU, 52).bits(0x4330000000000000n).simd(SIMD.v128Or).num(TWO52 + 1023).simd(SIMD.f64x2Sub).set(e);
  f.get(x).bits(0x000fffffffffffffn).simd(SIMD.v128And).bits(0x3ff0000000000000n).simd(SIMD.v128Or).set(m);
  f.get(m).num(Math.SQRT2).simd(SIMD.f64x2Gt).set(big);
  f.get(m).num(0.5).simd(SIMD.f64x2Mul).get(m).get(big).simd(SIMD.v128Bitselect).set(m);
  f.get(e).get(big).num(1).simd(SIMD.v128And, SIMD.f64x2Add).set(e);
  f.get(m).num(1).simd(SIMD.f64x2Sub).get(m).num(1).simd(SIMD.f64x2Add, SIMD.f64x2Div).set(s);
  f.get(s).get(s).simd(SIMD.f64x2Mul).set(z);
  f.num(LOG_ATANH[9]);
  for (let k = 8; k >= 0; k--) f.get(z).simd(SIMD.f64x2Mul).num(LOG_ATANH[k]).simd(SIMD.f64x2Add);
  f.get(s).simd(SIMD.f64x2Mul);
  // why: e·LN2_HI is exact, so the only rounding of the sum's large part is the final addition.
  f.get(e).num(LN2_LO).simd(SIMD.f64x2Mul, SIMD.f64x2Add).get(e).num(LN2_HI).simd(SIMD.f64x2Mul, SIMD.f64x2Add).set(res);
  // why: outside (0, ∞) the value is x = ±0 → −∞, else √x (NaN for negatives and NaN, +∞ for +∞).
  f.get(res);
  f.num(-Infinity).get(x).simd(SIMD.f64x2Sqrt).get(x).num(0).simd(SIMD.f64x2Eq, SIMD.v128Bitselect);
  f.get(x).num(0).simd(SIMD.f64x2Gt).get(x).num(Infinity).simd(SIMD.f64x2Lt, SIMD.v128And, SIMD.v128Bitselect);
}

/** log1p x = log u · x/(u − 1) with u = 1 + x rounded (the quotient corrects u's rounding); x itself where u = 1 or x = +∞. */
function log1p(f: F64x2, x: number): void {
  const u = f.tmp(), res = f.tmp();
  f.get(x).num(1).simd(SIMD.f64x2Add).set(u);
  log(f, u);
  f.get(x).get(u).num(1).simd(SIMD.f64x2Sub, SIMD.f64x2Div, SIMD.f64x2Mul).set(res);
  f.get(x).get(res).get(u).num(1).simd(SIMD.f64x2Eq).get(x).num(Infinity).simd(SIMD.f64x2Eq, SIMD.v128Or, SIMD.v128Bitselect);
}

/** tanh x = sign(x)·em/(em + 2), em = e^(2|x|) − 1: no cancellation near 0. */
function tanh(f: F64x2, x: number): void {
  const a = f.tmp(), em = f.tmp();
  f.get(x).simd(SIMD.f64x2Abs).get(x).simd(SIMD.f64x2Abs).simd(SIMD.f64x2Add).set(a);
  expm1(f, a);
  f.set(em).get(em).get(em).num(2).simd(SIMD.f64x2Add, SIMD.f64x2Div);
  f.get(x).bits(0x8000000000000000n).simd(SIMD.v128And, SIMD.v128Or);
}

/** 1 / (1 + e^−x), the JS backend's formula, with this module's e^x. */
function sigmoid(f: F64x2, x: number): void {
  const nx = f.tmp();
  f.num(0).get(x).simd(SIMD.f64x2Sub).set(nx);
  f.num(1);
  f.num(1);
  exp(f, nx);
  f.simd(SIMD.f64x2Add, SIMD.f64x2Div);
}

function rsqrt(f: F64x2, x: number): void {
  f.num(1).get(x).simd(SIMD.f64x2Sqrt, SIMD.f64x2Div);
}

/**
 * a^b = e^(b·log|a|) with Math.pow's special cases: b = ±0 → 1 (even for NaN a); a negative (−0 and
 * −∞ included) and b an odd integer → the negated magnitude; a negative and finite with b not an
 * integer → NaN. The rest (∞ exponents, ±0 and ±∞ bases, |a| = 1 with b = ±∞ → NaN) falls out of
 * the float64 log and exp. |b·log|a|| ≤ 104 wherever the float32 result is not 0 or ∞, so its
 * error stays near 2^-45, far below a float32 ulp.
 */
function pow(f: F64x2, a: number, b: number): void {
  const ax = f.tmp(), t = f.tmp(), r = f.tmp(), half = f.tmp(), bInt = f.tmp();
  f.get(a).simd(SIMD.f64x2Abs).set(ax);
  log(f, ax);
  f.get(b).simd(SIMD.f64x2Mul).set(t);
  exp(f, t);
  f.set(r);
  f.get(b).num(0.5).simd(SIMD.f64x2Mul).set(half);
  f.get(b).simd(SIMD.f64x2Nearest).get(b).simd(SIMD.f64x2Eq).set(bInt);
  // negate where the sign bit of a is set and b is an odd integer (b/2 not an integer)
  f.get(r).bits(0x8000000000000000n).simd(SIMD.v128Xor).get(r);
  f.get(a).shift(SIMD.i64x2ShrS, 63).get(bInt).simd(SIMD.v128And).get(half).simd(SIMD.f64x2Nearest).get(half).simd(SIMD.f64x2Ne, SIMD.v128And);
  f.simd(SIMD.v128Bitselect).set(r);
  // NaN where a < 0 is finite and b is not an integer
  f.num(NaN).get(r).get(a).num(0).simd(SIMD.f64x2Lt).get(a).num(-Infinity).simd(SIMD.f64x2Gt, SIMD.v128And).get(bInt).simd(SIMD.v128Not, SIMD.v128And);
  f.simd(SIMD.v128Bitselect).set(r);
  f.num(1).get(r).get(b).num(0).simd(SIMD.f64x2Eq, SIMD.v128Bitselect);
}

const F64_ROUTINES: Record<string, (f: F64x2, x: number, y: number) => void> = { exp, expm1, log, log1p, tanh, sigmoid, rsqrt, pow };

/**
 * Pushes `prim` of the f32x4 in local `src` (or of the f32 in it, `vector` false).
 * why the scalar tail uses the same float64 code: every element gets the same value, wherever it falls.
 */
export function emitVectorMath(c: Code, local: (t: ValType) => number, prim: string, vector: boolean, src: number, src2 = -1): void {
  const f = new F64x2(c, local);
  if (prim === 'sign') {
    // why: x > 0 → 1, x < 0 → −1, else x itself (±0 and NaN kept), as the JS backend's compares.
    const one = vector ? () => c.op(OP.f32Const).f32(1).simd(SIMD.f32x4Splat) : () => c.op(OP.f32Const).f32(1);
    const minusOne = vector ? () => c.op(OP.f32Const).f32(-1).simd(SIMD.f32x4Splat) : () => c.op(OP.f32Const).f32(-1);
    const zero = vector ? () => c.op(OP.f32Const).f32(0).simd(SIMD.f32x4Splat) : () => c.op(OP.f32Const).f32(0);
    one(); minusOne(); f.get(src); f.get(src); zero();
    if (vector) c.simd(SIMD.f32x4Lt).simd(SIMD.v128Bitselect); else c.op(OP.f32Lt, OP.select);
    f.get(src); zero();
    if (vector) c.simd(SIMD.f32x4Gt).simd(SIMD.v128Bitselect); else c.op(OP.f32Gt, OP.select);
    return;
  }
  const routine = F64_ROUTINES[prim];
  if (!routine) throw new Error(`vector_math: no routine for ${prim}`);
  const srcs = src2 >= 0 ? [src, src2] : [src];
  if (!vector) {
    const xs = srcs.map((s) => { const x = f.tmp(); f.get(s); c.op(OP.f64PromoteF32); c.simd(SIMD.f64x2Splat); f.set(x); return x; });
    routine(f, xs[0], xs[1] ?? -1);
    c.simd(SIMD.f64x2ExtractLane).op(0).op(OP.f32DemoteF64);
    return;
  }
  const halves = srcs.map((s) => {
    const lo = f.tmp(), hi = f.tmp();
    f.get(s).simd(SIMD.f64x2PromoteLowF32x4).set(lo);
    f.get(s).get(s); c.simd(SIMD.i8x16Shuffle).op(8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    f.simd(SIMD.f64x2PromoteLowF32x4).set(hi);
    return [lo, hi];
  });
  const rlo = f.tmp();
  routine(f, halves[0][0], halves[1]?.[0] ?? -1); f.simd(SIMD.f32x4DemoteF64x2Zero).set(rlo);
  f.get(rlo); routine(f, halves[0][1], halves[1]?.[1] ?? -1); f.simd(SIMD.f32x4DemoteF64x2Zero);
  c.simd(SIMD.i8x16Shuffle).op(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
}
