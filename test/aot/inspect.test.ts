// tfgen inspect: the graph, the plan of each signature (kernels and the ops each holds,
// buffers, code) as text, JSON, dot and SVG; bad arguments are usage errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { main } from '../../codegen/aot/cli.js';
import { withFiles } from '../_lib/temp_dir.js';

const MLP = `import * as tf from 'tfgen';
export const X = tf.placeholder(tf.float32, [2, 3], 'X');
const W = new tf.Variable(tf.ones([3, 4]), { name: 'W' });
const b = new tf.Variable(tf.zeros([4]), { name: 'b' });
export const h = tf.nn.relu(tf.matmul(X, W).add(b));
export const predict = tf.signature({ inputs: { X }, outputs: { h } });
export const sum = tf.signature({ inputs: { X }, outputs: { s: tf.reduceSum(X) } });
const B = tf.placeholder(tf.float32, [null, 3], 'rows');
export const batch = tf.signature({ inputs: { B }, outputs: { h: tf.matmul(B, W) } });
`;

async function run(args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(args, { out: (t) => { out.push(t); }, err: (t) => { err.push(t); } });
  return { code, out: out.join(''), err: err.join('') };
}

test('text: exports, ops with dtypes and shapes, each signature\'s kernels, buffers and code', () => withFiles({ 'm.tf.ts': MLP }, async (dir) => {
  const r = await run(['inspect', join(dir, 'm.tf.ts')]);
  assert.is(r.code, 0, r.err);
  assert.match(r.out, /^ {2}predict {2}signature \(\{X: float32 \[2,3\]\}\) → \{h: float32 \[2,4\]\}$/m);
  assert.match(r.out, /^ {2}MatMul +MatMul\(X:0, W\/read:0\) → float32 \[2,4\]$/m);
  assert.match(r.out, /^plan of signature predict: 1 kernels, 1 buffers, 0 host calls$/m);
  assert.match(r.out, /^ {2}kernel k0_map_MatMul_add_Relu \(map\): MatMul, add, Relu$/m);
  assert.match(r.out, /^ {2}buffers: b0 float32\[8\]$/m);
  assert.match(r.out, /^plan of signature sum: /m);
  assert.match(r.out, /^ {2}run-time dims: D0 = rows:0 dim 0$/m);
  assert.match(r.out, /^ {2}feeds: rows:0 float32 \[D0,3\]$/m);
  assert.match(r.out, /^ {2}buffers: b0 float32\[4·D0\]$/m);
  assert.match(r.out, /^ {4}return function run\(feeds, vars, rt\) \{$/m);
}));

test('json, dot and svg of one signature', () => withFiles({ 'm.tf.ts': MLP }, async (dir) => {
  const j = JSON.parse((await run(['inspect', join(dir, 'm.tf.ts'), '--format', 'json', '--signature', 'predict'])).out);
  assert.equal(j.plans.map((p: { signature: string }) => p.signature), ['predict']);
  assert.equal(j.plans[0].plan.kernels, [{ name: 'k0_map_MatMul_add_Relu', kind: 'map', ops: ['MatMul', 'add', 'Relu'] }]);
  assert.equal(j.ops.find((o: { name: string }) => o.name === 'Relu').outputs, [{ name: 'Relu:0', dtype: 'float32', shape: [2, 4] }]);
  const dot = (await run(['inspect', join(dir, 'm.tf.ts'), '--format', 'dot', '--signature', 'predict'])).out;
  assert.match(dot, /subgraph cluster_k0 \{\n {4}label="k0_map_MatMul_add_Relu \(map\)"/);
  assert.match(dot, /"W" -> "MatMul" \[label=" \[3,4\]"\];/, 'a variable feeds its reader through the hidden read identity');
  assert.match(dot, /"Relu" -> "out:h" \[label=" \[2,4\]"\];/);
  assert.not.match(dot, /"sum"|Sum/, 'only the ops of the chosen signature');
  const svg = await run(['inspect', join(dir, 'm.tf.ts'), '--format', 'svg', '--signature', 'predict', '--out', join(dir, 'p.svg')]);
  assert.is(svg.code, 0);
  const { readFileSync } = await import('node:fs');
  const text = readFileSync(join(dir, 'p.svg'), 'utf8');
  assert.match(text, /<svg [^>]*width="\d+pt"/);
  assert.match(text, /<title>cluster_k0<\/title>/);
  assert.match(text, />k0_map_MatMul_add_Relu \(map\)</);
}));

test('bad arguments: unknown signature (exit 1), unknown format and two files (exit 2)', () => withFiles({ 'm.tf.ts': MLP }, async (dir) => {
  const a = await run(['inspect', join(dir, 'm.tf.ts'), '--signature', 'nope']);
  assert.is(a.code, 1);
  assert.match(a.err, /m\.tf\.ts: no signature named 'nope'; the model exports batch, predict, sum/);
  const b = await run(['inspect', join(dir, 'm.tf.ts'), '--format', 'png']);
  assert.is(b.code, 2);
  assert.match(b.err, /unknown format 'png'; use text, json, dot or svg/);
  const c = await run(['inspect', join(dir, 'm.tf.ts'), join(dir, 'm.tf.ts')]);
  assert.is(c.code, 2);
}));

test.run();
