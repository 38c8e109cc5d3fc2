// Clipping, built as TF1's clip_ops.py builds it from other ops (so gradients, lowering and
// fusion come from those): clipByValue, clipByNorm, globalNorm, clipByGlobalNorm.
import { isFloat } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { nameScope, type Tensor } from '../graph.js';
import { broadcastStatic, formatDims } from '../shape.js';
import { onesLike, where } from './array.js';
import { convertToTensor, type TensorLike } from './define_op.js';
import { add, divide, greater, maximum, minimum, multiply, subtract } from './math_binary.js';
import { sqrt } from './math_unary.js';
import { l2Loss } from './normalization.js';
import { opArgs, type ArgSpec, type OptArgs } from './op_args.js';
import { reduceSum } from './reduce.js';
import { identity } from './sources.js';
import { stack } from './stacking.js';

const NAME_ONLY: ArgSpec<{ name?: string }> = { positional: ['name'], kinds: { name: 'string' } };

/**
 * t with values below clipValueMin set to it and above clipValueMax set to it (TF1
 * tf.clip_by_value: maximum(minimum(t, max), min)); the bounds broadcast but may not grow t.
 * @example tf.clipByValue(x, 0, 1)
 */
export function clipByValue(t: TensorLike, clipValueMin: TensorLike, clipValueMax: TensorLike, ...args: OptArgs<[name: string], { name?: string }>): Tensor {
  const { name } = opArgs('tf.clipByValue', args, NAME_ONLY);
  return nameScope(name ?? 'clip_by_value', (scope) => {
    const values = convertToTensor(t, { name: 't' });
    const lo = convertToTensor(clipValueMin, { dtype: values.dtype, name: 'clip_value_min', what: 'tf.clipByValue clipValueMin' });
    const hi = convertToTensor(clipValueMax, { dtype: values.dtype, name: 'clip_value_max', what: 'tf.clipByValue clipValueMax' });
    for (const b of [lo, hi]) {
      const s = broadcastStatic(values.shape, b.shape);
      if (s === undefined || (s !== null && values.shape !== null && s.length !== values.shape.length) ||
        (s !== null && values.shape !== null && s.some((d, i) => d !== null && values.shape![i] !== null && d !== values.shape![i]))) {
        throw new InvalidArgumentError(`tf.clipByValue: the bound ${b} (shape ${formatDims(b.shape)}) must broadcast to ${values} (shape ${formatDims(values.shape)}) without changing its shape.`);
      }
    }
    const tMin = minimum(values, hi, 'Minimum');
    return maximum(tMin, lo, scope);
  });
}

export interface ClipByNormOptions { axes?: number | readonly number[] | Tensor; name?: string }
const CLIP_BY_NORM_ARGS: ArgSpec<ClipByNormOptions> = { positional: ['axes', 'name'], kinds: { axes: 'value', name: 'string' } };

function requireFloat(t: Tensor, fn: string): void {
  if (!isFloat(t.dtype)) throw new InvalidArgumentError(`${fn}: ${t} must be float32 or float64, not ${t.dtype}.`);
}

/**
 * t scaled so that its L2 norm (over `axes`, all by default) is at most clipNorm (TF1
 * tf.clip_by_norm(t, clip_norm, axes, name)): t · clipNorm / max(‖t‖, clipNorm).
 * @example tf.clipByNorm(grad, 5)
 */
export function clipByNorm(t: TensorLike, clipNorm: TensorLike, ...args: OptArgs<[axes: number | readonly number[] | Tensor, name: string], ClipByNormOptions>): Tensor {
  const o = opArgs('tf.clipByNorm', args, CLIP_BY_NORM_ARGS);
  return nameScope(o.name ?? 'clip_by_norm', (scope) => {
    const values = convertToTensor(t, { name: 't' });
    requireFloat(values, 'tf.clipByNorm');
    const norm = convertToTensor(clipNorm, { dtype: values.dtype, name: 'clip_norm', what: 'tf.clipByNorm clipNorm' });
    if (norm.shape !== null && norm.shape.length !== 0) throw new InvalidArgumentError(`tf.clipByNorm: clipNorm ${norm} must be a scalar.`);
    // why: as TF1, a zero norm takes the sqrt of 1 instead, so the gradient stays finite
    const l2sum = reduceSum(multiply(values, values, 'mul'), o.axes ?? null, true);
    const pred = greater(l2sum, 0, 'Greater');
    const l2sumSafe = where(pred, l2sum, onesLike(l2sum), 'Select');
    const l2norm = where(pred, sqrt(l2sumSafe), l2sum, 'Select_1');
    const intermediate = multiply(values, norm, 'mul_1');
    return identity(divide(intermediate, maximum(l2norm, norm, 'Maximum'), 'truediv'), scope);
  });
}

/** The L2 norm of all the tensors together, sqrt(Σ‖t‖²) (TF1 tf.global_norm); null entries are skipped. */
export function globalNorm(tList: readonly (TensorLike | null)[], name?: string): Tensor {
  const ts = tensorList(tList, 'tf.globalNorm');
  if (!ts.some((x) => x)) throw new InvalidArgumentError('tf.globalNorm: the list holds no tensor.');
  return nameScope(name ?? 'global_norm', (scope) => {
    const halfSquares = ts.filter((x): x is Tensor => x !== null).map((x) => l2Loss(x));
    const half = reduceSum(stack(halfSquares));
    return sqrt(multiply(half, convertToTensor(2, { dtype: half.dtype, name: 'Const' }), 'mul'), scope);
  });
}

function tensorList(tList: readonly (TensorLike | null)[], fn: string): (Tensor | null)[] {
  if (!Array.isArray(tList)) throw new InvalidArgumentError(`${fn}: expected an array of tensors, got ${typeof tList}.`);
  const ts = tList.map((x, i) => (x === null || x === undefined ? null : convertToTensor(x, { name: `t_${i}` })));
  for (const x of ts) if (x) requireFloat(x, fn);
  return ts;
}

export interface ClipByGlobalNormOptions { useNorm?: TensorLike | null; name?: string }
const GLOBAL_ARGS: ArgSpec<ClipByGlobalNormOptions> = { positional: ['useNorm', 'name'], kinds: { useNorm: 'value', name: 'string' } };

/**
 * Scales every tensor by clipNorm / max(globalNorm, clipNorm) (TF1 tf.clip_by_global_norm(t_list,
 * clip_norm, use_norm, name)); returns [the clipped list, the global norm]. A non-finite norm
 * makes every value NaN, as TF1. Null entries stay null.
 * @example const [clipped, norm] = tf.clipByGlobalNorm(grads, 5)
 */
export function clipByGlobalNorm(tList: readonly (TensorLike | null)[], clipNorm: TensorLike,
  ...args: OptArgs<[useNorm: TensorLike | null, name: string], ClipByGlobalNormOptions>): [(Tensor | null)[], Tensor] {
  const { useNorm, name } = opArgs('tf.clipByGlobalNorm', args, GLOBAL_ARGS);
  const ts = tensorList(tList, 'tf.clipByGlobalNorm');
  return nameScope(name ?? 'clip_by_global_norm', (scope) => {
    const norm = useNorm === undefined || useNorm === null ? globalNorm(ts) : convertToTensor(useNorm, { name: 'use_norm' });
    const clip = convertToTensor(clipNorm, { dtype: norm.dtype, name: 'clip_norm', what: 'tf.clipByGlobalNorm clipNorm' });
    const one = convertToTensor(1, { dtype: norm.dtype, name: 'Const' });
    const scaleForFinite = multiply(clip, minimum(divide(one, norm, 'truediv'), divide(one, clip, 'truediv_1'), 'Minimum'), 'mul');
    // why: norm - norm is NaN for an infinite or NaN norm, so every clipped value is NaN then (TF1)
    const scale = add(scaleForFinite, subtract(norm, norm, 'sub'), 'add');
    let k = 0;
    // why: TF1 names them '<scope>/<scope>_<i>' (identity(name='%s_%d' % (scope, i)))
    const clipped = ts.map((x) => (x ? identity(multiply(x, scale, 'mul'), `${scope}_${k++}`) : null));
    return [clipped, norm];
  });
}
