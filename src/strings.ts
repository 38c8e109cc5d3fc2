// The 'string' dtype: TF's strings are byte strings (a summary op's output is a serialized
// protocol buffer). Each element is a Uint8Array; JS strings become UTF-8. String tensors
// flow only through host ops (the compiler passes them between reference kernels untouched).
import type { StringElements, TypedArray } from './dtypes.js';
import { NDArray } from './ndarray.js';
import { numElements } from './shape.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function utf8(s: string): Uint8Array {
  return encoder.encode(s);
}

export function fromUtf8(b: Uint8Array): string {
  return decoder.decode(b);
}

/** An NDArray of dtype 'string' holding `values` (JS strings are UTF-8 encoded). */
export function stringArray(values: readonly (string | Uint8Array)[], shape: readonly number[] = [values.length]): NDArray {
  if (numElements(shape) !== values.length) {
    throw new RangeError(`${values.length} strings cannot fill shape [${shape.join(',')}]`);
  }
  const data: StringElements = values.map((v) => (typeof v === 'string' ? utf8(v) : v));
  // why: string storage takes the TypedArray slot of NDArray (see StringElements in dtypes.ts).
  return new NDArray(data as unknown as TypedArray, shape, 'string');
}

/** The byte strings of a 'string' NDArray, row-major. */
export function stringElements(a: NDArray): StringElements {
  if (a.dtype !== 'string') throw new TypeError(`expected a string array, got dtype ${a.dtype}`);
  return a.data as unknown as StringElements;
}

/** A JS string, or a nested array of them, as a 'string' NDArray; undefined for other values. */
export function stringValue(value: unknown): NDArray | undefined {
  const shape: number[] = [];
  let probe = value;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  if (typeof probe !== 'string') return undefined;
  const flat: string[] = [];
  const walk = (v: unknown, axis: number): void => {
    if (axis === shape.length) {
      if (typeof v !== 'string') throw new TypeError(`a string tensor's elements must all be strings; got ${typeof v}`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) throw new TypeError('ragged nested array of strings');
    for (const x of v) walk(x, axis + 1);
  };
  walk(value, 0);
  return stringArray(flat, shape);
}

/** Python's repr of bytes: b'text' with non-printable bytes as \xNN. */
export function bytesRepr(b: Uint8Array): string {
  let s = "b'";
  for (const c of b) {
    if (c === 0x27 || c === 0x5c) s += `\\${String.fromCharCode(c)}`;
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x0d) s += '\\r';
    else if (c === 0x09) s += '\\t';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return `${s}'`;
}

/** What TF1 prints for a fetched string array: numpy's object array of bytes. */
export function formatStringArray(a: NDArray): string {
  const els = stringElements(a);
  if (a.shape.length === 0) return `array(${bytesRepr(els[0])}, dtype=object)`;
  const build = (axis: number, off: number): string => {
    const n = a.shape[axis];
    if (axis === a.shape.length - 1) return `[${els.slice(off, off + n).map(bytesRepr).join(', ')}]`;
    const stride = numElements(a.shape.slice(axis + 1));
    return `[${Array.from({ length: n }, (_, i) => build(axis + 1, off + i * stride)).join(', ')}]`;
  };
  return `array(${build(0, 0)}, dtype=object)`;
}
