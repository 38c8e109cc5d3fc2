// TF1's layer objects (tf.layers.Dense, Conv2D, …): the first apply() makes the weights in the
// layer's scope (`dense`, `dense_1`, … or its name); every later call reuses them, with its ops
// in that first name scope (`dense/MatMul_1`), as TF1's Layer.__call__ does.
import { InvalidArgumentError } from '../errors.js';
import type { Tensor } from '../graph.js';
import type { TensorLike } from '../ops/define_op.js';
import { globalVariables, trainableVariables, type Variable } from '../variables.js';
import { conv2d, averagePooling2d, maxPooling2d, type Conv2DLayerOptions, type Pooling2DOptions } from './conv.js';
import { dense, dropout, flatten, type DenseOptions, type LayerDropoutOptions } from './core.js';
import { asLayer, type LayerState } from './layer_scope.js';
import { batchNormalization, type BatchNormalizationOptions } from './normalization.js';

type Pair = number | [number, number];

export abstract class Layer {
  private readonly state: LayerState = {};
  protected constructor(private readonly givenName: string | undefined) {}

  /** The layer's scope name: the given one, or `dense`, `dense_1` … once it was first applied. */
  get name(): string | undefined {
    return this.state.scope?.name ?? this.givenName;
  }

  /** Whether apply() has made the weights. */
  get built(): boolean {
    return this.state.scope !== undefined;
  }

  /** Calls the layer on `inputs` (TF1 layer.apply / layer(inputs)). */
  apply(inputs: TensorLike, opts: { training?: boolean | TensorLike } = {}): Tensor {
    return asLayer(this.state, () => this.call(inputs, opts.training));
  }

  protected abstract call(inputs: TensorLike, training: boolean | TensorLike | undefined): Tensor;

  /** The layer's variables (its weights, and batch norm's moving statistics). */
  get variables(): Variable[] {
    const scope = this.state.scope;
    return scope ? globalVariables().filter((v) => v.op.name.startsWith(`${scope.name}/`)) : [];
  }

  get trainableVariables(): Variable[] {
    const mine = new Set(this.variables);
    return trainableVariables().filter((v) => mine.has(v));
  }

  /** TF1's other names for them. */
  get weights(): Variable[] { return this.variables; }
  get trainableWeights(): Variable[] { return this.trainableVariables; }

  protected weight(name: string): Variable | undefined {
    return this.variables.find((v) => v.op.name === `${this.state.scope?.name}/${name}`);
  }
}

function named<O extends { name?: string }>(o: O, layer: string): O {
  if (typeof o !== 'object' || o === null) throw new InvalidArgumentError(`tf.layers.${layer}: options must be an object, got ${String(o)}.`);
  return o;
}

/** tf.layers.Dense(units, {activation, useBias, …}): a fully connected layer object. */
export class Dense extends Layer {
  constructor(readonly units: number, private readonly opts: Omit<DenseOptions, 'reuse'> = {}) {
    super(named(opts, 'Dense').name);
  }
  protected call(x: TensorLike): Tensor { return dense(x, this.units, this.opts); }
  get kernel(): Variable | undefined { return this.weight('kernel'); }
  get bias(): Variable | undefined { return this.weight('bias'); }
}

/** tf.layers.Conv2D(filters, kernelSize, {strides, padding, activation, …}). */
export class Conv2D extends Layer {
  constructor(readonly filters: number, readonly kernelSize: Pair, private readonly opts: Omit<Conv2DLayerOptions, 'reuse'> = {}) {
    super(named(opts, 'Conv2D').name);
  }
  protected call(x: TensorLike): Tensor { return conv2d(x, this.filters, this.kernelSize, this.opts); }
  get kernel(): Variable | undefined { return this.weight('kernel'); }
  get bias(): Variable | undefined { return this.weight('bias'); }
}

/** tf.layers.MaxPooling2D(poolSize, strides, {padding}). */
export class MaxPooling2D extends Layer {
  constructor(readonly poolSize: Pair, readonly strides: Pair, private readonly opts: Pooling2DOptions = {}) {
    super(named(opts, 'MaxPooling2D').name);
  }
  protected call(x: TensorLike): Tensor { return maxPooling2d(x, this.poolSize, this.strides, this.opts); }
}

/** tf.layers.AveragePooling2D(poolSize, strides, {padding}). */
export class AveragePooling2D extends Layer {
  constructor(readonly poolSize: Pair, readonly strides: Pair, private readonly opts: Pooling2DOptions = {}) {
    super(named(opts, 'AveragePooling2D').name);
  }
  protected call(x: TensorLike): Tensor { return averagePooling2d(x, this.poolSize, this.strides, this.opts); }
}

/** tf.layers.Flatten(). */
export class Flatten extends Layer {
  constructor(private readonly opts: { name?: string } = {}) {
    super(named(opts, 'Flatten').name);
  }
  protected call(x: TensorLike): Tensor { return flatten(x, this.opts); }
}

/** tf.layers.Dropout({rate}); apply(x, {training}). */
export class Dropout extends Layer {
  constructor(private readonly opts: Omit<LayerDropoutOptions, 'training'> = {}) {
    super(named(opts, 'Dropout').name);
  }
  protected call(x: TensorLike, training: boolean | TensorLike | undefined): Tensor { return dropout(x, { ...this.opts, training }); }
}

/** tf.layers.BatchNormalization({momentum, epsilon, …}); apply(x, {training}). */
export class BatchNormalization extends Layer {
  constructor(private readonly opts: Omit<BatchNormalizationOptions, 'training' | 'reuse'> = {}) {
    super(named(opts, 'BatchNormalization').name);
  }
  protected call(x: TensorLike, training: boolean | TensorLike | undefined): Tensor { return batchNormalization(x, { ...this.opts, training }); }
}
