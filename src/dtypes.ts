// Element types, their typed-array storage, and value conversion rules.
import { InvalidArgumentError } from './errors.js';

export type DType = 'float32' | 'float64' | 'int32' | 'int64' | 'int16' | 'int8' | 'uint8' | 'bool' | 'string';

/** A dtype, or one of TF1's other names for it (`'float'`, `'double'`). */
export type DTypeLike = DType | 'float' | 'double';

/** The dtypes of numbers and booleans (every dtype but 'string'). */
export const DTYPES: readonly DType[] = [
  'float32', 'float64', 'int32', 'int64', 'int16', 'int8', 'uint8', 'bool',
];

export type TypedArray =
  | Float32Array | Float64Array | Int32Array | Int16Array | Int8Array | Uint8Array;

type TypedArrayCtor = { new (n: number | ArrayLike<number>): TypedArray; BYTES_PER_ELEMENT: number };

/**
 * Storage of a 'string' tensor: one byte string per element (TF's strings are bytes; summaries
 * are serialized protocol buffers). Only host ops (reference kernels) read or make them.
 */
export type StringElements = Uint8Array[];

// why: a plain Array stands in the TypedArray slot of an NDArray of dtype 'string' (see
// stringData/ stringArray in ndarray.ts); numeric ops reject 'string' inputs at graph-build time.
class StringStorage extends Array<Uint8Array> {
  static readonly BYTES_PER_ELEMENT = 0;
  constructor(n: number | ArrayLike<number>) {
    super();
    const length = typeof n === 'number' ? n : n.length;
    for (let i = 0; i < length; i++) this.push(new Uint8Array(0));
  }
}

const STORAGE: Record<DType, TypedArrayCtor> = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  // why: int64 is stored as float64 numbers, exact to ±(2^53 - 1), with every conversion and
  // integer result checked against that range (int64Value), so values beyond it fail instead of
  // rounding. A BigInt64Array would hold all 64 bits but make every kernel a second BigInt kernel
  // (BigInt and number do not mix), slow, and fetched scalars bigints that `=== 3` never equals.
  int64: Float64Array,
  int16: Int16Array,
  int8: Int8Array,
  uint8: Uint8Array,
  // why: bool is stored one byte per element, 0 or 1, as numpy and TF do.
  bool: Uint8Array,
  string: StringStorage as unknown as TypedArrayCtor,
};

export function isDType(x: unknown): x is DType {
  return typeof x === 'string' && (x === 'string' || (DTYPES as readonly string[]).includes(x));
}

/** The other names TF1's `tf.as_dtype` accepts for the dtypes tfgen has. */
const ALIASES: Readonly<Record<string, DType>> = { float: 'float32', double: 'float64' };
/** TF1 dtypes tfgen does not have (named in the error rather than called unknown). */
const UNSUPPORTED = ['half', 'float16', 'bfloat16', 'uint16', 'uint32', 'uint64', 'complex64', 'complex128'];

/**
 * The dtype a name stands for, with TF1's aliases resolved ('float' is float32, 'double'
 * float64), as tf.as_dtype; fails (TypeError, as TF1) on any other value.
 */
export function checkDType(x: unknown, what = 'dtype'): DType {
  if (isDType(x)) return x;
  if (typeof x === 'string' && Object.hasOwn(ALIASES, x)) return ALIASES[x];
  const known = `${DTYPES.join(', ')}, string (or TF1's aliases ${Object.keys(ALIASES).map((k) => `'${k}'`).join(', ')})`;
  if (typeof x === 'string' && UNSUPPORTED.includes(x)) {
    throw new TypeError(`${what}: tfgen does not support the dtype ${x}; supported dtypes are ${known}.`);
  }
  throw new TypeError(`${what} must be one of ${known}; got ${JSON.stringify(x)}`);
}

export function storageFor(dtype: DType): TypedArrayCtor {
  return STORAGE[dtype];
}

export function allocate(dtype: DType, size: number): TypedArray {
  // why: the engine's own message ("Invalid typed array length") names neither the cause nor the limit.
  if (size > 2 ** 32) throw new RangeError(`a tensor of ${size} elements is more than a typed array can hold (2^32)`);
  return new STORAGE[dtype](size);
}

export function isFloat(dtype: DType): boolean {
  return dtype === 'float32' || dtype === 'float64';
}

export function isInt(dtype: DType): boolean {
  return dtype === 'int32' || dtype === 'int64' || dtype === 'int16' || dtype === 'uint8' || dtype === 'int8';
}

/** Integers of at most 32 bits: their arithmetic wraps around as in TF (Math.imul, `| 0`). */
export function isInt32Family(dtype: DType): boolean {
  return dtype === 'int32' || dtype === 'int16' || dtype === 'int8' || dtype === 'uint8';
}

/** The largest magnitude an int64 element holds exactly here (2^53 - 1). */
export const INT64_LIMIT = Number.MAX_SAFE_INTEGER;

/** v as an int64 element: an integer within ±(2^53 - 1), else a clear error (never a rounded value). */
export function int64Value(v: number): number {
  if (v >= -INT64_LIMIT && v <= INT64_LIMIT) return v;
  throw new InvalidArgumentError(
    `int64 value ${v} is outside ±(2^53 - 1) = ±${INT64_LIMIT}, the range tfgen's int64 holds exactly ` +
    '(its elements are float64 numbers); use float64 for larger magnitudes.');
}

export function isNumeric(dtype: DType): boolean {
  return dtype !== 'bool' && dtype !== 'string';
}

/** The dtype a typed array stores (Uint8Array reads as uint8); other classes have none. */
export function dtypeOfArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof Int16Array) return 'int16';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Uint8Array) return 'uint8';
  const name = (a as { constructor?: { name?: string } })?.constructor?.name ?? typeof a;
  throw new TypeError(`A ${name} has no tfgen dtype: use a Float32Array, Float64Array, Int32Array, Int16Array, Int8Array or Uint8Array (or give the values with a dtype to convert them).`);
}

/** Converts one JS number to the value a `dtype` element holds (as TF's Cast does). */
export function castScalar(v: number, dtype: DType): number {
  switch (dtype) {
    case 'float32': return Math.fround(v);
    case 'float64': return v;
    // why: TF's float->int cast truncates toward zero; NaN becomes 0 like the typed-array store.
    case 'int32': return Number.isFinite(v) ? Math.trunc(v) | 0 : (Number.isNaN(v) ? 0 : (v > 0 ? 2147483647 : -2147483648));
    // why: NaN gives 0 as for int32; beyond ±(2^53 - 1) there is no exact int64 here, so it fails.
    case 'int64': return Number.isNaN(v) ? 0 : int64Value(Math.trunc(v));
    case 'int16': return (Math.trunc(v) << 16) >> 16;
    case 'int8': return (Math.trunc(v) << 24) >> 24;
    case 'uint8': return Math.trunc(v) & 255;
    // why: as numpy and TF, anything but zero is true, NaN included.
    case 'bool': return v !== 0 ? 1 : 0;
    case 'string': throw new TypeError(`cannot convert the number ${v} to a string tensor (TF1 does not either)`);
  }
}
