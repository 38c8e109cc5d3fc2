// The JS expression of each elementwise primitive, by dtype: the one table the JS renderer
// (and later the gpu.js renderer, overriding what differs) uses. Each result is rounded to its
// dtype the way a typed-array store would, so fused code equals the reference kernels.
import { isInt32Family, type DType } from '../../src/dtypes.js';
import type { BinaryPrim, UnaryPrim } from '../../src/prims.js';

/** Helpers the generated code defines once (they mirror src/dtypes.ts castScalar and the kernels). */
export const PRELUDE = `
const fmaf = lib.fmaf;
const i64 = lib.int64Value;
const toI64 = (v) => (v === v ? i64(Math.trunc(v)) : 0);
const toI32 = (v) => (v === v ? (v === Infinity ? 2147483647 : v === -Infinity ? -2147483648 : v | 0) : 0);
const idiv = (a, b) => (b === 0 ? 0 : Math.trunc(a / b));
const ipow = lib.ipow;
const ipow64 = lib.ipow64;
const fmax = (a, b) => (a !== a || b !== b ? NaN : Math.max(a, b));
const idxLabel = (k, shape) => { const pos = []; for (let a = shape.length - 1; a >= 0; a--) { pos.unshift(k % shape[a]); k = Math.floor(k / shape[a]); } return pos.join(','); };
const fmin = (a, b) => (a !== a || b !== b ? NaN : Math.min(a, b));
const rint = lib.roundHalfEven;
const ifloordiv = lib.intFloorDiv;
const ifloormod = lib.intFloorMod;
const floormod = (a, b) => { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; };
`;

/**
 * The PRELUDE helpers `code` uses (and the helpers they use), in PRELUDE order.
 * why: a plan names only a few; the rest would be dead text in every module and every JIT plan.
 */
export function preludeFor(code: string): string {
  const entries = PRELUDE.split('\n').filter(Boolean).map((line) => ({ line, name: /^const (\w+) =/.exec(line)![1] }));
  const used = new Set<string>();
  const uses = (text: string, name: string) => new RegExp(`\\b${name}\\b`).test(text);
  let grew = true;
  while (grew) {
    grew = false;
    for (const e of entries) {
      if (used.has(e.name)) continue;
      if (uses(code, e.name) || entries.some((o) => used.has(o.name) && uses(o.line.slice(o.line.indexOf('=')), e.name))) { used.add(e.name); grew = true; }
    }
  }
  const lines = entries.filter((e) => used.has(e.name)).map((e) => e.line);
  return lines.length ? `\n${lines.join('\n')}\n` : '\n';
}

const isIntType = (d: DType) => d === 'int32' || d === 'int16' || d === 'int8' || d === 'uint8';

/** Wraps a JS number expression so it holds what a `dtype` typed array would store. */
export function roundTo(dtype: DType, e: string): string {
  switch (dtype) {
    case 'float32': return `Math.fround(${e})`;
    case 'float64': return e;
    case 'int32': return `((${e}) | 0)`;
    case 'int64': return `i64(${e})`;
    case 'int16': return `((${e}) << 16 >> 16)`;
    case 'int8': return `((${e}) << 24 >> 24)`;
    case 'uint8': return `((${e}) & 255)`;
    case 'bool': return `((${e}) ? 1 : 0)`;
    case 'string': throw new Error('render: string values exist only in host calls');
  }
}

/** A cast of a value of `from` to `to`, as src/dtypes.ts castScalar does. */
export function castExpr(x: string, to: DType, from?: DType): string {
  // why: an int of 32 bits or fewer (or a bool's 0/1) is already the int64 number (no range check,
  // so an argmax's int64 classes need no int64 helper in a standalone module).
  if (to === 'int64' && from !== undefined && (isInt32Family(from) || from === 'bool')) return x;
  switch (to) {
    case 'float32': return `Math.fround(${x})`;
    case 'float64': return x;
    case 'int32': return `toI32(${x})`;
    case 'int64': return `toI64(${x})`;
    case 'int16': return `(Math.trunc(${x}) << 16 >> 16)`;
    case 'int8': return `(Math.trunc(${x}) << 24 >> 24)`;
    case 'uint8': return `(Math.trunc(${x}) & 255)`;
    case 'bool': return `(${x} !== 0 ? 1 : 0)`;
    case 'string': throw new Error('render: string values exist only in host calls');
  }
}

/** Unary prims whose result needs no rounding (exact in every dtype). */
const EXACT_UNARY = new Set<UnaryPrim>(['neg', 'abs', 'sign', 'copy', 'not', 'floor', 'ceil', 'round', 'relu']);

export function unaryExpr(prim: UnaryPrim, x: string, dtype: DType): string {
  const e = ((): string => {
    switch (prim) {
      case 'neg': return `-${x}`;
      case 'exp': return `Math.exp(${x})`;
      case 'log': return `Math.log(${x})`;
      case 'sqrt': return `Math.sqrt(${x})`;
      case 'abs': return `Math.abs(${x})`;
      case 'sign': return `(${x} > 0 ? 1 : ${x} < 0 ? -1 : ${x})`;
      case 'floor': return `Math.floor(${x})`;
      case 'recip': return `1 / ${x}`;
      case 'tanh': return `Math.tanh(${x})`;
      case 'sigmoid': return `1 / (1 + Math.exp(-${x}))`;
      case 'not': return `(${x} ? 0 : 1)`;
      // why: `x < 0 ? 0 : x` keeps NaN and -0 as the reference kernel does.
      case 'relu': return `(${x} < 0 ? 0 : ${x})`;
      case 'copy': return x;
      case 'rsqrt': return `1 / Math.sqrt(${x})`;
      case 'ceil': return `Math.ceil(${x})`;
      // why: TF's Round rounds half to even (banker's rounding), unlike Math.round.
      case 'round': return `rint(${x})`;
      case 'sin': return `Math.sin(${x})`;
      case 'cos': return `Math.cos(${x})`;
      case 'log1p': return `Math.log1p(${x})`;
      case 'expm1': return `Math.expm1(${x})`;
    }
  })();
  // why: -INT_MIN and |INT_MIN| leave the int range; the reference's typed-array store wraps them.
  if (EXACT_UNARY.has(prim) && !((prim === 'neg' || prim === 'abs') && isIntType(dtype))) return e;
  return roundTo(dtype, e);
}

const CMP: Partial<Record<BinaryPrim, string>> = { eq: '===', ne: '!==', lt: '<', le: '<=', gt: '>', ge: '>=' };

/** `dtype` is the operands' dtype (comparisons produce 0/1). */
export function binaryExpr(prim: BinaryPrim, a: string, b: string, dtype: DType): string {
  const cmp = CMP[prim];
  if (cmp) return `(${a} ${cmp} ${b} ? 1 : 0)`;
  if (prim === 'and') return `(${a} && ${b} ? 1 : 0)`;
  if (prim === 'or') return `(${a} || ${b} ? 1 : 0)`;
  // why: int64 (float64 storage, checked) multiplies exactly within its range; the others wrap.
  const int = isIntType(dtype) || dtype === 'int64';
  switch (prim) {
    case 'add': return roundTo(dtype, `${a} + ${b}`);
    case 'sub': return roundTo(dtype, `${a} - ${b}`);
    case 'mul': return isIntType(dtype) ? roundTo(dtype, `Math.imul(${a}, ${b})`) : roundTo(dtype, `${a} * ${b}`);
    case 'div': return int ? roundTo(dtype, `idiv(${a}, ${b})`) : roundTo(dtype, `${a} / ${b}`);
    case 'max': return int ? `Math.max(${a}, ${b})` : `fmax(${a}, ${b})`;
    case 'min': return int ? `Math.min(${a}, ${b})` : `fmin(${a}, ${b})`;
    case 'pow': return roundTo(dtype, dtype === 'int64' ? `ipow64(${a}, ${b})` : int ? `ipow(${a}, ${b})` : `Math.pow(${a}, ${b})`);
    // why: float32 x / y rounds before the floor, as TF's float32 kernel computes it.
    case 'floordiv': return int ? roundTo(dtype, `ifloordiv(${a}, ${b})`) : roundTo(dtype, `Math.floor(${roundTo(dtype, `${a} / ${b}`)})`);
    case 'floormod': return int ? roundTo(dtype, `ifloormod(${a}, ${b})`) : roundTo(dtype, `floormod(${a}, ${b})`);
    default: throw new Error(`no JS expression for ${prim}`);
  }
}

/** A number literal that reads back as exactly v. */
export function literal(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return v < 0 ? `(${String(v)})` : String(v);
}
