// TF1's layer objects: weights made on the first apply, reused by every later one, ops in the
// first name scope; their variables and names.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh, throwsClass } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

test('Dense: one set of weights for every call; ops in dense/ (MatMul, MatMul_1); dense_1 for the next object', () => fresh((g) => {
  const layer = new tf.layers.Dense(2, { activation: tf.nn.relu, kernelInitializer: tf.constantInitializer([1, -1, 2, 0, 0, -1]) });
  assert.is(layer.built, false);
  assert.equal(layer.variables, []);
  const a = layer.apply(tf.constant([[1, 2, 3]]));
  const b = layer.apply(tf.constant([[1, 2, 3], [0, 0, 1]]));
  assert.is(layer.name, 'dense');
  assert.is(layer.kernel!.name, 'dense/kernel:0');
  assert.is(layer.bias!.name, 'dense/bias:0');
  assert.equal(layer.variables.map((v) => v.name), ['dense/kernel:0', 'dense/bias:0']);
  assert.equal(layer.trainableWeights, layer.variables);
  assert.equal([a.op.name, b.op.name], ['dense/Relu', 'dense/Relu_1']);
  assert.ok(g.getOperationByName('dense/MatMul_1'));
  assert.is(tf.globalVariables().length, 2);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  assert.equal(sess.run([a, b]).map((v: tf.NDArray) => v.toArray()), [[[5, 0]], [[5, 0], [0, 0]]]);
  const other = new tf.layers.Dense(3, { name: undefined });
  other.apply(a);
  assert.is(other.name, 'dense_1');
  throwsClass(() => layer.apply(tf.constant([[1, 2]])), tf.errors.InvalidArgumentError, 'Trying to share variable dense/kernel, but specified shape (2, 2) and found shape (3, 2).');
}));

test('BatchNormalization object: training and inference calls share gamma, beta and the moving statistics', () => fresh(() => {
  const bn = new tf.layers.BatchNormalization({ momentum: 0.5, name: 'bn' });
  const x = tf.placeholder('float32', [null, 2]);
  const trainOut = bn.apply(x, { training: true });
  const inferOut = bn.apply(x, { training: false });
  assert.equal(bn.variables.map((v) => v.op.name), ['bn/gamma', 'bn/beta', 'bn/moving_mean', 'bn/moving_variance']);
  assert.equal(bn.trainableVariables.map((v) => v.op.name), ['bn/gamma', 'bn/beta']);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const feeds = new Map([[x, [[1, 2], [3, 6]]]]);
  sess.run([trainOut, ...tf.getCollection<tf.Tensor>(tf.GraphKeys.UPDATE_OPS)], feeds);
  // moving mean moved half way to the batch mean [2, 4]
  assert.equal(Array.from((sess.run('bn/moving_mean:0') as tf.NDArray).data), [1, 2]);
  assert.equal((sess.run(inferOut, feeds) as tf.NDArray).shape, [2, 2]);
}));

test('a small CNN of layer objects: shapes, and applying it twice reuses every weight', () => fresh(() => {
  const conv = new tf.layers.Conv2D(4, 3, { padding: 'same', activation: tf.nn.relu });
  const pool = new tf.layers.MaxPooling2D(2, 2);
  const flat = new tf.layers.Flatten();
  const drop = new tf.layers.Dropout({ rate: 0.5 });
  const out = new tf.layers.Dense(3);
  const net = (x: tf.Tensor, training: boolean) => out.apply(drop.apply(flat.apply(pool.apply(conv.apply(x))), { training }));
  const y1 = net(tf.placeholder('float32', [null, 8, 8, 1]), true);
  const y2 = net(tf.placeholder('float32', [5, 8, 8, 1]), false);
  assert.equal([y1.shape, y2.shape], [[null, 3], [5, 3]]);
  assert.equal(tf.trainableVariables().map((v) => v.name), ['conv2d/kernel:0', 'conv2d/bias:0', 'dense/kernel:0', 'dense/bias:0']);
  assert.equal(conv.kernel!.shape, [3, 3, 1, 4]);
  assert.equal([pool.name, flat.name, drop.name], ['max_pooling2d', 'flatten', 'dropout']);
  assert.equal(new tf.layers.AveragePooling2D(2, 2).apply(tf.zeros([1, 4, 4, 1])).shape, [1, 2, 2, 1]);
}));

test.run();
