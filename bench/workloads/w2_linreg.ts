// W2: the seed notebook's linear regression. 1000 seeded samples (temps ~ N(55, 20),
// visits = 1000 − 5·temps + N(0, 100), temps normalised), the first 800 used for training in
// batches of 100 taken in turn; 5000 SGD steps (lr 0.0005) each feeding X and y and fetching
// the train op, loss, m and b, as the notebook's loop does. Figure: ms for the 5000 steps.
import * as tf from '../../src/index.js';
import { linregStep, type LinRegState } from '../hand/w2_linreg.js';
import { consume, type Column, type EngineCell, type Runner } from '../lib/harness.js';
import { normal } from '../lib/rng.js';
import { HAND, planKind, TFGEN, TFGEN_WASM, tfgenSession, tfjsCells, withPlan, type Ctx } from './common.js';

const LR = 0.0005;
const BATCH = 100;

interface Data {
  batches: { x: Float32Array; y: Float32Array }[];
  /** The 800 training samples, of which the batches are views. */
  trainX: Float32Array;
  trainY: Float32Array;
  steps: number;
}

function seedData(steps: number): Data {
  const temp = normal(65, 55, 20), noise = normal(66, 0, 100);
  const temps = Array.from({ length: 1000 }, () => temp());
  const visits = temps.map((t) => 1000 - 5 * t + noise());
  const mean = temps.reduce((s, v) => s + v, 0) / temps.length;
  const std = Math.sqrt(temps.reduce((s, v) => s + (v - mean) ** 2, 0) / temps.length);
  const norm = temps.map((t) => (t - mean) / std);
  const trainX = Float32Array.from(norm.slice(0, 800)), trainY = Float32Array.from(visits.slice(0, 800));
  const batches = [];
  for (let start = 0; start + BATCH <= 800; start += BATCH) {
    batches.push({ x: trainX.slice(start, start + BATCH), y: trainY.slice(start, start + BATCH) });
  }
  return { batches, trainX, trainY, steps };
}

const fmtMB = (m: number, b: number): string => `m = ${m.toFixed(4)}, b = ${b.toFixed(4)}`;

/**
 * tfgen's cell. 'fresh' is the seed's loop: each step a fresh fetch list and a fresh feed Map of
 * fresh batch views (`X_train[start:end]`); 'hoisted' makes the list and one Map per batch once.
 * On the JS backend or (`engine` TFGEN_WASM) the wasm backend.
 */
function tfgenCell(ctx: Ctx, data: Data, idiom: 'fresh' | 'hoisted', engine = TFGEN): EngineCell {
  const { batches, trainX, trainY, steps } = data;
  return {
    engine,
    make(): Runner {
      const g = new tf.Graph();
      const { X, y, m, b, avgLoss, trainOneStep, init } = g.asDefault(() => {
        const X = tf.placeholder('float32', null, 'X');
        const y = tf.placeholder('float32', null, 'y');
        const m = new tf.Variable(0, { name: 'm' });
        const b = new tf.Variable(0, { name: 'b' });
        const predicted = tf.add(tf.multiply(X, m), b);
        const avgLoss = tf.reduceMean(tf.squaredDifference(predicted, y));
        const trainOneStep = new tf.train.GradientDescentOptimizer(LR).minimize(avgLoss);
        return { X, y, m, b, avgLoss, trainOneStep, init: tf.globalVariablesInitializer() };
      });
      const sess = tfgenSession(ctx, g, engine === TFGEN_WASM ? 'wasm' : undefined);
      const fetches = [trainOneStep, avgLoss, m, b];
      const feeds = batches.map((bt) => new Map<tf.Tensor, Float32Array>([[X, bt.x], [y, bt.y]]));
      const n = batches.length;
      let last: [null, number, number, number] = [null, 0, 0, 0];
      const train = idiom === 'fresh'
        ? (): void => {
          sess.run(init);
          for (let i = 0; i < steps; i++) {
            const start = (i % n) * BATCH, end = start + BATCH;
            last = sess.run([trainOneStep, avgLoss, m, b], new Map([[X, trainX.subarray(start, end)], [y, trainY.subarray(start, end)]]));
          }
          consume(last[1]);
        }
        : (): void => {
          sess.run(init);
          for (let i = 0; i < steps; i++) last = sess.run(fetches, feeds[i % n]);
          consume(last[1]);
        };
      const kind = planKind(ctx, sess, fetches, feeds[0]);
      return {
        run(reps) {
          for (let r = 0; r < reps; r++) train();
        },
        // why: m and b fetched with the train op are read before its update; read the final values afresh.
        note: () => {
          const [mv, bv] = sess.run([m, b]) as number[];
          const how = idiom === 'fresh' ? 'fresh fetch list, feed Map and batch views each step' : 'fetch list and per-batch Maps made once';
          return withPlan(kind, `${how}; ${fmtMB(mv, bv)}`);
        },
        dispose: () => sess.close(),
      };
    },
  };
}

export function w2Columns(ctx: Ctx): Column[] {
  const data = seedData(ctx.quick ? 1000 : 5000);
  const { batches, steps } = data;
  const label = `W2 linreg ${steps} steps`;
  const base = { workload: 'W2', unit: 'ms', higherIsBetter: false, metric: (ms: number) => ms };
  return [{
    ...base,
    label,
    engines: [
      tfgenCell(ctx, data, 'fresh'),
      tfgenCell(ctx, data, 'fresh', TFGEN_WASM),
      ...tfjsCells(ctx, (t) => {
        const m = t.variable(t.scalar(0)), b = t.variable(t.scalar(0));
        const zero = t.scalar(0);
        const opt = t.train.sgd(LR);
        let lastM = 0, lastB = 0;
        const train = (): void => {
          m.assign(zero);
          b.assign(zero);
          for (let i = 0; i < steps; i++) {
            const bt = batches[i % batches.length];
            // why: a feed is a new tensor per step in tfjs, as sess.run's feed dict is per call.
            const xb = t.tensor1d(bt.x), yb = t.tensor1d(bt.y);
            const loss = opt.minimize(() => t.mean(t.squaredDifference(t.add(t.mul(xb, m), b), yb)), true)!;
            consume(loss.dataSync()[0]);
            lastM = m.dataSync()[0];
            lastB = b.dataSync()[0];
            loss.dispose();
            xb.dispose();
            yb.dispose();
          }
        };
        return {
          run(reps) {
            for (let r = 0; r < reps; r++) train();
          },
          note: () => fmtMB(lastM, lastB),
          dispose: () => {
            m.dispose();
            b.dispose();
            zero.dispose();
            opt.dispose();
          },
        };
      }),
      {
        engine: HAND,
        make(): Runner {
          const s: LinRegState = { m: 0, b: 0, loss: 0 };
          const train = (): void => {
            s.m = 0;
            s.b = 0;
            for (let i = 0; i < steps; i++) {
              const bt = batches[i % batches.length];
              consume(linregStep(s, bt.x, bt.y, LR));
            }
          };
          return {
            run(reps) {
              for (let r = 0; r < reps; r++) train();
            },
            note: () => `${fmtMB(s.m, s.b)} (float32 via Math.fround)`,
          };
        },
      },
    ],
  }, { ...base, label: 'W2 hoisted', hoistedOf: label, engines: [tfgenCell(ctx, data, 'hoisted')] }];
}
