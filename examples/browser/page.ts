// The example page: trains the two compiled models chunk by chunk, redrawing the loss curves,
// the fitted line and the decision regions between chunks, then predicts. Everything runs from
// this script (bundled by build.ts twice: app.js with the models compiled for the JS backend,
// app-gpu.js for the gpu backend on gpu.js's webgl2 mode; main.js loads one); when done it
// publishes its numbers as `window.__result` and sets `window.__done`, which the browser test
// reads. `?steps=N` shortens both trainings (the test's gpu run: SwiftShader is slow).
import { hospitalVisits, spiral } from './data.js';
import { fitSvg, lossSvg, regionsSvg } from './plot.js';
import { GRID, trainClassifier, type ClassifierResult } from './train_classifier.js';
import { ASK_TEMPS, trainLinreg, type LinregResult } from './train_linreg.js';

const BACKENDS = [
  { name: 'js', label: 'JS (compiled kernels)', session: {} },
  { name: 'gpu', label: 'GPU (gpu.js, WebGL2)', session: { gpu: { mode: 'webgl2' as const } } },
];

const $ = (id: string) => document.getElementById(id)!;
const nextTask = () => new Promise<void>((ok) => setTimeout(ok, 0));

/** Runs a training generator to its end, calling `draw` after every chunk and letting the page paint. */
async function drive<P, R>(gen: Generator<P, R>, draw: (p: P | R) => void): Promise<{ result: R; draws: number }> {
  let draws = 0;
  for (;;) {
    const r = gen.next();
    draw(r.value);
    draws++;
    if (r.done) return { result: r.value, draws };
    await nextTask();
  }
}

interface PageResult {
  backend: string;
  /** What the sessions ran on (sess.backendInfo of the gpu backend's sessions; null on js). */
  backendInfo: unknown;
  linreg: LinregResult & { draws: number };
  classifier: ClassifierResult & { draws: number };
}

async function run(backend: (typeof BACKENDS)[number], steps?: number): Promise<PageResult> {
  $('status').textContent = `training on ${backend.label}…`;
  const visits = hospitalVisits();
  const opts = (defaults: { steps: number; chunk: number }) => ({ session: backend.session, ...(steps ? { steps, chunk: Math.max(1, Math.round(steps * defaults.chunk / defaults.steps)) } : {}) });
  const lin = await drive(trainLinreg(visits, opts({ steps: 5000, chunk: 250 })), (p) => {
    $('linreg-loss').innerHTML = lossSvg(`training loss, step ${p.step}`, p.steps, p.losses);
    $('linreg-fit').innerHTML = fitSvg(visits, p.m, p.b);
  });
  const l = lin.result;
  $('linreg-result').textContent = `m = ${l.m.toFixed(2)}, b = ${l.b.toFixed(2)}, test loss ${l.testLoss.toFixed(1)}; ` +
    `predicted visits: ${ASK_TEMPS.map((t, i) => `${t} °F → ${l.predicted[i].toFixed(0)}`).join(', ')}`;
  const shown = spiral(100);
  const clf = await drive(trainClassifier(opts({ steps: 600, chunk: 50 })), (p) => {
    $('clf-loss').innerHTML = lossSvg(`cross-entropy, step ${p.step}`, p.steps, p.losses);
    $('clf-regions').innerHTML = regionsSvg(p.regions, GRID, shown.points.data, shown.classes);
  });
  const c = clf.result;
  $('clf-result').textContent = `accuracy: ${(100 * c.trainAccuracy).toFixed(1)} % on the training points, ` +
    `${(100 * c.testAccuracy).toFixed(1)} % on a fresh sample of the spiral`;
  $('status').textContent = 'done';
  return { backend: backend.name, backendInfo: c.backendInfo, linreg: { ...l, draws: lin.draws }, classifier: { ...c, draws: clf.draws } };
}

const params = new URLSearchParams(location.search);
const backend = BACKENDS.find((b) => b.name === params.get('backend')) ?? BACKENDS[0];
const steps = Number(params.get('steps')) || undefined;
const select = $('backend') as HTMLSelectElement;
for (const b of BACKENDS) select.add(new Option(b.label, b.name, false, b === backend));
select.addEventListener('change', () => { location.search = `?backend=${select.value}`; });
$('again').addEventListener('click', () => { void run(backend, steps); });

const w = window as unknown as { __result?: PageResult; __error?: string; __done?: boolean };
run(backend, steps).then((r) => { w.__result = r; }, (e: Error) => {
  w.__error = String(e.stack ?? e);
  $('status').textContent = `failed: ${e.message}`;
}).finally(() => { w.__done = true; });
