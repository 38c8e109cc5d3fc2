// Errors that are read, not scrolled: console.log(err) (util.inspect) and Node's uncaught-error
// report (err.stack and the enumerable properties) show the message, the op's name, type and
// source line and the user's frames — a few lines, not the op's object graph — while err.op,
// err.errorCode and err.fullStack stay properties.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { inspect } from 'node:util';
import * as tf from '../src/index.js';
import { fresh } from './_lib/op_cases.js';

const THIS_FILE = /error_printing\.test\.ts:\d+:\d+/;
const MAX_LINES = 6;

function caught(fn: () => unknown): tf.errors.OpError {
  try {
    fn();
  } catch (e) {
    if (e instanceof tf.errors.OpError) return e;
    throw e;
  }
  return assert.unreachable('expected a tf error') as never;
}

/** The printed error: at most MAX_LINES lines, the message first, a frame of this file, no generated or internal frames. */
function printed(e: tf.errors.OpError): string[] {
  const lines = inspect(e).split('\n');
  assert.ok(lines.length <= MAX_LINES, `${lines.length} lines:\n${lines.join('\n')}`);
  assert.is(lines[0], `${e.name}: ${e.message.split('\n')[0]}`);
  assert.ok(lines.some((l) => /^\s+at /.test(l) && THIS_FILE.test(l)), `a frame of the caller:\n${lines.join('\n')}`);
  assert.not.ok(lines.some((l) => l.includes('eval at') || l.includes('/src/') || l.includes('node_modules')), lines.join('\n'));
  return lines;
}

/** A two-layer net with a training step, as the classic TF1 programs build it. */
function twoLayerNet() {
  const X = tf.placeholder('float32', [null, 4], 'X');
  const labels = tf.placeholder('float32', [null, 3], 'labels');
  const W1 = new tf.Variable(tf.randomNormal([4, 8], { seed: 1 }), { name: 'W1' });
  const b1 = new tf.Variable(tf.zeros([8]), { name: 'b1' });
  const W2 = new tf.Variable(tf.randomNormal([8, 3], { seed: 2 }), { name: 'W2' });
  const hidden = tf.nn.relu(tf.add(tf.matmul(X, W1), b1));
  const logits = tf.matmul(hidden, W2);
  const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels, logits }));
  const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
  return { X, loss, train };
}

for (const executor of ['compiled', 'interpreter'] as const) {
  test(`${executor}: an uninitialised variable in a two-layer net prints in a few lines, naming the op and its line`, () => fresh(() => {
    const { X, train, loss } = twoLayerNet();
    const sess = new tf.Session({ executor });
    const e = caught(() => sess.run([train, loss], { X: [[1, 2, 3, 4]], labels: [[0, 1, 0]] }));
    assert.instance(e, tf.errors.FailedPreconditionError);
    const lines = printed(e);
    assert.match(lines[0], /^FailedPreconditionError: Attempting to use uninitialized value (W1|b1|W2)$/);
    assert.match(lines[1], /^\t \[\[node \S+ \(\w+, defined at .*error_printing\.test\.ts:\d+:\d+\)\]\]$/);
    assert.instance(e.op, tf.Operation, 'the op stays a property');
    assert.ok((e.op as tf.Operation).graph === X.graph && e.message.includes(e.op!.name));
    assert.not.ok(Object.keys(e).includes('op'), 'op is not enumerable');
    assert.not.ok(JSON.stringify(e).includes('"op"'), 'nor serialised');
  }));

  test(`${executor}: a bad feed and a run-time index error print briefly too`, () => fresh(() => {
    const { X, loss } = twoLayerNet();
    const sess = new tf.Session({ executor });
    sess.run(tf.globalVariablesInitializer());
    const feedError = caught(() => sess.run(loss, { X: [[1, 2]], labels: [[0, 1, 0]] }));
    assert.ok(feedError.op === X.op);
    assert.match(printed(feedError)[1], /\[\[node X \(Placeholder, defined at .*error_printing\.test\.ts/);
    const idx = tf.placeholder('int32', [1], 'idx');
    const gathered = tf.gather(tf.constant([1, 2, 3]), idx);
    const indexError = caught(() => sess.run(gathered, { idx: [7] }));
    assert.match(printed(indexError)[0], /indices\[0\] = 7 is not in \[0, 3\)/);
    assert.is(indexError.op?.name, gathered.op.name);
  }));
}

test('graph-building errors raised deep inside tfgen still show the caller\'s frame; nested in an object they stay short', () => fresh(() => {
  const X = tf.placeholder('float32', [null, 3], 'X');
  const e = caught(() => tf.reduceSum(X, 5));
  printed(e);
  const lines = inspect({ error: e, step: 3 }).split('\n');
  assert.ok(lines.length <= MAX_LINES + 2, lines.join('\n'));
  assert.ok(e.fullStack!.split('\n').length > MAX_LINES, 'err.fullStack keeps the whole trace');
  assert.ok(e.fullStack!.includes('/src/ops/'), 'tfgen frames included');
  assert.is(e.stack, inspect(e), 'Node prints stack for an uncaught error: the same short text');
  assert.ok(Object.keys(e).every((k) => k === 'name'), `only name is enumerable: ${Object.keys(e)}`);
}));

test.run();
