// Dims as run-time parameters: a placeholder's unknown dims become dims of the plan (loop
// bounds, strides, buffer sizes from the fed shapes), so one compiled plan serves every batch
// size, with the interpreter's numbers bit for bit; fed dims the graph needs equal are checked
// with errors naming both tensors; what cannot take run-time dims specialises, as before.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import type { CompiledPlan, PlanCompiler, PlanInput } from '../../src/plan.js';
import { fetchDiff, floatArray, mulberry32 } from '../_lib/random_graph.js';

process.env.TFGEN_VERIFY ??= '1';

/** Sessions on `graph` (compiled with a counting JIT, and the interpreter) and the compile count. */
function sessions(graph: tf.Graph) {
  const jit = tf.Session.defaultCompiler!;
  const counter = { compiles: 0, parametric: 0 };
  const compiler: PlanCompiler = (input: PlanInput) => {
    const c = jit(input);
    counter.compiles++;
    if (c?.parametric) counter.parametric++;
    return c;
  };
  return { sc: new tf.Session({ graph, compiler }), si: new tf.Session({ graph, executor: 'interpreter' }), counter };
}

function mlp(dtype: 'float32' | 'float64' = 'float32') {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const rng = mulberry32(11);
    const init = (r: number, c: number) => tf.constant(Array.from({ length: r * c }, () => (rng() - 0.5) / 2), { shape: [r, c], dtype });
    const x = tf.placeholder(dtype, [null, 12], 'x');
    const y = tf.placeholder(dtype, [null, 4], 'y');
    const w1 = new tf.Variable(init(12, 8), { name: 'w1' }), b1 = new tf.Variable(tf.zeros([8], dtype), { name: 'b1' });
    const w2 = new tf.Variable(init(8, 4), { name: 'w2' }), b2 = new tf.Variable(tf.zeros([4], dtype), { name: 'b2' });
    const logits = tf.add(tf.matmul(tf.nn.relu(tf.add(tf.matmul(x, w1), b1)), w2), b2, 'logits');
    const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }), undefined, false, 'loss');
    const train = new tf.train.AdamOptimizer(0.01).minimize(loss);
    const batch = (n: number) => new Map<tf.Tensor, tf.NDArray>([
      [x, new tf.NDArray(floatArray(dtype, n * 12, () => rng() * 2 - 1), [n, 12], dtype)],
      [y, new tf.NDArray(oneHotRows(dtype, n, 4, rng), [n, 4], dtype)],
    ]);
    return { g, x, y, w1, logits, loss, train, batch, initOp: tf.globalVariablesInitializer() };
  });
}

/** n one-hot rows of width c (a random class per row). */
function oneHotRows(dtype: 'float32' | 'float64', n: number, c: number, rng: () => number): Float32Array | Float64Array {
  const a = dtype === 'float32' ? new Float32Array(n * c) : new Float64Array(n * c);
  for (let r = 0; r < n; r++) a[r * c + Math.floor(rng() * c)] = 1;
  return a;
}

const same = (got: unknown, expected: unknown, what: string) => {
  const pairs = Array.isArray(got) ? got.map((g, i) => [g, (expected as unknown[])[i]]) : [[got, expected]];
  for (const [g, e] of pairs) {
    const d = fetchDiff(g, e);
    if (d) assert.unreachable(`${what}: ${d}`);
  }
};

test('one plan for batch sizes 7, 64 and 100: the MLP training step compiles once and equals the interpreter', () => {
  for (const dtype of ['float32', 'float64'] as const) {
    const m = mlp(dtype);
    const { sc, si, counter } = sessions(m.g);
    using _sc = sc, _si = si;
    sc.run(m.initOp);
    si.run(m.initOp);
    const compilesAfterInit = counter.compiles;
    for (const n of [7, 64, 100, 7, 64]) {
      const feeds = m.batch(n);
      const got = sc.run([m.loss, m.logits, m.train], feeds) as unknown[];
      const expected = si.run([m.loss, m.logits, m.train], feeds) as unknown[];
      same(got[0], expected[0], `${dtype} loss at batch ${n}`);
      same(got[1], expected[1], `${dtype} logits at batch ${n}`);
      same(sc.run(m.w1), si.run(m.w1), `${dtype} w1 after the step at batch ${n}`);
    }
    assert.is(counter.compiles - compilesAfterInit, 2, 'one training plan (and one for reading w1)');
    assert.is(counter.parametric, 1, 'the training plan takes the batch as a run-time dim');
    const plan = sc._planFor([m.loss, m.logits, m.train], m.batch(33)) as CompiledPlan;
    assert.ok(plan.parametric);
    assert.equal(plan.data.dims, [{ feed: plan.data.feeds.findIndex((f) => f.name === 'x:0'), axis: 0, atLeast: 2 }]);
    assert.match(plan.source, /const D0 = dims\[0\]/);
    assert.match(plan.source, /for \(let i0 = 0; i0 < D0; i0\+\+\)|i < \(D0 - D0 % 4\)/);
    assert.is(counter.compiles - compilesAfterInit, 2, 'a 33-row batch runs the same plan');
  }
});

test('one plan for batch sizes 1, 7 and 64: the MLP\'s predict (logits) compiles once and equals the interpreter', () => {
  const m = mlp();
  const { sc, si, counter } = sessions(m.g);
  using _sc = sc, _si = si;
  sc.run(m.initOp);
  si.run(m.initOp);
  const before = counter.compiles;
  for (const n of [7, 1, 64, 1, 7]) {
    const feeds = new Map([[m.x, m.batch(n).get(m.x)!]]);
    same(sc.run(m.logits, feeds), si.run(m.logits, feeds), `logits at batch ${n}`);
  }
  assert.is(counter.compiles - before, 1, 'batch 1 runs the parametric plan too: nothing in the forward pass treats the batch as different from 1');
  const plan = sc._planFor(m.logits, new Map([[m.x, m.batch(1).get(m.x)!]]))!;
  assert.equal(plan.data.dims.map((d) => d.atLeast), [1]);
});

test('one plan for batch sizes 1, 7 and 64: argmax/argmin of the logits (an MLP classifier\'s classes) take the batch as a run-time dim', () => {
  const m = mlp();
  const { classes, lowest, firstRow } = m.g.asDefault(() => ({
    classes: tf.argmax(m.logits, 1),
    lowest: tf.argmin(m.logits, 1, undefined, undefined, 'int32'),
    firstRow: tf.argmax(m.logits, 0),   // over the batch axis itself: D0 is the loop bound
  }));
  const { sc, si, counter } = sessions(m.g);
  using _sc = sc, _si = si;
  sc.run(m.initOp);
  si.run(m.initOp);
  const before = counter.compiles;
  const fetches = [classes, lowest, firstRow];
  for (const n of [7, 1, 64, 1, 7]) {
    const feeds = new Map([[m.x, m.batch(n).get(m.x)!]]);
    const got = sc.run(fetches, feeds) as tf.NDArray[];
    same(got, si.run(fetches, feeds), `classes at batch ${n}`);
    assert.equal(got[0].shape, [n]);
    assert.is(got[0].dtype, 'int64');
    assert.is(got[1].dtype, 'int32');
  }
  assert.is(counter.compiles - before, 1, 'one plan for every batch size');
  const plan = sc._planFor(fetches, new Map([[m.x, m.batch(5).get(m.x)!]]))!;
  assert.ok(plan.parametric);
  // A row whose values tie and hold NaN: the first NaN wins, as in the reference kernel.
  const g = new tf.Graph();
  const { x, y } = g.asDefault(() => { const x = tf.placeholder('float32', [null, 4], 'x'); return { x, y: tf.argmax(x, 1) }; });
  const t = sessions(g);
  using _tc = t.sc, _ti = t.si;
  for (const rows of [[[1, 1, 0, 0], [0, NaN, 2, NaN]], [[-0, 0, -1, -0], [3, 3, 3, 3], [Infinity, NaN, Infinity, 1]]]) {
    const f = new Map([[x, new tf.NDArray(Float32Array.from(rows.flat()), [rows.length, 4], 'float32')]]);
    same(t.sc.run(y, f), t.si.run(y, f), `ties and NaN, ${rows.length} rows`);
  }
  assert.equal((t.sc.run(y, new Map([[x, new tf.NDArray(Float32Array.of(1, 1, 0, 0, 0, NaN, 2, NaN), [2, 4], 'float32')]])) as tf.NDArray).toArray(), [0, 1]);
  assert.is(t.counter.compiles, 1);
});

test('the training step\'s gradients take the batch to differ from 1: a fed 1 gets a plan of its own', () => {
  const m = mlp();
  const { sc, si, counter } = sessions(m.g);
  using _sc = sc, _si = si;
  sc.run(m.initOp);
  si.run(m.initOp);
  const before = counter.compiles;
  for (const n of [1, 7, 1, 64]) {
    const feeds = m.batch(n);
    same(sc.run([m.loss, m.train], feeds)[0], si.run([m.loss, m.train], feeds)[0], `loss at batch ${n}`);
  }
  assert.is(counter.compiles - before, 2, 'batch 1 specialised, 7 and 64 share the parametric plan');
});

test('fed dims a matmul contracts must agree: 3 against 4 is an error naming both tensors, and no state changes', () => {
  const g = new tf.Graph();
  const { a, b, v, step } = g.asDefault(() => {
    const a = tf.placeholder('float32', [2, null], 'a');
    const b = tf.placeholder('float32', [null, 5], 'b');
    const v = new tf.Variable(tf.zeros([2, 5]), { name: 'v' });
    const step = tf.assignAdd(v, tf.matmul(a, b));
    return { a, b, v, step };
  });
  using sess = new tf.Session({ graph: g });
  sess.run(v.initializer);
  const feed = (k1: number, k2: number) => new Map([
    [a, new tf.NDArray(new Float32Array(2 * k1).fill(1), [2, k1], 'float32')],
    [b, new tf.NDArray(new Float32Array(k2 * 5).fill(1), [k2, 5], 'float32')],
  ]);
  sess.run(step, feed(3, 3));
  assert.equal(sess.run(v).toArray()[0], [3, 3, 3, 3, 3]);
  sess.run(step, feed(6, 6));
  assert.equal(sess.run(v).toArray()[0], [9, 9, 9, 9, 9], 'k = 6 runs the same plan');
  assert.throws(() => sess.run(step, feed(3, 4)), (e: Error) => e instanceof tf.errors.InvalidArgumentError
    && /b:0 has dim 0 = 4 but a:0 has dim 1 = 3; MatMul 'MatMul' needs them equal/.test(e.message));
  assert.equal(sess.run(v).toArray()[0], [9, 9, 9, 9, 9], 'the failed run changed nothing');
});

test('unrelated unknown dims fed equal values share a run-time dim; fed apart later they get another plan', () => {
  const g = new tf.Graph();
  const { p, q, out } = g.asDefault(() => {
    const p = tf.placeholder('float32', [null], 'p');
    const q = tf.placeholder('float32', [null], 'q');
    return { p, q, out: [tf.reduceSum(tf.square(p)), tf.reduceMax(q)] };
  });
  const { sc, si, counter } = sessions(g);
  using _sc = sc, _si = si;
  const feeds = (np: number, nq: number) => new Map([[p, new tf.NDArray(Float32Array.from({ length: np }, (_, i) => i - 1.5), [np], 'float32')],
    [q, new tf.NDArray(Float32Array.from({ length: nq }, (_, i) => 2 - i), [nq], 'float32')]]);
  for (const [np, nq] of [[3, 3], [5, 5], [4, 6], [6, 4], [8, 8]]) {
    const f = feeds(np, nq);
    same(sc.run(out, f), si.run(out, f), `p ${np}, q ${nq}`);
  }
  assert.is(counter.compiles, 2, 'one plan for equal sizes, one for p and q apart');
});

test('what cannot take run-time dims specialises on the fed shapes, as before (a pad of the batch)', () => {
  const g = new tf.Graph();
  const { x, y } = g.asDefault(() => {
    const x = tf.placeholder('float32', [null, 3], 'x');
    return { x, y: tf.pad(tf.transpose(tf.multiply(x, 2)), [[0, 0], [1, 1]]) };
  });
  const { sc, si, counter } = sessions(g);
  using _sc = sc, _si = si;
  for (const n of [2, 4, 2]) {
    const f = new Map([[x, new tf.NDArray(Float32Array.from({ length: n * 3 }, (_, i) => i), [n, 3], 'float32')]]);
    same(sc.run(y, f), si.run(y, f), `batch ${n}`);
    assert.not.ok(sc._planFor(y, f)!.parametric);
  }
  assert.is(counter.compiles, 2, 'one concrete plan per fed shape');
});

test.run();
