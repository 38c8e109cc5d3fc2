// An MLP classifier for points of the plane (the three-arm spiral of data.ts): 2 → 16 → 16 → 3,
// ReLU, softmax cross-entropy, Adam. The initial weights are drawn here, at build time, from a
// seeded normal generator (He scaling) and become constants of the compiled module.
// why: a random op in the graph would be a host call of the initializer plan, which brings the
// whole op table (every reference kernel) into the page's bundle.
import * as tf from 'tfgen';
import { normalSample, uniformStream } from 'tfgen/runtime';

export const CLASSES = 3;
export const X = tf.placeholder(tf.float32, [null, 2], 'X');
export const labels = tf.placeholder(tf.float32, [null, CLASSES], 'labels');

const dense = (x: tf.Tensor, inputs: number, units: number, seed: number, name: string) => {
  const u = uniformStream(seed), scale = Math.sqrt(2 / inputs);
  const values = Array.from({ length: inputs }, () => Array.from({ length: units }, () => scale * normalSample(u)));
  const W = new tf.Variable(tf.constant(values), { name: `${name}/W` });
  const bias = new tf.Variable(tf.zeros([units]), { name: `${name}/b` });
  return tf.add(tf.matmul(x, W), bias);
};
const h1 = tf.nn.relu(dense(X, 2, 16, 1, 'h1'));
const h2 = tf.nn.relu(dense(h1, 16, 16, 2, 'h2'));
export const logits = dense(h2, 16, CLASSES, 3, 'out');
export const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits }), undefined, false, 'loss');
export const train = new tf.train.AdamOptimizer(0.02).minimize(loss);
export const init = tf.globalVariablesInitializer();

/** predict({X}) → {classes}: the most likely class of each point. */
export const predict = tf.signature({ inputs: { X }, outputs: { classes: tf.argmax(logits, 1) } });
