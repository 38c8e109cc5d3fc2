// TopKV2 (TF1 tf.nn.top_k): the k largest entries of each row (last axis), sorted from the
// largest, with their indices; equal values keep their order (lower index first), as TF's
// kernel. The gradient scatters dy back to the picked positions (TF1's _TopKGrad), through
// UnsortedSegmentSum. InTopKV2 (tf.nn.in_top_k): is each row's target among its k largest.
// No lowerings: compiled plans call these reference kernels.
import { allocate } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { createOp, nameScope, type Tensor } from '../graph.js';
import { NDArray } from '../ndarray.js';
import type { OpSpec } from '../op_spec.js';
import { formatDims } from '../shape.js';
import { range, reshape, shape, size } from './array.js';
import { convertToTensor, NUMERIC, requireDType, type TensorLike } from './define_op.js';
import { add } from './math_binary.js';
import { expandDims, slice } from './movement.js';
import { unsortedSegmentSum } from './indexing.js';
import { constInts, intArg, ints, operandDType } from './op_args.js';

export const TopKV2: OpSpec = {
  type: 'TopKV2',
  infer: (ctx) => {
    const x = ctx.inputs[0];
    requireDType(ctx, 0, NUMERIC, 'TopKV2');
    intArg(ctx, 1, 'k', 0);
    if (x.shape !== null && x.shape.length < 1) {
      throw new InvalidArgumentError(`${ctx.name}: input ${x} must have at least one dimension, but has shape ${formatDims(x.shape)}.`);
    }
    const k = constInts(ctx, 1)?.[0] ?? null;
    const n = x.shape ? x.shape[x.shape.length - 1] : null;
    if (k !== null && k < 0) throw new InvalidArgumentError(`${ctx.name}: k must be non-negative, got ${k}.`);
    if (k !== null && n !== null && n < k) {
      throw new InvalidArgumentError(`${ctx.name}: input ${x} must have at least k = ${k} columns, but has ${n}.`);
    }
    const s = x.shape ? [...x.shape.slice(0, -1), k] : null;
    return [{ dtype: x.dtype, shape: s }, { dtype: 'int32', shape: s }];
  },
  grad: (op, [dv]) => [dv ? () => topKGrad(op.inputs[0], op.outputs[1], dv) : null, null],
  reference: ([x, kv], { op }) => {
    const k = kv.data[0], n = x.shape[x.rank - 1] ?? 0;
    if (x.rank < 1 || !(k >= 0 && k <= n)) {
      throw new InvalidArgumentError(`${op.name}: input [${x.shape}] must have at least k = ${k} columns (k >= 0).`, op);
    }
    const rows = n ? x.size / n : 0;
    const values = allocate(x.dtype, rows * k), indices = new Int32Array(rows * k);
    const order = Array.from({ length: n }, (_, i) => i);
    for (let r = 0; r < rows; r++) {
      const row = x.data.subarray(r * n, (r + 1) * n);
      // why: Array.prototype.sort is stable, so equal values keep the lower index first.
      const sorted = order.slice().sort((a, b) => (row[b] > row[a] ? 1 : row[b] < row[a] ? -1 : 0));
      for (let j = 0; j < k; j++) { indices[r * k + j] = sorted[j]; values[r * k + j] = row[sorted[j]]; }
    }
    const s = [...x.shape.slice(0, -1), k];
    return [new NDArray(values, s, x.dtype), new NDArray(indices, s, 'int32')];
  },
};

/** dy scattered into zeros of x's shape at each row's picked columns. */
function topKGrad(x: Tensor, indices: Tensor, dv: Tensor): Tensor {
  const xShape = shape(x);
  const r = x.shape?.length;
  if (r === undefined) throw new InvalidArgumentError(`tf.nn.topK gradient: input ${x} needs a known rank.`);
  const n = x.shape![r - 1] ?? reshape(slice(xShape, [r - 1], [1]), []);
  const total = size(x);
  const rowStarts = expandDims(range(0, total, n), -1);
  const flat = reshape(add(indices, rowStarts), [-1]);
  return reshape(unsortedSegmentSum(reshape(dv, [-1]), flat, total), xShape);
}

/**
 * The k largest entries of each row of `input` (its last axis), largest first, and their
 * indices: [values, indices] (TF1 tf.nn.top_k; always sorted).
 * @example const [values, indices] = tf.nn.topK(logits, 5)
 */
export function topK(input: TensorLike, k = 1, name?: string): [Tensor, Tensor] {
  return nameScope(name ?? 'TopKV2', (scope) => {
    const x = convertToTensor(input, { name: 'input' });
    const op = createOp(TopKV2, [x, ints(k, 'k')], { T: x.dtype, sorted: true }, scope);
    return [op.outputs[0], op.outputs[1]];
  });
}

/** TF1's InTopKV2(predictions, targets, k): whether each row's target class is among its k largest predictions. */
export const InTopKV2: OpSpec = {
  type: 'InTopKV2',
  infer: (ctx) => {
    const [p, t] = ctx.inputs;
    if (p.dtype !== 'float32') throw new InvalidArgumentError(`${ctx.name}: predictions ${p} must be float32, not ${p.dtype}.`);
    if (t.dtype !== 'int32') throw new InvalidArgumentError(`${ctx.name}: targets ${t} must be int32, not ${t.dtype}.`);
    intArg(ctx, 2, 'k', 0);
    if (p.shape && p.shape.length !== 2) throw new InvalidArgumentError(`${ctx.name}: predictions ${p} must be 2-D [batch, classes], but has shape ${formatDims(p.shape)}.`);
    if (t.shape && t.shape.length !== 1) throw new InvalidArgumentError(`${ctx.name}: targets ${t} must be 1-D [batch], but has shape ${formatDims(t.shape)}.`);
    const b = p.shape?.[0] ?? null, tb = t.shape?.[0] ?? null;
    if (b !== null && tb !== null && b !== tb) {
      throw new InvalidArgumentError(`${ctx.name}: First dimension of predictions ${b} must match length of targets ${tb}.`);
    }
    return [{ dtype: 'bool', shape: [b ?? tb] }];
  },
  reference: ([p, t, kv], { op }) => {
    const [b, n] = p.shape;
    if (p.rank !== 2 || t.rank !== 1 || t.shape[0] !== b) {
      throw new InvalidArgumentError(`${op.name}: First dimension of predictions ${b} must match length of targets ${t.shape[0]}.`, op);
    }
    const k = kv.data[0];
    const out = new Uint8Array(b);
    for (let i = 0; i < b; i++) {
      const target = t.data[i];
      // why: as TF's kernel, an out-of-range target or a non-finite prediction is never in the top k.
      if (!(target >= 0 && target < n) || !Number.isFinite(p.data[i * n + target])) continue;
      const v = p.data[i * n + target];
      let above = 0;
      for (let j = 0; j < n; j++) if (p.data[i * n + j] > v) above++;
      out[i] = above < k ? 1 : 0;
    }
    return [new NDArray(out, [b], 'bool')];
  },
};

/**
 * Whether targets[i] is among the k largest entries of predictions[i] (ties at the boundary
 * count as in) (TF1 tf.nn.in_top_k). @example tf.nn.inTopK(logits, labels, 1)
 */
export function inTopK(predictions: TensorLike, targets: TensorLike, k: number, name?: string): Tensor {
  return nameScope(name ?? 'in_top_k', (scope) => {
    const p = convertToTensor(predictions, { name: 'predictions' });
    const t = convertToTensor(targets, { name: 'targets', dtype: operandDType(targets) ? undefined : 'int32' });
    return createOp(InTopKV2, [p, t, ints(k, 'k')], { T: t.dtype }, scope).outputs[0];
  });
}
