// Index-driven ops: OneHot, GatherV2, and UnsortedSegmentSum (the dense gradient of a gather,
// which adds up the rows of repeated indices).
import { allocate, castScalar, isInt, type DType, type DTypeLike } from '../dtypes.js';
import { InvalidArgumentError, type ErrorOp } from '../errors.js';
import { constantValue, createOp, nameScope, type Operation, type Tensor } from '../graph.js';
import { NDArray } from '../ndarray.js';
import type { OpSpec } from '../op_spec.js';
import { normAxis, numElements, type Dim } from '../shape.js';
import { cast, range, rank, reshape, shape } from './array.js';
import { convertToTensor, out, type TensorLike } from './define_op.js';
import { add, less, multiply } from './math_binary.js';
import { concat, invertPermutation, slice, transpose } from './movement.js';
import {
  axisError, constInts, foldConstant, info, intArg, ints, loweredInts, opArgs, operandDType, unknownDims, type ArgSpec, type OptArgs,
} from './op_args.js';

/** OneHot's on and off values are scalars (TF1): when fed, checked at run time on both executors. */
function checkOnOff(on: readonly number[], off: readonly number[], op: ErrorOp): void {
  for (const [what, s] of [['on_value', on], ['off_value', off]] as const) {
    if (s.length) throw new InvalidArgumentError(`OneHot '${op.name}': ${what} must be a scalar, got shape [${s}].`, op);
  }
}

export const OneHot: OpSpec = {
  type: 'OneHot',
  infer: (ctx) => {
    const [ind, , on, off] = ctx.inputs;
    const what = `OneHot '${ctx.name}'`;
    if (!isInt(ind.dtype)) {
      throw new InvalidArgumentError(`${what}: indices ${ind} must be an integer tensor, not ${ind.dtype}.`);
    }
    intArg(ctx, 1, 'depth', 0);
    if (on.dtype !== off.dtype) {
      throw new InvalidArgumentError(
        `${what}: on_value ${on} and off_value ${off} must have one dtype (${on.dtype} vs ${off.dtype}).`);
    }
    for (const t of [on, off]) if (t.shape && t.shape.length) throw new InvalidArgumentError(
      `${what}: ${t} must be a scalar.`);
    const depth = constInts(ctx, 1)?.[0];
    if (depth !== undefined && depth < 0) {
      throw new InvalidArgumentError(`${what}: depth must be non-negative, got ${depth}.`);
    }
    const axis = ctx.attrs.axis as number;
    const r = ind.shape?.length;
    if (axis < -1 || (r !== undefined && axis > r)) {
      throw new InvalidArgumentError(
        `${what}: expected axis to be -1 or between [0, ${r === undefined ? 'rank + 1' : r + 1}), ` +
        `but received ${axis}.`);
    }
    if (!ind.shape) return info(on.dtype, null);
    const s: Dim[] = [...ind.shape];
    s.splice(axis === -1 ? s.length : axis, 0, depth ?? null);
    return info(on.dtype, s);
  },
  // one_hot = where(indices (expanded at axis) == iota(depth) (along axis), on, off)
  lower: (ctx, op) => {
    const [ind, , on, off] = ctx.inputs;
    const depth = loweredInts(ctx, 1, op)[0];
    if (depth < 0) throw new InvalidArgumentError(`OneHot '${op.name}': depth must be non-negative, got ${depth}.`, op);
    checkOnOff(on.shape, off.shape, op);
    const axis = op.attrs.axis as number;
    const a = axis === -1 ? ind.shape.length : axis;
    const outShape = [...ind.shape];
    outShape.splice(a, 0, depth);
    const expanded = [...ind.shape];
    expanded.splice(a, 0, 1);
    const iotaShape = outShape.map((d, i) => (i === a ? d : 1));
    const iota = ctx.constant(new NDArray(Int32Array.from({ length: depth }, (_, i) => i), iotaShape, 'int32'));
    const hit = ctx.binary('eq', ctx.reshape(ctx.cast(ind, 'int32'), expanded), iota);
    return [ctx.where(hit, ctx.broadcast(on, outShape), off)];
  },
  reference: ([ind, depthV, on, off], { op }) => {
    const depth = depthV.data[0];
    if (depth < 0) throw new InvalidArgumentError(`OneHot '${op.name}': depth must be non-negative, got ${depth}.`);
    checkOnOff(on.shape, off.shape, op);
    const axis = op.attrs.axis as number;
    const a = axis === -1 ? ind.rank : axis;
    const outShape = [...ind.shape];
    outShape.splice(a, 0, depth);
    const inner = numElements(ind.shape.slice(a));
    const data = allocate(on.dtype, numElements(outShape)).fill(off.data[0]);
    for (let k = 0; k < ind.size; k++) {
      const idx = ind.data[k];
      const o = Math.floor(k / inner), i = k % inner;
      if (idx >= 0 && idx < depth) data[(o * depth + idx) * inner + i] = on.data[0];
    }
    return [new NDArray(data, outShape, on.dtype)];
  },
};

/** `indices[1,0]` for flat position k of an index tensor of the given shape. */
function indexLabel(k: number, s: readonly number[]): string {
  const pos = new Array<number>(s.length);
  for (let a = s.length - 1; a >= 0; a--) { pos[a] = k % s[a]; k = Math.floor(k / s[a]); }
  return `indices[${pos.join(',')}]`;
}

export const GatherV2: OpSpec = {
  type: 'GatherV2',
  lower: (ctx, op) => {
    const [params, indices] = ctx.inputs;
    const axis = loweredInts(ctx, 2, op)[0];
    const a = normAxis(axis, params.shape.length);
    if (a === undefined || params.shape.length === 0) throw axisError(`GatherV2 '${op.name}'`, axis, params.shape.length);
    return [ctx.gather(params, ctx.cast(indices, 'int32'), a)];
  },
  infer: (ctx) => {
    const [params, indices] = ctx.inputs;
    const what = `GatherV2 '${ctx.name}'`;
    if (!isInt(indices.dtype)) {
      throw new InvalidArgumentError(`${what}: indices ${indices} must be an integer tensor, not ${indices.dtype}.`);
    }
    intArg(ctx, 2, 'axis', 0);
    const axis = constInts(ctx, 2)?.[0];
    if (params.shape === null) return info(params.dtype, null);
    const r = params.shape.length;
    if (r === 0) throw new InvalidArgumentError(`${what}: params ${params} must be at least 1-dimensional.`);
    const a = axis === undefined ? undefined : normAxis(axis, r);
    if (axis !== undefined && a === undefined) throw axisError(`${what} of ${params}`, axis, r);
    if (indices.shape === null) return info(params.dtype, null);
    if (a === undefined) return info(params.dtype, unknownDims(r - 1 + indices.shape.length));
    return info(params.dtype, [...params.shape.slice(0, a), ...indices.shape, ...params.shape.slice(a + 1)]);
  },
  constant: foldConstant,
  grad: (op, [dy]) => [gatherGrad(op, dy!), null, null],
  reference: ([params, indices, axisV], { op }) => {
    const a = normAxis(axisV.data[0], params.rank);
    if (a === undefined || params.rank === 0) throw axisError(`GatherV2 '${op.name}'`, axisV.data[0], params.rank);
    const n = params.shape[a];
    const outer = numElements(params.shape.slice(0, a)), inner = numElements(params.shape.slice(a + 1));
    const m = indices.size;
    for (let k = 0; k < m; k++) {
      const v = indices.data[k];
      if (!(v >= 0 && v < n)) {
        throw new InvalidArgumentError(`${indexLabel(k, indices.shape)} = ${v} is not in [0, ${n})`, op);
      }
    }
    const data = allocate(params.dtype, outer * m * inner);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < m; k++) {
        const src = (o * n + indices.data[k]) * inner;
        data.set(params.data.subarray(src, src + inner), (o * m + k) * inner);
      }
    }
    const outShape = [...params.shape.slice(0, a), ...indices.shape, ...params.shape.slice(a + 1)];
    return [new NDArray(data, outShape, params.dtype)];
  },
};

/**
 * Dense gradient of GatherV2 wrt params (TF1 builds IndexedSlices): move the gather axis to the
 * front, sum rows per index with UnsortedSegmentSum (so repeated indices add up), move it back.
 */
function gatherGrad(op: Operation, dy: Tensor): Tensor {
  const [params, indices, axisT] = op.inputs;
  const pShape = shape(params);
  const c = constantValue(axisT);
  const r = params.shape?.length;
  let a: number | Tensor;
  if (c && r !== undefined) a = normAxis(c.data[0], r)!;
  else a = add(axisT, multiply(cast(less(axisT, 0), 'int32'), rank(params)));
  const vec = (v: number | Tensor) => (typeof v === 'number' ? [v] : reshape(v, [1]));
  const a1 = typeof a === 'number' ? a + 1 : add(a, 1);
  const values = reshape(dy, concat([slice(pShape, [0], vec(a)), [-1], slice(pShape, vec(a1), [-1])], 0));
  const ids = reshape(indices, [-1]);
  const numSegments = gather(pShape, a);
  if (a === 0) return unsortedSegmentSum(values, ids, numSegments);
  const others = [range(0, a, 1, { name: 'Range' }), range(a1, r ?? rank(params), 1, { name: 'Range' })];
  const perm = concat([vec(a), ...others], 0);
  return transpose(unsortedSegmentSum(transpose(values, perm), ids, numSegments), invertPermutation(perm));
}

export const UnsortedSegmentSum: OpSpec = {
  type: 'UnsortedSegmentSum',
  infer: (ctx) => {
    const [data, ids] = ctx.inputs;
    intArg(ctx, 2, 'num_segments', 0);
    const n = constInts(ctx, 2)?.[0] ?? null;
    if (!isInt(ids.dtype)) throw new InvalidArgumentError(`${ctx.name}: segment_ids ${ids} must be an integer tensor.`);
    if (data.shape === null || ids.shape === null) return info(data.dtype, null);
    return info(data.dtype, [n, ...data.shape.slice(ids.shape.length)]);
  },
  // why: the forward rejects negative ids, so the plain gather is the whole gradient.
  grad: (op, [dy]) => [gather(dy!, op.inputs[1]), null, null],
  reference: ([data, ids, nV], { op }) => {
    const n = nV.data[0];
    if (ids.shape.some((d, i) => data.shape[i] !== d)) {
      throw new InvalidArgumentError(
        `UnsortedSegmentSum '${op.name}': segment_ids shape [${ids.shape}] must be a prefix of ` +
        `data shape [${data.shape}].`, op);
    }
    const inner = numElements(data.shape.slice(ids.rank));
    const acc = new Float64Array(n * inner);
    for (let k = 0; k < ids.size; k++) {
      const id = ids.data[k];
      if (!(id >= 0 && id < n)) {
        throw new InvalidArgumentError(`segment_ids[${k}] = ${id} is out of range [0, ${n})`, op);
      }
      for (let j = 0; j < inner; j++) acc[id * inner + j] += data.data[k * inner + j];
    }
    const res = allocate(data.dtype, acc.length);
    for (let i = 0; i < acc.length; i++) res[i] = castScalar(acc[i], data.dtype);
    return [new NDArray(res, [n, ...data.shape.slice(ids.rank)], data.dtype)];
  },
};

/** JS index values default to int32; tensors keep their dtype (checked by the op). */
const intUnlessTensor = (v: TensorLike): DType | undefined => (operandDType(v) ? undefined : 'int32');

export interface OneHotOptions {
  onValue?: TensorLike;
  offValue?: TensorLike;
  /** Where the new axis goes; -1 (default) appends it. */
  axis?: number;
  /** Defaults to the dtype of onValue/offValue when they are tensors, else float32. */
  dtype?: DTypeLike;
  name?: string;
}
const ONE_HOT_ARGS: ArgSpec<OneHotOptions> = {
  positional: ['onValue', 'offValue', 'axis', 'dtype', 'name'],
  kinds: { onValue: 'value', offValue: 'value', axis: 'int', dtype: 'dtype', name: 'string' },
};

/**
 * One-hot vectors: onValue (1) at each index, offValue (0) elsewhere; indices outside
 * [0, depth) give all-off rows (TF1 tf.one_hot).
 * (TF1 argument order: onValue, offValue, axis, dtype, name, or an options object).
 * @example tf.oneHot([0, 2], 3)   // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: TensorLike, depth: number | Tensor,
  ...args: OptArgs<[onValue: TensorLike, offValue: TensorLike, axis: number, dtype: DTypeLike, name: string], OneHotOptions>): Tensor {
  const opts = opArgs('tf.oneHot', args, ONE_HOT_ARGS);
  return nameScope(opts.name ?? 'one_hot', (scope) => {
    const dtype = (opts.dtype as DType | undefined) ?? operandDType(opts.onValue ?? 0) ?? operandDType(opts.offValue ?? 0) ?? 'float32';
    const ind = convertToTensor(indices, { dtype: intUnlessTensor(indices), name: 'indices' });
    const on = convertToTensor(opts.onValue ?? 1, { dtype, name: 'on_value', what: 'oneHot onValue' });
    const off = convertToTensor(opts.offValue ?? 0, { dtype, name: 'off_value', what: 'oneHot offValue' });
    const attrs = { T: dtype, TI: ind.dtype, axis: opts.axis ?? -1 };
    return out(createOp(OneHot, [ind, ints(depth, 'depth'), on, off], attrs, scope));
  });
}

/**
 * Slices of params along `axis` at `indices`: the result has shape
 * params.shape[:axis] + indices.shape + params.shape[axis+1:] (TF1 tf.gather).
 * @example tf.gather(embeddings, ids)   // rows of embeddings
 */
export function gather(params: TensorLike, indices: TensorLike, axis: number | Tensor = 0, name = 'GatherV2'): Tensor {
  return nameScope(name, (scope) => {
    const p = convertToTensor(params, { name: 'params' });
    const ind = convertToTensor(indices, { dtype: intUnlessTensor(indices), name: 'indices' });
    const attrs = { Tparams: p.dtype, Tindices: ind.dtype, Taxis: 'int32' };
    return out(createOp(GatherV2, [p, ind, ints(axis, 'axis')], attrs, scope));
  });
}

/** Sums of data's rows per segment id; ids must lie in [0, numSegments) (TF1 tf.unsorted_segment_sum). */
export function unsortedSegmentSum(data: TensorLike, segmentIds: TensorLike, numSegments: number | Tensor,
  name = 'UnsortedSegmentSum'): Tensor {
  return nameScope(name, (scope) => {
    const d = convertToTensor(data, { name: 'data' });
    const ids = convertToTensor(segmentIds, { dtype: intUnlessTensor(segmentIds), name: 'segment_ids' });
    return out(createOp(UnsortedSegmentSum, [d, ids, ints(numSegments, 'num_segments')], { T: d.dtype }, scope));
  });
}
