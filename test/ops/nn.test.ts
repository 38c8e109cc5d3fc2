import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { assertClose, gradCheck, randomArray } from '../_lib/gradcheck.js';
import { evaluate, feed, fresh, throwsClass, type Built } from '../_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;
const L = [[1, 2, 3], [1, 2, 3]];
// softmax([1, 2, 3]) and log_softmax([1, 2, 3]), by hand: e^k / (e + e² + e³)
const SM = [0.09003057317038046, 0.24472847105479764, 0.6652409557748219];
const LSM = SM.map(Math.log);

const values: [string, () => Built, unknown][] = [
  ['relu', () => tf.nn.relu([-1, 0, 2.5, NaN]), [0, 0, 2.5, NaN]],
  ['relu int32', () => tf.nn.relu(tf.constant([-3, 4], { dtype: 'int32' })), [0, 4]],
  ['softmax rows', () => tf.nn.softmax(L), [SM, SM]],
  ['softmax is stable for large logits', () => tf.nn.softmax([[1000, 1000], [1000, 0]]), [[0.5, 0.5], [1, 0]]],
  ['softmax axis 0', () => tf.nn.softmax([[1, 5], [2, 5], [3, 5]], 0), [[SM[0], 1 / 3], [SM[1], 1 / 3], [SM[2], 1 / 3]]],
  ['softmax of a vector', () => tf.nn.softmax([1, 2, 3]), SM],
  ['logSoftmax', () => tf.nn.logSoftmax([[1, 2, 3], [1000, 0, 0]]), [LSM, [0, -1000, -1000]]],
  ['logSoftmax axis -2', () => tf.nn.logSoftmax([[1], [2], [3]], -2), [[LSM[0]], [LSM[1]], [LSM[2]]]],
  ['softmax cross entropy, one-hot labels', () => tf.nn.softmaxCrossEntropyWithLogits({ labels: [[0, 0, 1], [1, 0, 0]], logits: L }),
    [-LSM[2], -LSM[0]]],
  ['softmax cross entropy, soft labels', () => tf.nn.softmaxCrossEntropyWithLogits({ labels: [[0.5, 0.5, 0]], logits: [[1, 2, 3]] }),
    [-(LSM[0] + LSM[1]) / 2]],
  ['softmax cross entropy, rank 3', () => tf.nn.softmaxCrossEntropyWithLogits({ labels: [[[0, 1]], [[1, 0]]], logits: [[[0, 0]], [[0, 0]]] }),
    [[Math.LN2], [Math.LN2]]],
  ['softmax cross entropy, rank 1', () => tf.nn.softmaxCrossEntropyWithLogits({ labels: [0, 0, 1], logits: [1, 2, 3] }), -LSM[2]],
  ['softmax cross entropy, axis 0', () => tf.nn.softmaxCrossEntropyWithLogits({ labels: [[0], [0], [1]], logits: [[1], [2], [3]], axis: 0 }),
    [-LSM[2]]],
  ['softmax cross entropy, int labels are cast', () => tf.nn.softmaxCrossEntropyWithLogits({
    labels: tf.constant([[0, 1]], { dtype: 'int32' }), logits: [[0, 0]] }), [Math.LN2]],
  ['softmax cross entropy, fed unknown batch', () => {
    const m = new Map();
    return [tf.nn.softmaxCrossEntropyWithLogits({ labels: feed(m, 'float32', [null, 3], [[0, 1, 0]]), logits: feed(m, 'float32', [null, 3], [[1, 2, 3]]) }), m];
  }, [-LSM[1]]],
  ['sparse cross entropy', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [2, 0], logits: L }), [-LSM[2], -LSM[0]]],
  ['sparse cross entropy, rank 3', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [[1], [0]], logits: [[[1, 2, 3]], [[1, 2, 3]]] }),
    [[-LSM[1]], [-LSM[0]]]],
  ['sparse cross entropy, rank 1', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: 1, logits: [1, 2, 3] }), -LSM[1]],
];

for (const [name, build, expected] of values) {
  test(`value: ${name}`, () => {
    const { v } = evaluate(build);
    assertClose(v, expected, 2e-7, 1e-7, name);
    assert.is(typeof v === 'number', !Array.isArray(expected), 'scalar results come back as numbers');
  });
}

test('backprop output of the cross-entropy ops is softmax - labels', () => {
  fresh(() => {
    const ce = tf.nn.softmaxCrossEntropyWithLogits({ labels: [[0, 0, 1]], logits: [[1, 2, 3]] });
    const sp = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [0], logits: [[1, 2, 3]] });
    using sess = new tf.Session();
    assertClose(sess.run(ce.op.outputs[1]), [SM[0], SM[1], SM[2] - 1], 2e-7, 1e-7);
    assertClose(sess.run(sp.op.outputs[1]), [SM[0] - 1, SM[1], SM[2]], 2e-7, 1e-7);
  });
});

const shapes: [string, () => tf.Tensor, string][] = [
  ['relu [?,3]', () => tf.nn.relu(tf.placeholder('float32', [null, 3])), '(?, 3)'],
  ['softmax axis 0 keeps the shape', () => tf.nn.softmax(tf.placeholder('float32', [2, null]), 0), '(2, ?)'],
  ['softmax unknown rank', () => tf.nn.softmax(tf.placeholder('float32')), '<unknown>'],
  ['cross entropy [?,10]', () => tf.nn.softmaxCrossEntropyWithLogits({ labels: tf.placeholder('float32', [null, 10]), logits: tf.placeholder('float32', [null, 10]) }), '(?,)'],
  ['cross entropy merges batch dims', () => tf.nn.softmaxCrossEntropyWithLogits({ labels: tf.placeholder('float32', [4, null]), logits: tf.placeholder('float32', [null, 10]) }), '(4,)'],
  ['cross entropy rank 3', () => tf.nn.softmaxCrossEntropyWithLogits({ labels: tf.placeholder('float32', [2, 5, null]), logits: tf.placeholder('float32', [2, 5, 4]) }), '(2, 5)'],
  ['cross entropy rank 3, unknown batch dims', () => tf.nn.softmaxCrossEntropyWithLogits({ labels: tf.placeholder('float32', [2, null, 4]), logits: tf.placeholder('float32', [2, null, 4]) }), '(?, ?)'],
  ['sparse [?]', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: tf.placeholder('int32', [null]), logits: tf.placeholder('float32', [8, 10]) }), '(8,)'],
  ['sparse rank 3', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: tf.placeholder('int32', [2, 5]), logits: tf.placeholder('float32', [2, 5, 4]) }), '(2, 5)'],
];

for (const [name, build, expected] of shapes) {
  test(`static shape: ${name}`, () => {
    fresh(() => assert.match(String(build()), `shape=${expected} dtype=float32>`));
  });
}

test('names follow TF1', () => {
  fresh(() => {
    const x = tf.placeholder('float32', [2, 3]);
    const r = tf.nn.relu(x);
    assert.is(r.name, 'Relu:0');
    assert.is(tf.nn.softmax(x).name, 'Softmax:0');
    assert.is(tf.nn.logSoftmax(x).name, 'LogSoftmax:0');
    assert.is(tf.nn.softmaxCrossEntropyWithLogits({ labels: x, logits: x }).name, 'softmax_cross_entropy_with_logits:0');
    const sp = tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [0, 1], logits: x });
    assert.is(sp.name, 'SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits:0');
    const [dx] = tf.gradients(r, x);
    assert.is(dx!.op.type, 'ReluGrad');
    assert.is(dx!.op.name, 'gradients/Relu_grad/ReluGrad');
  });
});

const errors: [string, () => Built, RegExp][] = [
  ['label out of range', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [0, 5], logits: L }),
    /^Received a label value of 5 which is outside the valid range of \[0, 3\)\. {2}Label values: 0 5/],
  ['negative fed label', () => {
    const m = new Map();
    return [tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: feed(m, 'int32', [null], [-1, 1]), logits: L }), m];
  }, /label value of -1 which is outside the valid range of \[0, 3\)[\s\S]*SparseSoftmaxCrossEntropyWithLogits/],
  ['dense shape mismatch', () => tf.nn.softmaxCrossEntropyWithLogits({ labels: [[1, 0, 0, 0], [1, 0, 0, 0]], logits: L }),
    /logits and labels must be same size: logits_size=\[2,3\] labels_size=\[2,4\]/],
  ['dense fed shape mismatch', () => {
    const m = new Map();
    return [tf.nn.softmaxCrossEntropyWithLogits({ labels: feed(m, 'float32', [null, 3], [[1, 0, 0]]), logits: L }), m];
  }, /logits and labels must be same size and 2-D: logits_size=\[2,3\] labels_size=\[1,3\]/],
  ['sparse rank mismatch', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [[0, 1]], logits: L }),
    /Rank mismatch: Rank of labels \(received 2\) should equal rank of logits minus 1 \(received 2\)/],
  ['sparse shape mismatch', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [0, 1, 2], logits: L }),
    /Shape mismatch: The shape of labels \(received \(3,\)\) should equal the shape of logits except for the last dimension \(received \(2, 3\)\)/],
  ['sparse float labels', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: tf.constant([0, 1]), logits: L }),
    /labels .* must be an integer tensor, not float32/],
  ['sparse scalar logits', () => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: 0, logits: 1 }), /logits cannot be scalars/],
  ['softmax of int32', () => tf.nn.softmax(tf.constant([1], { dtype: 'int32' })), /Softmax does not support int32/],
  ['softmax of a scalar', () => tf.nn.softmax(1), /logits .* must have at least one dimension/],
  ['softmax axis out of range', () => tf.nn.softmax(L, 2), /axis 2 is out of range/],
  ['relu of bool', () => tf.nn.relu([true]), /Relu does not support bool/],
];

for (const [name, build, pattern] of errors) {
  test(`error: ${name}`, () => {
    throwsClass(() => evaluate(build), IAE, pattern);
  });
}

test('sparse labels get no gradient', () => {
  fresh(() => {
    const labels = tf.placeholder('int32', [2]);
    assert.equal(tf.gradients(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits: L }), labels), [null]);
  });
});

/** Rows that sum to 1 (cross-entropy labels), float64. */
function distribution(rows: number, cols: number, seed: number): tf.NDArray {
  const a = randomArray([rows, cols], seed, 0.1, 1);
  for (let i = 0; i < rows; i++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += a.data[i * cols + j];
    for (let j = 0; j < cols; j++) a.data[i * cols + j] /= s;
  }
  return a;
}

type Point = [(number | null)[] | null, tf.NDArray];
function check(f: (...xs: tf.Tensor[]) => tf.Tensor, points: Point[], tol?: number): void {
  fresh(() => {
    const xs = points.map(([s]) => tf.placeholder('float64', s));
    gradCheck(f(...xs), xs, points.map(([, v]) => v), { tol });
  });
}

const at = (shape: number[], seed = 3, scale = 2): Point => [shape, randomArray(shape, seed, -scale, scale)];
const second = (y: (x: tf.Tensor) => tf.Tensor) => (x: tf.Tensor) => tf.gradients(tf.reduceSum(y(x)), x)[0]!;
const xent = (labels: tf.Tensor, logits: tf.Tensor) => tf.nn.softmaxCrossEntropyWithLogits({ labels, logits });
const sparse = (logits: tf.Tensor) => tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels: [2, 0, 1], logits });

const grads: [string, (...xs: tf.Tensor[]) => tf.Tensor, Point[]][] = [
  ['relu', (x) => tf.nn.relu(x), [at([2, 3])]],
  ['softmax', (x) => tf.nn.softmax(x), [at([2, 3])]],
  ['softmax axis 0', (x) => tf.nn.softmax(x, 0), [at([3, 2])]],
  ['logSoftmax', (x) => tf.nn.logSoftmax(x), [at([2, 3])]],
  ['cross entropy wrt logits and labels', (lb, lg) => xent(lb, lg), [[[2, 3], distribution(2, 3, 4)], at([2, 3])]],
  ['cross entropy rank 3, unknown shapes', (lb, lg) => xent(lb, lg), [[null, new tf.NDArray(distribution(2, 2, 6).data, [2, 1, 2], 'float64')], [[2, null, 2], randomArray([2, 1, 2], 7)]]],
  ['sparse cross entropy', sparse, [at([3, 3])]],
  ['relu, second order', second((x) => tf.multiply(tf.square(tf.nn.relu(x)), tf.nn.relu(x))), [at([2, 3])]],
  ['softmax, second order', second((x) => tf.square(tf.nn.softmax(x))), [at([2, 3])]],
  ['logSoftmax, second order', second((x) => tf.square(tf.nn.logSoftmax(x))), [at([2, 3])]],
  ['cross entropy, second order', (lb, lg) => tf.gradients(tf.reduceSum(tf.square(xent(lb, lg))), lg)[0]!,
    [[[2, 3], distribution(2, 3, 8)], at([2, 3])]],
  ['sparse cross entropy, second order', second((x) => tf.square(sparse(x))), [at([3, 3])]],
];

for (const [name, f, points] of grads) test(`gradient: ${name}`, () => check(f, points));

test.run();
