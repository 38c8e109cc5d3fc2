// tf.pad in TF1's three modes: CONSTANT (Pad, or PadV2 with a constant other than 0), REFLECT and
// SYMMETRIC (TF1's MirrorPad, built here as gathers along each padded axis with constant indices,
// so gather's lowering and gradient serve it).
import { InvalidArgumentError } from '../errors.js';
import { constantValue, createOp, nameScope, type Tensor } from '../graph.js';
import { intList, padArray } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { OpSpec } from '../op_spec.js';
import { NotLowerable } from '../prims.js';
import { formatDims } from '../shape.js';
import { convertToTensor, out, type TensorLike } from './define_op.js';
import { gather } from './indexing.js';
import { Pad } from './movement.js';
import { loweredInts, opArgs, type ArgSpec, type OptArgs } from './op_args.js';

/** Pad with a constant other than 0 (TF1's PadV2); the constant has no gradient. */
export const PadV2: OpSpec = {
  type: 'PadV2',
  infer: (ctx) => {
    const [x, , c] = ctx.inputs;
    if (c.dtype !== x.dtype || (c.shape !== null && c.shape.length !== 0)) {
      throw new InvalidArgumentError(`PadV2 '${ctx.name}': constant_values ${c} must be a ${x.dtype} scalar like ${x}.`);
    }
    return Pad.infer(ctx);
  },
  grad: (op, dys) => [...Pad.grad!(op, dys).slice(0, 2), null],
  lower: (ctx, op) => {
    const c = ctx.constantValue(2);
    if (!c) throw new NotLowerable(`${op.name}: constant_values is only known at run time`);
    const x = ctx.inputs[0];
    const pv = loweredInts(ctx, 1, op);
    if (pv.length !== 2 * x.shape.length || pv.some((v) => v < 0)) {
      throw new InvalidArgumentError(`PadV2 '${op.name}': paddings [${pv}] must be ${x.shape.length} non-negative [before, after] rows for an input of shape [${x.shape}].`);
    }
    return [ctx.pad(x, x.shape.map((_, i) => [pv[2 * i], pv[2 * i + 1]] as const), c.data[0])];
  },
  reference: ([x, p, c], ctx) => {
    const [zeroPadded] = Pad.reference([x, p], ctx) as NDArray[];
    const pv = intList(p);
    return [c.data[0] === 0 ? zeroPadded : padArray(x, pv.filter((_, i) => i % 2 === 0), pv.filter((_, i) => i % 2 === 1), c.data[0])];
  },
};

type Mode = 'CONSTANT' | 'REFLECT' | 'SYMMETRIC';
export interface PadOptions { mode?: Mode | Lowercase<Mode>; name?: string; constantValues?: TensorLike }
const PAD_ARGS: ArgSpec<PadOptions> = {
  positional: ['mode', 'name', 'constantValues'],
  kinds: { mode: 'string', name: 'string', constantValues: 'value' },
};
type PaddingsArg = readonly (readonly number[])[] | Tensor | NDArray;

/**
 * x padded by `paddings[i] = [before, after]` along each axis i (TF1 tf.pad(tensor, paddings,
 * mode='CONSTANT', name, constant_values=0)): with constantValues, or mirrored (REFLECT leaves
 * the edge out, SYMMETRIC repeats it).
 * @example tf.pad(x, [[1, 1], [0, 2]])
 * @example tf.pad(x, [[0, 0], [2, 2]], 'REFLECT')
 */
export function pad(x: TensorLike, paddings: PaddingsArg, ...args: OptArgs<[mode: Mode | Lowercase<Mode>, name: string, constantValues: TensorLike], PadOptions>): Tensor {
  const o = opArgs('tf.pad', args, PAD_ARGS);
  const mode = (o.mode ?? 'CONSTANT').toUpperCase();
  if (mode !== 'CONSTANT' && mode !== 'REFLECT' && mode !== 'SYMMETRIC') {
    throw new InvalidArgumentError(`tf.pad: mode must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC', got ${JSON.stringify(o.mode)}.`);
  }
  if (mode !== 'CONSTANT' && o.constantValues !== undefined) throw new InvalidArgumentError(`tf.pad: constantValues applies to mode 'CONSTANT' only, not ${mode}.`);
  return nameScope(o.name ?? (mode === 'CONSTANT' ? 'Pad' : 'MirrorPad'), (scope) => {
    const t = convertToTensor(x, { name: 'input' });
    const p = convertToTensor(paddings as TensorLike, { dtype: 'int32', name: 'paddings' });
    if (mode !== 'CONSTANT') return mirrorPad(t, p, mode === 'REFLECT', scope);
    const c = o.constantValues === undefined ? undefined : convertToTensor(o.constantValues, { dtype: t.dtype, name: 'constant_values', what: 'tf.pad constantValues' });
    const cv = c && constantValue(c);
    // why: TF1 builds Pad when the constant is 0, PadV2 otherwise
    if (!c || (cv && cv.size === 1 && cv.data[0] === 0 && !Object.is(cv.data[0], -0))) {
      return out(createOp(Pad, [t, p], { T: t.dtype, Tpaddings: 'int32' }, scope));
    }
    return out(createOp(PadV2, [t, p, c], { T: t.dtype, Tpaddings: 'int32' }, scope));
  });
}

/** Source indices of a mirrored axis of size n padded by [before, after]. */
function mirrorIndices(n: number, before: number, after: number, reflect: boolean): number[] {
  const at = (i: number) => {
    if (i < 0) return reflect ? -i : -i - 1;
    if (i >= n) return reflect ? 2 * n - 2 - i : 2 * n - 1 - i;
    return i;
  };
  return Array.from({ length: before + n + after }, (_, k) => at(k - before));
}

function mirrorPad(t: Tensor, p: Tensor, reflect: boolean, scope: string): Tensor {
  const mode = reflect ? 'REFLECT' : 'SYMMETRIC';
  const pv = constantValue(p);
  if (!pv || t.shape === null) throw new InvalidArgumentError(`tf.pad (${mode}): paddings and the rank of ${t} must be known while building the graph.`);
  const r = t.shape.length;
  if (p.shape!.length !== 2 || p.shape![0] !== r || p.shape![1] !== 2) {
    throw new InvalidArgumentError(`tf.pad: paddings ${p} must have shape [${r}, 2] (one [before, after] row per axis), got ${formatDims(p.shape)}.`);
  }
  const rows = intList(pv);
  let y = t;
  for (let a = 0; a < r; a++) {
    const [before, after] = [rows[2 * a], rows[2 * a + 1]];
    if (before === 0 && after === 0) continue;
    const n = t.shape[a];
    const limit = reflect ? (n ?? 1) - 1 : n ?? 0;
    if (n === null) throw new InvalidArgumentError(`tf.pad (${mode}): axis ${a} of ${t} is padded, so its size must be known (shape ${formatDims(t.shape)}).`);
    if (before < 0 || after < 0 || before > limit || after > limit) {
      throw new InvalidArgumentError(`tf.pad (${mode}): paddings [${before}, ${after}] for axis ${a} of size ${n} must be in [0, ${limit}] ` +
        `(${reflect ? 'less than the dimension' : 'at most the dimension'}).`);
    }
    y = gather(y, convertToTensor(mirrorIndices(n, before, after, reflect), { dtype: 'int32', name: `indices_${a}` }), a, `GatherV2_${a}`);
  }
  return y === t ? out(createOp(Pad, [t, p], { T: t.dtype, Tpaddings: 'int32' }, scope)) : y;
}
