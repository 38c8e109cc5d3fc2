// The classic TF1 multilayer perceptron on MNIST: two hidden ReLU layers of 256 units,
// weights and biases from tf.randomNormal, softmax cross-entropy, Adam (learning rate 0.001),
// batches of 100 for 15 epochs, as the well-known TF1 example programs write it.
//
// Run: node --import tsx examples/mnist/mlp.ts   (writes examples/out/mnist_mlp_loss.svg and
// TensorBoard logs in examples/out/logs/mnist_mlp)
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import * as tf from '../../src/index.js';
import { Batches, loadMnist } from './data.js';
import { logdirFor, writeLossSvg, type ExampleOptions, type ExampleResult } from './report.js';

export interface MlpOptions extends ExampleOptions {
  epochs?: number;
  hidden?: number;
}

export function main(opts: MlpOptions = {}): ExampleResult {
  const print = opts.print ?? console.log;
  const mnist = loadMnist({ train: opts.train, test: opts.test });
  const batchSize = opts.batchSize ?? 100, hidden = opts.hidden ?? 256;
  const g = new tf.Graph();
  return g.asDefault(() => {
    tf.setRandomSeed(1);
    const X = tf.placeholder('float', [null, 784], 'X');
    const Y = tf.placeholder('float', [null, 10], 'Y');
    const weights = {
      h1: new tf.Variable(tf.randomNormal([784, hidden]), { name: 'h1' }),
      h2: new tf.Variable(tf.randomNormal([hidden, hidden]), { name: 'h2' }),
      out: new tf.Variable(tf.randomNormal([hidden, 10]), { name: 'w_out' }),
    };
    const biases = {
      b1: new tf.Variable(tf.randomNormal([hidden]), { name: 'b1' }),
      b2: new tf.Variable(tf.randomNormal([hidden]), { name: 'b2' }),
      out: new tf.Variable(tf.randomNormal([10]), { name: 'b_out' }),
    };
    const multilayerPerceptron = (x: tf.Tensor) => {
      const layer1 = tf.nn.relu(tf.add(tf.matmul(x, weights.h1), biases.b1));
      const layer2 = tf.nn.relu(tf.add(tf.matmul(layer1, weights.h2), biases.b2));
      return tf.matmul(layer2, weights.out).add(biases.out);
    };
    const logits = multilayerPerceptron(X);
    const lossOp = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: Y, logits }));
    const trainOp = new tf.train.AdamOptimizer(0.001).minimize(lossOp);
    const correct = tf.equal(tf.argmax(logits, 1), tf.argmax(Y, 1));
    const accuracy = tf.reduceMean(tf.cast(correct, 'float'));
    const lossSummary = tf.summary.scalar('loss', lossOp);

    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const logdir = logdirFor('mnist_mlp', opts);
    using writer = new tf.summary.FileWriter(logdir, g);
    const batches = new Batches(mnist.train, batchSize);
    const perEpoch = Math.floor(mnist.train.size / batchSize);
    const steps = opts.steps ?? (opts.epochs ?? 15) * perEpoch, budget = (opts.seconds ?? Infinity) * 1000;
    const start = performance.now();
    let step = 0, loss = NaN;
    for (; step < steps && performance.now() - start < budget; step++) {
      const batch = batches.next();
      const feeds = new Map([[X, batch.images], [Y, batch.oneHot]]);
      if (step % 20 === 0) {
        const [s, l] = sess.run([lossSummary, lossOp, trainOp], feeds);
        writer.addSummary(s, step);
        loss = l;
      } else sess.run(trainOp, feeds);
      if ((step + 1) % perEpoch === 0) print(`epoch ${(step + 1) / perEpoch}: minibatch loss ${loss.toFixed(3)}`);
    }
    const trainSeconds = (performance.now() - start) / 1000;
    const testAccuracy = sess.run(accuracy, new Map([[X, mnist.test.images], [Y, mnist.test.oneHot]])) as number;
    writer.close();
    const svgPath = writeLossSvg('mnist_mlp', logdir, 'MNIST multilayer perceptron (256-256, Adam): loss', opts, 'log');
    print(`multilayer perceptron: ${step} steps of ${batchSize} in ${trainSeconds.toFixed(1)} s, ` +
      `test accuracy ${(testAccuracy * 100).toFixed(2)}% on ${mnist.test.size} digits`);
    print(`loss curve: ${svgPath}`);
    return { testAccuracy, steps: step, trainSeconds, finalLoss: loss, logdir, svgPath };
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main();
