// tf.layers.batchNormalization as TF1's functional layer: variables `batch_normalization/gamma`,
// `beta`, `moving_mean`, `moving_variance`; when training, the batch's moments normalise and
// the moving statistics get update ops in tf.GraphKeys.UPDATE_OPS (run them with the train op).
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph.js';
import { nameScope } from '../graph.js';
import { onesInitializer, zerosInitializer, type Initializer } from '../initializers.js';
import { cast, reshape, size, where } from '../ops/array.js';
import { convertToTensor, type TensorLike } from '../ops/define_op.js';
import { moments, batchNormalization as nnBatchNormalization } from '../ops/normalization.js';
import { opArgs, type ArgSpec, type OptArgs } from '../ops/op_args.js';
import { assignSub, type Variable } from '../variables.js';
import type { Reuse } from '../variable_scope.js';
import { addWeight, floatInput, layerScope, noConstraint, trainingFlag, type Regularizer } from './layer_scope.js';

/** The collection of update ops a training step must run (TF1 tf.GraphKeys.UPDATE_OPS). */
export const UPDATE_OPS = 'update_ops';

export interface BatchNormalizationOptions {
  /** The feature axis (-1: the last, channels_last). */
  axis?: number;
  /** Of the moving averages (0.99). */
  momentum?: number;
  /** Added to the variance (0.001). */
  epsilon?: number;
  /** Add beta (true). */
  center?: boolean;
  /** Multiply by gamma (true). */
  scale?: boolean;
  betaInitializer?: Initializer;
  gammaInitializer?: Initializer;
  movingMeanInitializer?: Initializer;
  movingVarianceInitializer?: Initializer;
  betaRegularizer?: Regularizer;
  gammaRegularizer?: Regularizer;
  betaConstraint?: never;
  gammaConstraint?: never;
  /** Normalise with the batch's moments and update the moving ones (a boolean or a fed bool tensor; false). */
  training?: boolean | TensorLike;
  trainable?: boolean;
  name?: string;
  reuse?: Reuse;
  /** Not supported (TF1's default false). */
  renorm?: boolean;
  /**
   * TF1 uses its fused kernel for 4-D inputs (null or true): the moving variance then takes the
   * batch variance with Bessel's correction, n/(n−1), and epsilon is at least 1.001e-5.
   */
  fused?: boolean | null;
}
const BN_ARGS: ArgSpec<BatchNormalizationOptions> = {
  positional: ['axis', 'momentum', 'epsilon', 'center', 'scale', 'betaInitializer', 'gammaInitializer', 'movingMeanInitializer',
    'movingVarianceInitializer', 'betaRegularizer', 'gammaRegularizer', 'betaConstraint', 'gammaConstraint', 'training', 'trainable', 'name', 'reuse', 'renorm'],
  kinds: {
    axis: 'int', momentum: 'number', epsilon: 'number', center: 'boolean', scale: 'boolean', betaInitializer: 'value', gammaInitializer: 'value',
    movingMeanInitializer: 'value', movingVarianceInitializer: 'value', betaRegularizer: 'value', gammaRegularizer: 'value', betaConstraint: 'value',
    gammaConstraint: 'value', training: 'value', trainable: 'boolean', name: 'string', reuse: 'value', renorm: 'boolean', fused: 'value',
  },
};
export type BatchNormalizationArgs = OptArgs<[axis: number, momentum: number, epsilon: number, center: boolean, scale: boolean], BatchNormalizationOptions>;

/**
 * Batch normalisation (TF1 tf.layers.batch_normalization): gamma·(x − mean)/√(variance + ε) + beta
 * per feature, with the batch's moments when training and the moving averages otherwise.
 * @example
 * const h = tf.layers.batchNormalization(x, {training: isTraining});
 * const train = tf.controlDependencies(tf.getCollection(tf.GraphKeys.UPDATE_OPS), () => opt.minimize(loss));
 */
export function batchNormalization(inputs: TensorLike, ...args: BatchNormalizationArgs): Tensor {
  const fn = 'tf.layers.batchNormalization';
  const o = opArgs(fn, args, BN_ARGS);
  if (o.renorm) throw new InvalidArgumentError(`${fn}: renorm is not supported.`);
  noConstraint(o.betaConstraint, 'betaConstraint', fn);
  noConstraint(o.gammaConstraint, 'gammaConstraint', fn);
  const momentum = o.momentum ?? 0.99;
  if (!(momentum >= 0 && momentum <= 1)) throw new InvalidArgumentError(`${fn}: momentum must be in [0, 1], got ${momentum}.`);
  const x = floatInput(inputs, fn);
  const rank = x.shape?.length;
  if (rank === undefined || rank < 1) throw new InvalidArgumentError(`${fn}: Input has undefined rank: ${x}.`);
  const axisIn = o.axis ?? -1;
  if (axisIn < -rank || axisIn >= rank) throw new InvalidArgumentError(`${fn}: Invalid axis: ${axisIn} for ${x} of rank ${rank}.`);
  const axis = axisIn < 0 ? axisIn + rank : axisIn;
  const channels = x.shape![axis];
  if (channels === null) throw new InvalidArgumentError(`${fn}: Input has undefined \`axis\` dimension. Input shape: [${x.shape!.map((d) => d ?? '?')}] (${x}).`);
  const fused = o.fused !== false && rank === 4 && (axis === 3 || axis === 1);
  const epsilon = fused ? Math.max(o.epsilon ?? 1e-3, 1.001e-5) : o.epsilon ?? 1e-3;
  if (!(epsilon >= 0)) throw new InvalidArgumentError(`${fn}: epsilon must be a non-negative number, got ${epsilon}.`);
  const training = o.training ?? false;
  return layerScope(o.name, 'batch_normalization', o.reuse, () => {
    const weight = (name: string, init: Initializer | undefined, fallback: Initializer, trainable: boolean, regularizer?: Regularizer) =>
      addWeight({ name, shape: [channels], dtype: x.dtype, initializer: init ?? fallback, trainable, regularizer });
    const trainable = o.trainable ?? true;
    const gamma = o.scale === false ? null : weight('gamma', o.gammaInitializer, onesInitializer(), trainable, o.gammaRegularizer);
    const beta = o.center === false ? null : weight('beta', o.betaInitializer, zerosInitializer(), trainable, o.betaRegularizer);
    const movingMean = weight('moving_mean', o.movingMeanInitializer, zerosInitializer(), false);
    const movingVariance = weight('moving_variance', o.movingVarianceInitializer, onesInitializer(), false);
    // why: parameters of shape [C] broadcast against x only when the feature axis is the last.
    const bc = (t: Tensor | Variable | null) => (t === null ? null : axis === rank - 1 ? t : reshape(t, x.shape!.map((_, i) => (i === axis ? channels : 1))));
    const normalize = (mean: Tensor | Variable, variance: Tensor | Variable) => nnBatchNormalization(x, bc(mean)!, bc(variance)!, bc(beta), bc(gamma), epsilon);
    if (training === false) return normalize(movingMean, movingVariance);
    const reduce = x.shape!.map((_, i) => i).filter((i) => i !== axis);
    const [mean, variance] = moments(x, reduce);
    const batchOut = normalize(mean, variance);
    const flag = training === true ? null : trainingFlag(training, fn);
    let updateVariance = variance;
    if (fused) {
      // why: TF1's fused kernel hands the moving average the unbiased batch variance, n/(n−1).
      const dims = reduce.map((i) => x.shape![i]);
      if (dims.every((d) => d !== null)) {
        const n = (dims as number[]).reduce((a, d) => a * d, 1);
        if (n > 1) updateVariance = variance.mul(n / (n - 1));
      } else {
        const n = cast(size(x), x.dtype).div(channels);
        updateVariance = variance.mul(n.div(n.sub(1)));
      }
    }
    for (const [v, value] of [[movingMean, mean], [movingVariance, updateVariance]] as const) {
      const update = nameScope('AssignMovingAvg', (scope) => {
        // why: TF1 takes 1 − momentum in double precision before making it a tensor.
        let decay = convertToTensor(1 - momentum, { name: 'decay', dtype: x.dtype });
        if (flag) decay = where(flag, decay, convertToTensor(0, { dtype: x.dtype }));
        return assignSub(v, v.sub(value).mul(decay), scope);
      });
      x.graph.addToCollection(UPDATE_OPS, update);
    }
    return flag ? where(flag, batchOut, normalize(movingMean, movingVariance)) : batchOut;
  });
}
