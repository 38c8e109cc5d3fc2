// Reductions over axes (Sum, Mean, Max, Min, Prod) and ArgMax. Axes are an int32 input as in
// TF1 (`reduction_indices`); omitted, every axis is reduced.
import { allocate, int64Value, isInt, isInt32Family, type DType, type DTypeLike } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { atomically, constantValue, createOp, nameScope, Tensor } from '../graph.js';
import { intList, reduce } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { InferContext, OpSpec, OutputInfo } from '../op_spec.js';
import { NotLowerable, type ReduceKind } from '../prims.js';
import { normAxis, type Dim } from '../shape.js';
import { broadcastTo, cast, range, rank, reshape, shape, size } from './array.js';
import { convertToTensor, isTensorLikeObject, NUMERIC, out, requireDType, type TensorLike } from './define_op.js';
import { divide, equal, multiply } from './math_binary.js';
import { opArgs, type ArgSpec, type OptArgs } from './op_args.js';
import { prodGrad } from './scan.js';

/** Normalised, sorted, unique axes; throws naming the op on an out-of-range axis. */
function normAxes(axes: number[], rank: number, what: string): number[] {
  const out = new Set<number>();
  for (const a of axes) {
    const n = normAxis(a, rank);
    if (n === undefined) throw new InvalidArgumentError(`${what}: axis ${a} is out of range for a tensor of rank ${rank} (expected -${rank} <= axis < ${rank}).`);
    out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

function reduceInfer(ctx: InferContext, dtype?: DType): OutputInfo[] {
  const x = ctx.inputs[0];
  const keep = ctx.attrs.keep_dims === true;
  const axesV = ctx.constantValue(1);
  // why: reducing every axis of an unknown-rank tensor still gives a scalar (TF1's _may_reduce_to_scalar).
  if (x.shape === null) return [{ dtype: dtype ?? x.dtype, shape: !keep && reducesAllAxes(ctx) ? [] : null }];
  if (!axesV) {
    // Unknown axes: with keep_dims the rank is known, otherwise not.
    return [{ dtype: dtype ?? x.dtype, shape: keep ? x.shape.map(() => null) : null }];
  }
  const axes = normAxes(intList(axesV), x.shape.length, `${ctx.name} of ${x}`);
  const s: Dim[] = keep ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  return [{ dtype: dtype ?? x.dtype, shape: s }];
}

/** Whether the axes input is range(0, rank(x)), as reduceSum(x) builds for an unknown-rank x. */
function reducesAllAxes(ctx: InferContext): boolean {
  const axes = ctx.inputs[1].op;
  if (axes.type !== 'Range') return false;
  const [start, limit, delta] = axes.inputs;
  return limit.op.type === 'Rank' && limit.op.inputs[0] === ctx.inputs[0] &&
    constantValue(start)?.data[0] === 0 && constantValue(delta)?.data[0] === 1;
}

interface ReduceDef {
  type: string;
  kind: ReduceKind;
  init: number;
  step: (acc: number, v: number) => number;
  /** The step for integers of at most 32 bits: wraps around like TF's int arithmetic (exact where float64 would round). */
  intStep?: (acc: number, v: number) => number;
  finish?: (acc: number, count: number) => number;
  allowed?: readonly DType[];
  grad?: OpSpec['grad'];
}

function reduceSpec(d: ReduceDef): OpSpec {
  return {
    type: d.type,
    infer: (ctx) => {
      requireDType(ctx, 0, d.allowed ?? NUMERIC, d.type);
      return reduceInfer(ctx);
    },
    grad: d.grad,
    lower: (ctx, op) => {
      const axesV = ctx.constantValue(1);
      if (!axesV) throw new NotLowerable(`${op.name}: reduction axes are only known at run time`);
      const x = ctx.inputs[0];
      const axes = normAxes(intList(axesV), x.shape.length, `${op.type} '${op.name}'`);
      return [ctx.reduce(d.kind, x, axes, op.attrs.keep_dims === true)];
    },
    reference: ([x, axesV], { op }) => {
      const axes = normAxes(intList(axesV), x.rank, `${op.type} '${op.name}'`);
      // why: int64 sums and products are exact up to ±(2^53 - 1) and fail beyond, never round.
      const step = d.intStep && isInt32Family(x.dtype) ? d.intStep : x.dtype === 'int64' ? (a: number, v: number) => int64Value(d.step(a, v)) : d.step;
      return [reduce(x, axes, op.attrs.keep_dims === true, x.dtype, d.init, step, d.finish)];
    },
  };
}

const wrapAdd = (a: number, v: number) => (a + v) | 0;

/** dy of a reduction, reshaped to keep-dims form and broadcast back to x's shape. */
function spreadGrad(op: { inputs: readonly Tensor[] }, dy: Tensor): Tensor {
  const [x, axes] = op.inputs;
  const kept = reducedShape(shape(x), axes);
  return broadcastTo(reshape(dy, kept), shape(x));
}

export const Sum = reduceSpec({
  type: 'Sum', kind: 'sum', init: 0, step: (a, v) => a + v, intStep: wrapAdd,
  grad: (op, [dy]) => [spreadGrad(op, dy!), null],
});

export const Mean = reduceSpec({
  type: 'Mean', kind: 'mean', init: 0, step: (a, v) => a + v, intStep: wrapAdd, finish: (a, n) => a / n,
  grad: (op, [dy]) => {
    const x = op.inputs[0];
    const spread = spreadGrad(op, dy!);
    // count = size(x) / size(y), in dy's dtype
    const count = cast(divide(cast(size(x), 'float64'), cast(size(op.outputs[0]), 'float64')), dy!.dtype);
    return [divide(spread, count), null];
  },
});

function extremumGrad(op: { inputs: readonly Tensor[]; outputs: readonly Tensor[] }, dy: Tensor): Tensor {
  // TF1: the grad goes to every position holding the extremum, split evenly among ties.
  const [x] = op.inputs;
  const y = spreadGrad(op, op.outputs[0]);
  const indicators = cast(equal(y, x), x.dtype);
  const numSelected = spreadGrad(op, reduceSum(indicators, axesOf(op), false));
  return divide(multiply(indicators, spreadGrad(op, dy)), numSelected);
}

function axesOf(op: { inputs: readonly Tensor[] }): Tensor {
  return op.inputs[1];
}

export const Max = reduceSpec({ type: 'Max', kind: 'max', init: -Infinity, step: (a, v) => (Number.isNaN(v) || v > a ? v : a), grad: (op, [dy]) => [extremumGrad(op, dy!), null] });
export const Min = reduceSpec({ type: 'Min', kind: 'min', init: Infinity, step: (a, v) => (Number.isNaN(v) || v < a ? v : a), grad: (op, [dy]) => [extremumGrad(op, dy!), null] });
export const Prod = reduceSpec({
  type: 'Prod', kind: 'prod', init: 1, step: (a, v) => a * v, intStep: Math.imul,
  grad: (op, [dy]) => [prodGrad(op, spreadGrad(op, dy!)), null],
});

/** The keep-dims shape of a reduction: x's shape with 1 at the reduced axes (internal). */
export const ReducedShape: OpSpec = {
  type: 'ReducedShape',
  infer: ({ inputs }) => [{ dtype: 'int32', shape: inputs[0].shape }],
  constant: (op) => {
    const s = op.inputs[0].op.spec.constant?.(op.inputs[0].op);
    const a = op.inputs[1].op.spec.constant?.(op.inputs[1].op);
    return s && a ? reducedShapeArray(s, a) : undefined;
  },
  reference: ([s, a]) => [reducedShapeArray(s, a)],
};

function reducedShapeArray(s: NDArray, a: NDArray): NDArray {
  const dims = intList(s);
  const axes = normAxes(intList(a), dims.length, 'ReducedShape');
  return new NDArray(Int32Array.from(dims.map((d, i) => (axes.includes(i) ? 1 : d))), [dims.length], 'int32');
}

function reducedShape(inputShape: Tensor, axes: Tensor): Tensor {
  return out(createOp(ReducedShape, [inputShape, axes], {}, 'ReducedShape'));
}

/** ArgMax / ArgMin: the index of the extreme value along one axis (first on ties; NaN counts as extreme). */
function argSpec(type: 'ArgMax' | 'ArgMin', kind: 'argmax' | 'argmin', better: (v: number, best: number) => boolean): OpSpec {
  const axisOf = (axisV: NDArray, x: { shape: readonly number[] }, op: { name: string }) => {
    const [axis] = normAxes(intList(axisV), x.shape.length, `${type} '${op.name}'`);
    if (x.shape[axis] === 0) throw new InvalidArgumentError(`${type} '${op.name}': Reduction axis ${axis} is empty in shape [${x.shape.join(',')}]`);
    return axis;
  };
  return {
    type,
    lower: (ctx, op) => {
      const axisV = ctx.constantValue(1);
      if (!axisV) throw new NotLowerable(`${op.name}: ${kind} axis is only known at run time`);
      const x = ctx.inputs[0];
      return [ctx.cast(ctx.reduce(kind, x, [axisOf(axisV, x, op)], false), op.attrs.output_type as DType)];
    },
    infer: (ctx) => {
      requireDType(ctx, 0, NUMERIC, type);
      const axis = ctx.inputs[1];
      if (!isInt(axis.dtype) || (axis.shape !== null && axis.shape.length !== 0)) {
        throw new InvalidArgumentError(`${type} '${ctx.name}': axis ${axis} must be an integer scalar, got ${axis.dtype} of shape ${JSON.stringify(axis.shape)}.`);
      }
      return reduceInfer({ ...ctx, attrs: { keep_dims: false } }, ctx.attrs.output_type as DType);
    },
    reference: ([x, axisV], { op }) => {
      const axis = axisOf(axisV, x, op);
      const outer = x.shape.slice(0, axis).reduce((a, b) => a * b, 1);
      const n = x.shape[axis];
      const inner = x.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      const dtype = op.attrs.output_type as DType;
      const res = allocate(dtype, outer * inner);
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          let best = 0, bv = x.data[o * n * inner + i];
          for (let k = 1; k < n; k++) {
            const v = x.data[(o * n + k) * inner + i];
            if (better(v, bv) || (Number.isNaN(v) && !Number.isNaN(bv))) { bv = v; best = k; }
          }
          res[o * inner + i] = best;
        }
      }
      return [new NDArray(res, x.shape.filter((_, i) => i !== axis), dtype)];
    },
  };
}

export const ArgMax = argSpec('ArgMax', 'argmax', (v, b) => v > b);
export const ArgMin = argSpec('ArgMin', 'argmin', (v, b) => v < b);

/** All / Any: logical and / or over axes of a bool tensor (empty: true / false). */
export const All = reduceSpec({ type: 'All', kind: 'all', init: 1, step: (a, v) => (a && v ? 1 : 0), allowed: ['bool'] });
export const Any = reduceSpec({ type: 'Any', kind: 'any', init: 0, step: (a, v) => (a || v ? 1 : 0), allowed: ['bool'] });

type Axis = number | readonly number[] | Tensor | null | undefined;

/** All axes of x: a Const when the rank is known, else range(0, rank(x)) (TF1's _ReductionDims). */
function allAxes(x: Tensor): Tensor {
  if (x.shape !== null) return convertToTensor(Array.from({ length: x.shape.length }, (_, i) => i), { dtype: 'int32', name: 'Const' });
  return range(0, rank(x), 1);
}

// why: TF1 names given axes `Sum/reduction_indices` and builds the all-axes Const before the op's
// scope (`Const`, then `Sum`).
function reduceOp(spec: OpSpec, x: TensorLike, axis: Axis, keepDims: boolean, name: string): Tensor {
  return atomically(() => reduceSteps(spec, x, axis, keepDims, name));
}

function reduceSteps(spec: OpSpec, x: TensorLike, axis: Axis, keepDims: boolean, name: string): Tensor {
  const all = axis === null || axis === undefined;
  const early = x instanceof Tensor || isTensorLikeObject(x) ? convertToTensor(x) : undefined;
  const earlyAxes = all && early ? allAxes(early) : undefined;
  return nameScope(name, (scope) => {
    const t = early ?? convertToTensor(x, { name: 'input' });
    const axes = earlyAxes ?? (all ? allAxes(t) : convertToTensor(axis as TensorLike, { dtype: 'int32', name: 'reduction_indices' }));
    return out(createOp(spec, [t, axes], { keep_dims: keepDims }, scope));
  });
}

/** The options of the reductions (TF1's keywords; `reductionIndices` is TF1's older name of axis). */
export interface ReduceOptions {
  axis?: Axis;
  keepDims?: boolean;
  name?: string;
  /** TF1's older names of axis and keepDims. */
  reductionIndices?: Axis;
  keepdims?: boolean;
}
const REDUCE_ARGS: ArgSpec<Pick<ReduceOptions, 'axis' | 'keepDims' | 'name'>> = {
  positional: ['axis', 'keepDims', 'name'],
  kinds: { axis: 'value', keepDims: 'boolean', name: 'string' },
  aliases: { reductionIndices: 'axis', keepdims: 'keepDims' },
};
/** `(x, axis?, keepDims?, name?)` as TF1, or options in place of any trailing part. */
export type ReduceArgs = OptArgs<[axis: Axis, keepDims: boolean, name: string], ReduceOptions>;

function reduction(spec: OpSpec, fn: string, x: TensorLike, args: ReduceArgs): Tensor {
  const o = opArgs(fn, args, REDUCE_ARGS);
  return reduceOp(spec, x, o.axis, o.keepDims ?? false, o.name ?? spec.type);
}

/** Sum over `axis` (all axes when omitted) (TF1 tf.reduce_sum). */
export function reduceSum(x: TensorLike, ...args: ReduceArgs): Tensor { return reduction(Sum, 'tf.reduceSum', x, args); }
/** Mean over `axis` (all axes when omitted) (TF1 tf.reduce_mean). */
export function reduceMean(x: TensorLike, ...args: ReduceArgs): Tensor { return reduction(Mean, 'tf.reduceMean', x, args); }
export function reduceMax(x: TensorLike, ...args: ReduceArgs): Tensor { return reduction(Max, 'tf.reduceMax', x, args); }
export function reduceMin(x: TensorLike, ...args: ReduceArgs): Tensor { return reduction(Min, 'tf.reduceMin', x, args); }
export function reduceProd(x: TensorLike, ...args: ReduceArgs): Tensor { return reduction(Prod, 'tf.reduceProd', x, args); }

export function reduceAll(x: TensorLike, ...args: ReduceArgs): Tensor { return reduction(All, 'tf.reduceAll', x, args); }
export function reduceAny(x: TensorLike, ...args: ReduceArgs): Tensor { return reduction(Any, 'tf.reduceAny', x, args); }

/** The options of argmax/argmin: TF1's `(input, axis, name, dimension, output_type)`. */
export interface ArgOptions {
  axis?: number | Tensor;
  name?: string;
  /** TF1's older name of axis. */
  dimension?: number | Tensor;
  /** int64 (TF1's default) or int32. */
  outputType?: DTypeLike;
}
const ARG_ARGS: ArgSpec<ArgOptions> = {
  positional: ['axis', 'name', 'dimension', 'outputType'],
  kinds: { axis: 'value', name: 'string', dimension: 'value', outputType: 'dtype' },
};
export type ArgArgs = OptArgs<[axis: number | Tensor, name: string, dimension: number | Tensor, outputType: DTypeLike], ArgOptions>;

function argReduction(spec: OpSpec, fn: string, x: TensorLike, args: ArgArgs): Tensor {
  const o = opArgs(fn, args, ARG_ARGS);
  if (o.axis !== undefined && o.dimension !== undefined) throw new InvalidArgumentError(`${fn}: give axis or its older name dimension, not both.`);
  const outputType = (o.outputType ?? 'int64') as DType;
  if (outputType !== 'int64' && outputType !== 'int32') throw new InvalidArgumentError(`${fn}: outputType must be int64 or int32, got ${outputType}.`);
  return nameScope(o.name ?? spec.type, (scope) => {
    const t = convertToTensor(x, { name: 'input' });
    const axis = convertToTensor((o.axis ?? o.dimension ?? 0) as TensorLike, { dtype: 'int32', name: 'dimension', what: `${fn} axis` });
    return out(createOp(spec, [t, axis], { output_type: outputType }, scope));
  });
}

/**
 * Index of the largest value along `axis` (default 0), int64 unless outputType says int32 (TF1
 * tf.argmax(input, axis, name, dimension, output_type)).
 * @example tf.equal(tf.argmax(y, 1), tf.argmax(labels, 1))
 */
export function argmax(x: TensorLike, ...args: ArgArgs): Tensor { return argReduction(ArgMax, 'tf.argmax', x, args); }
/** Index of the smallest value along `axis` (default 0), int64 unless outputType says int32 (TF1 tf.argmin). */
export function argmin(x: TensorLike, ...args: ArgArgs): Tensor { return argReduction(ArgMin, 'tf.argmin', x, args); }
