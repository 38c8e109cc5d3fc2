// NDArray: a concrete value (dtype, shape, flat row-major data), and conversion from the
// JS values users feed (numbers, booleans, nested arrays, typed arrays).
import { inspectCustom } from './inspect.js';
import { allocate, castScalar, dtypeOfArray, int64Value, storageFor, type DType, type TypedArray } from './dtypes.js';
import { formatArray } from './format.js';
import { numElements, stridesOf } from './shape.js';
import { formatStringArray } from './strings.js';

export type NestedArray = number | boolean | NestedArray[];

export class NDArray {
  readonly dtype: DType;
  readonly shape: number[];
  readonly data: TypedArray;

  constructor(data: TypedArray, shape: readonly number[], dtype: DType = dtypeOfArray(data)) {
    // why: a typed array of another class (a Uint16Array read as uint8) would hold values the dtype cannot.
    const storage = storageFor(dtype);
    if (!storage) throw new TypeError(`NDArray dtype must be a tfgen dtype; got ${JSON.stringify(dtype)}.`);
    if (dtype === 'string' ? !Array.isArray(data) : !(data instanceof storage)) {
      throw new TypeError(`NDArray data of dtype ${dtype} must be a ${storage.name}; got ${describe(data)}.`);
    }
    if (data.length !== numElements(shape)) {
      throw new RangeError(`NDArray data has ${data.length} elements but shape [${shape.join(',')}] needs ${numElements(shape)}`);
    }
    this.data = data;
    this.shape = [...shape];
    this.dtype = dtype;
  }

  get size(): number { return this.data.length; }
  get rank(): number { return this.shape.length; }

  /** The element at the given indices (negative indices count from the end). */
  get(...idx: number[]): number | boolean {
    if (idx.length !== this.shape.length) {
      throw new RangeError(`get() needs ${this.shape.length} indices for shape [${this.shape.join(',')}], got ${idx.length}`);
    }
    const strides = stridesOf(this.shape);
    let off = 0;
    idx.forEach((i, k) => {
      const j = i < 0 ? i + this.shape[k] : i;
      if (!Number.isInteger(j) || j < 0 || j >= this.shape[k]) {
        throw new RangeError(`index ${i} is out of bounds for axis ${k} with size ${this.shape[k]}`);
      }
      off += j * strides[k];
    });
    const v = this.data[off];
    return this.dtype === 'bool' ? v !== 0 : v;
  }

  /** Nested JS arrays (booleans for bool); a 0-d array gives its scalar. */
  toArray(): NestedArray {
    const { data, shape } = this;
    const conv = this.dtype === 'bool' ? (v: number) => v !== 0 : (v: number) => v;
    if (shape.length === 0) return conv(data[0]);
    const build = (axis: number, off: number): NestedArray[] => {
      const n = shape[axis];
      const out: NestedArray[] = new Array(n);
      if (axis === shape.length - 1) {
        for (let i = 0; i < n; i++) out[i] = conv(data[off + i]);
        return out;
      }
      const stride = numElements(shape.slice(axis + 1));
      for (let i = 0; i < n; i++) out[i] = build(axis + 1, off + i * stride);
      return out;
    };
    return build(0, 0);
  }

  /** The single value of a 0-d (or one-element) array. */
  item(): number | boolean {
    if (this.size !== 1) throw new RangeError(`item() needs exactly one element, shape is [${this.shape.join(',')}]`);
    return this.dtype === 'bool' ? this.data[0] !== 0 : this.data[0];
  }

  toString(): string {
    if (this.dtype === 'string') return formatStringArray(this);
    return formatArray(this.data, this.shape, this.dtype);
  }

  [inspectCustom](): string {
    return this.toString();
  }
}

function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

/** The shape and flat elements of a nested JS array; throws on ragged or non-numeric input. */
export function flattenNested(value: unknown, what: string): { shape: number[]; flat: number[]; sawBool: boolean; sawFraction: boolean } {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const flat: number[] = [];
  let sawBool = false;
  let sawFraction = false;
  const walk = (v: unknown, axis: number, path: string): void => {
    if (axis === shape.length) {
      if (typeof v === 'number') {
        if (!Number.isInteger(v)) sawFraction = true;
        flat.push(v);
      } else if (typeof v === 'boolean') {
        sawBool = true;
        flat.push(v ? 1 : 0);
      } else {
        throw new TypeError(`${what}: element ${path || ''} is ${describe(v)}, not a number or boolean`);
      }
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new TypeError(`${what}: ragged nested array: element ${path} should be an array of length ${shape[axis]} but is ${describe(v)}`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], axis + 1, `${path}[${i}]`);
  };
  walk(value, 0, '');
  return { shape, flat, sawBool, sawFraction };
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v === null) return 'null';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  return typeof v === 'object' ? `an object (${(v as object).constructor?.name ?? 'Object'})` : `${typeof v} ${String(v)}`;
}

/** The dtype a JS value suggests when none is given: bool for booleans, else float32. */
export function inferDType(value: unknown): DType {
  if (value instanceof NDArray) return value.dtype;
  if (value instanceof BigInt64Array) return 'int64';
  if (isTypedArray(value)) return dtypeOfArray(value);
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) {
    let probe: unknown = value;
    while (Array.isArray(probe) && probe.length) probe = probe[0];
    if (typeof probe === 'boolean') return 'bool';
  }
  // why: JS cannot tell 5 from 5.0, so numbers default to float32 (DESIGN: dtypes).
  return 'float32';
}

/**
 * Converts a user value to an NDArray of `dtype`. A flat TypedArray or flat array given with a
 * `shape` is reshaped to it. Values are converted as TF's Cast would (float32 rounding, int truncation).
 */
export function toNDArray(value: unknown, dtype: DType, what = 'value', shape?: readonly number[]): NDArray {
  let srcShape: number[];
  let src: ArrayLike<number>;
  if (value instanceof BigInt64Array) value = fromBigInt64(value);
  if (value instanceof NDArray) {
    srcShape = value.shape;
    src = value.data;
  } else if (isTypedArray(value)) {
    srcShape = [value.length];
    src = value;
  } else if (typeof value === 'number' || typeof value === 'boolean') {
    srcShape = [];
    src = [typeof value === 'boolean' ? (value ? 1 : 0) : value];
  } else if (Array.isArray(value)) {
    const f = flattenNested(value, what);
    srcShape = f.shape;
    src = f.flat;
  } else {
    throw new TypeError(`${what}: cannot convert ${describe(value)} to a tensor of dtype ${dtype}`);
  }
  if (shape !== undefined && !sameDims(srcShape, shape)) {
    if (numElements(srcShape) !== numElements(shape)) {
      throw new RangeError(`${what}: ${numElements(srcShape)} values cannot fill shape [${shape.join(',')}]`);
    }
    srcShape = [...shape];
  }
  const out = allocate(dtype, src.length);
  if (src instanceof Float32Array && dtype === 'float32') out.set(src);
  else for (let i = 0; i < src.length; i++) out[i] = castScalar(src[i], dtype);
  return new NDArray(out, srcShape, dtype);
}

/** An int64 vector from 64-bit integers; values beyond ±(2^53 - 1) fail (int64 here is exact only within). */
export function fromBigInt64(a: BigInt64Array): NDArray {
  return new NDArray(Float64Array.from(a, (v) => int64Value(Number(v))), [a.length], 'int64');
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

export { isTypedArray };
