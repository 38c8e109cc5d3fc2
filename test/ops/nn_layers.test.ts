// biasAdd, dropout, l2Loss, l2Normalize, sigmoidCrossEntropyWithLogits, moments and
// batchNormalization: values by hand, gradients against finite differences, compiled =
// interpreter, TF1's names, and errors for bad arguments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { compiledEqualsInterpreter } from '../_lib/compiled.js';
import { assertClose, gradCheck, randomArray } from '../_lib/gradcheck.js';
import { evaluate, fresh, throwsClass, type Built } from '../_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;
const logistic = (x: number, z: number) => Math.max(x, 0) - x * z + Math.log1p(Math.exp(-Math.abs(x)));

const values: [string, () => Built, unknown][] = [
  ['biasAdd', () => tf.nn.biasAdd([[1, 2, 3], [4, 5, 6]], [10, 20, 30]), [[11, 22, 33], [14, 25, 36]]],
  ['biasAdd rank 4', () => tf.nn.biasAdd(tf.zeros([1, 1, 2, 2]), [1, -1]), [[[[1, -1], [1, -1]]]]],
  ['l2Loss', () => tf.nn.l2Loss([[1, 2], [3, -4]]), 15],
  ['l2Normalize, all axes', () => tf.nn.l2Normalize([3, 4]), [0.6, 0.8]],
  ['l2Normalize axis 1, zero row stays zero', () => tf.nn.l2Normalize([[3, 4], [0, 0]], 1), [[0.6, 0.8], [0, 0]]],
  ['l2Normalize axis 0', () => tf.nn.l2Normalize([[3, 1], [4, 0]], { axis: 0 }), [[0.6, 1], [0.8, 0]]],
  ['sigmoid cross entropy', () => tf.nn.sigmoidCrossEntropyWithLogits({ labels: [0, 1, 0.25, 1], logits: [-2, 0, 3, 10] }),
    [logistic(-2, 0), logistic(0, 1), logistic(3, 0.25), logistic(10, 1)]],
  ['weighted cross entropy, posWeight 1 is the logistic loss', () => tf.nn.weightedCrossEntropyWithLogits([0, 1, 0.25], [-2, 0, 3], 1),
    [logistic(-2, 0), logistic(0, 1), logistic(3, 0.25)]],
  ['weighted cross entropy, posWeight 2 doubles the positive term', () => tf.nn.weightedCrossEntropyWithLogits([1, 0], [0, 0], 2), [2 * Math.LN2, Math.LN2]],
  ['moments mean', () => tf.nn.moments([[1, 2], [3, 6]], [0])[0], [2, 4]],
  ['moments variance', () => tf.nn.moments([[1, 2], [3, 6]], [0])[1], [1, 4]],
  ['moments over all axes of an image batch', () => tf.nn.moments(tf.constant([1, 2, 3, 4, 5, 6, 7, 8], { shape: [2, 2, 2, 1] }), [0, 1, 2])[1], [5.25]],
  ['moments keepDims', () => tf.nn.moments([[1, 2], [3, 6]], 1, { keepDims: true })[0], [[1.5], [4.5]]],
  // (x - 2) / sqrt(4) * 3 + 1
  ['batchNormalization', () => tf.nn.batchNormalization([0, 2, 6], 2, 4, 1, 3, 0), [-2, 1, 7]],
  ['batchNormalization without offset and scale', () => tf.nn.batchNormalization([[0, 4]], [1, 2], [1, 4], null, null, 0), [[-1, 1]]],
];

for (const [name, build, expected] of values) {
  test(`value: ${name}`, () => {
    const { v } = evaluate(build);
    assertClose(v, expected, 2e-7, 1e-7, name);
  });
}

type Point = [number[], number, number?];
const grads: [string, (...xs: tf.Tensor[]) => tf.Tensor, Point[]][] = [
  ['biasAdd', (x, b) => tf.nn.biasAdd(x, b), [[[2, 3, 4], 1], [[4], 2]]],
  ['biasAdd, second order', (x, b) => tf.gradients(tf.reduceSum(tf.square(tf.nn.biasAdd(x, b))), b)[0]!, [[[2, 3], 1], [[3], 2]]],
  ['l2Loss', (x) => tf.nn.l2Loss(x), [[[3, 2], 3]]],
  ['l2Normalize axis 1', (x) => tf.nn.l2Normalize(x, 1), [[[2, 3], 4]]],
  ['sigmoid cross entropy, logits and labels', (z, x) => tf.nn.sigmoidCrossEntropyWithLogits({ labels: z, logits: x }), [[[2, 3], 5, 1], [[2, 3], 6, 4]]],
  ['weighted cross entropy, targets and logits', (z, x) => tf.nn.weightedCrossEntropyWithLogits(z, x, 3), [[[2, 3], 5, 1], [[2, 3], 6]]],
  ['moments', (x) => tf.add(tf.nn.moments(x, [0, 1])[0], tf.nn.moments(x, [0, 1])[1]), [[[2, 3, 2], 7]]],
  ['batchNormalization, all inputs', (x, m, v, o, s) => tf.nn.batchNormalization(x, m, v, o, s, 1e-3),
    [[[3, 2], 8], [[2], 9], [[2], 10, 1], [[2], 11], [[2], 12]]],
];

for (const [name, f, points] of grads) {
  test(`gradient: ${name}`, () => fresh(() => {
    const xs = points.map(([s]) => tf.placeholder('float64', s));
    // why: a positive variance when a point is marked so (third entry: lower bound 0.1..).
    const vals = points.map(([s, seed, pos]) => (pos ? randomArray(s, seed, 0.1, 1) : randomArray(s, seed)));
    gradCheck(f(...xs), xs, vals);
  }));
}

test('compiled equals interpreter: a dense layer with biasAdd, batch norm, l2 regularisation, logistic loss', () => fresh(() => {
  const x = tf.placeholder('float32', [null, 6]);
  const w = new tf.Variable(tf.randomNormal([6, 4], { seed: 1 }));
  const b = new tf.Variable(tf.constant([0.1, -0.2, 0.3, 0]));
  const h = tf.nn.biasAdd(tf.matmul(x, w), b);
  const [mean, variance] = tf.nn.moments(h, [0]);
  const n = tf.nn.l2Normalize(tf.nn.batchNormalization(h, mean, variance, 0.5, 2, 1e-3), 1);
  const loss = tf.add(tf.reduceMean(tf.nn.sigmoidCrossEntropyWithLogits({ labels: tf.onesLike(n), logits: n })), tf.multiply(1e-2, tf.nn.l2Loss(w)));
  const gs = tf.gradients(loss, [w, b]) as tf.Tensor[];
  const data = new tf.NDArray(Float32Array.from(randomArray([5, 6], 3).data), [5, 6], 'float32');
  compiledEqualsInterpreter([loss, ...gs], new Map([[x, data]]), { init: tf.globalVariablesInitializer() });
  assert.is(gs[1].op.inputs[0].op.type === 'BiasAddGrad' || gs[1].op.type === 'BiasAddGrad', true);
}));

test('dropout: kept elements are scaled by 1/keepProb, about keepProb of them are kept, the gradient is the mask', () => fresh(() => {
  const x = tf.placeholder('float32', [100, 100]);
  const y = tf.nn.dropout(x, 0.75, { seed: 3 });
  const [dx] = tf.gradients(tf.reduceSum(y), [x]);
  using sess = new tf.Session();
  const [yv, gv] = sess.run([y, dx!], new Map([[x, new Float32Array(10000).fill(3)]])) as tf.NDArray[];
  const kept = Array.from(yv.data).filter((v) => v !== 0);
  assert.ok(kept.every((v) => v === 4), 'kept values are x / keepProb');
  assert.ok(Math.abs(kept.length / 10000 - 0.75) < 0.02, `${kept.length} of 10000 kept`);
  assert.equal(Array.from(gv.data), Array.from(yv.data, (v) => (v === 0 ? 0 : Math.fround(1 / 0.75))));
}));

test('dropout: a keepProb placeholder fed 1 keeps everything; {rate} drops that fraction', () => fresh(() => {
  const keepProb = tf.placeholder('float32', [], 'keep_prob');
  const x = tf.ones([50, 40]);
  const y = tf.nn.dropout(x, keepProb);
  const z = tf.nn.dropout(x, { rate: 0.2, seed: 5 });
  using sess = new tf.Session();
  assert.ok(Array.from((sess.run(y, new Map([[keepProb, 1]])) as tf.NDArray).data).every((v) => v === 1));
  const half = Array.from((sess.run(y, new Map([[keepProb, 0.5]])) as tf.NDArray).data);
  assert.ok(half.every((v) => v === 0 || v === 2) && half.includes(0) && half.includes(2));
  const zs = Array.from((sess.run(z) as tf.NDArray).data);
  assert.ok(zs.every((v) => v === 0 || v === Math.fround(1 / 0.8)));
  assert.ok(Math.abs(zs.filter((v) => v === 0).length / 2000 - 0.2) < 0.04);
}));

test('dropout: keepProb 1 returns x itself; a seeded dropout is reproducible across sessions and executors', () => fresh(() => {
  const x = tf.ones([4, 4]);
  const y = tf.nn.dropout(x, 0.5, { seed: 7 });
  assert.is(y.name, 'dropout/mul_1:0');
  assert.is(tf.nn.dropout(x, 1), x);
  assert.is(tf.nn.dropout(x, { rate: 0 }), x);
  compiledEqualsInterpreter([y], new Map(), { allowHost: true });
}));

test('names follow TF1', () => fresh(() => {
  const x = tf.placeholder('float32', [2, 3]);
  assert.is(tf.nn.biasAdd(x, [1, 2, 3]).name, 'BiasAdd:0');
  assert.is(tf.nn.l2Loss(x).name, 'L2Loss:0');
  assert.is(tf.nn.l2Normalize(x, 1).name, 'l2_normalize:0');
  assert.is(tf.nn.sigmoidCrossEntropyWithLogits({ labels: x, logits: x }).name, 'logistic_loss:0');
  assert.equal(tf.nn.moments(x, [0]).map((t) => t.name), ['moments/Squeeze:0', 'moments/Squeeze_1:0']);
  assert.is(tf.nn.batchNormalization(x, 0, 1, 0, 1, 1e-3).name, 'batchnorm/add_1:0');
  const [, db] = tf.gradients(tf.nn.biasAdd(x, [1, 2, 3]), [x, tf.getDefaultGraph().getTensorByName('BiasAdd_1/bias:0')]);
  assert.is(db!.op.type, 'BiasAddGrad');
}));

const errors: [string, () => Built, RegExp][] = [
  ['biasAdd of a vector', () => tf.nn.biasAdd([1, 2], [1, 2]), /value .* must be at least rank 2/],
  ['biasAdd with a matrix bias', () => tf.nn.biasAdd([[1, 2]], [[1, 2]]), /bias .* must be a vector \(rank 1\)/],
  ['biasAdd size mismatch', () => tf.nn.biasAdd([[1, 2, 3]], [1, 2]), /Dimensions must be equal, but are 3 and 2 for 'BiasAdd'/],
  ['biasAdd NCHW', () => tf.nn.biasAdd([[1]], [1], 'NCHW' as 'NHWC'), /dataFormat must be 'NHWC'/],
  ['dropout keepProb 0', () => tf.nn.dropout([1], 0), /keepProb must be a scalar tensor or a number in the range \(0, 1\], got 0/],
  ['dropout keepProb 1.5', () => tf.nn.dropout([1], 1.5), /keepProb .* got 1.5/],
  ['dropout rate 1', () => tf.nn.dropout([1], { rate: 1 }), /rate must be a scalar tensor or a number in the range \[0, 1\), got 1/],
  ['dropout both', () => tf.nn.dropout([1], 0.5, { rate: 0.5 }), /give keepProb or rate, not both/],
  ['dropout neither', () => tf.nn.dropout([1]), /give keepProb \(the second argument\) or \{rate\}/],
  ['dropout of int32', () => tf.nn.dropout(tf.constant([1], { dtype: 'int32' }), 0.5), /has to be a floating point tensor/],
  ['dropout vector keepProb', () => tf.nn.dropout([1, 2], tf.constant([0.5, 0.5])), /keepProb .* must be a scalar/],
  ['dropout unknown option', () => tf.nn.dropout([1], 0.5, { keep_prob: 0.5 } as never), /unknown option 'keep_prob'/],
  ['sigmoid cross entropy shapes', () => tf.nn.sigmoidCrossEntropyWithLogits({ labels: [1, 0], logits: [1, 2, 3] }),
    /logits and labels must have the same shape \(\(3,\) vs \(2,\)\)/],
  ['moments of int32', () => tf.nn.moments(tf.constant([1, 2], { dtype: 'int32' }), [0])[0], /x .* must be float32 or float64/],
  ['moments axis out of range', () => tf.nn.moments([1, 2], [1])[0], /axis 1 is out of range/],
  ['batchNormalization negative epsilon', () => tf.nn.batchNormalization([1], 0, 1, 0, 1, -1), /varianceEpsilon must be a non-negative number/],
  ['topK k larger than the row', () => tf.nn.topK([1, 2], 3)[0], /must have at least k = 3 columns, but has 2/],
  ['topK of a scalar', () => tf.nn.topK(1)[0], /must have at least one dimension/],
  ['topK k fed too large', () => {
    const x = tf.placeholder('float32', [null, null]);
    return [tf.nn.topK(x, 4)[0], new Map([[x, [[1, 2]]]])];
  }, /must have at least k = 4 columns/],
  ['inTopK batch mismatch', () => tf.nn.inTopK([[1, 2]], [0, 1], 1), /First dimension of predictions 1 must match length of targets 2/],
  ['inTopK float64 predictions', () => tf.nn.inTopK(tf.constant([[1, 2]], { dtype: 'float64' }), [0], 1), /predictions .* must be float32/],
  ['embeddingLookup of shards', () => tf.nn.embeddingLookup([tf.zeros([2, 2]), tf.zeros([2, 2])], [0]), /sharded params \(a list of 2 tensors\) are not supported/],
  ['embeddingLookup maxNorm', () => tf.nn.embeddingLookup(tf.zeros([2, 2]), [0], { maxNorm: 1 }), /maxNorm is not supported/],
  ['embeddingLookup id out of range', () => tf.nn.embeddingLookup(tf.zeros([2, 2]), [5]), /indices\[0\] = 5 is not in \[0, 2\)/],
  ['lrn of a matrix', () => tf.nn.lrn([[1, 2]]), /input .* must be 4-D/],
  ['lrn unknown channels', () => tf.nn.lrn(tf.placeholder('float32', [1, 2, 2, null])), /needs a known number of channels/],
  ['lrn negative radius', () => tf.nn.lrn(tf.zeros([1, 1, 1, 2]), -1), /depthRadius must be non-negative/],
  ['l2Normalize unknown option', () => tf.nn.l2Normalize([1], { axes: 0 } as never), /unknown option 'axes'/],
];

for (const [name, build, pattern] of errors) {
  test(`error: ${name}`, () => { throwsClass(() => evaluate(build), IAE, pattern); });
}

test('topK: values largest first, ties keep the lower index, indices int32; static shapes', () => fresh(() => {
  const [v, i] = tf.nn.topK([[1, 3, 2, 3], [4, -1, 0, 5]], 2);
  assert.is(i.dtype, 'int32');
  using sess = new tf.Session();
  const [vv, iv] = sess.run([v, i]) as tf.NDArray[];
  assert.equal(vv.toArray(), [[3, 3], [5, 4]]);
  assert.equal(iv.toArray(), [[1, 3], [3, 0]]);
  assert.equal(tf.nn.topK(tf.placeholder('float32', [null, 5]), 3)[0].shape, [null, 3]);
  assert.equal((sess.run(tf.nn.topK([2, 7, 1])[1]) as tf.NDArray).toArray(), [1]);
}));

test('topK: the gradient goes to the picked entries (finite differences, unknown shapes too)', () => fresh(() => {
  const x = tf.placeholder('float64', [null, null]);
  gradCheck(tf.nn.topK(x, 3)[0], [x], [randomArray([3, 5], 13)]);
}));

test('topK in a compiled plan (a reference-kernel call) equals the interpreter', () => fresh(() => {
  const x = tf.placeholder('float32', [4, 6]);
  const [v] = tf.nn.topK(tf.square(x), 2);
  const data = new tf.NDArray(Float32Array.from(randomArray([4, 6], 21).data), [4, 6], 'float32');
  compiledEqualsInterpreter([v, tf.gradients(tf.reduceSum(v), x)[0]!], new Map([[x, data]]), { allowHost: true });
}));

test('inTopK: ties at the boundary count as in, non-finite predictions and out-of-range targets never do', () => fresh(() => {
  const p = [[0.1, 0.8, 0.8, 0.05], [0.3, 0.2, 0.9, 0.1], [NaN, 1, 2, 3], [1, 2, 3, 4]];
  using sess = new tf.Session();
  assert.equal((sess.run(tf.nn.inTopK(p, [2, 0, 0, 7], 1)) as tf.NDArray).toArray(), [true, false, false, false]);
  assert.equal((sess.run(tf.nn.inTopK(p, [1, 0, 3, 3], 2)) as tf.NDArray).toArray(), [true, true, true, true]);
  assert.is(tf.nn.inTopK(tf.placeholder('float32', [null, 10]), tf.placeholder('int32', [8]), 1).shape!.join(), '8');
}));

test('xwPlusB, embeddingLookup, zeroFraction: values, gradients and names', () => fresh(() => {
  const y = tf.nn.xwPlusB([[1, 2]], [[1, 0, 2], [0, 1, 1]], [10, 20, 30]);
  const emb = tf.constant([[0, 1], [10, 11], [20, 21]]);
  const e = tf.nn.embeddingLookup(emb, [[2, 0], [1, 1]]);
  const z = tf.nn.zeroFraction(tf.nn.relu([-1, 2, 0, 3]));
  using sess = new tf.Session();
  assert.equal((sess.run(y) as tf.NDArray).toArray(), [[11, 22, 34]]);
  assert.equal((sess.run(e) as tf.NDArray).toArray(), [[[20, 21], [0, 1]], [[10, 11], [10, 11]]]);
  assert.equal((sess.run(tf.nn.embeddingLookup([emb], 1)) as tf.NDArray).toArray(), [10, 11]);
  assert.is(sess.run(z), 0.5);
  assert.is(y.name, 'xw_plus_b:0');
  assert.is(e.name, 'embedding_lookup:0');
  const params = tf.placeholder('float64', [3, 2]);
  gradCheck(tf.nn.embeddingLookup(params, [2, 0, 2]), [params], [randomArray([3, 2], 17)]);
}));

test('localResponseNormalization (lrn): values by hand, TF1 defaults, gradient, compiled = interpreter', () => fresh(() => {
  const x = tf.constant([1, 2, 3], { shape: [1, 1, 1, 3] });
  using sess = new tf.Session();
  assertClose(sess.run(tf.nn.localResponseNormalization(x, 1, 1, 1, 1)), [1 / 6, 2 / 15, 3 / 14]);
  assertClose(sess.run(tf.nn.lrn(x)), [1, 2, 3].map((v) => v / Math.sqrt(15)));
  assert.is(tf.nn.lrn(x, { depthRadius: 1 }).name, 'LRN_2:0');
  const p = tf.placeholder('float64', [2, 2, 1, 6]);
  gradCheck(tf.nn.lrn(p, 2, 1.5, 0.3, 0.75), [p], [randomArray([2, 2, 1, 6], 23)]);
  const q = tf.placeholder('float32', [null, 2, 2, 4]);
  const y = tf.nn.lrn(q, 1, 1, 0.5, 0.75);
  const data = new tf.NDArray(Float32Array.from(randomArray([3, 2, 2, 4], 29).data), [3, 2, 2, 4], 'float32');
  compiledEqualsInterpreter([y, tf.gradients(tf.reduceSum(y), q)[0]!], new Map([[q, data]]));
}));

test('a bad feed to dropout\'s keepProb fails the run and changes no variable', () => fresh(() => {
  const keepProb = tf.placeholder('float32');
  const w = new tf.Variable(tf.ones([2, 2]));
  const step = new tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduceSum(tf.nn.dropout(w, keepProb)));
  using sess = new tf.Session();
  sess.run(w.initializer);
  throwsClass(() => sess.run(step, new Map([[keepProb, [0.5, 0.5, 0.5]]])), IAE, /Incompatible shapes/);
  assert.equal(Array.from((sess.run(w) as tf.NDArray).data), [1, 1, 1, 1]);
}));

test.run();
