// One list of op and training cases for every backend (as tfjs runs one test suite per backend
// flag): each case builds a small graph, runs it on the backend and on the reference interpreter,
// and compares every fetched value at the tolerance the case states for that backend class;
// 'js' is always exact (bit for bit). Each case also names the kernels it expects and what they
// need (capabilities); COVERAGE (backend_runner.ts) says what each backend covers today, so a
// kernel that should run on the backend but falls back to JS fails, and so does one that runs
// there unannounced. The Node tests (test/backends.test.ts) and the browser page share this
// module: it is pure DSL plus data (no node: imports) and bundles for a browser.
import * as tf from '../../src/index.js';
import { uniformStream } from '../../src/runtime/random.js';
import type { Tolerance } from './tolerance.js';
import {
  runCaseList, type BackendCase, type BuiltCase, type CaseResult, type CaseRun, type Capability, type KernelExpectation, type RunCasesOptions,
} from './backend_runner.js';

export { CAPABILITIES, COVERAGE, type BackendCase, type BackendClass, type CaseResult, type Capability, type Coverage, type RunCasesOptions } from './backend_runner.js';

/** Runs the cases (all, or those opts.filter keeps) on a backend: one result per case, in order. */
export function runCases(backend: string, opts: RunCasesOptions = {}): Promise<CaseResult[]> {
  return runCaseList(CASES, backend, opts);
}

// ---- Tolerances, stated once per op class ----
// why: wasm elementwise float32 ops are single IEEE operations (bit-identical); its sums keep
// the reference's order by default; its matmul accumulates in float32 in another order, bounded
// per element by (k+2)·2⁻²⁴·Σ|aᵢbᵢ|; its own transcendentals are within 1 ulp (codegen/README.md). gpu.js computes in
// float32 on the device (GLSL/WGSL builtins are not correctly rounded) and in float64 in its cpu mode.
const EXACT: Tolerance = 'exact';
/**
 * The wasm matmul's stated bound (codegen/README.md), (k+3)·2⁻²⁴·(Σ|aᵢbᵢ| + |bias|) per element,
 * with Σ|aᵢbᵢ| ≤ k·maxA·maxB: a float32 dot product of length k summed in another order.
 */
export const dotBound = (k: number, maxA: number, maxB: number, maxBias = 0): Tolerance => ({ atol: (k + 3) * 2 ** -24 * (k * maxA * maxB + maxBias), ulps: 0 });
const WASM_MATH: Tolerance = { ulps: 1 };
const GPU_ARITH: Tolerance = { ulps: 4, atol: 1e-6 };
const GPU_MATH: Tolerance = { rtol: 2e-5, atol: 2e-6 };
// why: Vulkan promises sin and cos only to an absolute 2⁻¹¹ on [−π, π], and SwiftShader (Chromium's
// WebGL/WebGPU without a GPU) is that coarse: 8e-5 measured on sin(x)·cos(p) + x, where llvmpipe
// and gpu.js's cpu mode stay within GPU_MATH. The case multiplies two of them: 2⁻¹⁰.
const GPU_TRIG: Tolerance = { atol: 2 ** -10 };
const GPU_SUM: Tolerance = { rtol: 1e-5, atol: 1e-5 };
const GPU_TRAIN: Tolerance = { rtol: 1e-4, atol: 1e-5 };
const TRAIN_WASM: Tolerance = { rtol: 1e-4, atol: 1e-5 };
const NO_IEEE_SPECIALS = { skip: 'GLSL/WGSL do not promise NaN, ±Infinity, -0 or subnormals' };

// ---- Data ----
/** n float32 values in [lo, hi), seeded. */
function floats(seed: number, n: number, lo = -2, hi = 2): Float32Array {
  const u = uniformStream(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * u());
}
const numel = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** A fed float32 placeholder of a static shape with seeded values. */
function fed(feeds: Map<tf.Tensor, tf.NDArray>, name: string, shape: number[], seed: number, lo = -2, hi = 2): tf.Tensor {
  const p = tf.placeholder('float32', shape, name);
  feeds.set(p, new tf.NDArray(floats(seed, numel(shape), lo, hi), shape, 'float32'));
  return p;
}

function fedData(feeds: Map<tf.Tensor, tf.NDArray>, name: string, dtype: tf.DType, shape: number[], data: tf.TypedArray): tf.Tensor {
  const p = tf.placeholder(dtype, shape, name);
  feeds.set(p, new tf.NDArray(data, shape, dtype));
  return p;
}

/** A case of one run fetching `fetches`; `kernels` are its expectations. */
const once = (fetches: tf.Tensor[], feeds: Map<tf.Tensor, tf.NDArray>, kernels: KernelExpectation[], check?: BuiltCase['check']): BuiltCase =>
  ({ runs: [{ fetches, feeds }], kernels, check });

const near = (got: unknown, want: number[], tol: number, what: string): string | undefined => {
  const data = got instanceof tf.NDArray ? Array.from(got.data, Number) : [Number(got)];
  const bad = want.findIndex((w, i) => !(Math.abs(data[i] - w) <= tol * Math.max(1, Math.abs(w))));
  return bad < 0 && data.length === want.length ? undefined : `${what}: [${data}], expected [${want}] within ${tol}`;
};

export const CASES: readonly BackendCase[] = [
  // ---- elementwise, every family ----
  { name: 'add, subtract, multiply, divide', family: 'elementwise', tolerance: { wasm: EXACT, gpu: GPU_ARITH }, build() {
    const f = new Map(), x = fed(f, 'x', [3, 5], 1), y = fed(f, 'y', [3, 5], 2, 0.5, 3);
    const out = tf.subtract(tf.add(tf.multiply(x, y), tf.divide(x, y)), tf.multiply(y, 0.25));
    return once([out], f, [{ op: out, needs: ['f32-arith'] }]);
  } },
  { name: 'maximum, minimum, negative, abs, relu, square', family: 'elementwise', tolerance: { wasm: EXACT, gpu: GPU_ARITH }, build() {
    const f = new Map(), x = fed(f, 'x', [4, 5], 3), y = fed(f, 'y', [4, 5], 4);
    const out = tf.add(tf.nn.relu(tf.maximum(x, tf.negative(y))), tf.square(tf.abs(tf.minimum(x, y))));
    return once([out], f, [{ op: out, needs: ['f32-arith'] }]);
  } },
  { name: 'sqrt, reciprocal, floor, ceil', family: 'elementwise', tolerance: { wasm: EXACT, gpu: GPU_ARITH }, build() {
    const f = new Map(), x = fed(f, 'x', [2, 9], 5, 0.1, 9);
    const out = tf.add(tf.add(tf.sqrt(x), tf.reciprocal(x)), tf.add(tf.floor(x), tf.ceil(tf.multiply(x, 1.5))));
    return once([out], f, [{ op: out, needs: ['f32-arith'] }]);
  } },
  // why: on gpu a numeric tolerance, which takes -0 for 0 (GLSL does not promise -0); the values must still be the same integers.
  { name: 'round: halves to even', family: 'elementwise', tolerance: { wasm: EXACT, gpu: { ulps: 0 } }, build() {
    const f = new Map();
    const x = fedData(f, 'x', 'float32', [2, 5], Float32Array.from([0.5, 1.5, 2.5, -0.5, -1.5, 3.7, -3.7, 0.49999997, 1e6 + 0.5, 2]));
    const out = tf.round(tf.add(x, 0));
    return once([out], f, [{ op: out, needs: ['f32-arith', 'f32-round'] }], (v) => near(v[0], [0, 2, 2, -0, -2, 4, -4, 0, 1e6, 2], 0, 'round'));
  } },
  { name: 'IEEE specials through arithmetic and round: NaN, ±Infinity, -0, subnormals, ties', family: 'elementwise', tolerance: { wasm: EXACT, gpu: NO_IEEE_SPECIALS }, build() {
    const f = new Map();
    const x = fedData(f, 'x', 'float32', [2, 6], Float32Array.from([NaN, Infinity, -Infinity, -0, 0, 1e-40, -1e-45, 3.4e38, 1, -1, 0.5, -2.5]));
    const y = fedData(f, 'y', 'float32', [2, 6], Float32Array.from([1, -1, Infinity, 0, -0, 2, 1e-40, 10, NaN, -0, 3, 2]));
    const out = tf.add(tf.divide(x, y), tf.multiply(tf.maximum(x, y), tf.sqrt(tf.abs(tf.round(x)))));
    return once([out], f, [{ op: out, needs: ['f32-arith', 'f32-round'] }]);
  } },
  { name: 'exp, log, tanh, sigmoid', family: 'elementwise', tolerance: { wasm: WASM_MATH, gpu: GPU_MATH }, build() {
    const f = new Map(), x = fed(f, 'x', [3, 6], 6, -4, 4);
    const out = tf.add(tf.add(tf.exp(x), tf.log(tf.add(tf.abs(x), 0.5))), tf.add(tf.tanh(x), tf.sigmoid(x)));
    return once([out], f, [{ op: out, needs: ['f32-arith', 'f32-math'] }]);
  } },
  { name: 'log1p, expm1, rsqrt, sign', family: 'elementwise', tolerance: { wasm: WASM_MATH, gpu: GPU_MATH }, build() {
    const f = new Map(), x = fed(f, 'x', [3, 6], 7, -1, 1), p = fed(f, 'p', [3, 6], 8, 0.2, 3);
    const out = tf.add(tf.add(tf.log1p(tf.abs(x)), tf.expm1(x)), tf.multiply(tf.rsqrt(p), tf.sign(x)));
    return once([out], f, [{ op: out, needs: ['f32-arith', 'f32-math', 'f32-log1p-expm1'] }]);
  } },
  { name: 'sin, cos', family: 'elementwise', tolerance: { wasm: WASM_MATH, gpu: GPU_TRIG }, build() {
    const f = new Map(), x = fed(f, 'x', [3, 6], 48, -1, 1), p = fed(f, 'p', [3, 6], 49, 0.2, 3);
    const out = tf.add(tf.multiply(tf.sin(x), tf.cos(p)), x);
    return once([out], f, [{ op: out, needs: ['f32-arith', 'f32-sin-cos'] }]);
  } },
  { name: 'pow', family: 'elementwise', tolerance: { wasm: WASM_MATH, gpu: GPU_MATH }, build() {
    const f = new Map(), x = fed(f, 'x', [3, 6], 50, -1, 1), p = fed(f, 'p', [3, 6], 51, 0.2, 3);
    const out = tf.pow(p, x);
    return once([out], f, [{ op: out, needs: ['f32-pow'] }]);
  } },
  { name: 'int32 add, multiply, maximum, abs, floorDiv, mod (wrapping)', family: 'elementwise', tolerance: { wasm: EXACT, gpu: EXACT }, build() {
    const f = new Map();
    const a = fedData(f, 'a', 'int32', [2, 5], Int32Array.from([7, -7, 2147483647, -2147483647, 0, 13, -13, 65536, 46341, 3]));
    const b = fedData(f, 'b', 'int32', [2, 5], Int32Array.from([2, 3, 1, -1, 5, -4, -4, 65536, 46341, -3]));
    const out = tf.add(tf.add(tf.multiply(a, b), tf.maximum(tf.abs(a), b)), tf.add(tf.floorDiv(a, b), tf.mod(a, b)));
    // a·b + max(|a|, b) + floor(a/b) + (a mod b, the divisor's sign), each wrapping mod 2³²:
    // 2³¹-1 three times is 2147483645; 65536² is 0; 46341² is -2147479015.
    return once([out], f, [{ op: out, needs: ['int32'] }],
      (v) => near(v[0], [25, -15, 2147483645, 2147483645, 5, -46, 67, 65537, -2147432673, -7], 0, 'int32 values'));
  } },
  { name: 'float64 chain stays float64', family: 'elementwise', tolerance: { wasm: EXACT, gpu: EXACT }, build() {
    const f = new Map();
    const x = fedData(f, 'x', 'float64', [2, 4], Float64Array.from([1 / 3, 2 / 7, -1e-300, 1e300, 0.1, 0.2, -5, 9]));
    const out = tf.add(tf.multiply(x, x), tf.exp(tf.divide(x, 1e300)));
    return once([out], f, [{ op: out, needs: ['float64'] }]);
  } },

  // ---- broadcasting ----
  { name: 'broadcast: rows [c], columns [r,1] and a scalar against [r,c]', family: 'broadcast', tolerance: { wasm: EXACT, gpu: GPU_ARITH }, build() {
    const f = new Map(), x = fed(f, 'x', [4, 6], 9), row = fed(f, 'row', [6], 10), col = fed(f, 'col', [4, 1], 11);
    const out = tf.subtract(tf.multiply(tf.add(x, row), col), 0.5);
    return once([out], f, [{ op: out, needs: ['f32-arith', 'bcast-rowcol'] }]);
  } },
  { name: 'broadcast: [2,3,4] with [3,1] and [2,1,4]', family: 'broadcast', tolerance: { wasm: EXACT, gpu: GPU_ARITH }, build() {
    const f = new Map(), x = fed(f, 'x', [2, 3, 4], 12), a = fed(f, 'a', [3, 1], 13), b = fed(f, 'b', [2, 1, 4], 14);
    const out = tf.maximum(tf.multiply(x, a), b);
    return once([out], f, [{ op: out, needs: ['f32-arith', 'bcast-nd'] }]);
  } },

  // ---- reductions ----
  { name: 'reduceSum and reduceMean of everything (fused producers)', family: 'reduce', tolerance: { wasm: EXACT, gpu: GPU_SUM }, build() {
    const f = new Map(), x = fed(f, 'x', [5, 7], 15), y = fed(f, 'y', [5, 7], 16);
    const s = tf.reduceSum(tf.multiply(x, y)), m = tf.reduceMean(tf.add(x, y));
    return once([s, m], f, [{ op: s, needs: ['f32-arith', 'sum-full'] }, { op: m, needs: ['f32-arith', 'sum-full'] }]);
  } },
  { name: 'reduceSum over axis 0, reduceMean over axis 1 (keepDims)', family: 'reduce', tolerance: { wasm: EXACT, gpu: GPU_SUM }, build() {
    const f = new Map(), x = fed(f, 'x', [6, 5], 17);
    const s0 = tf.reduceSum(x, [0]), m1 = tf.reduceMean(tf.square(x), [1], true);
    return once([s0, m1], f, [{ op: s0, needs: ['sum-partial'] }, { op: m1, needs: ['f32-arith', 'sum-partial'] }]);
  } },
  { name: 'reduceMax and reduceMin, all and over an axis', family: 'reduce', tolerance: { wasm: EXACT, gpu: EXACT }, build() {
    const f = new Map(), x = fed(f, 'x', [4, 7], 18);
    const outs = [tf.reduceMax(x), tf.reduceMin(x, [0]), tf.reduceMax(x, [1], true)];
    return once(outs, f, outs.map((op) => ({ op, needs: ['max-min'] as Capability[] })));
  } },
  { name: 'reduceProd over an axis', family: 'reduce', tolerance: { wasm: EXACT, gpu: GPU_SUM }, build() {
    const f = new Map(), x = fed(f, 'x', [3, 8], 19, 0.5, 1.5);
    const out = tf.reduceProd(x, [1]);
    return once([out], f, [{ op: out, needs: ['prod'] }]);
  } },
  { name: 'argmax and argmin', family: 'reduce', tolerance: { wasm: EXACT, gpu: EXACT }, build() {
    const f = new Map();
    const x = fedData(f, 'x', 'float32', [3, 4], Float32Array.from([1, 5, 5, 2, -1, -3, 0, -3, 7, 7, 7, 7]));
    const amax = tf.argmax(x, 1), amin = tf.argmin(x, 0);
    return once([amax, amin], f, [{ op: amax, needs: ['argmax'] }, { op: amin, needs: ['argmax'] }],
      (v) => near(v[0], [1, 2, 0], 0, 'argmax') ?? near(v[1], [1, 1, 1, 1], 0, 'argmin'));
  } },

  // ---- matmul ----
  { name: 'matmul [5,7]·[7,3]', family: 'matmul', tolerance: { wasm: dotBound(7, 2, 2), gpu: GPU_SUM }, build() {
    const f = new Map(), a = fed(f, 'a', [5, 7], 20), b = fed(f, 'b', [7, 3], 21);
    const out = tf.matmul(a, b);
    return once([out], f, [{ op: out, needs: ['matmul'] }]);
  } },
  { name: 'matmul of small integers: the hand-computed product', family: 'matmul', tolerance: { wasm: EXACT, gpu: EXACT }, build() {
    const f = new Map();
    const a = fedData(f, 'a', 'float32', [2, 3], Float32Array.from([1, 2, 3, 4, 5, 6]));
    const b = fedData(f, 'b', 'float32', [3, 2], Float32Array.from([7, 8, 9, 10, 11, 12]));
    const out = tf.matmul(a, b);
    return once([out], f, [{ op: out, needs: ['matmul'] }], (v) => near(v[0], [58, 64, 139, 154], 0, 'a·b'));
  } },
  { name: 'matmul with transposeA, transposeB and both', family: 'matmul', tolerance: { wasm: dotBound(6, 2, 2), gpu: GPU_SUM }, build() {
    const f = new Map(), a = fed(f, 'a', [6, 4], 22), b = fed(f, 'b', [5, 6], 23), c = fed(f, 'c', [6, 5], 24), d = fed(f, 'd', [4, 6], 47);
    const ta = tf.matmul(a, c, { transposeA: true }), tb = tf.matmul(d, b, { transposeB: true }), both = tf.matmul(a, b, { transposeA: true, transposeB: true });
    return once([ta, tb, both], f, [ta, tb, both].map((op) => ({ op, needs: ['matmul'] as Capability[] })));
  } },
  { name: 'a compare of a matmul against a row: greater(x·W, c), a bool result', family: 'matmul', tolerance: { wasm: EXACT, gpu: EXACT }, build() {
    // why: the products are small integers, so the sums are exact in any order and the compare cannot flip.
    const f = new Map();
    const x = fedData(f, 'x', 'float32', [3, 4], Float32Array.from([1, 2, 0, -1, 3, -2, 1, 1, 0, 0, 2, -3]));
    const w = fedData(f, 'w', 'float32', [4, 2], Float32Array.from([1, 0, -1, 2, 2, 1, 0, -1]));
    const c = fedData(f, 'c', 'float32', [2], Float32Array.from([0, 1]));
    const mm = tf.matmul(x, w), out = tf.greater(mm, c);
    // x·W = [[-1, 5], [7, -4], [4, 5]]
    return once([out], f, [{ op: mm, needs: ['matmul'] }], (v) => near(v[0], [0, 1, 1, 0, 1, 1], 0, 'x·W > c'));
  } },
  { name: 'matmul epilogue: relu(x·W + b)', family: 'matmul', tolerance: { wasm: dotBound(8, 2, 2, 2), gpu: GPU_SUM }, build() {
    const f = new Map(), x = fed(f, 'x', [6, 8], 25), w = fed(f, 'w', [8, 5], 26), b = fed(f, 'b', [5], 27);
    const out = tf.nn.relu(tf.add(tf.matmul(x, w), b));
    return once([out], f, [{ op: out, needs: ['matmul', 'matmul-epilogue', 'f32-arith'] }]);
  } },

  // ---- softmax and cross-entropy ----
  { name: 'softmax and logSoftmax over the last axis', family: 'softmax', tolerance: { wasm: WASM_MATH, gpu: GPU_MATH }, build() {
    const f = new Map(), x = fed(f, 'x', [4, 6], 28, -3, 3);
    const s = tf.nn.softmax(x), l = tf.nn.logSoftmax(x);
    // why: softmax lowers to a max reduction, exp, a sum over the axis and a division, all named Softmax.
    return once([s, l], f, [{ op: s, kind: 'reduce', needs: ['max-min', 'sum-partial', 'f32-math'] }]);
  } },
  { name: 'softmax and sparse softmax cross-entropy with logits', family: 'softmax', tolerance: { wasm: WASM_MATH, gpu: GPU_MATH }, build() {
    const f = new Map(), logits = fed(f, 'logits', [5, 4], 29, -3, 3);
    const labels = tf.nn.softmax(fed(f, 'l', [5, 4], 30));
    const sparse = fedData(f, 'sparse', 'int32', [5], Int32Array.from([0, 3, 1, 2, 3]));
    const dense = tf.nn.softmaxCrossEntropyWithLogits({ labels, logits });
    const sp = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: sparse, logits });
    return once([dense, sp], f, []);
  } },

  // ---- compares, where, casts ----
  { name: 'equal, notEqual, less, lessEqual, greater, greaterEqual', family: 'compare-cast', tolerance: { wasm: EXACT, gpu: EXACT }, build() {
    const f = new Map();
    const x = fedData(f, 'x', 'float32', [2, 4], Float32Array.from([1, 2, 3, -0, 5, -1, 0.5, 7]));
    const y = fedData(f, 'y', 'float32', [2, 4], Float32Array.from([1, 3, 2, 0, 5.5, -1, 0.25, 8]));
    const outs = [tf.equal(x, y), tf.notEqual(x, y), tf.less(x, y), tf.lessEqual(x, y), tf.greater(x, y), tf.greaterEqual(x, y)];
    return once(outs, f, outs.map((op) => ({ op, needs: ['compare'] as Capability[] })),
      (v) => near(v[0], [1, 0, 0, 1, 0, 1, 0, 0], 0, 'equal') ?? near(v[2], [0, 1, 0, 0, 1, 0, 0, 1], 0, 'less'));
  } },
  { name: 'where(greater(x, y), x, 2y)', family: 'compare-cast', tolerance: { wasm: EXACT, gpu: GPU_ARITH }, build() {
    const f = new Map(), x = fed(f, 'x', [3, 5], 31), y = fed(f, 'y', [3, 5], 32);
    const out = tf.where(tf.greater(x, y), x, tf.multiply(y, 2));
    return once([out], f, [{ op: out, needs: ['f32-arith', 'select'] }]);
  } },
  { name: 'cast float32 → int32 → float32, bool → float32', family: 'compare-cast', tolerance: { wasm: EXACT, gpu: EXACT }, build() {
    const f = new Map();
    const x = fedData(f, 'x', 'float32', [2, 4], Float32Array.from([1.7, -1.7, 2.5, -2.5, 0.3, 100.9, -0, 7]));
    const toInt = tf.cast(x, 'int32');
    const back = tf.add(tf.cast(tf.add(toInt, 1), 'float32'), tf.cast(tf.greater(x, 1), 'float32'));
    return once([toInt, back], f, [{ op: toInt, needs: ['cast'] }, { op: back, needs: ['cast', 'int32', 'compare', 'f32-arith'] }],
      (v) => near(v[0], [1, -1, 2, -2, 0, 100, 0, 7], 0, 'cast to int32') ?? near(v[1], [3, 0, 4, -1, 1, 102, 1, 9], 0, 'back to float32'));
  } },

  // ---- movement ----
  { name: 'transpose, slice, concat, pad, gather', family: 'movement', tolerance: { wasm: EXACT, gpu: EXACT }, build() {
    const f = new Map(), x = fed(f, 'x', [3, 4], 33);
    const idx = fedData(f, 'idx', 'int32', [3], Int32Array.from([2, 0, 2]));
    const t = tf.transpose(x), s = tf.slice(x, [1, 1], [2, 2]), c = tf.concat([x, tf.negative(x)], 1);
    const p = tf.pad(x, [[1, 0], [0, 2]]), g = tf.gather(x, idx);
    const outs = [t, s, c, p, g];
    return once(outs, f, [...[t, s, c, p].map((op) => ({ op, needs: ['movement'] as Capability[] })), { op: g, needs: ['gather'] as Capability[] }]);
  } },
  { name: 'unstack, stack, a one-element slice and their gradients', family: 'movement', tolerance: { wasm: EXACT, gpu: GPU_ARITH }, build() {
    const f = new Map(), x = fed(f, 'x', [3, 2], 60);
    const one = tf.slice(x, [1, 1], [1, 1]);
    const s = tf.stack(tf.unstack(x).map((p) => tf.multiply(p, 2)), 1);
    const y = tf.add(tf.reduceSum(tf.square(s)), tf.reduceSum(one));
    const [dx] = tf.gradients(y, [x]) as tf.Tensor[];
    return once([one, s, y, dx], f, [{ op: one, needs: ['movement'] }]);
  } },
  { name: 'reshape, expandDims, squeeze (views)', family: 'movement', tolerance: { wasm: EXACT, gpu: EXACT }, build() {
    const f = new Map(), x = fed(f, 'x', [2, 6], 34);
    const added = tf.add(tf.reshape(x, [3, 4]), 1);
    return once([tf.squeeze(tf.expandDims(added, 0))], f, [{ op: added, needs: ['f32-arith'] }]);
  } },

  // ---- gradients ----
  { name: 'gradient of sum(tanh(x·w + b)) w.r.t. x, w and b', family: 'gradient', tolerance: { wasm: dotBound(6, 2, 2), gpu: GPU_MATH }, build() {
    const f = new Map(), x = fed(f, 'x', [4, 6], 35), w = fed(f, 'w', [6, 3], 36), b = fed(f, 'b', [3], 37);
    const y = tf.reduceSum(tf.tanh(tf.add(tf.matmul(x, w), b)));
    const grads = tf.gradients(y, [x, w, b]) as tf.Tensor[];
    return once([y, ...grads], f, [{ op: grads[0], needs: ['matmul'] }, { op: grads[1], needs: ['matmul'] }]);
  } },
  { name: 'gradient of a transposed matmul', family: 'gradient', tolerance: { wasm: dotBound(5, 2, 2), gpu: GPU_SUM }, build() {
    const f = new Map(), a = fed(f, 'a', [5, 3], 38), b = fed(f, 'b', [4, 5], 39);
    const y = tf.reduceSum(tf.square(tf.matmul(a, b, { transposeA: true, transposeB: true })));
    const grads = tf.gradients(y, [a, b]) as tf.Tensor[];
    return once([y, ...grads], f, [{ op: y, needs: ['f32-arith', 'sum-full'] }, ...grads.map((op) => ({ op, needs: ['matmul'] as Capability[] }))]);
  } },
  { name: 'gradient of reduceMax, reduceMean and a broadcast multiply', family: 'gradient', tolerance: { wasm: EXACT, gpu: GPU_SUM }, build() {
    const f = new Map(), x = fed(f, 'x', [4, 5], 40), r = fed(f, 'r', [5], 41);
    const mean = tf.reduceMean(tf.multiply(x, x));
    const y = tf.add(tf.reduceSum(tf.reduceMax(tf.multiply(x, r), [1])), mean);
    const [dx, dr] = tf.gradients(y, [x, r]) as tf.Tensor[];
    // why: dr is the gradient summed over the broadcast axis, then reshaped (a view, in no kernel).
    const drSum = dr.op.type === 'Reshape' ? dr.op.inputs[0] : dr;
    return once([y, dx, dr], f, [{ op: mean, needs: ['f32-arith', 'sum-full'] }, { op: drSum, needs: ['sum-partial'] }]);
  } },
  { name: 'gradient of softmax cross-entropy w.r.t. the logits', family: 'gradient', tolerance: { wasm: WASM_MATH, gpu: GPU_MATH }, build() {
    const f = new Map(), logits = fed(f, 'logits', [4, 3], 42, -3, 3);
    const labels = fedData(f, 'labels', 'int32', [4], Int32Array.from([2, 0, 1, 1]));
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
    return once([loss, ...(tf.gradients(loss, [logits]) as tf.Tensor[])], f, []);
  } },

  // ---- training steps ----
  { name: "the seed's linear regression, GradientDescent (30 steps)", family: 'training', tolerance: { wasm: TRAIN_WASM, gpu: GPU_TRAIN }, build() {
    // why: the notebook's model (X·m + b, mean squared difference, plain gradient descent) on a
    // standardised batch, with a learning rate that converges in a few dozen steps.
    const u = uniformStream(43), n = 40;
    const xs = Float32Array.from({ length: n }, () => 2 * u() - 1);
    const ys = Float32Array.from(xs, (t) => 1000 - 50 * t + 20 * (u() - 0.5));
    const X = tf.placeholder('float32', [null], 'X'), Y = tf.placeholder('float32', [null], 'Y');
    const m = new tf.Variable(0, { name: 'm' }), b = new tf.Variable(0, { name: 'b' });
    const loss = tf.reduceMean(tf.squaredDifference(tf.add(tf.multiply(X, m), b), Y));
    const train = new tf.train.GradientDescentOptimizer(0.4).minimize(loss);
    const feeds = new Map([[X, new tf.NDArray(xs, [n], 'float32')], [Y, new tf.NDArray(ys, [n], 'float32')]]);
    const step: CaseRun = { fetches: [train, loss, m, b], feeds };
    // the least-squares line of the batch, in float64: where gradient descent converges
    const mx = xs.reduce((a, t) => a + t, 0) / n, my = ys.reduce((a, t) => a + t, 0) / n;
    let sxy = 0, sxx = 0;
    xs.forEach((t, i) => { sxy += (t - mx) * (ys[i] - my); sxx += (t - mx) ** 2; });
    const slope = sxy / sxx, intercept = my - slope * mx;
    return {
      runs: [{ fetches: [tf.globalVariablesInitializer()] }, ...new Array<CaseRun>(30).fill(step), { fetches: [m, b] }],
      // why: the mean over a run-time batch divides by the batch size cast to float32.
      kernels: [{ op: loss, kind: 'reduce', needs: ['f32-arith', 'sum-full', 'dims-scalar'] }],
      check: (v) => near(v[0], [slope], 2e-3, 'm') ?? near(v[1], [intercept], 2e-3, 'b'),
    };
  } },
  { name: 'MLP classifier 12-16-4, softmax cross-entropy, Adam (4 steps)', family: 'training', tolerance: { wasm: TRAIN_WASM, gpu: GPU_TRAIN }, build() {
    const f = new Map(), x = fed(f, 'x', [8, 12], 44);
    const labels = fedData(f, 'labels', 'int32', [8], Int32Array.from([0, 1, 2, 3, 3, 2, 1, 0]));
    const w1 = new tf.Variable(tf.constant(floats(45, 12 * 16, -0.4, 0.4), { shape: [12, 16] }), { name: 'w1' });
    const b1 = new tf.Variable(tf.zeros([16]), { name: 'b1' });
    const w2 = new tf.Variable(tf.constant(floats(46, 16 * 4, -0.4, 0.4), { shape: [16, 4] }), { name: 'w2' });
    const b2 = new tf.Variable(tf.zeros([4]), { name: 'b2' });
    const hidden = tf.nn.relu(tf.add(tf.matmul(x, w1), b1));
    const logits = tf.add(tf.matmul(hidden, w2), b2);
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
    const train = new tf.train.AdamOptimizer(0.05).minimize(loss);
    const step: CaseRun = { fetches: [train, loss, w1, b1, w2, b2], feeds: f };
    return {
      runs: [{ fetches: [tf.globalVariablesInitializer()] }, { fetches: [loss], feeds: f }, ...new Array<CaseRun>(4).fill(step), { fetches: [loss], feeds: f }],
      kernels: [{ op: hidden, needs: ['matmul', 'matmul-epilogue', 'f32-arith', 'bcast-rowcol'] }, { op: loss, needs: ['sum-full'] }],
      check: (v) => (Number(v[0]) < 1.2 ? undefined : `loss after 4 Adam steps is ${Number(v[0])}, expected it below 1.2 (it starts near ln 4 ≈ 1.39)`),
    };
  } },
  { name: 'dense layer over a run-time batch: batches of 6, 3 and 6 on one plan, with its gradient', family: 'training', tolerance: { wasm: dotBound(5, 2, 2, 2), gpu: GPU_SUM }, build() {
    const x = tf.placeholder('float32', [null, 5], 'x');
    const w = tf.constant(floats(52, 5 * 4), { shape: [5, 4] }), b = tf.constant(floats(53, 4));
    const y = tf.nn.relu(tf.add(tf.matmul(x, w), b));
    const loss = tf.reduceMean(tf.square(y));
    const [dx] = tf.gradients(loss, [x]) as tf.Tensor[];
    const batch = (n: number, seed: number): CaseRun => ({ fetches: [y, loss, dx], feeds: new Map([[x, new tf.NDArray(floats(seed, n * 5), [n, 5], 'float32')]]) });
    return { runs: [batch(6, 54), batch(3, 55), batch(6, 56)], kernels: [{ op: y, needs: ['matmul', 'matmul-epilogue', 'f32-arith', 'bcast-rowcol'] }], samePlan: [[0, 1, 2]] };
  } },
  { name: 'variables written between steps: re-initialised, then assigned a fed value (device copies refreshed)', family: 'training', tolerance: { wasm: TRAIN_WASM, gpu: GPU_TRAIN }, build() {
    const f = new Map(), x = fed(f, 'x', [6, 3], 57), y = fed(f, 'y', [6, 2], 58);
    const w = new tf.Variable(tf.constant(floats(59, 6, -0.5, 0.5), { shape: [3, 2] }), { name: 'w' });
    const mm = tf.matmul(x, w);
    const loss = tf.reduceMean(tf.squaredDifference(mm, y));
    const train = new tf.train.MomentumOptimizer(0.1, 0.9).minimize(loss);
    const value = tf.placeholder('float32', [3, 2], 'value');
    const set = tf.assign(w, value);
    const step: CaseRun = { fetches: [train, loss, w], feeds: f };
    const init = tf.globalVariablesInitializer();
    const setTo = { fetches: [set], feeds: new Map([[value, new tf.NDArray(Float32Array.of(1, -1, 0.5, 2, -2, 0.25), [3, 2], 'float32')]]) };
    return {
      runs: [{ fetches: [init] }, step, step, { fetches: [init] }, step, setTo, { fetches: [w] }, step, step, { fetches: [w] }],
      // why: every run is compared with the interpreter, so a stale device copy of w fails the step after a write.
      kernels: [{ op: mm, needs: ['matmul'] }, { op: loss, needs: ['f32-arith', 'sum-full'] }],
    };
  } },
];
