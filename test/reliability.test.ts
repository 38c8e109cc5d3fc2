// Regression tests for bugs found by adversarial use (issue 6, bugs 3–9) and by the bad-input
// differential tests since, each on both executors: the compiled one (`new tf.Session()`) and the
// reference interpreter. Each asserts the value TF1 gives, or the tf error (the same on both) and
// that no session state changed.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../src/index.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fresh, throwsClass } from './_lib/op_cases.js';
import { readSafetensorsSpec } from './_lib/safetensors_spec.js';
import { decodeSafetensors, encodeSafetensors } from '../src/train/safetensors.js';

const EXECUTORS = ['compiled', 'interpreter'] as const;
type Executor = (typeof EXECUTORS)[number];

/** One test per executor; `fn` gets a session factory for it. */
function both(name: string, fn: (session: (g: tf.Graph) => tf.Session, executor: Executor) => void): void {
  for (const executor of EXECUTORS) {
    test(`${name} [${executor}]`, () => fresh(() => fn((g) => new tf.Session({ graph: g, executor }), executor)));
  }
}

/** The exact int32 (two's complement) value of a BigInt. */
const wrap32 = (v: bigint): number => Number(BigInt.asIntN(32, v));

// --- bug 5: int32 matmul is exact (Math.imul, wrap-around), compiled == interpreter ---
both('int32 matmul is exact past 2^53: [[2^27+1, 0]]·[[2^27+1], [0]] = 2^54 + 2^28 + 1 wrapped', (session, executor) => {
  const a = tf.placeholder(tf.int32, [1, 2], 'a');
  const b = tf.placeholder(tf.int32, [2, 1], 'b');
  const sess = session(a.graph);
  const feeds = new Map([[a, [[2 ** 27 + 1, 0]]], [b, [[2 ** 27 + 1], [0]]]]);
  const r = sess.run(tf.matmul(a, b), feeds) as tf.NDArray;
  assert.equal([...r.data], [268435457]);
  if (executor === 'compiled') assert.ok(sess._planFor(tf.matmul(a, b), feeds) !== null, 'the int32 matmul compiles');
});

both('int32 matmul wraps like int32 arithmetic on tiled and edge blocks (5x6 · 6x7, transposes)', (session) => {
  const M = 5, K = 6, N = 7;
  const big = (i: number) => ((i * 2654435761) % 2 ** 31) - 2 ** 30;
  const A = Array.from({ length: M * K }, (_, i) => big(i + 1));
  const B = Array.from({ length: K * N }, (_, i) => big(i + 101));
  const a = tf.placeholder(tf.int32, [M, K]);
  const bT = tf.placeholder(tf.int32, [N, K]);
  const BT = Array.from({ length: N * K }, (_, i) => B[(i % K) * N + Math.floor(i / K)]);
  const expected: number[] = [];
  for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) {
    let s = 0n;
    for (let p = 0; p < K; p++) s += BigInt(A[i * K + p]) * BigInt(B[p * N + j]);
    expected.push(wrap32(s));
  }
  const sess = session(a.graph);
  const feeds = new Map([[a, Int32Array.from(A)], [bT, Int32Array.from(BT)]]);
  const r = sess.run(tf.matmul(a, bT, { transposeB: true }), feeds) as tf.NDArray;
  assert.equal([...r.data], expected);
  assert.is(r.dtype, 'int32');
});

// --- bug 6: int32 pow is exact (square-and-multiply with imul) ---
both('int32 pow is exact: 3^40 wraps to 689956897, 7^31 and negative bases too', (session) => {
  const x = tf.placeholder(tf.int32, [5]);
  const y = tf.placeholder(tf.int32, [5]);
  const xs = [3, 7, -3, 2, -1], ys = [40, 31, 33, 31, -7];
  const r = session(x.graph).run(tf.pow(x, y), new Map([[x, xs], [y, ys]])) as tf.NDArray;
  const expected = xs.map((b, i) => (ys[i] < 0 ? (b === -1 ? -1 : 0) : wrap32(BigInt(b) ** BigInt(ys[i]))));
  assert.equal([...r.data], expected);
  assert.is(expected[0], 689956897);
});

both('int8 and uint8 pow wrap like their typed arrays: 3^7 → int8 -119, uint8 137', (session) => {
  const x8 = tf.placeholder(tf.int8, [1]);
  const xu = tf.placeholder(tf.uint8, [1]);
  const sess = session(x8.graph);
  const r = sess.run([tf.pow(x8, tf.constant([7], { dtype: 'int8' })), tf.pow(xu, tf.constant([7], { dtype: 'uint8' }))], new Map([[x8, [3]], [xu, [3]]])) as tf.NDArray[];
  assert.equal([...r[0].data, ...r[1].data], [2187 - 2304, 2187 % 256]);
});

both('int64 pow is exact within int64\'s exact range (3^33, (-3)^33, 2^52) and refused past it, never wrapped', (session) => {
  const x = tf.placeholder(tf.int64, [3], 'x');
  const y = tf.placeholder(tf.int64, [3], 'y');
  const sess = session(x.graph);
  const r = sess.run(tf.pow(x, y), { x: [3, -3, 2], y: [33, 33, 52] }) as tf.NDArray;
  assert.equal([...r.data], [5559060566555523, -5559060566555523, 2 ** 52]);
  throwsClass(() => sess.run(tf.pow(x, y), { x: [3, 1, 1], y: [40, 1, 1] }), tf.errors.InvalidArgumentError, 'outside ±(2^53 - 1)');
});

// --- a failed run changes no state, random streams included ---
both('a run that fails after drawing random numbers leaves the random stream where it was', (session) => {
  const r = tf.randomUniform([3], { seed: 11 });
  const idx = tf.placeholder(tf.int32, [1], 'idx');
  const bad = tf.gather(tf.constant([1, 2]), idx);
  const first = (session(r.graph).run(r) as tf.NDArray).toArray();
  const sess = session(r.graph);
  throwsClass(() => sess.run([tf.add(r, 1), bad], new Map([[idx, [5]]])), tf.errors.InvalidArgumentError, 'indices[0] = 5 is not in [0, 2)');
  assert.equal((sess.run(r) as tf.NDArray).toArray(), first);
});

// --- bug 3: Assign checks the value's run-time shape against the variable's, rank included ---
both('assigning a fed [6] to a [3] variable fails and leaves the variable as it was', (session) => {
  const v = new tf.Variable([1, 2, 3], { name: 'v' });
  const p = tf.placeholder(tf.float32, null, 'p');
  const a = tf.assign(v, p);
  const sess = session(v.graph);
  sess.run(v.initializer);
  throwsClass(() => sess.run(a, { p: [1, 2, 3, 4, 5, 6] }), tf.errors.InvalidArgumentError,
    'Assign requires shapes of both tensors to match. lhs shape= [3] rhs shape= [6]');
  assert.equal((sess.run(v) as tf.NDArray).toArray(), [1, 2, 3]);
  assert.equal((sess.run(v) as tf.NDArray).shape, [3]);
});

both('assigning a fed [3, 1] to a [3] variable fails (same length, other rank); a scalar reduceSum stays a scalar', (session) => {
  const v = new tf.Variable([1, 2, 3], { name: 'v' });
  const p = tf.placeholder(tf.float32, null, 'p');
  const a = tf.assign(v, p);
  const sess = session(v.graph);
  sess.run(v.initializer);
  throwsClass(() => sess.run(a, { p: [[7], [8], [9]] }), tf.errors.InvalidArgumentError, 'lhs shape= [3] rhs shape= [3,1]');
  assert.is(sess.run(tf.reduceSum(v)), 6);
  sess.run(a, { p: [7, 8, 9] });
  assert.is(sess.run(tf.reduceSum(v)), 24);
});

both('assignAdd and assignSub of a fed value that would broadcast ([1] into [3]) fail; nothing changes', (session) => {
  const v = new tf.Variable([1, 2, 3], { name: 'v' });
  const p = tf.placeholder(tf.float32, null, 'p');
  const sess = session(v.graph);
  sess.run(v.initializer);
  throwsClass(() => sess.run(tf.assignAdd(v, p), { p: [10] }), tf.errors.InvalidArgumentError, 'AssignAdd requires shapes of both tensors to match. lhs shape= [3] rhs shape= [1]');
  throwsClass(() => sess.run(tf.assignSub(v, p), { p: [[1, 1, 1]] }), tf.errors.InvalidArgumentError, 'AssignSub requires shapes', 'rhs shape= [1,3]');
  assert.equal((sess.run(v) as tf.NDArray).toArray(), [1, 2, 3]);
});

both('validateShape: false lets a fed value change the variable\'s shape (TF1)', (session) => {
  const v = new tf.Variable([1, 2, 3], { name: 'v', validateShape: false });
  const p = tf.placeholder(tf.float32, null, 'p');
  const sess = session(v.graph);
  sess.run(v.initializer);
  sess.run(tf.assign(v, p, { validateShape: false }), { p: [[7], [8]] });
  assert.equal((sess.run(v) as tf.NDArray).toArray(), [[7], [8]]);
});

both('a gradient-descent update with a fed gradient of another rank fails (var and grad must have one shape)', (session) => {
  const v = new tf.Variable([1, 2, 3], { name: 'v' });
  const g = tf.placeholder(tf.float32, null, 'g');
  const step = new tf.train.GradientDescentOptimizer(0.5).applyGradients([[g, v]]);
  const sess = session(v.graph);
  sess.run(v.initializer);
  throwsClass(() => sess.run(step, { g: [[2], [2], [2]] }), tf.errors.InvalidArgumentError, 'var and grad do not have the same shape [3] [3,1]');
  assert.equal((sess.run(v) as tf.NDArray).toArray(), [1, 2, 3]);
  sess.run(step, { g: [2, 2, 2] });
  assert.equal((sess.run(v) as tf.NDArray).toArray(), [0, 1, 2]);
});

both('a fed learning rate that is not a scalar fails every optimizer\'s update and trains nothing (TF1: [] or [1])', (session) => {
  const lr = tf.placeholder(tf.float32, null, 'lr');
  const v = new tf.Variable([1, 2, 3], { name: 'v' });
  const loss = tf.reduceSum(tf.square(v));
  const steps = [new tf.train.GradientDescentOptimizer(lr), new tf.train.MomentumOptimizer(lr, 0.9), new tf.train.AdamOptimizer(lr),
    new tf.train.RMSPropOptimizer(lr), new tf.train.AdagradOptimizer(lr)].map((o) => o.minimize(loss));
  const sess = session(v.graph);
  sess.run(tf.globalVariablesInitializer());
  for (const step of steps) {
    throwsClass(() => sess.run(step, { lr: [0.1, 0.2, 0.3] }), tf.errors.InvalidArgumentError, 'is not a scalar: [3]');
    throwsClass(() => sess.run(step, { lr: [[0.1]] }), tf.errors.InvalidArgumentError, 'is not a scalar: [1,1]');
  }
  assert.equal((sess.run(v) as tf.NDArray).toArray(), [1, 2, 3]);
  sess.run(steps[0], { lr: [0.25] });
  assert.equal((sess.run(v) as tf.NDArray).toArray(), [0.5, 1, 1.5]);
});

// --- bug 4: ops that are only targets or control dependencies still run their checks ---
both('an out-of-range gather in a control dependency fails the run and the assignAdd is not committed', (session) => {
  const v = new tf.Variable(0, { name: 'v' });
  const idx = tf.placeholder(tf.int32, [1], 'idx');
  const g = tf.gather(tf.constant([1, 2, 3]), idx);
  const up = tf.controlDependencies([g], () => tf.assignAdd(v, 1));
  const sess = session(v.graph);
  sess.run(v.initializer);
  throwsClass(() => sess.run(up, new Map([[idx, [3]]])), tf.errors.InvalidArgumentError, 'indices[0] = 3 is not in [0, 3)', 'GatherV2');
  assert.is(sess.run(v), 0);
  sess.run(up, new Map([[idx, [2]]]));
  assert.is(sess.run(v), 1);
});

both('tf.group of a gather checks its indices (a target with no fetched value)', (session) => {
  const idx = tf.placeholder(tf.int32, [2], 'idx');
  const grouped = tf.group([tf.gather(tf.constant([[1, 2], [3, 4]]), idx)]);
  const sess = session(idx.graph);
  throwsClass(() => sess.run(grouped, new Map([[idx, [1, -1]]])), tf.errors.InvalidArgumentError, 'indices[1] = -1 is not in [0, 2)');
  assert.is(sess.run(grouped, new Map([[idx, [1, 0]]])), null);
});

both('an uninitialised variable read only inside a control dependency is reported; nothing is committed', (session) => {
  const v = new tf.Variable(0, { name: 'v' });
  const w = new tf.Variable(5, { name: 'w' });
  const up = tf.controlDependencies([tf.add(w, 1)], () => tf.assignAdd(v, 1));
  const sess = session(v.graph);
  sess.run(v.initializer);
  throwsClass(() => sess.run(up), tf.errors.FailedPreconditionError, 'Attempting to use uninitialized value w');
  assert.is(sess.run(v), 0);
  sess.run(w.initializer);
  sess.run(up);
  assert.is(sess.run(v), 1);
});

both('with several uninitialised variables, the one reported is the first read in run order (a fetched-only one last)', (session) => {
  const late = new tf.Variable(1, { name: 'late' });
  const early = new tf.Variable(2, { name: 'early' });
  const first = tf.square(early);
  // why: a read made inside the control dependency runs after `first` (late's own `read` op may run any time).
  const second = tf.controlDependencies([first], () => tf.add(late.readValue(), 1));
  const sess = session(late.graph);
  throwsClass(() => sess.run([second, late]), tf.errors.FailedPreconditionError, 'uninitialized value early');
  sess.run(early.initializer);
  throwsClass(() => sess.run([first, late]), tf.errors.FailedPreconditionError, 'uninitialized value late');
});

both('an uninitialised variable is reported before other faults of the run (a bad gather index, a fed shape Assign refuses)', (session) => {
  const v = new tf.Variable([1, 2], { name: 'v' });
  const w = new tf.Variable([0, 0], { name: 'w' });
  const idx = tf.placeholder(tf.int32, [1], 'idx');
  const p = tf.placeholder(tf.float32, null, 'p');
  const bad = tf.gather(tf.constant([1, 2, 3]), idx);
  const late = tf.controlDependencies([bad], () => tf.add(v.readValue(), 1));
  const sess = session(v.graph);
  throwsClass(() => sess.run(late, { idx: [7] }), tf.errors.FailedPreconditionError, 'uninitialized value v');
  throwsClass(() => sess.run([tf.assign(w, p), v], { p: [1, 2, 3] }), tf.errors.FailedPreconditionError, 'uninitialized value v');
  sess.run(v.initializer);
  throwsClass(() => sess.run(late, { idx: [7] }), tf.errors.InvalidArgumentError, 'indices[0] = 7 is not in [0, 3)');
});

both('a random op run as a control dependency advances its stream (the next fetch gets the second draw)', (session) => {
  const r = tf.randomUniform([3], { seed: 7 });
  const v = new tf.Variable(0);
  const up = tf.controlDependencies([r], () => tf.assignAdd(v, 1));
  const plain = session(r.graph);
  plain.run(r);
  const second = (plain.run(r) as tf.NDArray).toArray();
  const sess = session(r.graph);
  sess.run(v.initializer);
  sess.run(up);
  assert.equal((sess.run(r) as tf.NDArray).toArray(), second);
});

// --- bugs 7 and 8: impossible shapes fail as tf errors where they are written; huge ones before running ---
test('invalid or huge static dims fail when the op is created, as InvalidArgumentError naming it', () => fresh((g) => {
  throwsClass(() => tf.zeros([1e6, 1e6]), tf.errors.InvalidArgumentError, "tf.zeros 'zeros'", '1000000000000 elements', 'more than a typed array can hold');
  throwsClass(() => tf.zeros([-1, 3]), tf.errors.InvalidArgumentError, 'dimension -1 of shape [-1,3] is not a non-negative integer');
  throwsClass(() => tf.ones([1.5]), tf.errors.InvalidArgumentError, "tf.ones 'ones'", 'dimension 1.5');
  throwsClass(() => tf.zeros([NaN]), tf.errors.InvalidArgumentError, 'dimension NaN');
  throwsClass(() => tf.fill([1e6, 1e6], 1), tf.errors.InvalidArgumentError, "Fill 'Fill'", 'more than a typed array can hold');
  throwsClass(() => tf.randomNormal([1e5, 1e5]), tf.errors.InvalidArgumentError, 'RandomStandardNormal', '10000000000 elements');
  throwsClass(() => tf.reshape(tf.placeholder(tf.float32), [65536, 65536, 2]), tf.errors.InvalidArgumentError, 'Reshape', 'more than a typed array');
  throwsClass(() => tf.constant(0, { shape: [1e6, 1e6] }), tf.errors.InvalidArgumentError, 'more than a typed array');
  throwsClass(() => tf.fill([2], [1, 2]), tf.errors.InvalidArgumentError, "Fill 'Fill': value must be a scalar, got shape [2]");
  // why: a failed creation adds no op to the graph (only the constants of its arguments, as in TF1).
  assert.equal(g.getOperations().filter((o) => o.type !== 'Const' && o.type !== 'Placeholder'), []);
}));

both('a huge fused reduction over a broadcast of fed shapes fails before running (no ten-minute loop)', (session) => {
  const a = tf.placeholder(tf.float32, [null, 1], 'a');
  const b = tf.placeholder(tf.float32, [1, null], 'b');
  const v = new tf.Variable(0, { name: 'v' });
  const total = tf.reduceSum(tf.add(a, b));
  const up = tf.assign(v, total);
  const sess = session(a.graph);
  sess.run(v.initializer);
  const feeds = { a: new Float32Array(100000), b: new Float32Array(100000) };
  throwsClass(() => sess.run(up, feeds), tf.errors.InvalidArgumentError, 'a tensor of 10000000000 elements is more than a typed array can hold');
  assert.is(sess.run(v), 0);
  assert.is(sess.run(up, { a: [[1], [2]], b: [[10, 20, 30]] }), 2 * 60 + 3 * 3);
});

test('run-time shapes past the typed-array limit (fed fill dims, a fed random shape, a huge one-hot) fail alike on both executors, naming the op', () => fresh((g) => {
  const dims = tf.placeholder(tf.int32, [2], 'dims');
  const ids = tf.placeholder(tf.int32, [null], 'ids');
  const cases: [tf.Tensor, tf.FeedDict, string, string][] = [
    [tf.reduceSum(tf.fill(dims, 1)), { dims: [1e6, 1e6] }, 'Fill: shape [1000000,1000000] has 1000000000000 elements', 'node Fill '],
    [tf.fill(dims, 1), { dims: [-1, 2] }, 'Fill: dimension -1 of shape [-1,2] is not a non-negative integer', 'node Fill_1 '],
    [tf.reduceSum(tf.randomUniform(dims)), { dims: [1e5, 1e5] }, 'a tensor of 10000000000 elements is more than a typed array can hold', 'RandomUniform'],
    [tf.reduceSum(tf.oneHot(ids, 100000)), { ids: new Int32Array(100000) }, 'a tensor of 10000000000 elements', 'node one_hot '],
  ];
  for (const [t, feeds, words, op] of cases) {
    const messages = EXECUTORS.map((executor) => {
      const sess = new tf.Session({ graph: g, executor });
      return throwsClass(() => sess.run(t, feeds), tf.errors.InvalidArgumentError, words, op).message;
    });
    assert.is(messages[0], messages[1]);
  }
}));

// --- found by the bad-input differential test: fed shapes an op refuses, refused alike ---
test('fed shapes an op refuses fail with one message on both executors (broadcastTo, where, biasAdd, softmax of a scalar, stack, addN, fill and oneHot values)', () => fresh((g) => {
  const x = tf.placeholder(tf.float32, null, 'x');
  const y = tf.placeholder(tf.float32, null, 'y');
  const c = tf.placeholder(tf.bool, null, 'c');
  const cases: [tf.Tensor, tf.FeedDict, string][] = [
    [tf.broadcastTo(x, []), { x: [1, 2] }, "BroadcastTo 'BroadcastTo': cannot broadcast [2] to []"],
    [tf.broadcastTo(x, [2, 3]), { x: [[1], [2], [3]] }, "BroadcastTo 'BroadcastTo_1': Incompatible shapes: [3,1] vs. [2,3]"],
    [tf.where(c, x, y), { c: [true, false], x: [[1, 2, 3]], y: [1] }, "SelectV2 'Select': Incompatible shapes: [2] vs. [1,3]"],
    [tf.nn.biasAdd(x, y), { x: [[1, 2, 3]], y: [1] }, 'BiasAdd: bias [1] must be a vector as long as the last dimension of value [1,3]'],
    [tf.nn.softmax(x), { x: 3 }, "Softmax 'Softmax': logits must have at least one dimension, got shape []"],
    [tf.nn.logSoftmax(x), { x: 3 }, "LogSoftmax 'LogSoftmax': logits must have at least one dimension"],
    [tf.stack([x, y]), { x: [[1], [2]], y: [[1, 2]] }, "Pack 'stack': values[1] has shape [1,2], values[0] has [2,1]; all must match."],
    [tf.addN([x, y]), { x: [1, 2], y: [1] }, "AddN 'AddN': inputs must have the same size and shape. Input 0: [2] != input 1: [1]"],
    [tf.fill([2], x), { x: [1, 2] }, "Fill 'Fill': value must be a scalar, got shape [2]."],
    [tf.oneHot([0, 1], 2, { onValue: x, offValue: y }), { x: 1, y: [0, 0] }, "OneHot 'one_hot': off_value must be a scalar, got shape [2]."],
  ];
  for (const [t, feeds, words] of cases) {
    const outcomes = EXECUTORS.map((executor) => {
      const sess = new tf.Session({ graph: g, executor });
      return throwsClass(() => sess.run(t, feeds), tf.errors.InvalidArgumentError, words).message;
    });
    assert.equal(outcomes[0], outcomes[1]);
  }
}));

// --- bug 9: checkpoints of variables with any name ('__proto__', 'constructor') round-trip ---
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-reliability-'));
test.after(() => fs.rmSync(dir, { recursive: true, force: true }));

both("a variable named '__proto__' (and one keyed 'constructor') saves, restores and opens in another safetensors reader", (session, executor) => {
  const p = new tf.Variable([1.5, -2], { name: '__proto__' });
  const c = new tf.Variable([7], { name: 'c', dtype: 'int32' });
  const saver = new tf.train.Saver({ ['__proto__']: p, constructor: c, 'héllo/ünï': p });
  const sess = session(p.graph);
  sess.run(tf.globalVariablesInitializer());
  const file = path.join(dir, `proto-${executor}.safetensors`);
  saver.save(sess, file);
  const spec = readSafetensorsSpec(fs.readFileSync(file));
  assert.equal([...spec.tensors.keys()].sort(), ['__proto__', 'constructor', 'héllo/ünï']);
  assert.equal(spec.tensors.get('__proto__'), { dtype: 'F32', shape: [2], values: [1.5, -2] });
  assert.equal(spec.tensors.get('constructor'), { dtype: 'I32', shape: [1], values: [7] });
  sess.run([tf.assign(p, [0, 0]), tf.assign(c, [0])]);
  saver.restore(sess, file);
  assert.equal([(sess.run(p) as tf.NDArray).toArray(), (sess.run(c) as tf.NDArray).toArray()], [[1.5, -2], [7]]);
  const other = session(p.graph);
  saver.restore(other, file);
  assert.equal((other.run(p) as tf.NDArray).toArray(), [1.5, -2]);
});

test("safetensors: tensor and metadata names '__proto__' and 'constructor' are own keys of the header and decode back", () => {
  const tensors = new Map([['__proto__', new tf.NDArray(new Float64Array([1, 2]), [2], 'float64')], ['constructor', new tf.NDArray(new Uint8Array([1]), [], 'bool')]]);
  const bytes = encodeSafetensors(tensors, { ['__proto__']: 'meta', constructor: 'm2' });
  const spec = readSafetensorsSpec(bytes);
  assert.equal(spec.tensors.get('__proto__'), { dtype: 'F64', shape: [2], values: [1, 2] });
  assert.equal(spec.tensors.get('constructor'), { dtype: 'BOOL', shape: [], values: [1] });
  assert.is(Object.getOwnPropertyDescriptor(spec.metadata, '__proto__')?.value, 'meta');
  const back = decodeSafetensors(bytes, { requireChecksum: true });
  assert.equal(back.tensors.get('__proto__')!.toArray(), [1, 2]);
  assert.is(Object.getOwnPropertyDescriptor(back.metadata, '__proto__')?.value, 'meta');
  assert.is(back.metadata.constructor, 'm2');
});

test.run();
