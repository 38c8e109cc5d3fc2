// A module compiled with `--backend wasm` in Chromium: with a CSP allowing 'wasm-unsafe-eval' its
// wasm kernels run (the variables they read live in wasm memory); under a strict CSP (script-src
// 'self', no 'wasm-unsafe-eval') it runs the JS plans it carries, says so once, and gives the
// same numbers, equal to the Node JIT's. Its one CSP violation report is the probe
// (`new WebAssembly.Module` of an empty module): a page cannot learn its policy otherwise.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { bundle, browserSuite, launchChromium, pageHtml, PUBLISH, runPage, serve, STRICT_CSP, type SiteServer } from '../_lib/browser.js';
import { withFiles } from '../_lib/temp_dir.js';
import { linregModel, linregReference, XS, YS, type Trained as Reference } from '../_lib/linreg_fixture.js';

const MODEL = linregModel(false);
const STEPS = 200, ASK = [10, -1.5, 3];

const APP = `import { Session } from 'tfgen/runtime';
import { publish } from './publish.js';
import { b, init, loss, m, predict, train } from './linreg.tf.js';
publish(() => {
  const sess = new Session();
  sess.run(init);
  const losses = [];
  for (let i = 0; i < ${STEPS}; i++) losses.push(sess.run([train, loss], { X: ${JSON.stringify(XS)}, Y: ${JSON.stringify(YS)} })[1]);
  const [mv, bv] = sess.run([m, b]);
  // why: a variable a wasm kernel reads is stored as a view of that plan's wasm memory (64 KiB
  // pages); in JS it has a 4-byte buffer of its own. That tells which plans ran.
  return { losses, m: mv, b: bv, sold: Array.from(predict({ X: ${JSON.stringify(ASK)} }, sess).sold.data), mBuffer: sess._state.get('m').data.buffer.byteLength };
});
`;

interface Trained extends Reference { mBuffer?: number }

let browser: Browser | undefined;
let server: SiteServer | undefined;
let app = '';
const want = linregReference(STEPS, ASK, false);

const ready = browserSuite(test, async () => {
  await withFiles({ 'package.json': '{"type":"module"}', 'linreg.tf.ts': MODEL, 'app.ts': APP, 'publish.js': PUBLISH }, async (dir) => {
    app = await bundle(join(dir, 'app.ts'), { compile: { backend: 'wasm' } });
  });
  const strict = { 'content-security-policy': STRICT_CSP };
  const wasmOk = { 'content-security-policy': STRICT_CSP.replace("script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'") };
  server = await serve({ files: {
    '/strict/index.html': { body: pageHtml('app.js'), headers: strict },
    '/strict/app.js': { body: app, headers: strict },
    '/wasm/index.html': { body: pageHtml('app.js'), headers: wasmOk },
    '/wasm/app.js': { body: app, headers: wasmOk },
  } });
  browser = await launchChromium();
}, async () => { await browser?.close(); await server?.close(); });

test('the wasm module bundle has no eval and no compiler; it carries wasm bytes and JS plans', () => {
  if (!ready()) return;
  assert.not.match(app, /new Function|\beval\(|lowerGraph|renderJs/);
  assert.match(app, /wasmBytes\("AGFzbQ/);
  // (esbuild may rename a parameter that clashes with a name of the runtime)
  assert.match(app, /function plan\d+js\(bufs, consts, host, \w+, lib, dims\)/);
});

test('CSP with \'wasm-unsafe-eval\': the wasm kernels run, variables in wasm memory, the Node JIT\'s numbers, no violation or warning', async () => {
  if (!ready()) return;
  const run = await runPage<Trained>(browser!, `${server!.url}/wasm/`);
  assert.is(run.error, undefined);
  assert.equal([run.violations, run.errors, run.warnings], [[], [], []]);
  const { mBuffer, ...numbers } = run.result!;
  assert.ok(mBuffer! >= 65536, `m's buffer has ${mBuffer} bytes: not wasm memory`);
  assert.equal(numbers, want);
});

test('strict CSP without \'wasm-unsafe-eval\': the JS plans run, same numbers, one warning, only the probe\'s violation report', async () => {
  if (!ready()) return;
  const run = await runPage<Trained>(browser!, `${server!.url}/strict/`);
  assert.is(run.error, undefined);
  assert.equal(run.errors, []);
  const { mBuffer, ...numbers } = run.result!;
  assert.is(mBuffer, 4, 'm lives in a JS array of its own');
  assert.equal(numbers, want);
  assert.is(run.warnings.filter((w) => /wasm-unsafe-eval.*JS fallback/.test(w)).length, 1, run.warnings.join('\n'));
  assert.is(run.violations.length, 1, run.violations.join(', '));
  assert.match(run.violations[0], /^script-src wasm-eval/);
});

test.run();
