// The one list of op and training cases (test/_lib/backend_cases.ts, shared with
// test/backends.test.ts) run inside Chromium on each backend the browser has: js, wasm, and the
// gpu backend on gpu.js's webgl2, webgl and webgpu modes (SwiftShader: Chromium's software GPU).
// Each case compares the backend with the reference interpreter at its stated tolerance and fails
// when a kernel runs elsewhere than COVERAGE says; on gpu the session must also report the gpu.js
// kernel class of the mode asked for, so a silent fallback fails. The page runs the DSL and its
// JIT, so it is served without a CSP (the CSP pages are csp*.test.ts and example_page.test.ts).
// TFGEN_BROWSER_TABLE=1 prints the table of backends × cases (status, kernels off JS, worst ulps
// and absolute difference).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { CASES } from '../_lib/backend_cases.js';
import { readFileSync } from 'node:fs';
import { browserSuite, bundle, launchChromium, PUBLISH, REPO, runPage, serve, type SiteServer } from '../_lib/browser.js';
import { withFiles } from '../_lib/temp_dir.js';

/** What the page publishes per case (CaseResult, flattened to what the test reports). */
interface Outcome { name: string; status: 'pass' | 'fail' | 'skip'; failures: string[]; kernels: string[]; worst: { ulps: number; abs: number } }
interface CasesPage { backend: string; wasmUsable: boolean; webgpuAdapter: boolean; backendInfo: { mode?: string; kernelClass?: string } | null; outcomes: Outcome[] }

/** The gpu.js kernel class each mode must report (sess.backendInfo.kernelClass). */
const KERNEL_CLASS: Record<string, string> = { webgl2: 'WebGL2Kernel', webgl: 'WebGLKernel', webgpu: 'WebGPUKernel' };

const ENTRY = `import { runCases } from ${JSON.stringify(join(REPO, 'test/_lib/backend_cases.ts'))};
import { wasmUsable } from ${JSON.stringify(join(REPO, 'codegen/backend.ts'))};
import * as tf from ${JSON.stringify(join(REPO, 'src/index.ts'))};
import { publish } from './publish.js';
const q = new URLSearchParams(location.search);
const backend = q.get('backend'), mode = q.get('mode'), kernelClass = q.get('class');
const opts = backend !== 'gpu' ? {} : {
  sessionOptions: { gpu: { mode } },
  async: mode === 'webgpu',
  checkSession: (s) => {
    const info = s.backendInfo;
    return info.mode === mode && info.kernelClass === kernelClass ? undefined : 'the session runs ' + JSON.stringify(info) + ', not ' + mode + ' / ' + kernelClass;
  },
};
publish(async () => ({
  backend,
  wasmUsable: wasmUsable(),
  webgpuAdapter: !!(navigator.gpu && await navigator.gpu.requestAdapter()),
  backendInfo: backend === 'gpu' ? new tf.Session({ graph: new tf.Graph(), backend, gpu: { mode } }).backendInfo : null,
  outcomes: (await runCases(backend, opts)).map((r) => ({
    name: r.name, status: r.status, failures: [...r.failures], kernels: r.kernels.map((k) => k.name + '@' + k.runsOn), worst: r.worst,
  })),
}));
`;

let browser: Browser | undefined;
let server: SiteServer | undefined;

const ready = browserSuite(test, async () => {
  const code = await withFiles({ 'cases.js': ENTRY, 'publish.js': PUBLISH }, (dir) => bundle(join(dir, 'cases.js')));
  // why: gpu.js's browser build as a classic script (a global GPU), as a page ships it
  const page = '<!doctype html>\n<meta charset="utf-8">\n<script src="gpu-browser.min.js"></script>\n<script type="module" src="cases.js"></script>\n';
  server = await serve({ files: {
    '/index.html': { body: page }, '/cases.js': { body: code },
    '/gpu-browser.min.js': { body: readFileSync(join(REPO, 'node_modules/gpu.js/dist/gpu-browser.min.js')) },
  } });
  browser = await launchChromium();
}, async () => { await browser?.close(); await server?.close(); });

const report = (o: Outcome) => `${o.name}:\n  ${o.failures.join('\n  ')}\n  kernels: ${o.kernels.join(', ')}`;

const RUNS = [
  { backend: 'js', query: 'backend=js' }, { backend: 'wasm', query: 'backend=wasm' },
  ...['webgl2', 'webgl', 'webgpu'].map((mode) => ({ backend: `gpu (${mode})`, query: `backend=gpu&mode=${mode}&class=${KERNEL_CLASS[mode]}` })),
];

for (const { backend, query } of RUNS) {
  test(`Chromium, ${backend}: every case of the shared list passes, its kernels where COVERAGE says`, async () => {
    if (!ready()) return;
    const run = await runPage<CasesPage>(browser!, `${server!.url}/?${query}`, { timeout: 120000 });
    assert.is(run.error, undefined, run.error);
    assert.equal(run.errors, []);
    const { outcomes } = run.result!;
    assert.equal(outcomes.map((o) => o.name), CASES.map((c) => c.name), 'every case ran, in order');
    const mode = new URLSearchParams(query).get('mode');
    if (mode) assert.equal(run.result!.backendInfo, { backend: 'gpu', mode, kernelClass: KERNEL_CLASS[mode], precision: 'single' });
    if (mode === 'webgpu') assert.ok(run.result!.webgpuAdapter, 'Chromium has a WebGPU adapter (the flag --enable-unsafe-webgpu)');
    if (process.env.TFGEN_BROWSER_TABLE) for (const o of outcomes) console.log(`| ${backend} | ${o.name} | ${o.status} | ${o.kernels.filter((k) => !k.endsWith('@js')).length}/${o.kernels.length} | ${o.worst.ulps} | ${o.worst.abs.toExponential(1)} |`);
    const failed = outcomes.filter((o) => o.status === 'fail');
    assert.ok(failed.length === 0, failed.map(report).join('\n'));
    const own = backend.startsWith('gpu') ? '@gpu' : `@${backend}`;
    const onBackend = outcomes.flatMap((o) => o.kernels).filter((k) => k.endsWith(own));
    if (backend !== 'js') assert.ok(onBackend.length >= 10, `kernels on ${backend}: ${onBackend.length}`);
    if (backend === 'wasm') assert.ok(run.result!.wasmUsable, 'WebAssembly compiles in this page');
  });
}

test.run();
