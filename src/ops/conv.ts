// 2-D convolution (NHWC) and its two gradient ops as TF1 names them: Conv2D,
// Conv2DBackpropInput and Conv2DBackpropFilter. All three are a window gather plus one matmul:
// the forward multiplies the im2col matrix [n·oh·ow, kh·kw·c] by the filter [kh·kw·c, oc]; the
// filter gradient is that matrix transposed times dy; the input gradient is dy times the filter
// transposed, scattered back by col2im (windows.ts). why not a direct-convolution primitive: on
// deep MNIST's second conv (50×14×14×32 → 64, 5×5) the gather + tiled matmul ran 2.3–3× faster
// than hand-written direct loops (bench/conv2d_lowering.ts), and it needs no new kernel.
import { InvalidArgumentError } from '../errors.js';
import { constantValue, createOp, nameScope, type Tensor } from '../graph.js';
import { matmul2d } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { Attrs, InferContext, KernelOp, OpSpec, OutputInfo } from '../op_spec.js';
import { formatDims, type Dim, type Shape } from '../shape.js';
import { shape as shapeOf } from './array.js';
import { expandDims, squeeze } from './movement.js';
import { convertToTensor, FLOATS, out, requireDType, type TensorLike } from './define_op.js';
import { constInts, ints, loweredInts, opArgs, operandDType, type ArgSpec, type IntsArg, type OptArgs } from './op_args.js';
import {
  checkDataFormat, checkRank4, col2imArray, geometry, im2colArray, lowerCol2im, lowerIm2col, nhwcList, paddingArg,
  staticOutput, windowOf, windowSize, type Geometry, type Padding,
} from './windows.js';

export interface Conv2DOptions {
  /** Accepted and ignored, as on TF1's CPU. */
  useCudnnOnGpu?: boolean;
  /** Only 'NHWC'. */
  dataFormat?: 'NHWC';
  /** [1, dh, dw, 1] (or dh, or [dh, dw]): the filter reads every d-th input element. Default 1. */
  dilations?: number | number[];
  name?: string;
}
const CONV_ARGS: ArgSpec<Conv2DOptions> = {
  positional: ['useCudnnOnGpu', 'dataFormat', 'dilations', 'name'],
  kinds: { useCudnnOnGpu: 'boolean', dataFormat: 'string', dilations: 'value', name: 'string' },
};
/** TF1's optional arguments after padding: use_cudnn_on_gpu, data_format, dilations, name (or an options object). */
export type ConvArgList = OptArgs<[useCudnnOnGpu: boolean, dataFormat: 'NHWC', dilations: number | number[], name: string], Conv2DOptions>;

const filterWindow = (attrs: Attrs, f: readonly Dim[]) => windowOf(attrs, [1, f[0] ?? 1, f[1] ?? 1, 1]);
const shapes = (...ts: { shape: Shape }[]) => ts.map((t) => formatDims(t.shape)).join(', ');

/** Static checks shared by the three ops: float dtype, rank-4 operands, input depth = filter depth. */
export function checkConv(ctx: InferContext, floatInputs: number[], x: { shape: Shape; toString(): string }, f: Tensor | null, xRole: string): void {
  const what = `${ctx.name}`;
  requireDType(ctx, floatInputs[0], FLOATS, ctx.name);
  const [a, b] = floatInputs.map((i) => ctx.inputs[i]);
  if (a.dtype !== b.dtype) throw new InvalidArgumentError(`${what}: ${a} and ${b} must have one dtype; use tf.cast.`);
  checkRank4(x, xRole, what);
  if (f) checkRank4(f, 'filter', what);
  const c = x.shape?.[3] ?? null, fc = f?.shape?.[2] ?? null;
  if (c !== null && fc !== null && c !== fc) {
    throw new InvalidArgumentError(
      `${what}: input depth ${c} of ${xRole} ${x} must equal the filter's in_channels ${fc} ` +
      `(filter ${f} is [height, width, in_channels, out_channels]).`);
  }
}

/** The static shape of the conv output of x (static shape) and filter f: [n, oh, ow, oc]. */
export function convOutput(ctx: InferContext, x: Shape, f: Shape): Dim[] {
  const fs = f ?? [null, null, null, null];
  const [n, oh, ow] = staticOutput(x, filterWindow(ctx.attrs, fs), `'${ctx.name}' (op: '${ctx.name}')`, shapes(...ctx.inputs));
  return [n, fs[0] === null ? null : oh, fs[1] === null ? null : ow, fs[3]];
}

/** The static shape described by a shape input (tf.shape(x) is as known as x's static shape). */
export function sizesOf(ctx: InferContext, i: number): Dim[] {
  const v = constInts(ctx, i);
  if (v) return v;
  const t = ctx.inputs[i];
  if (t.op.type === 'Shape' && t.op.inputs[0].shape) return [...t.op.inputs[0].shape];
  return [null, null, null, null];
}

/** dy must have the shape the forward conv would give; TF1 names the mismatching dim. */
export function checkBackprop(dy: readonly Dim[] | null, expected: readonly Dim[], what: string, op?: KernelOp): void {
  if (!dy) return;
  const names = ['batch', 'rows', 'cols', 'depth'];
  for (let a = 0; a < 4; a++) {
    if (dy[a] !== null && expected[a] !== null && dy[a] !== expected[a]) {
      throw new InvalidArgumentError(
        `${what}: out_backprop ${formatDims([...dy])} does not match the convolution's output ${formatDims([...expected])}: ` +
        `${names[a]} is ${dy[a]}, computed ${expected[a]}.`, op);
    }
  }
}

/** Concrete geometry of a conv on input shape x with filter shape f, checking depths at run time. */
export function convGeometry(x: readonly number[], f: readonly number[], op: KernelOp): Geometry {
  const what = `${op.type} '${op.name}'`;
  if (x.length !== 4 || f.length !== 4) {
    throw new InvalidArgumentError(`${what}: input [${x}] and filter [${f}] must be 4-D.`, op);
  }
  if (x[3] !== f[2]) {
    throw new InvalidArgumentError(`${what}: input depth ${x[3]} must equal the filter's in_channels ${f[2]} (input [${x}], filter [${f}]).`, op);
  }
  return geometry(x, filterWindow(op.attrs, f), what);
}

const asMatrix = (a: NDArray, rows: number, cols: number) => new NDArray(a.data, [rows, cols], a.dtype);
/** The rows of the im2col matrix: one per output position. */
export const rowsOf = (g: Geometry) => g.n * g.oh * g.ow;

/**
 * The shape rule of a backprop-input op (Conv2DBackpropInput and the depthwise one): the output
 * is input_sizes; dy must have the forward output's shape, `forward` mapping convOutput's
 * [n, oh, ow, filter's last dim] to it.
 */
export function inferBackpropInput(ctx: InferContext, forward: (s: Dim[], inChannels: Dim) => Dim[]): OutputInfo[] {
  const [, f, dy] = ctx.inputs;
  const sizes = sizesOf(ctx, 0);
  checkConv(ctx, [1, 2], { shape: sizes, toString: () => `of shape ${formatDims(sizes)}` }, f, 'input_sizes');
  checkRank4(dy, 'out_backprop', ctx.name);
  checkBackprop(dy.shape, forward(convOutput(ctx, sizes, f.shape), sizes[3] ?? null), ctx.name);
  return [{ dtype: f.dtype, shape: sizes }];
}

/** The shape rule of a backprop-filter op: the output is filter_sizes (see inferBackpropInput). */
export function inferBackpropFilter(ctx: InferContext, forward: (s: Dim[], inChannels: Dim) => Dim[]): OutputInfo[] {
  const [x, , dy] = ctx.inputs;
  const sizes = sizesOf(ctx, 1);
  checkConv(ctx, [0, 2], x, null, 'input');
  checkRank4(dy, 'out_backprop', ctx.name);
  if (x.shape?.[3] != null && sizes[2] !== null && x.shape[3] !== sizes[2]) {
    throw new InvalidArgumentError(`${ctx.name}: input depth ${x.shape[3]} of ${x} must equal filter_sizes' in_channels ${sizes[2]}.`);
  }
  checkBackprop(dy.shape, forward(convOutput(ctx, x.shape, sizes), x.shape?.[3] ?? sizes[2] ?? null), ctx.name);
  return [{ dtype: x.dtype, shape: sizes }];
}

export const Conv2D: OpSpec = {
  type: 'Conv2D',
  infer: (ctx) => {
    const [x, f] = ctx.inputs;
    checkConv(ctx, [0, 1], x, f, 'input');
    return [{ dtype: x.dtype, shape: convOutput(ctx, x.shape, f.shape) }];
  },
  grad: (op, [dy]) => {
    const [x, f] = op.inputs;
    const a = convArgs(op);
    return [() => backpropInput(shapeOf(x), f, dy!, a), () => backpropFilter(x, shapeOf(f), dy!, a)];
  },
  lower: (ctx, op) => {
    const [x, f] = ctx.inputs;
    const g = convGeometry(x.shape, f.shape, op);
    const cols = ctx.reshape(lowerIm2col(ctx, x, g, 0), [rowsOf(g), windowSize(g) * g.c]);
    const y = ctx.matmul(cols, ctx.reshape(f, [windowSize(g) * g.c, f.shape[3]]), false, false);
    return [ctx.reshape(y, [g.n, g.oh, g.ow, f.shape[3]])];
  },
  reference: ([x, f], { op }) => {
    const g = convGeometry(x.shape, f.shape, op);
    const k = windowSize(g) * g.c;
    const y = matmul2d(asMatrix(im2colArray(x, g, 0), rowsOf(g), k), asMatrix(f, k, f.shape[3]), false, false, x.dtype);
    return [new NDArray(y.data, [g.n, g.oh, g.ow, f.shape[3]], x.dtype)];
  },
};

export const Conv2DBackpropInput: OpSpec = {
  type: 'Conv2DBackpropInput',
  infer: (ctx) => inferBackpropInput(ctx, (s) => s),
  // TF1 _Conv2DBackpropInputGrad: linear in filter and out_backprop.
  grad: (op, [dz]) => {
    const [, f, dy] = op.inputs;
    const a = convArgs(op);
    return [null, () => backpropFilter(dz!, shapeOf(f), dy, a), () => conv(dz!, f, a)];
  },
  lower: (ctx, op) => {
    const [, f, dy] = ctx.inputs;
    const g = convGeometry(loweredInts(ctx, 0, op), f.shape, op);
    checkBackprop(dy.shape, [g.n, g.oh, g.ow, f.shape[3]], `${op.type} '${op.name}'`, op);
    const kc = windowSize(g) * g.c;
    const cols = ctx.matmul(ctx.reshape(dy, [rowsOf(g), f.shape[3]]), ctx.reshape(f, [kc, f.shape[3]]), false, true);
    return [lowerCol2im(ctx, ctx.reshape(cols, [g.n, g.oh * g.ow * windowSize(g), g.c]), g, g.c)];
  },
  reference: ([sizes, f, dy], { op }) => {
    const g = convGeometry(Array.from(sizes.data), f.shape, op);
    checkBackprop(dy.shape, [g.n, g.oh, g.ow, f.shape[3]], `${op.type} '${op.name}'`, op);
    const kc = windowSize(g) * g.c;
    const cols = matmul2d(asMatrix(dy, rowsOf(g), f.shape[3]), asMatrix(f, kc, f.shape[3]), false, true, f.dtype);
    return [col2imArray(cols.data, g, g.c, f.dtype)];
  },
};

export const Conv2DBackpropFilter: OpSpec = {
  type: 'Conv2DBackpropFilter',
  infer: (ctx) => inferBackpropFilter(ctx, (s) => s),
  // TF1 _Conv2DBackpropFilterGrad: linear in input and out_backprop.
  grad: (op, [dz]) => {
    const [x, , dy] = op.inputs;
    const a = convArgs(op);
    return [() => backpropInput(shapeOf(x), dz!, dy, a), null, () => conv(x, dz!, a)];
  },
  lower: (ctx, op) => {
    const [x, , dy] = ctx.inputs;
    const fs = loweredInts(ctx, 1, op);
    const g = convGeometry(x.shape, fs, op);
    checkBackprop(dy.shape, [g.n, g.oh, g.ow, fs[3]], `${op.type} '${op.name}'`, op);
    const kc = windowSize(g) * g.c;
    const cols = ctx.reshape(lowerIm2col(ctx, x, g, 0), [rowsOf(g), kc]);
    return [ctx.reshape(ctx.matmul(cols, ctx.reshape(dy, [rowsOf(g), fs[3]]), true, false), fs)];
  },
  reference: ([x, sizes, dy], { op }) => {
    const fs = Array.from(sizes.data);
    const g = convGeometry(x.shape, fs, op);
    checkBackprop(dy.shape, [g.n, g.oh, g.ow, fs[3]], `${op.type} '${op.name}'`, op);
    const kc = windowSize(g) * g.c;
    const dw = matmul2d(asMatrix(im2colArray(x, g, 0), rowsOf(g), kc), asMatrix(dy, rowsOf(g), fs[3]), true, false, x.dtype);
    return [new NDArray(dw.data, fs, x.dtype)];
  },
};

export interface ConvArgs { strides: number[]; padding: Padding; dilations: number[] }

export function convArgs(op: KernelOp): ConvArgs {
  return { strides: op.attrs.strides as number[], padding: op.attrs.padding as Padding, dilations: op.attrs.dilations as number[] };
}

export function checkedArgs(strides: unknown, padding: unknown, args: readonly unknown[], fn: string): ConvArgs & { name?: string } {
  const opts = opArgs(fn, args, CONV_ARGS);
  checkDataFormat(opts.dataFormat, fn);
  return {
    strides: nhwcList(strides, 'strides', fn),
    padding: paddingArg(padding, fn),
    dilations: nhwcList(opts.dilations ?? 1, 'dilations', fn),
    name: opts.name,
  };
}

export const attrsOf = (a: ConvArgs, dtype: string): Attrs => ({ T: dtype, strides: a.strides, padding: a.padding, dilations: a.dilations, data_format: 'NHWC' });

function conv(x: Tensor, f: Tensor, a: ConvArgs): Tensor {
  return out(createOp(Conv2D, [x, f], attrsOf(a, x.dtype), 'Conv2D'));
}
function backpropInput(sizes: Tensor, f: Tensor, dy: Tensor, a: ConvArgs, name?: string): Tensor {
  return out(createOp(Conv2DBackpropInput, [sizes, f, dy], attrsOf(a, f.dtype), name ?? 'Conv2DBackpropInput'));
}
function backpropFilter(x: Tensor, sizes: Tensor, dy: Tensor, a: ConvArgs, name?: string): Tensor {
  return out(createOp(Conv2DBackpropFilter, [x, sizes, dy], attrsOf(a, x.dtype), name ?? 'Conv2DBackpropFilter'));
}

/** Converts the float operands of a conv op to one dtype (JS values take the tensors' dtype). */
export function floats(values: Record<string, TensorLike>, fn: string): Tensor[] {
  const dtype = Object.values(values).map(operandDType).find((d) => d !== undefined) ?? 'float32';
  return Object.entries(values).map(([name, v]) => {
    const t = convertToTensor(v, { name, what: `${fn} ${name}`, dtype: operandDType(v) ? undefined : dtype });
    if (t.dtype !== dtype) throw new InvalidArgumentError(`${fn}: ${name} ${t} must have dtype ${dtype}, like the other operands; use tf.cast.`);
    return t;
  });
}

/**
 * 2-D convolution of an NHWC `input` [batch, height, width, in_channels] with `filter`
 * [height, width, in_channels, out_channels] (TF1 tf.nn.conv2d; strictly a cross-correlation, as
 * TF's). `strides` is [1, sh, sw, 1] (or s, or [sh, sw]); padding 'SAME' keeps ceil(size/stride),
 * 'VALID' uses only full windows.
 * @example tf.nn.conv2d(x, w, [1, 1, 1, 1], 'SAME')
 */
export function conv2d(input: TensorLike, filter: TensorLike, strides: number | number[], padding: Padding | string, ...args: ConvArgList): Tensor {
  return userConv(Conv2D, 'Conv2D', 'tf.nn.conv2d', input, filter, strides, padding, args);
}

/** The public wrapper of a forward conv op (conv2d, depthwiseConv2d): checks the arguments, converts the operands, builds the op in its name scope. */
export function userConv(spec: OpSpec, defaultName: string, fn: string, input: TensorLike, filter: TensorLike,
  strides: number | number[], padding: Padding | string, args: readonly unknown[]): Tensor {
  const a = checkedArgs(strides, padding, args, fn);
  return nameScope(a.name ?? defaultName, (scope) => {
    const [x, f] = floats({ input, filter }, fn);
    return out(createOp(spec, [x, f], attrsOf(a, x.dtype), scope));
  });
}

/** The gradient of conv2d w.r.t. its input, of shape `inputSizes` (TF1 tf.nn.conv2d_backprop_input). */
export function conv2dBackpropInput(inputSizes: IntsArg, filter: TensorLike, outBackprop: TensorLike, strides: number | number[],
  padding: Padding | string, ...args: ConvArgList): Tensor {
  const a = checkedArgs(strides, padding, args, 'tf.nn.conv2dBackpropInput');
  return nameScope(a.name ?? 'Conv2DBackpropInput', (scope) => {
    const [f, dy] = floats({ filter, out_backprop: outBackprop }, 'tf.nn.conv2dBackpropInput');
    return backpropInput(ints(inputSizes, 'input_sizes'), f, dy, a, scope);
  });
}

/** The gradient of conv2d w.r.t. its filter, of shape `filterSizes` (TF1 tf.nn.conv2d_backprop_filter). */
export function conv2dBackpropFilter(input: TensorLike, filterSizes: IntsArg, outBackprop: TensorLike, strides: number | number[],
  padding: Padding | string, ...args: ConvArgList): Tensor {
  const a = checkedArgs(strides, padding, args, 'tf.nn.conv2dBackpropFilter');
  return nameScope(a.name ?? 'Conv2DBackpropFilter', (scope) => {
    const [x, dy] = floats({ input, out_backprop: outBackprop }, 'tf.nn.conv2dBackpropFilter');
    return backpropFilter(x, ints(filterSizes, 'filter_sizes'), dy, a, scope);
  });
}


/**
 * The transpose (gradient) of conv2d, often called deconvolution: `value` [batch, h, w,
 * in_channels] spread by `filter` [height, width, out_channels, in_channels] into
 * `outputShape` [batch, oh, ow, out_channels] (TF1 tf.nn.conv2d_transpose).
 * @example tf.nn.conv2dTranspose(h, w, [batch, 28, 28, 1], [1, 2, 2, 1], 'SAME')
 */
export function conv2dTranspose(value: TensorLike, filter: TensorLike, outputShape: IntsArg, strides: number | number[],
  padding: Padding | string = 'SAME', ...args: OptArgs<[dataFormat: 'NHWC', name: string], Pick<Conv2DOptions, 'dataFormat' | 'name'>>): Tensor {
  const fn = 'tf.nn.conv2dTranspose';
  const o = opArgs<Pick<Conv2DOptions, 'dataFormat' | 'name'>>(fn, args, { positional: ['dataFormat', 'name'], kinds: { dataFormat: 'string', name: 'string' } });
  const a = checkedArgs(strides, padding, [{ dataFormat: o.dataFormat }], fn);
  return nameScope(o.name ?? 'conv2d_transpose', (scope) => {
    const [f, dy] = floats({ filter, value }, fn);
    const sizes = ints(outputShape, 'output_shape');
    if (sizes.shape !== null && (sizes.shape.length !== 1 || (sizes.shape[0] !== null && sizes.shape[0] !== 4))) {
      throw new InvalidArgumentError(`${fn}: outputShape ${sizes} must be a vector of 4 ints [batch, height, width, channels].`);
    }
    const fin = f.shape?.[3] ?? null, vin = dy.shape?.[3] ?? null;
    if (fin !== null && vin !== null && fin !== vin) {
      throw new InvalidArgumentError(`${fn}: input channels ${vin} of value ${dy} do not match the filter's input channels ${fin} (filter ${f} is [height, width, out_channels, in_channels]).`);
    }
    const oc = constantValue(sizes)?.data[3], fout = f.shape?.[2] ?? null;
    if (oc !== undefined && fout !== null && oc !== fout) {
      throw new InvalidArgumentError(`${fn}: outputShape's channels ${oc} do not match the filter's output channels ${fout}.`);
    }
    return backpropInput(sizes, f, dy, a, scope);
  });
}

/**
 * 1-D convolution of `value` [batch, width, in_channels] with `filters` [width, in_channels,
 * out_channels]: conv2d over a height of 1 (TF1 tf.nn.conv1d). @example tf.nn.conv1d(seq, w, 1, 'SAME')
 */
export function conv1d(value: TensorLike, filters: TensorLike, stride: number, padding: Padding | string, ...args: ConvArgList): Tensor {
  const fn = 'tf.nn.conv1d';
  if (!Number.isInteger(stride) || stride < 1) throw new InvalidArgumentError(`${fn}: stride must be a positive integer, got ${JSON.stringify(stride)}.`);
  const a = checkedArgs([1, 1, stride, 1], padding, args, fn);
  return nameScope(a.name ?? 'conv1d', () => {
    const [x, f] = floats({ value, filters }, fn);
    for (const [t, role] of [[x, 'value'], [f, 'filters']] as const) {
      if (t.shape !== null && t.shape.length !== 3) throw new InvalidArgumentError(`${fn}: ${role} ${t} must be 3-D, but has shape ${formatDims(t.shape)}.`);
    }
    // why: the height is 1 (filter and input), so only the width's stride and dilation matter.
    const y = conv(expandDims(x, 1), expandDims(f, 0), a);
    return squeeze(y, [1]);
  });
}
