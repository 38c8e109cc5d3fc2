// Static shapes: known dims are numbers, unknown dims null, unknown rank null.

export type Dim = number | null;
export type Shape = Dim[] | null;

export function isFullyDefined(s: Shape): s is number[] {
  return s !== null && s.every((d) => d !== null);
}

/** The most elements a typed array can hold (V8: 2³²); a tensor with more cannot exist. */
export const MAX_ELEMENTS = 2 ** 32;

/**
 * Why a static shape cannot describe a tensor (a dim that is not a non-negative integer or null,
 * or more elements than a typed array holds), or undefined when it can.
 */
export function shapeProblem(s: Shape): string | undefined {
  if (s === null) return undefined;
  let n = 1;
  for (const d of s) {
    if (d === null) continue;
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) return `dimension ${String(d)} of shape ${formatDims(s)} is not a non-negative integer`;
    n *= d;
  }
  if (n > MAX_ELEMENTS) return `shape ${formatDims(s)} has ${n} elements, more than a typed array can hold (2^32)`;
  return undefined;
}

export function numElements(s: readonly number[]): number {
  let n = 1;
  for (const d of s) n *= d;
  return n;
}

/** TF1's repr of a static shape: `()`, `(3,)`, `(?, 2)`, `<unknown>`. */
export function formatShape(s: Shape): string {
  if (s === null) return '<unknown>';
  const dims = s.map((d) => (d === null ? '?' : String(d)));
  return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
}

/** The shape as a list for messages: `[2, 3]`, `[?]`, `<unknown>`. */
export function formatDims(s: Shape): string {
  if (s === null) return '<unknown>';
  return `[${s.map((d) => (d === null ? '?' : String(d))).join(',')}]`;
}

export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Whether a concrete shape fits a static (possibly partial) shape. */
export function fitsShape(concrete: readonly number[], s: Shape): boolean {
  if (s === null) return true;
  if (s.length !== concrete.length) return false;
  return s.every((d, i) => d === null || d === concrete[i]);
}

/** Whether two static shapes could describe the same concrete shape. */
export function compatible(a: Shape, b: Shape): boolean {
  if (a === null || b === null) return true;
  if (a.length !== b.length) return false;
  return a.every((d, i) => d === null || b[i] === null || d === b[i]);
}

/** The more specific of two compatible shapes. */
export function mergeShapes(a: Shape, b: Shape): Shape {
  if (a === null) return b;
  if (b === null) return a;
  return a.map((d, i) => (d === null ? b[i] : d));
}

/**
 * numpy broadcasting of two static shapes. Returns undefined when they cannot broadcast.
 * Unknown dims stay unknown unless the other side fixes them (a known dim > 1).
 */
export function broadcastStatic(a: Shape, b: Shape): Shape | undefined {
  if (a === null || b === null) return null;
  const n = Math.max(a.length, b.length);
  const out: Dim[] = new Array(n);
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da === 1) out[i] = db;
    else if (db === 1) out[i] = da;
    else if (da === null) out[i] = db;
    else if (db === null) out[i] = da;
    else if (da === db) out[i] = da;
    else return undefined;
  }
  return out;
}

/** numpy broadcasting of concrete shapes; undefined when incompatible. */
export function broadcastConcrete(a: readonly number[], b: readonly number[]): number[] | undefined {
  const r = broadcastStatic(a as Dim[], b as Dim[]);
  return r === undefined ? undefined : (r as number[]);
}

export function stridesOf(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = s;
    s *= shape[i];
  }
  return st;
}

/** Normalises a possibly negative axis against a rank; undefined when out of range. */
export function normAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? axis + rank : axis;
  return Number.isInteger(a) && a >= 0 && a < rank ? a : undefined;
}
