// W3–W5 in Debian's Chromium: tfgen's js, wasm and gpu backends (gpu.js webgl2, webgl, webgpu on
// SwiftShader here) beside tfjs-core's cpu and wasm backends and gpu.js's own kernels in the same
// mode. `npm run bench:browser`: bundles bench/browser/page.ts with esbuild, serves it (and
// gpu.js's browser build, tfjs's .wasm files) on 127.0.0.1, and loads it once per group
// (cpu, webgl2, webgl, webgpu); the page runs the workloads from its own script and publishes its
// figures, which this side prints as markdown and writes to bench/.cache/browser.md. Short runs
// (4 rounds of ~80 ms samples per cell): not a test, figures move with the machine's load.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { bundle, launchChromium, REPO, runPage, serve } from '../test/_lib/browser.js';
import type { PageResult, Row } from './browser/page.js';
import { describeMachine } from './lib/machine.js';

const GROUPS = (process.argv.find((a) => a.startsWith('--groups='))?.slice(9) ?? 'cpu,webgl2,webgl,webgpu').split(',');
const OUT = join(REPO, 'bench/.cache/browser.md');

const t0 = Date.now(), load0 = loadavg()[0];
const machine = describeMachine();
const code = await bundle(join(REPO, 'bench/browser/page.ts'));
const wasmDir = join(REPO, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
const wasmFiles = Object.fromEntries(['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']
  .map((f) => [`/tfjs-wasm/${f}`, { body: readFileSync(join(wasmDir, f)) }]));
// why: gpu.js's browser build as a classic script (a global GPU), as a page ships it
const html = '<!doctype html>\n<meta charset="utf-8">\n<title>tfgen bench</title>\n<script src="gpu-browser.min.js"></script>\n<script type="module" src="page.js"></script>\n';
const server = await serve({ files: {
  '/index.html': { body: html }, '/page.js': { body: code },
  '/gpu-browser.min.js': { body: readFileSync(join(REPO, 'node_modules/gpu.js/dist/gpu-browser.min.js')) }, ...wasmFiles,
} });
const browser = await launchChromium();
const version = browser.version();
const results: PageResult[] = [];
const failures: string[] = [];
try {
  for (const group of GROUPS) {
    const run = await runPage<PageResult>(browser, `${server.url}/?group=${group}`, { timeout: 240000 });
    if (run.error || !run.result) { failures.push(`${group}: ${run.error ?? 'no result'}`); continue; }
    if (run.errors.length) failures.push(`${group}: console errors: ${run.errors.join(' | ')}`);
    results.push(run.result);
    console.error(`${group}: ${(run.result.ms / 1000).toFixed(1)} s in the page`);
  }
} finally {
  await browser.close().catch(() => {});
  await server.close();
}

// ---- the tables ----
const ENGINES = ['tfgen js', 'tfgen wasm', 'tfjs cpu', 'tfjs wasm'];
const GPU_GROUPS = results.filter((r) => r.group !== 'cpu');
const columns = [...ENGINES.map((e) => ({ group: 'cpu', engine: e, title: e })),
  ...GPU_GROUPS.flatMap((r) => ['tfgen gpu', 'gpu.js'].map((e) => ({ group: r.group, engine: e, title: `${e === 'tfgen gpu' ? 'tfgen' : 'gpu.js'} ${r.group}` })))];
const works = [...new Set(results.flatMap((r) => r.rows.map((w) => w.work)))];
const cellOf = (group: string, engine: string, work: string) =>
  results.find((r) => r.group === group)?.rows.find((w: Row) => w.work === work)?.cells[engine];
const fmt = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2));
const lines: string[] = [];
const out = (s = '') => lines.push(s);

out(`Chromium ${version} (headless, SwiftShader), ${machine.cpu} (${machine.cores}), ${machine.os}; commit ${machine.commit}; measured ${machine.date};`);
out(`${((Date.now() - t0) / 1000).toFixed(0)} s in all; load average (1 min) ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end.`);
const info = results[0]?.info ?? {};
out(`WebGL renderer: ${info.webglRenderer ?? '?'}; WebGPU adapter: ${info.webgpuAdapter ?? '?'}; tfjs wasm: ${results.find((r) => r.group === 'cpu')?.info.tfjsWasm ?? '?'}.`);
out();
out(`| workload (ms per run, median) | ${columns.map((c) => c.title).join(' | ')} |`);
out(`| --- | ${columns.map(() => '---').join(' | ')} |`);
for (const w of works) {
  out(`| ${w} | ${columns.map((c) => { const x = cellOf(c.group, c.engine, w); return x?.ms !== undefined ? fmt(x.ms) : x?.error ? 'failed' : '–'; }).join(' | ')} |`);
}
out();
const ratioCols: { title: string; num: [string, string]; den: [string, string] }[] = [
  { title: 'tfgen wasm ÷ tfgen js', num: ['cpu', 'tfgen wasm'], den: ['cpu', 'tfgen js'] },
  { title: 'tfgen js vs tfjs cpu', num: ['cpu', 'tfgen js'], den: ['cpu', 'tfjs cpu'] },
  { title: 'tfgen wasm vs tfjs wasm', num: ['cpu', 'tfgen wasm'], den: ['cpu', 'tfjs wasm'] },
  ...GPU_GROUPS.flatMap((r) => [
    { title: `tfgen ${r.group} vs gpu.js ${r.group}`, num: [r.group, 'tfgen gpu'] as [string, string], den: [r.group, 'gpu.js'] as [string, string] },
    { title: `tfgen ${r.group} vs tfgen js`, num: [r.group, 'tfgen gpu'] as [string, string], den: ['cpu', 'tfgen js'] as [string, string] },
  ]),
];
out(`| speed ratio (above 1: the first is faster) | ${ratioCols.map((c) => c.title).join(' | ')} |`);
out(`| --- | ${ratioCols.map(() => '---').join(' | ')} |`);
for (const w of works) {
  out(`| ${w} | ${ratioCols.map((c) => {
    const a = cellOf(c.num[0], c.num[1], w)?.ms, b = cellOf(c.den[0], c.den[1], w)?.ms;
    if (a === undefined || b === undefined) return '–';
    const r = b / a;
    return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(1) : r.toFixed(2)}×`;
  }).join(' | ')} |`);
}
for (const r of GPU_GROUPS) {
  out();
  out(`Per-call costs, ${r.group}:`);
  for (const l of r.overheads) out(`- ${l}`);
}
out();
out('Checks (what each cell asserted or compared):');
for (const r of results) for (const w of r.rows) for (const [e, c] of Object.entries(w.cells)) {
  out(`- ${r.group === 'cpu' ? '' : `${r.group}, `}${w.work}, ${e}: ${c.error ? `FAILED: ${c.error}` : `${c.note} (${c.samples} samples)`}`);
}
for (const f of failures) out(`- FAILED: ${f}`);

const text = lines.join('\n');
console.log(text);
mkdirSync(join(REPO, 'bench/.cache'), { recursive: true });
writeFileSync(OUT, `${text}\n`);
console.error(`written to bench/.cache/browser.md`);
if (failures.length || results.some((r) => r.rows.some((w) => Object.values(w.cells).some((c) => c.error)))) process.exitCode = 1;
