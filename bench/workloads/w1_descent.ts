// W1: the cost of one tiny run — one gradient-descent step on loss = x² (x = 5, lr 0.1),
// fetching x and the loss every step. Figure: µs per step.
import * as tf from '../../src/index.js';
import { HandDescent } from '../hand/w1_descent.js';
import { consume, type Column, type EngineCell, type Runner } from '../lib/harness.js';
import { HAND, planKind, TFGEN, TFGEN_WASM, tfgenSession, tfjsCells, withPlan, type Ctx } from './common.js';

const LR = 0.1;

/**
 * tfgen's cell: `sess.run({x, loss, train})` with a fresh literal per step, or one made before the
 * loop; on the JS backend or (`engine` TFGEN_WASM) the wasm backend.
 */
function tfgenCell(ctx: Ctx, idiom: 'fresh' | 'hoisted', engine = TFGEN): EngineCell {
  return {
    engine,
    make(): Runner {
      const g = new tf.Graph();
      const { x, loss, train } = g.asDefault(() => {
        const x = new tf.Variable(5, { name: 'x' });
        const loss = tf.multiply(x, x);
        const train = new tf.train.GradientDescentOptimizer(LR).minimize(loss);
        return { x, loss, train };
      });
      const sess = tfgenSession(ctx, g, engine === TFGEN_WASM ? 'wasm' : undefined);
      sess.run(g.asDefault(() => tf.globalVariablesInitializer()));
      const fetches = { x, loss, train };
      const first = sess.run({ x, loss, train }) as { x: number; loss: number };
      const second = sess.run({ x, loss, train }) as { x: number; loss: number };
      const kind = planKind(ctx, sess, fetches);
      const run = idiom === 'fresh'
        ? (reps: number) => {
          for (let i = 0; i < reps; i++) consume((sess.run({ x, loss, train }) as { loss: number }).loss);
        }
        : (reps: number) => {
          for (let i = 0; i < reps; i++) consume((sess.run(fetches) as { loss: number }).loss);
        };
      return {
        run,
        note: () => withPlan(kind, `${idiom === 'fresh' ? 'a fresh {x, loss, train} literal each step' : 'the fetch structure made once'}; first two losses ${first.loss}, ${second.loss} (x ${first.x} → ${second.x})`),
        dispose: () => sess.close(),
      };
    },
  };
}

export function w1Columns(ctx: Ctx): Column[] {
  const label = 'W1 x² step';
  const base = { workload: 'W1', unit: 'µs/step', higherIsBetter: false, metric: (ms: number) => ms * 1000 };
  return [{
    ...base,
    label,
    engines: [
      tfgenCell(ctx, 'fresh'),
      tfgenCell(ctx, 'fresh', TFGEN_WASM),
      ...tfjsCells(ctx, (t) => {
        const x = t.variable(t.scalar(5));
        const opt = t.train.sgd(LR);
        const step = (): number => {
          const loss = opt.minimize(() => x.square(), true)!;
          const v = loss.dataSync()[0];
          loss.dispose();
          return v;
        };
        const l0 = step(), l1 = step();
        return {
          run(reps) {
            for (let i = 0; i < reps; i++) consume(step());
          },
          note: () => `minimize(() => x.square(), true), loss read each step; first two losses ${l0}, ${l1}`,
          dispose: () => {
            x.dispose();
            opt.dispose();
          },
        };
      }),
      {
        engine: HAND,
        make(): Runner {
          const h = new HandDescent(5);
          const l0 = h.step(LR), l1 = h.step(LR);
          return {
            run(reps) {
              let s = 0;
              for (let i = 0; i < reps; i++) s += h.step(LR);
              consume(s);
            },
            note: () => `Float32Array(1) loop; first two losses ${l0}, ${l1}`,
          };
        },
      },
    ],
  }, { ...base, label: 'W1 hoisted', hoistedOf: label, engines: [tfgenCell(ctx, 'hoisted')] }];
}
