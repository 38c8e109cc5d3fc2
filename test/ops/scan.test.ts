// cumsum / cumprod (exclusive, reverse) and reduceProd's gradient: values as numpy/TF1 give them,
// compiled equals interpreter, finite-difference gradients, bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { gradCheck, randomArray } from '../_lib/gradcheck.js';
import { fresh, runBoth, throwsClass } from '../_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;

test('cumsum: inclusive/exclusive, forward/reverse, along any axis', () => fresh(() => {
  const v = tf.constant([1, 2, 3, 4]);
  assert.equal(runBoth(tf.cumsum(v)), [1, 3, 6, 10]);
  assert.equal(runBoth(tf.cumsum(v, 0, true)), [0, 1, 3, 6]);
  assert.equal(runBoth(tf.cumsum(v, { reverse: true })), [10, 9, 7, 4]);
  assert.equal(runBoth(tf.cumsum(v, 0, true, true)), [9, 7, 4, 0]);
  const m = tf.constant([[1, 2, 3], [4, 5, 6]]);
  assert.equal(runBoth(tf.cumsum(m, 1)), [[1, 3, 6], [4, 9, 15]]);
  assert.equal(runBoth(tf.cumsum(m, -2)), [[1, 2, 3], [5, 7, 9]]);
  assert.equal(runBoth(tf.cumsum(tf.constant([2147483647, 1], { dtype: 'int32' }))), [2147483647, -2147483648], 'int32 wraps as TF');
  const c = tf.cumsum(v, { name: 'running' });
  assert.is(c.op.type, 'Cumsum');
  assert.is(c.name, 'running:0');
}));

test('cumprod: values, exclusive and reverse', () => fresh(() => {
  const v = tf.constant([1, 2, 3, 4]);
  assert.equal(runBoth(tf.cumprod(v)), [1, 2, 6, 24]);
  assert.equal(runBoth(tf.cumprod(v, 0, true)), [1, 1, 2, 6]);
  assert.equal(runBoth(tf.cumprod(v, 0, false, true)), [24, 24, 12, 4]);
  assert.equal(runBoth(tf.cumprod(tf.constant([[1, 2], [3, 4]], { dtype: 'int32' }), 1)), [[1, 2], [3, 12]]);
}));

test('gradients: cumsum and cumprod by finite differences, every mode', () => {
  for (const exclusive of [false, true]) {
    for (const reverse of [false, true]) {
      for (const [name, f] of [['cumsum', tf.cumsum], ['cumprod', tf.cumprod]] as const) {
        fresh(() => {
          const x = tf.placeholder('float64', [2, 4]);
          const err = gradCheck(f(x, { axis: 1, exclusive, reverse }), [x], [randomArray([2, 4], 7, 0.5, 2)]);
          assert.ok(err < 1e-6, `${name} exclusive=${exclusive} reverse=${reverse}: ${err}`);
        });
      }
    }
  }
});

test('reduceProd gradient: the product of the others (zeros included), any axes', () => fresh(() => {
  const x = tf.placeholder('float32', [3]);
  const [g] = tf.gradients(tf.reduceProd(x), [x]);
  assert.equal(runBoth(g!, new Map([[x, [2, 0, 3]]])), [0, 6, 0]);
  assert.equal(runBoth(g!, new Map([[x, [2, 5, 3]]])), [15, 6, 10]);
  for (const [axes, keep] of [[undefined, false], [1, false], [[0, 2], true], [-1, true]] as const) {
    fresh(() => {
      const y = tf.placeholder('float64', [2, 3, 2]);
      gradCheck(tf.reduceProd(y, axes as number | number[] | undefined, keep), [y], [randomArray([2, 3, 2], 11, 0.5, 1.5)]);
    });
  }
}));

test('bad input: axis, dtype, options; graph unchanged', () => fresh((g) => {
  const v = tf.constant([1, 2, 3]), b = tf.constant([true]);
  const n = g.getOperations().length;
  throwsClass(() => tf.cumsum(v, 1), IAE, 'axis 1 is out of range');
  throwsClass(() => tf.cumsum(b), IAE, 'Cumsum does not support bool');
  throwsClass(() => tf.cumprod(v, { exclusve: true } as tf.ScanOptions), IAE, "unknown option 'exclusve'", 'axis, exclusive, reverse, name');
  throwsClass(() => tf.cumsum(v, 0, 'yes' as unknown as boolean), IAE, "'exclusive' must be a boolean");
  assert.is(g.getOperations().length, n);
  const axis = tf.placeholder('int32', []);
  const c = tf.cumsum(v, axis);
  throwsClass(() => runBoth(c, new Map([[axis, 3]])), IAE, 'axis 3 is out of range');
}));

test.run();
