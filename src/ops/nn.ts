// Neural-network ops (tf.nn): Relu and ReluGrad, Softmax, LogSoftmax, and the softmax
// cross-entropy losses, whose second output is the gradient wrt the logits (TF1's "backprop");
// the sigmoid cross entropy is a composite, as TF1's.
import { allocate, isInt, type DType } from '../dtypes.js';
import type { IRValue, LowerContext } from '../prims.js';
import { InvalidArgumentError } from '../errors.js';
import { createOp, nameScope, type Tensor } from '../graph.js';
import { mapBinary, mapUnary } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { GradEntry, InferContext, OpSpec, OutputInfo } from '../op_spec.js';
import { compatible, formatDims, formatShape, mergeShapes, normAxis, sameShape, type Dim } from '../shape.js';
import { cast, reshape, shape, where, zerosLike } from './array.js';
import {
  convertToTensor, FLOATS, NUMERIC, out, requireDType, sameAsInput, sameTypeOp, type TensorLike,
} from './define_op.js';
import { add, greaterEqual, multiply, subtract } from './math_binary.js';
import { abs, exp, log1p, negative } from './math_unary.js';
import { concat, expandDims, slice, transpose } from './movement.js';
import { checkOptions, operandDType, type ArgSpec } from './op_args.js';
import { reduceSum } from './reduce.js';

export const Relu: OpSpec = {
  type: 'Relu',
  lower: (ctx) => [ctx.unary('relu', ctx.inputs[0])],
  infer: (ctx) => {
    requireDType(ctx, 0, NUMERIC, 'Relu');
    return sameAsInput(ctx);
  },
  // why: ReluGrad masks on the output; y > 0 exactly where x > 0, and the grad at 0 is 0 (TF1).
  grad: (op, [dy]) => [reluGrad(dy!, op.outputs[0])],
  // why: `v < 0 ? 0 : v` lets NaN through, as TF's max(x, 0) does.
  reference: ([x]) => [mapUnary(x, x.dtype, (v) => (v < 0 ? 0 : v))],
};

/** TF1's ReluGrad(gradients, features): gradients where features > 0, else 0. */
export const ReluGrad: OpSpec = {
  type: 'ReluGrad',
  lower: (ctx, op) => {
    const [g, f] = ctx.inputs;
    if (!sameShape(g.shape, f.shape)) {
      throw new InvalidArgumentError(`ReluGrad '${op.name}': gradients [${g.shape}] and features [${f.shape}] must have one shape.`, op);
    }
    const zero = ctx.constant(new NDArray(allocate(g.dtype, 1), [], g.dtype));
    return [ctx.where(ctx.binary('gt', f, zero), g, zero)];
  },
  infer: (ctx) => {
    const [g, f] = ctx.inputs;
    if (g.dtype !== f.dtype || !compatible(g.shape, f.shape)) {
      throw new InvalidArgumentError(
        `ReluGrad '${ctx.name}': gradients ${g} and features ${f} must have one dtype and shape.`);
    }
    return [{ dtype: g.dtype, shape: mergeShapes(g.shape, f.shape) }];
  },
  // TF1 _ReluGradGrad: linear in the gradients; piecewise constant in the features.
  grad: (op, [ddy]) => [reluGrad(ddy!, op.inputs[1]), zerosLike(op.inputs[1])],
  reference: ([g, f], { op }) => {
    if (!sameShape(g.shape, f.shape)) {
      throw new InvalidArgumentError(
        `ReluGrad '${op.name}': gradients [${g.shape}] and features [${f.shape}] must have one shape.`, op);
    }
    return [mapBinary(g, f, g.dtype, (dy, x) => (x > 0 ? dy : 0))];
  },
};

function reluGrad(dy: Tensor, features: Tensor): Tensor {
  return out(createOp(ReluGrad, [dy, features], { T: dy.dtype }, 'ReluGrad'));
}

function lastAxisInfer(type: string): (ctx: InferContext) => OutputInfo[] {
  return (ctx) => {
    requireDType(ctx, 0, FLOATS, type);
    const x = ctx.inputs[0];
    if (x.shape && x.shape.length < 1) {
      throw new InvalidArgumentError(`${type} '${ctx.name}': logits ${x} must have at least one dimension.`);
    }
    return sameAsInput(ctx);
  };
}

/**
 * One row of the stable softmax family, computed as the lowering computes it: m = max(x),
 * d = x − m, e = exp(d), s = Σe (summed in float64, then rounded), each step rounded by `r`.
 */
function rowStats(x: ArrayLike<number>, o: number, c: number, r: (v: number) => number): { d: Float64Array; e: Float64Array; s: number } {
  let m = -Infinity;
  for (let j = 0; j < c; j++) { const v = x[o + j]; if (v !== v || v > m) m = v; }
  const d = new Float64Array(c), e = new Float64Array(c);
  let s = 0;
  for (let j = 0; j < c; j++) {
    d[j] = r(x[o + j] - m);
    e[j] = r(Math.exp(d[j]));
    s += e[j];
  }
  return { d, e, s: r(s) };
}

const rounder = (dtype: DType) => (dtype === 'float32' ? Math.fround : (v: number) => v);

/** f(row stats, j) for every element, row by row along the last axis. */
function mapRows(x: NDArray, f: (st: ReturnType<typeof rowStats>, j: number, r: (v: number) => number) => number): NDArray {
  const c = x.shape[x.rank - 1];
  const r = rounder(x.dtype);
  const data = allocate(x.dtype, x.size);
  for (let o = 0; o < x.size; o += c) {
    const st = rowStats(x.data, o, c, r);
    for (let j = 0; j < c; j++) data[o + j] = f(st, j, r);
  }
  return new NDArray(data, x.shape, x.dtype);
}

/** The run-time rank check of the softmax family (a fed scalar has no class axis), on both executors. */
function checkRows(shape: readonly number[], op: { readonly name: string; readonly type: string }): void {
  if (shape.length < 1) throw new InvalidArgumentError(`${op.type} '${op.name}': logits must have at least one dimension, got shape [].`, op);
}

/** The lowering of the softmax family: max, shift, exp and sum along the last axis. */
function lowerRows(ctx: LowerContext, x: IRValue, op: { readonly name: string; readonly type: string }) {
  checkRows(x.shape, op);
  const a = [x.shape.length - 1];
  const d = ctx.binary('sub', x, ctx.reduce('max', x, a, true));
  const e = ctx.unary('exp', d);
  return { d, e, s: ctx.reduce('sum', e, a, true) };
}

export const Softmax: OpSpec = {
  type: 'Softmax',
  infer: lastAxisInfer('Softmax'),
  // TF1 _SoftmaxGrad: (dy - sum(dy * y, -1, keepdims)) * y
  grad: (op, [dy]) => [softmaxJacobian(dy!, op.outputs[0])],
  lower: (ctx, op) => {
    const { e, s: sum } = lowerRows(ctx, ctx.inputs[0], op);
    return [ctx.binary('div', e, sum)];
  },
  reference: ([x], { op }) => {
    checkRows(x.shape, op);
    return [mapRows(x, ({ e, s: sum }, j, r) => r(e[j] / sum))];
  },
};

function softmaxJacobian(dy: Tensor, y: Tensor): Tensor {
  return multiply(subtract(dy, reduceSum(multiply(dy, y, 'mul'), -1, true), 'sub'), y, 'mul');
}

export const LogSoftmax: OpSpec = {
  type: 'LogSoftmax',
  infer: lastAxisInfer('LogSoftmax'),
  // TF1 _LogSoftmaxGrad: dy - sum(dy, -1, keepdims) * exp(y)
  grad: (op, [dy]) => [subtract(dy!, multiply(reduceSum(dy!, -1, true), exp(op.outputs[0]), 'mul'), 'sub')],
  lower: (ctx, op) => {
    const { d, s: sum } = lowerRows(ctx, ctx.inputs[0], op);
    return [ctx.binary('sub', d, ctx.unary('log', sum))];
  },
  reference: ([x], { op }) => {
    checkRows(x.shape, op);
    return [mapRows(x, ({ d, s: sum }, j, r) => r(d[j] - r(Math.log(sum))))];
  },
};

/** Shapes of the two outputs ([batch], [batch, classes]) of the cross-entropy ops. */
function xentInfer(type: string, sparse: boolean): (ctx: InferContext) => OutputInfo[] {
  return (ctx) => {
    const [logits, labels] = ctx.inputs;
    const what = `${type} '${ctx.name}'`;
    requireDType(ctx, 0, FLOATS, type);
    if (logits.shape && logits.shape.length !== 2) {
      throw new InvalidArgumentError(
        `${what}: logits ${logits} must be 2-D [batch, classes], but has shape ${formatDims(logits.shape)}.`);
    }
    let s: Dim[] = logits.shape ? [...logits.shape] : [null, null];
    if (sparse) {
      if (!isInt(labels.dtype)) {
        throw new InvalidArgumentError(`${what}: labels ${labels} must be an integer tensor, not ${labels.dtype}.`);
      }
      if (labels.shape && labels.shape.length !== 1) {
        throw new InvalidArgumentError(
          `${what}: labels ${labels} must be 1-D [batch], but has shape ${formatDims(labels.shape)}.`);
      }
      const b = labels.shape?.[0] ?? null;
      if (b !== null && s[0] !== null && b !== s[0]) {
        throw new InvalidArgumentError(
          `${what}: logits and labels must have the same first dimension, got logits shape ${formatDims(s)} and ` +
          `labels shape ${formatDims(labels.shape)}.`);
      }
      s = [s[0] ?? b, s[1]];
    } else {
      if (labels.dtype !== logits.dtype) {
        throw new InvalidArgumentError(`${what}: labels ${labels} must have the dtype of logits ${logits}.`);
      }
      if (!compatible(labels.shape, s)) {
        throw new InvalidArgumentError(
          `${what}: logits and labels must be same size: logits_size=${formatDims(s)} ` +
          `labels_size=${formatDims(labels.shape)}.`);
      }
      s = mergeShapes(s, labels.shape) as Dim[];
    }
    return [{ dtype: logits.dtype, shape: [s[0]] }, { dtype: logits.dtype, shape: s }];
  };
}

/**
 * Loss and backprop row by row given per-class label weights (for sparse: a one-hot row), as
 * the lowering computes them: loss = Σ labels·(log s − d), backprop = e/s − labels.
 */
function xentRows(logits: NDArray, label: (row: number, j: number) => number): NDArray[] {
  const [b, c] = logits.shape;
  const r = rounder(logits.dtype);
  const loss = allocate(logits.dtype, b), back = allocate(logits.dtype, b * c);
  for (let i = 0; i < b; i++) {
    const { d, e, s: sum } = rowStats(logits.data, i * c, c, r);
    const ls = r(Math.log(sum));
    let l = 0;
    for (let j = 0; j < c; j++) {
      const y = label(i, j);
      l += r(y * r(ls - d[j]));
      back[i * c + j] = r(r(e[j] / sum) - y);
    }
    loss[i] = l;
  }
  return [new NDArray(loss, [b], logits.dtype), new NDArray(back, [b, c], logits.dtype)];
}

/**
 * Gradient of both cross-entropy ops wrt the logits: dLoss[:, None] * backprop, plus, when the
 * backprop output itself is differentiated (second order), its softmax Jacobian.
 * why: as TF1, backprop = softmax - labels, the exact gradient when each label row sums to 1.
 */
function xentLogitsGrad(logits: Tensor, backprop: Tensor, dLoss: Tensor | null, dBack: Tensor | null): Tensor | null {
  const parts: Tensor[] = [];
  if (dLoss) parts.push(multiply(expandDims(dLoss, -1), backprop, 'mul'));
  if (dBack) parts.push(softmaxJacobian(dBack, softmax(logits)));
  return parts.length === 2 ? add(parts[0], parts[1], 'add') : parts[0] ?? null;
}

export const SoftmaxCrossEntropyWithLogits: OpSpec = {
  type: 'SoftmaxCrossEntropyWithLogits',
  lower: (ctx, op) => {
    const [logits, labels] = ctx.inputs;
    if (logits.shape.length !== 2 || !sameShape(logits.shape, labels.shape)) {
      throw new InvalidArgumentError(
        `logits and labels must be same size and 2-D: logits_size=[${logits.shape}] labels_size=[${labels.shape}]`, op);
    }
    const { d, e, s: sum } = lowerRows(ctx, logits, op);
    const nlp = ctx.binary('sub', ctx.unary('log', sum), d);
    const loss = ctx.reduce('sum', ctx.binary('mul', labels, nlp), [1], false);
    return [loss, ctx.binary('sub', ctx.binary('div', e, sum), labels)];
  },
  infer: xentInfer('SoftmaxCrossEntropyWithLogits', false),
  grad: (op, [dLoss, dBack]): GradEntry[] => {
    const [logits] = op.inputs;
    return [
      () => xentLogitsGrad(logits, op.outputs[1], dLoss, dBack),
      // loss = -sum(labels * log_softmax(logits)) and backprop = softmax - labels, so
      // dlabels = -log_softmax(logits) * dLoss[:, None] - dBack.
      () => {
        const parts: Tensor[] = [];
        if (dLoss) parts.push(multiply(expandDims(dLoss, -1), negative(logSoftmax(logits)), 'mul'));
        if (dBack) parts.push(negative(dBack));
        return parts.length === 2 ? add(parts[0], parts[1], 'add') : parts[0] ?? null;
      },
    ];
  },
  reference: ([logits, labels], { op }) => {
    if (!sameShape(logits.shape, labels.shape) || logits.rank !== 2) {
      throw new InvalidArgumentError(
        `logits and labels must be same size and 2-D: logits_size=[${logits.shape}] labels_size=[${labels.shape}]`, op);
    }
    const c = logits.shape[1];
    return xentRows(logits, (i, j) => labels.data[i * c + j]);
  },
};

export const SparseSoftmaxCrossEntropyWithLogits: OpSpec = {
  type: 'SparseSoftmaxCrossEntropyWithLogits',
  infer: xentInfer('SparseSoftmaxCrossEntropyWithLogits', true),
  grad: (op, [dLoss, dBack]) => [() => xentLogitsGrad(op.inputs[0], op.outputs[1], dLoss, dBack), null],
  reference: ([logits, labels], { op }) => {
    const [b, c] = logits.shape;
    if (logits.rank !== 2 || labels.rank !== 1 || labels.shape[0] !== b) {
      throw new InvalidArgumentError(
        `logits and labels must have the same first dimension, got logits shape [${logits.shape}] ` +
        `and labels shape [${labels.shape}]`, op);
    }
    for (const v of labels.data) {
      if (!(v >= 0 && v < c)) {
        throw new InvalidArgumentError(
          `Received a label value of ${v} which is outside the valid range of [0, ${c}).  ` +
          `Label values: ${labels.data.join(' ')}`, op);
      }
    }
    return xentRows(logits, (i, j) => (labels.data[i] === j ? 1 : 0));
  },
};

/** The permutation swapping axis a with the last of r axes (its own inverse). */
function swapLast(a: number, r: number): number[] {
  const perm = Array.from({ length: r }, (_, i) => i);
  perm[a] = r - 1;
  perm[r - 1] = a;
  return perm;
}

/** A non-negative axis of a tensor of known rank, or an error naming the function. */
function knownAxis(x: Tensor, axis: number, fn: string): number {
  if (x.shape === null) throw new InvalidArgumentError(`${fn}: axis ${axis} needs ${x} to have a known rank.`);
  const a = normAxis(axis, x.shape.length);
  if (a === undefined) {
    throw new InvalidArgumentError(`${fn}: axis ${axis} is out of range for ${x} (rank ${x.shape.length}).`);
  }
  return a;
}

/** Softmax-style op over `axis`: the op itself for the last axis, else between two transposes (as TF1). */
function overAxis(spec: OpSpec, logits: TensorLike, axis: number, name: string | undefined): Tensor {
  const x = convertToTensor(logits, { name: 'logits' });
  if (axis === -1 || (x.shape !== null && axis === x.shape.length - 1)) {
    return out(createOp(spec, [x], { T: x.dtype }, name ?? spec.type));
  }
  const perm = swapLast(knownAxis(x, axis, `tf.nn.${spec.type}`), x.shape!.length);
  const y = out(createOp(spec, [transpose(x, perm)], { T: x.dtype }, spec.type));
  return transpose(y, perm, name ?? 'transpose');
}

/** max(features, 0) elementwise (TF1 tf.nn.relu). @example tf.nn.relu(tf.matmul(x, w).add(b)) */
export function relu(features: TensorLike, name?: string): Tensor {
  return out(sameTypeOp(Relu, { features }, {}, name ?? 'Relu'));
}

/**
 * exp(logits) / sum(exp(logits)) along `axis` (default: the last), computed stably
 * (TF1 tf.nn.softmax). @example tf.nn.softmax(tf.matmul(x, w))
 */
export function softmax(logits: TensorLike, axis = -1, name?: string): Tensor {
  return overAxis(Softmax, logits, axis, name);
}

/** logits - log(sum(exp(logits))) along `axis` (default: the last) (TF1 tf.nn.log_softmax). */
export function logSoftmax(logits: TensorLike, axis = -1, name?: string): Tensor {
  return overAxis(LogSoftmax, logits, axis, name);
}

export interface CrossEntropyArgs {
  labels: TensorLike;
  logits: TensorLike;
  /** The class axis (default: the last). Dense version only. */
  axis?: number;
  name?: string;
}

// why: TF1 takes these as keywords only; an unknown key (TF1's older `dim` is accepted for axis)
// fails naming the accepted ones, and labels and logits are required.
const DENSE_ARGS: Omit<ArgSpec<CrossEntropyArgs>, 'positional'> = {
  kinds: { labels: 'value', logits: 'value', axis: 'int', name: 'string' },
  aliases: { dim: 'axis' },
};
const SPARSE_ARGS: Omit<ArgSpec<Omit<CrossEntropyArgs, 'axis'>>, 'positional'> = {
  kinds: { labels: 'value', logits: 'value', name: 'string' },
};

function crossEntropyArgs(fn: string, args: unknown, dense: boolean): CrossEntropyArgs {
  const o: Partial<CrossEntropyArgs> = dense ? checkOptions(fn, args, DENSE_ARGS) : checkOptions(fn, args, SPARSE_ARGS);
  for (const k of ['labels', 'logits'] as const) {
    if (o[k] === undefined) throw new InvalidArgumentError(`${fn}: '${k}' is required ({labels, logits}, as TF1's keywords).`);
  }
  return o as CrossEntropyArgs;
}

/** The [-1, classes] shape that flattens all but the last axis of x (TF1's _flatten_outer_dims). */
function flatShape(x: Tensor): readonly number[] | Tensor {
  const r = x.shape!.length;
  const c = x.shape![r - 1];
  return c !== null ? [-1, c] : concat([[-1], slice(shape(x), [r - 1], [1])], 0);
}

/**
 * Per-example cross entropy between `labels` (a distribution per row) and softmax(logits)
 * (TF1 tf.nn.softmax_cross_entropy_with_logits_v2: gradients flow into labels too).
 * @example tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({labels: y, logits}))
 */
export function softmaxCrossEntropyWithLogits(given: CrossEntropyArgs): Tensor {
  const args = crossEntropyArgs('tf.nn.softmaxCrossEntropyWithLogits', given, true);
  return nameScope(args.name ?? 'softmax_cross_entropy_with_logits', (scope) => {
    let logits = convertToTensor(args.logits, { name: 'logits' });
    const labelsDType = operandDType(args.labels) ? undefined : logits.dtype;
    let labels = convertToTensor(args.labels, { name: 'labels', dtype: labelsDType });
    if (labels.dtype !== logits.dtype) labels = cast(labels, logits.dtype);
    const fn = 'tf.nn.softmaxCrossEntropyWithLogits';
    if (!compatible(logits.shape, labels.shape)) {
      throw new InvalidArgumentError(
        `${fn}: logits and labels must be same size: logits_size=${formatDims(logits.shape)} ` +
        `labels_size=${formatDims(labels.shape)} (${logits} vs ${labels}).`);
    }
    const a = knownAxis(logits, args.axis ?? -1, fn);
    const r = logits.shape!.length;
    if (a !== r - 1) {
      const perm = swapLast(a, r);
      logits = transpose(logits, perm);
      labels = transpose(labels, perm);
    }
    const spec = SoftmaxCrossEntropyWithLogits;
    if (r === 2) return out(createOp(spec, [logits, labels], { T: logits.dtype }, scope));
    const flat = flatShape(logits);
    const cost = out(createOp(spec, [reshape(logits, flat), reshape(labels, flat)], { T: logits.dtype }, scope));
    return reshape(cost, slice(shape(logits), [0], [r - 1]));
  });
}

/**
 * Per-example cross entropy between integer class labels and softmax(logits): labels has the
 * shape of logits without its last axis; a label outside [0, classes) fails the run
 * (TF1 tf.nn.sparse_softmax_cross_entropy_with_logits).
 * @example tf.nn.sparseSoftmaxCrossEntropyWithLogits({labels: classIds, logits})
 */
export function sparseSoftmaxCrossEntropyWithLogits(given: Omit<CrossEntropyArgs, 'axis'>): Tensor {
  const args = crossEntropyArgs('tf.nn.sparseSoftmaxCrossEntropyWithLogits', given, false);
  return nameScope(args.name ?? 'SparseSoftmaxCrossEntropyWithLogits', () => {
    const labelsDType = operandDType(args.labels) ? undefined : 'int32';
    const labels = convertToTensor(args.labels, { name: 'labels', dtype: labelsDType });
    const logits = convertToTensor(args.logits, { name: 'logits' });
    const fn = 'tf.nn.sparseSoftmaxCrossEntropyWithLogits';
    const lr = labels.shape?.length, r = logits.shape?.length;
    if (r === 0) {
      throw new InvalidArgumentError(`${fn}: logits cannot be scalars - received shape ${formatShape(logits.shape)}.`);
    }
    if (r === undefined) {
      throw new InvalidArgumentError(`${fn}: needs logits of known rank; ${logits} has unknown rank.`);
    }
    if (lr !== undefined && lr !== r - 1) {
      throw new InvalidArgumentError(
        `${fn}: Rank mismatch: Rank of labels (received ${lr}) should equal rank of logits minus 1 (received ${r}).`);
    }
    if (!compatible(labels.shape, logits.shape!.slice(0, -1))) {
      throw new InvalidArgumentError(
        `${fn}: Shape mismatch: The shape of labels (received ${formatShape(labels.shape)}) should equal the shape ` +
        `of logits except for the last dimension (received ${formatShape(logits.shape)}).`);
    }
    const spec = SparseSoftmaxCrossEntropyWithLogits;
    const attrs = { T: logits.dtype, Tlabels: labels.dtype };
    if (r === 2) return out(createOp(spec, [logits, labels], attrs, spec.type));
    const cost = out(createOp(spec, [reshape(logits, flatShape(logits)), reshape(labels, [-1])], attrs, spec.type));
    return reshape(cost, shape(labels));
  });
}

/**
 * Per-element logistic loss of `logits` against `labels` in [0, 1] (TF1
 * tf.nn.sigmoid_cross_entropy_with_logits), computed stably as
 * max(x, 0) - x·z + log(1 + exp(-|x|)).
 * @example tf.reduceMean(tf.nn.sigmoidCrossEntropyWithLogits({labels: y, logits}))
 */
export function sigmoidCrossEntropyWithLogits(given: Omit<CrossEntropyArgs, 'axis'>): Tensor {
  const args = crossEntropyArgs('tf.nn.sigmoidCrossEntropyWithLogits', given, false);
  return nameScope(args.name ?? 'logistic_loss', (scope) => {
    const logits = convertToTensor(args.logits, { name: 'logits' });
    const labels = convertToTensor(args.labels, { name: 'labels', dtype: operandDType(args.labels) ? undefined : logits.dtype });
    const fn = 'tf.nn.sigmoidCrossEntropyWithLogits';
    if (!FLOATS.includes(logits.dtype)) throw new InvalidArgumentError(`${fn}: logits ${logits} must be float32 or float64, not ${logits.dtype}.`);
    if (labels.dtype !== logits.dtype) throw new InvalidArgumentError(`${fn}: labels ${labels} must have the dtype of logits ${logits}; use tf.cast.`);
    if (!compatible(logits.shape, labels.shape)) {
      throw new InvalidArgumentError(`${fn}: logits and labels must have the same shape (${formatShape(logits.shape)} vs ${formatShape(labels.shape)}).`);
    }
    const zeros = zerosLike(logits);
    const cond = greaterEqual(logits, zeros);
    const reluLogits = where(cond, logits, zeros);
    const negAbsLogits = where(cond, negative(logits), logits);
    return add(subtract(reluLogits, multiply(logits, labels, 'mul'), 'sub'), log1p(exp(negAbsLogits)), scope);
  });
}

/**
 * Logistic loss with positive examples weighted by posWeight (TF1
 * tf.nn.weighted_cross_entropy_with_logits(targets, logits, pos_weight)):
 * (1 - z)·x + (1 + (posWeight - 1)·z)·(log1p(exp(-|x|)) + max(-x, 0)).
 */
export function weightedCrossEntropyWithLogits(targets: TensorLike, logits: TensorLike, posWeight: TensorLike, name?: string): Tensor {
  return nameScope(name ?? 'logistic_loss', (scope) => {
    const x = convertToTensor(logits, { name: 'logits' });
    const z = convertToTensor(targets, { name: 'targets', dtype: operandDType(targets) ? undefined : x.dtype });
    const fn = 'tf.nn.weightedCrossEntropyWithLogits';
    if (!compatible(x.shape, z.shape)) {
      throw new InvalidArgumentError(`${fn}: logits and targets must have the same shape (${formatShape(x.shape)} vs ${formatShape(z.shape)}).`);
    }
    const pw = convertToTensor(posWeight, { name: 'pos_weight', dtype: operandDType(posWeight) ? undefined : x.dtype });
    const logWeight = add(multiply(subtract(pw, 1, 'sub'), z, 'mul'), 1, 'add');
    const softplusNeg = add(log1p(exp(negative(abs(x)))), relu(negative(x)), 'add_1');
    return add(multiply(subtract(1, z, 'sub_1'), x, 'mul_1'), multiply(logWeight, softplusNeg, 'mul_2'), scope);
  });
}
