// TF1's argument forms: positional arguments keep TF1's meaning, a trailing options object stands
// for its keywords, and unknown or doubled keys fail naming what is accepted.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { fresh, plain, run, throwsClass } from '../_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;

function values(t: tf.Tensor): number[] {
  return Array.from((run(t) as tf.NDArray).data);
}

test('randomUniform(shape, minval, maxval): values in [minval, maxval), not [0, 1)', () => {
  fresh(() => {
    const xs = values(tf.randomUniform([2000], -1, 1, 'float32', 3));
    assert.ok(Math.min(...xs) < -0.9 && Math.min(...xs) >= -1, `min ${Math.min(...xs)}`);
    assert.ok(Math.max(...xs) > 0.9 && Math.max(...xs) < 1, `max ${Math.max(...xs)}`);
  });
});

test('randomUniform: positional and options forms give the same op and the same numbers', () => {
  const a = fresh(() => values(tf.randomUniform([20], -2, 3, 'float64', 5)));
  const b = fresh(() => values(tf.randomUniform([20], { minval: -2, maxval: 3, dtype: 'float64', seed: 5 })));
  const c = fresh(() => values(tf.randomUniform([20], -2, 3, { dtype: 'double', seed: 5 })));
  const d = fresh(() => values(tf.randomUniform([20], -2, 3, 'float64', 5, null as unknown as string)));
  assert.equal(a, b);
  assert.equal(a, c);
  assert.equal(a, d, "null stands for TF1's None (name=None)");
  fresh(() => assert.is(tf.randomNormal([2], 0, 1, null as unknown as tf.DType, null as unknown as number).dtype, 'float32'));
  fresh(() => {
    const t = tf.randomUniform([3], 0, 10, 'int32', 7, 'ints');
    assert.is(t.dtype, 'int32');
    assert.is(t.name, 'ints:0');
  });
});

test('randomNormal(shape, mean, stddev): mean and stddev are used', () => {
  fresh(() => {
    const xs = values(tf.randomNormal([10000], 5, 0.1, 'float32', 1));
    const mean = xs.reduce((s, v) => s + v, 0) / xs.length;
    const std = Math.sqrt(xs.reduce((s, v) => s + (v - mean) ** 2, 0) / xs.length);
    assert.ok(Math.abs(mean - 5) < 0.01, `mean ${mean}`);
    assert.ok(Math.abs(std - 0.1) < 0.005, `std ${std}`);
  });
  const pos = fresh(() => values(tf.truncatedNormal([30], -1, 0.5, 'float64', 2)));
  const opt = fresh(() => values(tf.truncatedNormal([30], { mean: -1, stddev: 0.5, dtype: 'float64', seed: 2 })));
  assert.equal(pos, opt);
  assert.ok(pos.every((v) => v > -2 && v < 0), 'within 2 stddev of the mean');
});

test('reduceSum(x, axis, keepDims) and its options form', () => {
  fresh(() => {
    const x = tf.constant([[1, 2, 3], [4, 5, 6]]);
    assert.equal(plain(run(tf.reduceSum(x, 1, true))), [[6], [15]]);
    assert.equal(plain(run(tf.reduceSum(x, { axis: 0 }))), [5, 7, 9]);
    assert.equal(plain(run(tf.reduceMean(x, 1, { keepDims: true }))), [[2], [5]]);
    assert.equal(plain(run(tf.reduceMax(x, { reductionIndices: 1, keepdims: true }))), [[3], [6]]);
    assert.is(tf.reduceSum(x, null, false, 'total').name, 'total:0');
    assert.is(tf.reduceSum(x, { name: 'total2' }).name, 'total2:0');
  });
});

test('matmul: positional transposes as TF1, adjoint as transpose for reals', () => {
  fresh(() => {
    const a = tf.constant([[1, 2], [3, 4]]);
    const b = tf.constant([[5, 6], [7, 8]]);
    const want = [[1 * 5 + 3 * 7, 1 * 6 + 3 * 8], [2 * 5 + 4 * 7, 2 * 6 + 4 * 8]];
    assert.equal(plain(run(tf.matmul(a, b, true))), want);
    assert.equal(plain(run(tf.matmul(a, b, { adjointA: true }))), want);
    assert.equal(plain(run(tf.matmul(a, b, false, true))), [[17, 23], [39, 53]]);
  });
});

test('oneHot: positional onValue, offValue, axis', () => {
  fresh(() => {
    assert.equal(plain(run(tf.oneHot(tf.constant([0, 2], { dtype: 'int32' }), 3, 5, -1))), [[5, -1, -1], [-1, -1, 5]]);
    assert.equal(plain(run(tf.oneHot(tf.constant([0, 2], { dtype: 'int32' }), 3, 1, 0, 0))), [[1, 0], [0, 0], [0, 1]]);
  });
});

test('constant(value, dtype, shape, name, verifyShape) and range(start, limit, delta, dtype) as TF1', () => fresh(() => {
  const c = tf.constant(5, tf.int32);
  assert.is(c.dtype, 'int32');
  assert.equal(plain(run(tf.constant(7, 'float64', [2, 2]))), [[7, 7], [7, 7]]);
  assert.is(tf.constant([1, 2], 'float32', [2], 'pair').name, 'pair:0');
  assert.equal(plain(run(tf.constant([1, 2, 3, 4], { shape: [2, 2] }))), [[1, 2], [3, 4]]);
  assert.equal(plain(run(tf.range(0, 5, 2, 'float64'))), [0, 2, 4]);
  assert.is(tf.range(0, 5, 2, 'float64').dtype, 'float64');
  assert.is(tf.range(3, undefined, 1, { name: 'r' }).name, 'r:0');
  throwsClass(() => tf.constant([1, 2, 3, 4], { shape: [2, 2], verifyShape: true }), IAE, "Expected Tensor's shape: [2,2], got [4]");
  throwsClass(() => tf.constant(1, { dtyp: 'int32' } as tf.ConstantOptions), IAE, "tf.constant: unknown option 'dtyp'", 'dtype, shape, name, verifyShape');
  throwsClass(() => tf.range(0, 3, 1, { Tidx: 'int32' } as { dtype?: tf.DType }), IAE, "tf.range: unknown option 'Tidx'; accepted options: dtype, name");
}));

test('tf.nn.*WithLogits: keyword options checked (dim is TF1\'s older axis), labels and logits required', () => fresh(() => {
  const logits = tf.constant([[1, 2, 3]]), labels = tf.constant([[0, 0, 1]]);
  const want = plain(run(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits })));
  assert.equal(plain(run(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits, dim: -1 } as never))), want);
  throwsClass(() => tf.nn.softmaxCrossEntropyWithLogits({ labels, logits, axes: 1 } as never), IAE,
    "tf.nn.softmaxCrossEntropyWithLogits: unknown option 'axes' (did you mean 'axis'?)", 'labels, logits, axis, name, dim');
  throwsClass(() => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [2], logits, axis: 0 } as never), IAE, "unknown option 'axis'; accepted options: labels, logits, name");
  throwsClass(() => tf.nn.sigmoidCrossEntropyWithLogits({ logits } as never), IAE, "'labels' is required");
  throwsClass(() => tf.nn.sigmoidCrossEntropyWithLogits(logits as never), IAE, 'expected an options object');
}));

test('dtype names: TF1 aliases resolve, unknown and unsupported names fail clearly', () => {
  assert.is(tf.asDtype('float'), 'float32');
  assert.is(tf.asDtype('double'), 'float64');
  assert.is(tf.double, 'float64');
  fresh(() => {
    assert.is(tf.placeholder('float', [2]).dtype, 'float32');
    assert.is(tf.cast(tf.constant(1), 'double').dtype, 'float64');
    assert.is(tf.zeros([2], 'double').dtype, 'float64');
    assert.is(tf.constant(1, { dtype: 'double' }).dtype, 'float64');
    const n = tf.getDefaultGraph().getOperations().length;
    throwsClass(() => tf.placeholder('float16' as tf.DType), TypeError, 'does not support the dtype float16', 'float32');
    throwsClass(() => tf.cast(tf.constant(1), 'flaot' as tf.DType), TypeError, 'must be one of', '"flaot"');
    assert.is(tf.getDefaultGraph().getOperations().length, n + 1, 'only the constant was added');
  });
});

test('bad arguments: unknown keys, doubled keys, wrong kinds, too many; the graph is unchanged', () => {
  fresh((g) => {
    const x = tf.constant([[1, 2], [3, 4]]);
    const n = g.getOperations().length;
    const e = throwsClass(() => tf.reduceSum(x, { reduction_indices: 1 } as tf.ReduceOptions), IAE,
      "tf.reduceSum: unknown option 'reduction_indices' (did you mean 'reductionIndices'?)",
      'accepted options: axis, keepDims, name, reductionIndices, keepdims');
    assert.ok(!e.message.includes('convert'), e.message);
    throwsClass(() => tf.reduceSum(x, 1, { axis: 0 }), IAE, "'axis' is given twice");
    throwsClass(() => tf.reduceSum(x, { axis: 0, reductionIndices: 1 }), IAE, "'axis' is given twice", "also as 'reductionIndices'");
    throwsClass(() => tf.reduceSum(x, 1, 'yes' as unknown as boolean), IAE, "tf.reduceSum: 'keepDims' must be a boolean, got \"yes\"");
    throwsClass(() => (tf.reduceSum as (...a: unknown[]) => tf.Tensor)(x, 1, true, 'n', 5), IAE, 'takes at most 3 optional arguments (axis, keepDims, name), got 4');
    throwsClass(() => tf.randomNormal([2], { minval: 0 } as tf.NormalOptions), IAE, "tf.randomNormal: unknown option 'minval'", 'accepted options: mean, stddev, dtype, seed, name');
    throwsClass(() => tf.randomUniform([2], { mean: 1 } as tf.UniformOptions), IAE, "unknown option 'mean'", 'minval, maxval');
    throwsClass(() => tf.randomUniform([2], 0, 1, 'float32', 1.5), IAE, "'seed' must be an integer, got number 1.5");
    throwsClass(() => tf.randomUniform([2], { min: 0 } as tf.UniformOptions), IAE, "unknown option 'min'");
    throwsClass(() => tf.matmul(x, x, { transpose_b: true } as tf.MatmulOptions), IAE, "unknown option 'transpose_b' (did you mean 'transposeB'?)");
    throwsClass(() => tf.matmul(x, x, { transposeA: true, adjointA: true }), IAE, 'only one of transposeA and adjointA');
    throwsClass(() => tf.oneHot([0], 2, { on_value: 3 } as tf.OneHotOptions), IAE, "unknown option 'on_value' (did you mean 'onValue'?)");
    assert.is(g.getOperations().length, n, 'no op was added by a rejected call');
  });
});

test.run();
