// tf.layers.dense, flatten and dropout as TF1's functional layers: variables `dense/kernel`,
// `dense/bias` through tf.getVariable (so variable scopes and reuse share them), ops in the
// layer's name scope (`dense/MatMul`, `dense/BiasAdd`, `dense/Relu`).
import { InvalidArgumentError } from '../errors.js';
import { nameScope, Tensor } from '../graph.js';
import { zerosInitializer, type Initializer } from '../initializers.js';
import { reshape, shape as shapeOf, where } from '../ops/array.js';
import { identity } from '../ops/sources.js';
import { convertToTensor, type TensorLike } from '../ops/define_op.js';
import { matmul } from '../ops/matmul.js';
import { concat, slice } from '../ops/movement.js';
import { biasAdd } from '../ops/bias_add.js';
import { dropout as nnDropout } from '../ops/dropout.js';
import { opArgs, type ArgSpec, type OptArgs } from '../ops/op_args.js';
import type { IntsArg } from '../ops/op_args.js';
import type { Reuse } from '../variable_scope.js';
import type { Variable } from '../variables.js';
import { activate, addWeight, checkActivation, floatInput, layerScope, noConstraint, trainingFlag, type Activation, type Regularizer } from './layer_scope.js';

export interface DenseOptions {
  activation?: Activation | null;
  useBias?: boolean;
  /** Default: tf.getVariable's glorot uniform. */
  kernelInitializer?: Initializer;
  /** Default: zeros. */
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
  /** A function of the output whose loss goes to the regularization losses. */
  activityRegularizer?: Regularizer;
  kernelConstraint?: never;
  biasConstraint?: never;
  trainable?: boolean;
  name?: string;
  reuse?: Reuse;
}
const DENSE_ARGS: ArgSpec<DenseOptions> = {
  positional: ['activation', 'useBias', 'kernelInitializer', 'biasInitializer', 'kernelRegularizer', 'biasRegularizer',
    'activityRegularizer', 'kernelConstraint', 'biasConstraint', 'trainable', 'name', 'reuse'],
  kinds: {
    activation: 'value', useBias: 'boolean', kernelInitializer: 'value', biasInitializer: 'value', kernelRegularizer: 'value',
    biasRegularizer: 'value', activityRegularizer: 'value', kernelConstraint: 'value', biasConstraint: 'value', trainable: 'boolean',
    name: 'string', reuse: 'value',
  },
};
export type DenseArgs = OptArgs<[activation: Activation | null, useBias: boolean, kernelInitializer: Initializer, biasInitializer: Initializer], DenseOptions>;

/**
 * A fully connected layer (TF1 tf.layers.dense): activation(inputs · kernel + bias) over the
 * last axis, with variables `<name>/kernel` [in, units] and `<name>/bias` [units].
 * @example const h = tf.layers.dense(x, 128, tf.nn.relu); const logits = tf.layers.dense(h, 10, {name: 'logits'})
 */
export function dense(inputs: TensorLike, units: number, ...args: DenseArgs): Tensor {
  const fn = 'tf.layers.dense';
  const o = opArgs(fn, args, DENSE_ARGS);
  if (!Number.isInteger(units) || units <= 0) throw new InvalidArgumentError(`${fn}: units must be a positive integer, got ${String(units)}.`);
  noConstraint(o.kernelConstraint, 'kernelConstraint', fn);
  noConstraint(o.biasConstraint, 'biasConstraint', fn);
  checkActivation(o.activation, fn);
  const x = floatInput(inputs, fn);
  const rank = x.shape?.length;
  const last = rank ? x.shape![rank - 1] : null;
  if (rank === undefined || rank < 2 || last === null) {
    throw new InvalidArgumentError(`${fn}: The last dimension of the inputs to \`Dense\` should be defined, with a rank of at least 2. Found ${x} (shape ${rank === undefined ? '<unknown>' : `[${x.shape!.map((d) => d ?? '?')}]`}).`);
  }
  return layerScope(o.name, 'dense', o.reuse, () => {
    const kernel = addWeight({ name: 'kernel', shape: [last, units], dtype: x.dtype, initializer: o.kernelInitializer, regularizer: o.kernelRegularizer, trainable: o.trainable });
    const bias = o.useBias === false ? undefined
      : addWeight({ name: 'bias', shape: [units], dtype: x.dtype, initializer: o.biasInitializer ?? zerosInitializer(), regularizer: o.biasRegularizer, trainable: o.trainable });
    let y = rank === 2 ? matmul(x, kernel) : tensordot(x, kernel, units);
    if (bias) y = biasAdd(y, bias);
    const out = activate(y, o.activation, fn);
    if (o.activityRegularizer) {
      const loss = nameScope('ActivityRegularizer', () => o.activityRegularizer!(out));
      if (loss instanceof Tensor) out.graph.addToCollection('regularization_losses', loss);
    }
    return out;
  });
}

/** inputs [..., in] · kernel [in, units] → [..., units], through a [-1, in] matmul (TF1's Tensordot). */
function tensordot(x: Tensor, kernel: Variable, units: number): Tensor {
  return nameScope('Tensordot', (scope) => {
    const s = x.shape!;
    const flat = matmul(reshape(x, [-1, s[s.length - 1]!]), kernel);
    const lead = s.slice(0, -1);
    // why: with one unknown leading dim (the batch) a static target keeps the other dims known.
    const unknown = lead.filter((d) => d === null).length;
    const target = unknown <= 1 ? [...lead.map((d) => d ?? -1), units] : concat([slice(shapeOf(x), [0], [s.length - 1]), [units]], 0);
    return reshape(flat, target, scope);
  });
}

/**
 * Flattens all but the first axis (TF1 tf.layers.flatten): [batch, ...] → [batch, n].
 * @example tf.layers.flatten(pool2)  // [?, 7, 7, 64] → [?, 3136]
 */
export function flatten(inputs: TensorLike, opts: { name?: string; dataFormat?: 'channels_last' } = {}): Tensor {
  const fn = 'tf.layers.flatten';
  const x = convertToTensor(inputs, { name: 'inputs' });
  if (opts.dataFormat !== undefined && opts.dataFormat !== 'channels_last') throw new InvalidArgumentError(`${fn}: dataFormat must be 'channels_last', got ${JSON.stringify(opts.dataFormat)}.`);
  const s = x.shape;
  if (s === null || s.length === 0) throw new InvalidArgumentError(`${fn}: inputs must have a known rank of at least 1, got ${x}.`);
  return layerScope(opts.name, 'flatten', undefined, () => {
    const rest = s.slice(1);
    if (rest.every((d) => d !== null)) return reshape(x, [s[0] ?? -1, rest.reduce((a, d) => a * d!, 1)]);
    return reshape(x, s[0] !== null ? [s[0], -1] : concat([slice(shapeOf(x), [0], [1]), [-1]], 0));
  });
}

export interface LayerDropoutOptions {
  /** The probability of dropping an element (0.5). */
  rate?: number;
  noiseShape?: IntsArg;
  seed?: number;
  /** Dropout applies only when training: a boolean, or a bool tensor fed per run (default false). */
  training?: boolean | TensorLike;
  name?: string;
}
const DROPOUT_ARGS: ArgSpec<LayerDropoutOptions> = {
  positional: ['rate', 'noiseShape', 'seed', 'training', 'name'],
  kinds: { rate: 'number', noiseShape: 'value', seed: 'int', training: 'value', name: 'string' },
};
export type LayerDropoutArgs = OptArgs<[rate: number, noiseShape: IntsArg, seed: number, training: boolean | TensorLike, name: string], LayerDropoutOptions>;

/**
 * Dropout when training, the identity otherwise (TF1 tf.layers.dropout(inputs, rate=0.5,
 * noise_shape=None, seed=None, training=False)): kept elements are scaled by 1/(1 − rate).
 * @example tf.layers.dropout(h, {rate: 0.4, training: isTraining})
 */
export function dropout(inputs: TensorLike, ...args: LayerDropoutArgs): Tensor {
  const fn = 'tf.layers.dropout';
  const o = opArgs(fn, args, DROPOUT_ARGS);
  const rate = o.rate ?? 0.5;
  if (!(rate >= 0 && rate < 1)) throw new InvalidArgumentError(`${fn}: rate must be a scalar tensor or a float in the range [0, 1), got ${rate}.`);
  const x = floatInput(inputs, fn);
  const training = o.training ?? false;
  return layerScope(o.name, 'dropout', undefined, () => {
    if (typeof training === 'boolean') return training ? nnDropout(x, { rate, noiseShape: o.noiseShape, seed: o.seed }) : identity(x);
    const flag = trainingFlag(training, fn);
    // why: a fed training flag picks per run; without tf.cond both sides are computed.
    return where(flag, nnDropout(x, { rate, noiseShape: o.noiseShape, seed: o.seed }), x);
  });
}
