// Comparing fetched values at a stated tolerance: 'exact' is Object.is per element (NaN equals
// NaN, -0 differs from 0); a numeric tolerance accepts a float element within `ulps` float32 ulps
// of the expected value, or within atol + rtol·|expected|. Integers and booleans are always exact,
// and so are NaN and ±Infinity (a backend that turns an overflow into a finite number is wrong at
// any tolerance) unless the tolerance says `nonFinite: 'any'`. No node: imports: the browser tests bundle this module too.
import * as tf from '../../src/index.js';

/**
 * How far a backend's float results may be from the reference's (stated per op class).
 * `nonFinite: 'any'` accepts any value where the reference's is NaN or ±Infinity (GLSL does not
 * promise them: max(NaN, x) or log(-1) may give a number on a GPU).
 */
export type Tolerance = 'exact' | { readonly ulps?: number; readonly rtol?: number; readonly atol?: number; readonly nonFinite?: 'any' };

/** The worst element of a comparison: its distance in float32 ulps and in absolute value. */
export interface Worst { ulps: number; abs: number }

const f32 = new Float32Array(1), u32 = new Uint32Array(f32.buffer);
/** A float32's position on the number line of float32s (so adjacent floats differ by 1, and -0 is 0). */
function ordinal(x: number): number {
  f32[0] = x;
  const bits = u32[0];
  return bits & 0x80000000 ? -(bits & 0x7fffffff) : bits;
}

/** The distance of two finite numbers in float32 ulps (both rounded to float32 first). */
export function ulpDistance(a: number, b: number): number {
  return Math.abs(ordinal(a) - ordinal(b));
}

function fmt(v: unknown): string {
  return typeof v === 'number' && Object.is(v, -0) ? '-0' : String(v);
}

function elementDiff(got: number, want: number, tol: Tolerance, float: boolean, worst: Worst): string | undefined {
  if (Object.is(got, want)) return undefined;
  if (tol !== 'exact' && float && tol.nonFinite === 'any' && !Number.isFinite(want)) return undefined;
  if (tol === 'exact' || !float || !Number.isFinite(want) || !Number.isFinite(got)) return `${fmt(got)}, expected ${fmt(want)}`;
  const ulps = ulpDistance(got, want), abs = Math.abs(got - want);
  worst.ulps = Math.max(worst.ulps, ulps);
  worst.abs = Math.max(worst.abs, abs);
  if (tol.ulps !== undefined && ulps <= tol.ulps) return undefined;
  if ((tol.rtol !== undefined || tol.atol !== undefined) && abs <= (tol.atol ?? 0) + (tol.rtol ?? 0) * Math.abs(want)) return undefined;
  return `${fmt(got)}, expected ${fmt(want)} (${ulps} ulps, |Δ| ${abs.toPrecision(3)})`;
}

const preview = (a: ArrayLike<number>) => `[${Array.from(a).slice(0, 24).map(fmt).join(', ')}${a.length > 24 ? ', …' : ''}]`;

/**
 * How a fetched value differs from the expected one beyond the tolerance, or undefined. Values
 * are what sess.run returns (number, boolean, null, NDArray) or plain nested arrays for hand-written
 * expectations. `worst` collects the largest accepted difference.
 */
export function toleranceDiff(got: unknown, want: unknown, tol: Tolerance, worst: Worst = { ulps: 0, abs: 0 }): string | undefined {
  if (want instanceof tf.NDArray || Array.isArray(want)) {
    const g = got instanceof tf.NDArray ? got : undefined;
    if (!g) return `${String(got)}, expected an array`;
    if (want instanceof tf.NDArray) {
      if (g.dtype !== want.dtype) return `dtype ${g.dtype}, expected ${want.dtype}`;
      if (g.shape.join() !== want.shape.join()) return `shape [${g.shape}], expected [${want.shape}]`;
    }
    const wantData = want instanceof tf.NDArray ? want.data : (want.flat(Infinity) as number[]).map(Number);
    if (g.size !== wantData.length) return `${g.size} elements, expected ${wantData.length}`;
    const float = g.dtype === 'float32' || g.dtype === 'float64';
    for (let i = 0; i < g.size; i++) {
      const d = elementDiff(Number(g.data[i]), Number(wantData[i]), tol, float, worst);
      if (d) return `element ${i} is ${d}\n  got      ${preview(g.data)}\n  expected ${preview(wantData)}`;
    }
    return undefined;
  }
  if (typeof want === 'number' && typeof got === 'number') return elementDiff(got, want, tol, true, worst);
  return Object.is(got, want) ? undefined : `${fmt(got)}, expected ${fmt(want)}`;
}
