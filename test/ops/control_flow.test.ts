// tf.cond and tf.whileLoop: hand-computed values on both executors, finite-difference gradients
// through a cond and through a loop with a known trip count, and bad input (each error clear,
// the graph left as it was).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { gradCheck, randomArray } from '../_lib/gradcheck.js';
import { fresh, plain, run, throwsClass } from '../_lib/op_cases.js';
import { compiledEqualsInterpreter } from '../_lib/compiled.js';

const IAE = tf.errors.InvalidArgumentError;
const int = (v: number) => tf.constant(v, { dtype: 'int32' });
const feeds = (...pairs: [tf.Tensor, unknown][]) => new Map<tf.Tensor, unknown>(pairs) as tf.FeedDict;

/** Fetches on both executors; asserts they agree and returns the plain values. */
function both(t: tf.Tensor | tf.Tensor[], f?: tf.FeedDict): unknown {
  const get = (v: tf.FetchValue | tf.FetchValue[]) => (Array.isArray(v) ? v.map(plain) : plain(v));
  const c = get(run(t, f));
  assert.equal(get(run(t, f, 'interpreter')), c, 'compiled equals interpreter');
  return c;
}

test('cond on a fed bool runs the taken branch', () => fresh(() => {
  const x = tf.placeholder(tf.float32, []);
  const p = tf.placeholder(tf.bool, []);
  const y = tf.cond(p, () => x.mul(x), () => x.add(3));
  assert.is(y.name, 'cond:0');
  assert.is(y.dtype, 'float32');
  assert.equal(both(y, feeds([x, 3], [p, true])), 9);
  assert.equal(both(y, feeds([x, 3], [p, false])), 6);
}));

test('cond returns the branches\' structure; outer tensors and variables are read inside', () => fresh(() => {
  const p = tf.placeholder(tf.bool, []);
  const v = new tf.Variable([1, 2], { name: 'v' });
  const k = tf.constant(10);
  const r = tf.cond(p, () => ({ a: v.mul(k), b: [k, 1] }), () => ({ a: v.add(k), b: [k.neg(), 2] }));
  using sess = new tf.Session();
  sess.run(v.initializer);
  assert.equal((sess.run([r.a, r.b[0], r.b[1]], feeds([p, true])) as tf.FetchValue[]).map(plain), [[10, 20], 10, 1]);
  assert.equal((sess.run([r.a, r.b[0], r.b[1]], feeds([p, false])) as tf.FetchValue[]).map(plain), [[11, 12], -10, 2]);
}));

test('cond options: a one-element array is unpacked unless strict (TF1), a name, unknown keys refused', () => fresh((g) => {
  const p = tf.placeholder(tf.bool, []);
  const x = tf.constant(2);
  const single = tf.cond(p, () => [x.mul(3)], () => [x]);
  assert.instance(single, tf.Tensor);
  const strict = tf.cond(p, () => [x.mul(3)], () => [x], { strict: true, name: 'pick' });
  assert.ok(Array.isArray(strict));
  assert.is(strict[0].name, 'pick:0');
  assert.equal(both(single as unknown as tf.Tensor, feeds([p, true])), 6);
  const before = g.opCount;
  throwsClass(() => tf.cond(p, () => x, () => x, { stric: true } as never), IAE, "unknown option 'stric'", 'strict, name');
  assert.is(g.opCount, before);
}));

test('only the taken branch runs: a bad gather in the other branch does not fail the run', () => fresh(() => {
  const p = tf.placeholder(tf.bool, []);
  const i = tf.placeholder(tf.int32, []);
  const table = tf.constant([1, 2, 3]);
  const y = tf.cond(p, () => tf.gather(table, i), () => tf.constant(0));
  assert.equal(both(y, feeds([p, false], [i, 7])), 0);
  throwsClass(() => run(y, feeds([p, true], [i, 7])), IAE, 'indices');
  throwsClass(() => run(y, feeds([p, true], [i, 7]), 'interpreter'), IAE, 'indices');
}));

test('run-time errors inside a body name the op on both executors; an uninitialised variable read in a branch fails before anything runs', () => fresh(() => {
  const idx = tf.placeholder(tf.int32, []);
  const table = tf.constant([1, 2, 3]);
  const [, got] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 2), (i: tf.Tensor, s: tf.Tensor) => [i.add(1), s.add(tf.gather(table, idx.add(i)))], [int(0), tf.constant(0)]) as tf.Tensor[];
  assert.equal(both(got, feeds([idx, 1])), 5);
  for (const executor of [undefined, 'interpreter'] as const) {
    const e = throwsClass(() => run(got, feeds([idx, 2]), executor), IAE, 'indices', 'is not in [0, 3)');
    assert.match(e.op?.name ?? '', /GatherV2/, `${executor ?? 'compiled'}: names the gather`);
  }
  const v = new tf.Variable(3, { name: 'late' });
  const p = tf.placeholder(tf.bool, []);
  const y = tf.cond(p, () => v.mul(2), () => tf.constant(0));
  for (const executor of [undefined, 'interpreter'] as const) {
    throwsClass(() => run(y, feeds([p, true]), executor), tf.errors.FailedPreconditionError, 'Attempting to use uninitialized value late');
  }
}));

test('whileLoop: Fibonacci and a power loop (hand-computed)', () => fresh(() => {
  const [n, a, b] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 10), (i: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => [i.add(1), b, a.add(b)],
    [int(0), int(0), int(1)]) as tf.Tensor[];
  assert.equal(both([n, a, b]), [10, 55, 89]);
  const x = tf.placeholder(tf.float32, [2]);
  const e = tf.placeholder(tf.int32, []);
  const [, p] = tf.whileLoop((i: tf.Tensor) => tf.less(i, e), (i: tf.Tensor, acc: tf.Tensor) => [i.add(1), acc.mul(x)], [int(0), tf.ones([2])]) as tf.Tensor[];
  assert.equal(both(p, feeds([x, [2, -3]], [e, 5])), [32, -243]);
  assert.equal(both(p, feeds([x, [2, -3]], [e, 0])), [1, 1], 'zero trips: the initial values');
}));

test('whileLoop: a single loop variable comes back unwrapped (TF1), maximumIterations stops it', () => fresh(() => {
  const r = tf.whileLoop((i: tf.Tensor) => tf.less(i, 100), (i: tf.Tensor) => i.mul(2), [int(1)]);
  assert.instance(r, tf.Tensor);
  assert.equal(both(r as tf.Tensor), 128);
  const m = tf.whileLoop(() => tf.constant(true), (i: tf.Tensor) => i.add(1), [int(0)], { maximumIterations: 7 });
  assert.equal(both(m as tf.Tensor), 7);
  const same = tf.whileLoop((i: tf.Tensor) => tf.less(i, 3), (i: tf.Tensor) => [i.add(1)], [int(0)], { returnSameStructure: true });
  assert.ok(Array.isArray(same));
  const x = tf.placeholder(tf.float32, []);
  const opts = { backProp: false, parallelIterations: 1, swapMemory: false };
  const [, frozen] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 2), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), v.mul(x)], [int(0), x], opts) as tf.Tensor[];
  assert.equal(both(frozen, feeds([x, 3])), 27);
  assert.equal(tf.gradients(frozen, x), [null], 'backProp: false stops gradients');
}));

test('a cond nested in a while loop (Collatz steps of 27)', () => fresh(() => {
  const [, steps] = tf.whileLoop((n: tf.Tensor) => tf.greater(n, 1), (n: tf.Tensor, s: tf.Tensor) => [
    tf.cond(tf.equal(tf.mod(n, 2), 0), () => tf.floorDiv(n, 2), () => n.mul(3).add(1)), s.add(1)], [int(27), int(0)]) as tf.Tensor[];
  assert.equal(both(steps), 111);
}));

test('gradients through cond (both branches) match finite differences', () => fresh(() => {
  const x = tf.placeholder(tf.float64, [3]);
  const w = tf.placeholder(tf.float64, [3]);
  const p = tf.placeholder(tf.bool, []);
  const y = tf.cond(p, () => tf.sin(x).mul(w), () => tf.exp(w).mul(x).mul(x));
  for (const taken of [true, false]) {
    const err = gradCheck(y, [x, w], [randomArray([3], 1), randomArray([3], 2)], { feeds: new Map([[p, taken]]) });
    assert.ok(err < 1e-6, `branch ${taken}: ${err}`);
  }
  const [dx] = tf.gradients(y, x);
  assert.equal(both(dx!, feeds([x, [1, 2, 3]], [w, [0, 0, 0]], [p, false])), [2, 4, 6], 'd(x²·e⁰)/dx = 2x');
}));

test('gradients through a while loop with a run-time trip count match finite differences', () => fresh(() => {
  const x = tf.placeholder(tf.float64, [2]);
  const c = tf.placeholder(tf.float64, [2]);
  const n = tf.placeholder(tf.int32, []);
  const [, y] = tf.whileLoop((i: tf.Tensor) => tf.less(i, n), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), tf.sin(v).mul(c).add(v)], [int(0), x]) as tf.Tensor[];
  for (const trips of [0, 1, 4]) {
    const err = gradCheck(y, [x, c], [randomArray([2], 3), randomArray([2], 4)], { feeds: new Map([[n, trips]]) });
    assert.ok(err < 1e-6, `${trips} trips: ${err}`);
  }
  const z = tf.placeholder(tf.float32, [2]);
  const [, pw] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 3), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), v.mul(z)], [int(0), tf.ones([2])]) as tf.Tensor[];
  assert.equal(both(tf.gradients(pw, z)[0]!, feeds([z, [2, 3]])), [12, 27], 'd(z³)/dz = 3z²');
}));

test('second derivatives through cond and through a while loop (hand-computed)', () => fresh(() => {
  const x = tf.placeholder(tf.float32, []);
  const p = tf.placeholder(tf.bool, []);
  const y = tf.cond(p, () => x.mul(x).mul(x), () => x.mul(x));
  const [d1] = tf.gradients(y, x);
  const [d2] = tf.gradients(d1!, x);
  assert.equal(both([d1!, d2!], feeds([x, 2], [p, true])), [12, 12], '3x², 6x');
  assert.equal(both([d1!, d2!], feeds([x, 2], [p, false])), [4, 2], '2x, 2');
  const [, cube] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 3), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), v.mul(x)], [int(0), tf.constant(1)]) as tf.Tensor[];
  const [c1] = tf.gradients(cube, x);
  const [c2] = tf.gradients(c1!, x);
  assert.equal(both([cube, c1!, c2!], feeds([x, 2])), [8, 12, 12], 'x³, 3x², 6x');
}));

test('bad input: non-bool or non-scalar pred, a JS boolean, mismatched branches', () => fresh((g) => {
  const x = tf.constant([1, 2]);
  const before = g.opCount;
  throwsClass(() => tf.cond(x.sum() as never, () => x, () => x), IAE, 'must be a bool tensor', 'float32');
  throwsClass(() => tf.cond(tf.greater(x, 1), () => x, () => x), IAE, 'must be a scalar', '(2,)');
  throwsClass(() => tf.cond(true as never, () => x, () => x), IAE, 'not the JS boolean');
  const p = tf.placeholder(tf.bool, []);
  const mid = g.opCount;
  throwsClass(() => tf.cond(p, () => x, () => tf.cast(x, 'int32')), IAE, 'dtypes (float32, int32) must match', 'cond/Cast:0');
  throwsClass(() => tf.cond(p, () => x, () => tf.constant([1, 2, 3])), IAE, 'shape (2,)', 'shape (3,)');
  throwsClass(() => tf.cond(p, () => [x, x], (() => x) as never), IAE, 'same structure', '[_, _]');
  assert.is(g.opCount, mid, 'failed conds leave no ops');
  assert.ok(mid > before);
}));

test('bad input: a body changing a shape, returning the wrong count or dtype, a bad cond', () => fresh((g) => {
  const zero = tf.constant(0, { dtype: 'int32' }), one = tf.constant([1]), scalar = tf.constant(1);
  const before = g.opCount;
  throwsClass(() => tf.whileLoop((i: tf.Tensor) => tf.less(i, 3), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), tf.concat([v, v], 0)], [zero, one]),
    IAE, "enters the loop with shape (1,), but has shape (2,) after one iteration", 'shapeInvariants');
  throwsClass(() => tf.whileLoop((i: tf.Tensor) => tf.less(i, 3), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), v, v], [zero, scalar]),
    IAE, 'body returned 3 values for 2 loop variables');
  throwsClass(() => tf.whileLoop((i: tf.Tensor) => tf.less(i, 3), (i: tf.Tensor) => tf.cast(i, 'float32'), [zero]), IAE, 'enters the loop as int32');
  throwsClass(() => tf.whileLoop((i: tf.Tensor) => i, (i: tf.Tensor) => i, [zero]), IAE, 'cond must return a scalar bool tensor');
  throwsClass(() => tf.whileLoop((i: tf.Tensor) => tf.less(i, 3), (i: tf.Tensor) => i, [zero], { maxIterations: 3 } as never), IAE, "unknown option 'maxIterations'", 'maximumIterations');
  assert.is(g.opCount, before, 'failed loops leave no ops');
  // With a shape invariant the shape may grow.
  const [, v] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 3), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), tf.concat([v, v], 0)], [int(0), tf.constant([1])],
    { shapeInvariants: [undefined, [null]] }) as tf.Tensor[];
  assert.equal(v.shape, [null]);
  assert.equal(both(v), [1, 1, 1, 1, 1, 1, 1, 1]);
}));

test('assignments inside cond branches: only the taken branch assigns (TF1), a read after it sees the new value', () => fresh(() => {
  const v = new tf.Variable(1, { name: 'v' });
  const p = tf.placeholder(tf.bool, []);
  const r = tf.cond(p, () => { const a = tf.assignAdd(v, 10); return [a, v.mul(2)]; }, () => [tf.assign(v, -1), tf.constant(0)], { strict: true });
  for (const executor of [undefined, 'interpreter'] as const) {
    using sess = new tf.Session(executor ? { executor } : {});
    sess.run(v.initializer);
    assert.equal(sess.run(r, feeds([p, true])), [11, 2], `${executor ?? 'compiled'}: the value assigned; v read in the branch as the run found it`);
    assert.is(sess.run(v), 11);
    assert.equal(sess.run(r, feeds([p, false])), [-1, 0]);
    assert.is(sess.run(v), -1);
  }
}));

test('not supported inside branches: assignments in loops, new variables, random ops, gradients through an assignment (clear errors)', () => fresh((g) => {
  const v = new tf.Variable(1, { name: 'v' });
  const p = tf.placeholder(tf.bool, []);
  const zero = tf.constant(0, { dtype: 'int32' });
  const before = g.opCount;
  throwsClass(() => tf.whileLoop((i: tf.Tensor) => tf.less(i, 2), (i: tf.Tensor) => { tf.assign(v, 2); return i.add(1); }, [zero]), IAE, "writes variable 'v'", 'not supported');
  throwsClass(() => tf.cond(p, () => tf.randomUniform([]), () => tf.constant(0)), IAE, 'RandomUniform', 'not supported');
  throwsClass(() => tf.cond(p, () => new tf.Variable(3, { name: 'inner' }).value(), () => tf.constant(0)), IAE, 'VariableV2', 'not supported');
  assert.is(g.opCount, before);
  const x = tf.placeholder(tf.float32, []);
  const y = tf.cond(p, () => tf.assign(v, x), () => x.mul(2));
  throwsClass(() => tf.gradients(y, x), IAE, 'assigns a variable', 'Assign');
}));

test('compiled plans hold an if and a while around the compiled bodies (no reference kernel), bit for bit', () => fresh(() => {
  const x = tf.placeholder(tf.float32, [3]);
  const p = tf.placeholder(tf.bool, []);
  const y = tf.cond(p, () => tf.tanh(x).mul(3), () => tf.reduceSum(x).add(x));
  const [, z] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 4), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), tf.sin(v).mul(y).add(0.5)], [int(0), x]) as tf.Tensor[];
  const [dx] = tf.gradients(z, x);
  const f = feeds([x, [0.1, -0.7, 2.3]], [p, true]);
  compiledEqualsInterpreter([y, z, dx!], f as Map<tf.Tensor, unknown>);
  compiledEqualsInterpreter([y, z, dx!], feeds([x, [0.1, -0.7, 2.3]], [p, false]) as Map<tf.Tensor, unknown>);
  using sess = new tf.Session();
  const plan = sess._planFor([z], f)!;
  assert.match(plan.source, /\n {2}if \(f\d\[0\]\) cf\d+ = sub0\(/, 'the cond is an if');
  assert.match(plan.source, /\n {2}while \(cf\d+n < cf\d+max && sub\d\(/, 'the loop is a while');
  assert.match(plan.source, /Math\.sin/, 'the body is compiled code');
  assert.ok(sess._planFor([dx!], f)!.source.match(/while \(/g)!.length >= 2, 'the gradient is a loop over a recomputing loop');
}));

test('an unknown placeholder dim: the plan with a cond and a loop compiles for each fed shape', () => fresh(() => {
  const x = tf.placeholder(tf.float32, [null]);
  const p = tf.placeholder(tf.bool, []);
  const y = tf.cond(p, () => x.mul(2), () => x.neg());
  const [, z] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 2), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), v.add(y)], [int(0), x]) as tf.Tensor[];
  using sess = new tf.Session();
  for (const [xs, taken, want] of [[[1, 2], true, [5, 10]], [[1, 2, 3], true, [5, 10, 15]], [[4], false, [-4]]] as [number[], boolean, number[]][]) {
    assert.equal(both(z, feeds([x, xs], [p, taken])), want);
    assert.ok(sess._planFor([z], feeds([x, xs], [p, taken])), `compiled for [${xs.length}]`);
  }
}));

test('a cond reading a variable, a trainable loop: the compiled step trains as the interpreter does', () => fresh(() => {
  const w = new tf.Variable([0.5, -0.25], { name: 'w', dtype: 'float64' });
  const x = tf.placeholder(tf.float64, [2]);
  const [, y] = tf.whileLoop((i: tf.Tensor) => tf.less(i, 3), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), tf.tanh(v.mul(w))], [int(0), x]) as tf.Tensor[];
  const loss = tf.cond(tf.greater(tf.reduceSum(y), 0), () => tf.reduceSum(tf.square(y)), () => tf.reduceSum(y).neg());
  const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
  const results = (['compiled', 'interpreter'] as const).map((executor) => {
    using sess = new tf.Session(executor === 'interpreter' ? { executor } : {});
    sess.run(w.initializer);
    const losses: number[] = [];
    for (let k = 0; k < 5; k++) losses.push((sess.run([loss, train], feeds([x, [1, 2]])) as [number, null])[0]);
    return [...losses, ...(sess.run(w) as tf.NDArray).data];
  });
  assert.equal(results[0], results[1]);
  assert.ok(results[0][4] < results[0][0], `the loss falls: ${results[0].slice(0, 5)}`);
}));

test.run();
