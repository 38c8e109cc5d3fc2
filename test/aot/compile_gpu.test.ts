// `tfgen compile --backend gpu`: the module holds each plan's gpu.js kernel sources with their
// settings pinned (data.gpu) and its text as the gpu factory, imports tfgen/runtime and
// tfgen/runtime/gpu but not gpu.js (the app passes it: new Session({gpu: {mode, GPU}})), and
// carries the JS backend's plan of every gpu plan, run where the mode cannot open and the app
// asked for {fallback: 'js'} (a strict CSP without GL: gpu.js's cpu mode needs `new Function`).
// In plain Node the kernels run on gpu.js's 'cpu' mode (asked for explicitly); `TFGEN_GPU_MODE=
// headlessgl xvfb-run -a node --import tsx test/aot/compile_gpu.test.ts` runs them as GLSL.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../codegen/aot/cli.js';
import * as tf from '../../src/index.js';
import { withFiles } from '../_lib/temp_dir.js';

const MODE = (process.env.TFGEN_GPU_MODE ?? 'cpu') as tf.GpuMode;
const CLASS: Record<string, string> = { cpu: 'CPUKernel', headlessgl: 'HeadlessGLKernel' };
const { GPU } = createRequire(import.meta.url)('gpu.js');

const MODEL = `import * as tf from 'tfgen';
export const X = tf.placeholder(tf.float32, [null, 4], 'X');
export const Y = tf.placeholder(tf.float32, [null, 4], 'Y');
export const w = new tf.Variable(tf.constant([0.5, -0.25, 1, 2]), { name: 'w' });
export const b = new tf.Variable(0.125, { name: 'b' });
export const yPred = tf.add(tf.multiply(X, w), b);
export const loss = tf.reduceMean(tf.square(tf.subtract(yPred, Y)));
export const train = new tf.train.GradientDescentOptimizer(0.05).minimize(loss);
export const init = tf.globalVariablesInitializer();
export const predict = tf.signature({ inputs: { X }, outputs: { y: tf.tanh(yPred) } });
`;
const APP = `import type { Session } from 'tfgen/runtime';
import { init, loss, train } from './out/model.js';

export function fit(sess: Session, xs: unknown, ys: unknown, steps: number) {
  sess.run(init);
  const losses: number[] = [];
  for (let i = 0; i < steps; i++) losses.push(sess.run([train, loss], { X: xs, Y: ys })[1]);
  return losses;
}
`;
const FILES = { 'package.json': '{"type":"module"}', 'model.tf.ts': MODEL, 'app.ts': APP };
const ROWS = 6;
const XS = Float32Array.from({ length: ROWS * 4 }, (_, i) => Math.sin(i) * 2);
const YS = Float32Array.from({ length: ROWS * 4 }, (_, i) => Math.cos(i) + 0.5);
const feeds = (X: unknown, Y: unknown) => new Map([[X, new tf.NDArray(XS, [ROWS, 4], 'float32')], [Y, new tf.NDArray(YS, [ROWS, 4], 'float32')]]);

/** The same model trained in this process on a JIT session (js, or gpu in MODE). */
function jit(backend: 'js' | 'gpu', steps: number) {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const X = tf.placeholder(tf.float32, [null, 4], 'X'), Y = tf.placeholder(tf.float32, [null, 4], 'Y');
    const w = new tf.Variable(tf.constant([0.5, -0.25, 1, 2]), { name: 'w' }), b = new tf.Variable(0.125, { name: 'b' });
    const yPred = tf.add(tf.multiply(X, w), b);
    const loss = tf.reduceMean(tf.square(tf.subtract(yPred, Y)));
    const train = new tf.train.GradientDescentOptimizer(0.05).minimize(loss);
    const y = tf.tanh(yPred);
    const sess = backend === 'gpu' ? new tf.Session({ backend: 'gpu', gpu: { mode: MODE } }) : new tf.Session();
    sess.run(tf.globalVariablesInitializer());
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) losses.push((sess.run([train, loss], feeds(X, Y) as tf.FeedDict) as [null, number])[1]);
    return { losses, y: (sess.run(y, new Map([[X, new tf.NDArray(XS, [ROWS, 4], 'float32')]])) as tf.NDArray).data };
  });
}

/** The app's training loop (its call sites precompiled) on a runtime Session, then the signature. */
async function trainModule(mod: any, sess: any, steps: number, dir: string) {
  const app = await import(pathToFileURL(join(dir, 'app.ts')).href);
  const losses: number[] = app.fit(sess, new tf.NDArray(XS, [ROWS, 4], 'float32'), new tf.NDArray(YS, [ROWS, 4], 'float32'), steps);
  return { losses, y: mod.predict({ X: new tf.NDArray(XS, [ROWS, 4], 'float32') }, sess).y.data as Float32Array };
}

const quiet = () => {
  const out: string[] = [], err: string[] = [];
  return { io: { out: (t: string) => { out.push(t); }, err: (t: string) => { err.push(t); } }, out, err };
};

async function compiled(dir: string) {
  const q = quiet();
  assert.is(await main(['compile', join(dir, 'model.tf.ts'), join(dir, 'app.ts'), '--backend', 'gpu', '--out-dir', join(dir, 'out'), '--skip-typecheck'], q.io), 0, q.err.join(''));
  const text = readFileSync(join(dir, 'out/model.js'), 'utf8');
  return { text, mod: await import(pathToFileURL(join(dir, 'out/model.js')).href), runtime: await import('../../src/runtime/index.js') };
}

test(`compile --backend gpu → import: the module's gpu kernels run on the app's gpu.js (${MODE}), with the JIT gpu session's numbers`, () => withFiles(FILES, async (dir) => {
  const { text, mod, runtime } = await compiled(dir);
  assert.match(text, /^\/\/ Generated by tfgen compile from .* \(backend gpu\)/);
  assert.equal([...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]), ['tfgen/runtime', 'tfgen/runtime/gpu']);
  assert.not.match(text, /gpu\.js|\beval\(|new Function|Function\(/);
  assert.match(text, /^function plan\d+\(bufs, consts, host, fail, lib, dims, gpu\) \{$/m);
  assert.match(text, /^function plan\d+js\(bufs, consts, host, fail, lib, dims\) \{$/m);
  assert.match(text, /"source": ?"function \(a0/, 'the kernel sources are in the plan data');
  assert.match(text, /, undefined, \{ gpu: gpuRuntime \}\);$/m);
  const sess = new runtime.Session({ gpu: { mode: MODE, GPU } });
  const got = await trainModule(mod, sess, 10, dir);
  assert.equal(sess.backendInfo, { backend: 'gpu', mode: MODE, kernelClass: CLASS[MODE], precision: 'single' });
  const ref = jit('gpu', 10), js = jit('js', 10);
  assert.equal(got.losses, ref.losses);
  assert.equal([...got.y], [...ref.y]);
  got.losses.forEach((l, i) => assert.ok(Math.abs(l - js.losses[i]) <= 1e-5 * Math.abs(js.losses[i]), `loss ${i}: gpu ${l}, js ${js.losses[i]}`));
  assert.ok(got.losses[9] < got.losses[0], 'it trains');
}));

test('a mode that cannot open here with {fallback: \'js\'}: the module runs its JS plans (the JS JIT\'s numbers bit for bit) and says so once; without it, a clear error', () => withFiles(FILES, async (dir) => {
  const { mod, runtime } = await compiled(dir);
  const warn = console.warn, warnings: string[] = [];
  console.warn = (m: string) => { warnings.push(m); };
  try {
    // why: 'webgl2' runs in a browser only, so in Node it cannot open, deterministically.
    const sess = new runtime.Session({ gpu: { mode: 'webgl2', GPU, fallback: 'js' } });
    const got = await trainModule(mod, sess, 10, dir);
    const js = jit('js', 10);
    assert.equal(got.losses, js.losses);
    assert.equal([...got.y], [...js.y]);
    assert.match(sess.backendInfo?.fallback ?? '', /'webgl2' runs in a browser only/);
  } finally {
    console.warn = warn;
  }
  assert.is(warnings.length, 1, warnings.join('\n'));
  assert.match(warnings[0], /JS kernels instead/);
  const strict = new runtime.Session({ gpu: { mode: 'webgl2', GPU } });
  strict.run(mod.init);
  assert.throws(() => mod.predict({ X: new tf.NDArray(XS, [ROWS, 4], 'float32') }, strict), (e: Error) => e instanceof tf.errors.UnavailableError && /'webgl2' runs in a browser only/.test(e.message));
}));

test('tfgen inspect --backend gpu says which kernels run as gpu.js kernels and why the others stay in JS', () => withFiles(FILES, async (dir) => {
  const q = quiet();
  assert.is(await main(['inspect', join(dir, 'model.tf.ts'), '--backend', 'gpu'], q.io), 0, q.err.join(''));
  const text = q.out.join('');
  assert.match(text, /^ {2}kernel k\d+_map_Mul_Add_Tanh \(map, gpu\): Mul, Add, Tanh$/m);
  q.err.length = 0;
  assert.is(await main(['inspect', join(dir, 'model.tf.ts'), '--backend', 'metal'], q.io), 2);
  assert.match(q.err.join(''), /available: js, wasm, gpu/);
}));

test.run();
