// Depthwise 2-D convolution (TF1 tf.nn.depthwise_conv2d, op DepthwiseConv2dNative) and its
// gradient ops DepthwiseConv2dNativeBackpropInput / BackpropFilter: each input channel c is
// convolved with its own `channel_multiplier` filters, output channel c·m + q. Lowered as the
// windows of conv2d (windows.ts) times the filter, summed over the window: a multiply fused
// into a reduction, no matmul. tf.nn.separable_conv2d is depthwise then a 1×1 conv2d.
import { createOp, nameScope, type Tensor } from '../graph.js';
import { allocate } from '../dtypes.js';
import { NDArray } from '../ndarray.js';
import type { OpSpec } from '../op_spec.js';
import type { IRValue, LowerContext } from '../prims.js';
import { type Dim } from '../shape.js';
import { shape as shapeOf } from './array.js';
import {
  attrsOf, checkBackprop, checkConv, checkedArgs, conv2d, convArgs, convGeometry, convOutput, floats, inferBackpropFilter,
  inferBackpropInput, rowsOf, userConv, type ConvArgList, type ConvArgs,
} from './conv.js';
import { out, type TensorLike } from './define_op.js';
import { loweredInts } from './op_args.js';
import { col2imArray, im2colArray, lowerCol2im, lowerIm2col, windowSize, type Geometry, type Padding } from './windows.js';

/** [n, oh, ow, c·m] from the conv output rule (whose last dim is the filter's, m). */
function depthwiseOutput(s: Dim[], c: Dim): Dim[] {
  return [s[0], s[1], s[2], c !== null && s[3] !== null ? c * s[3] : null];
}

function lowerWindows(ctx: LowerContext, x: IRValue, g: Geometry): IRValue {
  return ctx.reshape(lowerIm2col(ctx, x, g, 0), [rowsOf(g), windowSize(g), g.c, 1]);
}

const round = (dtype: string) => (dtype === 'float32' ? Math.fround : (v: number) => v);

/** out[q, c, m] = Σ_k prod(q, k, c, m), each product rounded to the dtype and summed in float64 (as the fused multiply-reduce). */
function sumProducts(count: number, kk: number, c: number, m: number, dtype: string, prod: (q: number, k: number, ch: number, mm: number) => number): Float32Array | Float64Array {
  const r = round(dtype);
  const outArr = dtype === 'float32' ? new Float32Array(count * c * m) : new Float64Array(count * c * m);
  for (let q = 0; q < count; q++) for (let ch = 0; ch < c; ch++) for (let mm = 0; mm < m; mm++) {
    let acc = 0;
    for (let k = 0; k < kk; k++) acc += r(prod(q, k, ch, mm));
    outArr[(q * c + ch) * m + mm] = acc;
  }
  return outArr;
}

export const DepthwiseConv2dNative: OpSpec = {
  type: 'DepthwiseConv2dNative',
  infer: (ctx) => {
    const [x, f] = ctx.inputs;
    checkConv(ctx, [0, 1], x, f, 'input');
    return [{ dtype: x.dtype, shape: depthwiseOutput(convOutput(ctx, x.shape, f.shape), x.shape?.[3] ?? f.shape?.[2] ?? null) }];
  },
  grad: (op, [dy]) => {
    const [x, f] = op.inputs;
    const a = convArgs(op);
    return [() => backpropInput(shapeOf(x), f, dy!, a), () => backpropFilter(x, shapeOf(f), dy!, a)];
  },
  lower: (ctx, op) => {
    const [x, f] = ctx.inputs;
    const g = convGeometry(x.shape, f.shape, op);
    const m = f.shape[3];
    const prod = ctx.binary('mul', lowerWindows(ctx, x, g), ctx.reshape(f, [1, windowSize(g), g.c, m]));
    return [ctx.reshape(ctx.reduce('sum', prod, [1], false), [g.n, g.oh, g.ow, g.c * m])];
  },
  reference: ([x, f], { op }) => {
    const g = convGeometry(x.shape, f.shape, op);
    const kk = windowSize(g), c = g.c, m = f.shape[3];
    const cols = im2colArray(x, g, 0).data, w = f.data;
    const y = sumProducts(rowsOf(g), kk, c, m, x.dtype, (q, k, ch, mm) => cols[(q * kk + k) * c + ch] * w[(k * c + ch) * m + mm]);
    return [new NDArray(y, [g.n, g.oh, g.ow, c * m], x.dtype)];
  },
};

export const DepthwiseConv2dNativeBackpropInput: OpSpec = {
  type: 'DepthwiseConv2dNativeBackpropInput',
  infer: (ctx) => inferBackpropInput(ctx, depthwiseOutput),
  grad: (op, [dz]) => {
    const [, f, dy] = op.inputs;
    const a = convArgs(op);
    return [null, () => backpropFilter(dz!, shapeOf(f), dy, a), () => depthwise(dz!, f, a)];
  },
  lower: (ctx, op) => {
    const [, f, dy] = ctx.inputs;
    const g = convGeometry(loweredInts(ctx, 0, op), f.shape, op);
    const m = f.shape[3], kk = windowSize(g);
    checkBackprop(dy.shape, [g.n, g.oh, g.ow, g.c * m], `${op.type} '${op.name}'`, op);
    const prod = ctx.binary('mul', ctx.reshape(f, [1, kk, g.c, m]), ctx.reshape(dy, [rowsOf(g), 1, g.c, m]));
    const cols = ctx.reduce('sum', prod, [3], false);
    return [lowerCol2im(ctx, ctx.reshape(cols, [g.n, g.oh * g.ow * kk, g.c]), g, g.c)];
  },
  reference: ([sizes, f, dy], { op }) => {
    const g = convGeometry(Array.from(sizes.data as Int32Array), f.shape, op);
    const m = f.shape[3], kk = windowSize(g), c = g.c;
    checkBackprop(dy.shape, [g.n, g.oh, g.ow, c * m], `${op.type} '${op.name}'`, op);
    const w = f.data, d = dy.data;
    // cols[q, k, ch] = Σ_mm w[k, ch, mm] · dy[q, ch, mm]
    const cols = allocate(f.dtype, rowsOf(g) * kk * c);
    const r = round(f.dtype);
    for (let q = 0; q < rowsOf(g); q++) for (let k = 0; k < kk; k++) for (let ch = 0; ch < c; ch++) {
      let acc = 0;
      for (let mm = 0; mm < m; mm++) acc += r(w[(k * c + ch) * m + mm] * d[(q * c + ch) * m + mm]);
      cols[(q * kk + k) * c + ch] = acc;
    }
    return [col2imArray(cols, g, c, f.dtype)];
  },
};

export const DepthwiseConv2dNativeBackpropFilter: OpSpec = {
  type: 'DepthwiseConv2dNativeBackpropFilter',
  infer: (ctx) => inferBackpropFilter(ctx, depthwiseOutput),
  grad: (op, [dz]) => {
    const [x, , dy] = op.inputs;
    const a = convArgs(op);
    return [() => backpropInput(shapeOf(x), dz!, dy, a), null, () => depthwise(x, dz!, a)];
  },
  lower: (ctx, op) => {
    const [x, , dy] = ctx.inputs;
    const fs = loweredInts(ctx, 1, op);
    const g = convGeometry(x.shape, fs, op);
    const m = fs[3];
    checkBackprop(dy.shape, [g.n, g.oh, g.ow, g.c * m], `${op.type} '${op.name}'`, op);
    const prod = ctx.binary('mul', lowerWindows(ctx, x, g), ctx.reshape(dy, [rowsOf(g), 1, g.c, m]));
    return [ctx.reshape(ctx.reduce('sum', prod, [0], false), fs)];
  },
  reference: ([x, sizes, dy], { op }) => {
    const fs = Array.from(sizes.data as Int32Array);
    const g = convGeometry(x.shape, fs, op);
    const m = fs[3], kk = windowSize(g), c = g.c, rows = rowsOf(g);
    checkBackprop(dy.shape, [g.n, g.oh, g.ow, c * m], `${op.type} '${op.name}'`, op);
    const cols = im2colArray(x, g, 0).data, d = dy.data;
    const r = round(x.dtype);
    const dw = allocate(x.dtype, kk * c * m);
    for (let k = 0; k < kk; k++) for (let ch = 0; ch < c; ch++) for (let mm = 0; mm < m; mm++) {
      let acc = 0;
      for (let q = 0; q < rows; q++) acc += r(cols[(q * kk + k) * c + ch] * d[(q * c + ch) * m + mm]);
      dw[(k * c + ch) * m + mm] = acc;
    }
    return [new NDArray(dw, fs, x.dtype)];
  },
};

function depthwise(x: Tensor, f: Tensor, a: ConvArgs): Tensor {
  return out(createOp(DepthwiseConv2dNative, [x, f], attrsOf(a, x.dtype), 'depthwise'));
}
function backpropInput(sizes: Tensor, f: Tensor, dy: Tensor, a: ConvArgs): Tensor {
  return out(createOp(DepthwiseConv2dNativeBackpropInput, [sizes, f, dy], attrsOf(a, f.dtype), 'DepthwiseConv2dNativeBackpropInput'));
}
function backpropFilter(x: Tensor, sizes: Tensor, dy: Tensor, a: ConvArgs): Tensor {
  return out(createOp(DepthwiseConv2dNativeBackpropFilter, [x, sizes, dy], attrsOf(a, x.dtype), 'DepthwiseConv2dNativeBackpropFilter'));
}

/**
 * Depthwise convolution of NHWC `input` with `filter` [height, width, in_channels, multiplier]:
 * output channel c·multiplier + q is input channel c convolved with filter[:, :, c, q] (TF1
 * tf.nn.depthwise_conv2d; `dilations` as TF1's `rate`). @example tf.nn.depthwiseConv2d(x, w, 1, 'SAME')
 */
export function depthwiseConv2d(input: TensorLike, filter: TensorLike, strides: number | number[], padding: Padding | string, ...args: ConvArgList): Tensor {
  return userConv(DepthwiseConv2dNative, 'depthwise', 'tf.nn.depthwiseConv2d', input, filter, strides, padding, args);
}

/**
 * A depthwise convolution followed by a 1×1 convolution mixing its channels (TF1
 * tf.nn.separable_conv2d). @example tf.nn.separableConv2d(x, dw, pw, [1, 1, 1, 1], 'SAME')
 */
export function separableConv2d(input: TensorLike, depthwiseFilter: TensorLike, pointwiseFilter: TensorLike, strides: number | number[],
  padding: Padding | string, ...args: ConvArgList): Tensor {
  const a = checkedArgs(strides, padding, args, 'tf.nn.separableConv2d');
  return nameScope(a.name ?? 'separable_conv2d', (scope) => {
    const [x, dw, pw] = floats({ input, depthwise_filter: depthwiseFilter, pointwise_filter: pointwiseFilter }, 'tf.nn.separableConv2d');
    const h = depthwise(x, dw, a);
    return conv2d(h, pw, 1, 'VALID', { name: scope });
  });
}

