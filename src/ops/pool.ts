// 2-D pooling (NHWC) and its gradients as TF1 names them: MaxPool, MaxPoolGrad (and its own
// gradient MaxPoolGradGrad), AvgPool, AvgPoolGrad. Each is a window gather (windows.ts) plus a reduction over the window axis; the
// gradients route dy back through col2im. As TF's CPU kernels: max pooling ignores padding and
// sends the gradient to the first maximum of a window; average pooling divides by the number
// of real (unpadded) elements under the window.
import { allocate, type DType } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { createOp, nameScope, type Tensor } from '../graph.js';
import { NDArray } from '../ndarray.js';
import type { Attrs, InferContext, KernelOp, OpSpec } from '../op_spec.js';
import type { IRValue, LowerContext } from '../prims.js';
import { formatDims, type Dim } from '../shape.js';
import { shape as shapeOf, zerosLike } from './array.js';
import { convertToTensor, FLOATS, out, requireDType, type TensorLike } from './define_op.js';
import { constInts, loweredInts, opArgs, type ArgSpec, type OptArgs } from './op_args.js';
import {
  checkDataFormat, checkRank4, col2imArray, geometry, im2colArray, lowerCol2im, lowerIm2col, nhwcList, paddingArg,
  staticOutput, windowOf, windowSize, type Geometry, type Padding,
} from './windows.js';

export interface PoolOptions {
  /** Only 'NHWC'. */
  dataFormat?: 'NHWC';
  name?: string;
}
const POOL_ARGS: ArgSpec<PoolOptions> = { positional: ['dataFormat', 'name'], kinds: { dataFormat: 'string', name: 'string' } };
/** TF1's optional arguments after padding: data_format, name (or an options object). */
type PoolArgList = OptArgs<[dataFormat: 'NHWC', name: string], PoolOptions>;

const positions = (g: Geometry) => g.oh * g.ow;
const sameDims = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);

function poolGeometry(x: readonly number[], op: KernelOp): Geometry {
  const what = `${op.type} '${op.name}'`;
  if (x.length !== 4) throw new InvalidArgumentError(`${what}: input [${x}] must be 4-D [batch, height, width, channels].`, op);
  return geometry(x, windowOf(op.attrs), what);
}

function poolInfer(ctx: InferContext, i: number): Dim[] {
  const x = ctx.inputs[i];
  requireDType(ctx, i, FLOATS, ctx.name);
  checkRank4(x, 'input', ctx.name);
  const [n, oh, ow] = staticOutput(x.shape, windowOf(ctx.attrs), `'${ctx.name}'`, formatDims(x.shape));
  return [n, oh, ow, x.shape?.[3] ?? null];
}

/** Static shape of a pool gradient's output (the forward input) and the check of dy against it. */
function gradInfer(ctx: InferContext, sizes: Dim[], dyIndex: number): Dim[] {
  const dy = ctx.inputs[dyIndex];
  requireDType(ctx, dyIndex, FLOATS, ctx.name);
  checkRank4(dy, 'grad', ctx.name);
  const [n, oh, ow] = staticOutput(sizes, windowOf(ctx.attrs), `'${ctx.name}'`, formatDims(sizes));
  checkGrad(dy.shape, [n, oh, ow, sizes[3]], ctx.name);
  return sizes;
}

function checkGrad(dy: readonly Dim[] | null, expected: readonly Dim[], what: string, op?: KernelOp): void {
  if (dy && dy.some((d, a) => d !== null && expected[a] !== null && d !== expected[a])) {
    throw new InvalidArgumentError(`${what}: grad ${formatDims([...dy])} must have the pooling output's shape ${formatDims([...expected])}.`, op);
  }
}

/** First maximum of each window, as the reduction prim 'argmax' picks it (NaN wins, ties keep the first). */
function firstMax(win: ArrayLike<number>, base: number, kk: number, c: number): number {
  let best = 0, bv = win[base];
  for (let k = 1; k < kk; k++) {
    const v = win[base + k * c];
    if (v > bv || (v !== v && bv === bv)) { bv = v; best = k; }
  }
  return best;
}

export const MaxPool: OpSpec = {
  type: 'MaxPool',
  infer: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: poolInfer(ctx, 0) }],
  grad: (op, [dy]) => [maxPoolGrad(op.inputs[0], op.outputs[0], dy!, op.attrs)],
  lower: (ctx, op) => {
    const x = ctx.inputs[0];
    const g = poolGeometry(x.shape, op);
    const win = ctx.reshape(lowerIm2col(ctx, x, g, -Infinity), [g.n, positions(g), windowSize(g), g.c]);
    return [ctx.reshape(ctx.reduce('max', win, [2], false), [g.n, g.oh, g.ow, g.c])];
  },
  reference: ([x], { op }) => {
    const g = poolGeometry(x.shape, op);
    const win = im2colArray(x, g, -Infinity).data;
    const kk = windowSize(g), c = g.c, p = g.n * positions(g);
    const y = allocate(x.dtype, p * c);
    for (let q = 0; q < p; q++) {
      for (let r = 0; r < c; r++) {
        let acc = -Infinity;
        for (let k = 0; k < kk; k++) { const v = win[(q * kk + k) * c + r]; acc = v !== v || v > acc ? v : acc; }
        y[q * c + r] = acc;
      }
    }
    return [new NDArray(y, [g.n, g.oh, g.ow, c], x.dtype)];
  },
};

/** TF1's MaxPoolGrad(orig_input, orig_output, grad): grad sent to each window's first maximum. */
export const MaxPoolGrad: OpSpec = {
  type: 'MaxPoolGrad',
  infer: (ctx) => {
    const [x, y] = ctx.inputs;
    if (x.dtype !== y.dtype || x.dtype !== ctx.inputs[2].dtype) {
      throw new InvalidArgumentError(`${ctx.name}: orig_input ${x}, orig_output ${y} and grad ${ctx.inputs[2]} must have one dtype.`);
    }
    checkRank4(x, 'orig_input', ctx.name);
    return [{ dtype: x.dtype, shape: gradInfer(ctx, x.shape ? [...x.shape] : [null, null, null, null], 2) }];
  },
  // TF1 _MaxPoolGradGrad: piecewise constant in the inputs, linear in grad.
  grad: (op, [dd]) => {
    const [x, y] = op.inputs;
    return [zerosLike(x), zerosLike(y), out(createOp(MaxPoolGradGrad, [x, y, dd!], poolAttrs(op.attrs), 'MaxPoolGradGrad'))];
  },
  lower: (ctx, op) => {
    const [x, , dy] = ctx.inputs;
    const g = poolGeometry(x.shape, op);
    checkGrad(dy.shape, [g.n, g.oh, g.ow, g.c], `${op.type} '${op.name}'`, op);
    const kk = windowSize(g);
    const zero = ctx.constant(new NDArray(allocate(dy.dtype, 1), [], dy.dtype));
    const cols = ctx.where(lowerFirstMaxMask(ctx, x, g), ctx.reshape(dy, [g.n, positions(g), 1, g.c]), zero);
    return [lowerCol2im(ctx, ctx.reshape(cols, [g.n, positions(g) * kk, g.c]), g, g.c)];
  },
  reference: ([x, , dy], { op }) => {
    const g = poolGeometry(x.shape, op);
    checkGrad(dy.shape, [g.n, g.oh, g.ow, g.c], `${op.type} '${op.name}'`, op);
    const win = im2colArray(x, g, -Infinity).data;
    const kk = windowSize(g), c = g.c, p = g.n * positions(g);
    const cols = allocate(dy.dtype, p * kk * c);
    for (let q = 0; q < p; q++) {
      for (let r = 0; r < c; r++) cols[(q * kk + firstMax(win, q * kk * c + r, kk, c)) * c + r] = dy.data[q * c + r];
    }
    return [col2imArray(cols, g, c, dy.dtype)];
  },
};

/** The windows' first maxima as a mask [n, oh·ow, kk, c] (lowering) of the input x. */
function lowerFirstMaxMask(ctx: LowerContext, x: IRValue, g: Geometry): IRValue {
  const kk = windowSize(g);
  const win = ctx.reshape(lowerIm2col(ctx, x, g, -Infinity), [g.n, positions(g), kk, g.c]);
  const slot = ctx.constant(new NDArray(Int32Array.from({ length: kk }, (_, k) => k), [1, 1, kk, 1], 'int32'));
  return ctx.binary('eq', ctx.reduce('argmax', win, [2], true), slot);
}

/**
 * TF1's MaxPoolGradGrad(orig_input, orig_output, grad): grad (input-shaped) read at each window's
 * first maximum, output-shaped; the gradient of MaxPoolGrad w.r.t. its grad.
 */
export const MaxPoolGradGrad: OpSpec = {
  type: 'MaxPoolGradGrad',
  infer: (ctx) => {
    const [x, y, dd] = ctx.inputs;
    if (x.dtype !== y.dtype || x.dtype !== dd.dtype) {
      throw new InvalidArgumentError(`${ctx.name}: orig_input ${x}, orig_output ${y} and grad ${dd} must have one dtype.`);
    }
    return [{ dtype: x.dtype, shape: poolInfer(ctx, 0) }];
  },
  grad: (op, [dz]) => [zerosLike(op.inputs[0]), zerosLike(op.inputs[1]), maxPoolGrad(op.inputs[0], op.inputs[1], dz!, op.attrs)],
  lower: (ctx, op) => {
    const [x, , dd] = ctx.inputs;
    const g = poolGeometry(x.shape, op);
    if (!sameDims(dd.shape, x.shape)) throw new InvalidArgumentError(`${op.type} '${op.name}': grad [${dd.shape}] must have orig_input's shape [${x.shape}].`, op);
    const mask = lowerFirstMaxMask(ctx, x, g);
    const ddWin = ctx.reshape(lowerIm2col(ctx, dd, g, 0), [g.n, positions(g), windowSize(g), g.c]);
    const zero = ctx.constant(new NDArray(allocate(dd.dtype, 1), [], dd.dtype));
    return [ctx.reshape(ctx.reduce('sum', ctx.where(mask, ddWin, zero), [2], false), [g.n, g.oh, g.ow, g.c])];
  },
  reference: ([x, , dd], { op }) => {
    const g = poolGeometry(x.shape, op);
    if (!sameDims(dd.shape, x.shape)) throw new InvalidArgumentError(`${op.type} '${op.name}': grad [${dd.shape}] must have orig_input's shape [${x.shape}].`, op);
    const win = im2colArray(x, g, -Infinity).data, ddWin = im2colArray(dd, g, 0).data;
    const kk = windowSize(g), c = g.c, p = g.n * positions(g);
    const z = allocate(dd.dtype, p * c);
    for (let q = 0; q < p; q++) {
      for (let r = 0; r < c; r++) {
        const best = firstMax(win, q * kk * c + r, kk, c);
        // why: as the lowering's sum over the window of where(mask, dd, 0): 0 + the picked value.
        let acc = 0;
        for (let k = 0; k < kk; k++) acc += k === best ? ddWin[(q * kk + k) * c + r] : 0;
        z[q * c + r] = acc;
      }
    }
    return [new NDArray(z, [g.n, g.oh, g.ow, c], dd.dtype)];
  },
};

/** How many real (unpadded) input elements each window covers: [oh·ow]. */
function windowCounts(g: Geometry, dtype: DType): NDArray {
  const counts = allocate(dtype, positions(g));
  for (let oy = 0; oy < g.oh; oy++) {
    const y0 = oy * g.sh - g.top, rows = Math.min(y0 + g.kh, g.h) - Math.max(y0, 0);
    for (let ox = 0; ox < g.ow; ox++) {
      const x0 = ox * g.sw - g.left, cols = Math.min(x0 + g.kw, g.w) - Math.max(x0, 0);
      counts[oy * g.ow + ox] = rows * cols;
    }
  }
  return new NDArray(counts, [positions(g)], dtype);
}

export const AvgPool: OpSpec = {
  type: 'AvgPool',
  infer: (ctx) => [{ dtype: ctx.inputs[0].dtype, shape: poolInfer(ctx, 0) }],
  grad: (op, [dy]) => [avgPoolGrad(shapeOf(op.inputs[0]), dy!, op.attrs)],
  lower: (ctx, op) => {
    const x = ctx.inputs[0];
    const g = poolGeometry(x.shape, op);
    const win = ctx.reshape(lowerIm2col(ctx, x, g, 0), [g.n, positions(g), windowSize(g), g.c]);
    const counts = ctx.reshape(ctx.constant(windowCounts(g, x.dtype)), [1, positions(g), 1]);
    return [ctx.reshape(ctx.binary('div', ctx.reduce('sum', win, [2], false), counts), [g.n, g.oh, g.ow, g.c])];
  },
  reference: ([x], { op }) => {
    const g = poolGeometry(x.shape, op);
    const win = im2colArray(x, g, 0).data;
    const counts = windowCounts(g, x.dtype).data;
    const kk = windowSize(g), c = g.c, pos = positions(g);
    const sums = allocate(x.dtype, g.n * pos * c), y = allocate(x.dtype, g.n * pos * c);
    for (let q = 0; q < g.n * pos; q++) {
      for (let r = 0; r < c; r++) {
        let acc = 0;
        for (let k = 0; k < kk; k++) acc += win[(q * kk + k) * c + r];
        sums[q * c + r] = acc;
        y[q * c + r] = sums[q * c + r] / counts[q % pos];
      }
    }
    return [new NDArray(y, [g.n, g.oh, g.ow, c], x.dtype)];
  },
};

/** TF1's AvgPoolGrad(orig_input_shape, grad): each window spreads grad / count over its real elements. */
export const AvgPoolGrad: OpSpec = {
  type: 'AvgPoolGrad',
  infer: (ctx) => {
    const sizes = constInts(ctx, 0) ?? (ctx.inputs[0].op.type === 'Shape' && ctx.inputs[0].op.inputs[0].shape
      ? [...ctx.inputs[0].op.inputs[0].shape] : [null, null, null, null]);
    if (sizes.length !== 4) throw new InvalidArgumentError(`${ctx.name}: orig_input_shape ${formatDims(sizes)} must have 4 entries.`);
    return [{ dtype: ctx.inputs[1].dtype, shape: gradInfer(ctx, sizes, 1) }];
  },
  // The gradient is linear in grad: its own gradient is the forward pooling of the incoming one.
  grad: (op, [ddx]) => [null, avgPoolOp(ddx!, op.attrs)],
  lower: (ctx, op) => {
    const dy = ctx.inputs[1];
    const g = poolGeometry(loweredInts(ctx, 0, op), op);
    checkGrad(dy.shape, [g.n, g.oh, g.ow, g.c], `${op.type} '${op.name}'`, op);
    const kk = windowSize(g), pos = positions(g);
    const counts = ctx.reshape(ctx.constant(windowCounts(g, dy.dtype)), [1, pos, 1, 1]);
    const share = ctx.binary('div', ctx.reshape(dy, [g.n, pos, 1, g.c]), counts);
    return [lowerCol2im(ctx, ctx.reshape(ctx.broadcast(share, [g.n, pos, kk, g.c]), [g.n, pos * kk, g.c]), g, g.c)];
  },
  reference: ([sizes, dy], { op }) => {
    const g = poolGeometry(Array.from(sizes.data), op);
    checkGrad(dy.shape, [g.n, g.oh, g.ow, g.c], `${op.type} '${op.name}'`, op);
    const kk = windowSize(g), c = g.c, pos = positions(g);
    const counts = windowCounts(g, dy.dtype).data;
    const share = allocate(dy.dtype, 1);
    const cols = allocate(dy.dtype, g.n * pos * kk * c);
    for (let q = 0; q < g.n * pos; q++) {
      for (let r = 0; r < c; r++) {
        share[0] = dy.data[q * c + r] / counts[q % pos];
        for (let k = 0; k < kk; k++) cols[(q * kk + k) * c + r] = share[0];
      }
    }
    return [col2imArray(cols, g, c, dy.dtype)];
  },
};

function maxPoolGrad(x: Tensor, y: Tensor, dy: Tensor, attrs: Attrs): Tensor {
  return out(createOp(MaxPoolGrad, [x, y, dy], poolAttrs(attrs), 'MaxPoolGrad'));
}
function avgPoolGrad(sizes: Tensor, dy: Tensor, attrs: Attrs): Tensor {
  return out(createOp(AvgPoolGrad, [sizes, dy], poolAttrs(attrs), 'AvgPoolGrad'));
}
function avgPoolOp(x: Tensor, attrs: Attrs, name?: string): Tensor {
  return out(createOp(AvgPool, [x], poolAttrs(attrs), name ?? 'AvgPool'));
}
const poolAttrs = (a: Attrs): Attrs => ({ ksize: a.ksize, strides: a.strides, padding: a.padding, data_format: 'NHWC' });

function pool(spec: OpSpec, fn: string, value: TensorLike, ksize: number | number[], strides: number | number[], padding: Padding | string, args: readonly unknown[]): Tensor {
  const opts = opArgs(fn, args, POOL_ARGS);
  checkDataFormat(opts.dataFormat, fn);
  const attrs = { ksize: nhwcList(ksize, 'ksize', fn), strides: nhwcList(strides, 'strides', fn), padding: paddingArg(padding, fn), data_format: 'NHWC' };
  return nameScope(opts.name ?? spec.type, (scope) => {
    const x = convertToTensor(value, { name: 'input', what: `${fn} input` });
    return out(createOp(spec, [x], { T: x.dtype, ...attrs }, scope));
  });
}

/**
 * The maximum of each ksize window of an NHWC tensor, windows `strides` apart (TF1
 * tf.nn.max_pool). @example tf.nn.maxPool(h, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME')
 */
export function maxPool(value: TensorLike, ksize: number | number[], strides: number | number[], padding: Padding | string, ...args: PoolArgList): Tensor {
  return pool(MaxPool, 'tf.nn.maxPool', value, ksize, strides, padding, args);
}

/** The mean of each window (padding excluded from the count) (TF1 tf.nn.avg_pool). */
export function avgPool(value: TensorLike, ksize: number | number[], strides: number | number[], padding: Padding | string, ...args: PoolArgList): Tensor {
  return pool(AvgPool, 'tf.nn.avgPool', value, ksize, strides, padding, args);
}
