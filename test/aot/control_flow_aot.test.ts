// tf.cond and tf.whileLoop ahead of time: a standalone module (no import) holds the compiled
// branch and loop and gives the JIT's numbers bit for bit.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../codegen/aot/cli.js';
import * as tf from '../../src/index.js';
import { withFiles } from '../_lib/temp_dir.js';

const MODEL = `import * as tf from 'tfgen';
export const x = tf.placeholder(tf.float32, [3], 'x');
export const n = tf.placeholder(tf.int32, [], 'n');
const scale = tf.cond(tf.greater(tf.reduceSum(x), 0), () => x.mul(2), () => tf.tanh(x));
const [, y] = tf.whileLoop((i: tf.Tensor) => tf.less(i, n), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), tf.sin(v).add(scale)], [tf.constant(0, { dtype: 'int32' }), x]);
export const predict = tf.signature({ inputs: { x, n }, outputs: { y } });
`;

function jitValue(xs: number[], trips: number): Float32Array {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [3], 'x');
    const n = tf.placeholder(tf.int32, [], 'n');
    const scale = tf.cond(tf.greater(tf.reduceSum(x), 0), () => x.mul(2), () => tf.tanh(x));
    const [, y] = tf.whileLoop((i: tf.Tensor) => tf.less(i, n), (i: tf.Tensor, v: tf.Tensor) => [i.add(1), tf.sin(v).add(scale)], [tf.constant(0, { dtype: 'int32' }), x]) as tf.Tensor[];
    using sess = new tf.Session();
    return (sess.run(y, new Map<tf.Tensor, unknown>([[x, xs], [n, trips]]) as tf.FeedDict) as tf.NDArray).data as Float32Array;
  });
}

test('--standalone: the cond and the loop run compiled in a module without imports, as the JIT computes them', () => withFiles({ 'package.json': '{"type":"module"}', 'm.tf.ts': MODEL }, async (dir) => {
  const err: string[] = [];
  const code = await main(['compile', join(dir, 'm.tf.ts'), '--standalone', '--out-dir', join(dir, 'out')], { out: () => {}, err: (t: string) => { err.push(t); } });
  assert.is(code, 0, err.join(''));
  const text = readFileSync(join(dir, 'out/m.js'), 'utf8');
  assert.not.match(text, /^import /m);
  assert.match(text, /\bwhile \(cf\d+n < cf\d+max && sub\d+\(/, 'the loop');
  assert.match(text, /\bif \(\w+\[0\]\) cf\d+ = sub\d+\(/, 'the branch');
  const mod = await import(pathToFileURL(join(dir, 'out/m.js')).href);
  for (const [xs, trips] of [[[0.5, -0.25, 1], 3], [[-1, -2, 0.5], 5], [[1, 1, 1], 0]] as [number[], number][]) {
    const got = mod.predict({ x: Float32Array.from(xs), n: trips }).y.data;
    assert.equal(Array.from(got), Array.from(jitValue(xs, trips)), `x=${xs} n=${trips}`);
  }
}));

test.run();
