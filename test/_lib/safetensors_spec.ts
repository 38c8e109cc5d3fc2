// An independent reader of the safetensors format, written from its specification (not from
// tfgen's reader): 8-byte little-endian header length N, N bytes of UTF-8 JSON mapping each
// tensor name to {dtype, shape, data_offsets: [begin, end]} (offsets relative to the byte after
// the header) plus an optional "__metadata__" object of strings, then the raw little-endian data.
// Tests use it to check that files tfgen writes open in another reader.

export interface SpecTensor { dtype: string; shape: number[]; values: number[] }

const WIDTH: Record<string, number> = { F64: 8, F32: 4, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** The tensors (by name, in header order) and metadata of a safetensors file; throws if malformed. */
export function readSafetensorsSpec(bytes: Uint8Array): { tensors: Map<string, SpecTensor>; metadata: Record<string, string> | undefined } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  if (8 + n > bytes.length) throw new Error(`header length ${n} past the end of the file`);
  const header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n))) as Record<string, unknown>;
  const base = 8 + n;
  const tensors = new Map<string, SpecTensor>();
  let metadata: Record<string, string> | undefined;
  for (const name of Object.keys(header)) {
    const entry = header[name] as { dtype: string; shape: number[]; data_offsets: [number, number] };
    if (name === '__metadata__') { metadata = entry as unknown as Record<string, string>; continue; }
    const width = WIDTH[entry.dtype];
    if (!width) throw new Error(`unknown dtype ${entry.dtype}`);
    const [begin, end] = entry.data_offsets;
    const count = entry.shape.reduce((a, b) => a * b, 1);
    if (end - begin !== count * width || base + end > bytes.length) throw new Error(`bad data_offsets for '${name}'`);
    const values: number[] = [];
    for (let i = 0; i < count; i++) {
      const at = base + begin + i * width;
      switch (entry.dtype) {
        case 'F64': values.push(view.getFloat64(at, true)); break;
        case 'F32': values.push(view.getFloat32(at, true)); break;
        case 'I32': values.push(view.getInt32(at, true)); break;
        case 'I16': values.push(view.getInt16(at, true)); break;
        case 'I8': values.push(view.getInt8(at)); break;
        default: values.push(view.getUint8(at));
      }
    }
    tensors.set(name, { dtype: entry.dtype, shape: entry.shape, values });
  }
  return { tensors, metadata };
}
