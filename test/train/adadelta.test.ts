import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';

const f = Math.fround;

/** TF1's ApplyAdadelta kernel on one float32 element, every operation rounded. */
function adadeltaStep(s: { x: number; acc: number; upd: number }, g: number, lr: number, rho: number, eps: number) {
  const omr = f(1 - rho);
  s.acc = f(f(s.acc * rho) + f(f(g * g) * omr));
  const update = f(f(f(Math.sqrt(f(s.upd + eps))) * f(1 / f(Math.sqrt(f(s.acc + eps))))) * g);
  s.x = f(s.x - f(update * lr));
  s.upd = f(f(s.upd * rho) + f(f(update * update) * omr));
}

for (const executor of ['compiled', 'interpreter'] as const) {
  test(`Adadelta (${executor}): TF1's update rule step by step on a vector and a scalar, globalStep`, () => {
    new tf.Graph().asDefault(() => {
      const w = new tf.Variable([0.5, -1.5, 2], { name: 'w' });
      const b = new tf.Variable(-0.75, { name: 'b' });
      const step = tf.train.getOrCreateGlobalStep();
      const opt = new tf.train.AdadeltaOptimizer(1.0, 0.9, 1e-6);
      const train = opt.minimize(tf.reduceSum(w.mul(w)).add(b.mul(b)), { globalStep: step });
      using sess = new tf.Session({ executor });
      sess.run(tf.globalVariablesInitializer());
      const st = [0.5, -1.5, 2, -0.75].map((x) => ({ x: f(x), acc: 0, upd: 0 }));
      for (let i = 0; i < 6; i++) {
        sess.run(train);
        for (const s of st) adadeltaStep(s, f(2 * s.x), 1, f(0.9), f(1e-6));
        const [wv, bv, acc, upd] = sess.run([w, b, opt.getSlot(w, 'accum')!, opt.getSlot(w, 'accum_update')!]);
        assert.equal([...Array.from(wv.data as Float32Array), bv], st.map((s) => s.x), `after step ${i + 1}`);
        assert.equal(Array.from(acc.data), st.slice(0, 3).map((s) => s.acc));
        assert.equal(Array.from(upd.data), st.slice(0, 3).map((s) => s.upd));
      }
      assert.is(sess.run(step), 6);
    });
  });
}

test('Adadelta: TF1 defaults, slot names `w/Adadelta` and `w/Adadelta_1`, op inputs', () => {
  const g = new tf.Graph();
  g.asDefault(() => {
    const w = new tf.Variable([1, 2], { name: 'w' });
    const opt = new tf.train.AdadeltaOptimizer();
    assert.equal([opt.learningRate, opt.rho, opt.epsilon], [0.001, 0.95, 1e-8]);
    opt.minimize(tf.reduceSum(w.mul(w)));
    assert.equal(opt.getSlotNames(), ['accum', 'accum_update']);
    assert.is(opt.getSlot(w, 'accum')!.op.name, 'w/Adadelta');
    assert.is(opt.getSlot(w, 'accum_update')!.op.name, 'w/Adadelta_1');
    assert.equal(g.getOperationByName('Adadelta/update_w/ApplyAdadelta').inputs.map((t) => t.name),
      ['w:0', 'w/Adadelta:0', 'w/Adadelta_1:0', 'Adadelta/lr:0', 'Adadelta/rho:0', 'Adadelta/epsilon:0', 'gradients/AddN:0']);
  });
});

test('Adadelta: float64 variables train in float64 and minimise a quadratic', () => {
  new tf.Graph().asDefault(() => {
    const x = new tf.Variable([3, -4], { dtype: 'float64' });
    const loss = tf.reduceSum(x.sub(tf.constant([1, 2], { dtype: 'float64' })).square());
    const train = new tf.train.AdadeltaOptimizer(1.0, 0.95, 1e-6).minimize(loss);
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const first = sess.run(loss) as number;
    for (let i = 0; i < 2000; i++) sess.run(train);
    const last = sess.run(loss) as number;
    assert.is(first, 4 + 36);
    assert.ok(last < 1e-3, `loss ${last}`);
    assert.is(sess.run(x).dtype, 'float64');
  });
});

test.run();
