// A module compiled with `--backend gpu` under the strict CSP (script-src 'self': no eval, no
// wasm): the page ships gpu.js's browser build as its own script (a global GPU; the module does
// not import it) and trains and predicts on webgl2 (SwiftShader here) with no violation, the
// Node JIT's numbers at float32 tolerance, the kernel class asserted. A page without gpu.js
// (no GL device to open) asks for {fallback: 'js'} and runs the JS plans the module carries:
// bit for bit the Node JIT's numbers, no violation (gpu.js's own cpu mode would need eval).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { bundle, browserSuite, launchChromium, PUBLISH, runPage, serve, STRICT_CSP, type SiteServer } from '../_lib/browser.js';
import { withFiles } from '../_lib/temp_dir.js';
import { linregModel, linregReference, XS, YS, type Trained as Reference } from '../_lib/linreg_fixture.js';

const MODEL = linregModel(true);
const STEPS = 60, ASK = [0.1, -0.05, 0.2, 0.5];

const APP = `import { Session } from 'tfgen/runtime';
import { publish } from './publish.js';
import { b, init, loss, m, predict, train } from './linreg.tf.js';
publish(() => {
  const sess = new Session({ gpu: { mode: 'webgl2', fallback: 'js' } });
  sess.run(init);
  const losses = [];
  for (let i = 0; i < ${STEPS}; i++) losses.push(sess.run([train, loss], { X: ${JSON.stringify(XS)}, Y: ${JSON.stringify(YS)} })[1]);
  const [mv, bv] = sess.run([m, b]);
  return { losses, m: mv, b: bv, sold: Array.from(predict({ X: ${JSON.stringify(ASK)} }, sess).sold.data), info: sess.backendInfo };
});
`;

interface Trained extends Reference { info?: { mode?: string; kernelClass?: string; fallback?: string } }

let browser: Browser | undefined;
let server: SiteServer | undefined;
let app = '';
const want = linregReference(STEPS, ASK, true);

const ready = browserSuite(test, async () => {
  await withFiles({ 'package.json': '{"type":"module"}', 'linreg.tf.ts': MODEL, 'app.ts': APP, 'publish.js': PUBLISH }, async (dir) => {
    app = await bundle(join(dir, 'app.ts'), { compile: { backend: 'gpu' } });
  });
  const gpuJs = readFileSync(join(createRequire(import.meta.url).resolve('gpu.js'), '../../dist/gpu-browser.min.js'), 'utf8');
  const csp = { 'content-security-policy': STRICT_CSP };
  const page = (scripts: string) => `<!doctype html>\n<meta charset="utf-8">\n${scripts}<script type="module" src="app.js"></script>\n`;
  server = await serve({ files: {
    '/gl/index.html': { body: page('<script src="gpu-browser.min.js"></script>\n'), headers: csp },
    '/gl/gpu-browser.min.js': { body: gpuJs, headers: csp },
    '/gl/app.js': { body: app, headers: csp },
    '/nogl/index.html': { body: page(''), headers: csp },
    '/nogl/app.js': { body: app, headers: csp },
  } });
  browser = await launchChromium();
}, async () => { await browser?.close(); await server?.close(); });

test('the gpu module bundle has no eval, no compiler and no gpu.js; it carries kernel sources and JS plans', () => {
  if (!ready()) return;
  assert.not.match(app, /new Function|\beval\(|lowerGraph|renderJs|FunctionBuilder/, 'no eval, no compiler, none of gpu.js');
  assert.match(app, /"source": ?"function \(a0/);
  assert.match(app, /function plan\d+js\(bufs, consts, host, \w+, lib, dims\)/);
});

test('strict CSP, gpu.js shipped by the page: webgl2 (WebGL2Kernel) trains and predicts, the Node JIT\'s numbers within float32 tolerance, no violation', async () => {
  if (!ready()) return;
  const run = await runPage<Trained>(browser!, `${server!.url}/gl/`, { timeout: 60000 });
  assert.is(run.error, undefined);
  assert.equal([run.violations, run.errors], [[], []]);
  const { info, ...got } = run.result!;
  assert.equal([info?.mode, info?.kernelClass, info?.fallback], ['webgl2', 'WebGL2Kernel', undefined]);
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-5 * Math.max(1, Math.abs(b));
  got.losses.forEach((l, i) => assert.ok(near(l, want.losses[i]), `loss ${i}: ${l} vs ${want.losses[i]}`));
  assert.ok(near(got.m, want.m) && near(got.b, want.b), `m ${got.m} b ${got.b}`);
  got.sold.forEach((s, i) => assert.ok(near(s, want.sold[i]), `sold ${i}: ${s} vs ${want.sold[i]}`));
});

test('strict CSP without gpu.js (no GL device) and {fallback: \'js\'}: the JS plans, bit for bit the Node JIT, no violation, said once', async () => {
  if (!ready()) return;
  const run = await runPage<Trained>(browser!, `${server!.url}/nogl/`, { timeout: 60000 });
  assert.is(run.error, undefined);
  assert.equal([run.violations, run.errors], [[], []]);
  const { info, ...got } = run.result!;
  assert.match(info?.fallback ?? '', /needs gpu\.js/, JSON.stringify(info));
  assert.equal(got, want);
  assert.is(run.warnings.filter((w) => /JS kernels instead/.test(w)).length, 1, run.warnings.join('\n'));
});

test.run();
