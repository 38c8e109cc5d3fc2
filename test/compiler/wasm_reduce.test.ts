// The wasm backend's reductions (codegen/wasm/reduce_kernel.ts): sum, mean, max, min and prod
// over the last axes (one result per row) or the leading axes (one per column), with fused
// elementwise bodies and broadcast inputs. They keep the reference's order and float64
// accumulators, so every value is compared exactly with the interpreter; max/min inputs carry
// NaN, ±0 and ±Infinity (NaN sticks, the first of equal zeros is kept).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { WASM_ALL } from '../_lib/wasm_all.js';
import { wasmBackendWith } from '../../codegen/backend.js';
import { jitCompiler } from '../../codegen/jit.js';
import { fetchDiff, mulberry32 } from '../_lib/random_graph.js';
import { property } from '../_lib/property.js';

process.env.TFGEN_VERIFY ??= '1';
const RUNS = Number(process.env.FC_RUNS ?? 300);

const wasmCount = (s: tf.Session, f: tf.Tensor[], feeds: Map<tf.Tensor, tf.NDArray>) => s._planFor(f, feeds)!.data.kernels.filter((k) => k.runsOn === 'wasm').length;

function values(n: number, seed: number, edgy: boolean): Float32Array {
  const rng = mulberry32(seed);
  const special = [NaN, 0, -0, Infinity, -Infinity, 1e-40, -1.5, 2.5];
  // why: prods of many values stay finite when most are near 1.
  return Float32Array.from({ length: n }, () => (edgy && rng() < 0.15 ? special[Math.floor(rng() * special.length)] : Math.fround(0.5 + rng() * 1.2) * (rng() < 0.3 ? -1 : 1)));
}

type Reducer = (x: tf.Tensor, axes: number[] | undefined, keep: boolean) => tf.Tensor;
const REDUCERS: Record<string, Reducer> = {
  sum: (x, a, k) => tf.reduceSum(x, a, k), mean: (x, a, k) => tf.reduceMean(x, a, k), max: (x, a, k) => tf.reduceMax(x, a, k),
  min: (x, a, k) => tf.reduceMin(x, a, k), prod: (x, a, k) => tf.reduceProd(x, a, k),
};

const RANDOM = 'random reductions over the last, the leading or the middle axes of fused bodies: wasm equals the interpreter bit for bit';
test(RANDOM, () => {
  let covered = 0;
  property(RANDOM, RUNS, (p) => {
    const graph = new tf.Graph();
    const rank = p.int(1, 3);
    const shape = Array.from({ length: rank }, () => p.int(1, 9));
    const lead = p.int(1, rank);
    // why: either the last `lead` axes, the first `lead` axes, all of them, or (rank 3) the middle one.
    const which = p.int(0, 3);
    const axes = which === 3 && rank === 3 ? [1] : which === 2 ? undefined : which === 0 ? shape.map((_, a) => a).slice(rank - lead) : shape.map((_, a) => a).slice(0, lead);
    const keep = p.int(0, 1) === 1;
    const kinds = Object.keys(REDUCERS);
    const edgy = p.int(0, 1) === 1;
    const { fetches, feeds } = graph.asDefault(() => {
      const x = tf.placeholder('float32', shape, 'x'), y = tf.placeholder('float32', shape, 'y');
      const row = tf.placeholder('float32', [shape[rank - 1]], 'row');
      const bodies = [() => x, () => tf.multiply(x, y), () => tf.add(x, row), () => tf.exp(tf.subtract(x, y)), () => tf.abs(tf.maximum(x, row))];
      const members = Array.from({ length: p.int(1, 3) }, () => REDUCERS[kinds[p.int(0, kinds.length - 1)]](bodies[p.int(0, bodies.length - 1)](), axes, keep));
      const seed = p.int(0, 1e6);
      const n = shape.reduce((a, b) => a * b, 1);
      const feeds = new Map([[x, new tf.NDArray(values(n, seed, edgy), shape, 'float32')], [y, new tf.NDArray(values(n, seed + 1, edgy), shape, 'float32')],
        [row, new tf.NDArray(values(shape[rank - 1], seed + 2, edgy), [shape[rank - 1]], 'float32')]]);
      return { fetches: members, feeds };
    });
    const sw = new tf.Session({ graph, ...WASM_ALL }), si = new tf.Session({ graph, executor: 'interpreter' });
    const got = sw.run(fetches, feeds) as unknown[], ref = si.run(fetches, feeds) as unknown[];
    fetches.forEach((f, i) => {
      const d = fetchDiff(got[i], ref[i]);
      if (d) throw new Error(`${f.op.type} over ${axes ?? 'all'} of [${shape}]: ${d}\nplan:\n${sw._planFor(fetches, feeds)!.source}`);
    });
    covered += wasmCount(sw, fetches, feeds);
  }, RANDOM);
  // why: one-element inputs and 3-d inputs with a row broadcast stay in JS; most plans must not.
  if (!process.env.FC_REPLAY) assert.ok(covered >= 0.8 * RUNS, `only ${covered} wasm kernels in ${RUNS} plans`);
});

test('reduceMax over the last axis keeps NaN and the first of equal zeros; reduceSum over axis 0 sums each column in order', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [3, 6], 'x');
    const m = tf.reduceMax(x, 1), s = tf.reduceSum(x, 0), mn = tf.reduceMin(x, 1);
    const data = [-0, 0, -1, -2, -0, -3, 1, NaN, 7, 2, -1, 0, -5, -0, -0, 0, -7, -1];
    const feeds = new Map([[x, new tf.NDArray(Float32Array.from(data), [3, 6], 'float32')]]);
    const sess = new tf.Session({ ...WASM_ALL });
    const [mv, sv, mnv] = sess.run([m, s, mn], feeds) as tf.NDArray[];
    assert.equal([...mv.data].map(String), ['0', 'NaN', '0']);
    assert.ok(Object.is(mv.data[0], -0) && Object.is(mv.data[2], -0), `the first zero's sign: ${[...mv.data]}`);
    assert.equal([...sv.data].map(String), ['-4', 'NaN', '6', '0', '-8', '-4']);
    assert.equal([...mnv.data].map(String), ['-3', 'NaN', '-7']);
    const kernels = sess._planFor([m, s, mn], feeds)!.data.kernels;
    assert.equal(kernels.map((k) => `${k.kind}:${k.runsOn}`), ['reduce:wasm', 'reduce:wasm']);
  });
});

test('a mean over a run-time batch: its count (cast to float64, divided, cast to float32) is computed in wasm, bit-identical', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [null, 5], 'x');
    const loss = tf.reduceMean(tf.square(x));
    const dx = tf.gradients(loss, [x])[0]!;
    const sess = new tf.Session({ ...WASM_ALL }), ref = new tf.Session({ executor: 'interpreter' });
    for (const rows of [3, 7, 64]) {
      const feeds = new Map([[x, new tf.NDArray(values(rows * 5, rows, true), [rows, 5], 'float32')]]);
      const got = sess.run([loss, dx], feeds) as unknown[], want = ref.run([loss, dx], feeds) as unknown[];
      got.forEach((g, i) => assert.is(fetchDiff(g, want[i]), undefined, `rows ${rows}, fetch ${i}`));
      const plan = sess._planFor([loss, dx], feeds)!;
      assert.ok(plan.data.dims.length === 1, 'one plan for every batch size');
      assert.equal(plan.data.kernels.filter((k) => k.runsOn !== 'wasm').map((k) => k.name), [], JSON.stringify(plan.data.wasm!.fallback));
    }
  });
});

test('reductions over the leading axes read one-element inputs and big inputs (1024 x 1030, accumulators in scratch memory)', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [1024, 1030], 'x'), sc = tf.placeholder('float32', [], 'sc');
    const fetches = [tf.reduceSum(tf.add(x, sc), 0), tf.reduceMax(tf.multiply(x, sc), 0), tf.reduceMean(x, 0)];
    const feeds = new Map([[x, new tf.NDArray(values(1024 * 1030, 3, true), [1024, 1030], 'float32')], [sc, new tf.NDArray(Float32Array.from([0.75]), [], 'float32')]]);
    const sess = new tf.Session({ ...WASM_ALL });
    const got = sess.run(fetches, feeds) as unknown[], want = new tf.Session({ executor: 'interpreter' }).run(fetches, feeds) as unknown[];
    got.forEach((g, i) => assert.is(fetchDiff(g, want[i]), undefined, `fetch ${i}`));
    assert.ok(sess._planFor(fetches, feeds)!.data.kernels.every((k) => k.runsOn === 'wasm'));
  });
});

const ARG = 'argmax and argmin over any axis: the first index wins ties, the first NaN wins; equal to the interpreter';
test(ARG, () => {
  let covered = 0;
  property(ARG, RUNS, (p) => {
    const graph = new tf.Graph();
    const shape = Array.from({ length: p.int(1, 3) }, () => p.int(1, 9));
    const rng = mulberry32(p.int(0, 1e6));
    const ties = [NaN, -0, 0, 1, 1, -1, 2, -Infinity, Infinity];
    const { fetches, feeds } = graph.asDefault(() => {
      const x = tf.placeholder('float32', shape, 'x');
      const axis = p.int(0, shape.length - 1), outputType = p.int(0, 1) ? 'int32' as const : 'int64' as const;
      const fetches = [tf.argmax(x, axis, { outputType }), tf.argmin(x, axis, { outputType })];
      const n = shape.reduce((a, b) => a * b, 1);
      const xs = Float32Array.from({ length: n }, () => (rng() < 0.5 ? ties[Math.floor(rng() * ties.length)] : rng() * 4 - 2));
      return { fetches, feeds: new Map([[x, new tf.NDArray(xs, shape, 'float32')]]) };
    });
    const sw = new tf.Session({ graph, ...WASM_ALL }), si = new tf.Session({ graph, executor: 'interpreter' });
    const got = sw.run(fetches, feeds) as unknown[], ref = si.run(fetches, feeds) as unknown[];
    fetches.forEach((f, i) => { const d = fetchDiff(got[i], ref[i]); if (d) throw new Error(`${f.op.type} of [${shape}]: ${d}`); });
    covered += wasmCount(sw, fetches, feeds);
  }, ARG);
  if (!process.env.FC_REPLAY) assert.ok(covered >= RUNS, `only ${covered} wasm kernels in ${RUNS} plans`);
});

test("f64x2 sums over rows stay within the stated bound; a middle axis runs in wasm, with a column broadcast it stays in JS and says why", () => {
  const f64x2 = jitCompiler({ backend: wasmBackendWith({ minWork: 0, sums: 'f64x2' }) });
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [5, 37], 'x');
    const s = tf.reduceSum(tf.multiply(x, x), 1);
    const xs = Float32Array.from({ length: 185 }, (_, i) => Math.fround(Math.sin(i) * 1000));
    const feeds = new Map([[x, new tf.NDArray(xs, [5, 37], 'float32')]]);
    const fast = (new tf.Session({ compiler: f64x2 }).run(s, feeds) as tf.NDArray).data;
    const ref = (new tf.Session({ executor: 'interpreter' }).run(s, feeds) as tf.NDArray).data;
    for (let r = 0; r < 5; r++) {
      const abs = xs.slice(r * 37, r * 37 + 37).reduce((a, v) => a + v * v, 0);
      const ulp = Math.abs(Math.fround(ref[r]) - Math.fround(ref[r] * (1 + 2 ** -23)));
      assert.ok(Math.abs(fast[r] - ref[r]) <= ulp + 37 * 2 ** -52 * abs, `row ${r}: ${fast[r]} vs ${ref[r]}`);
    }
    const z = tf.placeholder('float32', [2, 3, 4], 'z'), zc = tf.placeholder('float32', [2, 3, 1], 'zc');
    const mid = tf.reduceMax(z, 1), midCol = tf.reduceSum(tf.add(z, zc), 1);
    const zf = new Map([[z, new tf.NDArray(Float32Array.from({ length: 24 }, (_, i) => (i * 7) % 11), [2, 3, 4], 'float32')],
      [zc, new tf.NDArray(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3, 1], 'float32')]]);
    const sess = new tf.Session({ ...WASM_ALL }), interp = new tf.Session({ executor: 'interpreter' });
    assert.is(fetchDiff(sess.run(mid, zf), interp.run(mid, zf)), undefined);
    assert.is(fetchDiff(sess.run(midCol, zf), interp.run(midCol, zf)), undefined);
    assert.equal(sess._planFor(mid, zf)!.data.kernels.map((k) => k.runsOn), ['wasm']);
    // why: a middle-axis reduction whose input broadcasts along the columns ([2,3,1]) stays in JS.
    const plan = sess._planFor(midCol, zf)!;
    assert.equal(plan.data.kernels.map((k) => k.runsOn), ['js']);
    assert.match(Object.values(plan.data.wasm!.fallback)[0], /middle axes of broadcast inputs|strided/);
  });
});

test.run();
