// Random ops: RandomStandardNormal, TruncatedNormal, RandomUniform and RandomUniformInt. Each op
// draws from its own stream in the session, seeded from the graph seed and the op seed (TF1's
// seed/seed2 attrs), so a seeded graph gives the same numbers in every new session and new
// numbers on each run of one session.
import { allocate, isFloat, isInt, type DType, type DTypeLike } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { createOp, nameScope, type Tensor } from '../graph.js';
import { intList } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { InferContext, KernelContext, OpSpec } from '../op_spec.js';
import { normalSample } from '../runtime/random.js';
import { formatDims, numElements, type Dim, type Shape } from '../shape.js';
import { convertToTensor, dtypeArg, out, type TensorLike } from './define_op.js';
import { add, multiply, subtract } from './math_binary.js';
import { opArgs, type ArgSpec, type OptArgs } from './op_args.js';
import { opSeeds } from './random_seed.js';

/** The output shape given by the int32 `shape` input: exact when constant, else only its rank. */
function shapeInfer(ctx: InferContext): Shape {
  const s = ctx.inputs[0];
  if (s.dtype !== 'int32' || (s.shape && s.shape.length !== 1)) {
    throw new InvalidArgumentError(`${ctx.name}: shape ${s} must be an int32 vector.`);
  }
  const v = ctx.constantValue(0);
  if (v) return checkDims(intList(v), ctx.name);
  return s.shape && s.shape[0] !== null ? new Array<Dim>(s.shape[0]).fill(null) : null;
}

function checkDims(dims: number[], what: string): number[] {
  if (dims.some((d) => d < 0)) {
    throw new InvalidArgumentError(`${what}: shape ${formatDims(dims)} must have non-negative dimensions.`);
  }
  return dims;
}

/** A float in [0, 1) exactly representable in `dtype` (a float32 rounding of u could reach 1). */
function uniformFloat(u: () => number, dtype: DType): number {
  return dtype === 'float32' ? Math.floor(u() * 16777216) / 16777216 : u();
}

/** A random op over a shape input: `draw` gives one element from the op's stream. */
type Draw = (u: () => number, ins: NDArray[], ctx: KernelContext) => number;

function randomSpec(type: string, dtypeAttr: string, draw: Draw): OpSpec {
  return {
    type,
    stateful: true,
    infer: (ctx) => [{ dtype: ctx.attrs[dtypeAttr] as DType, shape: shapeInfer(ctx) }],
    reference: (ins, ctx) => {
      const dims = checkDims(intList(ins[0]), `${type} '${ctx.op.name}'`);
      const dtype = ctx.op.attrs[dtypeAttr] as DType;
      const data = allocate(dtype, numElements(dims));
      const u = ctx.randomStream();
      for (let i = 0; i < data.length; i++) data[i] = draw(u, ins, ctx);
      return [new NDArray(data, dims, dtype)];
    },
  };
}

export const RandomStandardNormal = randomSpec('RandomStandardNormal', 'dtype', (u) => normalSample(u));

export const TruncatedNormal = randomSpec('TruncatedNormal', 'dtype', (u) => {
  // why: TF1 drops and re-picks samples 2 or more standard deviations away from the mean.
  let x = normalSample(u);
  while (Math.abs(x) >= 2) x = normalSample(u);
  return x;
});

export const RandomUniform = randomSpec('RandomUniform', 'dtype', (u, _, { op }) => {
  return uniformFloat(u, op.attrs.dtype as DType);
});

const baseUniformInt = randomSpec('RandomUniformInt', 'Tout', (u, [, lo, hi]) => {
  return lo.data[0] + Math.floor(u() * (hi.data[0] - lo.data[0]));
});

/** Integers uniform in [minval, maxval). */
export const RandomUniformInt: OpSpec = {
  ...baseUniformInt,
  infer: (ctx) => {
    const [lo, hi] = [ctx.constantValue(1)?.data[0], ctx.constantValue(2)?.data[0]];
    if (lo !== undefined && hi !== undefined && !(lo < hi)) {
      throw new InvalidArgumentError(`${ctx.name}: Need minval < maxval: ${lo} >= ${hi}`);
    }
    return baseUniformInt.infer(ctx);
  },
  reference: (ins, ctx) => {
    const lo = ins[1].data[0], hi = ins[2].data[0];
    if (!(lo < hi)) throw new InvalidArgumentError(`Need minval < maxval: ${lo} >= ${hi}`, ctx.op);
    return baseUniformInt.reference(ins, ctx);
  },
};

/** The options of tf.randomNormal and tf.truncatedNormal (TF1's keywords). */
export interface NormalOptions {
  /** The mean (0) and standard deviation (1). */
  mean?: TensorLike;
  stddev?: TensorLike;
  dtype?: DTypeLike;
  /** The op-level seed; with or without tf.setRandomSeed, a seed makes runs reproducible. */
  seed?: number;
  name?: string;
}

/** The options of tf.randomUniform (TF1's keywords). */
export interface UniformOptions {
  /** The range [minval, maxval), by default [0, 1); integer dtypes need maxval. */
  minval?: TensorLike;
  maxval?: TensorLike;
  dtype?: DTypeLike;
  seed?: number;
  name?: string;
}

/** Any random op's options. */
export type RandomOptions = NormalOptions & UniformOptions;

type ShapeArg = readonly number[] | Tensor | NDArray;

const NORMAL_ARGS: ArgSpec<NormalOptions> = {
  positional: ['mean', 'stddev', 'dtype', 'seed', 'name'],
  kinds: { mean: 'value', stddev: 'value', dtype: 'dtype', seed: 'int', name: 'string' },
};
const UNIFORM_ARGS: ArgSpec<UniformOptions> = {
  positional: ['minval', 'maxval', 'dtype', 'seed', 'name'],
  kinds: { minval: 'value', maxval: 'value', dtype: 'dtype', seed: 'int', name: 'string' },
};
type NormalArgs = OptArgs<[mean: TensorLike, stddev: TensorLike, dtype: DTypeLike, seed: number, name: string], NormalOptions>;
type UniformArgs = OptArgs<[minval: TensorLike, maxval: TensorLike, dtype: DTypeLike, seed: number, name: string], UniformOptions>;

function floatDType(opts: NormalOptions, fn: string): DType {
  const dtype = dtypeArg(opts.dtype, 'float32');
  if (!isFloat(dtype)) throw new InvalidArgumentError(`${fn}: dtype must be float32 or float64, got ${dtype}.`);
  return dtype;
}

/** mean + stddev * (a standard-normal-like op), built as TF1's random_normal scope is. */
function scaledNormal(spec: OpSpec, shape: ShapeArg, opts: NormalOptions, dtype: DType, scopeName: string): Tensor {
  return nameScope(opts.name ?? scopeName, (scope) => {
    const s = convertToTensor(shape as TensorLike, { dtype: 'int32', name: 'shape', what: 'shape argument' });
    const mean = convertToTensor(opts.mean ?? 0, { dtype, name: 'mean', what: 'mean' });
    const stddev = convertToTensor(opts.stddev ?? 1, { dtype, name: 'stddev', what: 'stddev' });
    const { seed, seed2 } = opSeeds(opts.seed);
    const rnd = out(createOp(spec, [s], { dtype, T: 'int32', seed, seed2 }, spec.type));
    return add(multiply(rnd, stddev, 'mul'), mean, scope);
  });
}

/**
 * Samples from a normal distribution (TF1 tf.random_normal(shape, mean, stddev, dtype, seed,
 * name)); the arguments after the shape positionally or as options. Seeded, runs are reproducible.
 * @example new tf.Variable(tf.randomNormal([784, 128], 0, 0.1))
 * @example tf.randomNormal([784, 128], {stddev: 0.1, seed: 1})
 */
export function randomNormal(shape: ShapeArg, ...args: NormalArgs): Tensor {
  const opts = opArgs('tf.randomNormal', args, NORMAL_ARGS);
  return scaledNormal(RandomStandardNormal, shape, opts, floatDType(opts, 'tf.randomNormal'), 'random_normal');
}

/**
 * Samples from a normal distribution with samples beyond 2 standard deviations re-drawn
 * (TF1 tf.truncated_normal(shape, mean, stddev, dtype, seed, name)).
 * @example tf.truncatedNormal([10, 10], 0, 0.1)   // or {stddev: 0.1}
 */
export function truncatedNormal(shape: ShapeArg, ...args: NormalArgs): Tensor {
  const opts = opArgs('tf.truncatedNormal', args, NORMAL_ARGS);
  return scaledNormal(TruncatedNormal, shape, opts, floatDType(opts, 'tf.truncatedNormal'), 'truncated_normal');
}

/**
 * Samples uniform in [minval, maxval) (TF1 tf.random_uniform(shape, minval, maxval, dtype, seed,
 * name)); integer dtypes (maxval required) give integers.
 * @example tf.randomUniform([2, 3], -1, 1)
 * @example tf.randomUniform([3], {minval: 0, maxval: 10, dtype: 'int32', seed: 7})
 */
export function randomUniform(shape: ShapeArg, ...args: UniformArgs): Tensor {
  const opts = opArgs('tf.randomUniform', args, UNIFORM_ARGS);
  const dtype = dtypeArg(opts.dtype, 'float32');
  if (dtype === 'bool') {
    throw new InvalidArgumentError('tf.randomUniform: dtype must be a float or integer type, got bool.');
  }
  if (isInt(dtype) && opts.maxval === undefined) {
    throw new InvalidArgumentError(`tf.randomUniform: Must specify maxval for integer dtype ${dtype}.`);
  }
  return nameScope(opts.name ?? 'random_uniform', (scope) => {
    const s = convertToTensor(shape as TensorLike, { dtype: 'int32', name: 'shape', what: 'shape argument' });
    const lo = convertToTensor(opts.minval ?? 0, { dtype, name: 'min', what: 'minval' });
    const hi = convertToTensor(opts.maxval ?? 1, { dtype, name: 'max', what: 'maxval' });
    const { seed, seed2 } = opSeeds(opts.seed);
    if (isInt(dtype)) {
      return out(createOp(RandomUniformInt, [s, lo, hi], { Tout: dtype, T: 'int32', seed, seed2 }, scope));
    }
    const rnd = out(createOp(RandomUniform, [s], { dtype, T: 'int32', seed, seed2 }, 'RandomUniform'));
    return add(multiply(rnd, subtract(hi, lo, 'sub'), 'mul'), lo, scope);
  });
}
