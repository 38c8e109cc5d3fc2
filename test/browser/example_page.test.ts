// examples/browser in Chromium, served with the strict CSP: the page trains the seed's linear
// regression to the Node tutorial's numbers (In [74], bit for bit) and the MLP classifier to the
// numbers of the same compiled code run in Node, draws its charts as it trains, predicts, and
// raises no CSP violation or console error. Switched to the gpu backend (gpu.js webgl2 on
// SwiftShader, so a shortened run: ?steps=150) it gives the JS backend's numbers within float32
// rounding, its sessions reporting WebGL2Kernel.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { buildExample } from '../../examples/browser/build.js';
import type { ClassifierResult, trainClassifier } from '../../examples/browser/train_classifier.js';
import type { LinregResult, trainLinreg } from '../../examples/browser/train_linreg.js';
import { main as tutorial, type TutorialResult } from '../../examples/tutorial.js';
import { browserSuite, launchChromium, runPage, serve, STRICT_CSP, type PageRun, type SiteServer } from '../_lib/browser.js';
import { withFiles } from '../_lib/temp_dir.js';

interface PageResult {
  backend: string;
  backendInfo: unknown;
  linreg: LinregResult & { draws: number };
  classifier: ClassifierResult & { draws: number };
}
interface Drawn { status: string; fitLines: number; lossCurves: number; regions: number; linregText: string }

const finish = <R>(g: Generator<unknown, R>): R => {
  for (;;) {
    const r = g.next();
    if (r.done) return r.value;
  }
};

let browser: Browser | undefined;
let server: SiteServer | undefined;
let page: PageRun<PageResult> | undefined;
let drawn: Drawn | undefined;
let node: { linreg: LinregResult; classifier: ClassifierResult } | undefined;
/** The gpu page's short run, and the JS backend's numbers for the same steps in Node. */
const GPU_STEPS = 150;
let gpuPage: PageRun<PageResult> | undefined;
let nodeShort: { linreg: LinregResult; classifier: ClassifierResult } | undefined;
let seed: TutorialResult | undefined;
let bytes = { js: 0, gpu: 0 };

const ready = browserSuite(test, async () => {
  await withFiles({ 'package.json': '{"type":"module"}' }, async (dir) => {
    bytes = await buildExample(dir, { node: true });
    const lin = await import(pathToFileURL(join(dir, 'train_linreg.js')).href) as { trainLinreg: typeof trainLinreg };
    const clf = await import(pathToFileURL(join(dir, 'train_classifier.js')).href) as { trainClassifier: typeof trainClassifier };
    node = { linreg: finish(lin.trainLinreg()), classifier: finish(clf.trainClassifier()) };
    nodeShort = { linreg: finish(lin.trainLinreg(undefined, { steps: GPU_STEPS })), classifier: finish(clf.trainClassifier({ steps: GPU_STEPS })) };
    seed = tutorial({ print: () => {}, outDir: dir });
    server = await serve({ dir, headers: () => ({ 'content-security-policy': STRICT_CSP }) });
    browser = await launchChromium();
    page = await runPage<PageResult>(browser!, `${server.url}/`, { keep: true, timeout: 30000 });
    drawn = await page.page.evaluate(() => ({
      status: document.getElementById('status')!.textContent!,
      fitLines: document.querySelectorAll('#linreg-fit line.fit').length,
      lossCurves: document.querySelectorAll('#linreg-loss polyline.loss, #clf-loss polyline.loss').length,
      regions: document.querySelectorAll('#clf-regions rect.region').length,
      linregText: document.getElementById('linreg-result')!.textContent!,
    }));
    await page.page.context().close();
    gpuPage = await runPage<PageResult>(browser!, `${server.url}/?backend=gpu&steps=${GPU_STEPS}`, { timeout: 60000 });
  });
}, async () => { await browser?.close(); await server?.close(); });

test('the page ran under the strict CSP: no violation, no console error, no page error', () => {
  if (!ready()) return;
  assert.is(page!.error, undefined);
  assert.equal(page!.violations, []);
  assert.equal(page!.errors, []);
  assert.is(page!.result!.backend, 'js');
  assert.is(page!.result!.backendInfo, null);
  assert.ok(bytes.js < 200_000, `app.js is ${bytes.js} bytes (compiled plans and the runtime only)`);
});

test('linear regression: the tutorial\'s In [74] numbers, bit for bit, and the loss falls as it trains', () => {
  if (!ready()) return;
  const r = page!.result!.linreg;
  assert.equal([r.m, r.b, r.testLoss], [seed!.m, seed!.b, seed!.testLoss]);
  assert.equal(r.losses, node!.linreg.losses);
  assert.is(r.losses.length, 100);
  assert.ok(r.losses[99] < r.losses[0] / 40, `training loss ${r.losses[0]} → ${r.losses[99]}`);
  // the notebook's fit on its own random data: m = -99.76, b = 729.2, test loss 11160.68
  assert.ok(r.m > -110 && r.m < -90 && r.b > 690 && r.b < 760, `m=${r.m} b=${r.b}`);
});

test('linear regression predicts the fitted line at 30, 55 and 80 °F', () => {
  if (!ready()) return;
  const r = page!.result!.linreg;
  assert.equal(r.predicted, node!.linreg.predicted);
  // visits = b + m·(t − mean)/std with the data's mean ≈ 55 and std ≈ 20: about 1000 − 5·t
  for (const [i, t] of [30, 55, 80].entries()) assert.ok(Math.abs(r.predicted[i] - (1000 - 5 * t)) < 40, `${t} °F → ${r.predicted[i]}`);
  assert.match(drawn!.linregText, /m = -96\.32, b = 720\.12, test loss 8688\.3/);
});

test('MLP classifier: the numbers of the same compiled code in Node, loss falling, accurate on fresh points', () => {
  if (!ready()) return;
  const c = page!.result!.classifier;
  const { draws, ...rest } = c;
  assert.equal(rest, node!.classifier);
  assert.ok(c.losses[c.losses.length - 1] < c.losses[0] / 20, `loss ${c.losses[0]} → ${c.losses[c.losses.length - 1]}`);
  assert.ok(c.trainAccuracy >= 0.95 && c.testAccuracy >= 0.95, `accuracy ${c.trainAccuracy} / ${c.testAccuracy}`);
  assert.equal([...new Set(c.regions)].sort(), [0, 1, 2]);
  assert.is(draws, 12);
});

test('the charts were drawn as it trained and show the end state', () => {
  if (!ready()) return;
  assert.is(page!.result!.linreg.draws, 20, 'one redraw per 250 steps');
  assert.equal(drawn, { ...drawn!, status: 'done', fitLines: 1, lossCurves: 2, regions: 40 * 40 });
});

/** |got − want| ≤ rtol·|want| elementwise, with the first offender in the message. */
function near(what: string, got: readonly number[], want: readonly number[], rtol: number) {
  assert.is(got.length, want.length, `${what}: length`);
  const i = got.findIndex((g, k) => !(Math.abs(g - want[k]) <= rtol * Math.abs(want[k])));
  assert.ok(i < 0, `${what}[${i}]: gpu ${got[i]}, js ${want[i]}`);
}

test('the gpu switch: under the same CSP the page trains on gpu.js webgl2 (WebGL2Kernel), float32-close to the JS backend', () => {
  if (!ready()) return;
  const run = gpuPage!;
  assert.is(run.error, undefined, run.error);
  assert.equal(run.violations, []);
  assert.equal(run.errors, []);
  const r = run.result!, want = nodeShort!;
  assert.is(r.backend, 'gpu');
  const info = { backend: 'gpu', mode: 'webgl2', kernelClass: 'WebGL2Kernel', precision: 'single' };
  assert.equal([r.backendInfo, r.linreg.backendInfo], [info, info]);
  // why: float32 on the device, sums in another order: a few ulps per step (codegen/README.md, "Precision")
  near('linreg losses', r.linreg.losses, want.linreg.losses, 1e-5);
  near('linreg m, b, test loss, predictions', [r.linreg.m, r.linreg.b, r.linreg.testLoss, ...r.linreg.predicted],
    [want.linreg.m, want.linreg.b, want.linreg.testLoss, ...want.linreg.predicted], 1e-5);
  near('classifier losses', r.classifier.losses, want.classifier.losses, 1e-3);
  assert.ok(Math.abs(r.classifier.trainAccuracy - want.classifier.trainAccuracy) <= 0.01, `accuracy ${r.classifier.trainAccuracy} vs ${want.classifier.trainAccuracy}`);
  const differ = r.classifier.regions.filter((k, i) => k !== want.classifier.regions[i]).length;
  assert.ok(differ <= 16, `${differ} of 1600 region cells differ`);
});

test.run();
