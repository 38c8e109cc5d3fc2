// Typed arrays as module text: small ones as literal arrays (readable), the rest packed into one
// little-endian blob, inline as base64 up to a threshold, else a sidecar .bin beside the module.
// Exact: every float32/float64 value is written so that it parses back to the same bits.
import type { DType, TypedArray } from '../../src/dtypes.js';

const ARRAY: Record<DType, string> = {
  float32: 'Float32Array', float64: 'Float64Array', int32: 'Int32Array', int64: 'Float64Array', int16: 'Int16Array', int8: 'Int8Array', uint8: 'Uint8Array', bool: 'Uint8Array',
  // why: string tensors never reach compiled plans (no op lowers them); listed for completeness.
  string: 'Array',
};

/** Arrays up to this many elements are written as literals. */
const LITERAL_MAX = 16;
/** A blob up to this many bytes is inline (base64); above, a sidecar file. */
export const INLINE_BLOB_MAX = 64 * 1024;

/** A JS literal that evaluates to exactly `x` (keeps -0). */
export function numberLiteral(x: number): string {
  if (Object.is(x, -0)) return '-0';
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return String(x);
}

/** Collects the arrays a module needs; `ref` gives the expression that yields each one. */
export class ValueTable {
  private readonly chunks: Uint8Array[] = [];
  private size = 0;

  /** An expression evaluating to a copy of `data` (a literal, or a view into the blob `blob`). */
  ref(data: TypedArray, dtype: DType): string {
    const cls = ARRAY[dtype];
    if (data.length <= LITERAL_MAX) return `new ${cls}([${Array.from(data, numberLiteral).join(', ')}])`;
    const align = data.BYTES_PER_ELEMENT;
    const pad = (align - (this.size % align)) % align;
    if (pad) { this.chunks.push(new Uint8Array(pad)); this.size += pad; }
    const offset = this.size;
    // why: blobs are little-endian on every platform (as checkpoints are); typed arrays here are too.
    this.chunks.push(new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)));
    this.size += data.byteLength;
    return `new ${cls}(blob.buffer, blob.byteOffset + ${offset}, ${data.length})`;
  }

  get byteLength(): number { return this.size; }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let o = 0;
    for (const c of this.chunks) { out.set(c, o); o += c.length; }
    return out;
  }

  /**
   * The statement defining `blob`: inline base64, or a load of `sidecar` (a file beside the
   * module, read with node:fs in Node and fetch elsewhere). Empty when no array needed it.
   */
  blobStatement(sidecar: string, inlineAll = false): { text: string; sidecar: Uint8Array | null } {
    if (this.size === 0) return { text: '', sidecar: null };
    if (this.size <= INLINE_BLOB_MAX || inlineAll) {
      const b64 = Buffer.from(this.bytes()).toString('base64');
      return { text: `const blob = decodeBase64(${JSON.stringify(b64)});\n${DECODE_BASE64}`, sidecar: null };
    }
    return { text: `const blob = await loadSidecar(new URL(${JSON.stringify(`./${sidecar}`)}, import.meta.url));\n${LOAD_SIDECAR}`, sidecar: this.bytes() };
  }
}

const DECODE_BASE64 = `function decodeBase64(s) {
  if (typeof atob === 'function') return Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  return new Uint8Array(Buffer.from(s, 'base64'));
}`;

const LOAD_SIDECAR = `async function loadSidecar(url) {
  // why: Node's fetch cannot read file: URLs; browsers and bundlers serve the file over http.
  if (url.protocol === 'file:') {
    // why: process.getBuiltinModule (Node >= 20.16), not an import, so bundlers for browsers see no node: module.
    return new Uint8Array(globalThis.process.getBuiltinModule('node:fs').readFileSync(url));
  }
  const res = await fetch(url);
  if (!res.ok) throw new Error(\`cannot load the weights \${url}: HTTP \${res.status}\`);
  return new Uint8Array(await res.arrayBuffer());
}`;
