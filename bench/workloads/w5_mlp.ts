// W5: one SGD training step (lr 0.1) of an MLP 784-128-10 with relu and mean softmax
// cross-entropy on a batch of 64, the batch fed every step and the loss fetched. Seeded data
// (8 batches of uniform [0, 1) pixels with random one-hot labels, taken in turn) and seeded
// Glorot-uniform weights, the same for every engine. Figure: ms per step.
import type { Scalar } from '@tensorflow/tfjs-core';
import * as tf from '../../src/index.js';
import { HandMlp, type MlpParams } from '../hand/w5_mlp.js';
import { consume, type Column, type Runner } from '../lib/harness.js';
import { uniform, uniformArray } from '../lib/rng.js';
import { HAND, planKind, TFGEN, TFGEN_WASM, tfgenNn, tfgenSession, tfjsCells, withPlan, type Ctx } from './common.js';

const IN = 784, HID = 128, OUT = 10, BATCH = 64, LR = 0.1, NBATCH = 8;
const CHECK_STEPS = 3;

interface Batch {
  x: Float32Array;
  y: Float32Array;
}

function makeBatches(): Batch[] {
  const label = uniform(51);
  return Array.from({ length: NBATCH }, (_, i) => {
    const y = new Float32Array(BATCH * OUT);
    for (let r = 0; r < BATCH; r++) y[r * OUT + Math.floor(label() * OUT)] = 1;
    return { x: uniformArray(BATCH * IN, 60 + i), y };
  });
}

function initParams(): MlpParams {
  const glorot = (fanIn: number, fanOut: number, seed: number): Float32Array => {
    const lim = Math.sqrt(6 / (fanIn + fanOut));
    return uniformArray(fanIn * fanOut, seed, -lim, lim);
  };
  return { w1: glorot(IN, HID, 52), b1: new Float32Array(HID), w2: glorot(HID, OUT, 53), b2: new Float32Array(OUT) };
}

const lossNote = (losses: number[]): string =>
  `losses of the first ${losses.length} steps: ${losses.map((l) => l.toFixed(5)).join(', ')}`;

export function w5Columns(ctx: Ctx): Column[] {
  const batches = makeBatches();
  const params = initParams();
  const copy = (): MlpParams => ({
    w1: params.w1.slice(), b1: params.b1.slice(), w2: params.w2.slice(), b2: params.b2.slice(),
  });
  /** tfgen's cell on one backend (the JS backend by default). */
  const tfgenCell = (engine: string, backend?: 'wasm') => ({
    engine,
    make(): Runner | string {
      const nn = tfgenNn();
      if (typeof nn === 'string') return nn;
      const p = copy();
      const g = new tf.Graph();
      const { X, Y, loss, train } = g.asDefault(() => {
        const X = tf.placeholder('float32', [null, IN], 'X');
        const Y = tf.placeholder('float32', [null, OUT], 'Y');
        const W1 = new tf.Variable(new tf.NDArray(p.w1, [IN, HID]), { name: 'W1' });
        const b1 = new tf.Variable(new tf.NDArray(p.b1, [HID]), { name: 'b1' });
        const W2 = new tf.Variable(new tf.NDArray(p.w2, [HID, OUT]), { name: 'W2' });
        const b2 = new tf.Variable(new tf.NDArray(p.b2, [OUT]), { name: 'b2' });
        const h = nn.relu(tf.add(tf.matmul(X, W1), b1));
        const logits = tf.add(tf.matmul(h, W2), b2);
        const loss = tf.reduceMean(nn.softmaxCrossEntropyWithLogits({ labels: Y, logits }));
        const train = new tf.train.GradientDescentOptimizer(LR).minimize(loss);
        return { X, Y, loss, train };
      });
      const sess = tfgenSession(ctx, g, backend);
      sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const feeds = batches.map((bt) => new Map<tf.Tensor, Float32Array>([[X, bt.x], [Y, bt.y]]));
      const fetches = [train, loss];
      let i = 0;
      const step = (): number => (sess.run(fetches, feeds[i++ % NBATCH]) as [null, number])[1];
      const losses = Array.from({ length: CHECK_STEPS }, step);
      const kind = planKind(ctx, sess, fetches, feeds[0]);
      const kernels = sess._planFor(fetches, feeds[0])?.data.kernels ?? [];
      const wasmNote = backend ? `; ${kernels.filter((k) => k.runsOn === 'wasm').length} of ${kernels.length} kernels in wasm` : '';
      return {
        run(reps) {
          for (let r = 0; r < reps; r++) consume(step());
        },
        note: () => withPlan(kind, lossNote(losses) + wasmNote),
        dispose: () => sess.close(),
      };
    },
  });
  return [{
    workload: 'W5',
    label: 'W5 MLP step',
    unit: 'ms/step',
    higherIsBetter: false,
    metric: (ms) => ms,
    engines: [
      tfgenCell(TFGEN),
      tfgenCell(TFGEN_WASM, 'wasm'),
      ...tfjsCells(ctx, (t) => {
        const p = copy();
        const W1 = t.variable(t.tensor2d(p.w1, [IN, HID])), b1 = t.variable(t.tensor1d(p.b1));
        const W2 = t.variable(t.tensor2d(p.w2, [HID, OUT])), b2 = t.variable(t.tensor1d(p.b2));
        const opt = t.train.sgd(LR);
        let i = 0;
        const step = (): number => {
          const bt = batches[i++ % NBATCH];
          const xb = t.tensor2d(bt.x, [BATCH, IN]), yb = t.tensor2d(bt.y, [BATCH, OUT]);
          const loss = opt.minimize(() => {
            const h = t.relu(t.add(t.matMul(xb, W1), b1));
            return t.losses.softmaxCrossEntropy(yb, t.add(t.matMul(h, W2), b2)) as Scalar;
          }, true)!;
          const v = loss.dataSync()[0];
          loss.dispose();
          xb.dispose();
          yb.dispose();
          return v;
        };
        const losses = Array.from({ length: CHECK_STEPS }, step);
        return {
          run(reps) {
            for (let r = 0; r < reps; r++) consume(step());
          },
          note: () => `${lossNote(losses)}; train.sgd().minimize with losses.softmaxCrossEntropy`,
          dispose: () => {
            for (const v of [W1, b1, W2, b2]) v.dispose();
            opt.dispose();
          },
        };
      }),
      {
        engine: HAND,
        make(): Runner {
          const mlp = new HandMlp(copy(), BATCH, IN, HID, OUT);
          let i = 0;
          const step = (): number => {
            const bt = batches[i++ % NBATCH];
            return mlp.step(bt.x, bt.y, LR);
          };
          const losses = Array.from({ length: CHECK_STEPS }, step);
          return {
            run(reps) {
              for (let r = 0; r < reps; r++) consume(step());
            },
            note: () => `${lossNote(losses)}; plain i-k-j loops`,
          };
        },
      },
    ],
  }];
}
