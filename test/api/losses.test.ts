// tf.losses: TF1's values (hand-computed), reductions and weights, gradients by finite
// differences, compiled == interpreter, and bad arguments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { assertClose, gradCheck, randomArray } from '../_lib/gradcheck.js';
import { fresh, throwsClass } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

const R = tf.losses.Reduction;
const labels = [[1], [2], [3], [4]];
const preds = [[1.5], [2], [2], [5]];

/** Fetches on both executors; they must agree to the bit. */
function both(t: tf.Tensor | tf.Tensor[]): any {
  const g = (Array.isArray(t) ? t[0] : t).graph;
  const a = new tf.Session({ graph: g }).run(t);
  const b = new tf.Session({ graph: g, executor: 'interpreter' }).run(t);
  const flat = (v: unknown): unknown => (v instanceof tf.NDArray ? [v.dtype, v.shape, Array.from(v.data)] : Array.isArray(v) ? v.map(flat) : v);
  assert.equal(flat(a), flat(b), 'compiled == interpreter');
  return a;
}

test('meanSquaredError: the mean by default, TF1 names, added to the losses collection', () => fresh(() => {
  const loss = tf.losses.meanSquaredError(labels, preds);
  assert.is(loss.name, 'mean_squared_error/value:0');
  assert.equal(loss.shape, []);
  assert.is(both(loss), 2.25 / 4);
  assert.equal(tf.losses.getLosses(), [loss]);
}));

test('every reduction, with weights (TF1: SUM_BY_NONZERO_WEIGHTS divides by the non-zero weights)', () => fresh(() => {
  const w = [[1], [0], [2], [0]];
  const of = (reduction: tf.losses.ReductionName) => both(tf.losses.meanSquaredError(labels, preds, w, { reduction }));
  assert.is(both(tf.losses.meanSquaredError(labels, preds, w)), 2.25 / 2);
  assert.is(of(R.SUM_BY_NONZERO_WEIGHTS), 2.25 / 2);
  assert.is(of(R.SUM), 2.25);
  assert.is(of(R.MEAN), 0.75);
  assert.is(of(R.SUM_OVER_BATCH_SIZE), 2.25 / 4);
  assert.equal(of(R.NONE).toArray(), [[0.25], [0], [2], [0]]);
  // a weight per example broadcast over the last axis; a scalar weight scales
  assert.is(both(tf.losses.meanSquaredError([[1, 1], [2, 2]], [[2, 2], [2, 4]], [[3], [1]])), (3 + 3 + 0 + 4) / 4);
  assert.is(both(tf.losses.meanSquaredError(labels, preds, 2)), 2 * 2.25 / 4);
  // all weights zero: 0, not NaN, and a finite gradient
  const p = tf.placeholder('float32', [2]);
  const zero = tf.losses.meanSquaredError([1, 2], p, [0, 0]);
  const [dp] = tf.gradients(zero, [p]);
  using sess = new tf.Session();
  assert.equal(sess.run([zero, dp!], new Map([[p, [3, 4]]])).map((v: unknown) => (v instanceof tf.NDArray ? v.toArray() : v)), [0, [0, 0]]);
}));

test('absoluteDifference and huberLoss', () => fresh(() => {
  assert.is(both(tf.losses.absoluteDifference(labels, preds)), 2.5 / 4);
  // errors 0.5, 0, 3, 1 with delta 1: 0.125, 0, 0.5 + 2, 0.5
  const y = [1, 2, 3, 4], p = [1.5, 2, 6, 5];
  assert.is(both(tf.losses.huberLoss(y, p)), 3.125 / 4);
  // delta 2: 0.125, 0, ½·2² + 2·1, 0.5
  assert.is(both(tf.losses.huberLoss(y, p, 1, 2)), 4.625 / 4);
  assert.is(both(tf.losses.huberLoss(y, p, { delta: 2, reduction: R.SUM })), 4.625);
  assert.is(tf.losses.huberLoss(y, p).name, 'huber_loss_3/value:0');
}));

test('softmaxCrossEntropy: one-hot labels, per-row weights, label smoothing', () => fresh(() => {
  const logits = tf.constant([[0, 0], [2, 0]], { dtype: 'float64' });
  const onehot = [[1, 0], [1, 0]];
  const l1p = Math.log1p(Math.exp(-2));
  assertClose(both(tf.losses.softmaxCrossEntropy(onehot, logits)), (Math.LN2 + l1p) / 2, 1e-12);
  assertClose(both(tf.losses.softmaxCrossEntropy(onehot, logits, [0, 3])), 3 * l1p, 1e-12);
  // smoothing 0.2 over 2 classes: labels [0.9, 0.1]
  assertClose(both(tf.losses.softmaxCrossEntropy(onehot, logits, 1, 0.2)), (Math.LN2 + l1p + 0.2) / 2, 1e-12);
  const l = tf.losses.softmaxCrossEntropy(onehot, logits);
  assert.is(l.name, 'softmax_cross_entropy_loss_3/value:0');
  assert.is(l.dtype, 'float64');
  assert.ok(l.graph.getOperationByName('softmax_cross_entropy_loss_3/labels_stop_gradient'));
  assert.ok(l.graph.getOperationByName('softmax_cross_entropy_loss_3/xentropy'));
  // no gradient into the labels
  const y = tf.placeholder('float64', [2, 2]);
  assert.equal(tf.gradients(tf.losses.softmaxCrossEntropy(y, logits), [y]), [null]);
}));

test('sparseSoftmaxCrossEntropy: class ids, [batch, 1] labels squeezed', () => fresh(() => {
  const logits = tf.constant([[2, 0], [2, 0]], { dtype: 'float64' });
  const l1p = Math.log1p(Math.exp(-2));
  assertClose(both(tf.losses.sparseSoftmaxCrossEntropy([0, 1], logits)), (l1p + 2 + l1p) / 2, 1e-12);
  assertClose(both(tf.losses.sparseSoftmaxCrossEntropy(tf.constant([[0], [1]], { dtype: 'int32' }), logits, [1, 0])), l1p, 1e-12);
  assert.is(tf.losses.sparseSoftmaxCrossEntropy([0, 1], logits).name, 'sparse_softmax_cross_entropy_loss_2/value:0');
}));

test('sigmoidCrossEntropy: stable for large logits, label smoothing', () => fresh(() => {
  const x = tf.constant([0, 2, -3, 200, -200], { dtype: 'float64' });
  const z = [1, 0, 1, 1, 0];
  const per = [Math.LN2, 2 + Math.log1p(Math.exp(-2)), 3 + Math.log1p(Math.exp(-3)), 0, 0];
  assertClose(both(tf.losses.sigmoidCrossEntropy(z, x)), per.reduce((a, b) => a + b) / 5, 1e-12, 1e-15);
  const smoothed = tf.losses.sigmoidCrossEntropy(z, x, { labelSmoothing: 0.1, reduction: R.NONE });
  // z' = z·0.9 + 0.05: at x = 200 the loss is 200·(1 − 0.95) = 10
  assertClose(both(smoothed).data[3], 10, 1e-12);
}));

test('gradients match finite differences (float64)', () => fresh(() => {
  const p = tf.placeholder('float64', [3, 2]);
  const q = tf.placeholder('float64', [3, 2]);
  const y = randomArray([3, 2], 5, -2, 2);
  const cases: [string, tf.Tensor][] = [
    ['mse', tf.losses.meanSquaredError(tf.constant(y), p, [[1], [0], [2]])],
    ['mean', tf.losses.meanSquaredError(tf.constant(y), p, [[1], [0.5], [2]], { reduction: R.MEAN })],
    ['abs', tf.losses.absoluteDifference(tf.constant(y), p)],
    ['huber', tf.losses.huberLoss(tf.constant(y), p, { delta: 0.7 })],
    ['softmax', tf.losses.softmaxCrossEntropy(tf.nn.softmax(q), p, [1, 2, 0], 0.1)],
    ['sigmoid', tf.losses.sigmoidCrossEntropy(tf.sigmoid(q), p)],
  ];
  const pv = randomArray([3, 2], 9, -3, 3), qv = randomArray([3, 2], 11);
  for (const [name, loss] of cases) {
    const err = gradCheck(loss, [p], [pv], { feeds: new Map([[q, qv]]) });
    assert.ok(err < 1e-6, `${name}: ${err}`);
  }
}));

test('getTotalLoss sums the collected losses; lossCollection null keeps one out', () => fresh(() => {
  const a = tf.losses.meanSquaredError([1], [3]);
  tf.losses.absoluteDifference([1], [3], { lossCollection: null });
  const b = tf.losses.absoluteDifference([1], [4]);
  assert.equal(tf.losses.getLosses(), [a, b]);
  const total = tf.losses.getTotalLoss();
  assert.is(total.name, 'total_loss:0');
  assert.is(both(total), 4 + 3);
}));

test('bad input: shapes, weights, reduction, options; nothing added to the collection', () => fresh(() => {
  throwsClass(() => tf.losses.meanSquaredError([1, 2, 3], [1, 2]), tf.errors.InvalidArgumentError, 'tf.losses.meanSquaredError', 'Shapes (2,) and (3,) are incompatible');
  throwsClass(() => tf.losses.meanSquaredError(labels, preds, [1, 2, 3, 4]), tf.errors.InvalidArgumentError,
    'weights can not be broadcast to values. values.rank=2. weights.rank=1. values.shape=(4, 1). weights.shape=(4,).');
  throwsClass(() => tf.losses.meanSquaredError(labels, preds, [[1], [2]]), tf.errors.InvalidArgumentError, 'weights can not be broadcast');
  throwsClass(() => tf.losses.meanSquaredError(labels, preds, { reduction: 'avg' as never }), tf.errors.InvalidArgumentError, 'Invalid Reduction Key avg', 'weighted_sum_by_nonzero_weights');
  throwsClass(() => tf.losses.meanSquaredError(labels, preds, { loss_collection: null } as never), tf.errors.InvalidArgumentError, "unknown option 'loss_collection'", "did you mean 'lossCollection'");
  throwsClass(() => tf.losses.softmaxCrossEntropy([[1, 0]], [[1, 2]], 1, 1.5), tf.errors.InvalidArgumentError, 'labelSmoothing must be in [0, 1], got 1.5');
  throwsClass(() => tf.losses.huberLoss([1], [2], { delta: 0 }), tf.errors.InvalidArgumentError, 'delta must be positive');
  throwsClass(() => tf.losses.softmaxCrossEntropy([[1, 0]], tf.constant([[1, 2]], { dtype: 'int32' })), tf.errors.InvalidArgumentError, 'logits must be float32 or float64');
  throwsClass(() => tf.losses.sparseSoftmaxCrossEntropy([[0, 1]], [[1, 2]]), tf.errors.InvalidArgumentError, 'Rank mismatch');
  assert.equal(tf.losses.getLosses(), []);
  throwsClass(() => tf.losses.getTotalLoss(), tf.errors.InvalidArgumentError, 'No losses found');
}));

test.run();
