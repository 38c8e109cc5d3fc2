// Array ops that join, cut, repeat and flip along axes: Pack (tf.stack), Unpack (tf.unstack),
// Split / SplitV (tf.split), Tile (tf.tile) and ReverseV2 (tf.reverse). Each lowers to the
// movement primitives (reshape, concat, slice, broadcast, gather), so it compiles and fuses.
import { allocate, type DType } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { constantValue, createOp, nameScope, type Operation, type Tensor } from '../graph.js';
import { intList } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { Attrs, InferContext, OpSpec, OutputInfo } from '../op_spec.js';
import type { IRValue, LowerContext } from '../prims.js';
import { formatDims, isFullyDefined, normAxis, numElements, stridesOf, type Dim, type Shape } from '../shape.js';
import { range, reshape, shape, size, zerosLike } from './array.js';
import { convertToTensor, out, type TensorLike } from './define_op.js';
import { concat, transpose } from './movement.js';
import {
  axisError, constInts, foldConstant, info, intArg, ints, loweredInts, opArgs, operandDType, unknownDims, type ArgSpec, type IntsArg, type OptArgs,
} from './op_args.js';
import { reduceSum } from './reduce.js';

/** [outer, n, inner]: the sizes before, at and after `axis` of a row-major shape. */
function around(s: readonly number[], axis: number): [number, number, number] {
  return [numElements(s.slice(0, axis)), s[axis], numElements(s.slice(axis + 1))];
}

/** One shape from several that must agree (unknown dims take the known ones); throws naming the tensors. */
function mergeShapes(ts: readonly Tensor[], what: string): Shape {
  let merged: Dim[] | null = null;
  let from: Tensor | undefined;
  for (const t of ts) {
    if (t.shape === null) continue;
    if (merged === null) { merged = [...t.shape]; from = t; continue; }
    if (t.shape.length !== merged.length || t.shape.some((d, i) => d !== null && merged![i] !== null && d !== merged![i])) {
      throw new InvalidArgumentError(`${what}: all values must have one shape, but ${from} has shape ${formatDims(from!.shape)} and ${t} has ${formatDims(t.shape)}.`);
    }
    merged = merged.map((d, i) => d ?? t.shape![i]);
  }
  return merged;
}

function checkOneDType(ts: readonly Tensor[], what: string): DType {
  for (const t of ts) {
    if (t.dtype !== ts[0].dtype) throw new InvalidArgumentError(`${what}: all values must have one dtype, but ${ts[0]} is ${ts[0].dtype} and ${t} is ${t.dtype}. Use tf.cast to make them match.`);
  }
  return ts[0].dtype;
}

function normOrThrow(axis: number, r: number, what: string): number {
  const a = normAxis(axis, r);
  if (a === undefined) throw axisError(what, axis, r);
  return a;
}

/** The zeros standing for a missing grad of output i (TF1 fills them in for multi-output ops). */
const gradOrZeros = (op: Operation, dys: readonly (Tensor | null)[]) => dys.map((g, i) => g ?? zerosLike(op.outputs[i]));

/** Pack's run-time check (fed shapes), on both executors: every value has the first one's shape. */
function checkPackShapes(shapes: readonly (readonly number[])[], op: { readonly name: string }): void {
  const s = shapes[0];
  shapes.forEach((x, i) => {
    if (x.length !== s.length || x.some((d, k) => d !== s[k])) {
      throw new InvalidArgumentError(`Pack '${op.name}': values[${i}] has shape [${x}], values[0] has [${s}]; all must match.`);
    }
  });
}

export const Pack: OpSpec = {
  type: 'Pack',
  infer: (ctx) => {
    const what = `Pack '${ctx.name}'`;
    const dtype = checkOneDType(ctx.inputs, what);
    const s = mergeShapes(ctx.inputs, what);
    if (s === null) return info(dtype, null);
    const a = normOrThrow(ctx.attrs.axis as number, s.length + 1, what);
    return info(dtype, [...s.slice(0, a), ctx.inputs.length, ...s.slice(a)]);
  },
  constant: foldConstant,
  grad: (op, [dy]) => unstack(dy!, op.attrs.axis as number, op.inputs.length),
  lower: (ctx, op) => {
    const s = ctx.inputs[0].shape;
    checkPackShapes(ctx.inputs.map((x) => x.shape), op);
    const a = normOrThrow(op.attrs.axis as number, s.length + 1, `Pack '${op.name}'`);
    const parts = ctx.inputs.map((x) => ctx.reshape(x, [...s.slice(0, a), 1, ...s.slice(a)]));
    return [parts.length === 1 ? parts[0] : ctx.concat(parts, a)];
  },
  reference: (xs, { op }) => {
    const s = xs[0].shape;
    checkPackShapes(xs.map((x) => x.shape), op);
    const a = normOrThrow(op.attrs.axis as number, s.length + 1, `Pack '${op.name}'`);
    const outer = numElements(s.slice(0, a)), inner = numElements(s.slice(a)), n = xs.length;
    const data = allocate(xs[0].dtype, outer * n * inner);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < n; k++) data.set(xs[k].data.subarray(o * inner, (o + 1) * inner), (o * n + k) * inner);
    }
    return [new NDArray(data, [...s.slice(0, a), n, ...s.slice(a)], xs[0].dtype)];
  },
};

/** The i-th slice of x along axis a, without that axis (IR). */
function lowerSlice(ctx: LowerContext, x: IRValue, a: number, begin: number, len: number, keepAxis: boolean): IRValue {
  const b = x.shape.map((_, d) => (d === a ? begin : 0));
  const sz = x.shape.map((d, k) => (k === a ? len : d));
  const piece = ctx.slice(x, b, sz);
  return keepAxis ? piece : ctx.reshape(piece, x.shape.filter((_, d) => d !== a));
}

/** Slices of x along axis a at the given sizes (reference kernel). */
function slicesOf(x: NDArray, a: number, sizes: readonly number[], keepAxis: boolean): NDArray[] {
  const [outer, n, inner] = around(x.shape, a);
  let start = 0;
  return sizes.map((len) => {
    const data = allocate(x.dtype, outer * len * inner);
    for (let o = 0; o < outer; o++) data.set(x.data.subarray((o * n + start) * inner, (o * n + start + len) * inner), o * len * inner);
    start += len;
    const s = x.shape.map((d, k) => (k === a ? len : d));
    return new NDArray(data, keepAxis ? s : s.filter((_, k) => k !== a), x.dtype);
  });
}

export const Unpack: OpSpec = {
  type: 'Unpack',
  infer: (ctx) => {
    const x = ctx.inputs[0];
    const num = ctx.attrs.num as number;
    const what = `Unpack '${ctx.name}' of ${x}`;
    if (x.shape === null) return new Array<OutputInfo>(num).fill({ dtype: x.dtype, shape: null });
    const a = normOrThrow(ctx.attrs.axis as number, x.shape.length, what);
    if (x.shape[a] !== null && x.shape[a] !== num) throw new InvalidArgumentError(`${what}: axis ${a} has size ${x.shape[a]}, not num = ${num}.`);
    return new Array<OutputInfo>(num).fill({ dtype: x.dtype, shape: x.shape.filter((_, d) => d !== a) });
  },
  grad: (op, dys) => [stack(gradOrZeros(op, dys), op.attrs.axis as number)],
  lower: (ctx, op) => {
    const x = ctx.inputs[0];
    const a = normOrThrow(op.attrs.axis as number, x.shape.length, `Unpack '${op.name}'`);
    checkUnpackNum(x.shape[a], op);
    return Array.from({ length: x.shape[a] }, (_, k) => lowerSlice(ctx, x, a, k, 1, false));
  },
  reference: ([x], { op }) => {
    const a = normOrThrow(op.attrs.axis as number, x.rank, `Unpack '${op.name}'`);
    checkUnpackNum(x.shape[a], op);
    return slicesOf(x, a, new Array<number>(x.shape[a]).fill(1), false);
  },
};

function checkUnpackNum(n: number, op: { readonly name: string; readonly attrs: Attrs }): void {
  if (n !== op.attrs.num) throw new InvalidArgumentError(`Unpack '${op.name}': the axis has size ${n} at run time, not num = ${op.attrs.num}.`);
}

/** The sizes of a split of a dim of size `dim`: num equal parts, or the given sizes (one may be -1). */
function splitSizes(dim: number, num: number | undefined, given: readonly number[] | undefined, what: string): number[] {
  if (given === undefined) {
    if (dim % num! !== 0) throw new InvalidArgumentError(`${what}: Dimension size must be evenly divisible by ${num} but is ${dim}.`);
    return new Array<number>(num!).fill(dim / num!);
  }
  const unknown = given.filter((d) => d === -1).length;
  if (unknown > 1 || given.some((d) => d < -1)) throw new InvalidArgumentError(`${what}: size_splits [${given}] may hold one -1, others must be >= 0.`);
  const known = given.reduce((s, d) => (d === -1 ? s : s + d), 0);
  if (unknown ? known > dim : known !== dim) {
    throw new InvalidArgumentError(`${what}: size_splits [${given}] must sum to the dimension size ${dim}${unknown ? ' (with -1 taking the rest)' : ''}.`);
  }
  return given.map((d) => (d === -1 ? dim - known : d));
}

interface SplitLayout { value: number; axis: number; sizes?: number }

function splitSpec(type: 'Split' | 'SplitV', at: SplitLayout): OpSpec {
  return {
    type,
    infer: (ctx: InferContext) => {
      const x = ctx.inputs[at.value];
      const num = ctx.attrs.num_split as number;
      intArg(ctx, at.axis, 'axis', 0);
      if (at.sizes !== undefined) intArg(ctx, at.sizes, 'size_splits', 1);
      const what = `${type} '${ctx.name}' of ${x}`;
      const axis = constInts(ctx, at.axis)?.[0];
      const given = at.sizes === undefined ? undefined : constInts(ctx, at.sizes);
      if (given && given.length !== num) throw new InvalidArgumentError(`${what}: size_splits has ${given.length} entries, not num = ${num}.`);
      if (x.shape === null || axis === undefined) return new Array<OutputInfo>(num).fill({ dtype: x.dtype, shape: unknownDims(x.shape?.length ?? null) });
      const a = normOrThrow(axis, x.shape.length, what);
      const dim = x.shape[a];
      const sizes = dim !== null && (at.sizes === undefined || given) ? splitSizes(dim, num, given, what) : undefined;
      const sizeOf = (i: number): Dim => sizes?.[i] ?? (given && given[i] >= 0 ? given[i] : null);
      return Array.from({ length: num }, (_, i) => ({ dtype: x.dtype, shape: x.shape!.map((d, k) => (k === a ? sizeOf(i) : d)) }));
    },
    grad: (op, dys) => {
      const parts = concat(gradOrZeros(op, dys), op.inputs[at.axis]);
      return op.inputs.map((_, i) => (i === at.value ? parts : null));
    },
    lower: (ctx, op) => {
      const x = ctx.inputs[at.value];
      const what = `${type} '${op.name}'`;
      const a = normOrThrow(loweredInts(ctx, at.axis, op)[0], x.shape.length, what);
      const given = at.sizes === undefined ? undefined : loweredInts(ctx, at.sizes, op);
      let start = 0;
      return splitSizes(x.shape[a], op.attrs.num_split as number, given, what).map((len) => {
        const piece = lowerSlice(ctx, x, a, start, len, true);
        start += len;
        return piece;
      });
    },
    reference: (ins, { op }) => {
      const x = ins[at.value];
      const what = `${type} '${op.name}'`;
      const a = normOrThrow(ins[at.axis].data[0], x.rank, what);
      const given = at.sizes === undefined ? undefined : intList(ins[at.sizes]);
      return slicesOf(x, a, splitSizes(x.shape[a], op.attrs.num_split as number, given, what), true);
    },
  };
}

export const Split = splitSpec('Split', { axis: 0, value: 1 });
export const SplitV = splitSpec('SplitV', { value: 0, sizes: 1, axis: 2 });

function checkMultiples(m: readonly number[], r: number, what: string): void {
  if (m.length !== r) throw new InvalidArgumentError(`${what}: multiples [${m}] has ${m.length} entries for a tensor of rank ${r}; give one per axis.`);
  if (m.some((k) => k < 0)) throw new InvalidArgumentError(`${what}: multiples [${m}] must be non-negative.`);
}

export const Tile: OpSpec = {
  type: 'Tile',
  infer: (ctx) => {
    const x = ctx.inputs[0];
    intArg(ctx, 1, 'multiples', 1);
    const m = constInts(ctx, 1);
    const r = x.shape?.length ?? m?.length ?? ctx.inputs[1].shape?.[0] ?? null;
    if (r === null) return info(x.dtype, null);
    const what = `Tile '${ctx.name}' of ${x}`;
    if (ctx.inputs[1].shape?.[0] != null && ctx.inputs[1].shape[0] !== r) {
      throw new InvalidArgumentError(`${what}: multiples ${ctx.inputs[1]} has ${ctx.inputs[1].shape[0]} entries for a tensor of rank ${r}; give one per axis.`);
    }
    if (m) checkMultiples(m, r, what);
    return info(x.dtype, Array.from({ length: r }, (_, i) => {
      const d = x.shape?.[i] ?? null;
      return d === null || !m ? null : d * m[i];
    }));
  },
  constant: foldConstant,
  grad: (op, [dy]) => [tileGrad(op.inputs[0], op.inputs[1], dy!), null],
  lower: (ctx, op) => {
    const x = ctx.inputs[0];
    const m = loweredInts(ctx, 1, op);
    checkMultiples(m, x.shape.length, `Tile '${op.name}'`);
    // [s0, s1] tiled [m0, m1]: [1, s0, 1, s1] broadcast to [m0, s0, m1, s1], read as [m0·s0, m1·s1]
    const spread = ctx.broadcast(ctx.reshape(x, x.shape.flatMap((d) => [1, d])), x.shape.flatMap((d, i) => [m[i], d]));
    return [ctx.reshape(spread, x.shape.map((d, i) => d * m[i]))];
  },
  reference: ([x, mv], { op }) => {
    const m = intList(mv);
    checkMultiples(m, x.rank, `Tile '${op.name}'`);
    const outShape = x.shape.map((d, i) => d * m[i]);
    const data = allocate(x.dtype, numElements(outShape));
    const inStrides = stridesOf(x.shape), outStrides = stridesOf(outShape);
    for (let k = 0; k < data.length; k++) {
      let src = 0;
      for (let a = 0; a < outShape.length; a++) src += (Math.floor(k / outStrides[a]) % outShape[a] % x.shape[a]) * inStrides[a];
      data[k] = x.data[src];
    }
    return [new NDArray(data, outShape, x.dtype)];
  },
};

/** TF1's _TileGrad: dy read as [m0, s0, m1, s1, …], summed over the multiples' axes. */
function tileGrad(x: Tensor, multiples: Tensor, dy: Tensor): Tensor {
  const m = constantValue(multiples);
  if (m && isFullyDefined(x.shape)) {
    const s = x.shape;
    const split = intList(m).flatMap((k, i) => [k, s[i]]);
    return reduceSum(reshape(dy, split), s.map((_, i) => 2 * i));
  }
  const split = reshape(transpose(stack([multiples, shape(x)], 0)), [-1]);
  return reshape(reduceSum(reshape(dy, split), range(0, size(split), 2)), shape(x));
}

function checkReverseAxes(axes: readonly number[], r: number, what: string): number[] {
  const seen = new Set<number>();
  for (const ax of axes) {
    const a = normOrThrow(ax, r, what);
    if (seen.has(a)) throw new InvalidArgumentError(`${what}: axis ${a} specified more than once.`);
    seen.add(a);
  }
  return [...seen];
}

export const ReverseV2: OpSpec = {
  type: 'ReverseV2',
  infer: (ctx) => {
    const x = ctx.inputs[0];
    intArg(ctx, 1, 'axis', 1);
    const axes = constInts(ctx, 1);
    if (axes && x.shape) checkReverseAxes(axes, x.shape.length, `ReverseV2 '${ctx.name}' of ${x}`);
    return info(x.dtype, x.shape);
  },
  constant: foldConstant,
  grad: (op, [dy]) => [reverse(dy!, op.inputs[1]), null],
  lower: (ctx, op) => {
    let x = ctx.inputs[0];
    const n0 = x.shape;
    for (const a of checkReverseAxes(loweredInts(ctx, 1, op), n0.length, `ReverseV2 '${op.name}'`)) {
      const idx = Int32Array.from({ length: n0[a] }, (_, i) => n0[a] - 1 - i);
      x = ctx.gather(x, ctx.constant(new NDArray(idx, [idx.length], 'int32')), a);
    }
    return [x];
  },
  reference: ([x, axesV], { op }) => {
    const axes = new Set(checkReverseAxes(intList(axesV), x.rank, `ReverseV2 '${op.name}'`));
    const strides = stridesOf(x.shape);
    const data = allocate(x.dtype, x.size);
    for (let k = 0; k < data.length; k++) {
      let src = 0;
      for (let a = 0; a < x.rank; a++) {
        const i = Math.floor(k / strides[a]) % x.shape[a];
        src += (axes.has(a) ? x.shape[a] - 1 - i : i) * strides[a];
      }
      data[k] = x.data[src];
    }
    return [new NDArray(data, x.shape, x.dtype)];
  },
};

/**
 * Stacks same-shaped tensors along a new axis (TF1 tf.stack(values, axis=0, name='stack')).
 * @example tf.stack([a, b])   // two [3] → [2, 3]
 */
export function stack(values: readonly TensorLike[], axis = 0, name = 'stack'): Tensor {
  if (!Array.isArray(values) || !values.length) throw new InvalidArgumentError('tf.stack needs a non-empty array of values.');
  if (!Number.isInteger(axis)) throw new InvalidArgumentError(`tf.stack: axis must be an integer, got ${String(axis)}.`);
  return nameScope(name, (scope) => {
    const dtype = values.map(operandDType).find((d) => d);
    const ts = values.map((v, i) => convertToTensor(v, { dtype: operandDType(v) ? undefined : dtype, name: `values_${i}` }));
    return out(createOp(Pack, ts, { N: ts.length, T: ts[0].dtype, axis }, scope));
  });
}

export interface UnstackOptions { num?: number; axis?: number; name?: string }
// why: the axis comes first (the library's contract, `unstack(x, axis?)`: TF1 programs pass it as
// a keyword); TF1's num, rarely given, is an option or the third argument.
const UNSTACK_ARGS: ArgSpec<UnstackOptions> = { positional: ['axis', 'num', 'name'], kinds: { num: 'int', axis: 'int', name: 'string' } };

/**
 * The slices of x along `axis` (default 0) (TF1 tf.unstack(value, num, axis, name='unstack'));
 * num is read from the static shape when not given.
 * @example const [a, b] = tf.unstack(x)   // [2, 3] → two [3]
 * @example tf.unstack(x, 1)                // [2, 3] → three [2]
 */
export function unstack(x: TensorLike, ...args: OptArgs<[axis: number, num: number, name: string], UnstackOptions>): Tensor[] {
  const o = opArgs('tf.unstack', args, UNSTACK_ARGS);
  const axis = o.axis ?? 0;
  return nameScope(o.name ?? 'unstack', (scope) => {
    const t = convertToTensor(x, { name: 'value' });
    let num = o.num;
    if (num === undefined) {
      if (t.shape === null) throw new InvalidArgumentError(`tf.unstack: cannot infer num from ${t}, whose rank is unknown; pass num.`);
      const a = normOrThrow(axis, t.shape.length, `tf.unstack of ${t}`);
      if (t.shape[a] === null) throw new InvalidArgumentError(`tf.unstack: cannot infer num from ${t}, whose axis ${a} is unknown; pass num.`);
      num = t.shape[a]!;
    }
    return [...createOp(Unpack, [t], { num, T: t.dtype, axis }, scope).outputs];
  });
}

export interface SplitOptions { axis?: number | Tensor; num?: number; name?: string }
const SPLIT_ARGS: ArgSpec<SplitOptions> = { positional: ['axis', 'num', 'name'], kinds: { axis: 'value', num: 'int', name: 'string' } };

/**
 * Splits x along `axis` into `numOrSizes` equal parts, or parts of the given sizes (one may be
 * -1) (TF1 tf.split(value, num_or_size_splits, axis=0, num, name='split')).
 * @example const [a, b, c] = tf.split(x, 3, 1)
 * @example tf.split(x, [2, -1])
 */
export function split(x: TensorLike, numOrSizes: number | IntsArg, ...args: OptArgs<[axis: number | Tensor, num: number, name: string], SplitOptions>): Tensor[] {
  const o = opArgs('tf.split', args, SPLIT_ARGS);
  return nameScope(o.name ?? 'split', (scope) => {
    const t = convertToTensor(x, { name: 'value' });
    const axis = ints((o.axis ?? 0) as IntsArg | number, 'split_dim');
    if (typeof numOrSizes === 'number') {
      if (!Number.isInteger(numOrSizes) || numOrSizes < 1) throw new InvalidArgumentError(`tf.split: the number of splits must be a positive integer, got ${numOrSizes}.`);
      return [...createOp(Split, [axis, t], { num_split: numOrSizes, T: t.dtype }, scope).outputs];
    }
    const sizes = ints(numOrSizes, 'size_splits');
    const num = o.num ?? sizes.shape?.[0] ?? null;
    if (num === null) throw new InvalidArgumentError(`tf.split: cannot infer the number of splits from ${sizes}; pass num.`);
    return [...createOp(SplitV, [t, sizes, axis], { num_split: num, T: t.dtype, Tlen: 'int32' }, scope).outputs];
  });
}

/**
 * x repeated `multiples[i]` times along each axis i (TF1 tf.tile).
 * @example tf.tile([[1, 2]], [2, 2])   // [[1, 2, 1, 2], [1, 2, 1, 2]]
 */
export function tile(x: TensorLike, multiples: IntsArg, name = 'Tile'): Tensor {
  return nameScope(name, (scope) => {
    const t = convertToTensor(x, { name: 'input' });
    return out(createOp(Tile, [t, ints(multiples, 'multiples')], { T: t.dtype, Tmultiples: 'int32' }, scope));
  });
}

/**
 * x with the order of elements reversed along each of `axes` (TF1 tf.reverse, i.e. reverse_v2).
 * @example tf.reverse([[1, 2], [3, 4]], [1])   // [[2, 1], [4, 3]]
 */
export function reverse(x: TensorLike, axes: IntsArg | number, name = 'ReverseV2'): Tensor {
  return nameScope(name, (scope) => {
    const t = convertToTensor(x, { name: 'tensor' });
    const a = ints(typeof axes === 'number' ? [axes] : axes, 'axis');
    return out(createOp(ReverseV2, [t, a], { T: t.dtype, Tidx: 'int32' }, scope));
  });
}
