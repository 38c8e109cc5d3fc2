// Feed values of sess.run: numbers, booleans, nested arrays, typed arrays and NDArrays, checked
// against the fed tensor's dtype and static shape. Typed arrays of the right type are used as is.
import { castScalar, dtypeOfArray, isInt, type DType } from './dtypes.js';
import { InvalidArgumentError } from './errors.js';
import type { Tensor } from './graph.js';
import { flattenNested, fromBigInt64, isTypedArray, NDArray, toNDArray, type NestedArray } from './ndarray.js';
import { fitsShape, formatShape, numElements } from './shape.js';
import type { Variable } from './variables.js';

export type FeedValue = number | boolean | NestedArray | ArrayLike<number> | BigInt64Array | NDArray;

export type FeedDict = Map<Tensor | Variable | string, FeedValue> | { readonly [name: string]: FeedValue };

/** Converts one feed value to the tensor's dtype, checking dtype and static shape. */
export function convertFeed(t: Tensor, value: FeedValue): NDArray {
  try {
    return convertFeedValue(t, value);
  } catch (e) {
    // why: ragged or non-numeric nested arrays fail deep in the conversion; report them as TF1 does.
    if (e instanceof TypeError || e instanceof RangeError) throw new InvalidArgumentError(e.message, t.op);
    throw e;
  }
}

function convertFeedValue(t: Tensor, value: FeedValue): NDArray {
  const what = 'feed for a placeholder';
  let arr: NDArray;
  if (value instanceof BigInt64Array) value = reshapedTo(fromBigInt64(value), flatShapeFor(t, value.length));
  if (value instanceof NDArray || isTypedArray(value)) {
    const dt: DType = value instanceof NDArray ? value.dtype : dtypeOfArray(value);
    if (dt !== t.dtype && !(dt === 'uint8' && t.dtype === 'bool')) {
      throw new InvalidArgumentError(`Cannot feed a ${dt} value to ${t.name}, which has dtype ${t.dtype}; convert it first (e.g. a ${t.dtype} typed array).`, t.op);
    }
    let shape = value instanceof NDArray ? value.shape : undefined;
    if (!shape) shape = flatShapeFor(t, (value as ArrayLike<number>).length);
    const data = value instanceof NDArray ? value.data : value;
    // why: kernels never write their inputs, so a typed array of the right type is used as is.
    arr = dt === t.dtype ? new NDArray(data, shape, t.dtype) : toNDArray(value, t.dtype, what, shape);
  } else {
    if (typeof value === 'number' || typeof value === 'boolean' || Array.isArray(value)) {
      const { sawBool, sawFraction, flat } = flattenNested(value, `Feed value for ${t.name}`);
      if (sawBool !== (t.dtype === 'bool') && flat.length > 0) {
        throw new InvalidArgumentError(`Cannot feed ${sawBool ? 'boolean' : 'numeric'} values to ${t.name}, which has dtype ${t.dtype}.`, t.op);
      }
      if (sawFraction && isInt(t.dtype)) {
        throw new InvalidArgumentError(`Cannot feed non-integer values to ${t.name}, which has dtype ${t.dtype}.`, t.op);
      }
      const outOfRange = isInt(t.dtype) ? flat.find((v) => castScalar(v, t.dtype) !== v) : undefined;
      if (outOfRange !== undefined) {
        throw new InvalidArgumentError(`Cannot feed ${outOfRange} to ${t.name}: it is out of range for dtype ${t.dtype}.`, t.op);
      }
    } else {
      throw new InvalidArgumentError(`Cannot feed ${value === null ? 'null' : typeof value === 'string' ? `the string ${JSON.stringify(value)}` : typeof value} to ${t.name}: feed numbers, booleans, nested arrays, typed arrays or NDArrays.`, t.op);
    }
    arr = toNDArray(value, t.dtype, what);
  }
  if (!fitsShape(arr.shape, t.shape)) {
    throw new InvalidArgumentError(`Cannot feed value of shape ${formatShape(arr.shape)} for Tensor '${t.name}', which has shape '${formatShape(t.shape)}'`, t.op);
  }
  return arr;
}

function reshapedTo(a: NDArray, shape: readonly number[]): NDArray {
  return new NDArray(a.data, shape, a.dtype);
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
