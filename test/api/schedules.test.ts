// tf.train's global step and learning-rate schedules: TF1's values, names and errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh, throwsClass } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

const f = Math.fround;

/** The schedule's value at each step, on both executors (which must agree). */
function at(build: (step: tf.Tensor) => tf.Tensor, steps: number[]): number[] {
  return fresh(() => {
    const step = tf.placeholder('int32', [], 'step');
    const lr = build(step);
    return steps.map((s) => {
      const feeds = new Map([[step, s]]);
      const a = new tf.Session().run(lr, feeds);
      assert.is(new tf.Session({ executor: 'interpreter' }).run(lr, feeds), a, `step ${s}: compiled == interpreter`);
      return a;
    });
  });
}

test('getOrCreateGlobalStep: one non-trainable `global_step` at 0, advanced by minimize', () => fresh(() => {
  assert.is(tf.train.getGlobalStep(), null);
  const step = tf.train.getOrCreateGlobalStep();
  assert.is(step.name, 'global_step:0');
  assert.is(step.dtype, 'int64');
  assert.equal(step.shape, []);
  assert.ok(!tf.trainableVariables().includes(step) && tf.globalVariables().includes(step));
  assert.is(tf.train.getOrCreateGlobalStep(), step);
  assert.is(tf.train.getGlobalStep(), step);
  throwsClass(() => tf.train.createGlobalStep(), tf.errors.InvalidArgumentError, '"global_step" already exists.');
  const x = new tf.Variable(5, { name: 'x' });
  const lr = tf.train.exponentialDecay(0.1, step, 1, 0.5, true);
  const train = new tf.train.GradientDescentOptimizer(lr).minimize(x.square(), { globalStep: step });
  for (const executor of ['compiled', 'interpreter'] as const) {
    using sess = new tf.Session({ executor });
    sess.run(tf.globalVariablesInitializer());
    assert.is(sess.run(step), 0);
    sess.run(train);
    // the update reads the step before it is advanced: lr 0.1, then 0.05
    assert.equal(sess.run([x, step]), [f(5 - f(f(0.1) * 10)), 1]);
    sess.run(train);
    assert.equal(sess.run([x, step]), [f(4 - f(f(0.05) * 8)), 2]);
    const piecewise = tf.train.piecewiseConstant(step, [1, tf.constant(2, { dtype: 'int32' })], [0.1, 0.01, 0.001]);
    assert.is(sess.run(piecewise), f(0.01));
  }
}));

test('exponentialDecay: lr · rate^(step/decaySteps), staircase floors the exponent', () => {
  const smooth = at((s) => tf.train.exponentialDecay(0.1, s, 10, 0.5), [0, 5, 10, 15]);
  assert.equal(smooth, [f(0.1), f(f(0.1) * f(Math.pow(0.5, 0.5))), f(0.05), f(f(0.1) * f(Math.pow(0.5, 1.5)))]);
  const stairs = at((s) => tf.train.exponentialDecay(0.1, s, 10, 0.5, true), [9, 10, 19, 20]);
  assert.equal(stairs, [f(0.1), f(0.05), f(0.05), f(0.025)]);
  assert.equal(at((s) => tf.train.exponentialDecay(0.1, s, 10, 0.5, { staircase: true }), [19]), [f(0.05)]);
  fresh(() => {
    const lr = tf.train.exponentialDecay(0.1, tf.train.getOrCreateGlobalStep(), 10, 0.5);
    assert.is(lr.name, 'ExponentialDecay:0');
    assert.is(lr.dtype, 'float32');
  });
});

test('inverseTimeDecay and naturalExpDecay', () => {
  assert.equal(at((s) => tf.train.inverseTimeDecay(0.1, s, 10, 0.5), [0, 10, 20]), [f(0.1), f(f(0.1) / 1.5), f(f(0.1) / 2)]);
  assert.equal(at((s) => tf.train.inverseTimeDecay(0.1, s, 10, 0.5, true), [19]), [f(f(0.1) / 1.5)]);
  assert.equal(at((s) => tf.train.naturalExpDecay(0.1, s, 10, 0.5), [0, 20]), [f(0.1), f(f(0.1) * f(Math.exp(-1)))]);
});

test('polynomialDecay: linear by default, capped at decaySteps; power; cycle', () => {
  assert.equal(at((s) => tf.train.polynomialDecay(0.1, s, 10), [0, 10, 30]), [f(0.1), f(0.0001), f(0.0001)]);
  const sq = at((s) => tf.train.polynomialDecay(0.1, s, 10, 0.01, 2), [5, 20]);
  assertNear(sq, [0.09 * 0.25 + 0.01, 0.01]);
  // cycle: step 15 uses the horizon 20 (p = 0.75), step 0 one period
  const cyc = at((s) => tf.train.polynomialDecay(0.1, s, 10, { endLearningRate: 0.01, power: 2, cycle: true }), [0, 15, 20]);
  assertNear(cyc, [0.1, 0.09 * 0.0625 + 0.01, 0.01]);
});

function assertNear(a: number[], b: number[]): void {
  a.forEach((x, i) => assert.ok(Math.abs(x - b[i]) < 2e-8, `${x} vs ${b[i]}`));
}

test('cosineDecay: half a cosine from lr to alpha·lr over decaySteps, then flat', () => {
  const v = at((s) => tf.train.cosineDecay(0.1, s, 10, 0.2), [0, 5, 10, 20]);
  assertNear(v, [0.1, 0.1 * (0.8 * 0.5 + 0.2), 0.02, 0.02]);
  fresh(() => throwsClass(() => tf.train.cosineDecay(0.1, tf.train.getOrCreateGlobalStep(), 10, 2), tf.errors.InvalidArgumentError, 'alpha must be in [0, 1], got 2'));
});

test('piecewiseConstant: values[i] on (b[i−1], b[i]]', () => {
  const v = at((s) => tf.train.piecewiseConstant(s, [10, 20], [1, 0.5, 0.1]), [0, 10, 11, 20, 21, 1000]);
  assert.equal(v, [1, 1, f(0.5), f(0.5), f(0.1), f(0.1)]);
  fresh(() => assert.is(tf.train.piecewiseConstant(tf.constant(3, { dtype: 'int32' }), [1], [1, 2]).name, 'PiecewiseConstant:0'));
});

test('bad schedule arguments: TF1 errors', () => fresh(() => {
  const step = tf.train.getOrCreateGlobalStep();
  throwsClass(() => tf.train.exponentialDecay(0.1, null as never, 10, 0.5), tf.errors.InvalidArgumentError, 'global_step is required for exponential_decay.');
  throwsClass(() => tf.train.polynomialDecay(0.1, undefined as never, 10), tf.errors.InvalidArgumentError, 'global_step is required for polynomial_decay.');
  throwsClass(() => tf.train.exponentialDecay(0.1, step, 0, 0.5), tf.errors.InvalidArgumentError, 'decaySteps must be positive, got 0');
  throwsClass(() => tf.train.exponentialDecay(0.1, step, 10, 0.5, { stairCase: true } as never), tf.errors.InvalidArgumentError, "unknown option 'stairCase'", "did you mean 'staircase'");
  throwsClass(() => tf.train.piecewiseConstant(step, [10, 20], [1, 0.5]), tf.errors.InvalidArgumentError, 'The length of boundaries should be 1 less than the length of values');
  throwsClass(() => tf.train.piecewiseConstant(step, [10.5], [1, 0.5]), tf.errors.InvalidArgumentError, 'expected int64, got 10.5');
  throwsClass(() => tf.train.piecewiseConstant(step, [tf.constant(1.5)], [1, 0.5]), tf.errors.InvalidArgumentError, 'Boundaries (float32) must have the same dtype as x (int64).');
  throwsClass(() => tf.train.piecewiseConstant(step, [tf.constant(1, { dtype: 'int16' })], [1, 0.5]), tf.errors.InvalidArgumentError, 'Boundaries (int16) must have the same dtype as x (int64).');
  throwsClass(() => tf.train.piecewiseConstant(step, [1], [1, tf.constant(2, { dtype: 'int32' })]), tf.errors.InvalidArgumentError, 'Values must have elements all with the same dtype (float32 vs int32).');
  throwsClass(() => tf.train.exponentialDecay(tf.constant(1, { dtype: 'int32' }), step, 10, 0.5), tf.errors.InvalidArgumentError, 'the learning rate must be a float');
}));

test.run();
