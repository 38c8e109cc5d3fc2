// The MLP's softmax cross-entropy training step (784-128-10, a run-time batch fed 64 rows) on the
// wasm backend: every kernel runs in wasm, and three steps give the JS backend's losses and weights (matmuls
// accumulating in float64: bit for bit with math: 'exact'; within the transcendentals' 1 ulp,
// amplified by three steps, otherwise).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { wasmBackendWith } from '../../codegen/backend.js';
import { jitCompiler } from '../../codegen/jit.js';
import { mulberry32 } from '../_lib/random_graph.js';

process.env.TFGEN_VERIFY ??= '1';

function mlp(sessionOf: (g: tf.Graph) => tf.Session) {
  const rng = mulberry32(7);
  const uniform = (n: number, lim: number) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * lim);
  const g = new tf.Graph();
  const m = g.asDefault(() => {
    const X = tf.placeholder('float32', [null, 784], 'X'), Y = tf.placeholder('float32', [null, 10], 'Y');
    const W1 = new tf.Variable(new tf.NDArray(uniform(784 * 128, 0.08), [784, 128]), { name: 'W1' });
    const b1 = new tf.Variable(new tf.NDArray(uniform(128, 0.1), [128]), { name: 'b1' });
    const W2 = new tf.Variable(new tf.NDArray(uniform(128 * 10, 0.2), [128, 10]), { name: 'W2' });
    const b2 = new tf.Variable(new tf.NDArray(uniform(10, 0.1), [10]), { name: 'b2' });
    const logits = tf.add(tf.matmul(tf.nn.relu(tf.add(tf.matmul(X, W1), b1)), W2), b2);
    const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: Y, logits }));
    const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
    return { X, Y, loss, train, vars: [W1, b1, W2, b2], init: tf.globalVariablesInitializer() };
  });
  const sess = sessionOf(g);
  sess.run(m.init);
  const y = new Float32Array(64 * 10);
  for (let r = 0; r < 64; r++) y[r * 10 + Math.floor(rng() * 10)] = 1;
  const feeds = new Map<tf.Tensor, tf.NDArray>([[m.X, new tf.NDArray(uniform(64 * 784, 1), [64, 784], 'float32')], [m.Y, new tf.NDArray(y, [64, 10], 'float32')]]);
  const losses = [0, 1, 2].map(() => (sess.run([m.train, m.loss], feeds) as [null, number])[1]);
  const weights = m.vars.map((v) => (sess.run(v.value()) as tf.NDArray).data);
  const kernels = sess._planFor([m.train, m.loss], feeds)!.data.kernels;
  return { losses, weights, kernels };
}

test('MLP step: every kernel runs in wasm (relu\'s gradient, a compare and where in a matmul epilogue, too); losses and weights equal the JS backend', () => {
  const js = mlp((graph) => new tf.Session({ graph }));
  // why: the matmuls accumulate in the reference's order here ('f64'), so only the kernels of this test's concern differ.
  const exact = mlp((graph) => new tf.Session({ graph, compiler: jitCompiler({ backend: wasmBackendWith({ minWork: 0, math: 'exact', matmul: 'f64' }) }) }));
  const wasm = mlp((graph) => new tf.Session({ graph, compiler: jitCompiler({ backend: wasmBackendWith({ minWork: 0, matmul: 'f64' }) }) }));
  assert.equal(exact.losses, js.losses);
  exact.weights.forEach((w, i) => assert.equal([...w], [...js.weights[i]], `variable ${i}`));
  wasm.losses.forEach((l, i) => assert.ok(Math.abs(l - js.losses[i]) <= 1e-6 * Math.abs(js.losses[i]), `loss ${i}: ${l} vs ${js.losses[i]}`));
  wasm.weights.forEach((w, i) => w.forEach((v, j) => assert.ok(Math.abs(v - js.weights[i][j]) <= 1e-6, `variable ${i}[${j}]: ${v} vs ${js.weights[i][j]}`)));
  assert.ok(wasm.kernels.length >= 15, `${wasm.kernels.length} kernels`);
  assert.equal(wasm.kernels.filter((k) => k.runsOn !== 'wasm').map((k) => k.name), []);
  // why: with math: 'exact' the exp and log kernels of the cross-entropy stay in JS.
  assert.ok(exact.kernels.filter((k) => k.runsOn === 'js').length >= 2);
});

test.run();
