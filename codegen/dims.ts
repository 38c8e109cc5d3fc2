// Dim expressions: a plan's shapes may hold run-time dims (`D0`, `D1`, … — a placeholder's unknown
// dims), so one plan serves every batch size. A symbolic dim is a monomial c·D_i·D_j… (products
// are what shapes need: element counts, strides, a mean's count), interned so that equal
// expressions are the same object and `===` compares them. Anything a monomial cannot express
// (D0 + 2, D0 - D0 % 4 outside generated text) throws Specialise: the plan is then compiled on
// concrete shapes, as before.
import type { PlanDim } from '../src/runtime/plan_data.js';

export interface SymDim {
  /** Integer coefficient, at least 1. */
  readonly c: number;
  /** Indices of the run-time dims multiplied, sorted (non-empty). */
  readonly syms: readonly number[];
}

export type Dim = number | SymDim;

/** Thrown where a plan with run-time dims cannot express something: compile on concrete shapes instead. */
export class Specialise extends Error {}

const interned = new Map<string, SymDim>();

function mono(c: number, syms: readonly number[]): Dim {
  if (c === 0) return 0;
  if (!syms.length) return c;
  const sorted = [...syms].sort((a, b) => a - b);
  const key = `${c}*${sorted.join('*')}`;
  let d = interned.get(key);
  if (!d) interned.set(key, (d = Object.freeze({ c, syms: Object.freeze(sorted) })));
  return d;
}

/** The run-time dim D_k. */
export const symDim = (k: number): SymDim => mono(1, [k]) as SymDim;

export const isSym = (d: Dim): d is SymDim => typeof d !== 'number';

export const hasSym = (shape: readonly Dim[]): boolean => shape.some(isSym);

export function dmul(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  if (a === 0 || b === 0) return 0;
  const [ca, sa] = typeof a === 'number' ? [a, []] : [a.c, a.syms];
  const [cb, sb] = typeof b === 'number' ? [b, []] : [b.c, b.syms];
  return mono(ca * cb, [...sa, ...sb]);
}

/** The product of dims (an element count). */
export function dprod(ds: readonly Dim[]): Dim {
  let p: Dim = 1;
  for (const d of ds) p = dmul(p, d);
  return p;
}

/** a / b when it divides exactly as a monomial (a reshape's -1), else Specialise. */
export function ddiv(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a / b;
  const [ca, sa] = typeof a === 'number' ? [a, [] as number[]] : [a.c, [...a.syms]];
  const [cb, sb] = typeof b === 'number' ? [b, [] as number[]] : [b.c, b.syms];
  for (const s of sb) {
    const i = sa.indexOf(s);
    if (i < 0) throw new Specialise(`${dimText(a)} / ${dimText(b)} is not a product of run-time dims`);
    sa.splice(i, 1);
  }
  if (cb === 0 || ca % cb !== 0) throw new Specialise(`${dimText(a)} / ${dimText(b)} is not a whole multiple`);
  return mono(ca / cb, sa);
}

/** a + b for numbers or like monomials; else Specialise. */
export function dadd(a: Dim, b: Dim): Dim {
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  if (a === 0) return b;
  if (b === 0) return a;
  if (isSym(a) && isSym(b) && a.syms.join() === b.syms.join()) return mono(a.c + b.c, a.syms);
  throw new Specialise(`${dimText(a)} + ${dimText(b)} is not a monomial`);
}

/** The dim as JS source text over the plan's run-time dims `D0`, `D1`, …. */
export function dimText(d: Dim): string {
  if (typeof d === 'number') return String(d);
  const names = d.syms.map((s) => `D${s}`);
  if (d.c === 1 && names.length === 1) return names[0];
  return `(${[...(d.c === 1 ? [] : [String(d.c)]), ...names].join(' * ')})`;
}

/** A dim's value for given run-time dims. */
export function dimValue(d: Dim | PlanDim, dims: readonly number[]): number {
  if (typeof d === 'number') return d;
  let v = d.c;
  for (const s of 'syms' in d ? d.syms : d.d) v *= dims[s];
  return v;
}

/** The dim as plan data: a number, or `{c, d}` (c times the product of dims[d…]). */
export function planDim(d: Dim): PlanDim {
  return typeof d === 'number' ? d : { c: d.c, d: [...d.syms] };
}

/** A shape's concrete dims, or Specialise when it holds run-time dims (what `what` cannot take). */
export function concreteShape(shape: readonly Dim[], what: string): number[] {
  if (hasSym(shape)) throw new Specialise(`${what} has run-time dims [${shape.map(dimText)}]`);
  return shape as number[];
}

export const sameDims = (a: readonly Dim[], b: readonly Dim[]): boolean => a.length === b.length && a.every((d, i) => d === b[i]);

export const shapeText = (s: readonly Dim[]): string => `[${s.map(dimText).join(',')}]`;
