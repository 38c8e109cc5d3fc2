// The wasm backend's float32 matmul (codegen/wasm/matmul_kernel.ts): the exact mode
// ({matmul: 'f64'}) equals the interpreter bit for bit, epilogues included; the default f32x4 mode
// is within (K+2)·2⁻²⁴·Σₖ|aᵢₖbₖⱼ| of it per element (plus K·2⁻¹⁴⁹ for products that underflow),
// and non-finite results are the same values. Shapes cover every size mod the 4×8 tile, 1s, the
// packing blocks (128 rows, 1024 columns), transposes, run-time dims and the backward pass.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { WASM_ALL } from '../_lib/wasm_all.js';
import { wasmBackendWith } from '../../codegen/backend.js';
import { jitCompiler } from '../../codegen/jit.js';
import { mulberry32, type Pick } from '../_lib/random_graph.js';
import { property } from '../_lib/property.js';
import { withFiles } from '../_lib/temp_dir.js';
import { main } from '../../codegen/aot/cli.js';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readFileSync } from 'node:fs';

process.env.TFGEN_VERIFY ??= '1';
const RUNS = Number(process.env.FC_RUNS ?? 150);
const exact = jitCompiler({ backend: wasmBackendWith({ minWork: 0, matmul: 'f64' }) });
const U = 2 ** -24;

type Plan = ReturnType<tf.Session['_planFor']>;
const wasmMatmuls = (plan: Plan) => (plan ? plan.data.kernels.filter((k) => k.runsOn === 'wasm' && k.ops.some((o) => /MatMul/.test(o))).length : 0);

/** Values at scales 10⁻³…10³ with zeros, and (when `edgy`) NaN, ±Infinity and subnormals. */
function values(n: number, seed: number, edgy: boolean): Float32Array {
  const rng = mulberry32(seed);
  const special = [NaN, Infinity, -Infinity, 1e-40, -3e-42, 0, -0];
  return Float32Array.from({ length: n }, () => {
    const r = rng();
    if (edgy && r < 0.03) return special[Math.floor(rng() * special.length)];
    if (r < 0.08) return 0;
    return (rng() * 2 - 1) * 10 ** Math.floor(rng() * 7 - 3);
  });
}

/** Edge sizes: 1, around the tile (4, 8) and its multiples, sometimes past the 128-row pack block. */
const size = (p: Pick, big: boolean) => (big && p.int(0, 9) === 0 ? p.int(120, 140) : [1, 2, 3, 4, 5, 7, 8, 9, 12, 16, 17, 31, 33][p.int(0, 12)]);

const EPILOGUES = ['none', 'bias+relu', 'full-col*scalar'] as const;

interface Case { m: number; k: number; n: number; ta: boolean; tb: boolean; epi: (typeof EPILOGUES)[number] }

function build(c: Case, seed: number, edgy: boolean) {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const aShape = c.ta ? [c.k, c.m] : [c.m, c.k], bShape = c.tb ? [c.n, c.k] : [c.k, c.n];
    const a = tf.placeholder('float32', aShape, 'a'), b = tf.placeholder('float32', bShape, 'b');
    const mm = tf.matmul(a, b, { transposeA: c.ta, transposeB: c.tb });
    const feeds = new Map<tf.Tensor, tf.NDArray>([
      [a, new tf.NDArray(values(c.m * c.k, seed, edgy), aShape, 'float32')],
      [b, new tf.NDArray(values(c.k * c.n, seed + 1, edgy), bShape, 'float32')],
    ]);
    let y = mm;
    let bias: Float32Array | undefined;
    if (c.epi === 'bias+relu') {
      const bp = tf.placeholder('float32', [c.n], 'bias');
      bias = values(c.n, seed + 2, false);
      feeds.set(bp, new tf.NDArray(bias, [c.n], 'float32'));
      y = tf.nn.relu(tf.add(mm, bp));
    } else if (c.epi === 'full-col*scalar') {
      const full = tf.placeholder('float32', [c.m, c.n], 'full'), col = tf.placeholder('float32', [c.m, 1], 'col');
      feeds.set(full, new tf.NDArray(values(c.m * c.n, seed + 3, edgy), [c.m, c.n], 'float32'));
      feeds.set(col, new tf.NDArray(values(c.m, seed + 4, edgy), [c.m, 1], 'float32'));
      y = tf.multiply(tf.subtract(tf.maximum(mm, full), col), 0.5);
    }
    return { graph, a: feeds.get(a)!.data, b: feeds.get(b)!.data, bias, y, feeds };
  });
}

const randomCase = (p: Pick, withEpilogue: boolean): Case => ({
  m: size(p, true), k: size(p, true), n: size(p, false), ta: p.int(0, 1) === 1, tb: p.int(0, 1) === 1,
  epi: withEpilogue ? EPILOGUES[p.int(0, 2)] : 'none',
});

const EXACT = "random shapes, transposes and epilogues: {matmul: 'f64'} equals the interpreter bit for bit (NaN, ±Infinity, subnormals)";
test(EXACT, () => {
  let covered = 0;
  property(EXACT, RUNS, (p) => {
    const c = randomCase(p, true);
    const { graph, y, feeds } = build(c, p.int(0, 1e6), true);
    const sw = new tf.Session({ graph, compiler: exact }), si = new tf.Session({ graph, executor: 'interpreter' });
    const got = (sw.run(y, feeds) as tf.NDArray).data, ref = (si.run(y, feeds) as tf.NDArray).data;
    for (let i = 0; i < ref.length; i++) {
      if (!Object.is(got[i], ref[i])) throw new Error(`${JSON.stringify(c)}: element ${i} is ${got[i]}, expected ${ref[i]}\n${sw._planFor(y, feeds)?.source}`);
    }
    covered += wasmMatmuls(sw._planFor(y, feeds));
  }, EXACT);
  if (!process.env.FC_REPLAY) assert.is(covered, RUNS, 'every matmul runs in wasm');
});

/** Σₖ|aᵢₖbₖⱼ| for element (i, j) of op(A)·op(B). */
function absSum(c: Case, a: ArrayLike<number>, b: ArrayLike<number>, i: number, j: number): number {
  let abs = 0;
  for (let p = 0; p < c.k; p++) abs += Math.abs((c.ta ? a[p * c.m + i] : a[i * c.k + p]) * (c.tb ? b[j * c.k + p] : b[p * c.n + j]));
  return abs;
}

const F32 = 'random shapes and transposes: the default f32x4 matmul is within (K+2)·2⁻²⁴·Σ|ab| of the interpreter; bias+relu within (K+3)·2⁻²⁴·(Σ|ab|+|bias|)';
test(F32, () => {
  let covered = 0, worst = 0;
  property(F32, RUNS, (p) => {
    const c = { ...randomCase(p, false), epi: p.int(0, 1) ? 'bias+relu' as const : 'none' as const };
    const { graph, y, feeds, a, b, bias } = build(c, p.int(0, 1e6), p.int(0, 3) === 0);
    const sw = new tf.Session({ graph, ...WASM_ALL }), si = new tf.Session({ graph, executor: 'interpreter' });
    const got = (sw.run(y, feeds) as tf.NDArray).data, ref = (si.run(y, feeds) as tf.NDArray).data;
    for (let i = 0; i < c.m; i++) for (let j = 0; j < c.n; j++) {
      const g = got[i * c.n + j], r = ref[i * c.n + j];
      const abs = absSum(c, a, b, i, j);
      const tol = (bias ? (c.k + 3) * U * (abs + Math.abs(bias[j])) : (c.k + 2) * U * abs) + c.k * 2 ** -149;
      // why: with a non-finite operand (or result) the results are the same values: relu(-Infinity + b) is 0 in both.
      const ok = Number.isFinite(tol) && Number.isFinite(r) ? Math.abs(g - r) <= tol : Object.is(g, r);
      if (!ok) throw new Error(`${JSON.stringify(c)}: C[${i}][${j}] is ${g}, expected ${r} (bound ${tol})`);
      if (Number.isFinite(tol) && g !== r) worst = Math.max(worst, Math.abs(g - r) / tol);
    }
    covered += wasmMatmuls(sw._planFor(y, feeds));
  }, F32);
  if (!process.env.FC_REPLAY) {
    assert.is(covered, RUNS, 'every matmul runs in wasm');
    // why: a bound that is never approached would also pass a kernel computing in float64.
    assert.ok(worst > 0, 'the f32x4 results differ from the reference somewhere');
  }
});

test('wide and tall: the 1024-column pack block and the 128-row block, every tile edge; K = 0 and M = 0', () => {
  for (const c of [{ m: 3, k: 0, n: 4, ta: false, tb: false }, { m: 0, k: 3, n: 5, ta: true, tb: false }, { m: 3, k: 2, n: 1030, ta: false, tb: true }, { m: 261, k: 3, n: 9, ta: true, tb: false }, { m: 1, k: 1, n: 1, ta: false, tb: false }]) {
    const full: Case = { ...c, epi: 'none' };
    const { graph, y, feeds } = build(full, 7, false);
    const got = new tf.Session({ graph, compiler: exact }).run(y, feeds) as tf.NDArray;
    const ref = new tf.Session({ graph, executor: 'interpreter' }).run(y, feeds) as tf.NDArray;
    assert.equal(Array.from(got.data), Array.from(ref.data), JSON.stringify(c));
  }
});

test('run-time dims: one plan serves batches 2, 5 and 33 in M, N and K (forward and transposed products)', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [null, 6], 'x');
    const w = tf.constant(new tf.NDArray(values(6 * 10, 3, false), [6, 10], 'float32'));
    const h = tf.nn.relu(tf.add(tf.matmul(x, w), tf.constant(new tf.NDArray(values(10, 4, false), [10], 'float32'))));
    const gram = tf.matmul(h, h, { transposeA: true }); // K = batch
    const outer = tf.matmul(w, x, { transposeA: true, transposeB: true }); // N = batch
    const fetches = [h, gram, outer];
    const sw = new tf.Session({ compiler: exact }), si = new tf.Session({ executor: 'interpreter' });
    const plans = new Set<unknown>();
    for (const batch of [2, 5, 33]) {
      const feeds = new Map([[x, new tf.NDArray(values(batch * 6, batch, false), [batch, 6], 'float32')]]);
      const got = sw.run(fetches, feeds) as tf.NDArray[], ref = si.run(fetches, feeds) as tf.NDArray[];
      got.forEach((g, i) => assert.equal(Array.from(g.data), Array.from(ref[i].data), `batch ${batch}, fetch ${i}`));
      const plan = sw._planFor(fetches, feeds)!;
      assert.ok(plan.data.dims.length > 0, 'compiled with a run-time batch');
      assert.is(wasmMatmuls(plan), 3, plan.source);
      plans.add(plan.data);
    }
    assert.is(plans.size, 1, 'one plan for every batch');
  });
});

/** A 6-5-3 softmax classifier's loss and its gradients with respect to both weights and the bias. */
function mlp() {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const x = tf.placeholder('float32', [null, 6], 'x'), labels = tf.placeholder('float32', [null, 3], 'labels');
    const w1 = tf.constant(new tf.NDArray(values(30, 11, false).map((v) => v / 100), [6, 5], 'float32'));
    const b1 = tf.constant(new tf.NDArray(values(5, 12, false).map((v) => v / 100), [5], 'float32'));
    const w2 = tf.constant(new tf.NDArray(values(15, 13, false).map((v) => v / 100), [5, 3], 'float32'));
    const logits = tf.matmul(tf.nn.relu(tf.add(tf.matmul(x, w1), b1)), w2);
    const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits }));
    const grads = tf.gradients(loss, [w1, b1, w2, x]);
    const batch = 7;
    const feeds = new Map([[x, new tf.NDArray(values(batch * 6, 21, false), [batch, 6], 'float32')],
      [labels, new tf.NDArray(Float32Array.from({ length: batch * 3 }, (_, i) => (i % 3 === i % 2 ? 1 : 0)), [batch, 3], 'float32')]]);
    return { graph, fetches: [loss, ...grads.map((g) => g!)], feeds };
  });
}

test('gradients (matmuls with transposeA and transposeB): exact mode bit-identical, f32x4 within 1e-5 of each gradient\'s largest value', () => {
  const { graph, fetches, feeds } = mlp();
  const ref = new tf.Session({ graph, executor: 'interpreter' }).run(fetches, feeds) as (tf.NDArray | number)[];
  const se = new tf.Session({ graph, compiler: exact }), sf = new tf.Session({ graph, ...WASM_ALL });
  const got = se.run(fetches, feeds) as (tf.NDArray | number)[], fast = sf.run(fetches, feeds) as (tf.NDArray | number)[];
  const data = (v: tf.NDArray | number) => (typeof v === 'number' ? [v] : Array.from(v.data));
  ref.forEach((r, i) => {
    assert.equal(data(got[i]), data(r), `fetch ${i} (exact)`);
    const scale = Math.max(...data(r).map(Math.abs));
    data(fast[i]).forEach((v, j) => assert.ok(Math.abs(v - data(r)[j]) <= 1e-5 * scale, `fetch ${i}[${j}]: ${v} vs ${data(r)[j]}`));
  });
  // why: forward x·W1 and h·W2, backward dy·W2ᵀ, hᵀ·dy, dh·W1ᵀ and xᵀ·dh all run in wasm.
  assert.ok(wasmMatmuls(sf._planFor(fetches, feeds)) >= 5, sf._planFor(fetches, feeds)!.source);
});

test('a transcendental epilogue (tanh(x·W + b)) runs in wasm within 1 float32 ulp of the interpreter; math: exact keeps the epilogue in JS', () => {
  const c: Case = { m: 13, k: 9, n: 11, ta: false, tb: false, epi: 'none' };
  const { graph, y: mm, feeds } = build(c, 5, false);
  const y = graph.asDefault(() => tf.tanh(tf.multiply(mm, 0.01)));
  const ref = (new tf.Session({ graph, executor: 'interpreter' }).run(y, feeds) as tf.NDArray).data;
  const sw = new tf.Session({ graph, compiler: exact });
  const got = (sw.run(y, feeds) as tf.NDArray).data;
  const ulp = (v: number) => Math.abs(Math.fround(v) - Math.fround(v * (1 + 2 ** -23))) || 2 ** -149;
  ref.forEach((r, i) => assert.ok(Math.abs(got[i] - r) <= ulp(r), `${i}: ${got[i]} vs ${r}`));
  assert.equal(sw._planFor(y, feeds)!.data.kernels.map((k) => k.runsOn), ['wasm']);
  const kept = new tf.Session({ graph, compiler: jitCompiler({ backend: wasmBackendWith({ minWork: 0, matmul: 'f64', math: 'exact' }) }) });
  assert.equal(Array.from((kept.run(y, feeds) as tf.NDArray).data), Array.from(ref));
  const plan = kept._planFor(y, feeds)!;
  assert.equal(plan.data.kernels.map((k) => k.runsOn), ['wasm']);
  assert.match(Object.values(plan.data.wasm!.fallback)[0], /^epilogue in JS: tanh kept in JS/);
});

test('an epilogue wasm does not cover (sin) runs in JS after the matmul, which stays in wasm: bit-identical in the exact mode, any batch', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [null, 9], 'x');
    const w = tf.constant(new tf.NDArray(values(9 * 13, 31, false), [9, 13], 'float32'));
    const b = tf.constant(new tf.NDArray(values(13, 32, false), [13], 'float32'));
    const y = tf.sin(tf.add(tf.matmul(x, w), b));
    const sw = new tf.Session({ compiler: exact }), si = new tf.Session({ executor: 'interpreter' });
    for (const batch of [3, 6]) {
      const feeds = new Map([[x, new tf.NDArray(values(batch * 9, batch, true), [batch, 9], 'float32')]]);
      assert.equal(Array.from((sw.run(y, feeds) as tf.NDArray).data), Array.from((si.run(y, feeds) as tf.NDArray).data), `batch ${batch}`);
      const plan = sw._planFor(y, feeds)!;
      assert.equal(plan.data.kernels.map((k) => `${k.kind}:${k.runsOn}`), ['map:wasm']);
      assert.match(plan.data.wasm!.fallback[plan.data.kernels[0].name], /^epilogue in JS: sin not covered/);
    }
  });
});

test('a non-float32 matmul stays in JS and the plan says why', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const a = tf.constant(new tf.NDArray(Int32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], 'int32'));
    const b = tf.placeholder('int32', [3, 2], 'b');
    const y = tf.matmul(a, b);
    const feeds = new Map([[b, new tf.NDArray(Int32Array.from([7, 8, 9, 10, 11, 12]), [3, 2], 'int32')]]);
    const sess = new tf.Session({ ...WASM_ALL });
    assert.equal(Array.from((sess.run(y, feeds) as tf.NDArray).data), [58, 64, 139, 154]);
    const plan = sess._planFor(y, feeds)!;
    assert.equal(plan.data.kernels.map((k) => k.runsOn), ['js']);
    assert.match(Object.values(plan.data.wasm!.fallback)[0], /int32 matmul \(float32 only\)/);
  });
});

test('contracted dims that disagree at run time: a clear error naming both, before any variable changes', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [2, null], 'x'), w = tf.placeholder('float32', [null, 3], 'w');
    const v = new tf.Variable(tf.zeros([2, 3]), { name: 'v' });
    const step = tf.assign(v, tf.matmul(x, w));
    const sess = new tf.Session({ ...WASM_ALL });
    sess.run(v.initializer);
    const ok = new Map([[x, new tf.NDArray(Float32Array.from([1, 2, 3, 4]), [2, 2], 'float32')], [w, new tf.NDArray(Float32Array.from([1, 0, 0, 0, 1, 0]), [2, 3], 'float32')]]);
    sess.run(step, ok);
    assert.equal(Array.from((sess.run(v) as tf.NDArray).data), [1, 2, 0, 3, 4, 0]);
    const bad = new Map([[x, new tf.NDArray(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3], 'float32')], [w, new tf.NDArray(new Float32Array(6), [2, 3], 'float32')]]);
    assert.throws(() => sess.run(step, bad), (e: Error) => e instanceof tf.errors.InvalidArgumentError && /size-incompatible|MatMul/.test(e.message));
    assert.equal(Array.from((sess.run(v) as tf.NDArray).data), [1, 2, 0, 3, 4, 0]);
  });
});

/** A 5-7-3 relu layer and a linear one, trained by gradient descent (the weights drawn at build time, as numbers). */
const weights = (n: number, seed: number) => JSON.stringify(Array.from(values(n, seed, false), (v) => Math.fround(v / 1000)));
const AOT_MODEL = `import * as tf from 'tfgen';
export const X = tf.placeholder(tf.float32, [null, 5], 'X');
export const Y = tf.placeholder(tf.float32, [null, 3], 'Y');
const W1 = new tf.Variable(tf.constant(${weights(35, 41)}, tf.float32, [5, 7]), { name: 'W1' });
const b1 = new tf.Variable(tf.zeros([7]), { name: 'b1' });
const W2 = new tf.Variable(tf.constant(${weights(21, 42)}, tf.float32, [7, 3]), { name: 'W2' });
export const out = tf.matmul(tf.nn.relu(tf.add(tf.matmul(X, W1), b1)), W2);
export const loss = tf.reduceMean(tf.square(tf.subtract(out, Y)));
export const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
export const init = tf.globalVariablesInitializer();
export const predict = tf.signature({ inputs: { X }, outputs: { out } });
`;
const AOT_APP = `import { Session } from 'tfgen/runtime';
import { init, loss, train } from './out/model.js';
export function fit(xs: Float32Array, ys: Float32Array, steps: number) {
  const sess = new Session();
  sess.run(init);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(sess.run([train, loss], { X: xs, Y: ys })[1]);
  return { sess, losses };
}
`;

test('tfgen compile --backend wasm: the compiled matmuls (forward, and transposed in the gradients) train and predict with the JIT wasm session\'s numbers, bit for bit', () => withFiles({ 'package.json': '{"type":"module"}', 'model.tf.ts': AOT_MODEL, 'app.ts': AOT_APP }, async (dir) => {
  const err: string[] = [];
  const io = { out: () => {}, err: (t: string) => { err.push(t); } };
  assert.is(await main(['compile', join(dir, 'model.tf.ts'), join(dir, 'app.ts'), '--backend', 'wasm', '--out-dir', join(dir, 'out'), '--skip-typecheck'], io), 0, err.join(''));
  assert.ok(readFileSync(join(dir, 'out/model.js'), 'utf8').match(/wx\.k\d+_(map|matmul)_MatMul/g)!.length >= 4, 'the matmul kernels are wasm calls');
  const mod = await import(pathToFileURL(join(dir, 'out/model.js')).href);
  const app = await import(pathToFileURL(join(dir, 'app.ts')).href);
  const rows = 6;
  const xs = values(rows * 5, 43, false).map((v) => v / 1000), ys = values(rows * 3, 44, false).map((v) => v / 1000);
  const { sess, losses } = app.fit(xs, ys, 5);
  // The same model on the JIT's wasm backend.
  const g = new tf.Graph();
  const ref = g.asDefault(() => {
    const X = tf.placeholder('float32', [null, 5], 'X'), Y = tf.placeholder('float32', [null, 3], 'Y');
    const W1 = new tf.Variable(tf.constant(JSON.parse(weights(35, 41)), 'float32', [5, 7]), { name: 'W1' });
    const b1 = new tf.Variable(tf.zeros([7]), { name: 'b1' });
    const W2 = new tf.Variable(tf.constant(JSON.parse(weights(21, 42)), 'float32', [7, 3]), { name: 'W2' });
    const out = tf.matmul(tf.nn.relu(tf.add(tf.matmul(X, W1), b1)), W2);
    const loss = tf.reduceMean(tf.square(tf.subtract(out, Y)));
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    const s = new tf.Session({ ...WASM_ALL });
    s.run(tf.globalVariablesInitializer());
    const feeds = new Map([[X, new tf.NDArray(xs, [rows, 5], 'float32')], [Y, new tf.NDArray(ys, [rows, 3], 'float32')]]);
    const ls = Array.from({ length: 5 }, () => (s.run([train, loss], feeds) as [null, number])[1]);
    return { ls, out: s.run(out, new Map([[X, new tf.NDArray(xs, [rows, 5], 'float32')]])) as tf.NDArray };
  });
  assert.equal(losses, ref.ls);
  assert.ok(losses[4] < losses[0], `it trains: ${losses}`);
  assert.equal(Array.from(mod.predict({ X: new tf.NDArray(xs, [rows, 5], 'float32') }, sess).out.data), Array.from(ref.out.data));
}));

test.run();
