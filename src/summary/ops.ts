// Summary ops (TF1 tf.summary.*): each outputs a scalar string, a serialized `Summary`
// protocol buffer, as TF1's ops do; a FileWriter writes them to an event file. They are host
// ops (no lowering): compiled plans call their reference kernels on the computed values.
import { isFloat, type DType } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { createOp, getDefaultGraph, nameScope, type Tensor } from '../graph.js';
import type { NDArray } from '../ndarray.js';
import type { InferContext, OpSpec, OutputInfo } from '../op_spec.js';
import { formatDims } from '../shape.js';
import { fromUtf8, stringArray, stringElements } from '../strings.js';
import { constant } from '../ops/sources.js';
import { constantOp, convertToTensor, type TensorLike } from '../ops/define_op.js';
import { histogramOf } from './histogram.js';
import { encodePng } from './png.js';
import { encodePluginMetadata, encodeSummary, joinSummary, splitSummary, type SummaryValue } from './summary_wire.js';

/** TF1's GraphKeys.SUMMARIES: where summary ops go unless told otherwise. */
export const SUMMARIES = 'summaries';

const REAL: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'int16', 'int8', 'uint8'];

function scalarString(): OutputInfo[] {
  return [{ dtype: 'string', shape: [] }];
}

function requireTag(ctx: InferContext, i = 0): void {
  const t = ctx.inputs[i];
  if (t.dtype !== 'string' || (t.shape && t.shape.length !== 0)) {
    throw new InvalidArgumentError(`${ctx.name}: the tag must be a scalar string, got ${t}.`);
  }
}

function requireValues(ctx: InferContext, i: number, allowed: readonly DType[], what: string): void {
  const t = ctx.inputs[i];
  if (!allowed.includes(t.dtype)) {
    throw new InvalidArgumentError(`${what} '${ctx.name}' does not support ${t.dtype}: ${t} must be one of ${allowed.join(', ')}.`);
  }
}

const tagOf = (a: NDArray) => fromUtf8(stringElements(a)[0]);
const summaryValue = (values: readonly SummaryValue[]) => [stringArray([encodeSummary(values)], [])];

export const ScalarSummary: OpSpec = {
  type: 'ScalarSummary',
  acceptsStrings: true,
  infer: (ctx) => {
    requireValues(ctx, 1, REAL, 'ScalarSummary');
    const [tags, values] = ctx.inputs;
    if (tags.dtype !== 'string') throw new InvalidArgumentError(`${ctx.name}: tags must be strings, got ${tags}.`);
    if (tags.shape && values.shape && (tags.shape.length !== values.shape.length || tags.shape.some((d, i) => d !== null && values.shape![i] !== null && d !== values.shape![i]))) {
      throw new InvalidArgumentError(`tags and values are not the same shape: ${formatDims(tags.shape)} != ${formatDims(values.shape)} ` +
        `for '${ctx.name}': ${values} must be a scalar (reduce it first, e.g. tf.reduceMean).`);
    }
    return scalarString();
  },
  reference: ([tags, values], { op }) => {
    const names = stringElements(tags);
    if (names.length !== values.size) {
      throw new InvalidArgumentError(`tags and values are not the same shape: [${tags.shape}] != [${values.shape}]`, op);
    }
    return summaryValue(names.map((t, i) => ({ tag: fromUtf8(t), simpleValue: Number(values.data[i]) })));
  },
};

export const HistogramSummary: OpSpec = {
  type: 'HistogramSummary',
  acceptsStrings: true,
  infer: (ctx) => {
    requireTag(ctx);
    requireValues(ctx, 1, REAL, 'HistogramSummary');
    return scalarString();
  },
  reference: ([tag, values], { op }) => {
    for (let i = 0; i < values.size; i++) {
      const v = values.data[i];
      if (!Number.isFinite(v)) {
        throw new InvalidArgumentError(`${Number.isNaN(v) ? 'Nan' : 'Infinity'} in summary histogram for: ${tagOf(tag)}`, op);
      }
    }
    return summaryValue([{ tag: tagOf(tag), histo: histogramOf(values.data) }]);
  },
};

/** uint8 pixels of image b of a float batch, normalised as TF's ImageSummary does. */
function imagePixels(x: NDArray, b: number, badColor: readonly number[]): Uint8Array {
  const [, h, w, c] = x.shape;
  const n = h * w * c, off = b * n;
  const out = new Uint8Array(n);
  if (!isFloat(x.dtype)) {
    for (let i = 0; i < n; i++) out[i] = x.data[off + i];
    return out;
  }
  let lo = Infinity, hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = x.data[off + i];
    if (Number.isFinite(v)) { if (v < lo) lo = v; if (v > hi) hi = v; }
  }
  // why: all non-negative: the largest value maps to 255; else 0 maps to 127 and the range is
  // scaled so the smallest value reaches 0 or the largest reaches 255 (TF's two normalisations).
  const negative = lo < 0;
  const offset = negative ? 127 : 0;
  const scale = negative ? Math.min(127 / -lo, hi > 0 ? 128 / hi : Infinity) : hi > 0 ? 255 / hi : 0;
  for (let p = 0; p < h * w; p++) {
    let bad = false;
    for (let k = 0; k < c; k++) if (!Number.isFinite(x.data[off + p * c + k])) bad = true;
    for (let k = 0; k < c; k++) {
      out[p * c + k] = bad ? badColor[k] : Math.max(0, Math.min(255, Math.round(x.data[off + p * c + k] * scale + offset)));
    }
  }
  return out;
}

export const ImageSummary: OpSpec = {
  type: 'ImageSummary',
  acceptsStrings: true,
  infer: (ctx) => {
    requireTag(ctx);
    requireValues(ctx, 1, ['uint8', 'float32', 'float64'], 'ImageSummary');
    const t = ctx.inputs[1];
    if (t.shape && (t.shape.length !== 4 || (t.shape[3] !== null && ![1, 3, 4].includes(t.shape[3])))) {
      throw new InvalidArgumentError(`Tensor must be 4-D with last dim 1, 3, or 4, not ${formatDims(t.shape)}: ${t} ` +
        `(tf.summary.image '${ctx.name}' takes a batch [batch, height, width, channels] of grayscale, RGB or RGBA images).`);
    }
    return scalarString();
  },
  reference: ([tag, x], { op }) => {
    const maxImages = op.attrs.max_images as number;
    const base = tagOf(tag);
    const count = Math.min(x.shape[0], maxImages);
    // why: TF's default bad_color, opaque red, for images with NaN or infinite pixels.
    const badColor = [255, 0, 0, 255];
    const values: SummaryValue[] = [];
    for (let b = 0; b < count; b++) {
      const [, h, w, c] = x.shape;
      values.push({
        tag: maxImages === 1 ? `${base}/image` : `${base}/image/${b}`,
        image: { height: h, width: w, colorspace: c, png: encodePng(imagePixels(x, b, badColor), h, w, c) },
      });
    }
    return summaryValue(values);
  },
};

export const TensorSummaryV2: OpSpec = {
  type: 'TensorSummaryV2',
  acceptsStrings: true,
  infer: (ctx) => {
    requireTag(ctx);
    requireTag(ctx, 2);
    return scalarString();
  },
  reference: ([tag, tensor, metadata]) => {
    return summaryValue([{ tag: tagOf(tag), tensor, metadata: stringElements(metadata)[0] }]);
  },
};

export const MergeSummary: OpSpec = {
  type: 'MergeSummary',
  acceptsStrings: true,
  infer: (ctx) => {
    for (const t of ctx.inputs) {
      if (t.dtype !== 'string') throw new InvalidArgumentError(`MergeSummary '${ctx.name}': ${t} is not a summary (dtype string).`);
    }
    return scalarString();
  },
  reference: (inputs, { op }) => {
    const values: Uint8Array[] = [];
    const seen = new Set<string>();
    for (const input of inputs) {
      for (const bytes of stringElements(input)) {
        for (const v of splitSummary(bytes)) {
          if (seen.has(v.tag)) throw new InvalidArgumentError(`Duplicate tag ${v.tag} found in summary inputs`, op);
          seen.add(v.tag);
          values.push(v.bytes);
        }
      }
    }
    return [stringArray([joinSummary(values)], [])];
  },
};

export interface SummaryOptions {
  /** Graph collections to add the summary to; default ['summaries']. */
  collections?: readonly string[];
  /** A prefix of the tag and the op's scope (TensorBoard shows it as a tab). */
  family?: string;
}

type CollectionsArg = readonly string[] | SummaryOptions | undefined;
const optionsOf = (a: CollectionsArg): SummaryOptions => (Array.isArray(a) ? { collections: a as readonly string[] } : (a as SummaryOptions | undefined) ?? {});

const TAG_LIKE = { dtype: 'string', shape: [], toString: () => 'the tag' } as unknown as Tensor;

/** Runs a summary op's shape rule before its tag constant exists, so bad input adds no op. */
function checkFirst(spec: OpSpec, scope: string, inputs: Tensor[], attrs: Record<string, number | string> = {}): void {
  spec.infer({ inputs: [TAG_LIKE, ...inputs], attrs, name: scope.replace(/\/$/, ''), constantValue: () => undefined });
}

/** TF1 cleans tags of characters TensorBoard cannot use. */
const cleanTag = (name: string) => name.replace(/[^-/\w.]/g, '_');

/** TF1's summary_scope: the op's name scope and the tag it gives the value. */
function summaryScope(name: string, opts: SummaryOptions, build: (tag: string, scope: string) => Tensor): Tensor {
  const base = opts.family ? `${cleanTag(opts.family)}/${cleanTag(name)}` : cleanTag(name);
  const t = nameScope(base, (scope) => {
    const tag = opts.family ? `${cleanTag(opts.family)}/${scope.replace(/\/$/, '')}` : scope.replace(/\/$/, '');
    return build(tag, scope);
  });
  for (const key of opts.collections ?? [SUMMARIES]) t.graph.addToCollection(key, t);
  return t;
}

/**
 * A scalar summary (TF1 tf.summary.scalar): the value of a 0-d real tensor, under the tag `name`.
 * @example const s = tf.summary.scalar('loss', loss)
 */
export function scalar(name: string, tensor: TensorLike, collections?: CollectionsArg): Tensor {
  return summaryScope(name, optionsOf(collections), (tag, scope) => {
    const values = convertToTensor(tensor, { what: 'tf.summary.scalar' });
    checkFirst(ScalarSummary, scope, [values]);
    return createOp(ScalarSummary, [constant(tag, { name: 'tags' }), values], { T: values.dtype }, scope).outputs[0];
  });
}

/** A histogram of a tensor's values (TF1 tf.summary.histogram); NaN or infinities fail the run. */
export function histogram(name: string, values: TensorLike, collections?: CollectionsArg): Tensor {
  return summaryScope(name, optionsOf(collections), (tag, scope) => {
    const v = convertToTensor(values, { what: 'tf.summary.histogram' });
    checkFirst(HistogramSummary, scope, [v]);
    return createOp(HistogramSummary, [constant(tag, { name: 'tag' }), v], { T: v.dtype }, scope).outputs[0];
  });
}

/**
 * Up to `maxOutputs` images of a [batch, height, width, channels] tensor as PNGs (TF1
 * tf.summary.image); floats are rescaled to 0..255 per image, uint8 used as is.
 */
export function image(name: string, tensor: TensorLike, maxOutputs = 3, collections?: CollectionsArg): Tensor {
  if (!Number.isInteger(maxOutputs) || maxOutputs < 1) {
    throw new InvalidArgumentError(`tf.summary.image '${name}': maxOutputs must be a positive integer, got ${maxOutputs}.`);
  }
  return summaryScope(name, optionsOf(collections), (tag, scope) => {
    const t = convertToTensor(tensor, { what: 'tf.summary.image' });
    checkFirst(ImageSummary, scope, [t]);
    return createOp(ImageSummary, [constant(tag, { name: 'tag' }), t], { T: t.dtype, max_images: maxOutputs }, scope).outputs[0];
  });
}

/** A text summary of a string tensor (TF1 tf.summary.text; TensorBoard's text plugin shows it). */
export function text(name: string, tensor: Tensor | string | readonly string[], collections?: CollectionsArg): Tensor {
  return summaryScope(name, optionsOf(collections), (tag, scope) => {
    const t = typeof tensor === 'string' || Array.isArray(tensor) ? constant(tensor as string) : tensor as Tensor;
    if (t.dtype !== 'string') throw new InvalidArgumentError(`tf.summary.text '${name}' needs a string tensor, got ${t}.`);
    const meta = encodePluginMetadata('text');
    const inputs = [constant(tag, { name: 'tag' }), t, constantOp(stringArray([meta], []), 'serialized_summary_metadata')];
    return createOp(TensorSummaryV2, inputs, { T: t.dtype }, scope).outputs[0];
  });
}

/** One summary holding the values of all `inputs` (TF1 tf.summary.merge); tags must be unique. */
export function merge(inputs: readonly Tensor[], collections?: readonly string[], name?: string): Tensor {
  if (!inputs.length) throw new InvalidArgumentError('tf.summary.merge needs at least one summary tensor.');
  const t = nameScope(name ?? 'Merge', () => createOp(MergeSummary, [...inputs], { N: inputs.length }, 'MergeSummary').outputs[0]);
  for (const key of collections ?? []) t.graph.addToCollection(key, t);
  return t;
}

/** Merges every summary in the collection `key` of the default graph (TF1 tf.summary.merge_all); null if none. */
export function mergeAll(key: string = SUMMARIES, scope?: string, name?: string): Tensor | null {
  let list = getDefaultGraph().getCollection<Tensor>(key);
  if (scope) {
    const re = new RegExp(`^${scope}`);
    list = list.filter((t) => re.test(t.op.name));
  }
  return list.length ? merge(list, undefined, name) : null;
}
