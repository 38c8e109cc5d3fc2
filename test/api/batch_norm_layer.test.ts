// tf.layers.batchNormalization: TF1's variables, batch vs moving statistics, the UPDATE_OPS
// updates (with the fused kernel's Bessel correction for 4-D inputs), gradients, bad arguments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, gradCheck, randomArray } from '../_lib/gradcheck.js';
import { fresh, throwsClass } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

const f = Math.fround;
const data = [[1, 2, 3], [3, 4, 5]];
const vals = (v: unknown) => Array.from((v as tf.NDArray).data);

test('variables: gamma, beta (trainable), moving_mean, moving_variance; inference uses the moving ones', () => fresh(() => {
  const x = tf.placeholder('float32', [null, 3]);
  const y = tf.layers.batchNormalization(x);
  assert.equal(tf.globalVariables().map((v) => v.name), ['batch_normalization/gamma:0', 'batch_normalization/beta:0',
    'batch_normalization/moving_mean:0', 'batch_normalization/moving_variance:0']);
  assert.equal(tf.trainableVariables().map((v) => v.name), ['batch_normalization/gamma:0', 'batch_normalization/beta:0']);
  assert.equal(tf.getCollection(tf.GraphKeys.UPDATE_OPS), []);
  for (const executor of ['compiled', 'interpreter'] as const) {
    using sess = new tf.Session({ executor });
    sess.run(tf.globalVariablesInitializer());
    assertClose(sess.run(y, new Map([[x, data]])), data.flat().map((v) => v / Math.sqrt(1.001)), 1e-6);
  }
  assert.is(tf.layers.batchNormalization(x).op.graph.getOperations().some((o) => o.name.startsWith('batch_normalization_1/')), true);
}));

test('training: the batch moments normalise; UPDATE_OPS move the moving statistics by 1 − momentum', () => fresh(() => {
  const x = tf.placeholder('float32', [null, 3]);
  const y = tf.layers.batchNormalization(x, { training: true, momentum: 0.9, center: false, gammaInitializer: tf.constantInitializer(2) });
  const updates = tf.getCollection<tf.Tensor>(tf.GraphKeys.UPDATE_OPS);
  assert.is(updates.length, 2);
  assert.equal(tf.trainableVariables().map((v) => v.name), ['batch_normalization/gamma:0']);
  const [mm, mv] = tf.globalVariables().slice(1);
  const feeds = new Map([[x, data]]);
  const runs = (['compiled', 'interpreter'] as const).map((executor) => {
    using sess = new tf.Session({ executor });
    sess.run(tf.globalVariablesInitializer());
    const out = sess.run(y, feeds);
    sess.run(updates, feeds);
    return [vals(out), vals(sess.run(mm)), vals(sess.run(mv))];
  });
  assert.equal(runs[0], runs[1], 'compiled == interpreter');
  // mean [2, 3, 4], biased variance 1: 2·(x − mean)/√1.001
  assertClose(runs[0][0], [-1, -1, -1, 1, 1, 1].map((v) => 2 * v / Math.sqrt(1.001)), 1e-6);
  const decay = f(1 - 0.9);
  assert.equal(runs[0][1], [2, 3, 4].map((m) => f(0 - f(f(0 - m) * decay))));
  assert.equal(runs[0][2], [1, 1, 1]);
}));

test('4-D inputs (TF1 fused): the moving variance takes the batch variance with Bessel correction', () => fresh(() => {
  const x = tf.constant([[[[1]]], [[[3]]]]);
  const y = tf.layers.batchNormalization(x, { training: true });
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  assertClose(sess.run(y), [-1 / Math.sqrt(1.001), 1 / Math.sqrt(1.001)], 1e-6);
  sess.run(tf.getCollection(tf.GraphKeys.UPDATE_OPS));
  const [, , mm, mv] = tf.globalVariables();
  const decay = f(1 - 0.99);
  assert.equal(vals(sess.run(mm)), [f(0 - f(-2 * decay))]);
  // variance 1 · n/(n − 1) = 2
  assert.equal(vals(sess.run(mv)), [f(1 - f(f(1 - 2) * decay))]);
  // fused: false keeps the biased variance
  tf.layers.batchNormalization(x, { training: true, fused: false, name: 'plain' });
  const up = tf.getCollection<tf.Tensor>(tf.GraphKeys.UPDATE_OPS, 'plain');
  assert.is(up.length, 2);
  sess.run(tf.variablesInitializer(tf.globalVariables().slice(4)));
  sess.run(up);
  assert.equal(vals(sess.run('plain/moving_variance:0')), [1]);
}));

test('a fed training flag: batch statistics and updates only when true', () => fresh(() => {
  const x = tf.placeholder('float32', [2, 3]);
  const isTraining = tf.placeholder('bool', []);
  const y = tf.layers.batchNormalization(x, { training: isTraining });
  const updates = tf.getCollection<tf.Tensor>(tf.GraphKeys.UPDATE_OPS);
  const mm = tf.globalVariables()[2];
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const off = new Map<tf.Tensor, tf.FeedValue>([[x, data], [isTraining, false]]);
  const on = new Map<tf.Tensor, tf.FeedValue>([[x, data], [isTraining, true]]);
  assertClose(sess.run(y, off), data.flat().map((v) => v / Math.sqrt(1.001)), 1e-6);
  sess.run(updates, off);
  assert.equal(vals(sess.run(mm)), [0, 0, 0]);
  assertClose(sess.run(y, on), [-1, -1, -1, 1, 1, 1].map((v) => v / Math.sqrt(1.001)), 1e-6);
  sess.run(updates, on);
  assert.ok(vals(sess.run(mm)).every((v) => v > 0));
}));

test('gradient of the training output w.r.t. the inputs, gamma and beta (float64) by finite differences', () => fresh(() => {
  const x = tf.placeholder('float64', [4, 3]);
  const y = tf.layers.batchNormalization(tf.tanh(x), { training: true });
  const [gamma, beta, ...moving] = tf.globalVariables().map((v) => v.value());
  const feeds = new Map<tf.Tensor, unknown>(moving.map((t, i) => [t, randomArray([3], 30 + i, 0.5, 1.5)]));
  assert.ok(gradCheck(y, [x, gamma, beta], [randomArray([4, 3], 6), randomArray([3], 7, 0.5, 1.5), randomArray([3], 8)], { feeds }) < 1e-5);
}));

test('bad arguments: clear errors, no variables made', () => fresh(() => {
  throwsClass(() => tf.layers.batchNormalization(tf.placeholder('float32', [2, 3]), 2), tf.errors.InvalidArgumentError, 'Invalid axis: 2');
  throwsClass(() => tf.layers.batchNormalization(tf.placeholder('float32', [2, null])), tf.errors.InvalidArgumentError, 'Input has undefined `axis` dimension');
  throwsClass(() => tf.layers.batchNormalization(tf.placeholder('float32', [2, 3]), { momentum: 2 }), tf.errors.InvalidArgumentError, 'momentum must be in [0, 1]');
  throwsClass(() => tf.layers.batchNormalization(tf.placeholder('float32', [2, 3]), { renorm: true }), tf.errors.InvalidArgumentError, 'renorm is not supported');
  throwsClass(() => tf.layers.batchNormalization(tf.placeholder('float32', [2, 3]), { is_training: true } as never), tf.errors.InvalidArgumentError, "unknown option 'is_training'");
  assert.equal(tf.globalVariables(), []);
}));

test.run();
