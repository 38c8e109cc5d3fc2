// The one list of op and training cases (test/_lib/backend_cases.ts, shared with
// test/backends.test.ts) run inside Chromium on each backend the browser has: each case compares
// the backend with the reference interpreter at its stated tolerance and fails when a kernel runs
// elsewhere than COVERAGE says (a silent fallback fails). The page runs the DSL and its JIT, so it
// is served without a CSP (the CSP pages are csp.test.ts and example_page.test.ts).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { CASES } from '../_lib/backend_cases.js';
import { browserSkipped, bundle, launchChromium, pageHtml, PUBLISH, REPO, runPage, serve, type SiteServer } from '../_lib/browser.js';
import { withFiles } from '../_lib/temp_dir.js';

/** What the page publishes per case (CaseResult, flattened to what the test reports). */
interface Outcome { name: string; status: 'pass' | 'fail' | 'skip'; failures: string[]; kernels: string[] }
interface CasesPage { backend: string; wasmUsable: boolean; outcomes: Outcome[] }

const ENTRY = `import { runCases } from ${JSON.stringify(join(REPO, 'test/_lib/backend_cases.ts'))};
import { wasmUsable } from ${JSON.stringify(join(REPO, 'codegen/backend.ts'))};
import { publish } from './publish.js';
const backend = new URLSearchParams(location.search).get('backend');
publish(async () => ({
  backend,
  wasmUsable: wasmUsable(),
  outcomes: (await runCases(backend)).map((r) => ({
    name: r.name, status: r.status, failures: [...r.failures], kernels: r.kernels.map((k) => k.name + '@' + k.runsOn),
  })),
}));
`;

let browser: Browser | undefined;
let server: SiteServer | undefined;

test.before(async () => {
  if (browserSkipped()) return;
  const code = await withFiles({ 'cases.js': ENTRY, 'publish.js': PUBLISH }, (dir) => bundle(join(dir, 'cases.js')));
  server = await serve({ files: { '/index.html': { body: pageHtml('cases.js') }, '/cases.js': { body: code } } });
  browser = await launchChromium();
});
test.after(async () => { await browser?.close(); await server?.close(); });

const report = (o: Outcome) => `${o.name}:\n  ${o.failures.join('\n  ')}\n  kernels: ${o.kernels.join(', ')}`;

for (const backend of ['js', 'wasm']) {
  test(`Chromium, ${backend}: every case of the shared list passes, its kernels where COVERAGE says`, async () => {
    if (!browser) return;
    const run = await runPage<CasesPage>(browser, `${server!.url}/?backend=${backend}`, { timeout: 60000 });
    assert.is(run.error, undefined, run.error);
    assert.equal(run.errors, []);
    const { outcomes } = run.result!;
    assert.equal(outcomes.map((o) => o.name), CASES.map((c) => c.name), 'every case ran, in order');
    const failed = outcomes.filter((o) => o.status === 'fail');
    assert.ok(failed.length === 0, failed.map(report).join('\n'));
    if (backend === 'wasm') {
      assert.ok(run.result!.wasmUsable, 'WebAssembly compiles in this page');
      const onWasm = outcomes.flatMap((o) => o.kernels).filter((k) => k.endsWith('@wasm'));
      assert.ok(onWasm.length >= 10, `kernels on wasm: ${onWasm.length}`);
    }
  });
}

test.run();
