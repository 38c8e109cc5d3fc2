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

export function gpuUnary(prim: UnaryPrim, x: string): string | undefined {
  return UNARY[prim]?.(x);
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
