// Sliding windows of conv2d and pooling (NHWC): parameter checks, TF1's 'SAME'/'VALID' output
// sizes and paddings, and the index tables that turn a window op into a gather over the padded
// input (im2col) and its gradient into a gather plus a sum (col2im). The reference kernels and
// the lowerings use the same tables, so both visit the same elements in the same order and give
// the same numbers to the bit.
import type { DType } from '../dtypes.js';
import { allocate } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { padArray } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { Attrs } from '../op_spec.js';
import type { IRValue, LowerContext } from '../prims.js';
import { formatDims, type Dim, type Shape } from '../shape.js';

export type Padding = 'SAME' | 'VALID';

/** Window size, strides and dilations along H and W. */
export interface Window {
  kh: number; kw: number;
  sh: number; sw: number;
  dh: number; dw: number;
  padding: Padding;
}

/** A window op's concrete geometry on an [n, h, w, c] input. */
export interface Geometry extends Window {
  n: number; h: number; w: number; c: number;
  oh: number; ow: number;
  /** Padding before and after along H and W (zero for 'VALID'). */
  top: number; bottom: number; left: number; right: number;
}

/** 'SAME' or 'VALID' (TF1 also accepts lower case), else an error listing both. */
export function paddingArg(p: unknown, what: string): Padding {
  const s = typeof p === 'string' ? p.toUpperCase() : p;
  if (s !== 'SAME' && s !== 'VALID') {
    throw new InvalidArgumentError(`${what}: padding must be 'SAME' or 'VALID', got ${JSON.stringify(p)}.`);
  }
  return s;
}

/**
 * A 4-entry NHWC list (strides, ksize, dilations) from TF1's forms: a number (same for H and W),
 * [h, w] or [1, h, w, 1]. Entries must be positive integers, batch and depth entries 1.
 */
export function nhwcList(v: unknown, name: string, what: string): number[] {
  const list = typeof v === 'number' ? [1, v, v, 1]
    : Array.isArray(v) && v.length === 1 ? [1, v[0], v[0], 1]
    : Array.isArray(v) && v.length === 2 ? [1, v[0], v[1], 1]
    : Array.isArray(v) && v.length === 4 ? [...v] : undefined;
  if (!list || list.some((d) => typeof d !== 'number' || !Number.isInteger(d) || d < 1)) {
    throw new InvalidArgumentError(
      `${what}: ${name} must be a positive integer or a list of 1, 2 or 4 positive integers ([1, h, w, 1] for NHWC), ` +
      `got ${JSON.stringify(v)}.`);
  }
  if (list[0] !== 1 || list[3] !== 1) {
    throw new InvalidArgumentError(
      `${what}: ${name} ${JSON.stringify(v)} must be 1 in the batch and depth dimensions ([1, h, w, 1]); ` +
      'only windows over height and width are supported.');
  }
  return list;
}

/** Only NHWC: TF1's default, and the only layout its CPU kernels run. */
export function checkDataFormat(f: unknown, what: string): void {
  if (f !== undefined && f !== 'NHWC') {
    throw new InvalidArgumentError(`${what}: dataFormat must be 'NHWC' (batch, height, width, channels), got ${JSON.stringify(f)}.`);
  }
}

export function windowOf(attrs: Attrs, kernel?: readonly number[]): Window {
  const s = attrs.strides as number[];
  const d = (attrs.dilations as number[] | undefined) ?? [1, 1, 1, 1];
  const k = kernel ?? (attrs.ksize as number[]);
  return { kh: k[1], kw: k[2], sh: s[1], sw: s[2], dh: d[1], dw: d[2], padding: attrs.padding as Padding };
}

/** TF1's output size and padding of one spatial dim (null when the input dim is unknown). */
function outDim(size: Dim, k: number, stride: number, dilation: number, padding: Padding, what: string, inputs: string): { out: Dim; before: number; after: number } {
  if (size === null) return { out: null, before: 0, after: 0 };
  const eff = (k - 1) * dilation + 1;
  if (padding === 'VALID') {
    if (size < eff) {
      throw new InvalidArgumentError(
        `Negative dimension size caused by subtracting ${eff} from ${size} for ${what} with input shapes: ${inputs}. ` +
        "Use padding 'SAME', a smaller window, or a larger input.");
    }
    return { out: Math.floor((size - eff) / stride) + 1, before: 0, after: 0 };
  }
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + eff - size, 0);
  return { out, before: Math.floor(total / 2), after: total - Math.floor(total / 2) };
}

/** The static [batch, oh, ow] of a window op on an input of static shape `x`. */
export function staticOutput(x: Shape, win: Window, what: string, inputs: string): [Dim, Dim, Dim] {
  const s = x ?? [null, null, null, null];
  return [s[0], outDim(s[1], win.kh, win.sh, win.dh, win.padding, what, inputs).out, outDim(s[2], win.kw, win.sw, win.dw, win.padding, what, inputs).out];
}

export function geometry(x: readonly number[], win: Window, what: string): Geometry {
  const inputs = formatDims([...x]);
  const hd = outDim(x[1], win.kh, win.sh, win.dh, win.padding, what, inputs);
  const wd = outDim(x[2], win.kw, win.sw, win.dw, win.padding, what, inputs);
  return {
    ...win, n: x[0], h: x[1], w: x[2], c: x[3], oh: hd.out!, ow: wd.out!,
    top: hd.before, bottom: hd.after, left: wd.before, right: wd.after,
  };
}

/** Rank-4 check for an input that is not yet known to be NHWC. */
export function checkRank4(t: { shape: Shape; toString(): string }, role: string, what: string): void {
  if (t.shape !== null && t.shape.length !== 4) {
    throw new InvalidArgumentError(`${what}: ${role} ${t} must be 4-D, but has shape ${formatDims(t.shape)}.`);
  }
}

const tables = new Map<string, NDArray>();
/** why: one NDArray per geometry, so the forward op and its gradients gather through the same constant (CSE merges them). */
function cached(key: string, make: () => Int32Array, shape: number[]): NDArray {
  let t = tables.get(key);
  if (!t) {
    if (tables.size > 256) tables.clear();
    t = new NDArray(make(), shape, 'int32');
    tables.set(key, t);
  }
  return t;
}

const gkey = (g: Geometry) => [g.h, g.w, g.kh, g.kw, g.sh, g.sw, g.dh, g.dw, g.top, g.left, g.bottom, g.right].join(',');
export const paddedH = (g: Geometry) => g.h + g.top + g.bottom;
export const paddedW = (g: Geometry) => g.w + g.left + g.right;
export const windowSize = (g: Geometry) => g.kh * g.kw;

/** For each (oh, ow, i, j): the flat (y, x) position in the padded input that window element reads. */
export function im2colTable(g: Geometry): NDArray {
  const wp = paddedW(g);
  return cached(`im2col:${gkey(g)}`, () => {
    const t = new Int32Array(g.oh * g.ow * g.kh * g.kw);
    let k = 0;
    for (let oy = 0; oy < g.oh; oy++) for (let ox = 0; ox < g.ow; ox++) {
      for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) t[k++] = (oy * g.sh + i * g.dh) * wp + ox * g.sw + j * g.dw;
    }
    return t;
  }, [g.oh * g.ow * g.kh * g.kw]);
}

/**
 * For each input position (y, x) and window element (i, j): the row of the window matrix
 * [oh·ow·kh·kw] holding that input element, or `sentinel` (= that row count, a zero row
 * appended by the caller) when no window reads it there.
 */
export function col2imTable(g: Geometry): { table: NDArray; sentinel: number } {
  const kk = windowSize(g);
  const sentinel = g.oh * g.ow * kk;
  const table = cached(`col2im:${gkey(g)}`, () => {
    const t = new Int32Array(g.h * g.w * kk);
    let k = 0;
    for (let y = 0; y < g.h; y++) for (let x = 0; x < g.w; x++) {
      for (let i = 0; i < g.kh; i++) for (let j = 0; j < g.kw; j++) {
        const py = y + g.top - i * g.dh, px = x + g.left - j * g.dw;
        const oy = py / g.sh, ox = px / g.sw;
        const hit = py >= 0 && px >= 0 && Number.isInteger(oy) && Number.isInteger(ox) && oy < g.oh && ox < g.ow;
        t[k++] = hit ? (oy * g.ow + ox) * kk + i * g.kw + j : sentinel;
      }
    }
    return t;
  }, [g.h * g.w * kk]);
  return { table, sentinel };
}

// ---- reference side: the same steps on arrays ----

/** The windows of x: [n, oh·ow·kh·kw, c] as a flat array (row (n, oh, ow), column (i, j, c)). */
export function im2colArray(x: NDArray, g: Geometry, padValue: number): NDArray {
  const p = g.top || g.bottom || g.left || g.right ? padArray(x, [0, g.top, g.left, 0], [0, g.bottom, g.right, 0], padValue) : x;
  const table = im2colTable(g).data;
  const rows = paddedH(g) * paddedW(g), t = table.length, c = g.c;
  const out = allocate(x.dtype, g.n * t * c);
  for (let n = 0; n < g.n; n++) {
    for (let q = 0; q < t; q++) {
      const src = (n * rows + table[q]) * c, dst = (n * t + q) * c;
      for (let r = 0; r < c; r++) out[dst + r] = p.data[src + r];
    }
  }
  return new NDArray(out, [g.n, t, c], x.dtype);
}

/**
 * The input-shaped sum of window values: `cols` holds [n, oh·ow·kh·kw, c]; each input element
 * sums the entries that read it, in (i, j) order, in float64, rounded once to dtype.
 */
export function col2imArray(cols: ArrayLike<number>, g: Geometry, c: number, dtype: DType): NDArray {
  const { table, sentinel } = col2imTable(g);
  const kk = windowSize(g), hw = g.h * g.w, t = table.data;
  const out = allocate(dtype, g.n * hw * c);
  for (let n = 0; n < g.n; n++) {
    for (let p = 0; p < hw; p++) {
      for (let r = 0; r < c; r++) {
        let acc = 0;
        for (let k = 0; k < kk; k++) {
          const row = t[p * kk + k];
          acc += row === sentinel ? 0 : cols[(n * sentinel + row) * c + r];
        }
        out[(n * hw + p) * c + r] = acc;
      }
    }
  }
  return new NDArray(out, [g.n, g.h, g.w, c], dtype);
}

// ---- lowering side ----

/** IR of im2colArray: pad (if any), then one gather of window positions: [n, oh·ow·kh·kw, c]. */
export function lowerIm2col(ctx: LowerContext, x: IRValue, g: Geometry, padValue: number): IRValue {
  const padded = g.top || g.bottom || g.left || g.right
    ? ctx.pad(x, [[0, 0], [g.top, g.bottom], [g.left, g.right], [0, 0]], padValue) : x;
  const rows = ctx.reshape(padded, [g.n, paddedH(g) * paddedW(g), g.c]);
  return ctx.gather(rows, ctx.constant(im2colTable(g)), 1);
}

/** IR of col2imArray: `cols` [n, oh·ow·kh·kw, c] plus a zero row, gathered per input element and summed. */
export function lowerCol2im(ctx: LowerContext, cols: IRValue, g: Geometry, c: number): IRValue {
  const { table } = col2imTable(g);
  const withZero = ctx.pad(cols, [[0, 0], [0, 1], [0, 0]], 0);
  const picked = ctx.reshape(ctx.gather(withZero, ctx.constant(table), 1), [g.n, g.h * g.w, windowSize(g), c]);
  return ctx.reshape(ctx.reduce('sum', picked, [2], false), [g.n, g.h, g.w, c]);
}
