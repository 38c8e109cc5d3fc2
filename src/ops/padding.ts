// tf.pad in TF1's three modes: CONSTANT (Pad, or PadV2 with a constant other than 0), REFLECT and
// SYMMETRIC (MirrorPad, lowered to gathers with constant indices along each padded axis, and its
// gradient MirrorPadGrad).
import { InvalidArgumentError } from '../errors.js';
import { constantValue, createOp, nameScope, type Tensor } from '../graph.js';
import { allocate } from '../dtypes.js';
import { intList, padArray } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { Attrs, OpSpec } from '../op_spec.js';
import { NotLowerable } from '../prims.js';
import { numElements, stridesOf } from '../shape.js';
import { convertToTensor, out, type TensorLike } from './define_op.js';
import { loweredPaddings, Pad } from './movement.js';
import { constInts, info, loweredInts, opArgs, unknownDims, type ArgSpec, type OptArgs } from './op_args.js';

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
    return [ctx.pad(ctx.inputs[0], loweredPaddings(ctx, op), c.data[0])];
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

/** [before, after] per axis, checked against what mirroring allows for each known dim. */
function mirrorRows(pv: readonly number[], dims: readonly (number | null)[], reflect: boolean, what: string): [number, number][] {
  if (pv.length !== 2 * dims.length) {
    throw new InvalidArgumentError(`${what}: paddings [${pv}] must have shape [${dims.length}, 2] (one [before, after] row per axis).`);
  }
  return dims.map((n, a) => {
    const [before, after] = [pv[2 * a], pv[2 * a + 1]];
    const limit = n === null ? Infinity : reflect ? n - 1 : n;
    if (before < 0 || after < 0 || before > limit || after > limit) {
      throw new InvalidArgumentError(`${what}: paddings [${before}, ${after}] for axis ${a} of size ${n} must be in [0, ${limit}] ` +
        `(${reflect ? 'less than the dimension' : 'at most the dimension'} for ${reflect ? 'REFLECT' : 'SYMMETRIC'}).`);
    }
    return [before, after];
  });
}

const isReflect = (attrs: Attrs) => attrs.mode === 'REFLECT';

/** TF1's MirrorPad (REFLECT leaves the edge out, SYMMETRIC repeats it): gathers along the padded axes. */
export const MirrorPad: OpSpec = {
  type: 'MirrorPad',
  infer: (ctx) => {
    const [x] = ctx.inputs;
    const [out0] = Pad.infer(ctx);
    const pv = constInts(ctx, 1);
    if (pv && x.shape) mirrorRows(pv, x.shape, isReflect(ctx.attrs), `MirrorPad '${ctx.name}' of ${x}`);
    return [out0];
  },
  grad: (op, [dy]) => [out(createOp(MirrorPadGrad, [dy!, op.inputs[1]], { T: dy!.dtype, Tpaddings: 'int32', mode: op.attrs.mode }, 'MirrorPadGrad')), null],
  lower: (ctx, op) => {
    let x = ctx.inputs[0];
    const rows = mirrorRows(loweredInts(ctx, 1, op), x.shape, isReflect(op.attrs), `MirrorPad '${op.name}'`);
    rows.forEach(([before, after], a) => {
      if (!before && !after) return;
      const idx = Int32Array.from(mirrorIndices(x.shape[a], before, after, isReflect(op.attrs)));
      x = ctx.gather(x, ctx.constant(new NDArray(idx, [idx.length], 'int32')), a);
    });
    return [x];
  },
  reference: ([x, p], { op }) => {
    const rows = mirrorRows(intList(p), x.shape, isReflect(op.attrs), `MirrorPad '${op.name}'`);
    const outShape = x.shape.map((d, a) => d + rows[a][0] + rows[a][1]);
    const maps = x.shape.map((d, a) => mirrorIndices(d, rows[a][0], rows[a][1], isReflect(op.attrs)));
    const inStrides = stridesOf(x.shape), outStrides = stridesOf(outShape);
    const data = allocate(x.dtype, numElements(outShape));
    for (let k = 0; k < data.length; k++) {
      let src = 0;
      for (let a = 0; a < outShape.length; a++) src += maps[a][Math.floor(k / outStrides[a]) % outShape[a]] * inStrides[a];
      data[k] = x.data[src];
    }
    return [new NDArray(data, outShape, x.dtype)];
  },
};

/**
 * The gradient of MirrorPad: each x element sums the dy elements copied from it. Lowered per
 * padded axis as a masked reduction (dx[i] = Σ_k [src(k) = i] dy[k], k ascending, as the
 * reference sums), so it compiles and fuses like a reduction.
 */
export const MirrorPadGrad: OpSpec = {
  type: 'MirrorPadGrad',
  infer: (ctx) => {
    const [dy] = ctx.inputs;
    const pv = constInts(ctx, 1);
    if (dy.shape === null || !pv) return info(dy.dtype, unknownDims(dy.shape?.length ?? null));
    return info(dy.dtype, dy.shape.map((d, a) => (d === null ? null : d - pv[2 * a] - pv[2 * a + 1])));
  },
  grad: (op, [g]) => [out(createOp(MirrorPad, [g!, op.inputs[1]], { T: g!.dtype, Tpaddings: 'int32', mode: op.attrs.mode }, 'MirrorPad')), null],
  lower: (ctx, op) => {
    let g = ctx.inputs[0];
    const pv = loweredInts(ctx, 1, op);
    const reflect = isReflect(op.attrs);
    g.shape.forEach((_, a) => {
      const [before, after] = [pv[2 * a], pv[2 * a + 1]];
      if (!before && !after) return;
      const s = g.shape, m = s[a], n = m - before - after;
      const src = mirrorIndices(n, before, after, reflect);
      const mask = new Uint8Array(n * m);
      src.forEach((i, k) => { mask[i * m + k] = 1; });
      const ones = (c: number) => new Array<number>(c).fill(1);
      const maskV = ctx.constant(new NDArray(mask, [...ones(a), n, m, ...ones(s.length - a - 1)], 'bool'));
      const gk = ctx.reshape(g, [...s.slice(0, a), 1, m, ...s.slice(a + 1)]);
      const zero = ctx.constant(new NDArray(allocate(g.dtype, 1), [], g.dtype));
      g = ctx.reduce('sum', ctx.where(maskV, gk, zero), [a + 1], false);
    });
    return [g];
  },
  reference: ([dy, p], { op }) => {
    const pv = intList(p);
    const reflect = isReflect(op.attrs);
    let g = dy;
    dy.shape.forEach((_, a) => {
      const [before, after] = [pv[2 * a], pv[2 * a + 1]];
      if (!before && !after) return;
      const m = g.shape[a], n = m - before - after;
      const src = mirrorIndices(n, before, after, reflect);
      const outer = numElements(g.shape.slice(0, a)), inner = numElements(g.shape.slice(a + 1));
      const shape = g.shape.map((d, k) => (k === a ? n : d));
      const acc = new Float64Array(outer * n * inner);
      for (let o = 0; o < outer; o++) {
        for (let k = 0; k < m; k++) {
          for (let r = 0; r < inner; r++) acc[(o * n + src[k]) * inner + r] += g.data[(o * m + k) * inner + r];
        }
      }
      const data = allocate(g.dtype, acc.length);
      data.set(acc);
      g = new NDArray(data, shape, g.dtype);
    });
    return [g];
  },
};

function mirrorPad(t: Tensor, p: Tensor, reflect: boolean, scope: string): Tensor {
  return out(createOp(MirrorPad, [t, p], { T: t.dtype, Tpaddings: 'int32', mode: reflect ? 'REFLECT' : 'SYMMETRIC' }, scope));
}
