// TF1's variable initializers (tf.zeros_initializer() …): each is a function of the variable's
// shape and dtype that builds the initial-value ops, named as TF1 names them
// (`w/Initializer/zeros`, `w/Initializer/random_uniform`). tf.getVariable calls them.
import { checkDType, isFloat, type DType } from './dtypes.js';
import { InvalidArgumentError } from './errors.js';
import type { Tensor } from './graph.js';
import { constant } from './ops/sources.js';
import { ones, zeros } from './ops/array.js';
import { randomNormal, randomUniform, truncatedNormal } from './ops/random.js';
import { numElements } from './shape.js';
import { opArgs, type ArgSpec, type OptArgs } from './ops/op_args.js';

/** An initializer: builds the initial value of a variable of this shape (and dtype). */
export type Initializer = (shape: readonly number[], dtype?: DType) => Tensor;

interface SeededOptions {
  seed?: number;
  dtype?: DType;
}

function floatDType(d: DType | undefined, fallback: DType | undefined, what: string): DType {
  const dtype = checkDType(d ?? fallback ?? 'float32', `${what} dtype`);
  if (!isFloat(dtype)) throw new InvalidArgumentError(`${what}: expected a float dtype, got ${dtype}.`);
  return dtype;
}

/** Zeros (TF1 tf.zeros_initializer). */
export function zerosInitializer(opts: { dtype?: DType } = {}): Initializer {
  return (shape, dtype) => zeros([...shape], checkDType(dtype ?? opts.dtype ?? 'float32'));
}

/** Ones (TF1 tf.ones_initializer). */
export function onesInitializer(opts: { dtype?: DType } = {}): Initializer {
  return (shape, dtype) => ones([...shape], checkDType(dtype ?? opts.dtype ?? 'float32'));
}

/**
 * A constant (TF1 tf.constant_initializer): a scalar fills the shape; a list of up to the shape's
 * element count fills it in order, the last element repeated (as TF1 does without verify_shape).
 * @example tf.getVariable('b', [10], {initializer: tf.constantInitializer(0.1)})
 */
export function constantInitializer(value: number | boolean | readonly unknown[] = 0, opts: { dtype?: DType } = {}): Initializer {
  return (shape, dtype) => {
    const d = checkDType(dtype ?? opts.dtype ?? 'float32');
    if (!Array.isArray(value)) return constant(value as number | boolean, { dtype: d, shape: [...shape] });
    const flat = (value as unknown[]).flat(Infinity) as number[];
    const n = numElements(shape);
    if (flat.length > n) {
      throw new InvalidArgumentError(`tf.constantInitializer: Too many elements provided. Needed at most ${n}, but received ${flat.length} (shape [${shape.join(',')}]).`);
    }
    if (flat.length === 0 && n > 0) throw new InvalidArgumentError(`tf.constantInitializer: no value given for shape [${shape.join(',')}].`);
    const filled = Array.from({ length: n }, (_, i) => flat[Math.min(i, flat.length - 1)]);
    return constant(filled, { dtype: d, shape: [...shape] });
  };
}

interface NormalOptions extends SeededOptions { mean?: number; stddev?: number }
const NORMAL_ARGS: ArgSpec<NormalOptions> = {
  positional: ['mean', 'stddev', 'seed', 'dtype'], kinds: { mean: 'number', stddev: 'number', seed: 'int', dtype: 'dtype' },
};
type NormalArgs = OptArgs<[mean: number, stddev: number, seed: number, dtype: DType], NormalOptions>;

/**
 * Normal samples (TF1 tf.random_normal_initializer(mean=0.0, stddev=1.0, seed=None, dtype)).
 * @example tf.randomNormalInitializer({stddev: 0.02})
 */
export function randomNormalInitializer(...args: NormalArgs): Initializer {
  const o = opArgs('tf.randomNormalInitializer', args, NORMAL_ARGS);
  return (shape, dtype) => randomNormal([...shape], { mean: o.mean ?? 0, stddev: o.stddev ?? 1, seed: o.seed, dtype: floatDType(dtype, o.dtype, 'tf.randomNormalInitializer') });
}

/**
 * Normal samples re-drawn beyond two standard deviations (TF1 tf.truncated_normal_initializer).
 * @example tf.getVariable('w', [784, 10], {initializer: tf.truncatedNormalInitializer({stddev: 0.1})})
 */
export function truncatedNormalInitializer(...args: NormalArgs): Initializer {
  const o = opArgs('tf.truncatedNormalInitializer', args, NORMAL_ARGS);
  return (shape, dtype) => truncatedNormal([...shape], { mean: o.mean ?? 0, stddev: o.stddev ?? 1, seed: o.seed, dtype: floatDType(dtype, o.dtype, 'tf.truncatedNormalInitializer') });
}

interface UniformOptions extends SeededOptions { minval?: number; maxval?: number }
const UNIFORM_ARGS: ArgSpec<UniformOptions> = {
  positional: ['minval', 'maxval', 'seed', 'dtype'], kinds: { minval: 'number', maxval: 'number', seed: 'int', dtype: 'dtype' },
};

/** Uniform samples in [minval, maxval) (TF1 tf.random_uniform_initializer(minval=0, maxval=1 for floats)). */
export function randomUniformInitializer(...args: OptArgs<[minval: number, maxval: number, seed: number, dtype: DType], UniformOptions>): Initializer {
  const o = opArgs('tf.randomUniformInitializer', args, UNIFORM_ARGS);
  return (shape, dtype) => randomUniform([...shape], { minval: o.minval ?? 0, maxval: o.maxval ?? 1, seed: o.seed, dtype: floatDType(dtype, o.dtype, 'tf.randomUniformInitializer') });
}

/** TF1's _compute_fans: [fanIn, fanOut] of a weight shape (conv kernels count their receptive field). */
export function computeFans(shape: readonly number[]): [number, number] {
  if (shape.length < 1) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  if (shape.length === 2) return [shape[0], shape[1]];
  const receptive = numElements(shape.slice(0, -2));
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

export interface VarianceScalingOptions extends SeededOptions {
  scale?: number;
  mode?: 'fan_in' | 'fan_out' | 'fan_avg';
  distribution?: 'truncated_normal' | 'normal' | 'untruncated_normal' | 'uniform';
}

const VS_ARGS: ArgSpec<VarianceScalingOptions> = {
  positional: ['scale', 'mode', 'distribution', 'seed', 'dtype'],
  kinds: { scale: 'number', mode: 'string', distribution: 'string', seed: 'int', dtype: 'dtype' },
};
const SEEDED_ARGS: ArgSpec<SeededOptions> = { positional: ['seed', 'dtype'], kinds: { seed: 'int', dtype: 'dtype' } };
type SeededArgs = OptArgs<[seed: number, dtype: DType], SeededOptions>;

/**
 * Samples scaled to the weight's fans (TF1 tf.variance_scaling_initializer): with n the fan of
 * `mode`, uniform in ±√(3·scale/n), or a truncated normal of stddev √(scale/n)/0.8796… (the
 * stddev of a unit normal truncated at ±2, so the samples keep variance scale/n).
 */
export function varianceScalingInitializer(...args: OptArgs<[scale: number, mode: VarianceScalingOptions['mode'], distribution: VarianceScalingOptions['distribution'], seed: number, dtype: DType], VarianceScalingOptions>): Initializer {
  const opts = opArgs('tf.varianceScalingInitializer', args, VS_ARGS);
  const scale = opts.scale ?? 1, mode = opts.mode ?? 'fan_in', distribution = opts.distribution ?? 'truncated_normal';
  if (!(scale > 0)) throw new InvalidArgumentError(`tf.varianceScalingInitializer: scale must be a positive float, got ${scale}.`);
  if (!['fan_in', 'fan_out', 'fan_avg'].includes(mode)) throw new InvalidArgumentError(`tf.varianceScalingInitializer: invalid mode '${mode}'; use 'fan_in', 'fan_out' or 'fan_avg'.`);
  if (!['truncated_normal', 'normal', 'untruncated_normal', 'uniform'].includes(distribution)) {
    throw new InvalidArgumentError(`tf.varianceScalingInitializer: invalid distribution '${distribution}'; use 'truncated_normal', 'untruncated_normal' or 'uniform'.`);
  }
  return (shape, dtype) => {
    const d = floatDType(dtype, opts.dtype, 'tf.varianceScalingInitializer');
    const [fanIn, fanOut] = computeFans(shape);
    const n = Math.max(1, mode === 'fan_in' ? fanIn : mode === 'fan_out' ? fanOut : (fanIn + fanOut) / 2);
    const s = scale / n;
    if (distribution === 'uniform') {
      const limit = Math.sqrt(3 * s);
      return randomUniform([...shape], { minval: -limit, maxval: limit, seed: opts.seed, dtype: d });
    }
    if (distribution === 'untruncated_normal') return randomNormal([...shape], { mean: 0, stddev: Math.sqrt(s), seed: opts.seed, dtype: d });
    return truncatedNormal([...shape], { mean: 0, stddev: Math.sqrt(s) / 0.87962566103423978, seed: opts.seed, dtype: d });
  };
}

/**
 * Glorot/Xavier uniform (TF1 tf.glorot_uniform_initializer, the default of tf.getVariable):
 * uniform in ±√(6 / (fanIn + fanOut)).
 */
export function glorotUniformInitializer(...args: SeededArgs): Initializer {
  const o = opArgs('tf.glorotUniformInitializer', args, SEEDED_ARGS);
  return varianceScalingInitializer({ ...o, scale: 1, mode: 'fan_avg', distribution: 'uniform' });
}

/** Glorot normal (TF1 tf.glorot_normal_initializer): truncated normal of stddev √(2 / (fanIn + fanOut)). */
export function glorotNormalInitializer(...args: SeededArgs): Initializer {
  const o = opArgs('tf.glorotNormalInitializer', args, SEEDED_ARGS);
  return varianceScalingInitializer({ ...o, scale: 1, mode: 'fan_avg', distribution: 'truncated_normal' });
}
