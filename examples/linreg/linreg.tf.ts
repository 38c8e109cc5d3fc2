// A model file (evaluated at build time by `tfgen compile` or the esbuild plugin): the seed
// notebook's linear regression, temperature in °F → ice creams sold. Its exports become the
// generated module's exports: handles for the tensors and ops, `predict` as a plain function.
import * as tf from 'tfgen';

// any number of samples per run: the unknown dim is a run-time dim of the compiled plans
export const X = tf.placeholder(tf.float32, [null], 'X');
export const Y = tf.placeholder(tf.float32, [null], 'Y');
export const m = new tf.Variable(0, { name: 'm' });
export const b = new tf.Variable(0, { name: 'b' });
export const yPred = X.mul(m).add(b);
export const loss = tf.reduceMean(tf.square(yPred.sub(Y)), undefined, false, 'loss');
export const train = new tf.train.AdamOptimizer(0.5).minimize(loss);
export const init = tf.globalVariablesInitializer();

/** predict({X}) → {sold}: what the trained line says for each temperature. */
export const predict = tf.signature({ inputs: { X }, outputs: { sold: yPred } });
