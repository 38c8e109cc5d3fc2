// Shape-level and movement ops the rest of the library builds on: Shape, Size, Reshape, Fill,
// BroadcastTo, BroadcastGradientArgs, ZerosLike/OnesLike, Cast, SelectV2 (where), StopGradient.
import { allocate, castScalar, checkDType, isFloat, type DType, type DTypeLike } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { createOp, nameScope, type Tensor } from '../graph.js';
import { broadcastIndex, broadcastShapes, castArray, intList, mapTernary } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { InferContext, OpSpec } from '../op_spec.js';
import { NotLowerable } from '../prims.js';
import { broadcastStatic, formatDims, isFullyDefined, numElements, shapeProblem, type Dim, type Shape as StaticShape } from '../shape.js';
import { constantOp, convertToTensor, out, type TensorLike } from './define_op.js';
import { opArgs, type ArgSpec, type OptArgs } from './op_args.js';
import { reduceSum } from './reduce.js';

const int32Vector = (values: readonly number[]) => new NDArray(Int32Array.from(values), [values.length], 'int32');

/** The static shape described by a shape-tensor input: exact when constant, else only its rank. */
function shapeFromInput(ctx: InferContext, i: number): StaticShape {
  const v = ctx.constantValue(i);
  if (v) return intList(v);
  const t = ctx.inputs[i];
  // why: as TF1's constant_value_as_shape, tf.shape(x) is known as far as x's static shape is,
  // so gradients keep shapes like [?, 3] through Reshape/Fill/BroadcastTo.
  if (t.op.type === 'Shape') return t.op.inputs[0].shape && [...t.op.inputs[0].shape];
  const s = t.shape;
  return s && s[0] !== null ? new Array<Dim>(s[0]).fill(null) : null;
}

export const Shape: OpSpec = {
  type: 'Shape',
  lower: (ctx) => [ctx.constant(int32Vector(ctx.inputs[0].shape))],
  infer: ({ inputs }) => [{ dtype: 'int32', shape: [inputs[0].shape === null ? null : inputs[0].shape.length] }],
  constant: (op) => (isFullyDefined(op.inputs[0].shape) ? int32Vector(op.inputs[0].shape) : undefined),
  reference: ([x]) => [int32Vector(x.shape)],
};

export const Size: OpSpec = {
  type: 'Size',
  lower: (ctx) => [ctx.constant(new NDArray(Int32Array.of(numElements(ctx.inputs[0].shape)), [], 'int32'))],
  infer: () => [{ dtype: 'int32', shape: [] }],
  constant: (op) => (isFullyDefined(op.inputs[0].shape) ? new NDArray(Int32Array.of(numElements(op.inputs[0].shape)), [], 'int32') : undefined),
  reference: ([x]) => [new NDArray(Int32Array.of(x.size), [], 'int32')],
};

/** Resolves a reshape target (one -1 allowed) against an element count. */
function resolveReshape(target: number[], size: number, what: string): number[] {
  const unknown = target.indexOf(-1);
  if (target.some((d, i) => d < -1 || (d === -1 && i !== unknown))) {
    throw new InvalidArgumentError(`${what}: only one dimension of the shape [${target.join(',')}] may be -1, others must be >= 0.`);
  }
  const known = target.reduce((a, d) => (d === -1 ? a : a * d), 1);
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) {
      throw new InvalidArgumentError(`${what}: Input to reshape is a tensor with ${size} values, but the requested shape [${target.join(',')}] cannot hold them.`);
    }
    const r = [...target];
    r[unknown] = size / known;
    return r;
  }
  if (known !== size) {
    throw new InvalidArgumentError(`${what}: Input to reshape is a tensor with ${size} values, but the requested shape has ${known}: [${target.join(',')}].`);
  }
  return target;
}

export const Reshape: OpSpec = {
  type: 'Reshape',
  lower: (ctx, op) => {
    const s = ctx.constantValue(1);
    if (!s) throw new NotLowerable(`${op.name}: target shape is only known at run time`);
    return [ctx.reshape(ctx.inputs[0], resolveReshape(intList(s), numElements(ctx.inputs[0].shape), `Reshape '${op.name}'`))];
  },
  infer: (ctx) => {
    const target = shapeFromInput(ctx, 1);
    const x = ctx.inputs[0];
    if (target && target.every((d) => d !== null)) {
      const t = target as number[];
      if (isFullyDefined(x.shape)) return [{ dtype: x.dtype, shape: resolveReshape(t, numElements(x.shape), `Reshape '${ctx.name}' of ${x}`) }];
      return [{ dtype: x.dtype, shape: t.map((d) => (d === -1 ? null : d)) }];
    }
    return [{ dtype: x.dtype, shape: target }];
  },
  grad: (op, [dy]) => [reshape(dy!, shape(op.inputs[0])), null],
  reference: ([x, s], { op }) => [new NDArray(x.data, resolveReshape(intList(s), x.size, `Reshape '${op.name}'`), x.dtype)],
};

export const Fill: OpSpec = {
  type: 'Fill',
  lower: (ctx, op) => {
    const dims = ctx.constantValue(0);
    if (!dims) throw new NotLowerable(`${op.name}: dims are only known at run time`);
    checkFillValue(ctx.inputs[1].shape, op.name);
    return [ctx.broadcast(ctx.reshape(ctx.inputs[1], []), intList(dims))];
  },
  infer: (ctx) => {
    if (ctx.inputs[1].shape) checkFillValue(ctx.inputs[1].shape as number[], ctx.name);
    return [{ dtype: ctx.inputs[1].dtype, shape: shapeFromInput(ctx, 0) }];
  },
  constant: (op) => {
    const dims = op.inputs[0].op.spec.constant?.(op.inputs[0].op);
    const v = op.inputs[1].op.spec.constant?.(op.inputs[1].op);
    return dims && v ? fillArray(intList(dims), v) : undefined;
  },
  grad: (_, [dy]) => [null, reduceAll(dy!)],
  reference: ([dims, v], { op }) => {
    checkFillValue(v.shape, op.name);
    return [fillArray(intList(dims), v)];
  },
};

/** Fill's value is a scalar (TF1), checked statically and, when fed, at run time on both executors. */
function checkFillValue(shape: readonly (number | null)[], name: string): void {
  if (shape.length) throw new InvalidArgumentError(`Fill '${name}': value must be a scalar, got shape ${formatDims([...shape])}.`);
}

function fillArray(dims: number[], v: NDArray): NDArray {
  const problem = shapeProblem(dims);
  if (problem) throw new InvalidArgumentError(`Fill: ${problem}`);
  const data = allocate(v.dtype, numElements(dims));
  data.fill(v.data[0]);
  return new NDArray(data, dims, v.dtype);
}

export const BroadcastTo: OpSpec = {
  type: 'BroadcastTo',
  lower: (ctx, op) => {
    const s = ctx.constantValue(1);
    if (!s) throw new NotLowerable(`${op.name}: target shape is only known at run time`);
    return [ctx.broadcast(ctx.inputs[0], intList(s))];
  },
  infer: (ctx) => {
    const target = shapeFromInput(ctx, 1);
    const s = broadcastStatic(ctx.inputs[0].shape, target);
    if (s === undefined) throw new InvalidArgumentError(`BroadcastTo '${ctx.name}': ${ctx.inputs[0]} cannot be broadcast to ${formatDims(target)}.`);
    return [{ dtype: ctx.inputs[0].dtype, shape: target ?? s }];
  },
  broadcastInputs: [0],
  grad: (_, [dy]) => [dy, null],
  reference: ([x, s], { op }) => {
    const target = intList(s);
    const shp = broadcastShapes(x.shape, target, `BroadcastTo '${op.name}'`);
    if (shp.length !== target.length || shp.some((d, i) => d !== target[i])) {
      throw new InvalidArgumentError(`BroadcastTo '${op.name}': cannot broadcast [${x.shape.join(',')}] to [${target.join(',')}]`, op);
    }
    const idx = broadcastIndex(x.shape, target);
    const data = allocate(x.dtype, idx.length);
    for (let i = 0; i < idx.length; i++) data[i] = x.data[idx[i]];
    return [new NDArray(data, target, x.dtype)];
  },
};

/** The axes to sum each side's gradient over, for numpy broadcasting of shapes s0 and s1. */
function gradientArgs(s0: number[], s1: number[]): [number[], number[]] {
  const n = Math.max(s0.length, s1.length);
  const r0: number[] = [], r1: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = i < n - s0.length ? 1 : s0[i - (n - s0.length)];
    const b = i < n - s1.length ? 1 : s1[i - (n - s1.length)];
    if (a === 1 && b !== 1) r0.push(i);
    else if (b === 1 && a !== 1) r1.push(i);
    else if (a === 1 && b === 1) { r0.push(i); r1.push(i); }
    else if (a !== b) throw new InvalidArgumentError(`Incompatible shapes: [${s0.join(',')}] vs. [${s1.join(',')}]`);
  }
  return [r0, r1];
}

export const BroadcastGradientArgs: OpSpec = {
  type: 'BroadcastGradientArgs',
  infer: () => [{ dtype: 'int32', shape: [null] }, { dtype: 'int32', shape: [null] }],
  reference: ([s0, s1]) => gradientArgs(intList(s0), intList(s1)).map(int32Vector),
};

export const ZerosLike: OpSpec = {
  type: 'ZerosLike',
  lower: (ctx) => [ctx.broadcast(ctx.constant(new NDArray(allocate(ctx.inputs[0].dtype, 1), [], ctx.inputs[0].dtype)), ctx.inputs[0].shape)],
  infer: ({ inputs }) => [{ dtype: inputs[0].dtype, shape: inputs[0].shape }],
  grad: () => [null],
  reference: ([x]) => [new NDArray(allocate(x.dtype, x.size), x.shape, x.dtype)],
};

export const OnesLike: OpSpec = {
  type: 'OnesLike',
  lower: (ctx) => [ctx.broadcast(ctx.constant(new NDArray(allocate(ctx.inputs[0].dtype, 1).fill(1), [], ctx.inputs[0].dtype)), ctx.inputs[0].shape)],
  infer: ({ inputs }) => [{ dtype: inputs[0].dtype, shape: inputs[0].shape }],
  grad: () => [null],
  reference: ([x]) => [new NDArray(allocate(x.dtype, x.size).fill(1), x.shape, x.dtype)],
};

export const Cast: OpSpec = {
  type: 'Cast',
  lower: (ctx, op) => [ctx.cast(ctx.inputs[0], op.attrs.DstT as DType)],
  infer: ({ inputs, attrs }) => [{ dtype: attrs.DstT as DType, shape: inputs[0].shape }],
  constant: (op) => {
    const v = op.inputs[0].op.spec.constant?.(op.inputs[0].op);
    return v && castArray(v, op.attrs.DstT as DType);
  },
  grad: (op, [dy]) => (isFloat(op.inputs[0].dtype) && isFloat(dy!.dtype) ? [cast(dy!, op.inputs[0].dtype)] : [null]),
  reference: ([x], { op }) => [castArray(x, op.attrs.DstT as DType)],
};

export const SelectV2: OpSpec = {
  type: 'SelectV2',
  lower: (ctx) => [ctx.where(ctx.inputs[0], ctx.inputs[1], ctx.inputs[2])],
  broadcastInputs: [1, 2],
  infer: (ctx) => {
    const [c, t, e] = ctx.inputs;
    if (c.dtype !== 'bool') throw new InvalidArgumentError(`where: condition ${c} must be bool, not ${c.dtype}.`);
    if (t.dtype !== e.dtype) throw new InvalidArgumentError(`where: ${t} and ${e} must have one dtype (${t.dtype} vs ${e.dtype}).`);
    const s = broadcastStatic(c.shape, t.shape);
    const s2 = s === undefined ? undefined : broadcastStatic(s, e.shape);
    if (s2 === undefined) {
      throw new InvalidArgumentError(`where '${ctx.name}': shapes ${formatDims(c.shape)}, ${formatDims(t.shape)} and ${formatDims(e.shape)} do not broadcast.`);
    }
    return [{ dtype: t.dtype, shape: s2 }];
  },
  grad: (op, [dy]) => {
    const c = op.inputs[0];
    return [null, () => where(c, dy!, zerosLike(dy!)), () => where(c, zerosLike(dy!), dy!)];
  },
  reference: ([c, t, e], { op }) => [mapTernary(c, t, e, t.dtype, (cv, a, b) => (cv ? a : b), `${op.type} '${op.name}'`)],
};

export const StopGradient: OpSpec = {
  type: 'StopGradient',
  lower: (ctx) => [ctx.inputs[0]],
  infer: ({ inputs }) => [{ dtype: inputs[0].dtype, shape: inputs[0].shape }],
  reference: ([x]) => [x],
};

// why: TF1's shape/size/rank (optimize=True) give a Const when the static shape is known, so
// gradient graphs list `gradients/add_grad/Shape` as type Const, as TF1 prints them.

/** The dynamic shape of x as an int32 vector (TF1 tf.shape). */
export function shape(x: TensorLike, name?: string): Tensor {
  const t = convertToTensor(x);
  if (isFullyDefined(t.shape)) return constantOp(int32Vector(t.shape), name ?? 'Shape');
  return out(createOp(Shape, [t], { out_type: 'int32' }, name ?? 'Shape'));
}

/** The number of elements of x as an int32 scalar (TF1 tf.size). */
export function size(x: TensorLike, name?: string): Tensor {
  const t = convertToTensor(x);
  if (isFullyDefined(t.shape)) return constantOp(new NDArray(Int32Array.of(numElements(t.shape)), [], 'int32'), name ?? 'Size');
  return out(createOp(Size, [t], { out_type: 'int32' }, name ?? 'Size'));
}

type ShapeArg = TensorLike | readonly number[];

function shapeTensor(s: ShapeArg, name: string): Tensor {
  return convertToTensor(s as TensorLike, { dtype: 'int32', name, what: 'shape argument' });
}

/** x with a new shape of the same size; one dim may be -1 (TF1 tf.reshape). */
export function reshape(x: TensorLike, newShape: ShapeArg, name?: string): Tensor {
  return out(nameScope(name ?? 'Reshape', (scope) => createOp(Reshape, [convertToTensor(x, { name: 'tensor' }), shapeTensor(newShape, 'shape')], {}, scope)));
}

/** A tensor of shape `dims` filled with `value` (TF1 tf.fill). */
export function fill(dims: ShapeArg, value: TensorLike, name?: string): Tensor {
  return out(nameScope(name ?? 'Fill', (scope) => createOp(Fill, [shapeTensor(dims, 'dims'), convertToTensor(value, { name: 'value' })], {}, scope)));
}

export function broadcastTo(x: TensorLike, target: ShapeArg, name?: string): Tensor {
  return out(nameScope(name ?? 'BroadcastTo', (scope) => createOp(BroadcastTo, [convertToTensor(x, { name: 'input' }), shapeTensor(target, 'shape')], {}, scope)));
}

/** Reduction axes for the grads of a broadcasting binary op (TF1's BroadcastGradientArgs). */
export function broadcastGradientArgs(s0: Tensor, s1: Tensor, name?: string): [Tensor, Tensor] {
  const op = createOp(BroadcastGradientArgs, [s0, s1], {}, name ?? 'BroadcastGradientArgs');
  return [op.outputs[0], op.outputs[1]];
}

export function zerosLike(x: TensorLike, name?: string): Tensor {
  return out(createOp(ZerosLike, [convertToTensor(x)], {}, name ?? 'zeros_like'));
}

export function onesLike(x: TensorLike, name?: string): Tensor {
  return out(createOp(OnesLike, [convertToTensor(x)], {}, name ?? 'ones_like'));
}

/** A tensor of zeros (TF1 tf.zeros); dtype defaults to float32. */
export function zeros(dims: ShapeArg, dtype: DTypeLike = 'float32', name?: string): Tensor {
  return constantFilled(dims, 0, checkDType(dtype, 'tf.zeros dtype'), name ?? 'zeros', 'tf.zeros');
}

/** A tensor of ones (TF1 tf.ones); dtype defaults to float32. */
export function ones(dims: ShapeArg, dtype: DTypeLike = 'float32', name?: string): Tensor {
  return constantFilled(dims, 1, checkDType(dtype, 'tf.ones dtype'), name ?? 'ones', 'tf.ones');
}

function constantFilled(dims: ShapeArg, v: number, dtype: DType, name: string, what: string): Tensor {
  if (Array.isArray(dims) && dims.every((d) => typeof d === 'number')) {
    const problem = shapeProblem(dims as number[]);
    if (problem) throw new InvalidArgumentError(`${what} '${name}': ${problem}.`);
    const n = numElements(dims as number[]);
    const data = allocate(dtype, n).fill(castScalar(v, dtype));
    return convertToTensor(new NDArray(data, dims as number[], dtype), { name });
  }
  return nameScope(name, (scope) => out(createOp(Fill, [shapeTensor(dims, 'shape'), convertToTensor(v, { dtype, name: 'Const' })], {}, scope)));
}

/** x converted to `dtype` (TF1 tf.cast: floats truncate toward zero into ints). */
export function cast(x: TensorLike, dtypeName: DTypeLike, name?: string): Tensor {
  const dtype = checkDType(dtypeName, 'tf.cast dtype');
  const t = convertToTensor(x);
  if (t.dtype === dtype) return t;
  return out(nameScope(name ?? 'Cast', (scope) => createOp(Cast, [t], { SrcT: t.dtype, DstT: dtype }, scope)));
}

/** Elementwise choice: x where condition is true, else y, with broadcasting (TF1 tf.where_v2). */
export function where(condition: TensorLike, x: TensorLike, y: TensorLike, name?: string): Tensor {
  return nameScope(name ?? 'Select', (scope) => {
    const c = convertToTensor(condition, { name: 'condition' });
    const xt = x instanceof Object && !Array.isArray(x) ? convertToTensor(x, { name: 'x' }) : undefined;
    const yt = convertToTensor(y, { name: 'y', dtype: xt?.dtype });
    return out(createOp(SelectV2, [c, xt ?? convertToTensor(x, { name: 'x', dtype: yt.dtype }), yt], {}, scope));
  });
}

/** x, with gradients not flowing through it (TF1 tf.stop_gradient). */
export function stopGradient(x: TensorLike, name?: string): Tensor {
  return out(createOp(StopGradient, [convertToTensor(x)], {}, name ?? 'StopGradient'));
}

function reduceAll(dy: Tensor): Tensor {
  return reduceSum(dy);
}

export const Rank: OpSpec = {
  type: 'Rank',
  lower: (ctx) => [ctx.constant(new NDArray(Int32Array.of(ctx.inputs[0].shape.length), [], 'int32'))],
  infer: () => [{ dtype: 'int32', shape: [] }],
  constant: (op) => (op.inputs[0].shape ? new NDArray(Int32Array.of(op.inputs[0].shape.length), [], 'int32') : undefined),
  reference: ([x]) => [new NDArray(Int32Array.of(x.rank), [], 'int32')],
};

export const Range: OpSpec = {
  type: 'Range',
  infer: (ctx) => {
    const [s, l, d] = [0, 1, 2].map((i) => ctx.constantValue(i)?.data[0]);
    const n = s !== undefined && l !== undefined && d !== undefined ? rangeLength(s, l, d, ctx.name) : null;
    return [{ dtype: ctx.inputs[0].dtype, shape: [n] }];
  },
  constant: (op) => {
    const v = op.inputs.map((t) => t.op.spec.constant?.(t.op));
    return v.every((x) => x) ? rangeArray(v[0]!.data[0], v[1]!.data[0], v[2]!.data[0], op.outputs[0].dtype, op.name) : undefined;
  },
  reference: ([s, l, d], { op }) => [rangeArray(s.data[0], l.data[0], d.data[0], s.dtype, op.name)],
};

function rangeLength(start: number, limit: number, delta: number, name: string): number {
  if (delta === 0) throw new InvalidArgumentError(`Range '${name}': delta must not be zero.`);
  return Math.max(0, Math.ceil((limit - start) / delta));
}

function rangeArray(start: number, limit: number, delta: number, dtype: DType, name: string): NDArray {
  const n = rangeLength(start, limit, delta, name);
  const data = allocate(dtype, n);
  for (let i = 0; i < n; i++) data[i] = start + i * delta;
  return new NDArray(data, [n], dtype);
}

/** The number of dimensions of x as an int32 scalar (TF1 tf.rank). */
export function rank(x: TensorLike, name?: string): Tensor {
  const t = convertToTensor(x);
  if (t.shape !== null) return constantOp(new NDArray(Int32Array.of(t.shape.length), [], 'int32'), name ?? 'Rank');
  return out(createOp(Rank, [t], {}, name ?? 'Rank'));
}

const RANGE_ARGS: ArgSpec<{ dtype?: DTypeLike; name?: string }> = { positional: ['dtype', 'name'], kinds: { dtype: 'dtype', name: 'string' } };

/**
 * [start, start+delta, …) up to limit (TF1 tf.range(start, limit, delta, dtype, name)). With one argument it is the limit.
 * The dtype follows the arguments: int32 when all are integers, else float32.
 */
export function range(start: TensorLike, limit?: TensorLike, delta: TensorLike = 1,
  ...rest: OptArgs<[dtype: DTypeLike, name: string], { dtype?: DTypeLike; name?: string }>): Tensor {
  const opts = opArgs('tf.range', rest, RANGE_ARGS) as { dtype?: DType; name?: string };
  if (limit === undefined) { limit = start; start = 0; }
  const args = [start, limit, delta];
  const allInts = args.every((a) => typeof a === 'number' ? Number.isInteger(a) : convertToTensorDType(a) === 'int32');
  const dtype = opts.dtype ?? (args.map(convertToTensorDType).find((d) => d) ?? (allInts ? 'int32' : 'float32'));
  return nameScope(opts.name ?? 'range', (scope) => {
    const [s, l, d] = args.map((a, i) => convertToTensor(a, { dtype, name: ['start', 'limit', 'delta'][i] }));
    return out(createOp(Range, [s, l, d], { Tidx: dtype }, scope));
  });
}

function convertToTensorDType(a: TensorLike): DType | undefined {
  return typeof a === 'number' ? undefined : convertToTensor(a).dtype;
}
