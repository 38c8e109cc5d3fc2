// An event-file reader written apart from src/summary, so tests check the format itself, not
// the library against itself: TFRecord framing with a bit-by-bit CRC-32C, a protobuf wire
// decoder and its own table of TF's field numbers.

/** CRC-32C computed bit by bit (no table), masked as TFRecord does. */
export function maskedCrc(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const b of bytes) {
    crc ^= b;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0x82f63b78 : crc >>> 1;
  }
  crc = (crc ^ 0xffffffff) >>> 0;
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** Splits a TFRecord file, failing on any CRC mismatch or trailing bytes. */
export function records(file: Uint8Array): Uint8Array[] {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const out: Uint8Array[] = [];
  let at = 0;
  while (at < file.length) {
    if (at + 12 > file.length) throw new Error(`truncated header at ${at}`);
    const len = Number(view.getBigUint64(at, true));
    if (view.getUint32(at + 8, true) !== maskedCrc(file.subarray(at, at + 8))) throw new Error(`bad length CRC at ${at}`);
    const data = file.subarray(at + 12, at + 12 + len);
    if (data.length !== len || at + 16 + len > file.length) throw new Error(`truncated record at ${at}`);
    if (view.getUint32(at + 12 + len, true) !== maskedCrc(data)) throw new Error(`bad data CRC at ${at}`);
    out.push(data);
    at += 16 + len;
  }
  return out;
}

type Wire = { field: number; type: number; value: bigint | Uint8Array };

function varint(b: Uint8Array, at: number): [bigint, number] {
  let v = 0n, shift = 0n;
  for (;;) {
    const c = b[at++];
    v |= BigInt(c & 0x7f) << shift;
    if (!(c & 0x80)) return [v, at];
    shift += 7n;
  }
}

/** The raw fields of one message, in order. */
export function wireFields(b: Uint8Array): Wire[] {
  const out: Wire[] = [];
  let at = 0;
  while (at < b.length) {
    const [key, next] = varint(b, at);
    at = next;
    const field = Number(key >> 3n), type = Number(key & 7n);
    if (type === 0) { const [v, n] = varint(b, at); out.push({ field, type, value: v }); at = n; }
    else if (type === 1) { out.push({ field, type, value: b.slice(at, at + 8) }); at += 8; }
    else if (type === 5) { out.push({ field, type, value: b.slice(at, at + 4) }); at += 4; }
    else if (type === 2) { const [len, n] = varint(b, at); out.push({ field, type, value: b.slice(n, n + Number(len)) }); at = n + Number(len); }
    else throw new Error(`wire type ${type} at ${at}`);
  }
  return out;
}

/** How to read a field: a scalar kind, or a nested schema; `[]` marks repeated ones. */
type Kind = 'double' | 'float' | 'int' | 'bool' | 'string' | 'bytes' | 'packedDouble' | 'packedInt' | Schema;
interface Schema { [field: number]: [name: string, kind: Kind, repeated?: true] }

const dim: Schema = { 1: ['size', 'int'], 2: ['name', 'string'] };
const shape: Schema = { 2: ['dim', dim, true], 3: ['unknown_rank', 'bool'] };
const tensor: Schema = { 1: ['dtype', 'int'], 2: ['tensor_shape', shape], 4: ['tensor_content', 'bytes'], 8: ['string_val', 'bytes', true] };
const histo: Schema = {
  1: ['min', 'double'], 2: ['max', 'double'], 3: ['num', 'double'], 4: ['sum', 'double'], 5: ['sum_squares', 'double'],
  6: ['bucket_limit', 'packedDouble'], 7: ['bucket', 'packedDouble'],
};
const image: Schema = { 1: ['height', 'int'], 2: ['width', 'int'], 3: ['colorspace', 'int'], 4: ['encoded_image_string', 'bytes'] };
const metadata: Schema = { 1: ['plugin_data', { 1: ['plugin_name', 'string'], 2: ['content', 'bytes'] }] };
const value: Schema = {
  1: ['tag', 'string'], 2: ['simple_value', 'float'], 4: ['image', image], 5: ['histo', histo], 7: ['node_name', 'string'],
  8: ['tensor', tensor], 9: ['metadata', metadata],
};
export const SUMMARY: Schema = { 1: ['value', value, true] };
const list: Schema = { 2: ['s', 'string', true], 3: ['i', 'packedInt'], 4: ['f', 'float', true], 6: ['type', 'packedInt'], 7: ['shape', shape, true] };
const attr: Schema = { 1: ['list', list], 2: ['s', 'string'], 3: ['i', 'int'], 4: ['f', 'float'], 5: ['b', 'bool'], 6: ['type', 'int'], 7: ['shape', shape], 8: ['tensor', tensor] };
const attrEntry: Schema = { 1: ['key', 'string'], 2: ['value', attr] };
const node: Schema = { 1: ['name', 'string'], 2: ['op', 'string'], 3: ['input', 'string', true], 4: ['device', 'string'], 5: ['attr', attrEntry, true] };
export const GRAPH_DEF: Schema = { 1: ['node', node, true] };
export const EVENT: Schema = {
  1: ['wall_time', 'double'], 2: ['step', 'int'], 3: ['file_version', 'string'], 4: ['graph_def', 'bytes'], 5: ['summary', SUMMARY],
};

function read(kind: Kind, w: Wire): unknown {
  const bytes = w.value as Uint8Array;
  const view = () => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (kind) {
    case 'double': return view().getFloat64(0, true);
    case 'float': return view().getFloat32(0, true);
    case 'int': return Number(BigInt.asIntN(64, w.value as bigint));
    case 'bool': return w.value !== 0n;
    case 'string': return new TextDecoder().decode(bytes);
    case 'bytes': return bytes;
    case 'packedDouble': return Array.from({ length: bytes.length / 8 }, (_, i) => view().getFloat64(i * 8, true));
    case 'packedInt': {
      const out: number[] = [];
      for (let at = 0; at < bytes.length;) { const [v, n] = varint(bytes, at); out.push(Number(BigInt.asIntN(64, v))); at = n; }
      return out;
    }
    default: return decode(bytes, kind);
  }
}

/** A message as a plain object by `schema`; unknown fields fail the test (they would be a bug). */
export function decode(b: Uint8Array, schema: Schema): any {
  const out: Record<string, unknown> = {};
  for (const w of wireFields(b)) {
    const entry = schema[w.field];
    if (!entry) throw new Error(`unexpected field ${w.field}`);
    const [name, kind, repeated] = entry;
    const v = read(kind, w);
    if (repeated) ((out[name] ??= []) as unknown[]).push(v);
    else out[name] = v;
  }
  return out;
}

/** The events of a file, decoded (graph_def left as bytes; decode it with GRAPH_DEF). */
export function events(file: Uint8Array): any[] {
  return records(file).map((r) => decode(r, EVENT));
}

/** A NodeDef's attrs as a plain object. */
export function attrsOf(n: { attr?: { key: string; value: unknown }[] }): Record<string, any> {
  return Object.fromEntries((n.attr ?? []).map((e) => [e.key, e.value]));
}
