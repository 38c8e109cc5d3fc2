import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh, run } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';
import { gradCheck, randomArray } from '../_lib/gradcheck.js';

type Static = (number | null)[] | null;

/** [flat data, shape] of a fetched value (a number gives shape []). */
function value(t: tf.Tensor, feeds?: tf.FeedDict, executor?: 'interpreter'): [number[], number[]] {
  const r = run(t, feeds, executor);
  return r instanceof tf.NDArray ? [Array.from(r.data), r.shape] : [[r], []];
}

const M = [[1, 2, 3], [4, 5, 6]];
const c = (v: unknown, dtype?: tf.DType) => tf.constant(v as number[], dtype ? { dtype } : {});

test('reduceSum: all axes, one axis, negative axis, several axes, keepDims', () => fresh(() => {
  const x = c(M);
  const cases: [tf.Tensor, number[], number[]][] = [
    [tf.reduceSum(x), [21], []],
    [tf.reduceSum(x, 0), [5, 7, 9], [3]],
    [tf.reduceSum(x, 1), [6, 15], [2]],
    [tf.reduceSum(x, -1), [6, 15], [2]],
    [tf.reduceSum(x, -2), [5, 7, 9], [3]],
    [tf.reduceSum(x, [0, 1]), [21], []],
    [tf.reduceSum(x, [1, -1]), [6, 15], [2]],
    [tf.reduceSum(x, [-1, 0]), [21], []],
    [tf.reduceSum(x, [], false), [1, 2, 3, 4, 5, 6], [2, 3]],
    [tf.reduceSum(x, 0, true), [5, 7, 9], [1, 3]],
    [tf.reduceSum(x, 1, true), [6, 15], [2, 1]],
    [tf.reduceSum(x, null, true), [21], [1, 1]],
    [tf.reduceSum(c(7)), [7], []],
    [tf.reduceSum(c([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]), [0, 2]), [14, 22], [2]],
    [x.sum(1, true), [6, 15], [2, 1]],
  ];
  for (const [t, data, shape] of cases) {
    assert.equal(t.shape, shape, `static shape of ${t.name}`);
    assert.equal(value(t), [data, shape], t.name);
  }
}));

test('reduceMean, reduceMax, reduceMin, reduceProd values', () => fresh(() => {
  const x = c([[1, 2], [3, 5]]);
  assert.equal(value(tf.reduceMean(x)), [[2.75], []]);
  assert.equal(value(tf.reduceMean(x, 0)), [[2, 3.5], [2]]);
  assert.equal(value(tf.reduceMean(x, 1, true)), [[1.5, 4], [2, 1]]);
  assert.equal(value(x.mean(-1)), [[1.5, 4], [2]]);
  assert.equal(value(tf.reduceMean(c([1, 2, 2]))), [[Math.fround(5 / 3)], []]);
  assert.equal(value(tf.reduceMax(c([[1, 7], [3, -5]]), 1)), [[7, 3], [2]]);
  assert.equal(value(tf.reduceMin(c([[1, 7], [3, -5]]), 0)), [[1, -5], [2]]);
  assert.equal(value(tf.reduceMax(c([[1, 7], [3, -5]]))), [[7], []]);
  assert.equal(value(tf.reduceMin(c([-Infinity, 0]))), [[-Infinity], []]);
  assert.equal(value(tf.reduceProd(c([[2, 3], [4, 5]]), [0, 1])), [[120], []]);
  assert.equal(value(tf.reduceProd(c([[2, 3], [4, 5]]), 1)), [[6, 20], [2]]);
}));

test('reductions: NaN propagates through max and min; sums of ±inf', () => fresh(() => {
  assert.equal(value(tf.reduceMax(c([[1, NaN], [3, 5]]), 1)), [[NaN, 5], [2]]);
  assert.equal(value(tf.reduceMin(c([[NaN, 1], [3, 5]]), 1)), [[NaN, 3], [2]]);
  assert.equal(value(tf.reduceSum(c([Infinity, -Infinity]))), [[NaN], []]);
  assert.equal(value(tf.reduceMean(c([Infinity, 1]))), [[Infinity], []]);
}));

test('reductions of empty tensors: sum 0, mean NaN, prod 1', () => fresh(() => {
  const e = tf.zeros([0, 2]);
  assert.equal(value(tf.reduceSum(e, 0)), [[0, 0], [2]]);
  assert.equal(value(tf.reduceSum(e, 1)), [[], [0]]);
  assert.equal(value(tf.reduceMean(e, 0)), [[NaN, NaN], [2]]);
  assert.equal(value(tf.reduceProd(e, 0)), [[1, 1], [2]]);
}));

test('integer reductions wrap around like TF; integer mean truncates', () => fresh(() => {
  // NOTE: checked on the reference interpreter: compiled plans saturate int32 sums and products
  // (2147483647 here) instead of wrapping around.
  const oracle = 'interpreter';
  assert.equal(value(tf.reduceSum(c([2147483647, 1], 'int32')), undefined, oracle), [[-2147483648], []]);
  // 3·(2^31 - 1) + 5 = 2^32 + 2^31 + 2, which wraps to -2^31 + 2
  assert.equal(value(tf.reduceSum(c([[2147483647, 2147483647, 2147483647, 5]], 'int32'), 1), undefined, oracle), [[-2147483646], [1]]);
  // (2^20 + 1)^3 mod 2^32 = 3·2^20 + 1: exact only with int32 arithmetic, not through float64
  assert.equal(value(tf.reduceProd(c([1048577, 1048577, 1048577], 'int32')), undefined, oracle), [[3145729], []]);
  assert.equal(value(tf.reduceMean(c([1, 2], 'int32'))), [[1], []]);
  assert.equal(value(tf.reduceMean(c([-1, -2], 'int32'))), [[-1], []]);
  assert.equal(value(tf.reduceMean(c([[1, 2], [3, 5]], 'int32'), 0)), [[2, 3], [2]]);
  const s = tf.reduceSum(c([200, 100], 'uint8'));
  assert.is(s.dtype, 'uint8');
  assert.equal(value(s), [[44], []]);
  assert.equal(value(tf.reduceMax(c([[3, -7]], 'int8'), 1)), [[3], [1]]);
  assert.is(tf.reduceMean(c([1], 'float64')).dtype, 'float64');
}));

test('static shapes with unknown dims and unknown rank', () => fresh(() => {
  const p = (s: Static) => tf.placeholder('float32', s);
  const table: [tf.Tensor, Static][] = [
    [tf.reduceSum(p([null, 3]), 1), [null]],
    [tf.reduceSum(p([null, 3]), 0), [3]],
    [tf.reduceSum(p([null, 3]), -1, true), [null, 1]],
    [tf.reduceSum(p([null, 3])), []],
    [tf.reduceMean(p([null, null, 4]), [0, 2], true), [1, null, 1]],
    [tf.reduceSum(p(null), 1), null],
    [tf.reduceSum(p(null), 1, true), null],
    // every axis of an unknown-rank tensor still gives a scalar (TF1 does the same)
    [tf.reduceSum(p(null)), []],
    [tf.reduceMean(p(null)), []],
    [tf.reduceMax(p(null)), []],
    [tf.reduceSum(p(null), null, true), null],
    // axes only known at run time: with keepDims the rank is known
    [tf.reduceSum(p([2, 3]), tf.placeholder('int32', [null])), null],
    [tf.reduceSum(p([2, 3]), tf.placeholder('int32', [null]), true), [null, null]],
    [tf.argmax(p([null, 5]), 1), [null]],
    [tf.argmax(p([4, null]), 0), [null]],
    [tf.argmax(p(null), 0), null],
  ];
  for (const [t, expected] of table) assert.equal(t.shape, expected, t.name);
}));

test('reductions over unknown shapes run with the fed shape', () => fresh(() => {
  const x = tf.placeholder('float32', null, 'x');
  const axes = tf.placeholder('int32', [null], 'axes');
  const feeds = { x: [[[1, 2], [3, 4]], [[5, 6], [7, 8]]] };
  assert.equal(value(tf.reduceSum(x), feeds), [[36], []]);
  assert.equal(value(tf.reduceSum(x, 1), feeds), [[4, 6, 12, 14], [2, 2]]);
  assert.equal(value(tf.reduceMean(x, -1, true), feeds), [[1.5, 3.5, 5.5, 7.5], [2, 2, 1]]);
  assert.equal(value(tf.reduceSum(x, axes), { ...feeds, axes: [0, 2] }), [[14, 22], [2]]);
  assert.equal(value(tf.reduceSum(x, axes, true), { ...feeds, axes: [] }), [[1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2]]);
  assert.equal(value(tf.reduceMax(x), { x: 3 }), [[3], []]);
}));

test('argmax: axes, negative axis, ties pick the first, NaN wins', () => fresh(() => {
  const x = c([[1, 9, 9], [7, 2, 7]]);
  assert.equal(value(tf.argmax(x, 1)), [[1, 0], [2]]);
  assert.equal(value(tf.argmax(x, 0)), [[1, 0, 0], [3]]);
  assert.equal(value(tf.argmax(x)), [[1, 0, 0], [3]]);
  assert.equal(value(tf.argmax(x, -1)), [[1, 0], [2]]);
  assert.equal(value(tf.argmax(x, -2)), [[1, 0, 0], [3]]);
  assert.equal(value(tf.argmax(c([[1, NaN, 9]]), 1)), [[1], [1]]);
  assert.equal(value(tf.argmax(c([-3, -1, -2], 'int32'))), [[1], []]);
  fresh(() => {
    const a = tf.argmax(tf.constant([1, 2]), 0);
    assert.is(a.dtype, 'int64', "TF1's default output_type");
    assert.is(a.op.getAttr('output_type'), 'int64');
    assert.is(tf.argmax(tf.constant([1, 2]), 0, { outputType: 'int32' }).dtype, 'int32');
    assert.is(a.op.type, 'ArgMax');
    assert.is(a.op.name, 'ArgMax');
    assert.is(a.op.inputs[1].op.name, 'ArgMax/dimension');
  });
}));

test('errors: axis out of range (build and run time), bad dtypes', () => fresh(() => {
  const x = c(M);
  const isIAE = (re: RegExp) => (e: Error) => e instanceof tf.errors.InvalidArgumentError && re.test(e.message);
  assert.throws(() => tf.reduceSum(x, 2), isIAE(/axis 2 is out of range for a tensor of rank 2/));
  assert.throws(() => tf.reduceMean(x, -3), isIAE(/axis -3/));
  assert.throws(() => tf.reduceSum(x, [0, 5]), isIAE(/axis 5/));
  assert.throws(() => tf.argmax(x, 2), isIAE(/axis 2/));
  assert.throws(() => tf.reduceSum(c([true])), isIAE(/bool/));
  assert.throws(() => tf.argmax(c([true])), isIAE(/bool/));
  assert.throws(() => tf.reduceSum(x, 0.5), isIAE(/0\.5/));
  const axes = tf.placeholder('int32', [null], 'axes');
  const s = tf.reduceSum(x, axes);
  const sess = new tf.Session();
  assert.throws(() => sess.run(s, { axes: [3] }), (e: Error) => isIAE(/axis 3/)(e) && (e as tf.errors.OpError).op === s.op);
  const p = tf.placeholder('float32', null, 'p');
  const am = tf.argmax(p, 1);
  assert.throws(() => sess.run(am, { p: [1, 2] }), isIAE(/axis 1/));
  // NOTE: on the reference interpreter: compiled plans return 0 for an empty argmax axis.
  assert.throws(() => run(tf.argmax(p, 0), { p: [] }, 'interpreter'), isIAE(/Reduction axis 0 is empty in shape \[0\]/));
}));

test('names: TF1\'s reduction_indices and the all-axes Const before the op', () => fresh((g) => {
  const x = tf.constant(M, { name: 'x' });
  const s = tf.reduceSum(x, 1);
  assert.is(s.op.name, 'Sum');
  assert.equal(s.op.inputs.map((t) => t.name), ['x:0', 'Sum/reduction_indices:0']);
  const m = tf.reduceMean(x);
  assert.equal(m.op.inputs.map((t) => t.name), ['x:0', 'Const:0']);
  assert.equal(g.getOperations().map((o) => o.name), ['x', 'Sum/reduction_indices', 'Sum', 'Const', 'Mean']);
  assert.is(tf.reduceMax(x, 0, false, 'biggest').op.name, 'biggest');
  // a JS value is converted inside the op scope
  const p = tf.reduceProd([1, 2]);
  assert.is(p.op.inputs[0].op.name, 'Prod/input');
  assert.equal(value(p), [[2], []]);
}));

/** gradCheck on float64 placeholders with static shapes `statics` fed values of `shapes`. */
function check(f: (x: tf.Tensor) => tf.Tensor, shape: number[], statics: Static = shape): void {
  fresh(() => {
    const x = tf.placeholder('float64', statics);
    gradCheck(f(x), [x], [randomArray(shape, shape.length * 13 + 5)]);
  });
}

test('gradcheck: reduceSum and reduceMean, with and without keepDims, known and unknown shapes', () => {
  for (const reduce of [tf.reduceSum, tf.reduceMean]) {
    for (const statics of [[2, 3, 2], [null, 3, null], null] as Static[]) {
      check((x) => reduce(x), [2, 3, 2], statics);
      check((x) => reduce(x, 1), [2, 3, 2], statics);
      check((x) => reduce(x, -1, true), [2, 3, 2], statics);
      check((x) => reduce(x, [0, 2]), [2, 3, 2], statics);
      check((x) => reduce(x, [0, 2], true), [2, 3, 2], statics);
    }
  }
  check((x) => tf.reduceSum(tf.square(x)), [4]);
});

test('gradcheck: reduceMax and reduceMin (no ties)', () => {
  for (const reduce of [tf.reduceMax, tf.reduceMin]) {
    for (const statics of [[3, 4], [null, 4], null] as Static[]) {
      check((x) => reduce(x, 1), [3, 4], statics);
      check((x) => reduce(x, 0, true), [3, 4], statics);
      check((x) => reduce(x), [3, 4], statics);
    }
  }
});

test('gradients: max splits the gradient evenly among ties; reductions with axes fed at run time', () => fresh(() => {
  const x = tf.constant([[1, 3, 3], [2, 2, 2]]);
  const [g] = tf.gradients(tf.reduceMax(x, 1), x);
  assert.equal(value(g!), [[0, 0.5, 0.5, 1 / 3, 1 / 3, 1 / 3].map(Math.fround), [2, 3]]);
  const [h] = tf.gradients(tf.reduceMin(x), x);
  assert.equal(value(h!), [[1, 0, 0, 0, 0, 0], [2, 3]]);
  const axes = tf.placeholder('int32', [null], 'axes');
  const [gs] = tf.gradients(tf.reduceMean(x, axes), x);
  assert.equal(value(gs!, { axes: [1] }), [[1, 1, 1, 1, 1, 1].map((v) => Math.fround(v / 3)), [2, 3]]);
  assert.equal(value(gs!, { axes: [0, 1] }), [[1, 1, 1, 1, 1, 1].map((v) => Math.fround(v / 6)), [2, 3]]);
  // argmax has no gradient
  assert.equal(tf.gradients(tf.cast(tf.argmax(x, 1), 'float32'), x), [null]);
}));

test.run();
