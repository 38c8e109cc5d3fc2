// Checkpoint management as TF1 has it: `save(sess, path, {globalStep})` names `path-<step>`, the
// `checkpoint` state file (TF1's text format) lists the latest and the kept checkpoints,
// `maxToKeep` (default 5) deletes the oldest, `tf.train.latestCheckpoint(dir)` finds the latest.
// Files are read back with an independent reader written from the safetensors specification.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '../../src/index.js';
import { throwsClass } from '../_lib/op_cases.js';
import { readSafetensorsSpec } from '../_lib/safetensors_spec.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tfgen-checkpoints-'));
let dirNo = 0;
/** A new empty folder for one test. */
const freshDir = () => { const d = path.join(root, `d${dirNo++}`); fs.mkdirSync(d); return d; };
test.after(() => fs.rmSync(root, { recursive: true, force: true }));

/** A graph with a counter variable `n` (float32 [2]) and a session where it is initialised. */
function setup(executor?: 'interpreter') {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const n = new tf.Variable([0, 10], { name: 'n' });
    const step = tf.assignAdd(n, [1, 1]);
    const sess = new tf.Session({ graph: g, executor });
    sess.run(n.initializer);
    return { g, n, step, sess };
  });
}

const state = (dir: string, file = 'checkpoint') => fs.readFileSync(path.join(dir, file), 'utf8');
const files = (dir: string) => fs.readdirSync(dir).sort();

test('save with globalStep names the file path-<step> (a number, a variable, or TF1\'s positional step)', () => {
  const { g, n, sess } = setup();
  const dir = freshDir();
  const saver = g.asDefault(() => new tf.train.Saver());
  assert.is(saver.save(sess, path.join(dir, 'model.ckpt'), { globalStep: 100 }), path.join(dir, 'model.ckpt-100'));
  assert.is(saver.save(sess, path.join(dir, 'model.ckpt'), 200), path.join(dir, 'model.ckpt-200'));
  const gs = g.asDefault(() => tf.train.getOrCreateGlobalStep());
  sess.run(gs.initializer);
  sess.run(g.asDefault(() => tf.assign(gs, 7)));
  const saver2 = g.asDefault(() => new tf.train.Saver([n]));
  assert.is(saver2.save(sess, path.join(dir, 'model.ckpt'), { globalStep: gs }), path.join(dir, 'model.ckpt-7'));
  throwsClass(() => saver.save(sess, path.join(dir, 'model.ckpt'), { globalStep: 1.5 }), tf.errors.InvalidArgumentError, 'globalStep must be an integer');
  throwsClass(() => saver.save(sess, path.join(dir, 'model.ckpt'), { global_step: 1 } as never), tf.errors.InvalidArgumentError, "unknown option 'global_step'", "did you mean 'globalStep'");
  assert.equal(files(dir), ['checkpoint', 'model.ckpt-100', 'model.ckpt-200', 'model.ckpt-7']);
});

test('the checkpoint state file is TF1\'s text format, paths relative to its folder, the latest last', () => {
  const { g, step, sess } = setup();
  const dir = freshDir();
  const saver = g.asDefault(() => new tf.train.Saver());
  for (const s of [1, 2, 3]) { sess.run(step); saver.save(sess, path.join(dir, 'model.ckpt'), { globalStep: s }); }
  // why: TF1 keeps an absolute save path absolute (relative ones: the test below).
  const q = (name: string) => JSON.stringify(path.join(dir, name));
  assert.is(state(dir), [
    `model_checkpoint_path: ${q('model.ckpt-3')}`,
    `all_model_checkpoint_paths: ${q('model.ckpt-1')}`,
    `all_model_checkpoint_paths: ${q('model.ckpt-2')}`,
    `all_model_checkpoint_paths: ${q('model.ckpt-3')}`,
    '',
  ].join('\n'));
  assert.equal(saver.lastCheckpoints, [1, 2, 3].map((s) => path.join(dir, `model.ckpt-${s}`)));
  // saving to a kept path again moves it to the end, without a duplicate
  saver.save(sess, path.join(dir, 'model.ckpt'), { globalStep: 2 });
  assert.is(state(dir), [`model_checkpoint_path: ${q('model.ckpt-2')}`, ...[1, 3, 2].map((k) => `all_model_checkpoint_paths: ${q(`model.ckpt-${k}`)}`), ''].join('\n'));
});

test('maxToKeep: the default keeps the 5 latest files; 2 keeps two; 0 and null keep every file but record only the latest', () => {
  const { g, step, sess } = setup();
  const cases: [tf.train.SaverOptions | undefined, string[], string[]][] = [
    [undefined, ['m-3', 'm-4', 'm-5', 'm-6', 'm-7'], ['m-3', 'm-4', 'm-5', 'm-6', 'm-7']],
    [{ maxToKeep: 2 }, ['m-6', 'm-7'], ['m-6', 'm-7']],
    [{ maxToKeep: 0 }, ['m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6', 'm-7'], ['m-7']],
    [{ maxToKeep: null }, ['m-1', 'm-2', 'm-3', 'm-4', 'm-5', 'm-6', 'm-7'], ['m-7']],
  ];
  for (const [opts, onDisk, listed] of cases) {
    const dir = freshDir();
    const saver = g.asDefault(() => new tf.train.Saver(opts));
    for (let s = 1; s <= 7; s++) { sess.run(step); saver.save(sess, path.join(dir, 'm'), { globalStep: s }); }
    assert.equal(files(dir), ['checkpoint', ...onDisk], JSON.stringify(opts));
    const lines = state(dir).trim().split('\n');
    const q = (name: string) => JSON.stringify(path.join(dir, name));
    assert.equal(lines, [`model_checkpoint_path: ${q('m-7')}`, ...listed.map((p) => `all_model_checkpoint_paths: ${q(p)}`)], JSON.stringify(opts));
  }
});

test('options may follow a var list; bad options are refused naming the accepted ones', () => {
  const { g, n, sess } = setup();
  const dir = freshDir();
  const saver = g.asDefault(() => new tf.train.Saver([n], { maxToKeep: 1 }));
  saver.save(sess, path.join(dir, 'a'));
  saver.save(sess, path.join(dir, 'b'));
  assert.equal(files(dir), ['b', 'checkpoint']);
  g.asDefault(() => {
    throwsClass(() => new tf.train.Saver({ maxToKeep: -1 }), tf.errors.InvalidArgumentError, 'maxToKeep must be a non-negative integer or null, got -1');
    throwsClass(() => new tf.train.Saver({ maxToKeep: 2.5 }), tf.errors.InvalidArgumentError, 'got 2.5');
    throwsClass(() => new tf.train.Saver({ max_to_keep: 3 } as never), tf.errors.InvalidArgumentError, "unknown option 'max_to_keep'", "did you mean 'maxToKeep'");
    throwsClass(() => new tf.train.Saver({ maxToKeep: 3 }, { maxToKeep: 3 }), tf.errors.InvalidArgumentError, 'options are given twice');
  });
});

for (const executor of [undefined, 'interpreter'] as const) {
  test(`latestCheckpoint finds the latest save; restore from it gives its values [${executor ?? 'compiled'}]`, () => {
    const { g, n, step, sess } = setup(executor);
    const dir = freshDir();
    assert.is(tf.train.latestCheckpoint(dir), null);
    const saver = g.asDefault(() => new tf.train.Saver());
    sess.run(step);
    saver.save(sess, path.join(dir, 'model'), { globalStep: 1 });
    sess.run(step);
    const last = saver.save(sess, path.join(dir, 'model'), { globalStep: 2 });
    assert.is(tf.train.latestCheckpoint(dir), last);
    const other = new tf.Session({ graph: g, executor });
    saver.restore(other, tf.train.latestCheckpoint(dir)!);
    assert.equal((other.run(n) as tf.NDArray).toArray(), [2, 12]);
    assert.equal(tf.train.getCheckpointState(dir), { modelCheckpointPath: last, allModelCheckpointPaths: [path.join(dir, 'model-1'), last] });
    // a state file naming a checkpoint that is gone gives null, as in TF1
    fs.rmSync(last);
    assert.is(tf.train.latestCheckpoint(dir), null);
  });
}

test('relative save paths are recorded relative to the folder; absolute ones stay absolute (TF1); saveRelativePaths makes all relative', () => {
  const { g, sess } = setup();
  const dir = freshDir();
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const rel = path.relative(root, dir);
    const saver = g.asDefault(() => new tf.train.Saver());
    assert.is(saver.save(sess, path.join(rel, 'm'), { globalStep: 1 }), path.join(rel, 'm-1'));
    assert.is(state(dir).split('\n')[0], 'model_checkpoint_path: "m-1"');
    assert.is(tf.train.latestCheckpoint(rel), path.join(rel, 'm-1'));
  } finally {
    process.chdir(cwd);
  }
  const abs = g.asDefault(() => new tf.train.Saver());
  abs.save(sess, path.join(dir, 'm'), { globalStep: 2 });
  assert.is(state(dir).split('\n')[0], `model_checkpoint_path: ${JSON.stringify(path.join(dir, 'm-2'))}`);
  const relative = g.asDefault(() => new tf.train.Saver({ saveRelativePaths: true }));
  relative.save(sess, path.join(dir, 'm'), { globalStep: 3 });
  assert.is(state(dir).split('\n')[0], 'model_checkpoint_path: "m-3"');
  assert.is(tf.train.latestCheckpoint(dir), path.join(dir, 'm-3'));
});

test('names with quotes, backslashes and unicode are escaped as protobuf text (octal UTF-8) and read back', () => {
  const { g, sess } = setup();
  const dir = freshDir();
  const saver = g.asDefault(() => new tf.train.Saver({ saveRelativePaths: true }));
  const written = saver.save(sess, path.join(dir, 'mö"d\\el'), { globalStep: 5 });
  assert.is(state(dir).split('\n')[0], 'model_checkpoint_path: "m\\303\\266\\"d\\\\el-5"');
  assert.is(tf.train.latestCheckpoint(dir), written);
});

test('a state file written by TF 1.15 (with timestamps, single quotes, comments) is understood', () => {
  const dir = freshDir();
  fs.writeFileSync(path.join(dir, 'model.ckpt-20'), 'x');
  fs.writeFileSync(path.join(dir, 'checkpoint'), [
    '# written by TensorFlow', "model_checkpoint_path: 'model.ckpt-20'", 'all_model_checkpoint_paths: "model.ckpt-10"',
    'all_model_checkpoint_paths: "model.ckpt-20"', 'all_model_checkpoint_timestamps: 1589011254.5', 'all_model_checkpoint_timestamps: 1.589011262e9',
    'last_preserved_timestamp: 1589011250.25', '',
  ].join('\n'));
  assert.is(tf.train.latestCheckpoint(dir), path.join(dir, 'model.ckpt-20'));
  assert.equal(tf.train.getCheckpointState(dir)!.allModelCheckpointPaths, ['model.ckpt-10', 'model.ckpt-20'].map((p) => path.join(dir, p)));
});

test('a malformed state file is a DataLossError naming the file and line, not "no checkpoint"', () => {
  const dir = freshDir();
  const file = path.join(dir, 'checkpoint');
  const bad: [string, RegExp][] = [
    ['model_checkpoint_path: "a"\nall_model_checkpoint_paths: b\n', /checkpoint:2: the value is not a quoted string/],
    ['model_checkpoint_path: "a"\nmodel_checksum: "b"\n', /checkpoint:2: unknown field 'model_checksum'/],
    ['all_model_checkpoint_paths: "a"\n', /no model_checkpoint_path/],
    ['model_checkpoint_path "a"\n', /checkpoint:1: not a `field: value` line/],
    ['model_checkpoint_path: "\\q"\n', /checkpoint:1: the value is not a quoted string/],
  ];
  for (const [text, re] of bad) {
    fs.writeFileSync(file, text);
    throwsClass(() => tf.train.latestCheckpoint(dir), tf.errors.DataLossError, re, file);
  }
});

test('a failed save changes nothing: the previous checkpoint, the state file and the kept list stay, no temp files', () => {
  const { g, n, sess } = setup();
  const dir = freshDir();
  const [saver, m] = g.asDefault(() => {
    const m = new tf.Variable([5], { name: 'm' });
    return [new tf.train.Saver([n, m]), m] as const;
  });
  sess.run(m.initializer);
  const good = saver.save(sess, path.join(dir, 'model'), { globalStep: 1 });
  const before = { state: state(dir), bytes: fs.readFileSync(good), kept: saver.lastCheckpoints };
  const fresh = new tf.Session({ graph: g });
  fresh.run(n.initializer);
  throwsClass(() => saver.save(fresh, path.join(dir, 'model'), { globalStep: 1 }), tf.errors.FailedPreconditionError, 'uninitialized value m');
  throwsClass(() => saver.save(sess, path.join(dir, 'missing', 'model'), { globalStep: 2 }), tf.errors.NotFoundError, "doesn't exist");
  assert.equal(files(dir), ['checkpoint', 'model-1']);
  assert.equal({ state: state(dir), bytes: fs.readFileSync(good), kept: saver.lastCheckpoints }, before);
});

test('checkpoints open in an independent safetensors reader: names (\'__proto__\', unicode), dtypes, shapes, values, metadata', () => {
  const g = new tf.Graph();
  const { sess, saver } = g.asDefault(() => {
    const vars = {
      ['__proto__']: new tf.Variable([[1.5, -2], [0.25, 8]], { name: 'a' }),
      'dense/kernel/Adam_1': new tf.Variable(new tf.NDArray(new Float64Array([Math.E]), [1], 'float64'), { name: 'b' }),
      'zählung': new tf.Variable([3, -4, 2 ** 31 - 1], { name: 'c', dtype: 'int32' }),
      flags: new tf.Variable([true, false, true], { name: 'd' }),
    };
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    return { sess, saver: new tf.train.Saver(vars) };
  });
  const dir = freshDir();
  const file = saver.save(sess, path.join(dir, 'model.ckpt'), { globalStep: 3 });
  const { tensors, metadata } = readSafetensorsSpec(fs.readFileSync(file));
  assert.equal(Object.fromEntries([...tensors].sort(([a], [b]) => (a < b ? -1 : 1))), {
    ['__proto__']: { dtype: 'F32', shape: [2, 2], values: [1.5, -2, 0.25, 8] },
    'dense/kernel/Adam_1': { dtype: 'F64', shape: [1], values: [Math.E] },
    flags: { dtype: 'BOOL', shape: [3], values: [1, 0, 1] },
    'zählung': { dtype: 'I32', shape: [3], values: [3, -4, 2 ** 31 - 1] },
  });
  assert.is(metadata!.format, 'tfgen.checkpoint');
  assert.match(metadata!.checksum, /^crc32:[0-9a-f]{8}$/);
  // why: the format requires the data to start 8-byte aligned and each tensor to tile it exactly.
  const headerLength = Number(new DataView(fs.readFileSync(file).buffer).getBigUint64(0, true));
  assert.is((8 + headerLength) % 8, 0);
});

test('recoverLastCheckpoints takes over earlier files (deleted past maxToKeep); restore of null names the cause', () => {
  const { g, sess } = setup();
  const dir = freshDir();
  const first = g.asDefault(() => new tf.train.Saver());
  const old = [1, 2].map((s) => first.save(sess, path.join(dir, 'm'), { globalStep: s }));
  const next = g.asDefault(() => new tf.train.Saver({ maxToKeep: 2 }));
  next.recoverLastCheckpoints(tf.train.getCheckpointState(dir)!.allModelCheckpointPaths);
  assert.equal(next.lastCheckpoints, old);
  next.save(sess, path.join(dir, 'm'), { globalStep: 3 });
  assert.equal(files(dir), ['checkpoint', 'm-2', 'm-3']);
  throwsClass(() => next.restore(sess, tf.train.latestCheckpoint(freshDir())), tf.errors.InvalidArgumentError, "can't load a checkpoint from null");
});

test('a state file that cannot be written fails the save and deletes nothing; the kept list stays', () => {
  const { g, sess } = setup();
  const dir = freshDir();
  const saver = g.asDefault(() => new tf.train.Saver({ maxToKeep: 1 }));
  const first = saver.save(sess, path.join(dir, 'm'), { globalStep: 1 });
  // why: a non-empty folder where the state file goes makes its rename fail.
  fs.rmSync(path.join(dir, 'checkpoint'));
  fs.mkdirSync(path.join(dir, 'checkpoint', 'x'), { recursive: true });
  assert.throws(() => saver.save(sess, path.join(dir, 'm'), { globalStep: 2 }), (e: unknown) => e instanceof tf.errors.OpError && /Cannot save checkpoint/.test((e as Error).message));
  assert.ok(fs.existsSync(first), 'the older checkpoint is not deleted');
  assert.equal(saver.lastCheckpoints, [first]);
  assert.equal(fs.readdirSync(dir).filter((n) => n.includes('.tmp')), []);
});

test('bad paths are tf errors, not raw JS ones: empty, NUL, not a string, a folder where a file goes', () => {
  const { g, sess } = setup();
  const dir = freshDir();
  const saver = g.asDefault(() => new tf.train.Saver());
  throwsClass(() => saver.save(sess, ''), tf.errors.InvalidArgumentError, 'Saver.save: expected a non-empty path');
  throwsClass(() => saver.save(sess, path.join(dir, 'a\0b')), tf.errors.InvalidArgumentError, 'without NUL characters');
  throwsClass(() => saver.restore(sess, 5 as never), tf.errors.InvalidArgumentError, 'Saver.restore: expected a non-empty path');
  throwsClass(() => tf.train.latestCheckpoint(undefined as never), tf.errors.InvalidArgumentError, 'tf.train.latestCheckpoint: expected a non-empty path');
  fs.mkdirSync(path.join(dir, 'sub'));
  throwsClass(() => saver.save(sess, path.join(dir, 'sub')), tf.errors.FailedPreconditionError, 'EISDIR');
  throwsClass(() => saver.restore(sess, path.join(dir, 'sub')), tf.errors.FailedPreconditionError, 'EISDIR');
  assert.equal(files(dir), ['sub']);
});

test.run();
