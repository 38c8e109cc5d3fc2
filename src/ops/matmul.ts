// MatMul: 2-D matrix product with optional transposes (TF1 tf.matmul on matrices).
import { InvalidArgumentError } from '../errors.js';
import { createOp, type Tensor } from '../graph.js';
import { matmul2d } from '../kernels.js';
import type { OpSpec } from '../op_spec.js';
import { FLOATS, out, requireDType, sameTypeOp, type TensorLike } from './define_op.js';
import { opArgs, type ArgSpec, type OptArgs } from './op_args.js';

export const MatMul: OpSpec = {
  type: 'MatMul',
  infer: (ctx) => {
    const [a, b] = ctx.inputs;
    requireDType(ctx, 0, [...FLOATS, 'int32'], 'MatMul');
    const ta = ctx.attrs.transpose_a === true, tb = ctx.attrs.transpose_b === true;
    for (const t of [a, b]) {
      if (t.shape !== null && t.shape.length !== 2) {
        throw new InvalidArgumentError(`MatMul '${ctx.name}': ${t} must be 2-dimensional (a matrix), but has shape ${JSON.stringify(t.shape)}.`);
      }
    }
    const m = a.shape ? a.shape[ta ? 1 : 0] : null;
    const k1 = a.shape ? a.shape[ta ? 0 : 1] : null;
    const k2 = b.shape ? b.shape[tb ? 1 : 0] : null;
    const n = b.shape ? b.shape[tb ? 0 : 1] : null;
    if (k1 !== null && k2 !== null && k1 !== k2) {
      throw new InvalidArgumentError(`Dimensions must be equal, but are ${k1} and ${k2} for '${ctx.name}' (op: 'MatMul') with input shapes: [${a.shape!.join(',')}], [${b.shape!.join(',')}]${ta || tb ? ` (transpose_a=${ta}, transpose_b=${tb})` : ''}.`);
    }
    return [{ dtype: a.dtype, shape: [m, n] }];
  },
  grad: (op, [dy]) => {
    const [a, b] = op.inputs;
    const ta = op.attrs.transpose_a === true, tb = op.attrs.transpose_b === true;
    // TF1 _MatMulGrad: the four transpose cases.
    if (!ta && !tb) return [() => mm(dy!, b, false, true), () => mm(a, dy!, true, false)];
    if (!ta && tb) return [() => mm(dy!, b, false, false), () => mm(dy!, a, true, false)];
    if (ta && !tb) return [() => mm(b, dy!, false, true), () => mm(a, dy!, false, false)];
    return [() => mm(b, dy!, true, true), () => mm(dy!, a, true, true)];
  },
  lower: (ctx, op) => [ctx.matmul(ctx.inputs[0], ctx.inputs[1], op.attrs.transpose_a === true, op.attrs.transpose_b === true)],
  reference: ([a, b], { op }) => {
    if (a.rank !== 2 || b.rank !== 2) throw new InvalidArgumentError(`MatMul '${op.name}': In[0] and In[1] must be matrices, got [${a.shape}] and [${b.shape}]`, op);
    return [matmul2d(a, b, op.attrs.transpose_a === true, op.attrs.transpose_b === true, a.dtype)];
  },
};

function mm(a: Tensor, b: Tensor, ta: boolean, tb: boolean): Tensor {
  return out(createOp(MatMul, [a, b], { transpose_a: ta, transpose_b: tb }, 'MatMul'));
}

export interface MatmulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
  /** The conjugate transposes; for real dtypes the same as transposeA/transposeB. */
  adjointA?: boolean;
  adjointB?: boolean;
  /** TF1's sparsity hints: accepted, no effect on the result. */
  aIsSparse?: boolean;
  bIsSparse?: boolean;
  name?: string;
}
const MATMUL_ARGS: ArgSpec<MatmulOptions> = {
  positional: ['transposeA', 'transposeB', 'adjointA', 'adjointB', 'aIsSparse', 'bIsSparse', 'name'],
  kinds: { transposeA: 'boolean', transposeB: 'boolean', adjointA: 'boolean', adjointB: 'boolean', aIsSparse: 'boolean', bIsSparse: 'boolean', name: 'string' },
};

/**
 * Matrix product a·b (TF1 tf.matmul(a, b, transpose_a, transpose_b, …, name) for 2-D inputs).
 * @example tf.matmul(x, w, {transposeB: true})   // or tf.matmul(x, w, false, true)
 */
export function matmul(a: TensorLike, b: TensorLike, ...args: OptArgs<[transposeA: boolean, transposeB: boolean, adjointA: boolean,
  adjointB: boolean, aIsSparse: boolean, bIsSparse: boolean, name: string], MatmulOptions>): Tensor {
  const o = opArgs('tf.matmul', args, MATMUL_ARGS);
  if (o.transposeA && o.adjointA) throw new InvalidArgumentError('tf.matmul: only one of transposeA and adjointA can be true.');
  if (o.transposeB && o.adjointB) throw new InvalidArgumentError('tf.matmul: only one of transposeB and adjointB can be true.');
  const ta = o.transposeA === true || o.adjointA === true, tb = o.transposeB === true || o.adjointB === true;
  return out(sameTypeOp(MatMul, { a, b }, { transpose_a: ta, transpose_b: tb }, o.name ?? 'MatMul'));
}
