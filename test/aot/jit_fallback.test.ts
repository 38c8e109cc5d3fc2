// tfgen/jit-fallback: a non-strict module compiles a missing plan at run time (same numbers as
// the JIT); a --strict module still fails, naming the fetches and feeds.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../codegen/aot/cli.js';
import { setFallbackCompiler, Session } from '../../src/runtime/model.js';
import * as tf from '../../src/index.js';
import { withFiles } from '../_lib/temp_dir.js';

const MODEL = `import * as tf from 'tfgen';
export const X = tf.placeholder(tf.float32, [3], 'X');
export const w = new tf.Variable([0.5, -1, 2], { name: 'w' });
export const y = X.mul(w);
export const total = tf.reduceSum(y);
export const init = tf.globalVariablesInitializer();
export const predict = tf.signature({ inputs: { X }, outputs: { y } });
`;
const quiet = { out: () => {}, err: () => {} };

test('a miss compiles at run time with the fallback installed; --strict refuses', () => withFiles({ 'package.json': '{"type":"module"}', 'm.tf.ts': MODEL }, async (dir) => {
  assert.is(await main(['compile', join(dir, 'm.tf.ts'), '--out-dir', join(dir, 'out')], quiet), 0);
  assert.is(await main(['compile', join(dir, 'm.tf.ts'), '--strict', '--out-dir', join(dir, 'strict')], quiet), 0);
  const mod = await import(pathToFileURL(join(dir, 'out/m.js')).href);
  const strict = await import(pathToFileURL(join(dir, 'strict/m.js')).href);
  await import('../../codegen/aot/jit_fallback.js');
  try {
    const sess = new Session();
    sess.run(mod.init);
    const got = sess.run([mod.total, mod.y], { X: [1, 2, 3] });
    const g = new tf.Graph();
    const want = g.asDefault(() => {
      const X = tf.placeholder(tf.float32, [3], 'X');
      const w = new tf.Variable([0.5, -1, 2], { name: 'w' });
      const y = X.mul(w);
      using s = new tf.Session();
      s.run(w.initializer);
      return s.run([tf.reduceSum(y), y], { X: [1, 2, 3] });
    });
    assert.is(got[0], want[0]);
    assert.equal(Array.from(got[1].data), Array.from(want[1].data));
    const s2 = new Session();
    s2.run(strict.w.initializer); // the variable initializers are always precompiled
    assert.throws(() => s2.run(strict.total, { X: [1, 2, 3] }), /no precompiled plan fetches \[Sum:0\] feeding \[X:0\]; this module was compiled with --strict/);
  } finally {
    setFallbackCompiler(null);
  }
}));

test.run();
