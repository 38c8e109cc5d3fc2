// numpy's element conversions, as `numpy.asarray(value, dtype)` applies them to a feed (TF1's
// session.py converts every fed value that way). A typed array is a numpy array of its element
// type and casts 'unsafe': integers wrap, floats round to nearest, anything to bool is "nonzero".
// A JS number is a Python int when it is integer-valued (it must fit an integer dtype), a Python
// float otherwise (truncated toward zero). Where numpy's result is undefined or an error — NaN,
// ±Infinity or an out-of-range value into an integer dtype — the conversion refuses.
import type { DType, TypedArray } from './dtypes.js';

/** How a source's elements convert: doubles, integers held in doubles, or BigInts. */
export type SourceKind = 'float' | 'int' | 'bigint';

export type AnyTypedArray = TypedArray | Uint8ClampedArray | Uint16Array | Uint32Array | BigInt64Array | BigUint64Array;

/** A typed-array class, the numpy dtype it stands for and how its elements convert. */
interface ArrayClass { ctor: abstract new (...a: never[]) => ArrayBufferView; numpy: string; kind: SourceKind }

const float16 = (globalThis as { Float16Array?: ArrayClass['ctor'] }).Float16Array;

// why: ordered by how often they are fed (instanceof, so subclasses are recognised too).
const ARRAY_CLASSES: readonly ArrayClass[] = [
  { ctor: Float32Array, numpy: 'float32', kind: 'float' },
  { ctor: Float64Array, numpy: 'float64', kind: 'float' },
  { ctor: Int32Array, numpy: 'int32', kind: 'int' },
  { ctor: Uint8Array, numpy: 'uint8', kind: 'int' },
  { ctor: Uint8ClampedArray, numpy: 'uint8', kind: 'int' },
  { ctor: Int8Array, numpy: 'int8', kind: 'int' },
  { ctor: Int16Array, numpy: 'int16', kind: 'int' },
  { ctor: Uint16Array, numpy: 'uint16', kind: 'int' },
  { ctor: Uint32Array, numpy: 'uint32', kind: 'int' },
  { ctor: BigInt64Array, numpy: 'int64', kind: 'bigint' },
  { ctor: BigUint64Array, numpy: 'uint64', kind: 'bigint' },
  ...(float16 ? [{ ctor: float16, numpy: 'float16', kind: 'float' as const }] : []),
];

/** The class entry of a typed array; undefined for a DataView or an unknown view. */
export function arrayClassOf(v: unknown): { numpy: string; kind: SourceKind } | undefined {
  if (!ArrayBuffer.isView(v)) return undefined;
  for (const c of ARRAY_CLASSES) if (v instanceof c.ctor) return c;
  return undefined;
}

/** The inclusive range of each integer dtype (int64: the integers its float64 storage holds exactly). */
const INT_RANGE: Partial<Record<DType, readonly [number, number, bigint, bigint]>> = {
  int64: [-(2 ** 53 - 1), 2 ** 53 - 1, -(2n ** 53n - 1n), 2n ** 53n - 1n],
  int32: [-(2 ** 31), 2 ** 31 - 1, -(2n ** 31n), 2n ** 31n - 1n],
  int16: [-(2 ** 15), 2 ** 15 - 1, -(2n ** 15n), 2n ** 15n - 1n],
  int8: [-128, 127, -128n, 127n],
  uint8: [0, 255, 0n, 255n],
};

export function intRange(dtype: DType): readonly [number, number, bigint, bigint] | undefined {
  return INT_RANGE[dtype];
}

/** The kind of the elements of an NDArray of `dtype` (bool data is 0/1). */
export function kindOfDType(dtype: DType): SourceKind {
  return dtype === 'float32' || dtype === 'float64' ? 'float' : 'int';
}

/**
 * Whether `src`, already in the dtype's storage class, holds only values of the dtype, so it can
 * be used as is: bool storage holds other bytes than 0/1, int64's float64 storage any double.
 */
export function holdsDTypeValues(src: TypedArray, dtype: DType): boolean {
  if (dtype === 'bool') {
    for (let i = 0; i < src.length; i++) if (src[i] > 1) return false;
  } else if (dtype === 'int64') {
    const hi = INT_RANGE.int64![1];
    for (let i = 0; i < src.length; i++) {
      const v = src[i];
      if (!(v >= -hi && v <= hi) || Math.trunc(v) !== v || Object.is(v, -0)) return false;
    }
  }
  return true;
}

/**
 * Casts `src` (numpy's unsafe cast of an array) into `out` from `offset`. Returns the index of
 * the first element numpy cannot convert to a defined value (NaN, ±Infinity or a float out of an
 * integer dtype's range), or -1 when all were written.
 */
export function castInto(out: TypedArray, offset: number, src: ArrayLike<number> | ArrayLike<bigint>, kind: SourceKind, dtype: DType): number {
  const n = src.length;
  if (kind === 'bigint') {
    const s = src as ArrayLike<bigint>;
    const range = INT_RANGE[dtype];
    for (let i = 0; i < n; i++) {
      const v = s[i];
      if (dtype === 'bool') out[offset + i] = v !== 0n ? 1 : 0;
      else if (dtype === 'float32') out[offset + i] = bigintToFloat32(v);
      else if (dtype === 'int64') {
        // why: numpy wraps into int64; beyond what int64's float64 storage holds exactly, refuse.
        const w = BigInt.asIntN(64, v);
        if (w < range![2] || w > range![3]) return i;
        out[offset + i] = Number(w);
      }
      // why: the typed-array store wraps an in-range-of-double value exactly as numpy's int cast does.
      else if (range) out[offset + i] = Number(BigInt.asIntN(32, v));
      else out[offset + i] = Number(v);
    }
    return -1;
  }
  const s = src as ArrayLike<number>;
  if (dtype === 'bool') {
    // why: numpy's bool is "nonzero", so NaN is true.
    for (let i = 0; i < n; i++) out[offset + i] = s[i] !== 0 ? 1 : 0;
    return -1;
  }
  const range = kind === 'float' ? INT_RANGE[dtype] : undefined;
  if (range) {
    // why: the store truncates toward zero as numpy's float->int cast does, for values in range.
    const lo = range[0] - 1, hi = range[1] + 1;
    const exact = dtype === 'int64';
    for (let i = 0; i < n; i++) {
      const v = s[i];
      if (!(v > lo && v < hi)) return i;
      // why: int64's float64 storage does not truncate on store (+ 0 turns -0 into 0).
      out[offset + i] = exact ? Math.trunc(v) + 0 : v;
    }
    return -1;
  }
  // why: TypedArray.set converts each element with the target's store (float32 rounding, integer wrap).
  if (ArrayBuffer.isView(s)) out.set(s as TypedArray, offset);
  else for (let i = 0; i < n; i++) out[offset + i] = s[i];
  return -1;
}

/** A JS number as numpy converts the Python int or float it stands for; undefined when refused. */
export function castNumber(v: number, dtype: DType): number | undefined {
  if (dtype === 'bool') return v !== 0 ? 1 : 0;
  const range = INT_RANGE[dtype];
  if (!range) return dtype === 'float32' ? Math.fround(v) : v;
  // why: + 0 turns -0 into the 0 a Python int is (int64's float64 storage would keep -0).
  if (Number.isInteger(v)) return v >= range[0] && v <= range[1] ? v + 0 : undefined;
  return v > range[0] - 1 && v < range[1] + 1 ? Math.trunc(v) + 0 : undefined;
}

/** A BigInt as numpy converts a Python int; undefined when it does not fit an integer dtype. */
export function castBigInt(v: bigint, dtype: DType): number | undefined {
  if (dtype === 'bool') return v !== 0n ? 1 : 0;
  if (dtype === 'float32') return bigintToFloat32(v);
  const range = INT_RANGE[dtype];
  if (!range) return Number(v);
  return v >= range[2] && v <= range[3] ? Number(v) : undefined;
}

/**
 * The float32 nearest a BigInt, rounded once (rounding to float64 first could land on a float32
 * midpoint and round again the wrong way).
 */
export function bigintToFloat32(v: bigint): number {
  const a = v < 0n ? -v : v;
  if (a < 2n ** 53n) return Math.fround(Number(v));
  // why: keep at least 26 significant bits with the dropped ones folded into the lowest (sticky),
  // which a double holds exactly; fround then rounds to 24 bits as a direct conversion would.
  const bits = Math.floor(Math.log2(Number(a))) + 1;
  const shift = BigInt(bits - 27);
  let q = a >> shift;
  if (q << shift !== a) q |= 1n;
  const r = Math.fround(Number(q) * 2 ** (bits - 27));
  return v < 0n ? -r : r;
}
