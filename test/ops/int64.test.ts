// int64: exact to ±(2^53 - 1) (float64 storage), a clear error beyond, on both executors; the
// default output of argmax/argmin as in TF1.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { decodeSafetensors, encodeSafetensors } from '../../src/train/safetensors.js';
import { compiledEqualsInterpreter } from '../_lib/compiled.js';
import { feed, fresh, plain, run, runBoth, throwsClass } from '../_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;
const LIMIT = 2 ** 53 - 1;
const EXECUTORS = [undefined, 'interpreter'] as const;

const both = runBoth;

test('tf.int64 and argmax/argmin: int64 indices by default, int32 on request', () => fresh(() => {
  assert.is(tf.int64, 'int64');
  const x = tf.constant([[1, 9, 3], [7, 2, 0]]);
  const am = tf.argmax(x, 1);
  assert.is(am.dtype, 'int64');
  assert.equal(both(am), [1, 0]);
  const an = tf.argmin(x, 1);
  assert.is(an.dtype, 'int64');
  assert.is(an.op.type, 'ArgMin');
  assert.equal(both(an), [0, 2]);
  assert.equal(both(tf.argmin(x, 0, { outputType: 'int32' })), [0, 1, 1]);
  assert.equal(both(tf.argmin(tf.constant([[1, NaN, 0]]), 1)), [1], 'NaN counts as the extreme');
  const labels = tf.constant([[0, 1, 0], [0, 0, 1]]);
  const correct = tf.equal(am, tf.argmax(labels, 1));
  assert.equal(both(tf.reduceMean(tf.cast(correct, 'float32'))), 0.5);
  // int64 indices index as int32 ones do
  assert.equal(both(tf.gather(tf.constant([10, 20, 30]), am)), [20, 10]);
  assert.equal(both(tf.oneHot(am, 3)), [[0, 1, 0], [1, 0, 0]]);
}));

test('int64 arithmetic is exact past 2^31 and up to 2^53 - 1, on both executors', () => fresh(() => {
  const feeds = new Map<tf.Tensor, unknown>();
  const a = feed(feeds, 'int64', [3], [3_000_000_000, -5, LIMIT - 1]);
  const b = tf.constant([3, 2, 1], { dtype: 'int64' });
  assert.equal(both(tf.multiply(a, b), feeds as tf.FeedDict), [9_000_000_000, -10, LIMIT - 1]);
  assert.equal(both(tf.add(a, b), feeds as tf.FeedDict), [3_000_000_003, -3, LIMIT]);
  assert.equal(both(tf.reduceSum(tf.slice(a, [0], [2])), feeds as tf.FeedDict), 2_999_999_995);
  assert.equal(both(tf.reduceSum(tf.constant([2 ** 52, 2 ** 52 - 1], { dtype: 'int64' }))), LIMIT);
  assert.equal(both(tf.square(tf.constant([100_000, -3], { dtype: 'int64' }))), [10_000_000_000, 9]);
  assert.equal(both(tf.divide(tf.constant([7], { dtype: 'int64' }), tf.constant([2], { dtype: 'int64' }))), [3.5], 'truediv of int64 gives float64');
  assert.is(tf.divide(tf.constant([7], { dtype: 'int64' }), tf.constant([2], { dtype: 'int64' })).dtype, 'float64');
  assert.equal(both(tf.cast(tf.constant([2.9, -2.9, NaN, 1e15 + 0.5], { dtype: 'float64' }), 'int64')), [2, -2, 0, 1e15]);
  assert.equal(both(tf.cast(tf.constant([LIMIT], { dtype: 'int64' }), 'float64')), [LIMIT]);
}));

test('casts of fed int32, int16, uint8 and bool to int64 keep every value, compiled as in the interpreter', () => fresh(() => {
  const feeds = new Map<tf.Tensor, unknown>();
  const i32 = feed(feeds, 'int32', [4], [2147483647, -2147483648, 0, -1]);
  const i16 = feed(feeds, 'int16', [2], [-32768, 32767]);
  const u8 = feed(feeds, 'uint8', [2], [255, 0]);
  const b = feed(feeds, 'bool', [2], [true, false]);
  const fetches = [i32, i16, u8, b].map((t) => tf.add(tf.cast(t, 'int64'), tf.constant(3_000_000_000, { dtype: 'int64' })));
  const got = compiledEqualsInterpreter(fetches, feeds).map((a) => Array.from(a.data));
  assert.equal(got, [[5147483647, 852516352, 3e9, 2999999999], [2999967232, 3000032767], [3000000255, 3e9], [3000000001, 3e9]]);
}));

test('int64 beyond ±(2^53 - 1): conversions and results fail clearly, never round', () => fresh(() => {
  throwsClass(() => tf.constant([2 ** 53], { dtype: 'int64' }), IAE, 'int64 value 9007199254740992 is outside ±(2^53 - 1)', 'use float64');
  const p = tf.placeholder('int64', [1], 'big');
  throwsClass(() => run(tf.identity(p), new Map([[p, [2 ** 60]]])), IAE, 'outside ±(2^53 - 1)');
  for (const ex of EXECUTORS) {
    const x = tf.constant([LIMIT], { dtype: 'int64' });
    throwsClass(() => run(tf.add(x, x), undefined, ex), IAE, `int64 value ${2 * LIMIT} is outside`);
    throwsClass(() => run(tf.multiply(x, tf.constant([3], { dtype: 'int64' })), undefined, ex), IAE, 'is outside ±(2^53 - 1)');
    throwsClass(() => run(tf.reduceSum(tf.constant([LIMIT, 1], { dtype: 'int64' })), undefined, ex), IAE, 'is outside ±(2^53 - 1)');
    throwsClass(() => run(tf.cast(tf.constant([1e300], { dtype: 'float64' }), 'int64'), undefined, ex), IAE, 'int64 value 1e+300 is outside');
  }
}));

test('int64 values: BigInt64Array feeds and constants, numpy-like printing, safetensors I64', () => fresh(() => {
  const p = tf.placeholder('int64', [null, 2]);
  const v = run(tf.identity(p), new Map([[p, BigInt64Array.of(1n, -2n, 3n, 9007199254740991n)]])) as tf.NDArray;
  assert.equal(v.shape, [2, 2]);
  assert.equal(v.toArray(), [[1, -2], [3, LIMIT]]);
  assert.is(v.toString(), 'array([[               1,               -2],\n       [               3, 9007199254740991]])');
  throwsClass(() => run(tf.identity(p), new Map([[p, BigInt64Array.of(1n, 2n ** 62n)]])), IAE, 'outside ±(2^53 - 1)');
  assert.equal(plain(run(tf.constant(BigInt64Array.of(5n, -6n)))), [5, -6]);
  assert.is(tf.constant(BigInt64Array.of(5n)).dtype, 'int64');
  // an int32 array converts as numpy.asarray(value, int64) does
  assert.equal(plain(run(tf.identity(p), new Map([[p, Int32Array.of(1, -2, 3, 2 ** 31 - 1)]]))), [[1, -2], [3, 2 ** 31 - 1]]);
  const arr = new tf.NDArray(Float64Array.of(-LIMIT, 0, 12345678901234), [3], 'int64');
  const back = decodeSafetensors(encodeSafetensors(new Map([['w', arr]]))).tensors.get('w')!;
  assert.is(back.dtype, 'int64');
  assert.equal(Array.from(back.data), [-LIMIT, 0, 12345678901234]);
}));

test('int64 in the ops that take any numeric dtype; not where a float is needed', () => fresh(() => {
  const x = tf.constant([[4, -1], [2, 8]], { dtype: 'int64' });
  assert.equal(both(tf.reduceMax(x, 1)), [4, 8]);
  assert.equal(both(tf.abs(x)), [[4, 1], [2, 8]]);
  assert.equal(both(tf.maximum(x, tf.constant(0, { dtype: 'int64' }))), [[4, 0], [2, 8]]);
  throwsClass(() => tf.sqrt(x), IAE, 'Sqrt does not support int64');
  throwsClass(() => tf.add(x, tf.constant(1, { dtype: 'int32' })), IAE, 'int32 that does not match type int64');
}));

test.run();
