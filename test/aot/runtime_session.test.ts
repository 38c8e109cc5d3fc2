// tfgen/runtime's Session also runs a model file's own tensors when tfgen is loaded (the model
// file imported directly, in development), so an app is written once for both modes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';
import { Session } from '../../src/runtime/index.js';

test('graph tensors run on a DSL session of their graph: same numbers, state kept across runs', () => fresh(() => {
  const X = tf.placeholder(tf.float32, [null], 'X');
  const w = new tf.Variable(0.5, { name: 'w' });
  const loss = tf.reduceMean(tf.square(X.mul(w).sub(1)));
  const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
  const sess = new Session();
  sess.run(tf.globalVariablesInitializer());
  const ref = new tf.Session();
  ref.run(tf.globalVariablesInitializer());
  for (let i = 0; i < 5; i++) {
    assert.equal(sess.run([train, loss], { X: [1, 2, 3] }), ref.run([train, loss], { X: [1, 2, 3] }));
  }
  assert.is(sess.run(w), ref.run(w));
  const other = new tf.Graph();
  const c = other.asDefault(() => tf.constant(1));
  assert.throws(() => sess.run(c), /runs another graph than these fetches' graph/);
  sess.close();
  assert.throws(() => sess.run(w), /closed Session/);
}));

test('a model file\'s signature given a runtime Session runs on its DSL session (trained values)', () => fresh(() => {
  const X = tf.placeholder(tf.float32, [null], 'X');
  const w = new tf.Variable(0.5, { name: 'w' });
  const y = X.mul(w);
  const train = new tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduceMean(tf.square(y.sub(X))));
  const predict = tf.signature({ inputs: { X }, outputs: { y } });
  const sess = new Session();
  sess.run(tf.globalVariablesInitializer());
  sess.run(train, { X: [1, 2] });
  // dloss/dw = mean(2·(w − 1)·x²) = −0.5·(1 + 4) = −2.5, so w = 0.5 + 0.1·2.5
  assert.is(sess.run(w), 0.75);
  assert.equal(Array.from((predict({ X: [2, 4] }, sess).y as tf.NDArray).data), [1.5, 3]);
  assert.equal(Array.from((predict({ X: [2, 4] }).y as tf.NDArray).data), [1, 2], 'without a session: initial values');
  const otherGraph = new tf.Graph();
  const other = otherGraph.asDefault(() => {
    const Z = tf.placeholder(tf.float32, [1], 'Z');
    return tf.signature({ inputs: { Z }, outputs: { z: Z.mul(2) } });
  });
  assert.throws(() => other({ Z: [1] }, sess), /runs another graph than these fetches' graph/);
  assert.is(sess.run(w), 0.75, 'the failed call changed nothing');
}));

test.run();
