// A strict Content-Security-Policy page (no 'unsafe-eval', no 'wasm-unsafe-eval') trains and
// predicts with an ahead-of-time compiled model loaded from its own script file: the numbers are
// the Node JIT's, bit for bit, and the page raises no violation. The negative control is the same
// app bundled without the tfgen plugin: its model file runs as DSL code and the JIT builds each
// plan with `new Function`, so the same check fails under the CSP (and passes without it).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import * as tf from '../../src/index.js';
import { bundle, browserSkipped, launchChromium, pageHtml, PUBLISH, runPage, serve, STRICT_CSP, type PageRun, type SiteServer } from '../_lib/browser.js';
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
publish(() => {
  const sess = new Session();
  sess.run(init);
  const losses = [];
  for (let i = 0; i < ${STEPS}; i++) losses.push(sess.run([train, loss], { X: ${JSON.stringify(XS)}, Y: ${JSON.stringify(YS)} })[1]);
  const [mv, bv] = sess.run([m, b]);
  return { losses, m: mv, b: bv, sold: Array.from(predict({ X: ${JSON.stringify(ASK)} }, sess).sold.data) };
});
`;

interface Trained { losses: number[]; m: number; b: number; sold: number[] }

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

/** The check a CSP page must pass: its own code ran, no violation, no console error, the right numbers. */
function problems(run: PageRun<Trained>, want: Trained): string[] {
  const out: string[] = [];
  if (run.error) out.push(`page error: ${run.error.split('\n')[0]}`);
  if (run.violations.length) out.push(`CSP violations: ${run.violations.join(', ')}`);
  if (run.errors.length) out.push(`console errors: ${run.errors.join(' | ')}`);
  if (!run.error) {
    try { assert.equal(run.result, want); } catch { out.push(`numbers differ: m=${run.result?.m} b=${run.result?.b}`); }
  }
  return out;
}

let browser: Browser | undefined;
let server: SiteServer | undefined;
const want = expected();

const files = { 'package.json': '{"type":"module"}', 'linreg.tf.ts': MODEL, 'app.ts': APP, 'publish.js': PUBLISH };
const sites: Record<string, { compiled: string; jit: string }> = {};

test.before(async () => {
  if (browserSkipped()) return;
  await withFiles(files, async (dir) => {
    sites.js = { compiled: await bundle(join(dir, 'app.ts'), { compile: {} }), jit: await bundle(join(dir, 'app.ts')) };
  });
  const csp = { 'content-security-policy': STRICT_CSP };
  server = await serve({ files: {
    '/strict/index.html': { body: pageHtml('app.js'), headers: csp },
    '/strict/app.js': { body: sites.js.compiled, headers: csp },
    '/strict-jit/index.html': { body: pageHtml('app.js'), headers: csp },
    '/strict-jit/app.js': { body: sites.js.jit, headers: csp },
    '/open-jit/index.html': { body: pageHtml('app.js') },
    '/open-jit/app.js': { body: sites.js.jit },
  } });
  browser = await launchChromium();
});
test.after(async () => { await browser?.close(); await server?.close(); });

test('the compiled bundle has no eval and no compiler; the JIT bundle has both', () => {
  if (!browser) return;
  assert.not.match(sites.js.compiled, /new Function|\beval\(|lowerGraph|renderJs/);
  assert.match(sites.js.jit, /new Function/);
});

test('the Node JIT reference fits y ≈ 3x − 2 and the loss falls', () => {
  assert.ok(Math.abs(want.m - 3) < 0.1 && Math.abs(want.b + 2) < 0.3, `m=${want.m} b=${want.b}`);
  assert.ok(want.losses[STEPS - 1] < want.losses[0] / 100, `loss ${want.losses[0]} → ${want.losses[STEPS - 1]}`);
});

test('strict CSP, compiled JS module: right numbers (bit for bit the Node JIT), no violation', async () => {
  if (!browser) return;
  const run = await runPage<Trained>(browser, `${server!.url}/strict/`);
  assert.equal(problems(run, want), []);
});

test('negative control: the same app with the JIT (new Function) fails the same check under the CSP', async () => {
  if (!browser) return;
  const run = await runPage<Trained>(browser, `${server!.url}/strict-jit/`);
  const found = problems(run, want);
  assert.ok(found.length > 0, 'the check must fail');
  assert.match(run.error ?? '', /EvalError|unsafe-eval/);
  assert.ok(run.violations.some((v) => /^script-src eval/.test(v)), run.violations.join(', '));
});

test('without a CSP the JIT bundle gives the same numbers (the control fails only because of the policy)', async () => {
  if (!browser) return;
  const run = await runPage<Trained>(browser, `${server!.url}/open-jit/`);
  assert.equal(problems(run, want), []);
});

test.run();
