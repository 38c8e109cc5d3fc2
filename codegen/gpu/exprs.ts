// The gpu.js spelling of each elementwise primitive over float32 values: the subset of JS that
// gpu.js translates to GLSL and WGSL (Math.* calls, arithmetic, ternaries on float compares).
// Every value in a kernel is a float; a compare yields 1.0 or 0.0, so bool intermediates (a
// relu gradient's mask) stay inside the fused kernel. Prims missing here keep their JS kernel.
import type { BinaryPrim, UnaryPrim } from '../../src/prims.js';

const UNARY: Partial<Record<UnaryPrim, (x: string) => string>> = {
  neg: (x) => `(-${x})`,
  exp: (x) => `Math.exp(${x})`,
  log: (x) => `Math.log(${x})`,
  sqrt: (x) => `Math.sqrt(${x})`,
  abs: (x) => `Math.abs(${x})`,
  sign: (x) => `(${x} > 0.0 ? 1.0 : (${x} < 0.0 ? -1.0 : ${x}))`,
  floor: (x) => `Math.floor(${x})`,
  ceil: (x) => `Math.ceil(${x})`,
  recip: (x) => `(1.0 / ${x})`,
  rsqrt: (x) => `(1.0 / Math.sqrt(${x}))`,
  tanh: (x) => `Math.tanh(${x})`,
  sigmoid: (x) => `(1.0 / (1.0 + Math.exp(-${x})))`,
  // why: `x < 0 ? 0 : x` keeps NaN (where the device keeps it), as the reference kernel does.
  relu: (x) => `(${x} < 0.0 ? 0.0 : ${x})`,
  copy: (x) => x,
  sin: (x) => `Math.sin(${x})`,
  cos: (x) => `Math.cos(${x})`,
  not: (x) => `(${x} !== 0.0 ? 0.0 : 1.0)`,
  // why: TF rounds half to even; x − floor(x) is exact in float32.
  round: (x) => `(${x} - Math.floor(${x}) < 0.5 ? Math.floor(${x}) : (${x} - Math.floor(${x}) > 0.5 ? Math.floor(${x}) + 1.0 : ` +
    `(Math.floor(${x}) - 2.0 * Math.floor(Math.floor(${x}) * 0.5) === 0.0 ? Math.floor(${x}) : Math.floor(${x}) + 1.0)))`,
};

const CMP: Partial<Record<BinaryPrim, string>> = { eq: '===', ne: '!==', lt: '<', le: '<=', gt: '>', ge: '>=' };

const BINARY: Partial<Record<BinaryPrim, (a: string, b: string) => string>> = {
  add: (a, b) => `(${a} + ${b})`,
  sub: (a, b) => `(${a} - ${b})`,
  mul: (a, b) => `(${a} * ${b})`,
  div: (a, b) => `(${a} / ${b})`,
  max: (a, b) => `Math.max(${a}, ${b})`,
  min: (a, b) => `Math.min(${a}, ${b})`,
  and: (a, b) => `(${a} !== 0.0 && ${b} !== 0.0 ? 1.0 : 0.0)`,
  or: (a, b) => `(${a} !== 0.0 || ${b} !== 0.0 ? 1.0 : 0.0)`,
  ...Object.fromEntries(Object.entries(CMP).map(([p, op]) => [p, (a: string, b: string) => `(${a} ${op} ${b} ? 1.0 : 0.0)`])),
};

/**
 * exp(x) − 1 and log(1 + x) lose every digit near 0, and the device's log has only an absolute
 * error bound near 1 (GLSL: 2^-21), so Kahan's forms do not help there: below |x| = 0.1 a Taylor
 * polynomial (error under 2e-10 relative), above it the plain form (within 1e-5 relative).
 */
const SMALL: Partial<Record<UnaryPrim, { poly: (x: string) => string; plain: (x: string) => string }>> = {
  expm1: {
    poly: (x) => `${x} * (1.0 + ${x} * (0.5 + ${x} * (0.16666666666666666 + ${x} * (0.041666666666666664 + ${x} * (0.008333333333333333 + ${x} * 0.001388888888888889)))))`,
    plain: (x) => `Math.exp(${x}) - 1.0`,
  },
  log1p: {
    poly: (x) => `${x} * (1.0 + ${x} * (-0.5 + ${x} * (0.3333333333333333 + ${x} * (-0.25 + ${x} * (0.2 + ${x} * (-0.16666666666666666 + ${x} * (0.14285714285714285 - ${x} * 0.125)))))))`,
    plain: (x) => `Math.log(1.0 + ${x})`,
  },
};

/** The statements computing `t = prim(x)`: one `const`, or two for expm1 and log1p. */
export function gpuUnaryStatements(prim: UnaryPrim, t: string, x: string): string[] | undefined {
  const k = SMALL[prim];
  if (k) return [`const ${t}a = Math.abs(${x});`, `const ${t} = ${t}a < 0.1 ? ${k.poly(x)} : ${k.plain(x)};`];
  const e = UNARY[prim]?.(x);
  return e === undefined ? undefined : [`const ${t} = ${e};`];
}

export function gpuBinary(prim: BinaryPrim, a: string, b: string): string | undefined {
  return BINARY[prim]?.(a, b);
}

/** A float literal gpu.js types as a float (`2.0`, not `2`); undefined for NaN and ±Infinity (no GLSL literal). */
export function floatLiteral(v: number): string | undefined {
  if (!Number.isFinite(v)) return undefined;
  const s = Object.is(v, -0) ? '-0.0' : Number.isInteger(v) && !/e/.test(String(v)) ? `${v}.0` : String(v);
  return v < 0 || Object.is(v, -0) ? `(${s})` : s;
}
