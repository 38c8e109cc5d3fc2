// Variables resident in wasm memory: a variable read by a plan's wasm kernels is moved into its
// region of that plan's memory once and lives there (the session's storage is that view), so
// runs copy it in no more; writes commit into it; a failed run still changes no variable.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { WASM_ALL } from '../_lib/wasm_all.js';
import { inWasmMemory } from '../../src/runtime/wasm_runner.js';
import { fetchDiff } from '../_lib/random_graph.js';

process.env.TFGEN_VERIFY ??= '1';

type Plan = NonNullable<ReturnType<tf.Session['_planFor']>>;
const storage = (sess: tf.Session, v: tf.Variable) => sess._variableValues().get(v.op)!.data;
const home = (plan: Plan, i = 0) => plan.run.homes?.variables[i];
const values = (x: unknown) => [...(x as tf.NDArray).data];

/** v ← v·c + c over n elements (one wasm kernel reading v), with its interpreter twin. */
function stepGraph(n = 10) {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const v = new tf.Variable(tf.constant(Array.from({ length: n }, (_, i) => i - 3), 'float32'), { name: 'v' });
    const c = tf.constant(Array.from({ length: n }, (_, i) => 0.25 * i + 0.5), 'float32');
    const step = tf.assign(v, tf.add(tf.multiply(v, c), c));
    return { graph, v, c, step };
  });
}

test('a variable read by a wasm kernel lives in its region of the plan memory after the first run; values equal the interpreter', () => {
  const { graph, v, step } = stepGraph();
  const sess = new tf.Session({ graph, ...WASM_ALL }), ref = new tf.Session({ graph, executor: 'interpreter' });
  sess.run(v.initializer); ref.run(v.initializer);
  assert.not.ok(inWasmMemory(storage(sess, v)), 'the initializer (no wasm kernel) leaves v in JS memory');
  sess.run(step); ref.run(step);
  const plan = sess._planFor(step)!;
  assert.ok(plan.data.kernels.some((k) => k.runsOn === 'wasm'));
  assert.match(plan.source, /if \(r0 !== wsv\[0\]\) wsv\[0\]\.set\(r0\);/);
  const resident = storage(sess, v);
  assert.is(resident, home(plan), 'the session stores the plan region itself');
  assert.ok(inWasmMemory(resident));
  for (let i = 0; i < 4; i++) { sess.run(step); ref.run(step); }
  assert.is(storage(sess, v), resident, 'writes commit into the region; storage unchanged');
  assert.is(fetchDiff(sess.run(v), ref.run(v)), undefined);
  const twice = graph.asDefault(() => tf.multiply(v, 2));
  assert.is(fetchDiff(sess.run(twice), ref.run(twice)), undefined);
});

test('a run failing after a variable write (in a JS kernel) changes no variable; the variable stays resident', () => {
  const { graph, v, step } = stepGraph();
  const { bad, idx } = graph.asDefault(() => {
    const idx = tf.placeholder('int32', [1], 'idx');
    // why: the gather (a JS kernel) runs after the wasm kernel computing the write, and fails on a bad index.
    return { bad: tf.group([step, tf.gather(tf.multiply(v, 3), idx)]), idx };
  });
  const sess = new tf.Session({ graph, ...WASM_ALL });
  sess.run(v.initializer);
  sess.run(step);
  const before = values(sess.run(v));
  const resident = storage(sess, v);
  const plan = sess._planFor(bad, new Map([[idx, new Int32Array([99])]]))!;
  assert.ok(plan.data.kernels.some((k) => k.runsOn === 'wasm'), JSON.stringify(plan.data.kernels));
  assert.throws(() => sess.run(bad, new Map([[idx, new Int32Array([99])]])), (e: Error) => e instanceof tf.errors.InvalidArgumentError && /99/.test(e.message));
  assert.equal(values(sess.run(v)), before);
  assert.ok(inWasmMemory(storage(sess, v)));
  sess.run(bad, new Map([[idx, new Int32Array([2])]]));
  const ref = new tf.Session({ graph, executor: 'interpreter' });
  ref.run(v.initializer); ref.run(step); ref.run(step);
  assert.is(fetchDiff(sess.run(v), ref.run(v)), undefined);
  assert.is(storage(sess, v), resident);
});

test('two wasm plans reading one variable: the first keeps it (no moving back and forth), the second copies it in; values stay right', () => {
  const { graph, v, c, step } = stepGraph(12);
  const loss = graph.asDefault(() => tf.reduceSum(tf.multiply(tf.subtract(v, c), tf.subtract(v, c))));
  const sess = new tf.Session({ graph, ...WASM_ALL }), ref = new tf.Session({ graph, executor: 'interpreter' });
  sess.run(v.initializer); ref.run(v.initializer);
  sess.run(step); ref.run(step);
  const resident = storage(sess, v);
  assert.is(resident, home(sess._planFor(step)!));
  for (let i = 0; i < 3; i++) {
    assert.is(sess.run(loss), ref.run(loss));
    sess.run(step); ref.run(step);
    assert.is(storage(sess, v), resident);
  }
  const lossPlan = sess._planFor(loss)!;
  assert.ok(lossPlan.data.kernels.some((k) => k.runsOn === 'wasm'));
  assert.is.not(home(lossPlan), resident);
  assert.is(fetchDiff(sess.run(v), ref.run(v)), undefined);
});

test('a value set from JS (a fed assign, a restore) is committed into the region or moved there again; runs see it', () => {
  const { graph, v, step } = stepGraph(8);
  const { x, load } = graph.asDefault(() => {
    const x = tf.placeholder('float32', [8], 'x');
    return { x, load: tf.assign(v, x) };
  });
  const sess = new tf.Session({ graph, ...WASM_ALL }), ref = new tf.Session({ graph, executor: 'interpreter' });
  sess.run(v.initializer); sess.run(step);
  const resident = storage(sess, v);
  const xs = Float32Array.from({ length: 8 }, (_, i) => 2 * i - 5);
  sess.run(load, new Map([[x, xs]])); ref.run(load, new Map([[x, xs]]));
  assert.is(storage(sess, v), resident, 'a JS plan\'s write commits into the region');
  sess.run(step); ref.run(step);
  assert.is(fetchDiff(sess.run(v), ref.run(v)), undefined);
  sess._restoreVariables(new Map([[v.op, new tf.NDArray(new Float32Array(8).fill(1.5), [8], 'float32')]]));
  ref._restoreVariables(new Map([[v.op, new tf.NDArray(new Float32Array(8).fill(1.5), [8], 'float32')]]));
  assert.not.ok(inWasmMemory(storage(sess, v)));
  sess.run(step); ref.run(step);
  assert.ok(inWasmMemory(storage(sess, v)), 'moved into the region again');
  assert.is(fetchDiff(sess.run(v), ref.run(v)), undefined);
});

test('Variable.load writes a value without graph ops (converted and checked as a feed, copied); the next wasm run moves it in once', () => {
  const { graph, v, step } = stepGraph(8);
  const sess = new tf.Session({ graph, ...WASM_ALL }), ref = new tf.Session({ graph, executor: 'interpreter' });
  const ops = graph.getOperations().length;
  const data = Float32Array.from({ length: 8 }, (_, i) => i / 4 - 1);
  v.load(data, sess); ref.asDefault(() => v.load(data));
  assert.is(graph.getOperations().length, ops, 'no op added');
  data[0] = 99;
  assert.is((sess.run(v) as tf.NDArray).data[0], -1, 'the value was copied');
  sess.run(step); ref.run(step);
  const resident = storage(sess, v);
  assert.ok(inWasmMemory(resident));
  assert.is(fetchDiff(sess.run(v), ref.run(v)), undefined);
  assert.throws(() => v.load(new Float32Array(3), sess), (e: Error) => e instanceof tf.errors.InvalidArgumentError && /shape/.test(e.message));
  assert.throws(() => v.load([[1, 2], [3, 4]], sess), (e: Error) => e instanceof tf.errors.InvalidArgumentError);
  assert.is(storage(sess, v), resident, 'a refused load changes nothing');
  assert.is(fetchDiff(sess.run(v), ref.run(v)), undefined);
  assert.throws(() => v.load(data), (e: Error) => e instanceof tf.errors.InvalidArgumentError && /load\(\)/.test(e.message));
  v.load([1, 2, 3, 4, 5, 6, 7, 8], sess);
  assert.equal(values(sess.run(v)), [1, 2, 3, 4, 5, 6, 7, 8]);
});

test.run();
