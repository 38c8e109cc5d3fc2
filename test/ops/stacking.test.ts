// stack, unstack, split, tile, reverse: values as numpy gives them, compiled equals interpreter,
// gradients by finite differences, TF1's op names, bad shapes and arguments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { gradCheck, randomArray } from '../_lib/gradcheck.js';
import { fresh, runBoth, throwsClass } from '../_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;
const M = [[1, 2, 3], [4, 5, 6]];

test('stack: a new axis at 0, 1 or -1; JS values take the tensors dtype', () => fresh(() => {
  const a = tf.constant([1, 2]), b = tf.constant([3, 4]);
  assert.equal(runBoth(tf.stack([a, b])), [[1, 2], [3, 4]]);
  assert.equal(runBoth(tf.stack([a, b], 1)), [[1, 3], [2, 4]]);
  assert.equal(runBoth(tf.stack([a, b], -1)), [[1, 3], [2, 4]]);
  assert.equal(runBoth(tf.stack([tf.constant(M), tf.constant(M)], 1)), [[[1, 2, 3], [1, 2, 3]], [[4, 5, 6], [4, 5, 6]]]);
  const s = fresh(() => tf.stack([tf.constant(1, { dtype: 'int32' }), 2]));
  assert.is(s.dtype, 'int32');
  assert.is(s.op.type, 'Pack');
  assert.is(s.op.name, 'stack');
  assert.equal(s.shape, [2]);
  const p = tf.placeholder('float32', [null, 3]);
  assert.equal(tf.stack([p, tf.constant(M)], 2).shape, [2, 3, 2], 'unknown dims take the known ones');
}));

test('unstack: slices along an axis, num from the static shape', () => fresh(() => {
  const x = tf.constant(M);
  const rows = tf.unstack(x);
  assert.is(rows.length, 2);
  assert.equal(rows.map((r) => runBoth(r)), [[1, 2, 3], [4, 5, 6]]);
  const cols = tf.unstack(x, { axis: 1 });
  assert.equal(cols.map((c) => runBoth(c)), [[1, 4], [2, 5], [3, 6]]);
  assert.equal(tf.unstack(x, -1, 3).map((c) => c.shape), [[2], [2], [2]]);
  assert.equal(tf.unstack(x, 1).map((c) => runBoth(c)), [[1, 4], [2, 5], [3, 6]], 'the axis second (unstack(x, axis?))');
  assert.equal(rows.map((r) => r.name), ['unstack:0', 'unstack:1']);
}));

test('split: equal parts or sizes (with -1), along an axis', () => fresh(() => {
  const x = tf.constant([[1, 2, 3, 4, 5, 6], [7, 8, 9, 10, 11, 12]]);
  const [a, b, c] = tf.split(x, 3, 1);
  assert.equal([a, b, c].map((t) => runBoth(t)), [[[1, 2], [7, 8]], [[3, 4], [9, 10]], [[5, 6], [11, 12]]]);
  assert.is(a.op.type, 'Split');
  const [p, q] = tf.split(x, [1, -1], 1);
  assert.equal(q.shape, [2, 5]);
  assert.equal(runBoth(p), [[1], [7]]);
  assert.equal(runBoth(q), [[2, 3, 4, 5, 6], [8, 9, 10, 11, 12]]);
  assert.is(p.op.type, 'SplitV');
  const [top, bottom] = tf.split(x, 2);
  assert.equal(runBoth(bottom), [[7, 8, 9, 10, 11, 12]]);
  assert.equal(top.shape, [1, 6]);
}));

test('tile: repeats along each axis', () => fresh(() => {
  assert.equal(runBoth(tf.tile(tf.constant([[1, 2]]), [2, 2])), [[1, 2, 1, 2], [1, 2, 1, 2]]);
  assert.equal(runBoth(tf.tile(tf.constant(M), [1, 2])), [[1, 2, 3, 1, 2, 3], [4, 5, 6, 4, 5, 6]]);
  assert.equal(runBoth(tf.tile(tf.constant([1, 2], { dtype: 'int32' }), [3])), [1, 2, 1, 2, 1, 2]);
  assert.equal(runBoth(tf.tile(tf.constant(M), [0, 1])), []);
  const p = tf.placeholder('float32', [null, 3]);
  assert.equal(tf.tile(p, [2, 2]).shape, [null, 6]);
  assert.equal(runBoth(tf.tile(p, [2, 1]), new Map([[p, [[1, 2, 3]]]])), [[1, 2, 3], [1, 2, 3]]);
}));

test('reverse: along the given axes', () => fresh(() => {
  const x = tf.constant(M);
  assert.equal(runBoth(tf.reverse(x, [1])), [[3, 2, 1], [6, 5, 4]]);
  assert.equal(runBoth(tf.reverse(x, [0])), [[4, 5, 6], [1, 2, 3]]);
  assert.equal(runBoth(tf.reverse(x, [0, -1])), [[6, 5, 4], [3, 2, 1]]);
  assert.equal(runBoth(tf.reverse(x, [])), M);
  assert.is(tf.reverse(x, 0).op.type, 'ReverseV2');
}));

test('gradients: finite differences through stack, unstack, split, tile, reverse', () => {
  const cases: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['stack', (x) => tf.stack([x, tf.square(x)], 1)],
    ['unstack (one slice unused)', (x) => tf.multiply(tf.unstack(x, { axis: 1 })[2], 3)],
    ['unstack, all used', (x) => tf.addN(tf.unstack(x).map((r, i) => tf.multiply(r, i + 1)))],
    ['split', (x) => tf.split(x, 3, 1)[1]],
    ['split sizes', (x) => tf.concat(tf.split(x, [2, -1], 1).reverse(), 1)],
    ['tile', (x) => tf.tile(x, [2, 3])],
    ['reverse', (x) => tf.multiply(tf.reverse(x, [0, 1]), x)],
  ];
  for (const [name, f] of cases) {
    fresh(() => {
      const x = tf.placeholder('float64', [2, 3]);
      const err = gradCheck(f(x), [x], [randomArray([2, 3], 5)]);
      assert.ok(err < 1e-6, `${name}: ${err}`);
    });
  }
  fresh(() => {
    // tile of a value whose shape is known only at run time: the gradient's shapes are computed then
    const x = tf.placeholder('float64', [null, 2]);
    gradCheck(tf.tile(x, [2, 1]), [x], [randomArray([3, 2], 2)]);
  });
});

test('bad input: shapes, axes, counts and dtypes fail at build time naming tensors; graph unchanged', () => fresh((g) => {
  const x = tf.constant(M), v = tf.constant([1, 2]), i = tf.constant([1, 2], { dtype: 'int32' });
  const p = tf.placeholder('float32');
  const n = g.getOperations().length;
  throwsClass(() => tf.stack([x, v]), IAE, "Pack 'stack': all values must have one shape", '[2,3]', '[2]');
  throwsClass(() => tf.stack([v, i]), IAE, 'one dtype', 'int32');
  throwsClass(() => tf.stack([v, v], 2), IAE, 'axis 2 is out of range');
  throwsClass(() => tf.stack([]), IAE, 'non-empty');
  throwsClass(() => tf.unstack(x, { num: 3 }), IAE, 'axis 0 has size 2, not num = 3');
  throwsClass(() => tf.unstack(x, 2), IAE, 'axis 2 is out of range');
  throwsClass(() => tf.unstack(p), IAE, 'cannot infer num', 'pass num');
  throwsClass(() => tf.unstack(x, { axes: 1 } as tf.UnstackOptions), IAE, "unknown option 'axes' (did you mean 'axis'?)");
  throwsClass(() => tf.split(x, 4, 1), IAE, 'Dimension size must be evenly divisible by 4 but is 3');
  throwsClass(() => tf.split(x, [1, 1], 1), IAE, 'must sum to the dimension size 3');
  throwsClass(() => tf.split(x, [-1, -1], 1), IAE, 'may hold one -1');
  throwsClass(() => tf.split(x, 0), IAE, 'positive integer');
  throwsClass(() => tf.tile(x, [2]), IAE, 'has 1 entries for a tensor of rank 2');
  throwsClass(() => tf.tile(x, [2, -1]), IAE, 'must be non-negative');
  throwsClass(() => tf.reverse(x, [1, -1]), IAE, 'axis 1 specified more than once');
  throwsClass(() => tf.reverse(x, [2]), IAE, 'axis 2 is out of range');
  assert.is(g.getOperations().length, n, 'no op added');
}));

test('run-time checks where shapes are known only when fed', () => fresh(() => {
  const p = tf.placeholder('float32', [null]);
  const parts = tf.split(p, 2);
  for (const ex of [undefined, 'interpreter'] as const) {
    using sess = new tf.Session({ executor: ex });
    throwsClass(() => sess.run(parts[0], new Map([[p, [1, 2, 3]]])), IAE, 'evenly divisible by 2 but is 3');
    assert.equal((sess.run(parts[1], new Map([[p, [1, 2, 3, 4]]])) as tf.NDArray).toArray(), [3, 4]);
  }
}));

test.run();
