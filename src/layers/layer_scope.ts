// What every tf.layers function shares: its variable scope (`dense`, then `dense_1`, or the
// given name; reuse as TF1), its weights made through tf.getVariable (with TF1's regularizer
// losses), and argument checks.
import { isFloat, type DType } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { nameScope, Tensor } from '../graph.js';
import type { Initializer } from '../initializers.js';
import { convertToTensor, type TensorLike } from '../ops/define_op.js';
import { getVariable, variableScope, type Reuse, type VariableScope } from '../variable_scope.js';
import type { Variable } from '../variables.js';

/** A function of a tensor, like tf.nn.relu. */
export type Activation = (x: Tensor) => Tensor;
/** A function of a weight giving a scalar loss (e.g. x => tf.multiply(0.01, tf.nn.l2Loss(x))). */
export type Regularizer = (w: Tensor) => Tensor | null | undefined;

/** The scope of a layer object across its calls (tf.layers.Dense …), set while it applies. */
export interface LayerState {
  scope?: VariableScope;
}
let applying: LayerState | undefined;

/** @internal Runs fn (a functional layer call) on behalf of a layer object. */
export function asLayer<T>(state: LayerState, fn: () => T): T {
  const outer = applying;
  applying = state;
  try {
    return fn();
  } finally {
    applying = outer;
  }
}

/**
 * Runs fn in the layer's variable scope: `name`, or `defaultName` made unique (TF1's layer
 * naming). A layer object's later calls reuse its variables, with ops in its first name scope.
 */
export function layerScope<T>(name: string | undefined, defaultName: string, reuse: Reuse | undefined, fn: () => T): T {
  const state = applying;
  applying = undefined;
  try {
    if (state?.scope) {
      const scope = state.scope;
      return nameScope(scope.originalNameScope, () => variableScope(scope, { reuse: true, auxiliaryNameScope: false }, fn));
    }
    return variableScope(name ?? null, { defaultName, ...(reuse !== undefined ? { reuse } : {}) }, (s) => {
      const out = fn();
      if (state) state.scope = s;
      return out;
    });
  } finally {
    applying = state;
  }
}

/** The layer's input as a float tensor (the layer's dtype is its input's, as TF1's layers take it). */
export function floatInput(x: TensorLike, layer: string): Tensor {
  const t = convertToTensor(x, { name: 'inputs' });
  if (!isFloat(t.dtype)) throw new InvalidArgumentError(`${layer}: inputs must be float32 or float64, got ${t}; use tf.cast.`);
  return t;
}

export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: DType;
  initializer?: Initializer;
  regularizer?: Regularizer;
  trainable?: boolean;
}

/** A layer weight (`dense/kernel`) through getVariable (whose regularizer loss is collected once, on creation). */
export function addWeight(w: WeightSpec): Variable {
  return getVariable(w.name, w.shape, { dtype: w.dtype, initializer: w.initializer, trainable: w.trainable ?? true, regularizer: w.regularizer });
}

/** Checked before any weight is made, so a bad activation leaves the graph as it was. */
export function checkActivation(activation: unknown, layer: string): void {
  if (activation !== undefined && activation !== null && typeof activation !== 'function') {
    throw new InvalidArgumentError(`${layer}: activation must be a function such as tf.nn.relu, got ${JSON.stringify(activation)}.`);
  }
}

/** Applies the optional activation, which must return a tensor. */
export function activate(y: Tensor, activation: Activation | null | undefined, layer: string): Tensor {
  if (activation === undefined || activation === null) return y;
  const out = activation(y);
  if (!(out instanceof Tensor)) throw new InvalidArgumentError(`${layer}: the activation returned ${String(out)}, not a Tensor.`);
  return out;
}

/** A positive integer or a list of `n` of them (kernel sizes, strides), as a list. */
export function intTuple(v: unknown, n: number, what: string, layer: string): number[] {
  const list = typeof v === 'number' ? new Array<number>(n).fill(v) : v;
  if (!Array.isArray(list) || list.length !== n || !list.every((d) => Number.isInteger(d) && d > 0)) {
    throw new InvalidArgumentError(`${layer}: ${what} must be a positive integer or a list of ${n} positive integers, got ${JSON.stringify(v)}.`);
  }
  return list as number[];
}

/** Keras/TF1 layer padding: 'valid' or 'same' in any case, as the op's 'VALID' / 'SAME'. */
export function layerPadding(p: unknown, layer: string): 'VALID' | 'SAME' {
  const s = typeof p === 'string' ? p.toLowerCase() : p;
  if (s !== 'valid' && s !== 'same') throw new InvalidArgumentError(`${layer}: padding must be 'valid' or 'same', got ${JSON.stringify(p)}.`);
  return s === 'valid' ? 'VALID' : 'SAME';
}

/** Only channels_last (NHWC) is supported, as TF1's CPU kernels. */
export function checkChannelsLast(dataFormat: unknown, layer: string): void {
  if (dataFormat !== undefined && dataFormat !== 'channels_last') {
    throw new InvalidArgumentError(`${layer}: dataFormat must be 'channels_last' (NHWC), got ${JSON.stringify(dataFormat)}.`);
  }
}

/** Constraints are not supported; refuse them rather than ignore them. */
export function noConstraint(v: unknown, what: string, layer: string): void {
  if (v !== undefined && v !== null) throw new InvalidArgumentError(`${layer}: ${what} is not supported.`);
}

/** A fed `training` flag: a scalar bool tensor. */
export function trainingFlag(t: TensorLike, layer: string): Tensor {
  const flag = convertToTensor(t, { name: 'training' });
  if (flag.dtype !== 'bool' || (flag.shape !== null && flag.shape.length !== 0)) {
    throw new InvalidArgumentError(`${layer}: training must be a boolean or a scalar bool tensor, got ${flag}.`);
  }
  return flag;
}
