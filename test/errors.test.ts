import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../src/index.js';
import { fresh, throwsClass } from './_lib/op_cases.js';


const IAE = tf.errors.InvalidArgumentError;

test('error classes: all extend OpError, carry a code and the op', () => {
  const e = new tf.errors.FailedPreconditionError('msg');
  assert.instance(e, tf.errors.OpError);
  assert.instance(e, Error);
  assert.is(e.name, 'FailedPreconditionError');
  assert.is(e.errorCode, 9);
  assert.ok(e.op === null, `e.op is ${e.op?.name}`);
  assert.is(new IAE('x').errorCode, 3);
  assert.is(new tf.errors.NotFoundError('x').errorCode, 5);
});

test('missing feed: TF1 message naming the placeholder, dtype and shape; carries the op', () => fresh(() => {
  const X = tf.placeholder('float32', [null], 'X');
  const M = tf.placeholder('int32', [2, null], 'M');
  const U = tf.placeholder('float64', null, 'U');
  const sess = new tf.Session();
  const e = throwsClass(() => sess.run(X.mul(2)), IAE);
  assert.is(e.shortMessage, "You must feed a value for placeholder tensor 'X' with dtype float32 and shape [?]");
  assert.ok(e.op === X.op, `e.op is ${e.op?.name}`);
  assert.match(e.message, /\[\[node X \(Placeholder, defined at .*errors\.test\.ts:\d+:\d+\)\]\]/);
  assert.is(throwsClass(() => sess.run(M), IAE).shortMessage, "You must feed a value for placeholder tensor 'M' with dtype int32 and shape [2,?]");
  assert.is(throwsClass(() => sess.run(U), IAE).shortMessage, "You must feed a value for placeholder tensor 'U' with dtype float64");
  // only the placeholders the fetches need must be fed
  assert.is(sess.run(tf.add(X, 1), { X: [1] }).shape[0], 1);
  const U32 = tf.placeholder('float32', null, 'U32');
  throwsClass(() => sess.run(tf.add(X, U32), { X: [1] }), IAE, "placeholder tensor 'U32'");
}));

test('wrong feed shape names the tensor, the expected and the given shape', () => fresh(() => {
  const X = tf.placeholder('float32', [null, 3], 'X');
  const S = tf.placeholder('float32', [], 'S');
  const sess = new tf.Session();
  const e = throwsClass(() => sess.run(X, { X: [1, 2, 3] }), IAE);
  assert.is(e.shortMessage, "Cannot feed value of shape (3,) for Tensor 'X:0', which has shape '(?, 3)'");
  assert.ok(e.op === X.op, `e.op is ${e.op?.name}`);
  throwsClass(() => sess.run(X, { X: [[1, 2]] }), IAE, "shape (1, 2) for Tensor 'X:0'", "'(?, 3)'");
  throwsClass(() => sess.run(S, { S: [1] }), IAE, "shape (1,) for Tensor 'S:0', which has shape '()'");
  throwsClass(() => sess.run(X, { X: new tf.NDArray(new Float32Array(4), [2, 2]) }), IAE, 'shape (2, 2)', "'X:0'");
  // an intermediate tensor's static shape is checked too
  const y = X.mul(2);
  throwsClass(() => sess.run(y, new Map([[y, [1]]])), IAE, "Tensor 'mul:0'", '(?, 3)');
}));

test('feeds of another dtype convert as numpy.asarray(value, dtype) does; values numpy leaves undefined are refused naming the tensor', () => fresh(() => {
  const X = tf.placeholder('float32', [null], 'X');
  const I = tf.placeholder('int32', [null], 'I');
  const B = tf.placeholder('bool', [null], 'B');
  const S = tf.placeholder('int32', [], 'S');
  const sess = new tf.Session();
  const data = (v: unknown) => Array.from((v as tf.NDArray).data);
  assert.equal(data(sess.run(X, { X: Int32Array.of(1, 16777217) })), [1, 16777216]);
  assert.equal(data(sess.run(X, { X: Float64Array.of(0.1) })), [Math.fround(0.1)]);
  assert.equal(data(sess.run(X, { X: new tf.NDArray(Int32Array.of(-3), [1]) })), [-3]);
  assert.equal(data(sess.run(X, { X: [true, false] })), [1, 0]);
  assert.equal(sess.run(B, { B: [2, 0, -0, NaN] }).toArray(), [true, false, false, true]);
  assert.equal(data(sess.run(I, { I: [1.9, -1.9, -0.5] })), [1, -1, 0], 'Python floats truncate toward zero');
  assert.equal(data(sess.run(I, { I: [-(2 ** 31), 2 ** 31 - 1] })), [-(2 ** 31), 2 ** 31 - 1]);
  throwsClass(() => sess.run(I, { I: [2 ** 31] }), IAE, '2147483648', "'I:0'", 'int32', '[-2147483648, 2147483647]');
  throwsClass(() => sess.run(I, { I: [1, NaN] }), IAE, 'NaN', 'element [1]', "'I:0'");
  throwsClass(() => sess.run(I, { I: Float64Array.of(Infinity) }), IAE, 'Infinity', 'element 0 of the float64 Float64Array', "'I:0'");
  // TF1's TypeError for a Python-int scalar that does not fit the dtype
  const e = throwsClass(() => sess.run(S, { S: 2 ** 31 }), IAE);
  assert.is(e.shortMessage, "Type of feed value 2147483648 with type number is not compatible with Tensor type int32 of 'S:0'. Try explicitly setting the type of the feed tensor to a larger type.");
  assert.ok(e.op === S.op);
  throwsClass(() => sess.run(S, { S: 2n ** 40n }), IAE, 'Type of feed value 1099511627776 with type bigint');
  assert.is(sess.run(S, { S: 2n ** 31n - 1n }), 2 ** 31 - 1);
}));

test('non-numeric feed values: strings, objects, null, ragged arrays', () => fresh(() => {
  const X = tf.placeholder('float32', null, 'X');
  const sess = new tf.Session();
  const bad: [unknown, string][] = [
    ['a', 'the string "a"'],
    [['a'], 'the string "a"'],
    [[1, 'a'], 'the string "a"'],
    [{}, 'object'],
    [[{}], 'object'],
    [null, 'null'],
    [undefined, 'undefined'],
    [[[1, 2], [3]], 'ragged'],
    [[[1, 2], 3], 'ragged'],
    [[1, [2]], 'array'],
    [[1, null], 'null'],
  ];
  for (const [v, what] of bad) {
    const e = throwsClass(() => sess.run(X, { X: v as tf.FeedValue }), IAE, 'X:0', what);
    assert.ok(e.op === X.op, `e.op is ${e.op?.name}`);
  }
}));

test('NaN and Infinity pass through ops as in TF', () => fresh(() => {
  const X = tf.placeholder('float32', [null], 'X');
  const sess = new tf.Session();
  const r = sess.run([X.mul(2), tf.sqrt(X), tf.log(X), tf.divide(X, 0)], { X: [NaN, Infinity, -Infinity, -1, 0] });
  const [m, s, l, d] = r.map((a: tf.NDArray) => Array.from(a.data));
  assert.equal(m, [NaN, Infinity, -Infinity, -2, 0]);
  assert.equal(s, [NaN, Infinity, NaN, NaN, 0]);
  assert.equal(l, [NaN, Infinity, NaN, NaN, -Infinity]);
  assert.equal(d, [NaN, Infinity, -Infinity, -Infinity, NaN]);
}));

test('uninitialised variable: FailedPreconditionError Attempting to use uninitialized value m', () => fresh(() => {
  const m = new tf.Variable(1.5, { name: 'm' });
  const b = new tf.Variable(2, { name: 'b' });
  const sess = new tf.Session();
  for (const fetch of [m, m.value(), m.value().mul(3), m.ref, 'm:0', 'm/read:0', tf.assignAdd(m, 1)]) {
    const e = throwsClass(() => sess.run(fetch), tf.errors.FailedPreconditionError);
    assert.is(e.shortMessage, 'Attempting to use uninitialized value m');
    assert.ok(e.op, 'carries the op');
  }
  sess.run(m.initializer);
  // b is still uninitialised; naming the right variable
  const e = throwsClass(() => sess.run(m.value().add(b)), tf.errors.FailedPreconditionError);
  assert.is(e.shortMessage, 'Attempting to use uninitialized value b');
}));

test('fetch from another graph, unknown names and bad fetch types', () => fresh(() => {
  const X = tf.placeholder('float32', [], 'X');
  const y = X.mul(2);
  const sess = new tf.Session();
  const g2 = new tf.Graph();
  const other = g2.asDefault(() => tf.constant(1, { name: 'other' }));
  const otherVar = g2.asDefault(() => new tf.Variable(1, { name: 'ov' }));
  throwsClass(() => sess.run(other), IAE, "'other:0'", "not an element of this session's graph");
  throwsClass(() => sess.run([y, other], { X: 1 }), IAE, "'other:0'");
  throwsClass(() => sess.run(other.op), IAE, "'other'");
  throwsClass(() => sess.run(otherVar), IAE, "'ov:0'");
  throwsClass(() => sess.run(y, new Map([[other, 1]])), IAE, "'other:0'", 'another graph');
  throwsClass(() => sess.run('nope:0'), tf.errors.NotFoundError, "'nope:0'", "'nope', does not exist");
  throwsClass(() => sess.run('nope'), tf.errors.NotFoundError, "'nope'");
  throwsClass(() => sess.run('mul:3', { X: 1 }), tf.errors.NotFoundError, "'mul:3'", 'only has 1 outputs');
  throwsClass(() => sess.run(y, { Y: 1 }), tf.errors.NotFoundError, "'Y:0'");
  throwsClass(() => sess.run(y, new Map([[X.op as unknown as tf.Tensor, 1]])), IAE, 'feed');
  throwsClass(() => sess.run(null as unknown as tf.Fetches), IAE, 'null');
  throwsClass(() => sess.run(5 as unknown as tf.Fetches), IAE, 'number');
  throwsClass(() => sess.run({ a: [y, undefined] } as unknown as tf.Fetches, { X: 1 }), IAE, 'undefined');
}));

test('closed session: every later run fails with a clear error', () => fresh(() => {
  const c = tf.constant(1);
  const sess = new tf.Session();
  sess.close();
  throwsClass(() => sess.run(c), IAE, 'Attempted to use a closed Session.');
  throwsClass(() => sess.run([]), IAE, 'closed Session');
}));

test('run-time shape errors carry the failing op and its location', () => fresh(() => {
  const X = tf.placeholder('float32', [null], 'X');
  const r = tf.reshape(X, [2, 2]);
  const Y = tf.placeholder('float32', [null], 'Y');
  const s = tf.add(X, Y);
  const sess = new tf.Session();
  const e = throwsClass(() => sess.run(r, { X: [1, 2, 3] }), IAE, 'Input to reshape is a tensor with 3 values');
  assert.ok(e.op === r.op, `e.op is ${e.op?.name}`);
  assert.match(e.message, /\[\[node Reshape \(Reshape, defined at .*errors\.test\.ts:\d+:\d+\)\]\]/);
  const e2 = throwsClass(() => sess.run(s, { X: [1, 2, 3], Y: [1, 2] }), IAE, 'Incompatible shapes: [3] vs. [2]');
  assert.ok(e2.op === s.op, `e2.op is ${e2.op?.name}`);
  const m = tf.matmul(tf.placeholder('float32', [null, null], 'A'), tf.placeholder('float32', [null, null], 'B'));
  const e3 = throwsClass(() => sess.run(m, { A: [[1, 2]], B: [[1, 2]] }), IAE, 'Matrix size-incompatible');
  assert.ok(e3.op === m.op, `e3.op is ${e3.op?.name}`);
}));

test('graph-building dtype errors name both tensors', () => fresh(() => {
  const i = tf.constant([1, 2], { dtype: 'int32', name: 'i' });
  const f = tf.constant([1, 2], { name: 'f' });
  for (const fn of [() => tf.add(i, f), () => i.add(f), () => tf.multiply(i, f), () => tf.maximum(i, f), () => tf.matmul(i, f)]) {
    throwsClass(fn, IAE, "'i:0'", "'f:0'", 'int32', 'float32');
  }
  throwsClass(() => tf.divide(i, f), IAE, 'int32', 'float32');
  throwsClass(() => tf.where(tf.constant([true, false]), i, f), IAE, 'int32', 'float32');
  throwsClass(() => tf.assign(new tf.Variable(1, { name: 'v' }), tf.constant(1, { dtype: 'int32' })), IAE, 'int32', 'float32');
}));

test('a JS number takes the other operand\'s dtype; 2.5 into an int32 op fails', () => fresh(() => {
  const i = tf.constant([1, 2], { dtype: 'int32', name: 'i' });
  const d = tf.constant([1, 2], { dtype: 'float64', name: 'd' });
  assert.is(i.add(2).dtype, 'int32');
  assert.is(i.add(2).op.inputs[1].dtype, 'int32');
  assert.is(tf.multiply(3, i).dtype, 'int32');
  assert.is(d.mul(0.1).op.inputs[1].dtype, 'float64');
  assert.is(new tf.Session().run(d.mul(0.1)).get(0), 0.1);
  assert.is(tf.add(1, 2).dtype, 'float32');
  throwsClass(() => i.add(2.5), IAE, 'int32', '2.5');
  throwsClass(() => tf.multiply(2.5, i), IAE, 'int32', '2.5');
  throwsClass(() => tf.constant(2.5, { dtype: 'int32' }), IAE, 'int32', '2.5');
  throwsClass(() => tf.constant([1, 2.5], { dtype: 'int32' }), IAE, 'int32', '2.5');
  throwsClass(() => new tf.Variable(2.5, { dtype: 'int32' }), IAE, 'int32', '2.5');
  throwsClass(() => tf.assign(new tf.Variable(1, { dtype: 'int32', name: 'iv' }), 0.5), IAE, 'int32', '0.5');
  throwsClass(() => tf.constant(300, { dtype: 'uint8' }), IAE, 'uint8', '300');
}));

test('graph-building shape errors name both tensors and shapes', () => fresh(() => {
  const a = tf.constant([1, 2, 3], { name: 'a' });
  const b = tf.constant([1, 2], { name: 'b' });
  const e = throwsClass(() => tf.add(a, b), IAE, "'a:0'", "'b:0'", '[3]', '[2]');
  assert.not.match(e.message, /op: 'Add_/);
  throwsClass(() => tf.matmul(tf.zeros([2, 3]), tf.zeros([2, 3])), IAE, 'Dimensions must be equal, but are 3 and 2');
  throwsClass(() => tf.reshape(a, [2, 2]), IAE, 'a:0', '3 values');
  throwsClass(() => tf.reduceSum(a, 1), IAE, 'axis 1', 'rank 1');
  throwsClass(() => tf.placeholder('float32', [2.5]), IAE, '2.5');
  throwsClass(() => tf.placeholder('float32', [-1]), IAE, '-1');
  throwsClass(() => tf.assign(new tf.Variable([1, 2], { name: 'v2' }), [1, 2, 3]), IAE, '[2]', '[3]');
}));

test('bad constant values fail at graph-building time with InvalidArgumentError', () => fresh(() => {
  // a JS string makes a 'string' tensor, as in TF1; it cannot be a number
  throwsClass(() => tf.constant('abc', { dtype: 'float32' }), IAE, '"abc"', 'float32');
  throwsClass(() => tf.constant([[1, 2], [3]]), IAE, 'ragged');
  throwsClass(() => tf.constant([1, 2, 3], { shape: [2, 2] }), IAE, '3 values', '[2,2]');
  throwsClass(() => tf.add({} as unknown as number, 1), IAE);
  throwsClass(() => tf.constant(tf.constant(1) as unknown as number), IAE, 'identity');
}));

/** A training graph with a GradientDescent step, an assign counter and a run-time failure. */
function trainingGraph() {
  const w = new tf.Variable([1, 2], { name: 'w' });
  const X = tf.placeholder('float32', [null, 2], 'X');
  const loss = tf.reduceMean(tf.square(tf.matmul(X, tf.reshape(w, [2, 1]))));
  const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
  const step = new tf.Variable(0, { name: 'step', dtype: 'int32', trainable: false });
  const inc = tf.assignAdd(step, 1);
  const reset = tf.assign(w, [0, 0]);
  const S = tf.placeholder('int32', [2], 'S');
  const reshaped = tf.reshape(X, S);
  return { w, X, loss, train, step, inc, reset, S, reshaped };
}

test('a run that throws changes no variable (bad feed, failing op, uninitialised read)', () => fresh(() => {
  const { w, loss, train, step, inc, reset, reshaped } = trainingGraph();
  const sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const xs = [[1, 0], [0, 1], [1, 1]];
  for (let k = 0; k < 3; k++) sess.run([train, inc], { X: xs });
  const before = () => [Array.from((sess.run(w) as tf.NDArray).data), sess.run(step)];
  const snapshot = before();
  assert.is(snapshot[1], 3);

  // a wrong feed shape, given after valid training fetches
  throwsClass(() => sess.run([train, inc, reset, loss], { X: [1, 2] }), IAE, "'X:0'");
  assert.equal(before(), snapshot);
  // a failing Reshape at run time, fetched together with the train step and the assigns
  throwsClass(() => sess.run([train, inc, reset, reshaped], { X: xs, S: [4, 4] }), IAE, 'Input to reshape');
  assert.equal(before(), snapshot);
  throwsClass(() => sess.run({ a: inc, b: [reset, reshaped], c: train }, { X: xs, S: [5, 5] }), IAE);
  assert.equal(before(), snapshot);
  // a missing feed
  throwsClass(() => sess.run([train, inc, reset]), IAE, "placeholder tensor 'X'");
  assert.equal(before(), snapshot);
  // a non-numeric feed
  throwsClass(() => sess.run([train, inc], { X: [['a', 1]] as unknown as number[][] }), IAE);
  assert.equal(before(), snapshot);
  // an uninitialised variable read in the same run as the updates
  const late = new tf.Variable(1, { name: 'late' });
  throwsClass(() => sess.run([train, inc, reset, late.value().add(1)], { X: xs }), tf.errors.FailedPreconditionError, 'late');
  assert.equal(before(), snapshot);
  // the same fetches with good values still work afterwards and update
  const [, n] = sess.run([train, inc, reshaped], { X: xs, S: [2, 3] });
  assert.is(n, 4);
  assert.is.not(before()[0][0], snapshot[0][0]);
}));

test('errors thrown by kernels without an op get the failing op attached', () => fresh(() => {
  const X = tf.placeholder('float32', [null], 'X');
  const bt = tf.broadcastTo(X, [2, 3]);
  const sess = new tf.Session();
  const e = throwsClass(() => sess.run(bt, { X: [1, 2] }), IAE);
  assert.ok(e.op === bt.op, `e.op is ${e.op?.name}`);
  assert.is(e.op!.name, 'BroadcastTo');
}));

test.run();
