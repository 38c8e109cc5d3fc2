// The deep-MNIST convolutional network of TF1's tutorials (conv 5×5 SAME, relu, maxPool 2×2,
// conv 5×5, pool, dense, dropout, dense 10, softmax cross entropy, Adam) on real handwritten
// digits (the `mnist` package), narrowed to 4/8 channels and 32 hidden units so the suite stays
// fast: it trains (loss falls, the training batch gets classified), its compiled step equals the
// interpreter's bit for bit, its gradients match finite differences, and the full-size network
// builds with the tutorial's shapes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createRequire } from 'node:module';
import * as tf from '../../src/index.js';
import { compiledEqualsInterpreter } from '../_lib/compiled.js';
import { gradCheck, randomArray } from '../_lib/gradcheck.js';

const mnist = createRequire(import.meta.url)('mnist') as Record<number, { range(first: number, last: number): number[][] }>; // why: range is inclusive of last

/** The first `perDigit` samples of each digit, interleaved: images [n, 784] and one-hot labels [n, 10]. */
function digits(perDigit: number): { images: Float32Array; labels: Float32Array; n: number } {
  const n = perDigit * 10;
  const images = new Float32Array(n * 784), labels = new Float32Array(n * 10);
  for (let d = 0; d < 10; d++) {
    mnist[d].range(0, perDigit - 1).forEach((img, k) => {
      const i = k * 10 + d;
      images.set(img, i * 784);
      labels[i * 10 + d] = 1;
    });
  }
  return { images, labels, n };
}

function deepMnist(c1: number, c2: number, hidden: number, learningRate = 1e-4) {
  const x = tf.placeholder('float32', [null, 784], 'x');
  const y = tf.placeholder('float32', [null, 10], 'y_');
  const keepProb = tf.placeholder('float32', [], 'keep_prob');
  let seed = 1;
  const weight = (s: number[]) => new tf.Variable(tf.truncatedNormal(s, { stddev: 0.1, seed: seed++ }));
  const bias = (n: number) => new tf.Variable(tf.fill([n], 0.1));
  const conv = (a: tf.Tensor, w: tf.TensorLike) => tf.nn.conv2d(a, w, [1, 1, 1, 1], 'SAME');
  const pool = (a: tf.Tensor) => tf.nn.maxPool(a, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME');
  const image = tf.reshape(x, [-1, 28, 28, 1]);
  const h1 = pool(tf.nn.relu(tf.add(conv(image, weight([5, 5, 1, c1])), bias(c1))));
  const h2 = pool(tf.nn.relu(tf.add(conv(h1, weight([5, 5, c1, c2])), bias(c2))));
  const fc = tf.nn.relu(tf.add(tf.matmul(tf.reshape(h2, [-1, 7 * 7 * c2]), weight([7 * 7 * c2, hidden])), bias(hidden)));
  // why: a seeded dropout mask, so the training assertion below holds on every run, not most.
  const logits = tf.add(tf.matmul(tf.nn.dropout(fc, keepProb, { seed: 7 }), weight([hidden, 10])), bias(10));
  const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
  const train = new tf.train.AdamOptimizer(learningRate).minimize(loss);
  const accuracy = tf.reduceMean(tf.cast(tf.equal(tf.argmax(logits, 1), tf.argmax(y, 1)), 'float32'));
  return { x, y, keepProb, h1, h2, fc, loss, train, accuracy };
}

test('the narrowed deep-MNIST network learns real digits with Adam and dropout', () => new tf.Graph().asDefault(() => {
  const net = deepMnist(4, 8, 32, 5e-3);
  const { images, labels, n } = digits(10);
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const all = new Map<tf.Tensor, tf.FeedValue>([[net.x, images], [net.y, labels], [net.keepProb, 1]]);
  const before = sess.run(net.loss, all) as number;
  for (let step = 0; step < 50; step++) {
    const b = (step % 5) * 20;
    const feeds = new Map<tf.Tensor, tf.FeedValue>([[net.x, images.subarray(b * 784, (b + 20) * 784)],
      [net.y, labels.subarray(b * 10, (b + 20) * 10)], [net.keepProb, 0.5]]);
    sess.run([net.train, net.loss], feeds);
  }
  const after = sess.run(net.loss, all) as number;
  const accuracy = sess.run(net.accuracy, all) as number;
  assert.ok(before > 2 && after < before * 0.5, `loss ${before} -> ${after}`);
  assert.ok(accuracy >= 0.7, `training accuracy ${accuracy} on ${n} digits`);
}));

test('one training step of the network: compiled equals the interpreter (values, then every variable)', () => new tf.Graph().asDefault(() => {
  const net = deepMnist(2, 4, 8);
  const { images, labels } = digits(1);
  const feeds = new Map<tf.Tensor, tf.FeedValue>([[net.x, images], [net.y, labels], [net.keepProb, 1]]);
  const init = tf.globalVariablesInitializer();
  // why: dropout's RandomUniform is the one reference kernel a plan calls (random ops are host calls).
  compiledEqualsInterpreter([net.loss, ...tf.gradients(net.loss, tf.trainableVariables()) as tf.Tensor[]], feeds, { init, allowHost: true });
}));

test('the network\'s gradients w.r.t. both conv filters match finite differences (float64, tiny sizes)', () => new tf.Graph().asDefault(() => {
  const x = tf.placeholder('float64', [2, 8, 8, 1]);
  const w1 = tf.placeholder('float64', [3, 3, 1, 2]), w2 = tf.placeholder('float64', [3, 3, 2, 3]);
  const labels = tf.constant(new tf.NDArray(Float64Array.of(0, 1, 1, 0), [2, 2], 'float64'));
  const pool = (a: tf.Tensor) => tf.nn.maxPool(a, 2, 2, 'SAME');
  const h = pool(tf.nn.relu(tf.nn.conv2d(pool(tf.nn.relu(tf.nn.conv2d(x, w1, 1, 'SAME'))), w2, 1, 'SAME')));
  const wd = tf.constant(new tf.NDArray(Float64Array.from({ length: 24 }, (_, i) => Math.sin(i)), [12, 2], 'float64'));
  const logits = tf.matmul(tf.reshape(h, [-1, 12]), wd);
  const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits }));
  const xv = new tf.NDArray(Float64Array.from({ length: 128 }, (_, i) => Math.cos(i * 0.7)), [2, 8, 8, 1], 'float64');
  const feeds = new Map<tf.Tensor, unknown>([[x, xv]]);
  gradCheck(loss, [w1, w2], [randomArray([3, 3, 1, 2], 3), randomArray([3, 3, 2, 3], 4)], { feeds, tol: 1e-6 });
}));

test('the full-size tutorial network has its static shapes', () => new tf.Graph().asDefault(() => {
  const net = deepMnist(32, 64, 1024);
  assert.equal(net.h1.shape, [null, 14, 14, 32]);
  assert.equal(net.h2.shape, [null, 7, 7, 64]);
  assert.equal(net.fc.shape, [null, 1024]);
  const grads = tf.gradients(net.loss, tf.trainableVariables());
  assert.equal(grads.map((g) => g!.shape), [[5, 5, 1, 32], [32], [5, 5, 32, 64], [64], [3136, 1024], [1024], [1024, 10], [10]]);
}));

test.run();
