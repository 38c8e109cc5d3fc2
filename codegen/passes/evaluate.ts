// A small evaluator of one primitive node on constant inputs, for constant folding. Each
// primitive computes what the JS renderer's expression table computes (render/js_exprs.ts):
// float64 arithmetic rounded to the dtype by the typed-array store, float64 accumulation in
// row-major order for reductions. The differential tests hold all three (this, the renderer,
// the reference kernels) to the same bits.
import { allocate, castScalar, isInt32Family, type DType } from '../../src/dtypes.js';
import { broadcastIndex, padArray, reduce, sliceArray, transposeArray } from '../../src/kernels.js';
import { NDArray } from '../../src/ndarray.js';
import type { BinaryPrim, UnaryPrim } from '../../src/prims.js';
import { fmaf } from '../../src/runtime/float32.js';
import { ipow } from '../../src/runtime/int32.js';
import { intFloorDiv, intFloorMod, roundHalfEven } from '../../src/runtime/int_math.js';
import { numElements } from '../../src/shape.js';
import { hasSym } from '../dims.js';
import { numel, type Node } from '../ir.js';

const idiv = (a: number, b: number) => (b === 0 ? 0 : Math.trunc(a / b));
const fmax = (a: number, b: number) => (a !== a || b !== b ? NaN : Math.max(a, b));
const fmin = (a: number, b: number) => (a !== a || b !== b ? NaN : Math.min(a, b));

const UNARY_F: Record<UnaryPrim, (x: number) => number> = {
  neg: (x) => -x, exp: Math.exp, log: Math.log, sqrt: Math.sqrt, abs: Math.abs,
  sign: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), floor: Math.floor, recip: (x) => 1 / x, tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)), not: (x) => (x ? 0 : 1), relu: (x) => (x < 0 ? 0 : x), copy: (x) => x,
  rsqrt: (x) => 1 / Math.sqrt(x), ceil: Math.ceil, round: roundHalfEven, sin: Math.sin, cos: Math.cos,
  log1p: Math.log1p, expm1: Math.expm1,
};

function binaryF(prim: BinaryPrim, dtype: DType): (a: number, b: number) => number {
  const int = isInt32Family(dtype);
  switch (prim) {
    case 'add': return (a, b) => a + b;
    case 'sub': return (a, b) => a - b;
    case 'mul': return int ? Math.imul : (a, b) => a * b;
    case 'div': return int ? idiv : (a, b) => a / b;
    case 'max': return int ? Math.max : fmax;
    case 'min': return int ? Math.min : fmin;
    case 'pow': return int ? ipow : Math.pow;
    // why: float32 x / y rounds before the floor, as the renderer and TF's kernel compute it.
    case 'floordiv': return int ? intFloorDiv : dtype === 'float32' ? (a, b) => Math.floor(Math.fround(a / b)) : (a, b) => Math.floor(a / b);
    case 'floormod': return int ? intFloorMod : (a, b) => { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; };
    case 'eq': return (a, b) => (a === b ? 1 : 0);
    case 'ne': return (a, b) => (a !== b ? 1 : 0);
    case 'lt': return (a, b) => (a < b ? 1 : 0);
    case 'le': return (a, b) => (a <= b ? 1 : 0);
    case 'gt': return (a, b) => (a > b ? 1 : 0);
    case 'ge': return (a, b) => (a >= b ? 1 : 0);
    case 'and': return (a, b) => (a && b ? 1 : 0);
    case 'or': return (a, b) => (a || b ? 1 : 0);
  }
}

/** The elementwise function of a node over its inputs' values, or undefined if not elementwise. */
function elementwise(n: Node, inDType: DType): ((...v: number[]) => number) | undefined {
  if (n.prim in UNARY_F) return UNARY_F[n.prim as UnaryPrim];
  if (n.prim === 'where') return (c, a, b) => (c ? a : b);
  if (n.prim === 'fma') return n.dtype === 'float32' ? fmaf : (a, b, c) => a * b + c;
  if (n.prim === 'cast') return (x) => castScalar(x, n.dtype);
  try {
    return binaryF(n.prim as BinaryPrim, inDType);
  } catch {
    return undefined;
  }
}

const REDUCE: Partial<Record<string, { init: number; step: (a: number, v: number, int: boolean) => number }>> = {
  all: { init: 1, step: (a, v) => (a && v ? 1 : 0) },
  any: { init: 0, step: (a, v) => (a || v ? 1 : 0) },
  sum: { init: 0, step: (a, v, int) => (int ? (a + v) | 0 : a + v) },
  mean: { init: 0, step: (a, v, int) => (int ? (a + v) | 0 : a + v) },
  prod: { init: 1, step: (a, v, int) => (int ? Math.imul(a, v) : a * v) },
  max: { init: -Infinity, step: (a, v) => (v !== v || v > a ? v : a) },
  min: { init: Infinity, step: (a, v) => (v !== v || v < a ? v : a) },
};

/** The value of node `n` given its inputs' constant values; undefined when it does not fold. */
export function evaluateNode(n: Node, inputs: readonly NDArray[]): NDArray | undefined {
  // why: int64 arithmetic is range-checked at run time (an error, never a rounded value); it stays there.
  if (n.dtype === 'int64' || inputs.some((x) => x.dtype === 'int64')) return undefined;
  if (hasSym(n.shape)) return undefined;
  const shape = [...n.shape] as number[];
  if (n.prim === 'transpose') return reshaped(transposeArray(inputs[0], n.attrs.perm!), shape);
  if (n.prim === 'slice') return reshaped(sliceArray(inputs[0], n.attrs.begin!, n.attrs.size!), shape);
  if (n.prim === 'pad') {
    const p = n.attrs.paddings!;
    return reshaped(padArray(inputs[0], p.map((x) => x[0]), p.map((x) => x[1]), n.attrs.padValue ?? 0), shape);
  }
  if (n.prim === 'concat') return concatValues(inputs, n.attrs.axis!, shape, n.dtype);
  if (n.prim === 'reduce') {
    const x = inputs[0];
    const r = REDUCE[n.attrs.kind!];
    if (!r) return undefined;
    const kind = n.attrs.kind!;
    const int = isInt32Family(x.dtype);
    const finish = kind === 'mean' ? (a: number, count: number) => a / count : (a: number) => a;
    return reshaped(reduce(x, n.attrs.axes!, n.attrs.keepDims === true, n.dtype, r.init, (a, v) => r.step(a, v, int), finish), shape);
  }
  const f = elementwise(n, inputs[0]?.dtype ?? n.dtype);
  if (!f) return undefined;
  const size = numel(shape) as number;
  const out = allocate(n.dtype, size);
  const idx = inputs.map((x) => broadcastIndex(x.shape, shape));
  const args = new Array<number>(inputs.length);
  const toBool = n.dtype === 'bool';
  for (let i = 0; i < size; i++) {
    for (let k = 0; k < inputs.length; k++) args[k] = inputs[k].data[idx[k][i]];
    const v = f(...args);
    out[i] = toBool ? (v ? 1 : 0) : v;
  }
  return new NDArray(out, shape, n.dtype);
}

function reshaped(a: NDArray, shape: number[]): NDArray {
  return new NDArray(a.data, shape, a.dtype);
}

function concatValues(xs: readonly NDArray[], axis: number, shape: number[], dtype: DType): NDArray {
  const out = allocate(dtype, numElements(shape));
  const outer = numElements(shape.slice(0, axis)), inner = numElements(shape.slice(axis + 1));
  let offset = 0;
  for (const x of xs) {
    const w = x.shape[axis] * inner;
    for (let o = 0; o < outer; o++) out.set(x.data.subarray(o * w, (o + 1) * w), o * shape[axis] * inner + offset);
    offset += w;
  }
  return new NDArray(out, shape, dtype);
}
