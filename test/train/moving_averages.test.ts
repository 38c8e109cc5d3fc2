import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh, throwsClass } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

const f = Math.fround;
/** TF1's assign_moving_average in float32: avg -= (avg − value)·(1 − decay). */
const ema = (avg: number, value: number, decay: number) => f(avg - f(f(avg - value) * f(1 - f(decay))));

for (const executor of ['compiled', 'interpreter'] as const) {
  test(`EMA of variables (${executor}): shadow starts at the initial value, moves by (1 − decay)`, () => fresh((g) => {
    const w = new tf.Variable(10, { name: 'w' });
    const b = new tf.Variable([1, 2], { name: 'b' });
    const avg = new tf.train.ExponentialMovingAverage(0.9);
    const op = avg.apply([w, b]);
    assert.is(op.name, 'ExponentialMovingAverage');
    assert.is(avg.average(w)!.name, 'w/ExponentialMovingAverage:0');
    assert.is(avg.averageName(b), 'b/ExponentialMovingAverage');
    assert.ok(!tf.trainableVariables().includes(avg.average(w)!));
    for (const n of ['ExponentialMovingAverage/decay', 'ExponentialMovingAverage/AssignMovingAvg', 'ExponentialMovingAverage/AssignMovingAvg/sub',
      'ExponentialMovingAverage/AssignMovingAvg/sub_1', 'ExponentialMovingAverage/AssignMovingAvg/mul', 'ExponentialMovingAverage/AssignMovingAvg_1']) {
      assert.ok(g.getOperationByName(n), n);
    }
    using sess = new tf.Session({ executor });
    sess.run(tf.globalVariablesInitializer());
    assert.equal(sess.run([avg.average(w)!, avg.average(b)!]).map((v: unknown) => (v instanceof tf.NDArray ? v.toArray() : v)), [10, [1, 2]]);
    sess.run([tf.assign(w, 20), tf.assign(b, [3, -2])]);
    let s = 10, s1 = 1, s2 = 2;
    for (let i = 0; i < 3; i++) {
      sess.run(op);
      s = ema(s, 20, 0.9); s1 = ema(s1, 3, 0.9); s2 = ema(s2, -2, 0.9);
      assert.is(sess.run(avg.average(w)!), s);
      assert.equal(Array.from(sess.run(avg.average(b)!).data), [s1, s2]);
    }
    assert.is(sess.run(w), 20, 'the variable itself is untouched');
  }));
}

test('numUpdates: decay = min(decay, (1 + n)/(10 + n)), fast at the start', () => fresh(() => {
  const step = tf.train.getOrCreateGlobalStep();
  const w = new tf.Variable(10, { name: 'w' });
  const avg = new tf.train.ExponentialMovingAverage(0.999, step);
  const op = avg.apply([w]);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  sess.run(tf.assign(w, 20));
  sess.run(op);
  // step 0: decay = min(0.999, 1/10)
  const d0 = f(f(1) / f(10));
  assert.is(sess.run(avg.average(w)!), ema(10, 20, d0));
  sess.run(tf.assign(step, 90));
  sess.run(op);
  const d90 = f(f(91) / f(100));
  assert.is(sess.run(avg.average(w)!), ema(ema(10, 20, d0), 20, d90));
}));

test('EMA of a tensor: the shadow starts at zero; the classic batch-norm use after a train op', () => fresh(() => {
  const x = tf.placeholder('float32', [4], 'x');
  const mean = tf.reduceMean(x);
  const w = new tf.Variable(1, { name: 'w' });
  const train = new tf.train.GradientDescentOptimizer(0.5).minimize(w.mul(w));
  const avg = new tf.train.ExponentialMovingAverage(0.5, { name: 'ema' });
  const step = tf.controlDependencies([train], () => avg.apply([mean, w]));
  assert.is(avg.average(mean)!.name, 'Mean/ema:0');
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  assert.is(sess.run(avg.average(mean)!), 0);
  sess.run(step, new Map([[x, [1, 2, 3, 6]]]));
  assert.is(sess.run(avg.average(mean)!), ema(0, 3, 0.5));
  // the train op ran first: w = 1 − 0.5·2 = 0, so w's shadow moved from 1 towards 0
  assert.equal(sess.run([w, avg.average(w)!]), [0, ema(1, 0, 0.5)]);
  // applying again adds update ops but no new shadows
  const before = tf.globalVariables().length;
  avg.apply([w]);
  assert.is(tf.globalVariables().length, before);
}));

test('variablesToRestore maps shadow names to the variables, others by their own names', () => fresh(() => {
  const step = tf.train.getOrCreateGlobalStep();
  const w = new tf.Variable(1, { name: 'w' });
  const avg = new tf.train.ExponentialMovingAverage(0.9);
  avg.apply([w]);
  const r = avg.variablesToRestore();
  assert.equal(Object.keys(r).sort(), ['global_step', 'w/ExponentialMovingAverage']);
  assert.is(r['w/ExponentialMovingAverage'], w);
  assert.is(r.global_step, step);
}));

test('bad arguments: clear errors', () => fresh(() => {
  const n = new tf.Variable(1, { name: 'n', dtype: 'int32' });
  throwsClass(() => new tf.train.ExponentialMovingAverage(0.9).apply([n]), tf.errors.InvalidArgumentError, 'The variables must be half, float, or double: n:0 is int32');
  throwsClass(() => new tf.train.ExponentialMovingAverage(1.5), tf.errors.InvalidArgumentError, 'decay must be in [0, 1], got 1.5');
  throwsClass(() => new tf.train.ExponentialMovingAverage(0.9, { zeroDebias: true }), tf.errors.InvalidArgumentError, 'zeroDebias is not supported');
  throwsClass(() => new tf.train.ExponentialMovingAverage(0.9, { num_updates: 3 } as never), tf.errors.InvalidArgumentError, "unknown option 'num_updates'", "did you mean 'numUpdates'");
  throwsClass(() => new tf.train.ExponentialMovingAverage(0.9).apply([tf.placeholder('float32', [null])]), tf.errors.InvalidArgumentError, 'must be fully known');
  assert.is(tf.globalVariables().length, 1, 'no shadow made by a failed apply');
}));

test.run();
