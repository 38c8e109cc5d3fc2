// tf.layers.conv2d, maxPooling2d and averagePooling2d (NHWC, TF1's functional layers): the
// kernel `conv2d/kernel` [kh, kw, in, filters] and `conv2d/bias`, ops `conv2d/Conv2D`,
// `conv2d/BiasAdd`, `max_pooling2d/MaxPool`.
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph.js';
import { zerosInitializer, type Initializer } from '../initializers.js';
import type { TensorLike } from '../ops/define_op.js';
import { biasAdd } from '../ops/bias_add.js';
import { conv2d as nnConv2d } from '../ops/conv.js';
import { avgPool, maxPool } from '../ops/pool.js';
import { opArgs, type ArgSpec, type OptArgs } from '../ops/op_args.js';
import type { Reuse } from '../variable_scope.js';
import {
  activate, addWeight, checkActivation, checkChannelsLast, floatInput, intTuple, layerPadding, layerScope, noConstraint, type Activation, type Regularizer,
} from './layer_scope.js';

type Pair = number | [number, number];

export interface Conv2DLayerOptions {
  strides?: Pair;
  /** 'valid' (default) or 'same', in any case. */
  padding?: string;
  dataFormat?: 'channels_last';
  dilationRate?: Pair;
  activation?: Activation | null;
  useBias?: boolean;
  kernelInitializer?: Initializer;
  biasInitializer?: Initializer;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
  activityRegularizer?: never;
  kernelConstraint?: never;
  biasConstraint?: never;
  trainable?: boolean;
  name?: string;
  reuse?: Reuse;
}
const CONV_ARGS: ArgSpec<Conv2DLayerOptions> = {
  positional: ['strides', 'padding', 'dataFormat', 'dilationRate', 'activation', 'useBias', 'kernelInitializer', 'biasInitializer',
    'kernelRegularizer', 'biasRegularizer', 'activityRegularizer', 'kernelConstraint', 'biasConstraint', 'trainable', 'name', 'reuse'],
  kinds: {
    strides: 'value', padding: 'string', dataFormat: 'string', dilationRate: 'value', activation: 'value', useBias: 'boolean',
    kernelInitializer: 'value', biasInitializer: 'value', kernelRegularizer: 'value', biasRegularizer: 'value', activityRegularizer: 'value',
    kernelConstraint: 'value', biasConstraint: 'value', trainable: 'boolean', name: 'string', reuse: 'value',
  },
};
export type Conv2DLayerArgs = OptArgs<[strides: Pair, padding: string, dataFormat: 'channels_last', dilationRate: Pair, activation: Activation | null], Conv2DLayerOptions>;

/**
 * A 2-D convolution layer over NHWC inputs (TF1 tf.layers.conv2d(inputs, filters, kernel_size,
 * strides=(1, 1), padding='valid', …)): activation(conv2d(inputs, kernel) + bias).
 * @example tf.layers.conv2d(x, 32, 5, {padding: 'same', activation: tf.nn.relu})
 */
export function conv2d(inputs: TensorLike, filters: number, kernelSize: Pair, ...args: Conv2DLayerArgs): Tensor {
  const fn = 'tf.layers.conv2d';
  const o = opArgs(fn, args, CONV_ARGS);
  if (!Number.isInteger(filters) || filters <= 0) throw new InvalidArgumentError(`${fn}: filters must be a positive integer, got ${String(filters)}.`);
  const [kh, kw] = intTuple(kernelSize, 2, 'kernelSize', fn);
  const [sh, sw] = intTuple(o.strides ?? 1, 2, 'strides', fn);
  const [dh, dw] = intTuple(o.dilationRate ?? 1, 2, 'dilationRate', fn);
  const padding = layerPadding(o.padding ?? 'valid', fn);
  checkChannelsLast(o.dataFormat, fn);
  for (const k of ['activityRegularizer', 'kernelConstraint', 'biasConstraint'] as const) noConstraint(o[k], k, fn);
  checkActivation(o.activation, fn);
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) {
    throw new InvalidArgumentError(`${fn}: strides > 1 not supported in conjunction with dilationRate > 1 (strides [${sh}, ${sw}], dilationRate [${dh}, ${dw}]).`);
  }
  const x = floatInput(inputs, fn);
  if (x.shape === null || x.shape.length !== 4) throw new InvalidArgumentError(`${fn}: inputs should have rank 4 (NHWC), got ${x}.`);
  const channels = x.shape[3];
  if (channels === null) throw new InvalidArgumentError(`${fn}: The channel dimension of the inputs should be defined. Found \`None\` in ${x}.`);
  return layerScope(o.name, 'conv2d', o.reuse, () => {
    const kernel = addWeight({ name: 'kernel', shape: [kh, kw, channels, filters], dtype: x.dtype, initializer: o.kernelInitializer, regularizer: o.kernelRegularizer, trainable: o.trainable });
    const bias = o.useBias === false ? undefined
      : addWeight({ name: 'bias', shape: [filters], dtype: x.dtype, initializer: o.biasInitializer ?? zerosInitializer(), regularizer: o.biasRegularizer, trainable: o.trainable });
    let y = nnConv2d(x, kernel, [1, sh, sw, 1], padding, { dilations: [1, dh, dw, 1] });
    if (bias) y = biasAdd(y, bias);
    return activate(y, o.activation, fn);
  });
}

export interface Pooling2DOptions {
  padding?: string;
  dataFormat?: 'channels_last';
  name?: string;
}
const POOL_ARGS: ArgSpec<Pooling2DOptions> = { positional: ['padding', 'dataFormat', 'name'], kinds: { padding: 'string', dataFormat: 'string', name: 'string' } };
export type Pooling2DArgs = OptArgs<[padding: string, dataFormat: 'channels_last', name: string], Pooling2DOptions>;

function pooling(kind: 'max' | 'average', inputs: TensorLike, poolSize: Pair, strides: Pair, args: Pooling2DArgs): Tensor {
  const fn = kind === 'max' ? 'tf.layers.maxPooling2d' : 'tf.layers.averagePooling2d';
  const o = opArgs(fn, args, POOL_ARGS);
  const [ph, pw] = intTuple(poolSize, 2, 'poolSize', fn);
  if (strides === undefined) throw new InvalidArgumentError(`${fn}: strides is required (TF1's pooling layers have no default).`);
  const [sh, sw] = intTuple(strides, 2, 'strides', fn);
  const padding = layerPadding(o.padding ?? 'valid', fn);
  checkChannelsLast(o.dataFormat, fn);
  const x = floatInput(inputs, fn);
  if (x.shape !== null && x.shape.length !== 4) throw new InvalidArgumentError(`${fn}: inputs should have rank 4 (NHWC), got ${x}.`);
  return layerScope(o.name, kind === 'max' ? 'max_pooling2d' : 'average_pooling2d', undefined, () =>
    (kind === 'max' ? maxPool : avgPool)(x, [1, ph, pw, 1], [1, sh, sw, 1], padding));
}

/**
 * Max pooling over NHWC windows (TF1 tf.layers.max_pooling2d(inputs, pool_size, strides, padding='valid')).
 * @example tf.layers.maxPooling2d(conv1, 2, 2)
 */
export function maxPooling2d(inputs: TensorLike, poolSize: Pair, strides: Pair, ...args: Pooling2DArgs): Tensor {
  return pooling('max', inputs, poolSize, strides, args);
}

/** Average pooling over NHWC windows (TF1 tf.layers.average_pooling2d). */
export function averagePooling2d(inputs: TensorLike, poolSize: Pair, strides: Pair, ...args: Pooling2DArgs): Tensor {
  return pooling('average', inputs, poolSize, strides, args);
}
