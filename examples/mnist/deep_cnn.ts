// TF1's "Deep MNIST for Experts": conv 5×5×32 → ReLU → max-pool 2×2 → conv 5×5×64 → ReLU →
// max-pool → dense 1024 ReLU → dropout (keep 0.5) → dense 10, softmax cross-entropy, Adam with
// learning rate 1e-4, batches of 50. TF1's tutorial trains 20,000 steps and reports about 99.2%
// test accuracy; a full-size step here takes seconds, so training stops after a time budget.
//
// Run: node --import tsx examples/mnist/deep_cnn.ts [seconds]   (default 300 s of training;
// writes examples/out/mnist_deep_cnn_loss.svg and TensorBoard logs in examples/out/logs/mnist_deep_cnn)
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import * as tf from '../../src/index.js';
import { Batches, loadMnist, type DataSet } from './data.js';
import { accuracyOf, logdirFor, writeLossSvg, type ExampleOptions, type ExampleResult } from './report.js';

export interface CnnOptions extends ExampleOptions {
  /** Channels of the two convolutions and units of the dense layer (the tutorial's: 32, 64, 1024). */
  widths?: [number, number, number];
}

const weightVariable = (shape: number[], name: string) => new tf.Variable(tf.truncatedNormal(shape, { stddev: 0.1 }), { name });
const biasVariable = (shape: number[], name: string) => new tf.Variable(tf.constant(0.1, { shape }), { name });
const conv2d = (x: tf.Tensor, W: tf.Variable) => tf.nn.conv2d(x, W, [1, 1, 1, 1], 'SAME');
const maxPool2x2 = (x: tf.Tensor) => tf.nn.maxPool(x, [1, 2, 2, 1], [1, 2, 2, 1], 'SAME');

export function main(opts: CnnOptions = {}): ExampleResult {
  const print = opts.print ?? console.log;
  const mnist = loadMnist({ train: opts.train, test: opts.test });
  const [c1, c2, dense] = opts.widths ?? [32, 64, 1024];
  const batchSize = opts.batchSize ?? 50;
  const g = new tf.Graph();
  return g.asDefault(() => {
    tf.setRandomSeed(1);
    const x = tf.placeholder(tf.float32, [null, 784], 'x');
    const y_ = tf.placeholder(tf.float32, [null, 10], 'y_');
    const xImage = tf.reshape(x, [-1, 28, 28, 1]);
    tf.summary.image('input', xImage, 3);

    const [W_conv1, b_conv1] = [weightVariable([5, 5, 1, c1], 'W_conv1'), biasVariable([c1], 'b_conv1')];
    const hPool1 = maxPool2x2(tf.nn.relu(conv2d(xImage, W_conv1).add(b_conv1)));
    const [W_conv2, b_conv2] = [weightVariable([5, 5, c1, c2], 'W_conv2'), biasVariable([c2], 'b_conv2')];
    const hPool2 = maxPool2x2(tf.nn.relu(conv2d(hPool1, W_conv2).add(b_conv2)));

    const [W_fc1, b_fc1] = [weightVariable([7 * 7 * c2, dense], 'W_fc1'), biasVariable([dense], 'b_fc1')];
    const hFc1 = tf.nn.relu(tf.matmul(tf.reshape(hPool2, [-1, 7 * 7 * c2]), W_fc1).add(b_fc1));
    const keepProb = tf.placeholder(tf.float32, [], 'keep_prob');
    const hFc1Drop = tf.nn.dropout(hFc1, keepProb);
    const [W_fc2, b_fc2] = [weightVariable([dense, 10], 'W_fc2'), biasVariable([10], 'b_fc2')];
    const yConv = tf.matmul(hFc1Drop, W_fc2).add(b_fc2);

    const crossEntropy = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y_, logits: yConv }));
    const trainStep = new tf.train.AdamOptimizer(1e-4).minimize(crossEntropy);
    const prediction = tf.argmax(yConv, 1);
    const lossSummary = tf.summary.scalar('cross_entropy', crossEntropy);
    tf.summary.histogram('conv1/weights', W_conv1);
    const everything = tf.summary.mergeAll()!;

    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const logdir = logdirFor('mnist_deep_cnn', opts);
    using writer = new tf.summary.FileWriter(logdir, g);
    const batches = new Batches(mnist.train, batchSize);
    const steps = opts.steps ?? 20000, budget = (opts.seconds ?? 300) * 1000;
    /** Accuracy with dropout off, in chunks (one batch of 2000 images would need a lot of memory). */
    const evaluate = (d: DataSet, chunk = 250): number => {
      const predicted = new Float64Array(d.size);
      for (let at = 0; at < d.size; at += chunk) {
        const n = Math.min(chunk, d.size - at);
        const p = sess.run(prediction, new Map<tf.Tensor, tf.FeedValue>([[x, d.images.subarray(at * 784, (at + n) * 784)], [keepProb, 1]])) as tf.NDArray;
        predicted.set(p.data as ArrayLike<number>, at);
      }
      return accuracyOf(predicted, d.labels);
    };
    const start = performance.now();
    let step = 0, loss = NaN;
    for (; step < steps && performance.now() - start < budget; step++) {
      const batch = batches.next();
      const feeds = new Map<tf.Tensor, tf.FeedValue>([[x, batch.images], [y_, batch.oneHot], [keepProb, 0.5]]);
      if (step % 100 === 0) {
        // as the tutorial: the accuracy on the batch, dropout off, before the step
        const p = sess.run(prediction, new Map<tf.Tensor, tf.FeedValue>([[x, batch.images], [keepProb, 1]])) as tf.NDArray;
        print(`step ${step}, training accuracy ${accuracyOf(p.data as ArrayLike<number>, batch.labels)}`);
      }
      if (step % 10 === 0) {
        const [s, l] = sess.run([step % 50 === 0 ? everything : lossSummary, crossEntropy, trainStep], feeds);
        writer.addSummary(s, step);
        loss = l;
        print(`step ${step}, ${((performance.now() - start) / 1000).toFixed(0)} s: minibatch loss ${l.toFixed(3)}`);
      } else sess.run(trainStep, feeds);
    }
    const trainSeconds = (performance.now() - start) / 1000;
    const testAccuracy = evaluate(mnist.test);
    writer.close();
    const svgPath = writeLossSvg('mnist_deep_cnn', logdir, 'Deep MNIST CNN (Adam 1e-4, batch 50): cross-entropy', opts, 'log');
    print(`deep CNN: ${step} steps of ${batchSize} in ${trainSeconds.toFixed(0)} s, test accuracy ${(testAccuracy * 100).toFixed(2)}% ` +
      `on ${mnist.test.size} digits (TF1's tutorial: about 99.2% after 20,000 steps)`);
    print(`loss curve: ${svgPath}`);
    return { testAccuracy, steps: step, trainSeconds, finalLoss: loss, logdir, svgPath };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main({ seconds: process.argv[2] ? Number(process.argv[2]) : undefined });
}
