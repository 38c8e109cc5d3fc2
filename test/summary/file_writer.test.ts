// tf.summary.FileWriter: event files read back with the test's own TFRecord/CRC-32C/protobuf
// reader (test/_lib/event_reader.ts): header event, summaries with steps, the GraphDef, queueing
// and flushing, and failures that leave no partial record.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '../../src/index.js';
import { attrsOf, decode, events, GRAPH_DEF, records } from '../_lib/event_reader.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-events-'));
let dirNo = 0;
const freshDir = () => path.join(root, `run${dirNo++}`);
test.after(() => fs.rmSync(root, { recursive: true, force: true }));

const eventFiles = (dir: string) => fs.readdirSync(dir).filter((f) => f.includes('tfevents')).map((f) => path.join(dir, f));
const readEvents = (file: string) => events(new Uint8Array(fs.readFileSync(file)));

/** A small training graph with summaries, a session with its variables initialised. */
function trainingGraph() {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const x = tf.placeholder('float32', [null], 'x');
    const w = new tf.Variable(2, { name: 'w' });
    const loss = tf.reduceMean(tf.square(x.mul(w)));
    const train = new tf.train.GradientDescentOptimizer(0.05).minimize(loss);
    tf.summary.scalar('loss', loss);
    tf.summary.histogram('w_hist', w);
    const merged = tf.summary.mergeAll()!;
    const sess = new tf.Session({ graph: g });
    sess.run(w.initializer);
    return { g, x, w, loss, train, merged, sess };
  });
}

test('an event file: its name, the file_version header, then summaries with their steps', () => {
  const dir = freshDir();
  const { x, loss, train, merged, sess } = trainingGraph();
  const before = Date.now() / 1000;
  const writer = new tf.summary.FileWriter(dir);
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    const [s, l] = sess.run([merged, loss, train], new Map([[x, [1, 2]]]));
    losses.push(l);
    writer.addSummary(s, step * 10);
  }
  writer.close();
  const files = eventFiles(dir);
  assert.is(files.length, 1);
  assert.match(path.basename(files[0]), new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/[.]/g, '\\.')}$`));
  const evs = readEvents(files[0]);
  assert.is(evs.length, 6);
  assert.is(evs[0].file_version, 'brain.Event:2');
  // why: bounded by this test's own start and end, not a guess at how long it takes on a loaded machine.
  const after = Date.now() / 1000;
  assert.ok(evs.every((e) => e.wall_time >= before - 1 && e.wall_time <= after + 1), 'wall times are seconds since the epoch, taken while writing');
  assert.equal(evs.slice(1).map((e) => e.step ?? 0), [0, 10, 20, 30, 40]);
  assert.equal(evs.slice(1).map((e) => e.summary.value[0]), losses.map((l) => ({ tag: 'loss', simple_value: l })));
  assert.equal(evs.slice(1).map((e) => e.summary.value[1].tag), ['w_hist', 'w_hist', 'w_hist', 'w_hist', 'w_hist']);
  assert.is(evs[1].summary.value[1].histo.max, 2, 'the histogram of w before the first step');
});

test('the graph as a GraphDef: names, op types, inputs with :n and ^control, dtype and shape attrs', () => {
  const dir = freshDir();
  const g = new tf.Graph();
  g.asDefault(() => {
    const x = tf.placeholder('float32', [null, 3], 'x');
    const parts = tf.nameScope('layer', () => {
      const [a, b] = [tf.slice(x, [0, 0], [-1, 1]), tf.constant([[1, 2, 3]], { name: 'w' })];
      return [a, b];
    });
    const v = new tf.Variable(tf.zeros([3]), { name: 'v' });
    tf.controlDependencies([v.initializer], () => tf.identity(parts[1], 'after_init'));
    tf.cast(x, 'int32');
  });
  const writer = new tf.summary.FileWriter(dir, g);
  writer.close();
  const evs = readEvents(eventFiles(dir)[0]);
  assert.is(evs.length, 2);
  const gd = decode(evs[1].graph_def, GRAPH_DEF);
  const nodes = new Map<string, any>(gd.node.map((n: any) => [n.name, n]));
  assert.equal(gd.node.map((n: any) => n.name), g.getOperations().map((o) => o.name));
  const px = nodes.get('x');
  assert.is(px.op, 'Placeholder');
  assert.equal(attrsOf(px).dtype, { type: 1 });
  assert.equal(attrsOf(px).shape, { shape: { dim: [{ size: -1 }, { size: 3 }] } });
  const w = nodes.get('layer/w');
  assert.is(w.op, 'Const');
  const tensor = attrsOf(w).value.tensor;
  assert.equal([tensor.dtype, tensor.tensor_shape], [1, { dim: [{ size: 1 }, { size: 3 }] }]);
  assert.equal([...new Float32Array(tensor.tensor_content.buffer, tensor.tensor_content.byteOffset, 3)], [1, 2, 3]);
  const after = nodes.get('after_init');
  assert.equal(after.input, ['layer/w', '^v/Assign']);
  assert.equal(attrsOf(after)._output_shapes, { list: { shape: [{ dim: [{ size: 1 }, { size: 3 }] }] } });
  assert.equal(nodes.get('v/Assign').input, ['v', 'zeros']);
  assert.is(nodes.get('v').op, 'VariableV2');
  assert.equal(attrsOf(nodes.get('v')).dtype, { type: 1 });
  const cast = attrsOf(nodes.get('Cast'));
  assert.equal([cast.SrcT, cast.DstT, cast.T], [{ type: 1 }, { type: 3 }, undefined], 'dtype attrs as DataType, no T added beside them');
  assert.equal(attrsOf(nodes.get('layer/Slice')).T, { type: 1 }, 'T added from the output dtype');
});

test('an op output past the first is named op:n in a consumer\'s inputs', () => {
  const dir = freshDir();
  const g = new tf.Graph();
  g.asDefault(() => {
    const x = tf.placeholder('float32', [2, 2], 'x');
    const loss = tf.reduceSum(tf.nn.softmaxCrossEntropyWithLogits({ labels: x, logits: x }));
    tf.gradients(loss, [x]);
  });
  new tf.summary.FileWriter(dir, g).close();
  const gd = decode(readEvents(eventFiles(dir)[0])[1].graph_def, GRAPH_DEF);
  const inputs = gd.node.flatMap((n: any) => n.input ?? []);
  const users = g.getOperations().filter((o) => o.inputs.some((t) => t.name === 'softmax_cross_entropy_with_logits:1'));
  assert.ok(users.length > 0, 'the gradient uses the second output (the backprop)');
  assert.is(inputs.filter((i: string) => i === 'softmax_cross_entropy_with_logits:1').length, users.length);
  assert.ok(inputs.includes('softmax_cross_entropy_with_logits'), 'the first output is named without :0');
});

test('queueing: events reach the file at maxQueue, on flush() and on close(); then adding fails', () => {
  const dir = freshDir();
  const { merged, sess, x } = trainingGraph();
  const writer = new tf.summary.FileWriter(dir, null, { maxQueue: 3 });
  const file = writer.filePath!;
  const s = sess.run(merged, new Map([[x, [1]]]));
  const count = () => records(new Uint8Array(fs.readFileSync(file))).length;
  assert.is(count(), 1, 'the header is written at once');
  writer.addSummary(s, 1);
  writer.addSummary(s, 2);
  assert.is(count(), 1);
  writer.addSummary(s, 3);
  assert.is(count(), 4, 'a full queue is written');
  writer.addSummary(s, 4);
  writer.flush();
  assert.is(count(), 5);
  writer.addSummary(s, 5);
  writer.close();
  assert.is(count(), 6);
  assert.is(writer.filePath, null);
  assert.throws(() => writer.addSummary(s, 6), (e: Error) => e instanceof tf.errors.FailedPreconditionError && e.message.includes('is closed'));
  writer.close();
  assert.is(count(), 6, 'closing twice changes nothing');
  writer.reopen();
  assert.is(eventFiles(dir).length, 2, 'reopen starts a new file');
  writer.close();
});

test('using: a writer in a using block is closed (and flushed) at its end', () => {
  const dir = freshDir();
  const { merged, sess, x } = trainingGraph();
  {
    using writer = new tf.summary.FileWriter(dir);
    writer.addSummary(sess.run(merged, new Map([[x, [3]]])), 7);
  }
  const evs = readEvents(eventFiles(dir)[0]);
  assert.equal(evs.map((e) => e.step ?? 0), [0, 7]);
});

test('unwritable log directory: a clear error and no file', () => {
  const blocker = path.join(root, 'a-file');
  fs.writeFileSync(blocker, 'not a directory');
  assert.throws(() => new tf.summary.FileWriter(path.join(blocker, 'logs')),
    (e: Error) => e instanceof tf.errors.NotFoundError && e.message.includes(`Cannot create the log directory '${path.join(blocker, 'logs')}'`));
  assert.throws(() => new tf.summary.FileWriter(blocker), (e: Error) => e instanceof tf.errors.OpError && e.message.includes(blocker));
  assert.is(fs.readFileSync(blocker, 'utf8'), 'not a directory', 'the file in the way is untouched');
});

test('a write that fails midway (disk full) leaves only whole records', () => {
  const dir = freshDir();
  const { merged, sess, x } = trainingGraph();
  const writer = new tf.summary.FileWriter(dir, null, { maxQueue: 100 });
  const s = sess.run(merged, new Map([[x, [1]]]));
  writer.addSummary(s, 1);
  writer.flush();
  writer.addSummary(s, 2);
  writer.addSummary(s, 3);
  const nodeFs = process.getBuiltinModule('node:fs') as typeof fs;
  const original = nodeFs.writeSync;
  // half of the pending bytes go out, then the disk is full
  (nodeFs as any).writeSync = (fd: number, buf: Uint8Array, off: number, len: number, pos: number) => {
    original(fd, buf, off, Math.floor(len / 2), pos);
    throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
  };
  try {
    assert.throws(() => writer.flush(), (e: Error) => e instanceof tf.errors.ResourceExhaustedError && e.message.includes('no space left'));
  } finally {
    (nodeFs as any).writeSync = original;
  }
  const evs = readEvents(writer.filePath!);
  assert.equal(evs.map((e) => e.step ?? 0), [0, 1], 'the file ends after the last complete record');
  writer.close();
});

test('bad arguments: clear errors, nothing written', () => {
  const dir = freshDir();
  assert.throws(() => new tf.summary.FileWriter(''), (e: Error) => e instanceof tf.errors.InvalidArgumentError && e.message.includes('logdir'));
  assert.throws(() => new tf.summary.FileWriter(dir, {} as never), (e: Error) => e.message.includes('must be a tf.Graph'));
  assert.not.ok(fs.existsSync(dir), 'no directory made for a bad graph argument');
  const writer = new tf.summary.FileWriter(dir);
  assert.throws(() => writer.addSummary(3 as never, 1), (e: Error) => e instanceof tf.errors.InvalidArgumentError && e.message.includes('takes the serialized summary'));
  assert.throws(() => writer.addSummary(new Uint8Array([0xff, 0xff, 0xff]), 1), (e: Error) => e.message.includes('not a Summary protocol buffer'));
  assert.throws(() => writer.addSummary(new Uint8Array(0), 1.5), (e: Error) => e.message.includes('global step must be an integer'));
  writer.close();
  assert.equal(readEvents(eventFiles(dir)[0]).length, 1, 'only the header');
});

test.run();
