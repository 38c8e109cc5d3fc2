// Movement ops: Transpose, ConcatV2, Slice, Pad, ExpandDims, Squeeze, and the helpers their
// gradients use (InvertPermutation, ConcatOffset). Gather and OneHot are in indexing.ts; tf.pad
// (its modes and PadV2) in padding.ts.
import { allocate, type DType } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { constantValue, createOp, nameScope, type Operation, type Tensor } from '../graph.js';
import { NDArray } from '../ndarray.js';
import { intList, padArray, sliceArray, transposeArray } from '../kernels.js';
import type { OpSpec } from '../op_spec.js';
import type { LowerContext } from '../prims.js';
import { formatDims, isFullyDefined, normAxis, numElements, type Dim, type Shape } from '../shape.js';
import { range, rank, reshape, shape } from './array.js';
import { convertToTensor, out, type TensorLike } from './define_op.js';
import { subtract } from './math_binary.js';
import {
  axisError, constInts, foldConstant, info, int32Vector, intArg, ints, loweredInts, operandDType, unknownDims, type IntsArg,
} from './op_args.js';
import { pad } from './padding.js';
import { identity } from './sources.js';

function checkPerm(perm: readonly number[], r: number, what: string): void {
  if (perm.length !== r) {
    throw new InvalidArgumentError(
      `${what}: perm [${perm}] has ${perm.length} entries for a tensor of rank ${r}; give one entry per axis.`);
  }
  const seen = new Array<boolean>(r).fill(false);
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= r) {
      throw new InvalidArgumentError(`${what}: perm [${perm}] is not a permutation: ${p} is out of range [0 .. ${r}).`);
    }
    seen[p] = true;
  }
  const missing = seen.indexOf(false);
  if (missing >= 0) {
    throw new InvalidArgumentError(`${what}: perm [${perm}] is not a permutation: ${missing} is missing.`);
  }
}

export const Transpose: OpSpec = {
  type: 'Transpose',
  lower: (ctx, op) => {
    const perm = loweredInts(ctx, 1, op);
    checkPerm(perm, ctx.inputs[0].shape.length, `Transpose '${op.name}'`);
    return [ctx.transpose(ctx.inputs[0], perm)];
  },
  infer: (ctx) => {
    const x = ctx.inputs[0];
    intArg(ctx, 1, 'perm', 1);
    const perm = constInts(ctx, 1);
    const r = x.shape?.length ?? perm?.length ?? ctx.inputs[1].shape?.[0] ?? null;
    if (!perm || r === null) return info(x.dtype, unknownDims(r));
    checkPerm(perm, r, `Transpose '${ctx.name}' of ${x}`);
    return info(x.dtype, perm.map((p) => (x.shape ? x.shape[p] : null)));
  },
  constant: foldConstant,
  grad: (op, [dy]) => [transpose(dy!, invertPermutation(op.inputs[1])), null],
  reference: ([x, p], { op }) => {
    const perm = intList(p);
    checkPerm(perm, x.rank, `Transpose '${op.name}'`);
    return [transposeArray(x, perm)];
  },
};

export const InvertPermutation: OpSpec = {
  type: 'InvertPermutation',
  infer: (ctx) => {
    intArg(ctx, 0, 'x', 1);
    return info('int32', ctx.inputs[0].shape);
  },
  constant: foldConstant,
  reference: ([p], { op }) => {
    const perm = intList(p);
    checkPerm(perm, perm.length, `InvertPermutation '${op.name}'`);
    const inv = new Array<number>(perm.length);
    perm.forEach((v, i) => { inv[v] = i; });
    return [int32Vector(inv)];
  },
};

type Shaped = { shape: Shape | number[]; toString(): string };

/** Static checks of ConcatV2's values: one rank (not 0), equal dims off the axis. */
function concatShape(values: readonly Shaped[], axis: number | undefined, what: string): Shape {
  const known = values.filter((v) => v.shape !== null);
  if (!known.length) return null;
  const first = known[0];
  const r = first.shape!.length;
  for (const v of known) {
    if (v.shape!.length !== r) {
      throw new InvalidArgumentError(
        `${what}: values must have one rank, but ${first} has rank ${r} and ${v} has rank ${v.shape!.length}.`);
    }
  }
  if (r === 0) {
    throw new InvalidArgumentError(`${what}: can't concatenate scalars; make them vectors first (tf.expandDims).`);
  }
  if (axis === undefined) return unknownDims(r);
  const a = normAxis(axis, r);
  if (a === undefined) throw axisError(what, axis, r);
  return Array.from({ length: r }, (_, d) => {
    if (d === a) {
      const all = values.every((v) => v.shape !== null && v.shape[d] !== null);
      return all ? values.reduce((s, v) => s + (v.shape![d] as number), 0) : null;
    }
    let m: Dim = null;
    let from = first;
    for (const v of known) {
      const vd = v.shape![d];
      if (vd === null) continue;
      if (m !== null && vd !== m) {
        throw new InvalidArgumentError(
          `${what}: dimension ${d} of the values must be equal, but is ${m} for ${from} and ${vd} for ${v}; only ` +
          `dimension ${a} (the axis) may differ.`);
      }
      if (m === null) { m = vd; from = v; }
    }
    return m;
  });
}

export const ConcatV2: OpSpec = {
  type: 'ConcatV2',
  lower: (ctx, op) => {
    const values = ctx.inputs.slice(0, -1);
    const named = values.map((v, i) => ({ shape: [...v.shape], toString: () => `values[${i}] ${formatDims([...v.shape])}` }));
    const axis = loweredInts(ctx, values.length, op)[0];
    const outShape = concatShape(named, axis, `ConcatV2 '${op.name}'`) as number[];
    return [ctx.concat(values, normAxis(axis, outShape.length)!)];
  },
  infer: (ctx) => {
    const values = ctx.inputs.slice(0, -1);
    intArg(ctx, values.length, 'axis', 0);
    for (const v of values) {
      if (v.dtype !== values[0].dtype) {
        throw new InvalidArgumentError(
          `ConcatV2 '${ctx.name}': values must have one dtype, but ${values[0]} is ${values[0].dtype} and ${v} is ` +
          `${v.dtype}. Use tf.cast to make them match.`);
      }
    }
    return info(values[0].dtype, concatShape(values, constInts(ctx, values.length)?.[0], `ConcatV2 '${ctx.name}'`));
  },
  constant: foldConstant,
  grad: (op, [dy]) => {
    const values = op.inputs.slice(0, -1);
    const sizes = values.map((v) => shape(v));
    let offsets: Tensor[] | undefined;
    const offset = (i: number) => (offsets ??= concatOffset(op.inputs[values.length], sizes))[i];
    return [...values.map((_, i) => () => slice(dy!, offset(i), sizes[i])), null];
  },
  reference: (xs, { op }) => {
    const values = xs.slice(0, -1);
    const what = `ConcatV2 '${op.name}'`;
    const named = values.map((v, i) => ({ shape: v.shape, toString: () => `values[${i}] ${formatDims(v.shape)}` }));
    const outShape = concatShape(named, xs[values.length].data[0], what) as number[];
    const a = normAxis(xs[values.length].data[0], outShape.length)!;
    const inner = numElements(outShape.slice(a + 1));
    const outer = numElements(outShape.slice(0, a));
    const data = allocate(values[0].dtype, numElements(outShape));
    let o = 0;
    for (let i = 0; i < outer; i++) {
      for (const v of values) {
        const chunk = v.shape[a] * inner;
        data.set(v.data.subarray(i * chunk, (i + 1) * chunk), o);
        o += chunk;
      }
    }
    return [new NDArray(data, outShape, values[0].dtype)];
  },
};

/** TF1's ConcatOffset: where each input of a concat starts along the axis, as index vectors. */
export const ConcatOffset: OpSpec = {
  type: 'ConcatOffset',
  infer: (ctx) => ctx.inputs.slice(1).map((s) => ({ dtype: 'int32' as DType, shape: s.shape })),
  reference: ([axisV, ...shapes], { op }) => {
    const dims = shapes.map(intList);
    const a = normAxis(axisV.data[0], dims[0].length);
    if (a === undefined) throw axisError(`ConcatOffset '${op.name}'`, axisV.data[0], dims[0].length);
    let off = 0;
    return dims.map((d) => {
      const o = new Array<number>(d.length).fill(0);
      o[a] = off;
      off += d[a];
      return int32Vector(o);
    });
  },
};

/** The output size along one axis of a Slice; throws naming the op when out of bounds. */
function sliceDim(dim: Dim, begin: number | undefined, size: number | undefined, i: number, what: string): Dim {
  if (begin !== undefined && (begin < 0 || (dim !== null && begin > dim))) {
    throw new InvalidArgumentError(
      `${what}: begin[${i}] = ${begin} is out of range for dimension ${i} of size ${dim ?? '?'}.`);
  }
  if (size === undefined) return null;
  if (size < -1) throw new InvalidArgumentError(`${what}: size[${i}] = ${size} must be -1 (to the end) or >= 0.`);
  if (size === -1) return dim !== null && begin !== undefined ? dim - begin : null;
  if (dim !== null && begin !== undefined && begin + size > dim) {
    throw new InvalidArgumentError(
      `${what}: begin[${i}] + size[${i}] = ${begin} + ${size} exceeds dimension ${i} of size ${dim}.`);
  }
  return size;
}

function checkLength(v: number[] | undefined, r: number, arg: string, what: string): void {
  if (v && v.length !== r) {
    throw new InvalidArgumentError(`${what}: ${arg} [${v}] has ${v.length} entries for a tensor of rank ${r}.`);
  }
}

export const Slice: OpSpec = {
  type: 'Slice',
  lower: (ctx, op) => {
    const x = ctx.inputs[0];
    const what = `Slice '${op.name}'`;
    const b = loweredInts(ctx, 1, op), sz = loweredInts(ctx, 2, op);
    checkLength(b, x.shape.length, 'begin', what);
    checkLength(sz, x.shape.length, 'size', what);
    return [ctx.slice(x, b, x.shape.map((d, i) => sliceDim(d, b[i], sz[i], i, what) as number))];
  },
  infer: (ctx) => {
    const [x, bt, st] = ctx.inputs;
    intArg(ctx, 1, 'begin', 1);
    intArg(ctx, 2, 'size', 1);
    const b = constInts(ctx, 1), s = constInts(ctx, 2);
    const r = x.shape?.length ?? b?.length ?? s?.length ?? bt.shape?.[0] ?? st.shape?.[0] ?? null;
    if (r === null) return info(x.dtype, null);
    const what = `Slice '${ctx.name}' of ${x}`;
    for (const [arg, t] of [['begin', bt], ['size', st]] as const) {
      const n = t.shape?.[0] ?? null;
      if (n !== null && n !== r) {
        throw new InvalidArgumentError(`${what}: ${arg} ${t} has ${n} entries for a tensor of rank ${r}.`);
      }
    }
    return info(x.dtype, Array.from({ length: r }, (_, i) => sliceDim(x.shape?.[i] ?? null, b?.[i], s?.[i], i, what)));
  },
  constant: foldConstant,
  grad: (op, [dy]) => {
    const [x, begin] = op.inputs;
    const y = op.outputs[0];
    const b = constantValue(begin);
    let paddings: Tensor;
    if (b && isFullyDefined(x.shape) && isFullyDefined(y.shape)) {
      const xs = x.shape, ys = y.shape;
      const rows = intList(b).flatMap((v, i) => [v, xs[i] - ys[i] - v]);
      paddings = convertToTensor(new NDArray(Int32Array.from(rows), [xs.length, 2], 'int32'), { name: 'paddings' });
    } else {
      // paddings = [begin, shape(x) - shape(y) - begin] as columns
      const after = subtract(subtract(shape(x), shape(y), 'sub'), begin, 'sub');
      paddings = concat([reshape(begin, [-1, 1]), reshape(after, [-1, 1])], 1);
    }
    return [pad(dy!, paddings), null, null];
  },
  reference: ([x, bv, sv], { op }) => {
    const what = `Slice '${op.name}'`;
    const b = intList(bv), s = intList(sv);
    checkLength(b, x.rank, 'begin', what);
    checkLength(s, x.rank, 'size', what);
    return [sliceArray(x, b, x.shape.map((d, i) => sliceDim(d, b[i], s[i], i, what) as number))];
  },
};

function checkPaddings(p: readonly number[], what: string): void {
  for (let i = 0; i < p.length; i += 2) {
    if (p[i] < 0 || p[i + 1] < 0) {
      throw new InvalidArgumentError(`${what}: paddings must be non-negative: [${p[i]}, ${p[i + 1]}] for axis ${i / 2}`);
    }
  }
}

/**
 * The [before, after] rows of a Pad-family op's paddings (input 1) at lowering, checked in the
 * reference kernel's words so both executors report a bad feed alike.
 */
export function loweredPaddings(ctx: LowerContext, op: Operation): (readonly [number, number])[] {
  const x = ctx.inputs[0];
  const pv = loweredInts(ctx, 1, op);
  const ps = ctx.inputs[1].shape;
  if (ps.length !== 2 || ps[0] !== x.shape.length || ps[1] !== 2) {
    throw new InvalidArgumentError(`Pad '${op.name}': paddings must have shape [${x.shape.length}, 2] for an input of shape [${x.shape}], got [${ps}].`, op);
  }
  checkPaddings(pv, `Pad '${op.name}'`);
  return x.shape.map((_, i) => [pv[2 * i], pv[2 * i + 1]] as const);
}

export const Pad: OpSpec = {
  type: 'Pad',
  lower: (ctx, op) => [ctx.pad(ctx.inputs[0], loweredPaddings(ctx, op))],
  infer: (ctx) => {
    const [x, p] = ctx.inputs;
    intArg(ctx, 1, 'paddings', 2);
    const what = `Pad '${ctx.name}' of ${x}`;
    const r = x.shape?.length ?? p.shape?.[0] ?? null;
    const [rows, cols] = p.shape ?? [null, null];
    if ((cols !== null && cols !== 2) || (r !== null && rows !== null && rows !== r)) {
      throw new InvalidArgumentError(`${what}: paddings ${p} must have shape [${r ?? 'rank'}, 2] ` +
        `(one [before, after] row per axis), got ${formatDims(p.shape)}.`);
    }
    const pv = constInts(ctx, 1);
    if (r === null || !pv) return info(x.dtype, unknownDims(r));
    checkPaddings(pv, what);
    return info(x.dtype, Array.from({ length: r }, (_, i) => {
      const d = x.shape?.[i] ?? null;
      return d === null ? null : d + pv[2 * i] + pv[2 * i + 1];
    }));
  },
  constant: foldConstant,
  // dx = dy[paddings[:, 0] : paddings[:, 0] + shape(x)]
  grad: (op, [dy]) => [slice(dy!, reshape(slice(op.inputs[1], [0, 0], [-1, 1]), [-1]), shape(op.inputs[0])), null],
  reference: ([x, p], { op }) => {
    const what = `Pad '${op.name}'`;
    if (p.rank !== 2 || p.shape[0] !== x.rank || p.shape[1] !== 2) {
      throw new InvalidArgumentError(
        `${what}: paddings must have shape [${x.rank}, 2] for an input of shape [${x.shape}], got [${p.shape}].`);
    }
    const pv = intList(p);
    checkPaddings(pv, what);
    return [padArray(x, pv.filter((_, i) => i % 2 === 0), pv.filter((_, i) => i % 2 === 1))];
  },
};

function expandAxis(axis: number, r: number, what: string): number {
  const a = normAxis(axis, r + 1);
  if (a === undefined) {
    throw new InvalidArgumentError(
      `${what}: tried to expand dim index ${axis} for a tensor with ${r} dimensions ` +
      `(expected -${r + 1} <= axis <= ${r}).`);
  }
  return a;
}

export const ExpandDims: OpSpec = {
  type: 'ExpandDims',
  lower: (ctx, op) => {
    const x = ctx.inputs[0];
    const s = [...x.shape];
    s.splice(expandAxis(loweredInts(ctx, 1, op)[0], s.length, `ExpandDims '${op.name}'`), 0, 1);
    return [ctx.reshape(x, s)];
  },
  infer: (ctx) => {
    const x = ctx.inputs[0];
    intArg(ctx, 1, 'axis', 0);
    const axis = constInts(ctx, 1)?.[0];
    if (x.shape === null) return info(x.dtype, null);
    if (axis === undefined) return info(x.dtype, unknownDims(x.shape.length + 1));
    const s = [...x.shape];
    s.splice(expandAxis(axis, s.length, `ExpandDims '${ctx.name}' of ${x}`), 0, 1);
    return info(x.dtype, s);
  },
  constant: foldConstant,
  grad: (op, [dy]) => [reshape(dy!, shape(op.inputs[0])), null],
  reference: ([x, axisV], { op }) => {
    const s = [...x.shape];
    s.splice(expandAxis(axisV.data[0], x.rank, `ExpandDims '${op.name}'`), 0, 1);
    return [new NDArray(x.data.slice(), s, x.dtype)];
  },
};

/** The axes Squeeze removes; null when unknown dims make that unknowable (no squeeze_dims). */
function squeezeAxes(s: readonly Dim[], dims: readonly number[], what: string): Set<number> | null {
  if (!dims.length) return s.includes(null) ? null : new Set(s.flatMap((d, i) => (d === 1 ? [i] : [])));
  const axes = new Set<number>();
  for (const d of dims) {
    const a = normAxis(d, s.length);
    if (a === undefined) {
      throw new InvalidArgumentError(`${what}: tried to squeeze dim index ${d} for a tensor with ${s.length} ` +
        `dimensions (expected -${s.length} <= axis < ${s.length}).`);
    }
    if (s[a] !== null && s[a] !== 1) {
      throw new InvalidArgumentError(`${what}: can not squeeze dim[${a}], expected a dimension of 1, got ${s[a]}.`);
    }
    axes.add(a);
  }
  return axes;
}

export const Squeeze: OpSpec = {
  type: 'Squeeze',
  lower: (ctx, op) => {
    const x = ctx.inputs[0];
    const axes = squeezeAxes(x.shape, op.attrs.squeeze_dims as number[], `Squeeze '${op.name}'`)!;
    return [ctx.reshape(x, x.shape.filter((_, i) => !axes.has(i)))];
  },
  infer: (ctx) => {
    const x = ctx.inputs[0];
    if (x.shape === null) return info(x.dtype, null);
    const axes = squeezeAxes(x.shape, ctx.attrs.squeeze_dims as number[], `Squeeze '${ctx.name}' of ${x}`);
    return info(x.dtype, axes && x.shape.filter((_, i) => !axes.has(i)));
  },
  constant: foldConstant,
  grad: (op, [dy]) => [reshape(dy!, shape(op.inputs[0]))],
  reference: ([x], { op }) => {
    const axes = squeezeAxes(x.shape, op.attrs.squeeze_dims as number[], `Squeeze '${op.name}'`)!;
    return [new NDArray(x.data.slice(), x.shape.filter((_, i) => !axes.has(i)), x.dtype)];
  },
};

/**
 * x with its axes permuted: output axis i is input axis perm[i]; by default the axes are
 * reversed (TF1 tf.transpose).
 * @example tf.transpose(x, [1, 0, 2])
 */
export function transpose(x: TensorLike, perm?: IntsArg, name = 'transpose'): Tensor {
  return nameScope(name, (scope) => {
    const t = convertToTensor(x, { name: 'a' });
    let p: Tensor;
    if (perm !== undefined) p = ints(perm, 'perm');
    else if (t.shape) p = ints(t.shape.map((_, i) => t.shape!.length - 1 - i), 'perm');
    else p = subtract(subtract(rank(t), 1, 'sub'), range(0, rank(t), 1, { name: 'Range' }), 'sub');
    return out(createOp(Transpose, [t, p], { T: t.dtype, Tperm: 'int32' }, scope));
  });
}

/** The inverse of a permutation vector (TF1 tf.invert_permutation). */
export function invertPermutation(perm: IntsArg, name = 'InvertPermutation'): Tensor {
  return nameScope(name, (scope) => out(createOp(InvertPermutation, [ints(perm, 'x')], { T: 'int32' }, scope)));
}

/**
 * Joins tensors along `axis`; other dims must match (TF1 tf.concat). One value gives an Identity.
 * @example tf.concat([a, b], 1)   // [2,3] and [2,4] → [2,7]
 */
export function concat(values: readonly TensorLike[], axis: number | Tensor, name = 'concat'): Tensor {
  if (!Array.isArray(values) || !values.length) {
    throw new InvalidArgumentError('tf.concat needs a non-empty array of values.');
  }
  return nameScope(name, (scope) => {
    if (values.length === 1) {
      ints(axis, 'concat_dim');
      return identity(values[0], scope);
    }
    const dtype = values.map(operandDType).find((d) => d);
    // why: JS values take the dtype of the tensor values, as Python values do in TF1
    const ts = values.map((v, i) => {
      return convertToTensor(v, { dtype: operandDType(v) ? undefined : dtype, name: `values_${i}` });
    });
    return out(createOp(ConcatV2, [...ts, ints(axis, 'axis')], { N: ts.length, T: ts[0].dtype, Tidx: 'int32' }, scope));
  });
}

function concatOffset(axis: Tensor, shapes: Tensor[]): Tensor[] {
  return [...createOp(ConcatOffset, [axis, ...shapes], { N: shapes.length }, 'ConcatOffset').outputs];
}

/**
 * The block of x starting at `begin` with `size` elements per axis; a size of -1 takes the
 * rest of that axis (TF1 tf.slice).
 * @example tf.slice(x, [1, 0], [1, -1])   // row 1
 */
export function slice(x: TensorLike, begin: IntsArg, size: IntsArg, name = 'Slice'): Tensor {
  return nameScope(name, (scope) => {
    const t = convertToTensor(x, { name: 'input' });
    return out(createOp(Slice, [t, ints(begin, 'begin'), ints(size, 'size')], { T: t.dtype, Index: 'int32' }, scope));
  });
}

/**
 * x with a new axis of size 1 inserted at `axis` (-rank-1 <= axis <= rank) (TF1 tf.expand_dims).
 * @example tf.expandDims(v, 0)   // [3] → [1, 3]
 */
export function expandDims(x: TensorLike, axis: number | Tensor, name = 'ExpandDims'): Tensor {
  return nameScope(name, (scope) => {
    const t = convertToTensor(x, { name: 'input' });
    return out(createOp(ExpandDims, [t, ints(axis, 'dim')], { T: t.dtype, Tdim: 'int32' }, scope));
  });
}

/**
 * x without the size-1 axes listed in `axis` (all size-1 axes when omitted) (TF1 tf.squeeze).
 * @example tf.squeeze(x, [0])   // [1, 3] → [3]
 */
export function squeeze(x: TensorLike, axis?: number | readonly number[], name = 'Squeeze'): Tensor {
  const dims = axis === undefined ? [] : typeof axis === 'number' ? [axis] : [...axis];
  return nameScope(name, (scope) => {
    const t = convertToTensor(x, { name: 'input' });
    return out(createOp(Squeeze, [t], { T: t.dtype, squeeze_dims: dims }, scope));
  });
}
