// tf.signature in development: the callable runs on its own session (initial values) or on a
// live one (trained values); bad specs and bad calls fail with errors naming the key.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

const f32 = Math.fround;

test('a linear model: predict with initial values, then with a trained session', () => fresh(() => {
  const X = tf.placeholder(tf.float32, [null], 'X');
  const w = new tf.Variable(2, { name: 'w' });
  const b = new tf.Variable(0.5, { name: 'b' });
  const y = X.mul(w).add(b);
  const predict = tf.signature({ inputs: { X }, outputs: { y } });
  assert.ok(tf.isSignature(predict));
  assert.is(predict.inputTensors.get('X'), X);
  assert.is(predict.outputTensors.get('y'), y);
  const out = predict({ X: [1, 2, 3] });
  assert.equal(Object.keys(out), ['y']);
  assert.equal([...(out.y as tf.NDArray).data], [2.5, 4.5, 6.5]);

  const sess = new tf.Session();
  sess.run([w.initializer, b.initializer]);
  sess.run(tf.assign(w, 3));
  assert.equal([...(predict({ X: [1, 2] }, sess).y as tf.NDArray).data], [3.5, 6.5]);
  // the signature's own session is not touched by the other session's training
  assert.equal([...(predict({ X: [1] }).y as tf.NDArray).data], [2.5]);
}));

test('outputs may be Variables (their value) and Operations (null); a 0-d output is a number', () => fresh(() => {
  const x = tf.placeholder(tf.float32, [], 'x');
  const v = new tf.Variable(1.5, { name: 'v' });
  const sq = x.mul(x);
  const sig = tf.signature({ inputs: { x }, outputs: { sq, v, noop: tf.noOp() } });
  assert.equal(sig({ x: 3 }), { sq: 9, v: f32(1.5), noop: null });
}));

test('bad specs name the offending key and build nothing', () => fresh((g) => {
  const x = tf.placeholder(tf.float32, [], 'x');
  const before = g.getOperations().length;
  assert.throws(() => tf.signature({ inputs: { x: 3 as never }, outputs: { y: x } }), (e: Error) =>
    e instanceof tf.errors.InvalidArgumentError && /inputs\.x must be a Tensor or Variable, got number/.test(e.message));
  assert.throws(() => tf.signature({ inputs: { x }, outputs: {} }), /at least one output/);
  assert.throws(() => tf.signature(undefined as never), /takes \{inputs/);
  const other = new tf.Graph();
  const z = other.asDefault(() => tf.constant(1, { name: 'z' }));
  assert.throws(() => tf.signature({ inputs: { x }, outputs: { z } }), /outputs\.z \(z:0\) belongs to another graph/);
  assert.is(g.getOperations().length, before);
}));

test('bad calls: unknown key, missing key, wrong shape, a session of another graph', () => fresh(() => {
  const X = tf.placeholder(tf.float32, [2], 'X');
  const sig = tf.signature({ inputs: { X }, outputs: { y: X.mul(2) } });
  assert.throws(() => sig({ X: [1, 2], Z: [1] } as never), /Unknown signature input 'Z'; inputs are \{X\}/);
  assert.throws(() => sig({} as never), /Missing signature input 'X' \(X:0, float32\)/);
  assert.throws(() => sig({ X: [1, 2, 3] }), (e: Error) => e instanceof tf.errors.InvalidArgumentError);
  const s2 = new tf.Session({ graph: new tf.Graph() });
  assert.throws(() => sig({ X: [1, 2] }, s2), /runs another graph/);
  assert.equal([...(sig({ X: [1, 2] }).y as tf.NDArray).data], [2, 4]);
}));

test.run();
