// Feed values of sess.run, converted as TF1 converts them: session.py feeds
// `numpy.asarray(value, dtype)`, so numbers, booleans, BigInts, typed arrays of every class,
// NDArrays of every dtype and nested arrays of them convert by numpy's rules (numpy_cast.ts);
// then the shape is checked against the tensor's static shape. A typed array or NDArray already
// of the tensor's dtype is used as is (kernels never write their inputs). Whatever numpy would
// not turn into a defined value is an InvalidArgumentError naming the tensor.
import { allocate, storageFor, type DType, type TypedArray } from './dtypes.js';
import { InvalidArgumentError } from './errors.js';
import type { Tensor } from './graph.js';
import { NDArray } from './ndarray.js';
import { arrayClassOf, castBigInt, castInto, castNumber, holdsDTypeValues, intRange, kindOfDType, type AnyTypedArray, type SourceKind } from './numpy_cast.js';
import { fitsShape, formatShape, numElements } from './shape.js';
import { stringValue } from './strings.js';
import type { Variable } from './variables.js';

/** What a feed takes: scalars (strings for string tensors), typed arrays of any class, NDArrays, nested arrays of them. */
export type FeedValue = number | boolean | bigint | string | AnyTypedArray | NDArray | readonly FeedValue[];

export type FeedDict = Map<Tensor | Variable | string, FeedValue> | { readonly [name: string]: FeedValue };

/** numpy's limit on dimensions (NPY_MAXDIMS); also bounds the recursion over nested arrays. */
const MAX_RANK = 64;

/**
 * Buffers a session converts its feeds into, one per fed tensor, reused from run to run.
 * why: allocating a typed array costs more than converting a hundred numbers into it; a feed's
 * converted buffer lives only during its run (results and variable writes are copies).
 */
export type FeedScratch = Map<Tensor, TypedArray>;

/** Largest buffer (elements) kept in a FeedScratch. */
const SCRATCH_MAX = 1 << 16;

/** Converts one feed value to the tensor's dtype, checking its shape against the static shape. */
export function convertFeed(t: Tensor, value: FeedValue, scratch?: FeedScratch): NDArray {
  // why: the common feed — a typed array of the tensor's storage into a vector or unknown shape — in few steps.
  const s = t.shape;
  if (ArrayBuffer.isView(value) && value.constructor === storageFor(t.dtype) && t.dtype !== 'bool' && t.dtype !== 'int64'
    && (s === null || (s.length === 1 && (s[0] === null || s[0] === (value as TypedArray).length)))) {
    return new NDArray(value as TypedArray, [(value as TypedArray).length], t.dtype);
  }
  let arr: NDArray;
  try {
    arr = convertValue(t, value, scratch);
  } catch (e) {
    // why: a typed array too large to allocate is the one raw error left; say which feed caused it.
    if (e instanceof RangeError) throw new InvalidArgumentError(`Cannot feed ${t.name}: ${e.message}`, t.op);
    throw e;
  }
  if (!fitsShape(arr.shape, t.shape)) {
    throw new InvalidArgumentError(`Cannot feed value of shape ${formatShape(arr.shape)} for Tensor '${t.name}', which has shape '${formatShape(t.shape)}'`, t.op);
  }
  return arr;
}

/** Whether a converted feed shares the value's storage (so it sees later writes to the value). */
export function sharesStorage(value: unknown, arr: NDArray): boolean {
  const src = value instanceof NDArray ? value.data : value;
  // why: reading .buffer of a typed array is a builtin call; the array itself is the common case.
  return src === arr.data || (ArrayBuffer.isView(src) && src.buffer === arr.data.buffer);
}

function bufferFor(t: Tensor, n: number, scratch: FeedScratch | undefined): TypedArray {
  if (!scratch) return allocate(t.dtype, n);
  let b = scratch.get(t);
  if (b === undefined || b.length !== n) {
    b = allocate(t.dtype, n);
    if (n <= SCRATCH_MAX) scratch.set(t, b);
  }
  return b;
}

/**
 * A plain array of numbers for a vector of a float dtype or a 32-bit-or-smaller integer dtype,
 * converted into the tensor's scratch buffer; undefined when an element needs the full rules
 * (a boolean, a BigInt, a fraction or out-of-range value for an integer dtype, anything else).
 */
export function numbersInto(t: Tensor, values: readonly unknown[], scratch: FeedScratch): TypedArray | undefined {
  const dt = t.dtype;
  const range = dt === 'int64' ? undefined : intRange(dt);
  if (dt !== 'float32' && dt !== 'float64' && !range) return undefined;
  const out = bufferFor(t, values.length, scratch);
  const n = values.length;
  if (!range) {
    for (let i = 0; i < n; i++) {
      const v = values[i];
      if (typeof v !== 'number') return undefined;
      out[i] = v;
    }
    return out;
  }
  const lo = range[0], hi = range[1];
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < lo || v > hi) return undefined;
    out[i] = v;
  }
  return out;
}

function convertValue(t: Tensor, value: unknown, scratch: FeedScratch | undefined): NDArray {
  const dtype = t.dtype;
  if (dtype === 'string' || (value instanceof NDArray && value.dtype === 'string')) return stringFeed(t, value);
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') {
    const v = typeof value === 'number' ? castNumber(value, dtype) : typeof value === 'bigint' ? castBigInt(value, dtype) : value ? 1 : 0;
    if (v === undefined) throw scalarDoesNotFit(t, value as number | bigint);
    const out = bufferFor(t, 1, scratch);
    out[0] = v;
    return new NDArray(out, [], dtype);
  }
  if (value instanceof NDArray) return fromArray(t, value.data, kindOfDType(value.dtype), value, value.shape, scratch);
  const cls = arrayClassOf(value);
  if (cls) {
    const src = value as AnyTypedArray;
    return fromArray(t, src, cls.kind, src, flatShapeFor(t, src.length), scratch);
  }
  if (Array.isArray(value)) return fromNested(t, value, scratch);
  if (isGraphElement(value)) {
    throw new InvalidArgumentError(`The value of a feed cannot be a tf.Tensor object (${t.name} was fed ${String(value)}). Feed numbers, booleans, nested arrays, typed arrays or NDArrays; to feed a tensor's value, run it first.`, t.op);
  }
  throw new InvalidArgumentError(`Cannot feed ${describe(value)} to ${t.name}, which has dtype ${dtype}: feed numbers, booleans, nested arrays, typed arrays or NDArrays${typeof value === 'string' ? ' (convert strings with Number() first)' : ''}.`, t.op);
}

/**
 * A Tensor or Variable (by shape, not by class). why: tfgen/runtime converts feeds with this
 * module and must not load the graph classes.
 */
function isGraphElement(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'graph' in v && 'dtype' in v && ('op' in v || 'initializer' in v);
}

/** Strings (or a string NDArray) for a string tensor; strings never convert to or from numbers. */
function stringFeed(t: Tensor, value: unknown): NDArray {
  if (value instanceof NDArray && value.dtype === 'string' && t.dtype === 'string') return value;
  let arr: NDArray | undefined;
  try {
    arr = t.dtype === 'string' ? stringValue(value) : undefined;
  } catch (e) {
    if (e instanceof TypeError) fail(t, `Cannot feed ${t.name}: ${e.message}.`);
    throw e;
  }
  if (arr) return arr;
  const what = value instanceof NDArray ? `a ${value.dtype} NDArray` : describe(value);
  return fail(t, `Cannot feed ${what} to ${t.name}, which has dtype ${t.dtype}: ${t.dtype === 'string' ? 'feed strings or nested arrays of strings' : 'strings do not convert to numbers'}.`);
}

/** A typed array's elements (numpy's unsafe cast), used as is when already of the dtype's storage. */
function fromArray(t: Tensor, src: AnyTypedArray, kind: SourceKind, value: unknown, shape: readonly number[], scratch: FeedScratch | undefined): NDArray {
  const dtype = t.dtype;
  const storage = storageFor(dtype);
  if (src instanceof storage && holdsDTypeValues(src as TypedArray, dtype)) return new NDArray(src as TypedArray, shape, dtype);
  // why: integers of the same width wrap to the same bits (uint8 clamped -> uint8, uint32 -> int32): a view, no copy.
  if (kind === 'int' && dtype !== 'int64' && intRange(dtype) && src.BYTES_PER_ELEMENT === storage.BYTES_PER_ELEMENT) {
    return new NDArray(new (storage as unknown as new (b: ArrayBufferLike, o: number, n: number) => TypedArray)(src.buffer, src.byteOffset, src.length), shape, dtype);
  }
  const out = bufferFor(t, src.length, scratch);
  const bad = castInto(out, 0, src, kind, dtype);
  if (bad >= 0) {
    const what = value instanceof NDArray ? `${value.dtype} NDArray` : `${arrayClassOf(src)!.numpy} ${src.constructor.name}`;
    throw elementDoesNotFit(t, (src as ArrayLike<number>)[bad], `element ${bad} of the ${what}`);
  }
  return new NDArray(out, shape, dtype);
}

/** A flat typed array fills the tensor's static shape; one unknown dim is inferred. */
function flatShapeFor(t: Tensor, length: number): number[] {
  const s = t.shape;
  if (s === null || s.length === 1) return [length];
  const unknown = s.filter((d) => d === null).length;
  if (unknown === 0 && numElements(s as number[]) === length) return s as number[];
  if (unknown === 1) {
    const known = numElements(s.filter((d): d is number => d !== null));
    if (known > 0 && length % known === 0) return s.map((d) => (d === null ? length / known : d));
  }
  throw new InvalidArgumentError(`Cannot feed a flat array of ${length} values to ${t.name} with shape ${formatShape(s)}: give an NDArray or nested array with its shape.`, t.op);
}

/** The state of one walk over a nested array, written row by row into `out`. */
interface Walk {
  t: Tensor;
  dtype: DType;
  shape: number[];
  out: TypedArray;
  k: number;
  /** The index at each axis above the current row (for messages). */
  path: number[];
  lo: number;
  hi: number;
}

/** Nested arrays (rows may be typed arrays or NDArrays) with numpy's shape rules: no ragged rows. */
function fromNested(t: Tensor, value: unknown[], scratch: FeedScratch | undefined): NDArray {
  const shape: number[] = [];
  let probe: unknown = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    if (shape.length > MAX_RANK) throw new InvalidArgumentError(`Cannot feed ${t.name}: the nested array is deeper than ${MAX_RANK} dimensions.`, t.op);
    if (probe.length === 0) break;
    probe = probe[0];
  }
  if (probe instanceof NDArray) shape.push(...probe.shape);
  else if (arrayClassOf(probe)) shape.push((probe as AnyTypedArray).length);
  const range = intRange(t.dtype);
  const w: Walk = { t, dtype: t.dtype, shape, out: bufferFor(t, numElements(shape), scratch), k: 0, path: [], lo: range ? range[0] : 0, hi: range ? range[1] : 0 };
  walkAxis(w, value, 0);
  return new NDArray(w.out, shape, t.dtype);
}

function walkAxis(w: Walk, v: unknown, axis: number): void {
  const n = w.shape[axis];
  const last = axis === w.shape.length - 1;
  if (Array.isArray(v)) {
    if (v.length !== n) throw ragged(w, axis, v);
    if (last) return writeRow(w, v, axis);
    for (let i = 0; i < n; i++) {
      w.path[axis] = i;
      walkAxis(w, v[i], axis + 1);
    }
    return;
  }
  const cls = arrayClassOf(v);
  if (cls && last && (v as AnyTypedArray).length === n) {
    const src = v as AnyTypedArray;
    const bad = castInto(w.out, w.k, src, cls.kind, w.dtype);
    if (bad >= 0) throw elementDoesNotFit(w.t, (src as ArrayLike<number>)[bad], `element ${pathOf(w, axis, bad)}`);
    w.k += n;
    return;
  }
  if (v instanceof NDArray && sameDims(v.shape, w.shape, axis)) {
    const bad = castInto(w.out, w.k, v.data, kindOfDType(v.dtype), w.dtype);
    if (bad >= 0) throw elementDoesNotFit(w.t, v.data[bad], `element ${bad} of the NDArray at ${pathOf(w, axis)}`);
    w.k += v.size;
    return;
  }
  throw ragged(w, axis, v);
}

/** The innermost axis: plain JS scalars, converted inline in the common cases. */
function writeRow(w: Walk, row: unknown[], axis: number): void {
  const out = w.out;
  const n = row.length;
  let k = w.k;
  if (w.dtype === 'float32' || w.dtype === 'float64') {
    for (let i = 0; i < n; i++) {
      const v = row[i];
      // why: the typed-array store rounds to float32 exactly as Math.fround.
      out[k++] = typeof v === 'number' ? v : otherScalar(w, row, axis, i);
    }
  } else if (w.dtype === 'bool') {
    for (let i = 0; i < n; i++) {
      const v = row[i];
      out[k++] = typeof v === 'number' ? (v !== 0 ? 1 : 0) : otherScalar(w, row, axis, i);
    }
  } else {
    const lo = w.lo, hi = w.hi;
    // why: int64's float64 storage does not truncate on store; the others do.
    const exact = w.dtype === 'int64';
    for (let i = 0; i < n; i++) {
      const v = row[i];
      // why: integer-valued numbers are Python ints (must fit); others Python floats (truncated if in range).
      const ok = typeof v === 'number' && (Number.isInteger(v) ? v >= lo && v <= hi : v > lo - 1 && v < hi + 1);
      out[k++] = !ok ? otherScalar(w, row, axis, i) : exact ? Math.trunc(v as number) + 0 : (v as number);
    }
  }
  w.k = k;
}

/** The slow cases of one row element: booleans, BigInts, refused numbers and everything else. */
function otherScalar(w: Walk, row: unknown[], axis: number, i: number): number {
  const v = row[i];
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'bigint') {
    const c = castBigInt(v, w.dtype);
    if (c !== undefined) return c;
  }
  if (typeof v === 'number' || typeof v === 'bigint') throw elementDoesNotFit(w.t, v, `element ${pathOf(w, axis, i)}`);
  if (Array.isArray(v) || arrayClassOf(v) || v instanceof NDArray) throw ragged(w, axis + 1, v, i);
  const what = !(i in row) ? 'empty (a hole in the array)' : describe(v);
  return fail(w.t, `Cannot feed ${w.t.name}: element ${pathOf(w, axis, i)} is ${what}, not a number or boolean.`);
}

function pathOf(w: Walk, axis: number, last?: number): string {
  let s = '';
  for (let a = 0; a < axis; a++) s += `[${w.path[a]}]`;
  return last === undefined ? s || 'the top' : `${s}[${last}]`;
}

function ragged(w: Walk, axis: number, v: unknown, index?: number): InvalidArgumentError {
  const at = index === undefined ? pathOf(w, axis) : pathOf(w, axis - 1, index);
  const want = axis < w.shape.length ? `a sequence of length ${w.shape[axis]}` : 'a number or boolean';
  return new InvalidArgumentError(`Cannot feed ${w.t.name}: ragged nested array (numpy needs rows of equal length): element ${at} should be ${want} like the first, but is ${describe(v)}.`, w.t.op);
}

function sameDims(s: readonly number[], full: readonly number[], from: number): boolean {
  if (s.length !== full.length - from) return false;
  for (let i = 0; i < s.length; i++) if (s[i] !== full[from + i]) return false;
  return true;
}

function fail(t: Tensor, message: string): never {
  throw new InvalidArgumentError(message, t.op);
}

/** TF1's TypeError for a Python-int scalar that does not fit (and numpy's refusals of floats). */
function scalarDoesNotFit(t: Tensor, v: number | bigint): InvalidArgumentError {
  if (typeof v === 'bigint' || Number.isInteger(v)) {
    return new InvalidArgumentError(`Type of feed value ${String(v)} with type ${typeof v} is not compatible with Tensor type ${t.dtype} of '${t.name}'. Try explicitly setting the type of the feed tensor to a larger type.`, t.op);
  }
  return elementDoesNotFit(t, v, 'the value');
}

function elementDoesNotFit(t: Tensor, v: unknown, where: string): InvalidArgumentError {
  const r = intRange(t.dtype);
  const why = t.dtype === 'int64' && (typeof v === 'bigint' || Number.isFinite(v))
    ? 'it is outside ±(2^53 - 1), the range tfgen\'s int64 holds exactly (its elements are float64 numbers); use float64 for larger magnitudes'
    : `only finite values within its range${r ? ` [${r[0]}, ${r[1]}]` : ''} convert to it (numpy's result is undefined or an error otherwise)`;
  return new InvalidArgumentError(`Cannot feed ${String(v)} (${where}) to '${t.name}', which has dtype ${t.dtype}: ${why}.`, t.op);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v === 'string') return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (Array.isArray(v)) return `an array of length ${v.length}`;
  if (v instanceof NDArray) return `an NDArray of shape ${formatShape(v.shape)}`;
  const cls = arrayClassOf(v);
  if (cls) return `a ${(v as object).constructor.name} of length ${(v as AnyTypedArray).length}`;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return `the ${typeof v} ${String(v)}`;
  if (v instanceof ArrayBuffer) return 'an ArrayBuffer (wrap it in a typed array)';
  if (ArrayBuffer.isView(v)) return `a ${v.constructor.name}`;
  if (typeof v === 'object') {
    const ctor = Object.getPrototypeOf(v) === null ? undefined : (v as { constructor?: { name?: unknown } }).constructor;
    return `an object (${typeof ctor?.name === 'string' ? ctor.name : 'Object'})`;
  }
  return `a ${typeof v}`;
}
