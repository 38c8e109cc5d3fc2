// The `Summary` protocol buffers summary ops output, written and split with protobufjs's
// minimal Writer/Reader (field numbers as in TF's summary.proto and tensor.proto; proto.ts holds
// the same messages as a schema, for the FileWriter and the readers).
// why: summary kernels are host calls of compiled plans, so the op table of tfgen/runtime/ops
// reaches them; the minimal build keeps protobufjs's schema parser (~80 KB) out of that entry.
import protobuf from 'protobufjs/minimal.js';
import type { DType } from '../dtypes.js';
import type { NDArray } from '../ndarray.js';
import { stringElements } from '../strings.js';

type Writer = protobuf.Writer;

/** TF's DataType enum value of a dtype. */
export const DATA_TYPE: Readonly<Record<DType, number>> = {
  float32: 1, float64: 2, int32: 3, uint8: 4, int16: 5, int8: 6, string: 7, int64: 9, bool: 10,
};

const LEN = 2, VARINT = 0, I64 = 1, I32 = 5;
const key = (w: Writer, field: number, wire: number) => w.uint32((field << 3) | wire);
const nested = (w: Writer, field: number, body: (w: Writer) => void) => {
  key(w, field, LEN).fork();
  body(w);
  w.ldelim();
};

export interface HistogramValue {
  min: number; max: number; num: number; sum: number; sum_squares: number;
  bucket_limit: readonly number[]; bucket: readonly number[];
}

export interface ImageValue { height: number; width: number; colorspace: number; png: Uint8Array }

/** One Summary.Value: a tag and one kind of value (plus, for tensors, the plugin's metadata). */
export type SummaryValue = { tag: string } & (
  | { simpleValue: number }
  | { histo: HistogramValue }
  | { image: ImageValue }
  | { tensor: NDArray; metadata: Uint8Array });

function writeHisto(w: Writer, h: HistogramValue): void {
  key(w, 1, I64).double(h.min);
  key(w, 2, I64).double(h.max);
  key(w, 3, I64).double(h.num);
  key(w, 4, I64).double(h.sum);
  key(w, 5, I64).double(h.sum_squares);
  nested(w, 6, (p) => { for (const v of h.bucket_limit) p.double(v); });
  nested(w, 7, (p) => { for (const v of h.bucket) p.double(v); });
}

/** A TensorProto: dtype, shape, and the values (string_val, or little-endian tensor_content). */
export function writeTensor(w: Writer, a: NDArray): void {
  key(w, 1, VARINT).int32(DATA_TYPE[a.dtype]);
  nested(w, 2, (s) => { for (const d of a.shape) nested(s, 2, (dim) => key(dim, 1, VARINT).int64(d)); });
  if (a.dtype === 'string') {
    for (const b of stringElements(a)) key(w, 8, LEN).bytes(b);
    return;
  }
  // why: int64 elements are float64 numbers in memory; the proto holds real 64-bit integers.
  const data = a.dtype === 'int64' ? BigInt64Array.from(a.data, (v) => BigInt(v)) : a.data;
  key(w, 4, LEN).bytes(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
}

function writeValue(w: Writer, v: SummaryValue): void {
  key(w, 1, LEN).string(v.tag);
  if ('simpleValue' in v) key(w, 2, I32).float(v.simpleValue);
  else if ('histo' in v) nested(w, 5, (h) => writeHisto(h, v.histo));
  else if ('image' in v) {
    nested(w, 4, (i) => {
      key(i, 1, VARINT).int32(v.image.height);
      key(i, 2, VARINT).int32(v.image.width);
      key(i, 3, VARINT).int32(v.image.colorspace);
      key(i, 4, LEN).bytes(v.image.png);
    });
  } else {
    nested(w, 8, (t) => writeTensor(t, v.tensor));
    key(w, 9, LEN).bytes(v.metadata);
  }
}

/** A serialized Summary of `values`, in order. */
export function encodeSummary(values: readonly SummaryValue[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const v of values) nested(w, 1, (x) => writeValue(x, v));
  // why: in Node the writer returns a pooled Buffer, whose slice() is a view; callers get a plain copy.
  return new Uint8Array(w.finish());
}

/** A serialized SummaryMetadata naming a TensorBoard plugin. */
export function encodePluginMetadata(pluginName: string): Uint8Array {
  const w = protobuf.Writer.create();
  nested(w, 1, (p) => key(p, 1, LEN).string(pluginName));
  return new Uint8Array(w.finish());
}

/** The values of a serialized Summary, each as its tag and its bytes (to re-emit unchanged). */
export function splitSummary(bytes: Uint8Array): { tag: string; bytes: Uint8Array }[] {
  const r = protobuf.Reader.create(bytes);
  const out: { tag: string; bytes: Uint8Array }[] = [];
  while (r.pos < r.len) {
    const k = r.uint32();
    if (k >>> 3 !== 1 || (k & 7) !== LEN) { r.skipType(k & 7); continue; }
    const value = r.bytes();
    const v = protobuf.Reader.create(value);
    let tag = '';
    while (v.pos < v.len) {
      const vk = v.uint32();
      if (vk >>> 3 === 1 && (vk & 7) === LEN) tag = v.string();
      else v.skipType(vk & 7);
    }
    out.push({ tag, bytes: value });
  }
  return out;
}

/** A Summary made of already serialized values. */
export function joinSummary(values: readonly Uint8Array[]): Uint8Array {
  const w = protobuf.Writer.create();
  for (const v of values) key(w, 1, LEN).bytes(v);
  return new Uint8Array(w.finish());
}
