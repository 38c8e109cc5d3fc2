// The wasm backend's transcendentals (codegen/wasm/vector_math.ts): float64 evaluation rounded
// once to float32, bound 1 float32 ulp against Math.fround(Math.f(x)) (the JS backend's and the
// interpreter's value). Each function is measured on random inputs over its interesting range,
// random bit patterns and the edge cases; the maximum ulp error is printed and asserted, and the
// edge cases (NaN, ±0, ±Infinity, overflow and underflow) must match exactly.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { WASM_ALL } from '../_lib/wasm_all.js';
import { wasmBackendWith } from '../../codegen/backend.js';
import { jitCompiler } from '../../codegen/jit.js';
import { mulberry32 } from '../_lib/random_graph.js';
import { property } from '../_lib/property.js';

process.env.TFGEN_VERIFY ??= '1';
const RUNS = Number(process.env.FC_RUNS ?? 300);

/** Distance in float32 steps (0 for equal values and for two NaNs; Infinity when one is not finite and they differ). */
export function ulpDistance(a: number, b: number): number {
  if (Object.is(a, b) || (a !== a && b !== b)) return 0;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return Infinity;
  const ord = (x: number) => { const i = new Int32Array(new Float32Array([x]).buffer)[0]; return i < 0 ? -(i & 0x7fffffff) : i; };
  // why: +0 and -0 are both ord 0; a sign of zero that differs counts as one step.
  return Math.abs(ord(a) - ord(b)) || 1;
}

const FUNCTIONS: Record<string, { op: (x: tf.Tensor) => tf.Tensor; ref: (x: number) => number; range: [number, number] }> = {
  exp: { op: tf.exp, ref: Math.exp, range: [-110, 95] },
  expm1: { op: tf.expm1, ref: Math.expm1, range: [-30, 95] },
  log: { op: tf.log, ref: Math.log, range: [0, 4] },
  log1p: { op: tf.log1p, ref: Math.log1p, range: [-1, 4] },
  tanh: { op: tf.tanh, ref: Math.tanh, range: [-12, 12] },
  sigmoid: { op: tf.sigmoid, ref: (x) => 1 / (1 + Math.exp(-x)), range: [-110, 40] },
  rsqrt: { op: tf.rsqrt, ref: (x) => 1 / Math.sqrt(x), range: [0, 100] },
  sign: { op: tf.sign, ref: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), range: [-2, 2] },
};

// why: the thresholds where results overflow to Infinity or underflow through the subnormals to 0.
const EDGES = [NaN, 0, -0, Infinity, -Infinity, 1e-45, -1e-45, 1e-40, -1e-40, 1.1754943508222875e-38, 3.4028234663852886e38, -3.4028234663852886e38,
  88.72283172607422, 88.72283935546875, 88.7228546142578, -87.33654022216797, -103.27892303466797, -103.97207641601562, -104, -104.5, 89, 1, -1, -0.9999999403953552,
  2 ** -24, -(2 ** -24), 2 ** -60, 1e-7, 0.5, -0.5, 0.34657359027997264, 1.4142135381698608, 0.7071067690849304, 9.010913848876953, 20, -20];

function inputs(seed: number, range: [number, number], n: number): Float32Array {
  const rng = mulberry32(seed);
  const bits = new Uint32Array(1), asFloat = new Float32Array(bits.buffer);
  return Float32Array.from({ length: n }, (_, i) => {
    if (i < EDGES.length) return EDGES[i];
    const kind = i % 4;
    if (kind === 0) { bits[0] = Math.floor(rng() * 2 ** 32); return asFloat[0]; }
    const x = range[0] + (range[1] - range[0]) * rng();
    return kind === 1 ? x * 2 ** -Math.floor(rng() * 40) : x;
  });
}

function runOn(sess: tf.Session, y: tf.Tensor, x: tf.Tensor, xs: Float32Array): Float32Array {
  return (sess.run(y, new Map([[x, new tf.NDArray(xs, [xs.length], 'float32')]])) as tf.NDArray).data as Float32Array;
}

for (const [name, { op, ref, range }] of Object.entries(FUNCTIONS)) {
  test(`${name}: within 1 float32 ulp of Math.fround(${name === 'sigmoid' || name === 'rsqrt' || name === 'sign' ? 'its float64 formula' : `Math.${name}`}) on random and edge inputs; edge cases exact`, () => {
    const n = 200_003; // why: not a multiple of 4, so the scalar tail is measured too
    const xs = inputs(name.length * 7919, range, n);
    const graph = new tf.Graph();
    const { x, y } = graph.asDefault(() => { const x = tf.placeholder('float32', [n], 'x'); return { x, y: op(x) }; });
    const sess = new tf.Session({ graph, ...WASM_ALL });
    const got = runOn(sess, y, x, xs);
    assert.equal(sess._planFor(y, new Map([[x, new tf.NDArray(xs, [n], 'float32')]]))!.data.kernels.map((k) => k.runsOn), ['wasm']);
    let max = 0, worst = 0, differ = 0;
    for (let i = 0; i < n; i++) {
      const d = ulpDistance(got[i], Math.fround(ref(xs[i])));
      if (d) differ++;
      if (d > max) { max = d; worst = i; }
      if (i < EDGES.length) assert.is(d, 0, `${name}(${xs[i]}) = ${got[i]}, expected ${Math.fround(ref(xs[i]))}`);
    }
    console.log(`  ${name}: max error ${max} ulp over ${n} inputs (${differ} differ from the JS backend)`);
    assert.ok(max <= 1, `${name}(${xs[worst]}) = ${got[worst]}, expected ${Math.fround(ref(xs[worst]))} (${max} ulp)`);
  });
}

test('pow: every pair of special operands exactly as Math.pow (b = ±0, NaN, ±Infinity, ±0 and negative bases, odd and even integers); random pairs within 1 ulp', () => {
  const specials = [NaN, 0, -0, Infinity, -Infinity, 1, -1, 2, -2, 0.5, -0.5, 3, -3, 1.5, -1.5, 1e-45, -1e-45, 3.4028234663852886e38,
    -3.4028234663852886e38, 16777216, -16777217, 0.9999999403953552, 1.0000001192092896, 100, -100, 1e10, 127, 128, -149];
  const as: number[] = [], bs: number[] = [];
  for (const a of specials) for (const b of specials) { as.push(a); bs.push(b); }
  const pairs = as.length;
  // why: 2^-150 is exactly the midpoint below the smallest subnormal; the float64 value a hair above it rounds up (1 ulp, within the bound).
  as.push(2); bs.push(-150);
  const rng = mulberry32(91);
  for (let i = 0; i < 100_001; i++) {
    as.push((rng() - 0.3) * 10 ** Math.floor(rng() * 8 - 4));
    bs.push(rng() < 0.3 ? Math.round((rng() - 0.5) * 20) : (rng() - 0.5) * 10 ** Math.floor(rng() * 4 - 1));
  }
  const n = as.length, A = Float32Array.from(as), B = Float32Array.from(bs);
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const a = tf.placeholder('float32', [n], 'a'), b = tf.placeholder('float32', [n], 'b');
    const y = tf.pow(a, b);
    const feeds = new Map([[a, new tf.NDArray(A, [n], 'float32')], [b, new tf.NDArray(B, [n], 'float32')]]);
    const sess = new tf.Session({ ...WASM_ALL });
    const got = (sess.run(y, feeds) as tf.NDArray).data;
    assert.equal(sess._planFor(y, feeds)!.data.kernels.map((k) => k.runsOn), ['wasm']);
    let max = 0, differ = 0;
    for (let i = 0; i < n; i++) {
      const want = Math.fround(Math.pow(A[i], B[i])), d = ulpDistance(got[i], want);
      if (i < pairs) assert.is(d, 0, `pow(${A[i]}, ${B[i]}) = ${got[i]}, expected ${want}`);
      if (d) differ++;
      max = Math.max(max, d);
    }
    console.log(`  pow: max error ${max} ulp over ${n} inputs (${differ} differ from the JS backend)`);
    assert.ok(max <= 1, `pow: ${max} ulp`);
  });
});

test("math: 'exact' keeps the transcendental kernels in JS, bit-identical, and says why", () => {
  const exact = jitCompiler({ backend: wasmBackendWith({ minWork: 0, math: 'exact' }) });
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [10], 'x');
    const y = tf.pow(tf.tanh(tf.add(x, 1)), x), z = tf.rsqrt(tf.abs(x));
    const xs = inputs(5, [-3, 3], 10);
    const feeds = new Map([[x, new tf.NDArray(xs, [10], 'float32')]]);
    const sess = new tf.Session({ compiler: exact });
    const [yv, zv] = sess.run([y, z], feeds) as tf.NDArray[];
    const plan = sess._planFor([y, z], feeds)!;
    assert.equal(plan.data.kernels.map((k) => k.runsOn), ['js', 'wasm']);
    assert.match(Object.values(plan.data.wasm!.fallback).join(), /tanh kept in JS \(math: 'exact'\)/);
    assert.equal([...yv.data], [...xs].map((v) => Math.fround(Math.pow(Math.fround(Math.tanh(Math.fround(v + 1))), v))));
    assert.equal([...zv.data], [...xs].map((v) => Math.fround(1 / Math.sqrt(Math.abs(v)))));
  });
});

const CHAINS = 'random chains ending in a transcendental: wasm within 1 ulp of the interpreter, sums of them within Σ ulp';
test(CHAINS, () => {
  let covered = 0;
  property(CHAINS, RUNS, (p) => {
    const graph = new tf.Graph();
    const n = p.int(2, 41);
    const names = [...Object.keys(FUNCTIONS), 'pow'];
    const fn = names[p.int(0, names.length - 1)];
    const summed = p.int(0, 2) === 0;
    const { y, feeds } = graph.asDefault(() => {
      const xs = [0, 1].map((i) => tf.placeholder('float32', [n], `x${i}`));
      let v: tf.Tensor = xs[0];
      const steps = p.int(0, 3);
      for (let s = 0; s < steps; s++) {
        const b = xs[p.int(0, 1)];
        v = [() => tf.add(v, b), () => tf.multiply(v, b), () => tf.subtract(b, v), () => tf.maximum(v, b), () => tf.abs(v)][p.int(0, 4)]();
      }
      // why: pow is the one binary op here: the chain's value to the power of the second input.
      const t = fn === 'pow' ? tf.pow(v, xs[1]) : FUNCTIONS[fn].op(v);
      const rng = mulberry32(p.int(0, 1e6));
      const [lo, hi] = FUNCTIONS[fn]?.range ?? [-3, 3];
      const data = () => new tf.NDArray(Float32Array.from({ length: n }, () => (rng() < 0.1 ? [NaN, 0, -0, Infinity, -Infinity][Math.floor(rng() * 5)] : lo / 2 + (hi - lo) / 2 * rng())), [n], 'float32');
      return { y: summed ? tf.reduceSum(t) : t, feeds: new Map(xs.map((x) => [x, data()])) };
    });
    const sw = new tf.Session({ graph, ...WASM_ALL }), si = new tf.Session({ graph, executor: 'interpreter' });
    const got = sw.run(y, feeds), ref = si.run(y, feeds);
    covered += sw._planFor(y, feeds)!.data.kernels.filter((k) => k.runsOn === 'wasm').length;
    if (!summed) {
      const g = (got as tf.NDArray).data, r = (ref as tf.NDArray).data;
      for (let i = 0; i < n; i++) if (ulpDistance(g[i], r[i]) > 1) throw new Error(`${fn}: element ${i} is ${g[i]}, expected ${r[i]}`);
      return;
    }
    // why: each term is within one ulp of the reference's (2^-23 relative); the sums add them in the same order.
    const terms = (si.run(y.op.inputs[0], feeds) as tf.NDArray).data;
    const slack = Array.from(terms).reduce((a, t) => a + Math.abs(t), 0) * 2 ** -23;
    const g = got as number, r = ref as number;
    const ok = Object.is(g, r) || (g !== g && r !== r) || Math.abs(g - r) <= slack + Math.abs(Math.fround(r) - Math.fround(r * (1 + 2 ** -23)));
    if (!ok) throw new Error(`sum of ${fn}: ${g}, expected ${r} (slack ${slack})`);
  }, CHAINS);
  if (!process.env.FC_REPLAY) assert.ok(covered >= RUNS, `only ${covered} wasm kernels in ${RUNS} plans`);
});

test.run();
