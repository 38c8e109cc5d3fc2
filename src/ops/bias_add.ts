// BiasAdd and BiasAddGrad (TF1 tf.nn.bias_add): a bias vector added along the last axis, and
// its gradient, the sum of dy over every other axis. In a dense layer the add is the matmul's
// epilogue and BiasAddGrad one reduction. Also tf.nn.xw_plus_b.
import { InvalidArgumentError, type ErrorOp } from '../errors.js';
import { createOp, nameScope, type Tensor } from '../graph.js';
import { mapBinary, reduce } from '../kernels.js';
import type { InferContext, OpSpec } from '../op_spec.js';
import { formatDims, mergeShapes, type Dim } from '../shape.js';
import { zerosLike } from './array.js';
import { NUMERIC, out, requireDType, sameTypeOp, type TensorLike } from './define_op.js';
import { matmul } from './matmul.js';
import { opArgs, type ArgSpec, type OptArgs } from './op_args.js';
import { checkDataFormat } from './windows.js';

function channelsOf(ctx: InferContext, i: number, role: string): Dim {
  const t = ctx.inputs[i];
  if (t.shape !== null && t.shape.length < 2) {
    throw new InvalidArgumentError(`${ctx.name}: ${role} ${t} must be at least rank 2 (the bias is added along the last axis), but has shape ${formatDims(t.shape)}.`);
  }
  return t.shape ? t.shape[t.shape.length - 1] : null;
}

/** The run-time check of BiasAdd (both executors): a vector as long as the value's last dim. */
function checkBias(x: readonly number[], b: readonly number[], op: ErrorOp): void {
  if (x.length < 2 || b.length !== 1 || b[0] !== x[x.length - 1]) {
    throw new InvalidArgumentError(`${op.name}: bias [${b}] must be a vector as long as the last dimension of value [${x}].`, op);
  }
}

export const BiasAdd: OpSpec = {
  type: 'BiasAdd',
  infer: (ctx) => {
    const [x, b] = ctx.inputs;
    requireDType(ctx, 0, NUMERIC, 'BiasAdd');
    const c = channelsOf(ctx, 0, 'value');
    if (b.shape !== null && b.shape.length !== 1) {
      throw new InvalidArgumentError(`${ctx.name}: bias ${b} must be a vector (rank 1), but has shape ${formatDims(b.shape)}.`);
    }
    const bc = b.shape?.[0] ?? null;
    if (c !== null && bc !== null && c !== bc) {
      throw new InvalidArgumentError(
        `Dimensions must be equal, but are ${c} and ${bc} for '${ctx.name}' (op: 'BiasAdd') with input shapes: ` +
        `${formatDims(x.shape)}, ${formatDims(b.shape)}: the bias needs one entry per channel (the last axis of ${x}).`);
    }
    const s = x.shape ? [...x.shape.slice(0, -1), c ?? bc] : null;
    return [{ dtype: x.dtype, shape: s }];
  },
  grad: (op, [dy]) => [dy, out(createOp(BiasAddGrad, [dy!], { T: dy!.dtype, data_format: 'NHWC' }, 'BiasAddGrad'))],
  lower: (ctx, op) => {
    checkBias(ctx.inputs[0].shape, ctx.inputs[1].shape, op);
    return [ctx.binary('add', ctx.inputs[0], ctx.inputs[1])];
  },
  reference: ([x, b], { op }) => {
    checkBias(x.shape, b.shape, op);
    return [mapBinary(x, b, x.dtype, (v, w) => v + w)];
  },
};

const leadingAxes = (rank: number) => Array.from({ length: rank - 1 }, (_, i) => i);

export const BiasAddGrad: OpSpec = {
  type: 'BiasAddGrad',
  infer: (ctx) => {
    const c = channelsOf(ctx, 0, 'out_backprop');
    return [{ dtype: ctx.inputs[0].dtype, shape: mergeShapes([c], [null]) }];
  },
  // The sum over leading axes is linear: its gradient broadcasts back (BiasAdd of zeros and dd).
  grad: (op, [dd]) => [out(createOp(BiasAdd, [zerosLike(op.inputs[0]), dd!], { T: dd!.dtype }, 'BiasAdd'))],
  lower: (ctx) => [ctx.reduce('sum', ctx.inputs[0], leadingAxes(ctx.inputs[0].shape.length), false)],
  reference: ([dy]) => [reduce(dy, leadingAxes(dy.rank), false, dy.dtype, 0, (a, v) => a + v)],
};


export interface BiasAddOptions { dataFormat?: 'NHWC'; name?: string }
const BIAS_ARGS: ArgSpec<BiasAddOptions> = { positional: ['dataFormat', 'name'], kinds: { dataFormat: 'string', name: 'string' } };

/**
 * value + bias, the bias vector added along the last axis (TF1 tf.nn.bias_add).
 * @example tf.nn.biasAdd(tf.matmul(x, w), b)
 */
export function biasAdd(value: TensorLike, bias: TensorLike, ...args: OptArgs<[dataFormat: 'NHWC', name: string], BiasAddOptions>): Tensor {
  const o = opArgs('tf.nn.biasAdd', args, BIAS_ARGS);
  checkDataFormat(o.dataFormat, 'tf.nn.biasAdd');
  return out(sameTypeOp(BiasAdd, { value, bias }, { data_format: 'NHWC' }, o.name ?? 'BiasAdd'));
}

/** matmul(x, weights) + biases (TF1 tf.nn.xw_plus_b). @example tf.nn.xwPlusB(x, w, b) */
export function xwPlusB(x: TensorLike, weights: TensorLike, biases: TensorLike, name?: string): Tensor {
  return nameScope(name ?? 'xw_plus_b', (scope) => biasAdd(matmul(x, weights, { name: 'MatMul' }), biases, { name: scope }));
}
