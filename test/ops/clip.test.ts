// clipByValue, clipByNorm, globalNorm, clipByGlobalNorm and addN: hand-computed values, TF1's op
// names, gradients (finite differences and the zero-norm case), bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { assertClose, gradCheck, randomArray } from '../_lib/gradcheck.js';
import { fresh, runBoth, throwsClass } from '../_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;

test('clipByValue: values, broadcast bounds, gradient 1 inside and 0 outside', () => fresh(() => {
  const x = tf.placeholder('float32', [3]);
  const feeds = new Map([[x, [-2, 0.5, 3]]]);
  const c = tf.clipByValue(x, 0, 1);
  assert.equal(runBoth(c, feeds), [0, 0.5, 1]);
  assert.is(c.op.name, 'clip_by_value');
  assert.is(c.op.type, 'Maximum');
  assert.equal(runBoth(tf.gradients(tf.reduceSum(c), [x])[0]!, feeds), [0, 1, 0]);
  assert.equal(runBoth(tf.clipByValue(tf.constant([[1, 5], [7, -3]]), tf.constant([0, 6]), 6)), [[1, 6], [6, 6]]);
  assert.is(tf.clipByValue(x, 0, 1, { name: 'clipped' }).op.name, 'clipped');
}));

test('clipByNorm: scaled only when the norm exceeds clipNorm; per-axis norms; a zero tensor stays finite', () => fresh(() => {
  assert.equal(runBoth(tf.clipByNorm(tf.constant([3, 4]), 2.5)), [1.5, 2]);
  assert.equal(runBoth(tf.clipByNorm(tf.constant([3, 4]), 10)), [3, 4]);
  assertClose(runBoth(tf.clipByNorm(tf.constant([[3, 4], [0.6, 0.8]], { dtype: 'float64' }), 1, [1])), [[0.6, 0.8], [0.6, 0.8]], 1e-15);
  const z = tf.placeholder('float32', [2]);
  const c = tf.clipByNorm(z, 1);
  const zeros = new Map([[z, [0, 0]]]);
  assert.equal(runBoth(c, zeros), [0, 0]);
  assert.equal(runBoth(tf.gradients(tf.reduceSum(c), [z])[0]!, zeros), [1, 1], 'finite at a zero norm');
  assert.match(c.op.name, /^clip_by_norm(_\d+)?$/);
  fresh(() => {
    const x = tf.placeholder('float64', [2, 3]);
    gradCheck(tf.clipByNorm(x, 0.5), [x], [randomArray([2, 3], 4)]);
    gradCheck(tf.clipByNorm(x, 0.8, { axes: 1 }), [x], [randomArray([2, 3], 5)]);
  });
}));

test('globalNorm and clipByGlobalNorm: one scale for all tensors, null entries kept, NaN for an infinite norm', () => fresh(() => {
  const a = tf.constant([3, 4]), b = tf.constant([12]);
  assert.equal(runBoth(tf.globalNorm([a, null, b])), 13);
  const [clipped, norm] = tf.clipByGlobalNorm([a, null, b], 6.5);
  assert.equal(runBoth(norm), 13);
  assert.is(clipped[1], null);
  assert.equal(runBoth(clipped[0]!), [1.5, 2]);
  assert.equal(runBoth(clipped[2]!), [6]);
  assert.equal(clipped.map((c) => c?.op.name ?? null), ['clip_by_global_norm/clip_by_global_norm/_0', null, 'clip_by_global_norm/clip_by_global_norm/_1']);
  const [same] = tf.clipByGlobalNorm([a], 100);
  assert.equal(runBoth(same[0]!), [3, 4], 'below the clip norm nothing changes');
  const [given] = tf.clipByGlobalNorm([a], 1, { useNorm: tf.constant(2) });
  assert.equal(runBoth(given[0]!), [1.5, 2], 'useNorm replaces the computed norm');
  const [inf] = tf.clipByGlobalNorm([tf.constant([Infinity, 1])], 1);
  assert.equal(runBoth(inf[0]!), [NaN, NaN]);
  fresh(() => {
    const x = tf.placeholder('float64', [2, 3]), y = tf.placeholder('float64', [4]);
    const [[cx, cy]] = tf.clipByGlobalNorm([x, y], 0.7);
    gradCheck(tf.add(tf.reduceSum(cx!), tf.reduceSum(tf.square(cy!))), [x, y], [randomArray([2, 3], 8), randomArray([4], 9)]);
  });
}));

test('addN: sums same-shaped tensors, gradient to each', () => fresh(() => {
  const x = tf.placeholder('float64', [2]);
  const s = tf.addN([x, tf.square(x), tf.constant([1, 1], { dtype: 'float64' })]);
  assert.equal(runBoth(s, new Map([[x, [2, 3]]])), [7, 13]);
  assert.is(s.op.type, 'AddN');
  gradCheck(s, [x], [randomArray([2], 3)]);
}));

test('bad input: shapes, dtypes, options; graph unchanged', () => fresh((g) => {
  const x = tf.constant([1, 2, 3]), m = tf.constant([[1, 2, 3]]), i = tf.constant([1, 2], { dtype: 'int32' });
  const pair = tf.constant([0, 0]), x64 = tf.cast(x, 'float64');
  const n = g.getOperations().length;
  throwsClass(() => tf.clipByValue(x, pair, 1), IAE, 'tf.clipByValue: the bound', 'must broadcast to');
  throwsClass(() => tf.clipByValue(x, m, 5), IAE, 'without changing its shape');
  throwsClass(() => tf.clipByValue(x, i, 1), IAE, 'requested dtype float32');
  throwsClass(() => tf.clipByNorm(i, 1), IAE, 'must be float32 or float64, not int32');
  throwsClass(() => tf.clipByNorm(x, pair), IAE, 'clipNorm', 'must be a scalar');
  throwsClass(() => tf.clipByNorm(x, 1, { axis: 0 } as tf.ClipByNormOptions), IAE, "unknown option 'axis' (did you mean 'axes'?)");
  throwsClass(() => tf.clipByGlobalNorm([x, i], 1), IAE, 'must be float32 or float64, not int32');
  throwsClass(() => tf.globalNorm([null]), IAE, 'holds no tensor');
  throwsClass(() => tf.addN([x, m]), IAE, "AddN 'AddN': all inputs must have one shape", 'does not broadcast');
  throwsClass(() => tf.addN([]), IAE, 'non-empty array');
  throwsClass(() => tf.addN([x, x64]), IAE, 'one dtype');
  assert.is(g.getOperations().length, n, 'no op added');
}));

test.run();
