// The safetensors layout, as pure functions over bytes (no I/O): an 8-byte little-endian header
// length, a JSON header `{name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {…}}`
// and the raw little-endian data. Our files also carry a CRC-32 of the tensor entries and data
// in `__metadata__.checksum`, so decoding rejects any corruption before a caller uses a value.
import { allocate, int64Value, type DType } from '../dtypes.js';
import { DataLossError, InvalidArgumentError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { crc32 } from '../summary/checksums.js';

// why: one CRC-32 table for the project (PNG chunks in summaries use it too); re-exported for this module's callers.
export { crc32 };

type StoredDType = Exclude<DType, 'string'>;
export const SAFETENSORS_DTYPE: Readonly<Record<StoredDType, string>> = {
  float32: 'F32', float64: 'F64', int32: 'I32', int64: 'I64', int16: 'I16', int8: 'I8', uint8: 'U8', bool: 'BOOL',
};
const FROM_CODE = new Map(Object.entries(SAFETENSORS_DTYPE).map(([dt, code]) => [code, dt as DType]));
const BYTES: Readonly<Record<StoredDType, number>> = {
  float32: 4, float64: 8, int32: 4, int64: 8, int16: 2, int8: 1, uint8: 1, bool: 1,
};
/** Bytes per element; safetensors has no variable-length strings. */
function width(dtype: DType): number {
  if (dtype === 'string') throw new InvalidArgumentError('safetensors stores numbers and booleans; a string tensor cannot be saved.');
  return BYTES[dtype];
}
/** Refuse headers past this size (as the reference implementation does): a corrupt length field. */
const MAX_HEADER = 100_000_000;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export interface DecodedSafetensors {
  tensors: Map<string, NDArray>;
  metadata: Record<string, string>;
}

interface Entry {
  name: string;
  dtype: DType;
  shape: number[];
  begin: number;
  end: number;
}

/**
 * Serialises named arrays (sorted by element size, then name, so every tensor is naturally
 * aligned) with `metadata` plus a `checksum` entry. Same input, same bytes.
 */
export function encodeSafetensors(
  tensors: ReadonlyMap<string, NDArray>, metadata: Record<string, string> = {},
): Uint8Array {
  const names = [...tensors.keys()].sort((a, b) => {
    const d = width(tensors.get(b)!.dtype) - width(tensors.get(a)!.dtype);
    return d !== 0 ? d : a < b ? -1 : a > b ? 1 : 0;
  });
  const entries: Entry[] = [];
  let offset = 0;
  for (const name of names) {
    if (name === '__metadata__') {
      throw new InvalidArgumentError(`Cannot store a tensor named '__metadata__': the name is reserved.`);
    }
    const a = tensors.get(name)!;
    const size = a.size * width(a.dtype);
    entries.push({ name, dtype: a.dtype, shape: [...a.shape], begin: offset, end: offset + size });
    offset += size;
  }
  const data = new Uint8Array(offset);
  for (const e of entries) data.set(littleEndianBytes(tensors.get(e.name)!), e.begin);
  // why: the header is written key by key, so any name ('__proto__', 'constructor') is an own key
  // of the JSON object; assigning into a JS object would turn '__proto__' into its prototype.
  const members = [
    ['__metadata__', jsonObject([...Object.entries(metadata).filter(([k]) => k !== 'checksum'), ['checksum', checksumOf(entries, data)]])],
    ...entries.map((e) => [e.name, JSON.stringify({ dtype: SAFETENSORS_DTYPE[e.dtype as StoredDType], shape: e.shape, data_offsets: [e.begin, e.end] })]),
  ];
  const json = new TextEncoder().encode(`{${members.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);
  // why: pad the header with spaces (allowed by the format) so the data starts 8-byte aligned.
  const padded = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + padded + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.fill(0x20, 8, 8 + padded);
  out.set(json, 8);
  out.set(data, 8 + padded);
  return out;
}

/**
 * Parses and validates a safetensors file: header length, UTF-8 JSON, every entry's dtype, shape
 * and offsets (in range, exactly tiling the data, sizes matching), and the checksum when present
 * (required with `requireChecksum`). Throws tf.errors.DataLossError naming `source` and what is wrong.
 * The arrays returned own their data (no view on `bytes`).
 */
export function decodeSafetensors(
  bytes: Uint8Array, opts: { source?: string; requireChecksum?: boolean } = {},
): DecodedSafetensors {
  const source = opts.source ?? 'safetensors data';
  const fail = (why: string): never => { throw new DataLossError(`Checkpoint '${source}' is corrupt: ${why}.`); };
  if (bytes.length < 8) fail(`it has ${bytes.length} bytes, fewer than the 8-byte header length field`);
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (headerLen > BigInt(Math.min(MAX_HEADER, bytes.length - 8))) {
    fail(`the header length field says ${headerLen} bytes but only ${bytes.length - 8} follow (truncated file?)`);
  }
  const headerEnd = 8 + Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, headerEnd)));
  } catch (e) {
    fail(`its header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) fail('its header is not a JSON object');
  const dataLen = bytes.length - headerEnd;
  // why: a null-prototype record keeps a '__proto__' key as data.
  const metadata: Record<string, string> = Object.create(null) as Record<string, string>;
  const entries: Entry[] = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('__metadata__ is not an object');
      for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
        if (typeof v !== 'string') fail(`__metadata__.${k} is not a string`);
        metadata[k] = v as string;
      }
      continue;
    }
    entries.push(parseEntry(name, raw, dataLen, fail));
  }
  const byOffset = [...entries].sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const e of byOffset) {
    if (e.begin !== pos) {
      fail(`the data of '${e.name}' starts at byte ${e.begin} but the previous tensor ends at ${pos} (overlap or gap)`);
    }
    pos = e.end;
  }
  if (pos !== dataLen) fail(`the tensors cover ${pos} bytes of data but the file holds ${dataLen} after the header`);
  const data = bytes.subarray(headerEnd);
  const stored = metadata.checksum;
  if (stored === undefined) {
    if (opts.requireChecksum) fail('it has no checksum in __metadata__');
  } else {
    const actual = checksumOf(entries, data);
    if (stored !== actual) fail(`checksum mismatch: the header records ${stored} but the contents hash to ${actual}`);
  }
  const tensors = new Map<string, NDArray>();
  for (const e of entries) {
    const arr = new NDArray(fromLittleEndian(data.subarray(e.begin, e.end), e.dtype), e.shape, e.dtype);
    if (e.dtype === 'bool' && arr.data.some((v) => v > 1)) {
      fail(`the bool tensor '${e.name}' holds values other than 0 and 1`);
    }
    tensors.set(e.name, arr);
  }
  return { tensors, metadata };
}

/** A JSON object of string members, whatever their keys. */
function jsonObject(members: readonly (readonly [string, string])[]): string {
  return `{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`;
}

function parseEntry(name: string, raw: unknown, dataLen: number, fail: (why: string) => never): Entry {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail(`the entry of '${name}' is not an object`);
  const { dtype, shape, data_offsets: offsets, ...rest } = raw as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length) fail(`the entry of '${name}' has unknown fields ${extra.join(', ')}`);
  const dt = typeof dtype === 'string' ? FROM_CODE.get(dtype) : undefined;
  if (!dt) fail(`'${name}' has dtype ${JSON.stringify(dtype)}; supported: ${[...FROM_CODE.keys()].join(', ')}`);
  const isCount = (d: unknown): d is number => Number.isSafeInteger(d) && (d as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) {
    fail(`'${name}' has shape ${JSON.stringify(shape)}, not a list of non-negative integers`);
  }
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
    fail(`'${name}' has data_offsets ${JSON.stringify(offsets)}, not [begin, end]`);
  }
  const [begin, end] = offsets as number[];
  if (begin > end || end > dataLen) {
    fail(`the data of '${name}' at [${begin}, ${end}) lies outside the ${dataLen} data bytes (truncated file?)`);
  }
  const elements = (shape as number[]).reduce((a, b) => a * b, 1);
  const expected = elements * width(dt!);
  if (end - begin !== expected) {
    fail(`'${name}' (${dtype} ${JSON.stringify(shape)}) needs ${expected} bytes but its data_offsets span ${end - begin}`);
  }
  return { name, dtype: dt!, shape: shape as number[], begin, end };
}

function littleEndianBytes(a: NDArray): Uint8Array {
  // why: int64 elements are float64 numbers in memory; the file holds real 64-bit integers.
  const data = a.dtype === 'int64' ? BigInt64Array.from(a.data, (v) => BigInt(v)) : a.data;
  const view = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return LITTLE_ENDIAN ? view : swapBytes(view.slice(), width(a.dtype));
}

function fromLittleEndian(bytes: Uint8Array, dtype: DType) {
  // why: a copy with its own buffer; a Node Buffer's slice() is a view into a shared pool, so
  // `copy.buffer` would read other bytes (an int64 read back from a file came out as garbage).
  const copy = new Uint8Array(bytes);
  if (!LITTLE_ENDIAN) swapBytes(copy, width(dtype));
  if (dtype === 'int64') return Float64Array.from(new BigInt64Array(copy.buffer), (v) => int64Value(Number(v)));
  const out = allocate(dtype, bytes.length / width(dtype));
  new Uint8Array(out.buffer).set(copy);
  return out;
}

function swapBytes(b: Uint8Array, width: number): Uint8Array {
  for (let i = 0; i < b.length; i += width) b.subarray(i, i + width).reverse();
  return b;
}

/** `crc32:xxxxxxxx` over the canonical tensor entries (names, dtypes, shapes, offsets) and the data. */
function checksumOf(entries: readonly Entry[], data: Uint8Array): string {
  const canonical = [...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((e) => [e.name, SAFETENSORS_DTYPE[e.dtype as StoredDType], e.shape, [e.begin, e.end]]);
  const crc = crc32(data, crc32(new TextEncoder().encode(JSON.stringify(canonical))));
  return `crc32:${crc.toString(16).padStart(8, '0')}`;
}
