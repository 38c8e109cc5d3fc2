// tf.layers: TF1's variable and op names, values (hand-computed), sharing through variable
// scopes, gradients by finite differences, compiled == interpreter, and bad arguments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { gradCheck, randomArray } from '../_lib/gradcheck.js';
import { fresh, throwsClass } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

const f = Math.fround;
const opNames = (g: tf.Graph) => g.getOperations().map((o) => o.name);
const arr = (v: unknown) => (v as tf.NDArray).toArray();

/** Fixed random values for every variable's read, so a gradient check needs no initialisation. */
function weightFeeds(): Map<tf.Tensor, unknown> {
  return new Map(tf.globalVariables().map((v, i) => [v.value(), randomArray(v.shape as number[], 20 + i)]));
}

/** Runs on both executors from the same initial values; they must agree to the bit. */
function both(fetch: tf.Tensor, feeds?: tf.FeedDict): tf.NDArray {
  const g = fetch.graph;
  const res = (['compiled', 'interpreter'] as const).map((executor) => {
    const sess = new tf.Session({ graph: g, executor });
    sess.run(tf.globalVariablesInitializer());
    return sess.run(fetch, feeds) as tf.NDArray;
  });
  assert.equal(Array.from(res[0].data), Array.from(res[1].data), 'compiled == interpreter');
  return res[0];
}

test('dense: dense/kernel and dense/bias, ops in the layer scope, dense_1 next, values', () => fresh((g) => {
  const x = tf.constant([[1, 2, 3]]);
  const y = tf.layers.dense(x, 2, tf.nn.relu, { kernelInitializer: tf.constantInitializer([1, -1, 2, 0, 0, -1]), biasInitializer: tf.constantInitializer(0.5) });
  assert.equal(tf.trainableVariables().map((v) => [v.name, v.shape]), [['dense/kernel:0', [3, 2]], ['dense/bias:0', [2]]]);
  for (const n of ['dense/MatMul', 'dense/BiasAdd', 'dense/Relu']) assert.ok(opNames(g).includes(n), n);
  assert.is(y.op.name, 'dense/Relu');
  assert.equal(y.shape, [1, 2]);
  // kernel [[1, -1], [2, 0], [0, -1]]: [1+4, -1-3] + 0.5 → relu
  assert.equal(arr(both(y)), [[5.5, 0]]);
  const z = tf.layers.dense(y, 3, { useBias: false });
  assert.is(z.op.name, 'dense_1/MatMul');
  assert.equal(tf.trainableVariables().map((v) => v.name).slice(2), ['dense_1/kernel:0']);
}));

test('dense: rank-3 inputs go through Tensordot; float64 inputs make float64 weights', () => fresh(() => {
  const x = tf.constant([[[1, 2], [3, 4]], [[0, 1], [1, 0]]], { dtype: 'float64' });
  const y = tf.layers.dense(x, 1, { kernelInitializer: tf.constantInitializer([10, 1]), name: 'proj' });
  assert.equal(y.shape, [2, 2, 1]);
  assert.is(y.dtype, 'float64');
  assert.is(tf.trainableVariables()[0].dtype, 'float64');
  assert.equal(arr(both(y)), [[[12], [34]], [[1], [10]]]);
  const p = tf.placeholder('float64', [null, 3, 2]);
  assert.equal(tf.layers.dense(p, 4).shape, [null, 3, 4]);
}));

test('dense: sharing through variable scopes and name + reuse, TF1 errors otherwise', () => fresh(() => {
  const x = tf.placeholder('float32', [null, 4]);
  const net = () => tf.layers.dense(tf.layers.dense(x, 3, tf.nn.relu), 2);
  const a = tf.variableScope('model', () => net());
  const b = tf.variableScope('model', { reuse: true }, () => net());
  assert.equal(tf.trainableVariables().map((v) => v.name), ['model/dense/kernel:0', 'model/dense/bias:0', 'model/dense_1/kernel:0', 'model/dense_1/bias:0']);
  assert.is(b.op.name, 'model_1/dense_1/BiasAdd');
  const feeds = new Map([[x, [[1, 2, 3, 4]]]]);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  assert.equal(arr(sess.run(a, feeds)), arr(sess.run(b, feeds)));
  tf.layers.dense(x, 2, { name: 'fc' });
  assert.is(tf.layers.dense(x, 2, { name: 'fc', reuse: true }).op.name, 'fc_1/BiasAdd');
  throwsClass(() => tf.layers.dense(x, 2, { name: 'fc' }), tf.errors.InvalidArgumentError, 'Variable fc/kernel already exists, disallowed');
  throwsClass(() => tf.layers.dense(x, 5, { name: 'fc', reuse: true }), tf.errors.InvalidArgumentError, 'Trying to share variable fc/kernel, but specified shape (4, 5) and found shape (4, 2).');
}));

test('dense: gradients w.r.t. the inputs and weights by finite differences; training lowers the loss the same on both executors', () => fresh(() => {
  const x = tf.placeholder('float64', [3, 4]);
  const y = tf.layers.dense(tf.layers.dense(x, 5, tf.tanh), 2);
  assert.ok(gradCheck(y, [x], [randomArray([3, 4], 3)], { feeds: weightFeeds() }) < 1e-6);
  // and w.r.t. every weight (their reads stand for the variables)
  const reads = tf.trainableVariables().map((v) => v.value());
  assert.ok(gradCheck(y, [x, ...reads], [randomArray([3, 4], 3), ...reads.map((r, i) => randomArray(r.shape as number[], 40 + i))]) < 1e-6);
  const xs = randomArray([8, 4], 7), ys = randomArray([8, 1], 8);
  tf.setRandomSeed(2);
  const loss = tf.losses.meanSquaredError(ys, tf.layers.dense(tf.layers.dense(tf.constant(xs), 6, tf.nn.relu, { kernelInitializer: tf.glorotUniformInitializer({ seed: 1 }) }), 1));
  const train = new tf.train.GradientDescentOptimizer(0.05).minimize(loss);
  const runs = (['compiled', 'interpreter'] as const).map((executor) => {
    using sess = new tf.Session({ executor });
    sess.run(tf.globalVariablesInitializer());
    const first = sess.run(loss) as number;
    for (let i = 0; i < 30; i++) sess.run(train);
    return [first, sess.run(loss) as number];
  });
  assert.equal(runs[0], runs[1]);
  assert.ok(runs[0][1] < runs[0][0] * 0.8, String(runs[0]));
}));

test('dense: bad arguments', () => fresh((g) => {
  throwsClass(() => tf.layers.dense(tf.placeholder('float32', [2, null]), 3), tf.errors.InvalidArgumentError, 'The last dimension of the inputs to `Dense` should be defined');
  throwsClass(() => tf.layers.dense(tf.placeholder('float32', [2, 3]), 0), tf.errors.InvalidArgumentError, 'units must be a positive integer, got 0');
  throwsClass(() => tf.layers.dense(tf.placeholder('int32', [2, 3]), 2), tf.errors.InvalidArgumentError, 'inputs must be float32 or float64');
  throwsClass(() => tf.layers.dense(tf.placeholder('float32', [2, 3]), 2, { use_bias: false } as never), tf.errors.InvalidArgumentError, "unknown option 'use_bias'", "did you mean 'useBias'");
  throwsClass(() => tf.layers.dense(tf.placeholder('float32', [2, 3]), 2, { activation: 'relu' as never }), tf.errors.InvalidArgumentError, 'activation must be a function such as tf.nn.relu');
  throwsClass(() => tf.layers.dense(tf.placeholder('float32', [2, 3]), 2, { kernelConstraint: ((w: tf.Tensor) => w) as never }), tf.errors.InvalidArgumentError, 'kernelConstraint is not supported');
  assert.equal(tf.globalVariables(), [], 'no weights made by a failed call');
  assert.is(g.getOperations().filter((o) => o.type !== 'Placeholder').length, 0);
}));

test('a layer rejected after making its weights leaves no variables, names or losses behind', () => fresh((g) => {
  const x = tf.placeholder('float32', [2, 3]);
  const one = tf.constant(1);
  const before = g.opCount;
  throwsClass(() => tf.layers.dense(x, 2, () => 'not a tensor' as never), tf.errors.InvalidArgumentError, 'the activation returned not a tensor, not a Tensor');
  throwsClass(() => tf.layers.batchNormalization(x, { training: one }), tf.errors.InvalidArgumentError, 'training must be a boolean or a scalar bool tensor');
  assert.is(g.opCount, before);
  assert.equal(tf.globalVariables(), []);
  assert.equal(tf.getCollection(tf.GraphKeys.UPDATE_OPS), []);
  const y = tf.layers.dense(x, 2);
  assert.equal(tf.globalVariables().map((v) => v.name), ['dense/kernel:0', 'dense/bias:0']);
  assert.is(y.op.name, 'dense/BiasAdd');
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  assert.equal(sess.run(y, new Map([[x, [[1, 2, 3], [4, 5, 6]]]])).shape, [2, 2]);
}));

test('kernel and bias regularizers add their losses once (not on reuse)', () => fresh(() => {
  const x = tf.constant([[1, 2]]);
  const l2 = (w: tf.Tensor) => tf.multiply(0.5, tf.nn.l2Loss(w));
  tf.layers.dense(x, 1, { name: 'r', kernelRegularizer: l2, kernelInitializer: tf.constantInitializer([3, 4]) });
  tf.layers.dense(x, 1, { name: 'r', reuse: true, kernelRegularizer: l2 });
  const reg = tf.losses.getRegularizationLosses();
  assert.is(reg.length, 1);
  assert.is(reg[0].op.name.startsWith('r/kernel/Regularizer'), true, reg[0].op.name);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  assert.is(sess.run(reg[0]), 0.5 * (9 + 16) / 2);
}));

test('flatten: [batch, ...] → [batch, n]; unknown batch kept; flatten_1 next', () => fresh((g) => {
  const x = tf.placeholder('float32', [null, 2, 3, 4]);
  const y = tf.layers.flatten(x);
  assert.equal(y.shape, [null, 24]);
  assert.ok(opNames(g).includes('flatten/Reshape'));
  const data = Float32Array.from({ length: 48 }, (_, i) => i);
  const v = both(y, new Map([[x, new tf.NDArray(data, [2, 2, 3, 4], 'float32')]]));
  assert.equal(v.shape, [2, 24]);
  assert.equal(Array.from(v.data), Array.from(data));
  assert.equal(tf.layers.flatten(tf.placeholder('float32', [5, null])).shape, [5, null]);
  assert.is(tf.layers.flatten(tf.constant([1, 2])).op.name, 'flatten_2/Reshape');
  throwsClass(() => tf.layers.flatten(tf.constant(1)), tf.errors.InvalidArgumentError, 'rank of at least 1');
}));

test('dropout: identity unless training; kept elements scaled by 1/(1 − rate); a fed training flag', () => fresh(() => {
  const x = tf.ones([1000]);
  assert.equal(Array.from(both(tf.layers.dropout(x)).data), new Array(1000).fill(1));
  assert.equal(Array.from(both(tf.layers.dropout(x, { rate: 0.9, training: false })).data), new Array(1000).fill(1));
  using sess = new tf.Session();
  const d = sess.run(tf.layers.dropout(x, 0.25, { training: true, seed: 3 })) as tf.NDArray;
  const kept = Array.from(d.data).filter((v) => v !== 0);
  assert.ok(kept.every((v) => v === f(1 / 0.75)));
  assert.ok(Math.abs(kept.length - 750) < 60, String(kept.length));
  const isTraining = tf.placeholder('bool', []);
  const fed = tf.layers.dropout(x, { rate: 0.5, training: isTraining, seed: 1 });
  assert.equal(Array.from((sess.run(fed, new Map([[isTraining, false]])) as tf.NDArray).data), new Array(1000).fill(1));
  assert.ok(Array.from((sess.run(fed, new Map([[isTraining, true]])) as tf.NDArray).data).some((v) => v === 0));
  throwsClass(() => tf.layers.dropout(x, { rate: 1 }), tf.errors.InvalidArgumentError, 'rate must be a scalar tensor or a float in the range [0, 1), got 1');
  throwsClass(() => tf.layers.dropout(x, { training: tf.constant(1) }), tf.errors.InvalidArgumentError, 'training must be a boolean or a scalar bool tensor');
}));

test('conv2d: conv2d/kernel [kh, kw, in, filters], valid and same padding, strides, values', () => fresh((g) => {
  const x = tf.constant(new tf.NDArray(Float32Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1], 'float32'));
  const y = tf.layers.conv2d(x, 2, 2, { kernelInitializer: tf.constantInitializer([1, 1, 1, 0, 1, 0, 1, 0]), biasInitializer: tf.constantInitializer(0.5) });
  assert.equal(tf.trainableVariables().map((v) => [v.name, v.shape]), [['conv2d/kernel:0', [2, 2, 1, 2]], ['conv2d/bias:0', [2]]]);
  assert.ok(opNames(g).includes('conv2d/Conv2D') && opNames(g).includes('conv2d/BiasAdd'));
  assert.equal(y.shape, [1, 3, 3, 2]);
  // filter 0: the sum of each 2×2 window; filter 1: its top-left element
  const v = both(y);
  assert.equal(Array.from(v.data).filter((_, i) => i % 2 === 0), [10, 14, 18, 26, 30, 34, 42, 46, 50].map((s) => s + 0.5));
  assert.equal(Array.from(v.data).filter((_, i) => i % 2 === 1), [0, 1, 2, 4, 5, 6, 8, 9, 10].map((s) => s + 0.5));
  const p = tf.placeholder('float32', [null, 28, 28, 1]);
  const c1 = tf.layers.conv2d(p, 32, [5, 5], { padding: 'same', activation: tf.nn.relu });
  assert.equal(c1.shape, [null, 28, 28, 32]);
  assert.is(c1.op.name, 'conv2d_1/Relu');
  assert.equal(tf.layers.conv2d(p, 4, 3, 2).shape, [null, 13, 13, 4]);
  assert.equal(tf.layers.conv2d(p, 4, 3, { dilationRate: 2, padding: 'VALID' }).shape, [null, 24, 24, 4]);
}));

test('conv2d: gradients w.r.t. the inputs and weights; bad arguments', () => fresh(() => {
  const x = tf.placeholder('float64', [1, 5, 5, 2]);
  const y = tf.layers.conv2d(x, 3, 3, { strides: 2, padding: 'same', activation: tf.tanh });
  const reads = tf.trainableVariables().map((v) => v.value());
  assert.ok(gradCheck(y, [x, ...reads], [randomArray([1, 5, 5, 2], 4), ...reads.map((r, i) => randomArray(r.shape as number[], 50 + i))]) < 1e-6);
  const p = tf.placeholder('float32', [null, 8, 8, 3]);
  throwsClass(() => tf.layers.conv2d(p, 4, 3, { padding: 'full' }), tf.errors.InvalidArgumentError, "padding must be 'valid' or 'same', got \"full\"");
  throwsClass(() => tf.layers.conv2d(p, 4, [3] as never), tf.errors.InvalidArgumentError, 'kernelSize must be a positive integer or a list of 2 positive integers');
  throwsClass(() => tf.layers.conv2d(p, 4, 3, { strides: 2, dilationRate: 2 }), tf.errors.InvalidArgumentError, 'strides > 1 not supported in conjunction with dilationRate > 1');
  throwsClass(() => tf.layers.conv2d(tf.placeholder('float32', [null, 8, 8, null]), 4, 3), tf.errors.InvalidArgumentError, 'The channel dimension of the inputs should be defined');
  throwsClass(() => tf.layers.conv2d(tf.placeholder('float32', [8, 8]), 4, 3), tf.errors.InvalidArgumentError, 'inputs should have rank 4 (NHWC)');
  throwsClass(() => tf.layers.conv2d(p, 4, 3, { dataFormat: 'channels_first' as never }), tf.errors.InvalidArgumentError, "dataFormat must be 'channels_last'");
}));

test('maxPooling2d and averagePooling2d: values, names, bad arguments', () => fresh((g) => {
  const x = tf.constant(new tf.NDArray(Float32Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1], 'float32'));
  const m = tf.layers.maxPooling2d(x, 2, 2);
  assert.is(m.op.name, 'max_pooling2d/MaxPool');
  assert.equal(Array.from(both(m).data), [5, 7, 13, 15]);
  const a = tf.layers.averagePooling2d(x, [2, 2], [2, 2]);
  assert.equal(Array.from(both(a).data), [2.5, 4.5, 10.5, 12.5]);
  assert.equal(tf.layers.maxPooling2d(x, 3, 2, 'same').shape, [1, 2, 2, 1]);
  throwsClass(() => tf.layers.maxPooling2d(x, 2, undefined as never), tf.errors.InvalidArgumentError, 'strides is required');
  assert.ok(opNames(g).includes('average_pooling2d/AvgPool'));
}));

test('the deep-MNIST layers: conv-pool-conv-pool-flatten-dense-dropout-dense trains the same on both executors', () => fresh(() => {
  const x = tf.placeholder('float32', [null, 8, 8, 1]);
  const labels = tf.placeholder('int32', [null]);
  const training = tf.placeholder('bool', []);
  tf.setRandomSeed(5);
  let h = tf.layers.conv2d(x, 4, 3, { padding: 'same', activation: tf.nn.relu });
  h = tf.layers.maxPooling2d(h, 2, 2);
  h = tf.layers.conv2d(h, 8, 3, { padding: 'same', activation: tf.nn.relu });
  h = tf.layers.maxPooling2d(h, 2, 2);
  h = tf.layers.dense(tf.layers.flatten(h), 16, tf.nn.relu);
  h = tf.layers.dropout(h, { rate: 0.4, training });
  const logits = tf.layers.dense(h, 3);
  const loss = tf.losses.sparseSoftmaxCrossEntropy(labels, logits);
  const train = new tf.train.AdamOptimizer(0.01).minimize(loss);
  assert.equal(logits.shape, [null, 3]);
  const xs = new tf.NDArray(Float32Array.from(randomArray([6, 8, 8, 1], 2).data), [6, 8, 8, 1], 'float32');
  const feeds = new Map<tf.Tensor, tf.FeedValue>([[x, xs], [labels, [0, 1, 2, 0, 1, 2]], [training, false]]);
  const runs = (['compiled', 'interpreter'] as const).map((executor) => {
    using sess = new tf.Session({ executor });
    sess.run(tf.globalVariablesInitializer());
    const first = sess.run(loss, feeds) as number;
    for (let i = 0; i < 6; i++) sess.run(train, feeds);
    return [first, sess.run(loss, feeds) as number];
  });
  assert.equal(runs[0], runs[1]);
  assert.ok(runs[0][1] < runs[0][0] * 0.9, String(runs[0]));
}));

test.run();
