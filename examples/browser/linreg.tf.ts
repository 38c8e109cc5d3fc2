// The seed notebook's linear regression (In [70]–[74]) as a model file: hospital visits against
// the standardised temperature, mean squared difference, gradient descent at 0.0005. Bundled
// with the tfgen esbuild plugin, the page gets the compiled module (no graph, no compiler).
import * as tf from 'tfgen';

// why: the notebook's placeholders have no shape; [null] lets the compiled plans take any batch.
export const X = tf.placeholder(tf.float32, [null], 'X');
export const y = tf.placeholder(tf.float32, [null], 'y');
export const m = new tf.Variable(0.0, { name: 'm' });
export const b = new tf.Variable(0.0, { name: 'b' });
export const predictedY = X.mul(m).add(b);
export const avgLoss = tf.reduceMean(tf.squaredDifference(predictedY, y));
export const trainOneStep = new tf.train.GradientDescentOptimizer(0.0005).minimize(avgLoss);
export const init = tf.globalVariablesInitializer();

/** predict({X}) → {visits}: the fitted line at standardised temperatures. */
export const predict = tf.signature({ inputs: { X }, outputs: { visits: predictedY } });
