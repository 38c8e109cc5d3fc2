// The runtime Session undoes a failed run's random draws, as the DSL session does: a run that
// throws after drawing leaves the streams where they were, so the next run draws what it would
// have drawn without the failure.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../codegen/aot/cli.js';
import * as tf from '../../src/index.js';
import { withFiles } from '../_lib/temp_dir.js';

const MODEL = `import * as tf from 'tfgen';
export const idx = tf.placeholder(tf.int32, [2], 'idx');
// why: the gather reads the draws, so a bad index fails the run after the stream has advanced.
export const y = tf.gather(tf.randomUniform([4], { seed: 7 }), idx);
`;

const APP = `import { Session } from 'tfgen/runtime';
import { idx, y } from './out/noise.js';

export const draw = (sess: Session, ix: number[]) => sess.run(y, { idx: ix });
`;

test('a run that fails after drawing leaves the random stream as it was: the next run draws the same values as without it', () => withFiles({
  'package.json': '{"type":"module"}', 'noise.tf.ts': MODEL, 'app.ts': APP,
}, async (dir) => {
  const err: string[] = [];
  const io = { out: () => {}, err: (t: string) => { err.push(t); } };
  assert.is(await main(['compile', join(dir, 'noise.tf.ts'), join(dir, 'app.ts'), '--out-dir', join(dir, 'out')], io), 0, err.join(''));
  const { draw } = await import(pathToFileURL(join(dir, 'app.ts')).href);
  const { Session } = await import('../../src/runtime/index.js');
  const values = (t: tf.NDArray) => Array.from(t.data);

  const clean = new Session();
  const expected = [values(draw(clean, [0, 3])), values(draw(clean, [1, 2]))];
  assert.not.equal(expected[0], expected[1], 'each run draws new values');

  const failing = new Session();
  assert.equal(values(draw(failing, [0, 3])), expected[0]);
  assert.throws(() => draw(failing, [1, 9]), (e: Error) => e instanceof tf.errors.InvalidArgumentError && /9 is not in \[0, 4\)/.test(e.message));
  assert.throws(() => draw(failing, [-1, 0]), (e: Error) => e instanceof tf.errors.InvalidArgumentError);
  assert.equal(values(draw(failing, [1, 2])), expected[1], 'the failed runs drew nothing as far as the stream is concerned');

  // The DSL session of the same graph gives the same numbers (one mechanism for both sessions).
  const g = new tf.Graph();
  const ref = g.asDefault(() => { const i = tf.placeholder(tf.int32, [2], 'idx'); return { i, y: tf.gather(tf.randomUniform([4], { seed: 7 }), i) }; });
  using dsl = new tf.Session({ graph: g });
  assert.equal(values(dsl.run(ref.y, { idx: [0, 3] }) as tf.NDArray), expected[0]);
  assert.throws(() => dsl.run(ref.y, { idx: [1, 9] }));
  assert.equal(values(dsl.run(ref.y, { idx: [1, 2] }) as tf.NDArray), expected[1]);
}));

test.run();
