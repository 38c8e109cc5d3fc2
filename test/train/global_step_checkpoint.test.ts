// The int64 global step in checkpoints: saved (model.ckpt-N) and restored exactly.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tfgen-step-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

test('the global step (int64) saves with its value in the name and restores exactly', () => fresh(() => {
  const step = tf.train.getOrCreateGlobalStep();
  const w = new tf.Variable([1.5, -2], { name: 'w' });
  const train = new tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduceSum(w.mul(w)), { globalStep: step });
  const saver = new tf.train.Saver();
  const path = (() => {
    using sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    for (let i = 0; i < 7; i++) sess.run(train);
    sess.run(tf.assignAdd(step, 2 ** 40));
    return saver.save(sess, join(dir, 'model.ckpt'), { globalStep: step });
  })();
  assert.is(path, join(dir, `model.ckpt-${2 ** 40 + 7}`));
  using sess = new tf.Session({ executor: 'interpreter' });
  saver.restore(sess, path);
  assert.is(sess.run(step), 2 ** 40 + 7);
  assert.equal(sess.run(w).dtype, 'float32');
}));

test.run();
