// `tf.losses`: TF1's loss functions. Each computes per-element losses, weights them and reduces
// them as TF1's compute_weighted_loss does (default SUM_BY_NONZERO_WEIGHTS: the weighted sum over
// the number of non-zero weights, so weights of 1 give the mean), and adds the result to the
// graph's `losses` collection. Op names follow TF1 (`mean_squared_error/value`).
import { isFloat, type DType } from './dtypes.js';
import { InvalidArgumentError } from './errors.js';
import { getDefaultGraph, nameScope, Tensor, type Graph } from './graph.js';
import { NDArray } from './ndarray.js';
import { cast, onesLike, size, stopGradient, where, zerosLike, shape as shapeOf } from './ops/array.js';
import { convertToTensor, isTensorLikeObject, type TensorLike } from './ops/define_op.js';
import { add, addN, divide, equal, minimum, multiply, notEqual, squaredDifference, subtract } from './ops/math_binary.js';
import { abs } from './ops/math_unary.js';
import { squeeze, slice } from './ops/movement.js';
import { reduceSum } from './ops/reduce.js';
import { sigmoidCrossEntropyWithLogits, softmaxCrossEntropyWithLogits, sparseSoftmaxCrossEntropyWithLogits } from './ops/nn.js';
import { opArgs, type ArgSpec, type OptArgs } from './ops/op_args.js';
import { compatible, formatShape } from './shape.js';

/** How the weighted per-element losses become the loss (TF1 tf.losses.Reduction). */
export const Reduction = {
  /** The weighted losses, unreduced. */
  NONE: 'none',
  /** Their sum. */
  SUM: 'weighted_sum',
  /** Their sum over the sum of the weights. */
  MEAN: 'weighted_mean',
  /** Their sum over the number of elements. */
  SUM_OVER_BATCH_SIZE: 'weighted_sum_over_batch_size',
  /** Their sum over the number of non-zero weights (TF1's default). */
  SUM_BY_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
  SUM_OVER_NONZERO_WEIGHTS: 'weighted_sum_by_nonzero_weights',
} as const;
export type ReductionName = (typeof Reduction)[keyof typeof Reduction];

/** The collection the losses are added to by default (TF1 tf.GraphKeys.LOSSES). */
export const LOSSES = 'losses';
export const REGULARIZATION_LOSSES = 'regularization_losses';

export interface LossOptions {
  /** A scalar, or a tensor broadcastable to the per-element losses (rank 0 or the same rank). */
  weights?: TensorLike;
  /** The name scope (default: the loss's TF1 name). */
  scope?: string;
  /** The collection the loss is added to (`losses`); null adds it nowhere. */
  lossCollection?: string | null;
  reduction?: ReductionName;
}

const COMMON = { weights: 'value', scope: 'string', lossCollection: 'value', reduction: 'string' } as const;
const ALIASES = { lossCollection: 'lossCollection' } as const;
const BASIC: ArgSpec<LossOptions> = { positional: ['weights', 'scope', 'lossCollection', 'reduction'], kinds: COMMON, aliases: ALIASES };

/** `(…, weights?, scope?, lossCollection?, reduction?)` as TF1, or an options object at the end. */
export type LossArgs = OptArgs<[weights: TensorLike, scope: string, lossCollection: string | null, reduction: ReductionName], LossOptions>;

/** Per-element losses in the prediction's float dtype (ints become float32), labels cast to it. */
function floatPair(labels: TensorLike, predictions: TensorLike, fn: string): [Tensor, Tensor] {
  let p = convertToTensor(predictions, { name: 'predictions' });
  if (!isFloat(p.dtype)) p = cast(p, 'float32');
  let l = convertToTensor(labels, { name: 'labels', dtype: isTensor(labels) ? undefined : p.dtype });
  if (l.dtype !== p.dtype) l = cast(l, p.dtype);
  if (!compatible(p.shape, l.shape)) {
    throw new InvalidArgumentError(`${fn}: Shapes ${formatShape(p.shape)} and ${formatShape(l.shape)} are incompatible: predictions ${p} and labels ${l} must have the same shape.`);
  }
  return [l, p];
}

function isTensor(v: TensorLike): boolean {
  return v instanceof Tensor || isTensorLikeObject(v) || v instanceof NDArray || ArrayBuffer.isView(v);
}

/** TF1's assert_broadcastable, at graph-building time: weights of rank 0, or of the losses' rank with each dim 1 or equal. */
function checkWeights(weights: Tensor, losses: Tensor, fn: string): void {
  const w = weights.shape, v = losses.shape;
  if (w === null || v === null || w.length === 0) return;
  const ok = w.length === v.length && w.every((d, i) => d === null || v[i] === null || d === 1 || d === v[i]);
  if (!ok) {
    throw new InvalidArgumentError(
      `${fn}: weights can not be broadcast to values. values.rank=${v.length}. weights.rank=${w.length}. ` +
      `values.shape=${formatShape(v)}. weights.shape=${formatShape(w)}. (${weights} vs the losses ${losses})`);
  }
}

/** TF1's div_no_nan: num / den, 0 where den is 0 (with a gradient that stays finite there). */
function divNoNan(num: Tensor, den: Tensor, name: string): Tensor {
  const zero = equal(den, 0);
  const safe = where(zero, onesLike(den), den);
  return where(zero, zerosLike(num), divide(num, safe), name);
}

/**
 * Weights and reduces per-element losses (TF1 tf.losses.compute_weighted_loss) and adds the
 * result to `lossCollection`.
 */
export function computeWeightedLoss(losses: TensorLike, ...args: LossArgs): Tensor {
  const o = opArgs('tf.losses.computeWeightedLoss', args, BASIC);
  return nameScope(o.scope ?? 'weighted_loss', () => weighted(convertToTensor(losses), o, 'tf.losses.computeWeightedLoss'));
}

function weighted(losses: Tensor, o: Partial<LossOptions>, fn: string): Tensor {
  const reduction = o.reduction ?? Reduction.SUM_BY_NONZERO_WEIGHTS;
  if (!(Object.values(Reduction) as string[]).includes(reduction)) {
    throw new InvalidArgumentError(`${fn}: Invalid Reduction Key ${reduction}; use one of tf.losses.Reduction: ${[...new Set(Object.values(Reduction))].join(', ')}.`);
  }
  const dtype: DType = losses.dtype;
  const wIn = o.weights ?? 1;
  const weightsIsOne = typeof wIn === 'number' && wIn !== 0;
  let weights = convertToTensor(wIn, { name: 'weights', dtype: isTensor(wIn) ? undefined : dtype, what: `${fn} weights` });
  if (weights.dtype !== dtype) weights = cast(weights, dtype);
  checkWeights(weights, losses, fn);
  const weightedLosses = multiply(losses, weights);
  let loss: Tensor;
  if (reduction === Reduction.NONE) loss = weightedLosses;
  else {
    const total = reduceSum(weightedLosses);
    if (reduction === Reduction.SUM) loss = total;
    else if (reduction === Reduction.MEAN) loss = divNoNan(total, reduceSum(multiply(onesLike(losses), weights)), 'value');
    else if (reduction === Reduction.SUM_OVER_BATCH_SIZE) loss = divNoNan(total, numElements(losses), 'value');
    else loss = divNoNan(total, weightsIsOne ? numElements(losses) : numPresent(losses, weights), 'value');
  }
  const collection = o.lossCollection === undefined ? LOSSES : o.lossCollection;
  if (collection !== null) {
    if (typeof collection !== 'string') throw new InvalidArgumentError(`${fn}: lossCollection must be a collection name or null, got ${String(collection)}.`);
    loss.graph.addToCollection(collection, loss);
  }
  return loss;
}

function numElements(losses: Tensor): Tensor {
  return nameScope('num_elements', () => cast(size(losses), losses.dtype));
}

/** The number of elements of losses whose (broadcast) weight is not zero. */
function numPresent(losses: Tensor, weights: Tensor): Tensor {
  return nameScope('num_present', () => {
    const present = cast(notEqual(weights, 0), losses.dtype);
    return reduceSum(multiply(present, onesLike(losses)), undefined, false, 'value');
  });
}

/** Squared error (TF1 tf.losses.mean_squared_error): (predictions − labels)², reduced. */
export function meanSquaredError(labels: TensorLike, predictions: TensorLike, ...args: LossArgs): Tensor {
  const fn = 'tf.losses.meanSquaredError';
  const o = opArgs(fn, args, BASIC);
  return nameScope(o.scope ?? 'mean_squared_error', () => {
    const [l, p] = floatPair(labels, predictions, fn);
    return weighted(squaredDifference(p, l), o, fn);
  });
}

/** Absolute error (TF1 tf.losses.absolute_difference): |predictions − labels|, reduced. */
export function absoluteDifference(labels: TensorLike, predictions: TensorLike, ...args: LossArgs): Tensor {
  const fn = 'tf.losses.absoluteDifference';
  const o = opArgs(fn, args, BASIC);
  return nameScope(o.scope ?? 'absolute_difference', () => {
    const [l, p] = floatPair(labels, predictions, fn);
    return weighted(abs(subtract(p, l)), o, fn);
  });
}

export interface HuberOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (1). */
  delta?: number;
}
const HUBER: ArgSpec<HuberOptions> = { positional: ['weights', 'delta', 'scope', 'lossCollection', 'reduction'], kinds: { ...COMMON, delta: 'number' }, aliases: ALIASES };
export type HuberArgs = OptArgs<[weights: TensorLike, delta: number, scope: string, lossCollection: string | null, reduction: ReductionName], HuberOptions>;

/**
 * Huber loss (TF1 tf.losses.huber_loss): with e = |predictions − labels|, ½e² where e ≤ delta,
 * else ½delta² + delta·(e − delta).
 */
export function huberLoss(labels: TensorLike, predictions: TensorLike, ...args: HuberArgs): Tensor {
  const fn = 'tf.losses.huberLoss';
  const o = opArgs(fn, args, HUBER);
  const delta = o.delta ?? 1;
  if (!(delta > 0)) throw new InvalidArgumentError(`${fn}: delta must be positive, got ${delta}.`);
  return nameScope(o.scope ?? 'huber_loss', () => {
    const [l, p] = floatPair(labels, predictions, fn);
    const absError = abs(subtract(p, l));
    const quadratic = minimum(absError, delta);
    const linear = subtract(absError, quadratic);
    const losses = add(multiply(0.5, multiply(quadratic, quadratic)), multiply(delta, linear));
    return weighted(losses, o, fn);
  });
}

export interface SmoothingOptions extends LossOptions {
  /** Moves the labels towards uniform: softmax y·(1−s) + s/classes; sigmoid y·(1−s) + s/2. */
  labelSmoothing?: number;
}
const SMOOTHED: ArgSpec<SmoothingOptions> = {
  positional: ['weights', 'labelSmoothing', 'scope', 'lossCollection', 'reduction'], kinds: { ...COMMON, labelSmoothing: 'number' }, aliases: ALIASES,
};
export type SmoothedArgs = OptArgs<[weights: TensorLike, labelSmoothing: number, scope: string, lossCollection: string | null, reduction: ReductionName], SmoothingOptions>;

function logitsAndLabels(labels: TensorLike, logits: TensorLike, fn: string): [Tensor, Tensor] {
  const x = convertToTensor(logits, { name: 'logits' });
  if (!isFloat(x.dtype)) throw new InvalidArgumentError(`${fn}: logits must be float32 or float64, got ${x}.`);
  let y = convertToTensor(labels, { name: 'labels', dtype: isTensor(labels) ? undefined : x.dtype });
  if (y.dtype !== x.dtype) y = cast(y, x.dtype);
  if (!compatible(x.shape, y.shape)) {
    throw new InvalidArgumentError(`${fn}: Shapes ${formatShape(x.shape)} and ${formatShape(y.shape)} are incompatible: logits ${x} and labels ${y} must have the same shape.`);
  }
  return [y, x];
}

function checkSmoothing(s: number, fn: string): void {
  if (!(s >= 0 && s <= 1)) throw new InvalidArgumentError(`${fn}: labelSmoothing must be in [0, 1], got ${s}.`);
}

/**
 * Softmax cross entropy of one-hot (or soft) labels (TF1 tf.losses.softmax_cross_entropy): per
 * row −Σ labels·log softmax(logits); weights broadcast per row. No gradient flows into labels.
 */
export function softmaxCrossEntropy(onehotLabels: TensorLike, logits: TensorLike, ...args: SmoothedArgs): Tensor {
  const fn = 'tf.losses.softmaxCrossEntropy';
  const o = opArgs(fn, args, SMOOTHED);
  const s = o.labelSmoothing ?? 0;
  checkSmoothing(s, fn);
  return nameScope(o.scope ?? 'softmax_cross_entropy_loss', () => {
    let [y, x] = logitsAndLabels(onehotLabels, logits, fn);
    if (s > 0) {
      const classes = cast(slice(shapeOf(y), [y.shape ? y.shape.length - 1 : 0], [1]), x.dtype);
      y = add(multiply(y, 1 - s), divide(convertToTensor(s, { dtype: x.dtype }), squeeze(classes)));
    }
    y = stopGradient(y, 'labels_stop_gradient');
    return weighted(softmaxCrossEntropyWithLogits({ labels: y, logits: x, name: 'xentropy' }), o, fn);
  });
}

const SPARSE: ArgSpec<LossOptions> = BASIC;

/**
 * Softmax cross entropy of integer class labels (TF1 tf.losses.sparse_softmax_cross_entropy);
 * labels of shape [batch, 1] are squeezed to [batch] as in TF1.
 */
export function sparseSoftmaxCrossEntropy(labels: TensorLike, logits: TensorLike, ...args: LossArgs): Tensor {
  const fn = 'tf.losses.sparseSoftmaxCrossEntropy';
  const o = opArgs(fn, args, SPARSE);
  return nameScope(o.scope ?? 'sparse_softmax_cross_entropy_loss', () => {
    const x = convertToTensor(logits, { name: 'logits' });
    let y = convertToTensor(labels, { name: 'labels', dtype: isTensor(labels) ? undefined : 'int32' });
    // why: TF1's _remove_squeezable_dimensions: labels of the logits' rank lose their last dim of 1.
    if (y.shape && x.shape && y.shape.length === x.shape.length && y.shape[y.shape.length - 1] === 1) y = squeeze(y, [-1]);
    return weighted(sparseSoftmaxCrossEntropyWithLogits({ labels: y, logits: x, name: 'xentropy' }), o, fn);
  });
}

/**
 * Sigmoid cross entropy of multi-label targets (TF1 tf.losses.sigmoid_cross_entropy): per
 * element tf.nn.sigmoidCrossEntropyWithLogits, −z·log σ(x) − (1−z)·log(1−σ(x)) in its stable form.
 */
export function sigmoidCrossEntropy(multiClassLabels: TensorLike, logits: TensorLike, ...args: SmoothedArgs): Tensor {
  const fn = 'tf.losses.sigmoidCrossEntropy';
  const o = opArgs(fn, args, SMOOTHED);
  const s = o.labelSmoothing ?? 0;
  checkSmoothing(s, fn);
  return nameScope(o.scope ?? 'sigmoid_cross_entropy_loss', () => {
    let [z, x] = logitsAndLabels(multiClassLabels, logits, fn);
    if (s > 0) z = add(multiply(z, 1 - s), 0.5 * s);
    return weighted(sigmoidCrossEntropyWithLogits({ labels: z, logits: x, name: 'xentropy' }), o, fn);
  });
}

/** The losses added to the `losses` collection (TF1 tf.losses.get_losses), optionally only under a name scope. */
export function getLosses(scope?: string, lossCollection = LOSSES, graph: Graph = getDefaultGraph()): Tensor[] {
  const all = graph.getCollection<Tensor>(lossCollection);
  return scope === undefined ? all : all.filter((t) => t.op.name.startsWith(scope));
}

/** The regularization losses (TF1 tf.losses.get_regularization_losses). */
export function getRegularizationLosses(scope?: string, graph: Graph = getDefaultGraph()): Tensor[] {
  return getLosses(scope, REGULARIZATION_LOSSES, graph);
}

/** Adds a loss to the `losses` collection (TF1 tf.losses.add_loss). */
export function addLoss(loss: Tensor, lossCollection = LOSSES): void {
  loss.graph.addToCollection(lossCollection, loss);
}

/**
 * The sum of all losses, regularization losses included (TF1 tf.losses.get_total_loss), named
 * `total_loss`.
 */
export function getTotalLoss(addRegularizationLosses = true, name = 'total_loss', graph: Graph = getDefaultGraph()): Tensor {
  const losses = [...getLosses(undefined, LOSSES, graph), ...(addRegularizationLosses ? getRegularizationLosses(undefined, graph) : [])];
  if (!losses.length) throw new InvalidArgumentError('tf.losses.getTotalLoss: No losses found: no tf.losses function was called and no loss was added with tf.losses.addLoss.');
  return graph.asDefault(() => addN(losses, name));
}
