// The small linear regression the compiled-module browser tests train: its model file (with a
// chosen predict output), its data, and the Node JIT's numbers for the same run, which a page
// must reproduce.
import * as tf from '../../src/index.js';

export const XS = [0, 1, 2, 3, 4, 5, 6, 7], YS = [-2.1, 1.2, 3.9, 7.1, 9.8, 13.2, 15.9, 19.1];

/** The model file; `predict` returns `sold`: yPred, or tanh(yPred) with `squash`. */
export function linregModel(squash: boolean): string {
  return `import * as tf from 'tfgen';
export const X = tf.placeholder(tf.float32, [null], 'X');
export const Y = tf.placeholder(tf.float32, [null], 'Y');
export const m = new tf.Variable(0, { name: 'm' });
export const b = new tf.Variable(0, { name: 'b' });
export const yPred = tf.add(tf.multiply(X, m), b);
export const loss = tf.reduceMean(tf.square(tf.subtract(yPred, Y)));
export const train = new tf.train.GradientDescentOptimizer(0.02).minimize(loss);
export const init = tf.globalVariablesInitializer();
export const predict = tf.signature({ inputs: { X }, outputs: { sold: ${squash ? 'tf.tanh(yPred)' : 'yPred'} } });
`;
}

export interface Trained { losses: number[]; m: number; b: number; sold: number[] }

/** The same model trained `steps` steps on XS, YS by the Node JIT, then asked `ask`. */
export function linregReference(steps: number, ask: number[], squash: boolean): Trained {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const X = tf.placeholder(tf.float32, [null], 'X'), Y = tf.placeholder(tf.float32, [null], 'Y');
    const m = new tf.Variable(0, { name: 'm' }), b = new tf.Variable(0, { name: 'b' });
    const yPred = tf.add(tf.multiply(X, m), b);
    const loss = tf.reduceMean(tf.square(tf.subtract(yPred, Y)));
    const train = new tf.train.GradientDescentOptimizer(0.02).minimize(loss);
    using sess = new tf.Session({ graph: g });
    sess.run(tf.globalVariablesInitializer());
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) losses.push((sess.run([train, loss], { X: XS, Y: YS }) as [null, number])[1]);
    const [mv, bv] = sess.run([m, b]) as number[];
    return { losses, m: mv, b: bv, sold: Array.from((sess.run(squash ? tf.tanh(yPred) : yPred, { X: ask }) as tf.NDArray).data) };
  });
}
