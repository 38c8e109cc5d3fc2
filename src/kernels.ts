// Building blocks of the reference kernels: plain, obviously-correct typed-array loops.
// Results are stored in the output dtype's typed array, so float32 math rounds per op as TF's does.
import { allocate, castScalar, int64Value, isInt32Family, type DType } from './dtypes.js';
import { NDArray } from './ndarray.js';
import { broadcastConcrete, numElements, stridesOf } from './shape.js';
import { InvalidArgumentError } from './errors.js';

export function mapUnary(x: NDArray, outDType: DType, f: (v: number) => number): NDArray {
  if (outDType === 'int64') f = checkedInt64(f);
  const out = allocate(outDType, x.size);
  const d = x.data;
  for (let i = 0; i < d.length; i++) out[i] = f(d[i]);
  return new NDArray(out, x.shape, outDType);
}

/** f with its int64 results checked: exact within ±(2^53 - 1), an error beyond (never rounded). */
function checkedInt64<F extends (...v: number[]) => number>(f: F): F {
  return ((...v: number[]) => int64Value(f(...v))) as F;
}

/** For each output index, the flat index into an input broadcast to `outShape`. */
export function broadcastIndex(inShape: readonly number[], outShape: readonly number[]): Int32Array {
  const n = numElements(outShape);
  const idx = new Int32Array(n);
  const rank = outShape.length;
  const inStrides = stridesOf(inShape);
  // Strides of the input aligned to output axes; 0 where the input broadcasts.
  const st = new Array<number>(rank).fill(0);
  for (let a = 0; a < inShape.length; a++) {
    const oa = a + rank - inShape.length;
    st[oa] = inShape[a] === 1 && outShape[oa] !== 1 ? 0 : inStrides[a];
  }
  const counter = new Array<number>(rank).fill(0);
  let off = 0;
  for (let i = 0; i < n; i++) {
    idx[i] = off;
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]++;
      off += st[a];
      if (counter[a] < outShape[a]) break;
      off -= st[a] * counter[a];
      counter[a] = 0;
    }
  }
  return idx;
}

export function broadcastShapes(a: readonly number[], b: readonly number[], what: string): number[] {
  const s = broadcastConcrete(a, b);
  if (!s) throw new InvalidArgumentError(`${what}: Incompatible shapes: [${a.join(',')}] vs. [${b.join(',')}]`);
  return s;
}

export function mapBinary(a: NDArray, b: NDArray, outDType: DType, f: (x: number, y: number) => number, what = 'binary op'): NDArray {
  const shape = broadcastShapes(a.shape, b.shape, what);
  const n = numElements(shape);
  const out = allocate(outDType, n);
  const ad = a.data, bd = b.data;
  if (outDType === 'int64') f = checkedInt64(f);
  if (a.size === n && b.size === n) {
    for (let i = 0; i < n; i++) out[i] = f(ad[i], bd[i]);
  } else {
    const ia = broadcastIndex(a.shape, shape), ib = broadcastIndex(b.shape, shape);
    for (let i = 0; i < n; i++) out[i] = f(ad[ia[i]], bd[ib[i]]);
  }
  return new NDArray(out, shape, outDType);
}

export function mapTernary(c: NDArray, a: NDArray, b: NDArray, outDType: DType, f: (c: number, x: number, y: number) => number, what = 'select'): NDArray {
  const shape = broadcastShapes(broadcastShapes(c.shape, a.shape, what), b.shape, what);
  const n = numElements(shape);
  const out = allocate(outDType, n);
  const ic = broadcastIndex(c.shape, shape), ia = broadcastIndex(a.shape, shape), ib = broadcastIndex(b.shape, shape);
  for (let i = 0; i < n; i++) out[i] = f(c.data[ic[i]], a.data[ia[i]], b.data[ib[i]]);
  return new NDArray(out, shape, outDType);
}

/**
 * Reduces over `axes` (already normalised, unique). `init` and `step` define the reduction;
 * `finish` maps the accumulator and the count of reduced elements to the result.
 */
export function reduce(x: NDArray, axes: readonly number[], keepDims: boolean, outDType: DType,
  init: number, step: (acc: number, v: number) => number, finish: (acc: number, count: number) => number = (a) => a): NDArray {
  const reduced = new Set(axes);
  const outShapeKeep = x.shape.map((d, a) => (reduced.has(a) ? 1 : d));
  const outShape = keepDims ? outShapeKeep : x.shape.filter((_, a) => !reduced.has(a));
  const outN = numElements(outShapeKeep);
  const acc = new Float64Array(outN).fill(init);
  const outIdx = broadcastIndex(outShapeKeep, x.shape);
  const d = x.data;
  for (let i = 0; i < d.length; i++) acc[outIdx[i]] = step(acc[outIdx[i]], d[i]);
  const count = axes.reduce((c, a) => c * x.shape[a], 1);
  const out = allocate(outDType, outN);
  for (let i = 0; i < outN; i++) out[i] = castScalar(finish(acc[i], count), outDType);
  return new NDArray(out, outShape, outDType);
}

/** Row-major matmul of [.., m, k] x [.., k, n] (2-D here; batch dims handled by callers). */
export function matmul2d(a: NDArray, b: NDArray, transposeA: boolean, transposeB: boolean, outDType: DType): NDArray {
  const [ar, ac] = a.shape, [br, bc] = b.shape;
  const m = transposeA ? ac : ar, k = transposeA ? ar : ac;
  const k2 = transposeB ? bc : br, n = transposeB ? br : bc;
  if (k !== k2) {
    throw new InvalidArgumentError(`Matrix size-incompatible: In[0]: [${a.shape.join(',')}], In[1]: [${b.shape.join(',')}]`);
  }
  const out = allocate(outDType, m * n);
  const A = a.data, B = b.data;
  // why: int32 products and sums wrap around as TF's integer kernels do (a double loses bits past 2⁵³).
  const int = isInt32Family(outDType);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) {
        const av = transposeA ? A[p * ac + i] : A[i * ac + p];
        const bv = transposeB ? B[j * bc + p] : B[p * bc + j];
        s = int ? (s + Math.imul(av, bv)) | 0 : s + av * bv;
      }
      out[i * n + j] = s;
    }
  }
  return new NDArray(out, [m, n], outDType);
}

/** Converts an array of any dtype to `dtype` (TF's Cast). */
export function castArray(x: NDArray, dtype: DType): NDArray {
  if (x.dtype === dtype) return x;
  return mapUnary(x, dtype, (v) => castScalar(v, dtype));
}

/** Integer list from a shape/axes argument array. */
export function intList(x: NDArray): number[] {
  return Array.from(x.data);
}

/** Row-major transpose: output axis i is input axis perm[i]. */
export function transposeArray(x: NDArray, perm: readonly number[]): NDArray {
  const outShape = perm.map((p) => x.shape[p]);
  const inStrides = stridesOf(x.shape);
  const st = perm.map((p) => inStrides[p]);
  const out = allocate(x.dtype, x.size);
  const counter = new Array<number>(perm.length).fill(0);
  let off = 0;
  for (let i = 0; i < out.length; i++) {
    out[i] = x.data[off];
    for (let a = perm.length - 1; a >= 0; a--) {
      counter[a]++;
      off += st[a];
      if (counter[a] < outShape[a]) break;
      off -= st[a] * counter[a];
      counter[a] = 0;
    }
  }
  return new NDArray(out, outShape, x.dtype);
}

/** The block x[begin : begin + size] (all sizes resolved, bounds already checked). */
export function sliceArray(x: NDArray, begin: readonly number[], size: readonly number[]): NDArray {
  const n = numElements(size);
  const out = allocate(x.dtype, n);
  const strides = stridesOf(x.shape);
  const rank = size.length;
  const counter = new Array<number>(rank).fill(0);
  let off = begin.reduce((a, b, i) => a + b * strides[i], 0);
  for (let i = 0; i < n; i++) {
    out[i] = x.data[off];
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]++;
      off += strides[a];
      if (counter[a] < size[a]) break;
      off -= strides[a] * counter[a];
      counter[a] = 0;
    }
  }
  return new NDArray(out, size, x.dtype);
}

/** x surrounded by `before[i]` and `after[i]` elements of `value` along each axis i. */
export function padArray(x: NDArray, before: readonly number[], after: readonly number[], value = 0): NDArray {
  const outShape = x.shape.map((d, i) => d + before[i] + after[i]);
  const out = allocate(x.dtype, numElements(outShape));
  if (value !== 0) out.fill(value);
  const outStrides = stridesOf(outShape);
  const rank = x.shape.length;
  const counter = new Array<number>(rank).fill(0);
  let off = before.reduce((a, b, i) => a + b * outStrides[i], 0);
  for (let i = 0; i < x.size; i++) {
    out[off] = x.data[i];
    for (let a = rank - 1; a >= 0; a--) {
      counter[a]++;
      off += outStrides[a];
      if (counter[a] < x.shape[a]) break;
      off -= outStrides[a] * counter[a];
      counter[a] = 0;
    }
  }
  return new NDArray(out, outShape, x.dtype);
}
