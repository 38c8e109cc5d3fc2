// TF1's learning-rate schedules (tf.train.exponential_decay, …): ops of the global step, built
// as TF1 builds them (the step cast to the rate's dtype, one name scope per schedule), so a
// schedule is a tensor to pass as an optimizer's learning rate.
import { isFloat } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { nameScope, Tensor } from '../graph.js';
import { cast, where } from '../ops/array.js';
import { checkExactForDType, convertToTensor, type TensorLike } from '../ops/define_op.js';
import { add, divide, equal, lessEqual, minimum, multiply, pow, subtract } from '../ops/math_binary.js';
import { cos, exp, floor, negative } from '../ops/math_unary.js';
import type { Variable } from '../variables.js';
import { opArgs, type ArgSpec, type OptArgs } from '../ops/op_args.js';
import { stepTensor } from './global_step.js';

type Step = Variable | Tensor | number;

export interface DecayOptions {
  /** Floor the exponent: decay in discrete steps of decaySteps. */
  staircase?: boolean;
  name?: string;
}
const DECAY_ARGS: ArgSpec<DecayOptions> = { positional: ['staircase', 'name'], kinds: { staircase: 'boolean', name: 'string' } };
/** `(…, staircase?, name?)` as TF1, or an options object in their place. */
export type DecayArgs = OptArgs<[staircase: boolean, name: string], DecayOptions>;

/** The learning rate as a float tensor named `learning_rate`, and the step cast to its dtype. */
function rateAndStep(learningRate: TensorLike, globalStep: Step | null | undefined, fn: string): [Tensor, Tensor] {
  const step = stepTensor(globalStep, fn);
  const lr = convertToTensor(learningRate, { name: 'learning_rate' });
  if (!isFloat(lr.dtype)) throw new InvalidArgumentError(`${fn}: the learning rate must be a float, got ${lr}.`);
  return [lr, castTo(step, lr, 'global_step')];
}

function castTo(v: TensorLike, like: Tensor, what: string): Tensor {
  const t = v instanceof Tensor ? v : convertToTensor(v, { dtype: typeof v === 'number' ? like.dtype : undefined, what });
  return t.dtype === like.dtype ? t : cast(t, like.dtype);
}

function positive(v: TensorLike, what: string, fn: string): void {
  if (typeof v === 'number' && !(v > 0)) throw new InvalidArgumentError(`${fn}: ${what} must be positive, got ${v}.`);
}

/** globalStep / decaySteps, floored with `staircase` (the exponent of the step-based schedules). */
function progress(step: Tensor, decaySteps: TensorLike, lr: Tensor, staircase: boolean): Tensor {
  const p = divide(step, castTo(decaySteps, lr, 'decaySteps'));
  return staircase ? floor(p) : p;
}

/**
 * The frame the rate-based schedules share: options checked, one name scope, the learning rate,
 * then `decay` of it, decayRate in its dtype and the progress globalStep / decaySteps.
 */
function rateSchedule(api: string, fn: string, scopeName: string, learningRate: TensorLike, globalStep: Step, decaySteps: TensorLike,
  decayRate: TensorLike, args: DecayArgs, decay: (lr: Tensor, rate: Tensor, p: Tensor, scope: string) => Tensor): Tensor {
  const { staircase = false, name } = opArgs(`tf.train.${api}`, args, DECAY_ARGS);
  positive(decaySteps, 'decaySteps', fn);
  return nameScope(name ?? scopeName, (scope) => {
    const [lr, step] = rateAndStep(learningRate, globalStep, fn);
    // why: decayRate's cast is built before the progress ops, as TF1 orders them (op names depend on it).
    const rate = castTo(decayRate, lr, 'decayRate');
    return decay(lr, rate, progress(step, decaySteps, lr, staircase), scope);
  });
}

/**
 * learningRate · decayRate^(globalStep / decaySteps), the exponent floored with `staircase`
 * (TF1 tf.train.exponential_decay).
 * @example const lr = tf.train.exponentialDecay(0.1, step, 1000, 0.96, true)
 */
export function exponentialDecay(learningRate: TensorLike, globalStep: Step, decaySteps: TensorLike, decayRate: TensorLike, ...args: DecayArgs): Tensor {
  return rateSchedule('exponentialDecay', 'exponential_decay', 'ExponentialDecay', learningRate, globalStep, decaySteps, decayRate, args,
    (lr, rate, p, scope) => multiply(lr, pow(rate, p), scope));
}

/** learningRate / (1 + decayRate · globalStep / decaySteps) (TF1 tf.train.inverse_time_decay). */
export function inverseTimeDecay(learningRate: TensorLike, globalStep: Step, decaySteps: TensorLike, decayRate: TensorLike, ...args: DecayArgs): Tensor {
  return rateSchedule('inverseTimeDecay', 'inverse_time_decay', 'InverseTimeDecay', learningRate, globalStep, decaySteps, decayRate, args,
    (lr, rate, p, scope) => divide(lr, add(1, multiply(rate, p)), scope));
}

/** learningRate · e^(−decayRate · globalStep / decaySteps) (TF1 tf.train.natural_exp_decay). */
export function naturalExpDecay(learningRate: TensorLike, globalStep: Step, decaySteps: TensorLike, decayRate: TensorLike, ...args: DecayArgs): Tensor {
  return rateSchedule('naturalExpDecay', 'natural_exp_decay', 'NaturalExpDecay', learningRate, globalStep, decaySteps, decayRate, args,
    (lr, rate, p, scope) => multiply(lr, exp(negative(multiply(rate, p))), scope));
}

/**
 * learningRate · ((1 − alpha)·½(1 + cos(π·min(step, decaySteps)/decaySteps)) + alpha)
 * (TF1 tf.train.cosine_decay(learning_rate, global_step, decay_steps, alpha=0.0)).
 */
export function cosineDecay(learningRate: TensorLike, globalStep: Step, decaySteps: TensorLike, alpha = 0, name?: string): Tensor {
  const fn = 'cosine_decay';
  positive(decaySteps, 'decaySteps', fn);
  if (!(alpha >= 0 && alpha <= 1)) throw new InvalidArgumentError(`${fn}: alpha must be in [0, 1], got ${alpha}.`);
  return nameScope(name ?? 'CosineDecay', (scope) => {
    const [lr, step] = rateAndStep(learningRate, globalStep, fn);
    const steps = castTo(decaySteps, lr, 'decaySteps');
    const fraction = divide(minimum(step, steps), steps);
    const cosine = multiply(0.5, add(1, cos(multiply(Math.PI, fraction))));
    return multiply(lr, add(multiply(1 - alpha, cosine), alpha), scope);
  });
}

export interface PolynomialDecayOptions {
  /** The rate reached after decaySteps (0.0001). */
  endLearningRate?: number;
  /** The polynomial's power (1: linear). */
  power?: number;
  /** Restart after decaySteps with the next multiple of decaySteps as horizon. */
  cycle?: boolean;
  name?: string;
}

/**
 * (learningRate − end) · (1 − step / decaySteps)^power + end, the step capped at decaySteps
 * (or, with `cycle`, decaySteps raised to the next multiple above the step) (TF1
 * tf.train.polynomial_decay(learning_rate, global_step, decay_steps, end_learning_rate=0.0001,
 * power=1.0, cycle=False)).
 */
export function polynomialDecay(learningRate: TensorLike, globalStep: Step, decaySteps: TensorLike,
  endLearningRate: number | PolynomialDecayOptions = 0.0001, power = 1, cycle = false, name?: string): Tensor {
  const o = typeof endLearningRate === 'object' ? endLearningRate : { endLearningRate, power, cycle, name };
  const fn = 'polynomial_decay';
  positive(decaySteps, 'decaySteps', fn);
  return nameScope(o.name ?? 'PolynomialDecay', (scope) => {
    const [lr, stepIn] = rateAndStep(learningRate, globalStep, fn);
    const end = castTo(o.endLearningRate ?? 0.0001, lr, 'endLearningRate');
    let step = stepIn;
    let steps = castTo(decaySteps, lr, 'decaySteps');
    if (o.cycle) {
      // why: as TF1, step 0 uses one period (ceil(0) would make the horizon 0).
      const ceil = negative(floor(negative(divide(step, steps))));
      steps = multiply(steps, where(equal(step, 0), convertToTensor(1, { dtype: lr.dtype }), ceil));
    } else {
      step = minimum(step, steps);
    }
    const p = divide(step, steps);
    return add(multiply(subtract(lr, end), pow(subtract(1, p), castTo(o.power ?? 1, lr, 'power'))), end, scope);
  });
}

/**
 * values[0] while x ≤ boundaries[0], values[i] while boundaries[i−1] < x ≤ boundaries[i], the
 * last value after the last boundary (TF1 tf.train.piecewise_constant).
 * @example tf.train.piecewiseConstant(step, [100000, 110000], [1.0, 0.5, 0.1])
 */
export function piecewiseConstant(x: Step, boundaries: readonly TensorLike[], values: readonly TensorLike[], name?: string): Tensor {
  const fn = 'tf.train.piecewiseConstant';
  if (!Array.isArray(boundaries) || !Array.isArray(values)) throw new InvalidArgumentError(`${fn}: boundaries and values must be lists.`);
  if (boundaries.length !== values.length - 1) {
    throw new InvalidArgumentError(`${fn}: The length of boundaries should be 1 less than the length of values (got ${boundaries.length} boundaries and ${values.length} values).`);
  }
  return nameScope(name ?? 'PiecewiseConstant', (scope) => {
    const xt = convertToTensor(stepTensor(x, fn), { name: 'x' });
    const bs = boundaries.map((b) => {
      if (b instanceof Tensor) {
        // why: as TF1, int32 boundaries promote exactly to an int64 x (the global step).
        if (b.dtype === 'int32' && xt.dtype === 'int64') return cast(b, 'int64');
        if (b.dtype !== xt.dtype) throw new InvalidArgumentError(`${fn}: Boundaries (${b.dtype}) must have the same dtype as x (${xt.dtype}).`);
        return b;
      }
      checkExactForDType(b, xt.dtype, `${fn} boundary`);
      return convertToTensor(b, { dtype: xt.dtype });
    });
    const vs = values.map((v) => convertToTensor(v));
    for (const v of vs.slice(1)) {
      if (v.dtype !== vs[0].dtype) throw new InvalidArgumentError(`${fn}: Values must have elements all with the same dtype (${vs[0].dtype} vs ${v.dtype}).`);
    }
    // why: the intervals are ordered, so nested selects from the last boundary down pick the
    // first interval that holds x (TF1 builds the same choice with tf.case).
    let result = vs[vs.length - 1];
    for (let i = bs.length - 1; i >= 0; i--) result = where(lessEqual(xt, bs[i]), vs[i], result, i === 0 ? scope : undefined);
    return result;
  });
}
