// A strict Content-Security-Policy page (no 'unsafe-eval', no 'wasm-unsafe-eval') trains and
// predicts with an ahead-of-time compiled model loaded from its own script file: the numbers are
// the Node JIT's, bit for bit, and the page raises no violation. The negative control is the same
// app bundled without the tfgen plugin: its model file runs as DSL code and the JIT builds each
// plan with `new Function`, so the same check fails under the CSP (and passes without it).
// Compiled with the gpu backend, the same app runs its kernels through gpu.js's webgl mode (webgl2:
// csp_gpu.test.ts) under the strict CSP (gpu-browser.min.js from the page's origin), float32-close to the
// JIT, the kernel class asserted: gpu.js's cpu mode (new Function) would be a violation.
// (The wasm backend under the CSP: csp_wasm.test.ts.)
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import * as tf from '../../src/index.js';
import { bundle, browserSuite, launchChromium, pageHtml, PUBLISH, REPO, runPage, serve, STRICT_CSP, type PageRun, type SiteServer } from '../_lib/browser.js';
import { withFiles } from '../_lib/temp_dir.js';

/** The seed's linear regression on a small fixed data set (y ≈ 3x − 2), gradient descent. */
function build(t: typeof tf) {
  const X = t.placeholder(t.float32, [null], 'X');
  const Y = t.placeholder(t.float32, [null], 'Y');
  const m = new t.Variable(0, { name: 'm' });
  const b = new t.Variable(0, { name: 'b' });
  const yPred = t.add(t.multiply(X, m), b, 'yPred');
  const loss = t.reduceMean(t.square(t.subtract(yPred, Y)), undefined, false, 'loss');
  const train = new t.train.GradientDescentOptimizer(0.02).minimize(loss);
  return { X, Y, m, b, yPred, loss, train, init: t.globalVariablesInitializer() };
}
const XS = [0, 1, 2, 3, 4, 5, 6, 7], YS = [-2.1, 1.2, 3.9, 7.1, 9.8, 13.2, 15.9, 19.1];
const STEPS = 300, ASK = [10, -1.5];

const MODEL = `import * as tf from 'tfgen';
// why: the test runs build() as compiled JS (types stripped); the model file gives it its type back.
${build.toString().replace(/^function build\(t\)/, 'function build(t: typeof tf)')}
export const { X, Y, m, b, loss, train, init, yPred } = build(tf);
export const predict = tf.signature({ inputs: { X }, outputs: { sold: yPred } });
`;
const APP = `import { Session } from 'tfgen/runtime';
import { publish } from './publish.js';
import { b, init, loss, m, predict, train } from './linreg.tf.js';
const mode = new URLSearchParams(location.search).get('mode');
publish(() => {
  const sess = new Session(mode ? { gpu: { mode } } : {});
  sess.run(init);
  const losses = [];
  for (let i = 0; i < ${STEPS}; i++) losses.push(sess.run([train, loss], { X: ${JSON.stringify(XS)}, Y: ${JSON.stringify(YS)} })[1]);
  const [mv, bv] = sess.run([m, b]);
  return { losses, m: mv, b: bv, sold: Array.from(predict({ X: ${JSON.stringify(ASK)} }, sess).sold.data),
    kernels: kernels(sess), backendInfo: sess.backendInfo ?? null };
});
// why: which kernels the training step's and the predictor's plans ran, and where (the module's
// plan data; the DSL's tensors of the JIT bundle have none)
function kernels(sess) {
  if (!train.model) return null;
  const n = ${XS.length}, k = ${ASK.length};
  // why: the instances this session ran (keyed by its variables); nothing new is instantiated
  const mine = { variables: sess._state, gpuDevice: () => { throw new Error('plan not run by this session'); } };
  const step = train.model._plan([loss.name], [train.name], [{ name: 'X:0', shape: [n] }, { name: 'Y:0', shape: [n] }]).runFor([[n], [n]], mine);
  const ask = train.model._plan(['yPred:0'], [], [{ name: 'X:0', shape: [k] }]).runFor([[k]], mine);
  return [...step.data.kernels, ...ask.data.kernels].map((x) => x.name + '@' + (x.runsOn ?? 'js'));
}
`;

interface Trained { losses: number[]; m: number; b: number; sold: number[]; kernels?: string[] | null; backendInfo?: unknown }

/** The same training in Node with the JIT. */
function expected(): Trained {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const r = build(tf);
    using sess = new tf.Session({ graph: g });
    sess.run(r.init);
    const losses: number[] = [];
    for (let i = 0; i < STEPS; i++) losses.push((sess.run([r.train, r.loss], { X: XS, Y: YS }) as [null, number])[1]);
    const [m, b] = sess.run([r.m, r.b]) as number[];
    return { losses, m, b, sold: Array.from((sess.run(r.yPred, { X: ASK }) as tf.NDArray).data) };
  });
}

/** |got − want| ≤ rtol·|want| + atol for every number of two equally shaped results. */
const near = (rtol: number, atol: number) => (got: Omit<Trained, 'kernels' | 'backendInfo'>, w: Trained) => {
  const flat = (t: typeof got) => [...t.losses, t.m, t.b, ...t.sold];
  const g = flat(got), e = flat(w);
  if (g.length !== e.length) throw new Error(`${g.length} numbers, expected ${e.length}`);
  const i = g.findIndex((v, k) => !(Math.abs(v - e[k]) <= rtol * Math.abs(e[k]) + atol));
  if (i >= 0) throw new Error(`number ${i}: ${g[i]}, expected ${e[i]}`);
};

/**
 * The check a CSP page must pass: its own code ran, no violation, no console error, the right
 * numbers (bit for bit unless `compare` says otherwise).
 */
function problems(run: PageRun<Trained>, want: Trained, compare: (got: Omit<Trained, 'kernels' | 'backendInfo'>, w: Trained) => void = (g, w) => assert.equal(g, w)): string[] {
  const out: string[] = [];
  if (run.error) out.push(`page error: ${run.error.split('\n')[0]}`);
  if (run.violations.length) out.push(`CSP violations: ${run.violations.join(', ')}`);
  if (run.errors.length) out.push(`console errors: ${run.errors.join(' | ')}`);
  if (!run.error) {
    const { kernels: _k, backendInfo: _b, ...numbers } = run.result ?? ({} as Trained);
    try { compare(numbers, want); } catch (e) { out.push(`numbers differ (${(e as Error).message.split('\n')[0]}): m=${run.result?.m} b=${run.result?.b}`); }
  }
  return out;
}

let browser: Browser | undefined;
let server: SiteServer | undefined;
const want = expected();

const files = { 'package.json': '{"type":"module"}', 'linreg.tf.ts': MODEL, 'app.ts': APP, 'publish.js': PUBLISH };
const sites: Record<string, { compiled: string; jit: string }> = {};
let gpuBundle = '';

const ready = browserSuite(test, async () => {
  await withFiles(files, async (dir) => {
    sites.js = { compiled: await bundle(join(dir, 'app.ts'), { compile: {} }), jit: await bundle(join(dir, 'app.ts')) };
    gpuBundle = await bundle(join(dir, 'app.ts'), { compile: { backend: 'gpu' } });
  });
  // why: gpu.js's browser build from the page's own origin, as a classic script (a global GPU)
  const gpuPage = '<!doctype html>\n<meta charset="utf-8">\n<script src="gpu-browser.min.js"></script>\n<script type="module" src="app.js"></script>\n';
  const csp = { 'content-security-policy': STRICT_CSP };
  server = await serve({ files: {
    '/strict/index.html': { body: pageHtml('app.js'), headers: csp },
    '/strict/app.js': { body: sites.js.compiled, headers: csp },
    '/strict-jit/index.html': { body: pageHtml('app.js'), headers: csp },
    '/strict-jit/app.js': { body: sites.js.jit, headers: csp },
    '/open-jit/index.html': { body: pageHtml('app.js') },
    '/open-jit/app.js': { body: sites.js.jit },
    '/strict-gpu/index.html': { body: gpuPage, headers: csp },
    '/strict-gpu/app.js': { body: gpuBundle, headers: csp },
    '/strict-gpu/gpu-browser.min.js': { body: readFileSync(join(REPO, 'node_modules/gpu.js/dist/gpu-browser.min.js')), headers: csp },
  } });
  browser = await launchChromium();
}, async () => { await browser?.close(); await server?.close(); });

test('the compiled bundle has no eval and no compiler; the JIT bundle has both', () => {
  if (!ready()) return;
  for (const code of [sites.js.compiled, gpuBundle]) assert.not.match(code, /new Function|\beval\(|lowerGraph|renderJs/);
  assert.match(gpuBundle, /function \(a0/, 'the gpu.js kernel sources are in the bundle');
  assert.match(sites.js.jit, /new Function/);
});

test('the Node JIT reference fits y ≈ 3x − 2 and the loss falls', () => {
  assert.ok(Math.abs(want.m - 3) < 0.1 && Math.abs(want.b + 2) < 0.3, `m=${want.m} b=${want.b}`);
  assert.ok(want.losses[STEPS - 1] < want.losses[0] / 100, `loss ${want.losses[0]} → ${want.losses[STEPS - 1]}`);
});

test('strict CSP, compiled JS module: right numbers (bit for bit the Node JIT), no violation', async () => {
  if (!ready()) return;
  const run = await runPage<Trained>(browser!, `${server!.url}/strict/`);
  assert.equal(problems(run, want), []);
});

// why: webgl2 under this CSP is csp_gpu.test.ts's; here the WebGL 1 mode, with the kernels' runsOn
const CLASS: Record<string, string> = { webgl2: 'WebGL2Kernel', webgl: 'WebGLKernel' };
for (const mode of ['webgl']) {
  test(`strict CSP, compiled gpu module on ${mode}: its kernels run on the gpu (${CLASS[mode]}, never gpu.js's cpu mode), float32-close numbers, no violation`, async () => {
    if (!ready()) return;
    const run = await runPage<Trained>(browser!, `${server!.url}/strict-gpu/?mode=${mode}`, { timeout: 60000 });
    // why: float32 on the device against the JS backend's float32 (codegen/README.md, "Precision")
    assert.equal(problems(run, want, near(1e-4, 1e-4)), []);
    assert.equal(run.result!.backendInfo, { backend: 'gpu', mode, kernelClass: CLASS[mode], precision: 'single' });
    const kernels = run.result!.kernels!;
    assert.ok(kernels.some((k) => /reduce.*@gpu$/.test(k)) && kernels.some((k) => /^k0_map_Mul_yPred@gpu$/.test(k)), kernels.join(', '));
    assert.equal(run.warnings.filter((w) => /tfgen/.test(w)), []);
  });
}

test('negative control: the same app with the JIT (new Function) fails the same check under the CSP', async () => {
  if (!ready()) return;
  const run = await runPage<Trained>(browser!, `${server!.url}/strict-jit/`);
  const found = problems(run, want);
  assert.ok(found.length > 0, 'the check must fail');
  assert.match(run.error ?? '', /EvalError|unsafe-eval/);
  assert.ok(run.violations.some((v) => /^script-src eval/.test(v)), run.violations.join(', '));
});

test('without a CSP the JIT bundle gives the same numbers (the control fails only because of the policy)', async () => {
  if (!ready()) return;
  const run = await runPage<Trained>(browser!, `${server!.url}/open-jit/`);
  assert.equal(problems(run, want), []);
});

test.run();
