// Compiled plans are fused: kernel counts and the kernel headers of the generated source for the
// issue's examples, the seed's linear-regression step, buffer reuse across warm runs, and no heap
// growth over a long training loop. Values are checked against the interpreter every time.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import type { CompiledPlan, PlanInput } from '../../src/plan.js';
import { fetchDiff, mulberry32 } from '../_lib/random_graph.js';

/** The kernel header comments of a plan's source (`// k0_map_Mul_Add: Mul, Add`). */
const headers = (source: string) => source.split('\n').filter((l) => /^ {2}\/\/ k\d+_/.test(l)).map((l) => l.trim());

function fresh<T>(fn: () => T): T {
  return new tf.Graph().asDefault(fn);
}

/** Runs `fetches` compiled and interpreted; asserts equal results; returns the compiled plan. */
function compiledPlan(fetches: tf.Tensor[], feeds: Map<tf.Tensor, unknown>, init?: tf.Operation): CompiledPlan {
  const graph = fetches[0].graph;
  using sc = new tf.Session({ graph });
  using si = new tf.Session({ graph, executor: 'interpreter' });
  if (init) { sc.run(init); si.run(init); }
  const got = sc.run(fetches, feeds as tf.FeedDict) as unknown[];
  const expected = si.run(fetches, feeds as tf.FeedDict) as unknown[];
  fetches.forEach((t, i) => {
    const d = fetchDiff(got[i], expected[i]);
    if (d) assert.unreachable(`${t.name}: ${d}`);
  });
  const plan = sc._planFor(fetches, feeds as tf.FeedDict);
  if (!plan) return assert.unreachable('the plan was not compiled') as never;
  return plan;
}

test('sqrt(a*a + b*b) * c + d is one loop, named after the six ops it fuses', () => fresh(() => {
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) => tf.placeholder('float32', [null], n));
  const y = tf.add(tf.multiply(tf.sqrt(tf.add(tf.multiply(a, a), tf.multiply(b, b))), c), d);
  const feeds = new Map([[a, [3, 1, -2]], [b, [4, 1, 0.5]], [c, [1, 2, 3]], [d, [0, 0.5, -1]]]);
  const plan = compiledPlan([y], feeds);
  assert.is(plan.kernelCount, 1);
  assert.equal(headers(plan.source), ['// k0_map_Mul_Mul_1_Add_Sqrt: Mul, Mul_1, Add, Sqrt, Mul_2, Add_1']);
  const body = plan.source.slice(plan.source.indexOf('return function run'));
  assert.is((body.match(/for \(/g) ?? []).length, 1, 'one loop');
}));

test('a dense layer relu(matmul(x, w) + b): bias add and relu are the matmul\'s epilogue, in one kernel', () => fresh(() => {
  const x = tf.placeholder('float32', [null, 5], 'x');
  const w0 = Array.from({ length: 15 }, (_, i) => (i % 7) / 4 - 0.7);
  const w = new tf.Variable(tf.constant(w0, { shape: [5, 3] }), { name: 'w' });
  const b = new tf.Variable(tf.constant([0.1, -0.2, 0.3]), { name: 'b' });
  const h = tf.nn.relu(tf.add(tf.matmul(x, w), b));
  const rng = mulberry32(3);
  const feeds = new Map([[x, new tf.NDArray(Float32Array.from({ length: 30 }, () => rng() * 4 - 2), [6, 5], 'float32')]]);
  const plan = compiledPlan([h], feeds, tf.globalVariablesInitializer());
  assert.is(plan.kernelCount, 1);
  assert.equal(headers(plan.source), ['// k0_map_MatMul_Add_Relu: MatMul, Add, Relu']);
  assert.match(plan.source, /for \(let p = 0; p < 5; p\+\+\)/, 'the matmul loop over k is in the kernel');
}));

test('a reduction pulls its elementwise producers into its loop: reduceSum((x - y)²) is one kernel', () => fresh(() => {
  const x = tf.placeholder('float64', [null, 4]), y = tf.placeholder('float64', [4]);
  const loss = tf.reduceSum(tf.square(tf.subtract(x, y)));
  const rng = mulberry32(5);
  const xs = new tf.NDArray(Float64Array.from({ length: 12 }, rng), [3, 4], 'float64');
  const feeds = new Map<tf.Tensor, unknown>([[x, xs], [y, [1, 2, 3, 4]]]);
  const plan = compiledPlan([loss], feeds);
  assert.is(plan.kernelCount, 1);
  assert.equal(headers(plan.source), ['// k0_reduce_Sub_Square_Sum: Sub, Square, Sum']);
}));

test('independent reductions over the same space share one loop; a dependent one does not', () => fresh(() => {
  const x = tf.placeholder('float32', [3, 4], 'x'), y = tf.placeholder('float32', [3, 4], 'y');
  const sum = tf.reduceSum(tf.multiply(x, y), 1);
  const max = tf.reduceMax(tf.subtract(x, y), 1);
  const mean = tf.reduceMean(x, 1);
  const rng = mulberry32(9);
  const arr = () => new tf.NDArray(Float32Array.from({ length: 12 }, () => rng() * 4 - 2), [3, 4], 'float32');
  const feeds = new Map<tf.Tensor, unknown>([[x, arr()], [y, arr()]]);
  const shared = compiledPlan([sum, max, mean], feeds);
  assert.is(shared.kernelCount, 1);
  assert.is((shared.source.slice(shared.source.indexOf('return function run')).match(/for \(/g) ?? []).length, 5,
    'one two-level loop nest over x, then one loop storing each of the three results');
  // why: the second reduction needs the first's result, so it cannot run in the same loop.
  const dependent = tf.reduceSum(tf.multiply(x, tf.reduceSum(x, 1, true)), 1);
  const chained = compiledPlan([tf.reduceSum(x, 1), dependent], feeds);
  assert.ok(chained.kernelCount >= 2, `${chained.kernelCount} kernels`);
}));

test('an elementwise loop writes in place over an input it reads for the last time', () => fresh(() => {
  const x = tf.placeholder('float32', [8], 'x');
  const a = tf.exp(tf.multiply(x, x));
  const max = tf.reduceMax(a);
  const b = tf.multiply(tf.sqrt(tf.add(a, 1)), tf.reduceSum(a));
  const feeds = new Map<tf.Tensor, unknown>([[x, Float32Array.from({ length: 8 }, (_, i) => i / 8 - 0.5)]]);
  const plan = compiledPlan([b, max], feeds);
  // a's buffer and the two reductions' (one loop), nothing for b: b is written over a.
  const decl = /const (b\d+ = bufs\[\d+\](?:, )?)+/.exec(plan.source)![0];
  assert.is(decl.match(/b\d+ =/g)!.length, 3, decl);
  assert.match(plan.source, /const t(\d+) = (b\d+)\[i0\];[^}]*\2\[i0\] = t\d+;/, 'the last loop reads and writes one buffer');
}));

test('a host op with unknown dims in the graph compiles once the plan knows the fed shapes', () => fresh(() => {
  const logits = tf.placeholder('float32', [null, 3]), labels = tf.placeholder('int32', [null]);
  const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }));
  const [g] = tf.gradients(loss, [logits]);
  const feeds = new Map<tf.Tensor, unknown>([[logits, [[1, 2, 3], [0, 0, 1]]], [labels, new Int32Array([2, 0])]]);
  const plan = compiledPlan([loss, g!], feeds);
  assert.match(plan.source, /host\[0\]/, 'the cross-entropy runs as a host call inside the compiled plan');
}));

/** The seed notebook's linear regression (In [70]–[72]). */
function linearRegression() {
  const X = tf.placeholder('float32');
  const y = tf.placeholder('float32');
  const m = new tf.Variable(0.0);
  const b = new tf.Variable(0.0);
  const avgLoss = tf.reduceMean(tf.squaredDifference(X.mul(m).add(b), y));
  const train = new tf.train.GradientDescentOptimizer(0.0005).minimize(avgLoss);
  const rng = mulberry32(11);
  const batch = () => {
    const xs = Float32Array.from({ length: 100 }, () => rng() * 4 - 2);
    return new Map([[X, xs], [y, xs.map((v) => 3 * v + 1 + rng())]]);
  };
  return { X, y, m, b, avgLoss, train, batch, init: tf.globalVariablesInitializer() };
}

test('the seed\'s linear-regression training step compiles to a handful of kernels', () => fresh(() => {
  const { m, b, avgLoss, train, batch, init } = linearRegression();
  using sc = new tf.Session();
  using si = new tf.Session({ executor: 'interpreter' });
  sc.run(init);
  si.run(init);
  for (let i = 0; i < 30; i++) {
    const feeds = batch();
    const got = sc.run([train, avgLoss, m, b], feeds), expected = si.run([train, avgLoss, m, b], feeds);
    for (let k = 1; k < 4; k++) {
      const d = fetchDiff(got[k], expected[k]);
      if (d) assert.unreachable(`step ${i}, fetch ${k}: ${d}`);
    }
  }
  const feeds = batch();
  // why: the notebook's fetch adds the loss and the start-of-run m, b to the update.
  const notebook = sc._planFor([train, avgLoss, m, b], feeds);
  const stepOnly = sc._planFor(train, feeds);
  if (!notebook || !stepOnly) return assert.unreachable('the training step was not compiled (an op has no lowering)');
  // 3 = one loop computing the forward error, the loss and both gradient sums (sibling reductions
  // share it), then the two scalar updates.
  assert.is(notebook.kernelCount, 3, `${notebook.kernelCount} kernels:\n${headers(notebook.source).join('\n')}`);
  assert.is(stepOnly.kernelCount, 3, `${stepOnly.kernelCount} kernels:\n${headers(stepOnly.source).join('\n')}`);
  assert.is(headers(stepOnly.source).length, stepOnly.kernelCount);
}));

test('a warm plan writes into the same buffers on every run', () => fresh(() => {
  const { m, b, avgLoss, train, batch, init } = linearRegression();
  using sess = new tf.Session();
  sess.run(init);
  const feeds = batch();
  sess.run([train, avgLoss], feeds);
  const plan = sess._planFor([train, avgLoss], feeds)!;
  assert.ok(plan, 'compiled');
  const state = sess._variableValues();
  const vars = plan.variables.map((v) => state.get(v)!.data);
  const rt = { randomStream: () => () => 0 };
  const feedArrays = [...feeds.values()];
  const first = plan.run(feedArrays, vars, rt);
  const second = plan.run(feedArrays, vars, rt);
  assert.is(first.length, 1 + plan.writes.length);
  first.forEach((arr, i) => assert.ok(arr === second[i], `result ${i} is a new array on the second run`));
  // the plan itself never writes variables: the session commits `writes` after a successful run
  assert.equal([...vars[0]], [...state.get(m.op)!.data]);
  void b;
}));

test('a plan is compiled once per fetch set and feed shapes: fresh fetch literals and names reuse it', () => fresh(() => {
  const x = tf.placeholder('float32', [null], 'x');
  const y = tf.sqrt(tf.multiply(x, x), 'y');
  const z = tf.add(y, 1, 'z');
  const previous = tf.Session.defaultCompiler!;
  let compiles = 0;
  tf.Session.defaultCompiler = ((input: PlanInput) => { compiles++; return previous(input); });
  try {
    using sess = new tf.Session();
    for (let i = 0; i < 3; i++) sess.run([y, z], { x: [1, 2, 3] });
    for (let i = 0; i < 3; i++) sess.run({ a: y, b: [z] }, { x: [4, 5, 6] });
    for (let i = 0; i < 3; i++) sess.run(['y:0', 'z:0'], { x: [7, 8, 9] });
    assert.is(compiles, 1, 'one fetch set, one feed shape');
    sess.run([y, z], { x: [1, 2] });
    assert.is(compiles, 1, 'a new size of the unknown dim runs the same plan');
    sess.run([z, y], { x: [1, 2, 3] });
    assert.is(compiles, 2, 'a new order of the fetch set compiles a new plan');
    sess.run([y, z], { x: [5] });
    assert.is(compiles, 2, 'a size of 1 runs the same plan (no gradients treat it apart)');
    assert.equal(sess.run([z, y], { x: [1, 2, 3] }).map((a: tf.NDArray) => a.toArray()), [[2, 3, 4], [1, 2, 3]]);
  } finally {
    tf.Session.defaultCompiler = previous;
  }
}));

test('reuseOutputs: results are the plan\'s buffers, overwritten by the next run; host results stay right', () => fresh(() => {
  const x = tf.placeholder('float32', [3], 'x');
  const idx = tf.placeholder('int32', [2], 'idx');
  const y = tf.sqrt(tf.multiply(x, x));
  const oh = tf.oneHot(idx, 3);
  using sess = new tf.Session();
  const r1 = sess.run([y, oh], { x: [3, -4, 0], idx: [0, 1] }, { reuseOutputs: true });
  assert.equal([r1[0].toArray(), r1[1].toArray()], [[3, 4, 0], [[1, 0, 0], [0, 1, 0]]]);
  const r2 = sess.run([y, oh], { x: [1, 2, -2], idx: [2, 2] }, { reuseOutputs: true });
  assert.equal([r2[0].toArray(), r2[1].toArray()], [[1, 2, 2], [[0, 0, 1], [0, 0, 1]]]);
  assert.ok(r1[0] === r2[0], 'the kernel output is the same view on the same buffer');
  assert.equal(r1[0].toArray(), [1, 2, 2], 'and so the first result now shows the second run');
}));

test('10⁴ training steps of a small MLP do not grow the heap', () => fresh(() => {
  const rng = mulberry32(17);
  const x = tf.placeholder('float32', [null, 8]);
  const labels = tf.placeholder('float32', [null, 4]);
  const init = (r: number, c: number) => tf.constant(Array.from({ length: r * c }, () => rng() - 0.5), { shape: [r, c] });
  const w1 = new tf.Variable(init(8, 16)), b1 = new tf.Variable(tf.zeros([16]));
  const w2 = new tf.Variable(init(16, 4)), b2 = new tf.Variable(tf.zeros([4]));
  const logits = tf.add(tf.matmul(tf.nn.relu(tf.add(tf.matmul(x, w1), b1)), w2), b2);
  const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits }));
  const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const xs = new tf.NDArray(Float32Array.from({ length: 64 }, () => rng() * 2 - 1), [8, 8], 'float32');
  const ys = new tf.NDArray(Float32Array.from({ length: 32 }, (_, i) => (i % 4 === (i >> 2) % 4 ? 1 : 0)), [8, 4], 'float32');
  const feeds = new Map([[x, xs], [labels, ys]]);
  assert.ok(sess._planFor(train, feeds), 'the MLP training step is compiled');
  const before = sess.run(loss, feeds) as number;
  for (let i = 0; i < 200; i++) sess.run(train, feeds);
  const heap0 = process.memoryUsage().heapUsed;
  for (let i = 0; i < 10_000; i++) sess.run(train, feeds);
  const grown = process.memoryUsage().heapUsed - heap0;
  const after = sess.run(loss, feeds) as number;
  assert.ok(after < before / 2, `the loss went from ${before} to ${after}`);
  // why: generous (no forced GC): a leak of even 1 KB per step would pass 10 MB.
  assert.ok(grown < 16 * 2 ** 20, `heap grew by ${(grown / 2 ** 20).toFixed(1)} MB over 10⁴ steps`);
}));

test('sibling reductions of different dtypes in one loop each accumulate in their own dtype (an int32 sum beside a float32 cumulative sum)', () => {
  const g = new tf.Graph();
  g.asDefault(() => {
    const n = tf.placeholder('int32', [4, 4], 'n');
    const ints = tf.reduceSum(n, [1]);
    const floats = tf.cumsum(tf.constant([-2, -1.5, -0.53125, 1.8515625]), 0);
    const feeds = new Map([[n, new tf.NDArray(Int32Array.from([-4, -5, 0, 1, 1, 2, -1, 1, -3, -5, 5, -1, 3, 2, 4, 2]), [4, 4], 'int32')]]);
    const sess = new tf.Session();
    const [c, s] = sess.run([floats, ints], feeds) as tf.NDArray[];
    assert.equal([...c.data], [-2, -3.5, -4.03125, -2.1796875]);
    assert.equal([...s.data], [-8, 3, -4, 11]);
    assert.is(sess._planFor([floats, ints], feeds)!.data.kernels.length, 1, 'both reductions share one loop');
  });
});

test.run();
