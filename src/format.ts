// numpy-style text for values: scalar reprs (`3.14`, `5.0`, `1e-05`) and array reprs
// (`array([[ 6.,  8.], [10., 12.]], dtype=float32)`), so printed results read like TF1's.
import type { DType } from './dtypes.js';

/** The shortest decimal that reads back to the same float32 (or float64) value. */
export function shortestDigits(v: number, dtype: DType): string {
  if (dtype !== 'float32') return String(v);
  const f = Math.fround(v);
  for (let p = 1; p < 10; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(f);
}

/** Splits a JS number string into sign, digits and decimal exponent: 1.25e-7 → ('', '125', -7). */
function decompose(s: string): { neg: boolean; digits: string; exp: number } {
  let neg = false;
  if (s[0] === '-') { neg = true; s = s.slice(1); }
  let exp = 0;
  const e = s.indexOf('e');
  if (e >= 0) { exp = Number(s.slice(e + 1)); s = s.slice(0, e); }
  const dot = s.indexOf('.');
  let intPart = dot >= 0 ? s.slice(0, dot) : s;
  const frac = dot >= 0 ? s.slice(dot + 1) : '';
  let digits = intPart + frac;
  exp += intPart.length - 1;
  const lead = digits.length - digits.replace(/^0+/, '').length;
  digits = digits.slice(lead).replace(/0+$/, '');
  exp -= lead;
  if (digits === '') { digits = '0'; exp = 0; }
  return { neg, digits, exp };
}

function positional(neg: boolean, digits: string, exp: number): [string, string] {
  let int: string, frac: string;
  if (exp < 0) { int = '0'; frac = '0'.repeat(-exp - 1) + digits; }
  else if (digits.length <= exp + 1) { int = digits + '0'.repeat(exp + 1 - digits.length); frac = ''; }
  else { int = digits.slice(0, exp + 1); frac = digits.slice(exp + 1); }
  return [(neg ? '-' : '') + int, frac];
}

/** Python/numpy scalar repr of a float: `5.0`, `4.554`, `1e-05`, `inf`, `nan`. */
export function formatFloat(v: number, dtype: DType = 'float64'): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const { neg, digits, exp } = decompose(shortestDigits(v, dtype));
  if (exp < -4 || exp >= 16) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${neg ? '-' : ''}${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const [int, frac] = positional(neg, digits, exp);
  return `${int}.${frac || '0'}`;
}

/** Formats one scalar of `dtype` the way Python prints a numpy scalar of that type. */
export function formatScalar(v: number | boolean, dtype: DType): string {
  if (dtype === 'bool') return v ? 'True' : 'False';
  if (dtype === 'float32' || dtype === 'float64') return formatFloat(Number(v), dtype);
  return String(v);
}

// numpy's defaults: precision 8, threshold 1000, edgeitems 3, linewidth 75.
const PRECISION = 8;
const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 75;

type Formatter = (v: number) => string;

function roundDigits(v: number, dtype: DType, exponential: boolean): { neg: boolean; digits: string; exp: number } {
  const d = decompose(shortestDigits(v, dtype));
  // Limit to PRECISION fractional digits (positional) or mantissa digits (exponential).
  const keep = exponential ? PRECISION + 1 : d.exp + 1 + PRECISION;
  if (d.digits.length > keep) {
    const r = decompose((d.neg ? -1 : 1) * Number(`0.${d.digits}e${d.exp + 1}`) === 0 ? '0' :
      Number(`${d.neg ? '-' : ''}0.${d.digits}e${d.exp + 1}`).toPrecision(Math.max(keep, 1)));
    return r;
  }
  return d;
}

function floatFormatter(values: number[], dtype: DType): Formatter {
  const finite = values.filter((v) => Number.isFinite(v));
  const abs = finite.map(Math.abs).filter((v) => v !== 0);
  const maxAbs = abs.length ? Math.max(...abs) : 0;
  const minAbs = abs.length ? Math.min(...abs) : 0;
  const exponential = abs.length > 0 && (maxAbs >= 1e8 || minAbs < 1e-4 || maxAbs / minAbs > 1e3);
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  if (exponential) {
    const parts = finite.map((v) => roundDigits(v, dtype, true));
    const fracLen = Math.max(0, ...parts.map((p) => p.digits.length - 1));
    const expLen = Math.max(2, ...parts.map((p) => String(Math.abs(p.exp)).length));
    return (v) => {
      if (!Number.isFinite(v)) return special(v);
      const p = roundDigits(v, dtype, true);
      const frac = p.digits.slice(1).padEnd(fracLen, '0');
      const e = `e${p.exp < 0 ? '-' : '+'}${String(Math.abs(p.exp)).padStart(expLen, '0')}`;
      return `${p.neg ? '-' : ''}${p.digits[0]}.${frac}${e}`;
    };
  }
  const parts = finite.map((v) => { const p = roundDigits(v, dtype, false); return positional(p.neg, p.digits, p.exp); });
  const fracLen = Math.max(0, ...parts.map(([, f]) => f.length));
  return (v) => {
    if (!Number.isFinite(v)) return special(v);
    const p = roundDigits(v, dtype, false);
    const [int, frac] = positional(p.neg, p.digits, p.exp);
    return `${int}.${frac.padEnd(fracLen, ' ')}`;
  };
}

function elementFormatter(values: number[], dtype: DType): Formatter {
  // why: numpy pads True to the width of False in every non-0-d array, even when all are True.
  if (dtype === 'bool') return (v) => (v ? ' True' : 'False');
  if (dtype === 'float32' || dtype === 'float64') return floatFormatter(values, dtype);
  return (v) => String(v);
}

/** numpy's array repr: `array([1., 2.], dtype=float32)`. */
export function formatArray(data: ArrayLike<number>, shape: readonly number[], dtype: DType): string {
  const size = data.length;
  const prefix = 'array(';
  // why: numpy leaves out the dtypes it implies (float64, int64, bool) unless the array is empty.
  const skipDType = (dtype === 'float64' || dtype === 'int64' || dtype === 'bool') && size > 0;
  let body: string;
  if (shape.length === 0) body = formatScalarInArray(data[0], dtype);
  else if (size === 0) body = shape.length === 1 ? '[]' : `[], shape=(${shape.join(', ')})`;
  else {
    const summarize = size > THRESHOLD;
    const shown: number[] = [];
    collect(data, shape, 0, 0, summarize, shown);
    const fmt = elementFormatter(shown, dtype);
    const width = Math.max(...shown.map((v) => fmt(v).length));
    const cell = (v: number) => fmt(v).padStart(width, ' ');
    // why: numpy keeps one column for the closing `)` or the `,` before the dtype.
    body = render(data, shape, 0, 0, summarize, cell, ' '.repeat(prefix.length + 1), LINE_WIDTH - 1);
  }
  if (skipDType) return `${prefix}${body})`;
  const text = `${prefix}${body},`;
  const dtypeStr = `dtype=${dtype})`;
  const lastLine = text.length - (text.lastIndexOf('\n') + 1);
  const spacer = lastLine + dtypeStr.length + 1 > LINE_WIDTH ? `\n${' '.repeat(prefix.length)}` : ' ';
  return `${text}${spacer}${dtypeStr}`;
}

function formatScalarInArray(v: number, dtype: DType): string {
  if (dtype === 'bool') return v ? 'True' : 'False';
  if (dtype === 'float32' || dtype === 'float64') return floatFormatter([v], dtype)(v).trimEnd();
  return String(v);
}

function strideAt(shape: readonly number[], axis: number): number {
  let s = 1;
  for (let i = axis + 1; i < shape.length; i++) s *= shape[i];
  return s;
}

function indicesFor(n: number, summarize: boolean): (number | null)[] {
  if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: EDGE }, (_, i) => i), null, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
}

function collect(data: ArrayLike<number>, shape: readonly number[], axis: number, offset: number, summarize: boolean, out: number[]): void {
  const stride = strideAt(shape, axis);
  for (const i of indicesFor(shape[axis], summarize)) {
    if (i === null) continue;
    if (axis === shape.length - 1) out.push(data[offset + i]);
    else collect(data, shape, axis + 1, offset + i * stride, summarize, out);
  }
}

function render(data: ArrayLike<number>, shape: readonly number[], axis: number, offset: number, summarize: boolean,
  cell: (v: number) => string, indent: string, width: number): string {
  const stride = strideAt(shape, axis);
  const idx = indicesFor(shape[axis], summarize);
  if (axis === shape.length - 1) {
    // why: numpy wraps a long innermost row at the line width (one column less per nesting level,
    // for the closing brackets), aligning continuation lines.
    const lines: string[] = [];
    let line = '[';
    idx.forEach((i, k) => {
      const item = (i === null ? '...' : cell(data[offset + i])) + (k < idx.length - 1 ? ',' : ']');
      const candidate = line + (line === '[' ? '' : ' ') + item;
      if (candidate.length + (lines.length ? 0 : indent.length - 1) > width && line !== '[') {
        lines.push(line);
        line = indent + item;
      } else line = candidate;
    });
    lines.push(line);
    return lines.join('\n');
  }
  const blankLines = '\n'.repeat(shape.length - axis - 1);
  const parts = idx.map((i) => (i === null ? '...' : render(data, shape, axis + 1, offset + i * stride, summarize, cell, indent + ' ', width - 1)));
  return '[' + parts.join(',' + blankLines + indent) + ']';
}
