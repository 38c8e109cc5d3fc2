// End to end in temp folders: tfgen compile → import the generated module → the same numbers
// as the JIT path, bit for bit (signatures, precompiled call sites, training, standalone with
// baked weights); byte-identical output; what a module may import; errors leave no output.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../codegen/aot/cli.js';
import * as tf from '../../src/index.js';
import { withFiles } from '../_lib/temp_dir.js';

const MODEL = `import * as tf from 'tfgen';

export const X = tf.placeholder(tf.float32, [null], 'X');
export const Y = tf.placeholder(tf.float32, [null], 'Y');
export const w = new tf.Variable(0.25, { name: 'w' });
export const b = new tf.Variable(-0.5, { name: 'b' });
export const yPred = X.mul(w).add(b);
export const loss = tf.reduceMean(tf.square(yPred.sub(Y)));
export const train = new tf.train.GradientDescentOptimizer(0.05).minimize(loss);
export const init = tf.globalVariablesInitializer();
export const predict = tf.signature({ inputs: { X }, outputs: { y: yPred } });
`;

const APP = `import { Session } from 'tfgen/runtime';
import { init, loss, train, X, Y } from './out/linreg.js';

export function fit(xs: number[], ys: number[], steps: number) {
  const sess = new Session();
  sess.run(init);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(sess.run([train, loss], { X: xs, Y: ys })[1]);
  return { sess, losses };
}
`;

const XS = [1, 2, 3, 4], YS = [2.1, 3.9, 6.2, 7.8];

/** The same model built in this process with the DSL, trained the same way (the JIT path). */
function jitReference(steps: number) {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const X = tf.placeholder(tf.float32, [null], 'X');
    const Y = tf.placeholder(tf.float32, [null], 'Y');
    const w = new tf.Variable(0.25, { name: 'w' });
    const b = new tf.Variable(-0.5, { name: 'b' });
    const yPred = X.mul(w).add(b);
    const loss = tf.reduceMean(tf.square(yPred.sub(Y)));
    const train = new tf.train.GradientDescentOptimizer(0.05).minimize(loss);
    const sess = new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) losses.push(sess.run([train, loss], { X: XS, Y: YS })[1]);
    return { g, sess, losses, yPred, X, w, b };
  });
}

const quiet = () => {
  const out: string[] = [], err: string[] = [];
  return { io: { out: (t: string) => { out.push(t); }, err: (t: string) => { err.push(t); } }, out, err };
};

// why: every test has its own folder, so a plain import is fresh (and the same instance the app imports).
const importFresh = (path: string) => import(pathToFileURL(path).href);

const FILES = { 'package.json': '{"type":"module"}', 'linreg.tf.ts': MODEL, 'app.ts': APP };

test('compile → import: signature with initial values, trained call sites, all bit for bit with the JIT', () => withFiles(FILES, async (dir) => {
  const q = quiet();
  const code = await main(['compile', join(dir, 'linreg.tf.ts'), join(dir, 'app.ts'), '--out-dir', join(dir, 'out')], q.io);
  assert.is(code, 0, q.err.join(''));
  // predict, [train, loss] and [w, b]... each with run-time dims and specialised on 1; the initializers
  assert.match(q.out.join(''), /linreg\.tf\.ts → .*out\/linreg\.js, .*out\/linreg\.d\.ts \(\d+ plans, \d+ kernels\) in \d+ ms/);
  assert.match(q.out.join(''), /1 compiled, 0 failed, 0 warnings in \d+\.\d\d s/);
  // the app type-checks against the generated .d.ts; a wrong array type for a feed does not
  const { typeCheck } = await import('../../codegen/aot/type_check.js');
  assert.equal(typeCheck([join(dir, 'app.ts')]).map((d) => d.message), []);
  writeFileSync(join(dir, 'bad_app.ts'), "import { predict } from './out/linreg.js';\npredict({ X: new Int32Array(4) });\n");
  assert.match(typeCheck([join(dir, 'bad_app.ts')]).map((d) => `${d.line}: ${d.message}`).join('\n'), /^2: .*Int32Array.* is not assignable/);
  const mod = await importFresh(join(dir, 'out/linreg.js'));
  const ref = jitReference(25);
  // signature without a session: the variables' initial values
  const p0 = mod.predict({ X: XS });
  const r0 = new tf.Session({ graph: ref.g });
  r0.run(tf.variablesInitializer([ref.w, ref.b].map((v) => v) as never));
  assert.equal(Array.from(p0.y.data), Array.from((r0.run(ref.yPred, { X: XS }) as tf.NDArray).data));
  // training through the precompiled call site: every loss equal bit for bit
  const app = await importFresh(join(dir, 'app.ts'));
  const { sess, losses } = app.fit(XS, YS, 25);
  assert.equal(losses, ref.losses);
  assert.ok(losses[24] < losses[0] / 10, 'it trains');
  // the signature on the trained session equals the JIT's prediction
  const p1 = mod.predict({ X: [0.5, 1.5, 2.5, 3.5] }, sess);
  assert.equal(Array.from(p1.y.data), Array.from((ref.sess.run(ref.yPred, { X: [0.5, 1.5, 2.5, 3.5] }) as tf.NDArray).data));
  // any batch size: the run-time-dims plan (2, 7) and the one specialised on 1
  for (const xs of [[2.25], [1, 2], [0, 1, 2, 3, 4, 5, 6]]) {
    assert.equal(Array.from(mod.predict({ X: xs }, sess).y.data), Array.from((ref.sess.run(ref.yPred, { X: xs }) as tf.NDArray).data), `batch ${xs.length}`);
  }
  // a checkpoint saved from the runtime session restores into the DSL's Saver, and back
  const { saveCheckpoint, restoreCheckpoint } = await import('../../src/runtime/checkpoint.js');
  const ckpt = saveCheckpoint(sess, join(dir, 'trained.safetensors'));
  const dsl = new tf.Session({ graph: ref.g });
  ref.g.asDefault(() => new tf.train.Saver([ref.w, ref.b]).restore(dsl, ckpt));
  assert.equal([dsl.run(ref.w), dsl.run(ref.b)], [ref.sess.run(ref.w), ref.sess.run(ref.b)]);
  const { Session } = await import('../../src/runtime/index.js');
  const fresh = new Session().bind(mod.model);
  restoreCheckpoint(fresh, ckpt);
  assert.equal(Array.from(mod.predict({ X: XS }, fresh).y.data), Array.from(mod.predict({ X: XS }, sess).y.data));
  assert.throws(() => restoreCheckpoint(new Session().bind(mod.model), join(dir, 'missing.safetensors')), /Failed to find checkpoint file/);
  // a run the module has no plan for fails naming fetches and feeds (no compiler loaded in the runtime)
  assert.throws(() => sess.run(mod.yPred, { X: XS, Y: YS }), /no precompiled plan fetches \[add:0\] feeding \[X:0, Y:0\]/);
}));

test('the output is byte-identical for identical input, imports only tfgen/runtime, never evaluates text', () => withFiles(FILES, async (dir) => {
  const q = quiet();
  assert.is(await main(['compile', join(dir, 'linreg.tf.ts'), join(dir, 'app.ts'), '--out-dir', join(dir, 'a')], q.io), 0);
  assert.is(await main(['compile', join(dir, 'linreg.tf.ts'), join(dir, 'app.ts'), '--out-dir', join(dir, 'a2')], q.io), 0);
  const a = readFileSync(join(dir, 'a/linreg.js'), 'utf8');
  assert.is(readFileSync(join(dir, 'a2/linreg.js'), 'utf8'), a);
  assert.is(readFileSync(join(dir, 'a2/linreg.d.ts'), 'utf8'), readFileSync(join(dir, 'a/linreg.d.ts'), 'utf8'));
  assert.equal([...a.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]), ['tfgen/runtime']);
  assert.not.match(a, /\beval\(|new Function|Function\(/);
  assert.match(a, /\/\/ k\d+_map_mul_add: mul, add/, 'kernels are named and commented');
  assert.not.match(a, /idxLabel|ifloormod/, 'only the prelude helpers a plan uses');
}));

test('--standalone --weights: a module without imports predicts with the trained weights, bit for bit', () => withFiles(FILES, async (dir) => {
  const ref = jitReference(40);
  const ckpt = join(dir, 'ckpt.safetensors');
  ref.g.asDefault(() => new tf.train.Saver().save(ref.sess, ckpt));
  const q = quiet();
  assert.is(await main(['compile', join(dir, 'linreg.tf.ts'), '--standalone', '--weights', ckpt, '--out-dir', join(dir, 'sa')], q.io), 0, q.err.join(''));
  const text = readFileSync(join(dir, 'sa/linreg.js'), 'utf8');
  assert.not.match(text, /^\s*import\b|\bimport\(|\brequire\(/m);
  assert.not.match(text, /\beval\(|new Function/);
  const mod = await importFresh(join(dir, 'sa/linreg.js'));
  assert.equal(Object.keys(mod).sort(), ['predict']);
  for (const xs of [[0, 1.25, 2.5, 10], [7.5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out = mod.predict({ X: new Float32Array(xs) });
    const want = Array.from((ref.sess.run(ref.yPred, { X: xs }) as tf.NDArray).data);
    assert.equal(Array.from(out.y.data), want, `batch ${xs.length}`);
    assert.equal(out.y.shape, [xs.length]);
    assert.equal(mod.predict({ X: xs }).y.toArray(), want);
  }
  assert.throws(() => mod.predict({ X: new Int32Array(4) }), /X:0 takes a Float32Array/);
  assert.throws(() => mod.predict({ X: [[1, 2]] }), /predict: no compiled plan takes inputs of shapes X:0 \[1, 2\]/);
  assert.throws(() => mod.predict({ Z: [1] }), /predict: unknown input 'Z'; inputs are X/);
}));

test('a .tf.mts model gives .mjs and .d.mts: an ES module even in a CommonJS package', () => withFiles({
  'package.json': '{"type":"commonjs"}', 'linreg.tf.mts': MODEL,
}, async (dir) => {
  const q = quiet();
  assert.is(await main(['compile', join(dir, 'linreg.tf.mts'), '--standalone', '--out-dir', join(dir, 'out')], q.io), 0, q.err.join(''));
  assert.equal(readdirSync(join(dir, 'out')).sort(), ['linreg.d.mts', 'linreg.mjs']);
  const mod = await importFresh(join(dir, 'out/linreg.mjs'));
  assert.equal(Array.from(mod.predict({ X: [0, 2] }).y.data), [Math.fround(-0.5), Math.fround(0)]);
}));

test('weights above the inline threshold go to a sidecar .bin, read when the module loads', () => withFiles({
  'package.json': '{"type":"module"}',
  'big.tf.ts': `import * as tf from 'tfgen';
export const X = tf.placeholder(tf.float32, [null, 200], 'X');
const W = new tf.Variable(tf.randomUniform([200, 100], { seed: 3 }), { name: 'W' });
export const predict = tf.signature({ inputs: { X }, outputs: { y: tf.matmul(X, W) } });
`,
}, async (dir) => {
  const q = quiet();
  assert.is(await main(['compile', join(dir, 'big.tf.ts'), '--standalone', '--out-dir', join(dir, 'out')], q.io), 0, q.err.join(''));
  assert.equal(readdirSync(join(dir, 'out')).sort(), ['big.d.ts', 'big.js', 'big.weights.bin']);
  assert.is(statSync(join(dir, 'out/big.weights.bin')).size, 200 * 100 * 4);
  assert.ok(statSync(join(dir, 'out/big.js')).size < 20_000, 'the weights are not inline');
  const mod = await importFresh(join(dir, 'out/big.js'));
  const g = new tf.Graph();
  const { want, xs } = g.asDefault(() => {
    const X = tf.placeholder(tf.float32, [null, 200], 'X');
    const W = new tf.Variable(tf.randomUniform([200, 100], { seed: 3 }), { name: 'W' });
    using s = new tf.Session();
    s.run(W.initializer);
    const xs = Array.from({ length: 3 }, (_, i) => Array.from({ length: 200 }, (_, j) => ((i * 7 + j) % 11) / 10));
    return { want: Array.from((s.run(tf.matmul(X, W), { X: xs }) as tf.NDArray).data), xs };
  });
  assert.equal(Array.from(mod.predict({ X: xs }).y.data), want);
}));

test('a checkpoint that does not match fails with the variable named, and writes nothing', () => withFiles(FILES, async (dir) => {
  const g = new tf.Graph();
  const ckpt = join(dir, 'other.safetensors');
  g.asDefault(() => {
    const w = new tf.Variable([1, 2], { name: 'w' });
    const sess = new tf.Session();
    sess.run(w.initializer);
    new tf.train.Saver([w]).save(sess, ckpt);
  });
  const q = quiet();
  assert.is(await main(['compile', join(dir, 'linreg.tf.ts'), '--standalone', '--weights', ckpt, '--out-dir', join(dir, 'o')], q.io), 1);
  const err = q.err.join('');
  assert.match(err, /other\.safetensors: variable 'w' is float32 \[\] in the model but float32 \[2\] in the checkpoint/);
  assert.match(err, /other\.safetensors: the checkpoint has no value for variable 'b'/);
  assert.not.ok(existsSync(join(dir, 'o')), 'no output folder, no partial files');
}));

test('a failed compile leaves the previous outputs untouched', () => withFiles(FILES, async (dir) => {
  const q = quiet();
  assert.is(await main(['compile', join(dir, 'linreg.tf.ts'), '--out-dir', join(dir, 'out')], q.io), 0);
  const before = readFileSync(join(dir, 'out/linreg.js'), 'utf8');
  writeFileSync(join(dir, 'linreg.tf.ts'), MODEL.replace('X.mul(w)', 'X.mul(w'));
  const q2 = quiet();
  assert.is(await main(['compile', join(dir, 'linreg.tf.ts'), '--out-dir', join(dir, 'out')], q2.io), 1);
  assert.match(q2.err.join(''), /linreg\.tf\.ts:7:\d+: Expected "\)" but found/);
  assert.match(q2.out.join(''), /failed in \d+ ms \(previous outputs left as they were\)/);
  assert.is(readFileSync(join(dir, 'out/linreg.js'), 'utf8'), before);
  assert.equal(readdirSync(join(dir, 'out')).sort(), ['linreg.d.ts', 'linreg.js']);
}));

test('a sess.run fetching what the model does not export is an error at its line', () => withFiles({
  ...FILES, 'app.ts': "import { Session } from 'tfgen/runtime';\nimport * as m from './out/linreg.js';\nnew Session().run(m.los, { X: [1, 2, 3, 4] });\n",
}, async (dir) => {
  const q = quiet();
  assert.is(await main(['compile', join(dir, 'linreg.tf.ts'), join(dir, 'app.ts'), '--out-dir', join(dir, 'out')], q.io), 1);
  assert.match(q.err.join(''), /app\.ts:3:19: sess\.run fetches 'los' is not exported by the model/);
  assert.not.ok(existsSync(join(dir, 'out')));
}));

test('a model that throws while building, or whose plan cannot take run-time dims, exits 1 at file:line:col with no output', () => withFiles({
  'package.json': '{"type":"module"}',
  'bad.tf.ts': "import * as tf from 'tfgen';\nconst a = tf.constant([1, 2]);\nexport const b = tf.matmul(a, a);\n",
  'open.tf.ts': "import * as tf from 'tfgen';\nconst X = tf.placeholder(tf.float32, [null, 3], 'X');\nexport const predict = tf.signature({ inputs: { X }, outputs: { y: tf.pad(X, [[1, 1], [0, 0]]) } });\n",
}, async (dir) => {
  const q = quiet();
  assert.is(await main(['compile', join(dir, 'bad.tf.ts'), join(dir, 'open.tf.ts'), '--out-dir', join(dir, 'out')], q.io), 1);
  const err = q.err.join('');
  assert.match(err, /bad\.tf\.ts:3:21: InvalidArgumentError while building the graph: MatMul 'MatMul': .* must be 2-dimensional/);
  assert.match(err, /open\.tf\.ts:3:14: signature predict: X:0 has shape \[\?,3\], but an op of this plan cannot take a run-time size for its dim 0/);
  assert.match(q.out.join(''), /0 compiled, 2 failed, 0 warnings/);
  assert.not.ok(existsSync(join(dir, 'out')));
}));

test('a type error fails the compile at its line; --skip-typecheck compiles what runs', () => withFiles({
  'package.json': '{"type":"module"}',
  'm.tf.ts': "import * as tf from 'tfgen';\nconst n: string = 3 as unknown as number;\nexport const y = tf.constant([1, 2]).mul(2);\n",
}, async (dir) => {
  const q = quiet();
  assert.is(await main(['compile', join(dir, 'm.tf.ts'), '--out-dir', join(dir, 'out')], q.io), 1);
  assert.match(q.err.join(''), /m\.tf\.ts:2:7: Type 'number' is not assignable to type 'string'\./);
  assert.not.ok(existsSync(join(dir, 'out')));
  assert.is(await main(['compile', join(dir, 'm.tf.ts'), '--skip-typecheck', '--out-dir', join(dir, 'out')], quiet().io), 0);
  assert.ok(existsSync(join(dir, 'out/m.js')));
}));

test('usage errors exit 2 with the usage; --help exits 0', async () => {
  const q = quiet();
  assert.is(await main(['compile', 'x.tf.ts', '--frobnicate'], q.io), 2);
  assert.match(q.err.join(''), /tfgen: Unknown option '--frobnicate'[\s\S]*Usage: tfgen <command>/);
  const q2 = quiet();
  assert.is(await main(['compile', '/nonexistent/m.tf.ts'], q2.io), 2);
  assert.match(q2.err.join(''), /tfgen: no such file: \/nonexistent\/m\.tf\.ts/);
  const q3 = quiet();
  assert.is(await main(['compile', 'notamodel.ts'], q3.io), 2);
  assert.match(q3.err.join(''), /no model file among notamodel\.ts/);
  const q4 = quiet();
  assert.is(await main(['--help'], q4.io), 0);
  assert.match(q4.out.join(''), /Examples:\n {2}tfgen compile/);
  const q5 = quiet();
  assert.is(await main(['frob'], q5.io), 2);
  assert.match(q5.err.join(''), /unknown command 'frob'/);
});

test.run();
