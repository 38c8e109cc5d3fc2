// Statistics and normalisation of tf.nn: moments, batchNormalization, l2Normalize (composites
// built as TF1's nn_impl builds them, so they fuse and differentiate through their parts) and
// the L2Loss op, sum(x²) / 2; zeroFraction; local response normalisation.
import { allocate, castScalar } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { createOp, nameScope, type Tensor } from '../graph.js';
import { reduce } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { OpSpec } from '../op_spec.js';
import { cast, reshape, shape, stopGradient } from './array.js';
import { constantOp, convertToTensor, FLOATS, out, requireDType, type TensorLike } from './define_op.js';
import { add, divide, equal, maximum, multiply, pow, squaredDifference, subtract } from './math_binary.js';
import { matmul } from './matmul.js';
import { negative, rsqrt, square } from './math_unary.js';
import { squeeze } from './movement.js';
import { opArgs, type ArgSpec, type OptArgs } from './op_args.js';
import { reduceMean, reduceSum } from './reduce.js';

export const L2Loss: OpSpec = {
  type: 'L2Loss',
  infer: (ctx) => {
    requireDType(ctx, 0, FLOATS, 'L2Loss');
    return [{ dtype: ctx.inputs[0].dtype, shape: [] }];
  },
  grad: (op, [dy]) => [multiply(op.inputs[0], dy!, 'mul')],
  // As TF's kernel: (x² · 0.5) summed.
  lower: (ctx) => {
    const x = ctx.inputs[0];
    const half = ctx.constant(new NDArray(allocate(x.dtype, 1).fill(0.5), [], x.dtype));
    return [ctx.reduce('sum', ctx.binary('mul', ctx.binary('mul', x, x), half), x.shape.map((_, i) => i), false)];
  },
  reference: ([x]) => {
    const r = (v: number) => castScalar(v, x.dtype);
    return [reduce(x, x.shape.map((_, i) => i), false, x.dtype, 0, (a, v) => a + r(r(v * v) * 0.5))];
  },
};

/** sum(t²) / 2, a scalar (TF1 tf.nn.l2_loss). @example tf.multiply(1e-4, tf.nn.l2Loss(w)) */
export function l2Loss(t: TensorLike, name?: string): Tensor {
  return nameScope(name ?? 'L2Loss', (scope) => {
    const x = convertToTensor(t, { name: 't' });
    return out(createOp(L2Loss, [x], { T: x.dtype }, scope));
  });
}

type Axes = number | readonly number[];

export interface MomentsOptions { shift?: TensorLike; name?: string; keepDims?: boolean }
const MOMENTS_ARGS: ArgSpec<MomentsOptions> = {
  positional: ['shift', 'name', 'keepDims'],
  kinds: { shift: 'value', name: 'string', keepDims: 'boolean' },
  aliases: { keepdims: 'keepDims' },
};

function axesList(axes: Axes, fn: string): number[] {
  const list = typeof axes === 'number' ? [axes] : [...axes];
  if (!Array.isArray(axes) && typeof axes !== 'number' || list.some((a) => !Number.isInteger(a))) {
    throw new InvalidArgumentError(`${fn}: axes must be an integer or a list of integers, got ${JSON.stringify(axes)}.`);
  }
  return list;
}

/**
 * Mean and variance of x over `axes` (TF1 tf.nn.moments): [mean, variance], the axes removed
 * unless keepDims. The variance is the mean squared difference from the (gradient-stopped) mean.
 * @example const [mean, variance] = tf.nn.moments(x, [0, 1, 2])
 */
export function moments(x: TensorLike, axes: Axes, ...args: OptArgs<[shift: TensorLike, name: string, keepDims: boolean], MomentsOptions>): [Tensor, Tensor] {
  const o = opArgs('tf.nn.moments', args, MOMENTS_ARGS);
  const list = axesList(axes, 'tf.nn.moments');
  return nameScope(o.name ?? 'moments', () => {
    const y = convertToTensor(x, { name: 'x' });
    if (!FLOATS.includes(y.dtype)) throw new InvalidArgumentError(`tf.nn.moments: x ${y} must be float32 or float64, not ${y.dtype}.`);
    const mean = reduceMean(y, list, true, 'mean');
    const variance = reduceMean(squaredDifference(y, stopGradient(mean)), list, true, 'variance');
    if (o.keepDims) return [mean, variance];
    return [squeeze(mean, list), squeeze(variance, list)];
  });
}

/**
 * (x − mean) · scale / sqrt(variance + varianceEpsilon) + offset, with broadcasting; offset and
 * scale may be null (TF1 tf.nn.batch_normalization).
 * @example tf.nn.batchNormalization(x, mean, variance, beta, gamma, 1e-3)
 */
export function batchNormalization(x: TensorLike, mean: TensorLike, variance: TensorLike, offset: TensorLike | null | undefined,
  scale: TensorLike | null | undefined, varianceEpsilon: number, name?: string): Tensor {
  if (typeof varianceEpsilon !== 'number' || !(varianceEpsilon >= 0)) {
    throw new InvalidArgumentError(`tf.nn.batchNormalization: varianceEpsilon must be a non-negative number, got ${String(varianceEpsilon)}.`);
  }
  return nameScope(name ?? 'batchnorm', () => {
    const t = convertToTensor(x, { name: 'x' });
    const as = (v: TensorLike, n: string) => convertToTensor(v, { name: n, dtype: t.dtype, what: `tf.nn.batchNormalization ${n}` });
    // why: TF1's operator forms, in its evaluation order, give its names (the result is batchnorm/add_1).
    let inv = rsqrt(add(as(variance, 'variance'), varianceEpsilon, 'add'));
    if (scale !== null && scale !== undefined) inv = multiply(inv, as(scale, 'scale'), 'mul');
    const m = as(mean, 'mean');
    const scaled = multiply(t, inv, 'mul');
    const shift = offset !== null && offset !== undefined ? subtract(as(offset, 'offset'), multiply(m, inv, 'mul'), 'sub') : negative(multiply(m, inv, 'mul'), 'neg');
    return add(scaled, shift, 'add');
  });
}

export interface L2NormalizeOptions { axis?: Axes; epsilon?: number; name?: string; dim?: Axes }
const L2N_ARGS: ArgSpec<Omit<L2NormalizeOptions, 'dim'>> = {
  positional: ['axis', 'epsilon', 'name'],
  kinds: { axis: 'value', epsilon: 'number', name: 'string' },
  aliases: { dim: 'axis' },
};

/**
 * x / sqrt(max(sum(x², axis), epsilon)) (TF1 tf.nn.l2_normalize; all axes when axis is omitted).
 * @example tf.nn.l2Normalize(embeddings, 1)
 */
export function l2Normalize(x: TensorLike, ...args: OptArgs<[axis: Axes, epsilon: number, name: string], L2NormalizeOptions>): Tensor {
  const o = opArgs('tf.nn.l2Normalize', args, L2N_ARGS);
  return nameScope(o.name ?? 'l2_normalize', (scope) => {
    const t = convertToTensor(x, { name: 'x' });
    const axes = o.axis === undefined ? undefined : axesList(o.axis as Axes, 'tf.nn.l2Normalize');
    const squareSum = axes === undefined ? reduceSum(square(t), { keepDims: true }) : reduceSum(square(t), axes, true);
    const invNorm = rsqrt(maximum(squareSum, o.epsilon ?? 1e-12));
    return multiply(t, invNorm, scope);
  });
}

/** The fraction of zero elements of `value`, as float32 (TF1 tf.nn.zero_fraction, for summaries of relu outputs). */
export function zeroFraction(value: TensorLike, name?: string): Tensor {
  return nameScope(name ?? 'zero_fraction', () => {
    const v = convertToTensor(value, { name: 'value' });
    const zero = convertToTensor(0, { dtype: v.dtype, name: 'zero' });
    return reduceMean(cast(equal(v, zero), 'float32'));
  });
}

export interface LrnOptions { depthRadius?: number; bias?: number; alpha?: number; beta?: number; name?: string }
const LRN_ARGS: ArgSpec<LrnOptions> = {
  positional: ['depthRadius', 'bias', 'alpha', 'beta', 'name'],
  kinds: { depthRadius: 'int', bias: 'number', alpha: 'number', beta: 'number', name: 'string' },
};

/**
 * Local response normalisation across channels (TF1 tf.nn.local_response_normalization / lrn):
 * x / (bias + alpha · Σ x²)^beta, the sum over the channels within depthRadius of each one.
 * The windowed sum is one matmul with a band matrix, so it compiles, fuses and differentiates
 * through existing ops. @example tf.nn.lrn(h, 4, 1, 0.001 / 9, 0.75)
 */
export function localResponseNormalization(input: TensorLike,
  ...args: OptArgs<[depthRadius: number, bias: number, alpha: number, beta: number, name: string], LrnOptions>): Tensor {
  const fn = 'tf.nn.localResponseNormalization';
  const o = opArgs(fn, args, LRN_ARGS);
  const r = o.depthRadius ?? 5;
  if (r < 0) throw new InvalidArgumentError(`${fn}: depthRadius must be non-negative, got ${r}.`);
  return nameScope(o.name ?? 'LRN', (scope) => {
    const x = convertToTensor(input, { name: 'input' });
    if (!FLOATS.includes(x.dtype)) throw new InvalidArgumentError(`${fn}: input ${x} must be float32 or float64, not ${x.dtype}.`);
    if (x.shape !== null && x.shape.length !== 4) throw new InvalidArgumentError(`${fn}: input ${x} must be 4-D [batch, height, width, channels].`);
    const c = x.shape?.[3] ?? null;
    if (c === null) throw new InvalidArgumentError(`${fn}: input ${x} needs a known number of channels (its last dimension).`);
    const band = allocate(x.dtype, c * c);
    for (let i = 0; i < c; i++) for (let j = Math.max(0, i - r); j <= Math.min(c - 1, i + r); j++) band[i * c + j] = 1;
    const sqrSum = reshape(matmul(reshape(square(x), [-1, c]), constantOp(new NDArray(band, [c, c], x.dtype), 'band')), shape(x));
    const scale = pow(add(multiply(sqrSum, o.alpha ?? 1, 'mul'), o.bias ?? 1, 'add'), o.beta ?? 0.5, 'pow');
    return divide(x, scale, scope);
  });
}
