// Feeds as TF1 converts them (session.py: numpy.asarray(value, dtype)): typed arrays of every
// class, NDArrays of every dtype, numbers, booleans, BigInts and nested arrays, on both executors.
// Values numpy leaves undefined are an InvalidArgumentError naming the tensor, and change nothing.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../src/index.js';
import { fresh, throwsClass } from './_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;
const EXECUTORS = ['compiled', 'interpreter'] as const;
const STORAGE: Partial<Record<tf.DType, new (n: number) => ArrayBufferView>> = {
  float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: Float64Array, int16: Int16Array, int8: Int8Array, uint8: Uint8Array, bool: Uint8Array,
};

/** Feeds `value` to a placeholder of `dtype` and fetches it back through an op; checks the result's dtype and storage. */
function roundTrip(sess: tf.Session, p: tf.Tensor, value: unknown): number[] {
  const [direct, viaOp] = sess.run([p, tf.identity(p)], new Map([[p, value as tf.FeedValue]])) as tf.NDArray[];
  for (const r of [direct, viaOp]) {
    assert.instance(r, tf.NDArray);
    assert.is(r.dtype, p.dtype);
    assert.ok(r.data instanceof STORAGE[p.dtype]!, `${p.dtype} result stored in a ${r.data.constructor.name}`);
  }
  assert.equal(Array.from(viaOp.data), Array.from(direct.data));
  return Array.from(direct.data);
}

for (const executor of EXECUTORS) {
  test(`${executor}: integer typed arrays of every class wrap into integer dtypes as numpy's cast does`, () => fresh(() => {
    const sess = new tf.Session({ executor });
    const u8 = tf.placeholder('uint8', [null]), i32 = tf.placeholder('int32', [null]), i8 = tf.placeholder('int8', [null]), i16 = tf.placeholder('int16', [null]);
    assert.equal(roundTrip(sess, u8, new Uint16Array([1000, 2])), [232, 2]);
    assert.equal(roundTrip(sess, u8, new Uint32Array([2 ** 32 - 1, 256])), [255, 0]);
    assert.equal(roundTrip(sess, u8, new Uint8ClampedArray([255, 7])), [255, 7]);
    assert.equal(roundTrip(sess, u8, new Int8Array([-1, -128])), [255, 128]);
    assert.equal(roundTrip(sess, u8, new BigInt64Array([-1n, 257n])), [255, 1]);
    assert.equal(roundTrip(sess, i32, new Uint32Array([2 ** 32 - 1, 2 ** 31])), [-1, -(2 ** 31)]);
    assert.equal(roundTrip(sess, i32, new BigInt64Array([2n ** 63n - 1n, -(2n ** 32n) - 5n])), [-1, -5]);
    assert.equal(roundTrip(sess, i32, new BigUint64Array([2n ** 64n - 1n, 2n ** 31n])), [-1, -(2 ** 31)]);
    assert.equal(roundTrip(sess, i32, new Int16Array([-32768, 5])), [-32768, 5]);
    assert.equal(roundTrip(sess, i8, new Uint8Array([200, 127])), [-56, 127]);
    assert.equal(roundTrip(sess, i16, new Int32Array([70000, -32769])), [4464, 32767]);
  }));

  test(`${executor}: every typed-array class into bool is "nonzero"; a Uint8Array of other values than 0/1 is not used as is`, () => fresh(() => {
    const sess = new tf.Session({ executor });
    const b = tf.placeholder('bool', [null]);
    assert.equal(roundTrip(sess, b, new Uint8Array([2, 0, 1])), [1, 0, 1]);
    assert.equal(roundTrip(sess, b, new Uint16Array([1000, 0])), [1, 0]);
    assert.equal(roundTrip(sess, b, new Uint8ClampedArray([0, 9])), [0, 1]);
    assert.equal(roundTrip(sess, b, new Float32Array([NaN, -0, 0.5])), [1, 0, 1]);
    assert.equal(roundTrip(sess, b, new BigInt64Array([0n, -3n])), [0, 1]);
    assert.equal(roundTrip(sess, b, new tf.NDArray(Float64Array.of(0, 2), [2])), [0, 1]);
    assert.equal((sess.run(tf.cast(b, 'float32'), new Map([[b, new Uint8Array([2, 0])]])) as tf.NDArray).toArray(), [1, 0]);
  }));

  test(`${executor}: floats and integers into float dtypes round to nearest (Float64Array into float32 converts)`, () => fresh(() => {
    const sess = new tf.Session({ executor });
    const f32 = tf.placeholder('float32', [null]), f64 = tf.placeholder('float64', [null]);
    assert.equal(roundTrip(sess, f32, Float64Array.of(0.1, 1e39, -1e39, -0, NaN)), [Math.fround(0.1), Infinity, -Infinity, -0, NaN]);
    assert.ok(Object.is(roundTrip(sess, f32, Float64Array.of(-0))[0], -0), '-0 stays -0');
    assert.equal(roundTrip(sess, f32, new tf.NDArray(Float64Array.of(1 / 3), [1])), [Math.fround(1 / 3)]);
    assert.equal(roundTrip(sess, f32, new Int32Array([16777217, -16777219])), [16777216, -16777220]);
    // rounded once from the exact integer, not via float64 (2^60 + 2^36 + 1 is just above a float32 midpoint)
    assert.equal(roundTrip(sess, f32, new BigInt64Array([2n ** 60n + 2n ** 36n + 1n])), [2 ** 60 + 2 ** 37]);
    assert.equal(roundTrip(sess, f32, new BigUint64Array([2n ** 64n - 1n])), [2 ** 64]);
    assert.equal(roundTrip(sess, f64, new BigInt64Array([2n ** 53n + 1n, -(2n ** 63n)])), [2 ** 53, -(2 ** 63)]);
    assert.equal(roundTrip(sess, f64, Float32Array.of(0.1)), [Math.fround(0.1)]);
    assert.equal(roundTrip(sess, f64, new tf.NDArray(Uint8Array.of(1, 0), [2], 'bool')), [1, 0]);
  }));

  test(`${executor}: floats into integer dtypes truncate toward zero; NaN, ±Infinity and out-of-range values are refused naming the tensor`, () => fresh(() => {
    const sess = new tf.Session({ executor });
    const u8 = tf.placeholder('uint8', [null], 'U8'), i32 = tf.placeholder('int32', [null], 'I32');
    assert.equal(roundTrip(sess, u8, Float64Array.of(255.9, -0.9, 1.5)), [255, 0, 1]);
    assert.equal(roundTrip(sess, i32, Float32Array.of(-2.5, 2147483520)), [-2, 2147483520]);
    assert.equal(roundTrip(sess, i32, new tf.NDArray(Float64Array.of(-2147483648.9), [1])), [-2147483648]);
    throwsClass(() => sess.run(u8, { U8: Float64Array.of(1, 256) }), IAE, "'U8:0'", 'uint8', 'element 1 of the float64 Float64Array', '256');
    throwsClass(() => sess.run(u8, { U8: Float32Array.of(-1) }), IAE, "'U8:0'", '-1');
    throwsClass(() => sess.run(i32, { I32: Float32Array.of(NaN) }), IAE, "'I32:0'", 'NaN');
    throwsClass(() => sess.run(i32, { I32: new tf.NDArray(Float64Array.of(0, -Infinity), [2]) }), IAE, "'I32:0'", '-Infinity', 'element 1 of the float64 NDArray');
    throwsClass(() => sess.run(i32, { I32: [[1, 2], [3, 2 ** 31]] }), IAE, "'I32:0'", 'element [1][1]', '2147483648');
  }));

  test(`${executor}: nested arrays of numbers, booleans, BigInts, typed-array rows and NDArrays; holes, nulls and strings are refused`, () => fresh(() => {
    const sess = new tf.Session({ executor });
    const f = tf.placeholder('float32', null, 'F'), i = tf.placeholder('int8', null, 'I');
    const r = sess.run(f, { F: [[1, true], Float64Array.of(0.1, 2), new tf.NDArray(Int32Array.of(5, 6), [2])] }) as tf.NDArray;
    assert.equal(r.shape, [3, 2]);
    assert.equal(Array.from(r.data), [1, 1, Math.fround(0.1), 2, 5, 6]);
    assert.equal(Array.from((sess.run(i, { I: [[1n, -128n], [false, 127]] }) as tf.NDArray).data), [1, -128, 0, 127]);
    assert.equal((sess.run(f, { F: [[], []] }) as tf.NDArray).shape, [2, 0]);
    // eslint-disable-next-line no-sparse-arrays
    throwsClass(() => sess.run(f, { F: [1, , 3] as never }), IAE, "Cannot feed F:0: element [1] is empty (a hole in the array)");
    throwsClass(() => sess.run(f, { F: [[1, 2], [3, null]] as never }), IAE, 'F:0', 'element [1][1] is null');
    throwsClass(() => sess.run(f, { F: [[1, 2], [3, '4']] as never }), IAE, 'F:0', 'element [1][1] is the string "4"');
    throwsClass(() => sess.run(f, { F: [[1, 2], [3]] }), IAE, 'F:0', 'ragged', 'element [1] should be a sequence of length 2');
    throwsClass(() => sess.run(f, { F: [[1, 2], Float32Array.of(3)] }), IAE, 'F:0', 'ragged', 'a Float32Array of length 1');
    throwsClass(() => sess.run(f, { F: [1, [2]] }), IAE, 'F:0', 'ragged', 'element [1]');
    throwsClass(() => sess.run(i, { I: [128n] }), IAE, 'I:0', 'element [0]', '128');
    throwsClass(() => sess.run(i, { I: [1, 1.5e3] }), IAE, 'I:0', '1500');
  }));

  test(`${executor}: values no numpy conversion defines are refused naming the tensor, and the run changes nothing`, () => fresh(() => {
    const v = new tf.Variable(3, { name: 'v', dtype: 'int32' });
    const P = tf.placeholder('int32', [null], 'P');
    const update = tf.assign(v, tf.reduceSum(P));
    const sess = new tf.Session({ executor });
    sess.run(v.initializer);
    const bad: [unknown, string][] = [
      ['1', 'the string "1"'],
      [null, 'null'],
      [undefined, 'undefined'],
      [{}, 'an object (Object)'],
      [{ length: 1, 0: 1 }, 'an object (Object)'],
      [Object.create(null), 'an object (Object)'],
      [{ data: Int32Array.of(1), shape: [1], dtype: 'int32' }, 'an object (Object)'],
      [new DataView(new ArrayBuffer(4)), 'a DataView'],
      [new ArrayBuffer(4), 'an ArrayBuffer'],
      [Symbol('s'), 'a symbol'],
      [() => 1, 'a function'],
      [Float64Array.of(NaN), 'NaN'],
      [[2 ** 40], '1099511627776'],
      [new Map(), 'an object (Map)'],
    ];
    for (const [value, what] of bad) {
      const e = throwsClass(() => sess.run(update, new Map([[P, value as tf.FeedValue]])), IAE, 'P:0', what);
      assert.ok(e.op === P.op, `the error carries the placeholder (${what})`);
    }
    throwsClass(() => sess.run(update, new Map([[P, tf.constant([1], { dtype: 'int32' }) as never]])), IAE, 'The value of a feed cannot be a tf.Tensor object', 'P:0');
    assert.is(sess.run(v), 3, 'no refused run assigned');
    assert.is(sess.run(update, { P: [4, 5] }), 9);
  }));

  test(`${executor}: int64 (float64 storage exact to ±(2^53 - 1)): integers convert, fractions truncate, beyond the exact range is refused`, () => fresh(() => {
    const sess = new tf.Session({ executor });
    const i64 = tf.placeholder('int64', [null], 'L');
    assert.equal(roundTrip(sess, i64, Int32Array.of(-5, 2 ** 31 - 1)), [-5, 2 ** 31 - 1]);
    assert.equal(roundTrip(sess, i64, new Uint32Array([2 ** 32 - 1])), [2 ** 32 - 1]);
    assert.equal(roundTrip(sess, i64, new BigUint64Array([2n ** 64n - 1n])), [-1], 'uint64 wraps into int64');
    assert.equal(roundTrip(sess, i64, Float64Array.of(2.9, -2.9, -0.5)), [2, -2, 0]);
    assert.ok(Object.is(roundTrip(sess, i64, Float64Array.of(-0.5))[0], 0), 'no -0 in an int64');
    assert.equal(roundTrip(sess, i64, [3_000_000_000, -0, 1.5]), [3_000_000_000, 0, 1]);
    const exact = Float64Array.of(1, 2);
    assert.ok((sess.run(i64, { L: exact }) as tf.NDArray).data !== exact, 'a fetched feed is a copy');
    throwsClass(() => sess.run(i64, { L: Float64Array.of(2 ** 60) }), IAE, "'L:0'", 'outside ±(2^53 - 1)');
    throwsClass(() => sess.run(i64, { L: [2 ** 53] }), IAE, "'L:0'", 'outside ±(2^53 - 1)');
    throwsClass(() => sess.run(i64, { L: BigInt64Array.of(-(2n ** 63n)) }), IAE, "'L:0'", 'outside ±(2^53 - 1)');
    throwsClass(() => sess.run(i64, { L: Float64Array.of(NaN) }), IAE, "'L:0'", 'NaN');
    const f32 = tf.placeholder('float32', [null]);
    assert.equal(roundTrip(sess, f32, new tf.NDArray(Float64Array.of(16777217, -3), [2], 'int64')), [16777216, -3]);
  }));

  test(`${executor}: string tensors take strings and string NDArrays only; strings never become numbers`, () => fresh(() => {
    const sess = new tf.Session({ executor });
    const s = tf.placeholder('string', null, 'S');
    const f = tf.placeholder('float32', null, 'F');
    const r = sess.run(tf.identity(s), { S: [['a', 'b'], ['c', 'é']] }) as tf.NDArray;
    assert.equal(r.shape, [2, 2]);
    assert.equal((r.data as unknown as Uint8Array[]).map((b) => new TextDecoder().decode(b)), ['a', 'b', 'c', 'é']);
    assert.equal(Array.from(sess.run(s, { S: 'x' }) as Uint8Array), [120]);
    assert.ok(sess.run(s, { S: r }) instanceof tf.NDArray, 'a string NDArray feeds a string tensor');
    throwsClass(() => sess.run(s, { S: 5 }), IAE, 'S:0', 'the number 5', 'dtype string');
    throwsClass(() => sess.run(s, { S: [['a'], 'b'] as never }), IAE, 'S:0');
    throwsClass(() => sess.run(f, { F: r }), IAE, 'F:0', 'a string NDArray', 'strings do not convert to numbers');
    throwsClass(() => sess.run(f, { F: '1.5' }), IAE, 'F:0', 'the string "1.5"', 'Number()');
  }));

  test(`${executor}: converted feeds are never stale: a reused or fresh dict over a changed array, and earlier results stay`, () => fresh(() => {
    const X = tf.placeholder('float32', [null], 'X');
    const sum = tf.reduceSum(X);
    const sess = new tf.Session({ executor });
    const wide = Float64Array.of(1, 2);
    const feeds = new Map([[X, wide]]);
    assert.is(sess.run(sum, feeds), 3);
    wide[0] = 10;
    assert.is(sess.run(sum, feeds), 12, 'the same Map over a changed Float64Array');
    assert.is(sess.run(sum, new Map([[X, wide]])), 12, 'a fresh Map over it');
    wide[1] = 20;
    assert.is(sess.run(sum, { X: wide }), 30, 'an object feed over it');
    const plain = [1, 2];
    const first = sess.run(X, { X: plain }) as tf.NDArray;
    const firstView = sess.run(X, { X: plain }, { reuseOutputs: true }) as tf.NDArray;
    plain[0] = 7;
    const second = sess.run(X, { X: plain }) as tf.NDArray;
    assert.equal(Array.from(first.data), [1, 2], 'a result does not share the conversion buffer');
    assert.equal(Array.from(firstView.data), [1, 2], 'nor with reuseOutputs');
    assert.equal(Array.from(second.data), [7, 2]);
    const same = Float32Array.of(1, 2);
    assert.ok((sess.run(X, { X: same }) as tf.NDArray).data !== same, 'a fetched feed is a copy');
  }));

  test(`${executor}: the seed's loop (fresh fetch list, fresh Map, fresh batch views) gives the hoisted loop's values; lengths and classes may change`, () => fresh(() => {
    const X = tf.placeholder('float32', null, 'X'), y = tf.placeholder('float32', null, 'y');
    const m = new tf.Variable(0, { name: 'm' }), b = new tf.Variable(0, { name: 'b' });
    const loss = tf.reduceMean(tf.squaredDifference(tf.add(tf.multiply(X, m), b), y));
    const train = new tf.train.GradientDescentOptimizer(0.01).minimize(loss);
    const xs = Float32Array.from({ length: 40 }, (_, i) => i / 10), ys = xs.map((v) => 3 * v + 1);
    const trainBoth = (fresh: boolean | 'plain' | 'object'): number[] => {
      const sess = new tf.Session({ executor });
      sess.run(tf.variablesInitializer([m, b]));
      const fetches = [train, loss, m, b];
      const maps = [0, 1, 2, 3].map((k) => new Map([[X, xs.slice(k * 10, k * 10 + 10)], [y, ys.slice(k * 10, k * 10 + 10)]]));
      for (let i = 0; i < 40; i++) {
        const k = i % 4;
        const bx = xs.subarray(k * 10, k * 10 + 10), by = ys.subarray(k * 10, k * 10 + 10);
        if (fresh === 'plain') sess.run([train, loss, m, b], new Map([[X, Array.from(bx)], [y, Array.from(by)]]));
        else if (fresh === 'object') sess.run([train, loss, m, b], { X: Array.from(bx), y: by });
        else if (fresh) sess.run([train, loss, m, b], new Map([[X, bx], [y, by]]));
        else sess.run(fetches, maps[k]);
      }
      return sess.run([m, b]) as number[];
    };
    const hoisted = trainBoth(false);
    assert.equal(trainBoth(true), hoisted);
    assert.equal(trainBoth('plain'), hoisted, 'plain arrays of the same float32 values');
    assert.equal(trainBoth('object'), hoisted, 'an object feed by name');
    assert.ok(hoisted[0] > 1, `m moved towards 3: ${hoisted[0]}`);
    const sess = new tf.Session({ executor });
    sess.run(tf.variablesInitializer([m, b]));
    const sum = tf.reduceSum(X);
    assert.is(sess.run(sum, new Map([[X, Float32Array.of(1, 2)]])), 3);
    assert.is(sess.run(sum, new Map([[X, Float32Array.of(1, 2, 3)]])), 6, 'another length');
    assert.is(sess.run(sum, new Map([[X, Float64Array.of(0.5, 2)]])), 2.5, 'another class converts');
    assert.is(sess.run(sum, new Map([[X, Float32Array.of(4, 5)]])), 9);
    assert.is(sess.run(sum, new Map([[X, [4, 6]]])), 10);
    assert.is(sess.run(sum, new Map([[X, [true, 6]]])), 7, 'a boolean takes the full rules');
    const labels = tf.placeholder('int32', [null], 'labels');
    const total = tf.reduceSum(labels);
    assert.is(sess.run(total, { labels: [1, 2] }), 3);
    assert.is(sess.run(total, { labels: [1.9, 2] }), 3, 'a fraction truncates (full rules)');
    throwsClass(() => sess.run(total, { labels: [2 ** 31, 0] }), IAE, "'labels:0'", '2147483648');
    assert.is(sess.run(total, { labels: [5, 5] }), 10);
    const fresh2 = tf.placeholder('float32', [2], 'P2');
    assert.is(sess.run(tf.reduceSum(fresh2), new Map([[fresh2, Float32Array.of(1, 1)]])), 2);
    throwsClass(() => sess.run(tf.reduceSum(fresh2), new Map([[fresh2, Float32Array.of(1, 1, 1)]])), IAE, "shape (3,) for Tensor 'P2:0'");
    const v = new tf.Variable(1, { name: 'later' });
    const uses = tf.add(tf.reduceSum(X), v);
    const s2 = new tf.Session({ executor });
    throwsClass(() => s2.run(uses, new Map([[X, Float32Array.of(1)]])), tf.errors.FailedPreconditionError, 'later');
    s2.run(v.initializer);
    assert.is(s2.run(uses, new Map([[X, Float32Array.of(1)]])), 2);
    s2.run(tf.assign(v, 5));
    assert.is(s2.run(uses, new Map([[X, Float32Array.of(2)]])), 7, 'a variable written since the last run is read anew');
  }));

  test(`${executor}: batches of a matrix placeholder, flat or as NDArrays, in fresh Maps: each step's values, shapes may change`, () => fresh(() => {
    const X = tf.placeholder('float32', [null, 3], 'X');
    const rowSums = tf.reduceSum(X, 1);
    const sess = new tf.Session({ executor });
    const data = Float32Array.from({ length: 12 }, (_, i) => i);
    const sums = (v: unknown) => Array.from((sess.run(rowSums, new Map([[X, v as tf.FeedValue]])) as tf.NDArray).data);
    assert.equal(sums(data.subarray(0, 6)), [3, 12]);
    assert.equal(sums(data.subarray(6, 12)), [21, 30]);
    assert.equal(sums(data.subarray(0, 9)), [3, 12, 21], 'three rows');
    assert.equal(sums(new tf.NDArray(data.slice(3, 12), [3, 3])), [12, 21, 30]);
    assert.equal(sums(new tf.NDArray(data.slice(0, 6), [2, 3])), [3, 12]);
    throwsClass(() => sums(data.subarray(0, 7)), IAE, "X:0", 'flat array of 7 values');
    throwsClass(() => sums(new tf.NDArray(data.slice(0, 6), [3, 2])), IAE, "shape (3, 2) for Tensor 'X:0'");
    const Y = tf.placeholder('float32', [null, null], 'Y');
    sess.run(tf.identity(Y), new Map([[Y, new tf.NDArray(data.slice(0, 6), [2, 3])]]));
    throwsClass(() => sess.run(tf.identity(Y), new Map([[Y, data.subarray(0, 6)]])), IAE, "Y:0", 'flat array of 6 values');
    const S = tf.placeholder('float32', [], 'S');
    assert.is(sess.run(tf.add(S, 1), new Map([[S, Float32Array.of(2)]])), 3);
    assert.is(sess.run(tf.add(S, 1), new Map([[S, Float32Array.of(5)]])), 6);
  }));

  test(`${executor}: a variable assigned from a converted feed does not change with later feeds`, () => fresh(() => {
    const P = tf.placeholder('float32', [2], 'P');
    const v = new tf.Variable([0, 0], { name: 'v' });
    const set = tf.assign(v, P);
    const sess = new tf.Session({ executor });
    sess.run(v.initializer);
    sess.run(set, { P: [1, 2] });
    sess.run(tf.identity(P), { P: [5, 6] });
    assert.equal((sess.run(v) as tf.NDArray).toArray(), [1, 2]);
    sess.run(set, { P: Float64Array.of(3, 4) });
    sess.run(tf.identity(P), { P: Float64Array.of(8, 9) });
    assert.equal((sess.run(v) as tf.NDArray).toArray(), [3, 4]);
  }));
}

test('NDArray data must be the storage of its dtype (no Uint16Array read as uint8)', () => {
  throwsClass(() => new tf.NDArray(new Uint16Array([1000]) as never, [1]), TypeError, 'Uint16Array has no tfgen dtype');
  throwsClass(() => new tf.NDArray(new Float64Array(1) as never, [1], 'float32'), TypeError, 'dtype float32 must be a Float32Array', 'Float64Array');
  throwsClass(() => new tf.NDArray(new Uint8ClampedArray(1) as never, [1], 'uint8'), TypeError, 'must be a Uint8Array');
  assert.is(new tf.NDArray(new Uint8Array([1]), [1], 'bool').dtype, 'bool');
});

test.run();
