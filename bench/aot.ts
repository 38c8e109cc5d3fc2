// The ahead-of-time targets, side by side with their anchors in one script (npm run bench:aot):
// browser bundle sizes (compiled linear regression vs tfjs-core + cpu, full and custom Mul+Add
// builds; an MLP classifier's predict code and weights), cold start of a fresh Node process,
// the cost of one compiled predict against a hand-written function, and `tfgen compile` wall
// time per example. Writes bench/aot.md (included in bench/README.md by full runs).
import { build, type Plugin } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describeMachine } from './lib/machine.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repo = dirname(benchDir);
const work = join(benchDir, '.cache', 'aot');
const quick = process.argv.includes('--quick');
const lines: string[] = [];
const say = (s = '') => { console.log(s); lines.push(s); };

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
writeFileSync(join(work, 'package.json'), '{"type":"module"}\n');

const LINREG = `import * as tf from 'tfgen';
export const X = tf.placeholder(tf.float32, [null], 'X');
const m = new tf.Variable(1.2388, { name: 'm' });
const b = new tf.Variable(7.4462, { name: 'b' });
export const predict = tf.signature({ inputs: { X }, outputs: { sold: X.mul(m).add(b) } });
`;
/** 784-256-256-10 relu, softmax and argmax (the classes) out: the MNIST-sized classifier of the targets. */
const MLP = `import * as tf from 'tfgen';
export const X = tf.placeholder(tf.float32, [null, 784], 'X');
const dense = (x: tf.Tensor, n: number, units: number, seed: number) => {
  const W = new tf.Variable(tf.truncatedNormal([n, units], { stddev: 0.05, seed }), { name: \`W\${seed}\` });
  const b = new tf.Variable(tf.zeros([units]), { name: \`b\${seed}\` });
  return tf.matmul(x, W).add(b);
};
const h1 = tf.nn.relu(dense(X, 784, 256, 1));
const h2 = tf.nn.relu(dense(h1, 256, 256, 2));
const logits = dense(h2, 256, 10, 3);
export const predict = tf.signature({ inputs: { X }, outputs: { probs: tf.nn.softmax(logits), classes: tf.argmax(logits, 1) } });
`;
writeFileSync(join(work, 'linreg.tf.ts'), LINREG);
writeFileSync(join(work, 'mlp.tf.ts'), MLP);

// why: this machine is shared, so a child's wall time includes waiting for a core; its CPU time
// (user + system, printed by a preloaded hook at exit) is reported beside it.
const CPU_HOOK = join(work, 'cpu_report.mjs');
writeFileSync(CPU_HOOK, "process.on('exit', () => { const u = process.cpuUsage(); process.stderr.write(`\\n__cpu ${(u.user + u.system) / 1000}\\n`); });\n");
interface Timing { wall: number; cpu: number }
const timed = (args: string[]): Timing => {
  const t = performance.now();
  const r = spawnSync(process.execPath, ['--import', pathToFileURL(CPU_HOOK).href, ...args], { cwd: repo, encoding: 'utf8' });
  const wallMs = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} failed:\n${r.stderr}`);
  return { wall: wallMs, cpu: Number(/__cpu ([\d.]+)/.exec(r.stderr)![1]) };
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const medianTiming = (ts: Timing[]): Timing => ({ wall: median(ts.map((t) => t.wall)), cpu: median(ts.map((t) => t.cpu)) });

// the CLI as an installed package runs it: from dist/ (built here first), no TypeScript loader
execFileSync(process.execPath, [join(repo, 'scripts', 'build.mjs')], { cwd: repo, stdio: 'pipe' });
const CLI = join(work, 'tfgen_dist.mjs');
writeFileSync(CLI, `const m = await import(${JSON.stringify(pathToFileURL(join(repo, 'dist', 'codegen', 'aot', 'cli.js')).href)});\nprocess.exitCode = await m.main(process.argv.slice(2));\n`);

// ---- compile time (also produces the modules measured below)
const compileTimes: [string, Timing][] = [];
for (const [name, args] of [
  ['linreg (standalone, --skip-typecheck)', ['compile', join(work, 'linreg.tf.ts'), '--standalone', '--skip-typecheck', '--out-dir', join(work, 'out')]],
  ['linreg (standalone)', ['compile', join(work, 'linreg.tf.ts'), '--standalone', '--out-dir', join(work, 'out')]],
  ['mlp 784-256-256-10 (standalone)', ['compile', join(work, 'mlp.tf.ts'), '--standalone', '--out-dir', join(work, 'out')]],
  ['examples/linreg + train.ts call sites', ['compile', 'examples/linreg/linreg.tf.ts', 'examples/linreg/train.ts', '--out-dir', join(work, 'ex')]],
] as const) {
  compileTimes.push([name, medianTiming(Array.from({ length: quick ? 1 : 3 }, () => timed([CLI, ...args])))]);
}

// ---- bundles
const gz = (code: string) => gzipSync(code, { level: 9 }).length;
async function bundle(entry: string, contents: string, platform: 'browser' | 'node', plugins: Plugin[] = []): Promise<string> {
  const file = join(work, entry);
  writeFileSync(file, contents);
  // why: tfjs-core's Node paths call require('util'), which an ESM bundle lacks (same banner for both).
  const banner = platform === 'node' ? { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" } : undefined;
  const r = await build({ entryPoints: [file], bundle: true, minify: true, format: 'esm', platform, write: false, logLevel: 'error', plugins, absWorkingDir: repo, banner,
    // why: tfjs's ESM build, as a bundler user gets it (its 'main' is CommonJS, a second tfjs-core).
    mainFields: ['module', 'main'] });
  return r.outputFiles[0].text;
}
const LINREG_APP = `import { predict } from './out/linreg.js';
console.log(predict({ X: new Float32Array([72]) }).sold.data[0]);
`;
const TFJS_APP = `import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
const m = tf.scalar(1.2388), b = tf.scalar(7.4462);
console.log(tf.add(tf.mul(tf.tensor1d([72]), m), b).dataSync()[0]);
`;
const TFJS_CUSTOM_APP = `import { registerBackend, registerKernel, scalar, tensor1d, add, mul } from '@tensorflow/tfjs-core/dist/base';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu/dist/base';
import { multiplyConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Multiply';
import { addConfig } from '@tensorflow/tfjs-backend-cpu/dist/kernels/Add';
registerBackend('cpu', () => new MathBackendCPU(), 1);
registerKernel(multiplyConfig);
registerKernel(addConfig);
const m = scalar(1.2388), b = scalar(7.4462);
console.log(add(mul(tensor1d([72]), m), b).dataSync()[0]);
`;
const MLP_APP = `import { predict } from './out/mlp.js';
const x = new Float32Array(784).fill(0.5);
console.log(predict({ X: x }).probs.data[0]);
`;
const sizes: [string, string, number][] = [];
const linregBrowser = await bundle('app_linreg.mjs', LINREG_APP, 'browser');
sizes.push(['tfgen: compiled linear regression (standalone)', 'predict', gz(linregBrowser)]);
const tfjsBrowser = await bundle('app_tfjs.mjs', TFJS_APP, 'browser');
sizes.push(['tfjs-core + cpu backend (anchor)', 'mul + add', gz(tfjsBrowser)]);
const customBrowser = await bundle('app_tfjs_custom.mjs', TFJS_CUSTOM_APP, 'browser');
sizes.push(['tfjs-core + cpu, custom build: Mul and Add kernels only (anchor)', 'mul + add', gz(customBrowser)]);
const mlpBrowser = await bundle('app_mlp.mjs', MLP_APP, 'browser');
const mlpWeights = statSync(join(work, 'out', 'mlp.weights.bin')).size;
sizes.push(['tfgen: compiled MLP 784-256-256-10 predict (code; weights in the sidecar)', 'predict', gz(mlpBrowser)]);

// ---- cold start: a new Node process imports the module and predicts once
writeFileSync(join(work, 'cold_tfgen.mjs'), await bundle('cold_tfgen_src.mjs', LINREG_APP, 'node'));
writeFileSync(join(work, 'cold_tfjs.mjs'), await bundle('cold_tfjs_src.mjs', TFJS_APP, 'node'));
writeFileSync(join(work, 'cold_empty.mjs'), 'console.log(0);\n');
const cold: Record<string, Timing[]> = { tfgen: [], tfjs: [], empty: [] };
for (let i = 0; i < (quick ? 3 : 11); i++) {
  for (const k of ['tfgen', 'tfjs', 'empty'] as const) cold[k].push(timed([join(work, `cold_${k}.mjs`)]));
}

// ---- one predict on one sample vs a hand-written function (same process)
const mod = await import(pathToFileURL(join(work, 'out', 'linreg.js')).href);
const x = new Float32Array([72]);
const mv = Math.fround(1.2388), bv = Math.fround(7.4462);
const hand = (X: Float32Array) => {
  const out = new Float32Array(1);
  out[0] = Math.fround(X[0] * mv) + bv;
  return { sold: out };
};
if (mod.predict({ X: x }).sold.data[0] !== hand(x).sold[0]) throw new Error('compiled and hand-written predictions differ');
// why: every result is kept (as an app keeps what it predicts), so neither side's allocation can be optimised away.
const kept: unknown[] = new Array(1024);
const perCall = (f: () => unknown) => {
  const n = quick ? 100_000 : 1_000_000;
  for (let i = 0; i < n / 10; i++) kept[i & 1023] = f();
  const samples: number[] = [];
  for (let s = 0; s < (quick ? 3 : 7); s++) {
    const t = performance.now();
    for (let i = 0; i < n; i++) kept[i & 1023] = f();
    samples.push(((performance.now() - t) * 1e6) / n);
  }
  return median(samples);
};
let nsTfgen = 0, nsHand = 0;
for (let round = 0; round < 3; round++) {
  nsTfgen = perCall(() => mod.predict({ X: x }));
  nsHand = perCall(() => hand(x));
}

const m = describeMachine();
say('# Ahead of time: sizes and times (bench/aot.ts)');
say();
say(`Measured ${m.date} on ${m.cpu} (${m.cores}), Node ${m.node}, commit ${m.commit}; a machine shared with other work, so times are medians.`);
say();
say('| bundle (esbuild --minify, then gzip -9) | does | bytes gzip |');
say('|---|---|---|');
for (const [what, does, n] of sizes) say(`| ${what} | ${does} | ${n.toLocaleString('en')} (${(n / 1024).toFixed(1)} KiB) |`);
say(`| MLP weights (sidecar .bin, raw float32) | | ${mlpWeights.toLocaleString('en')} (not gzipped) |`);
say();
say(`Targets: compiled linear-regression app ≤ 2 KB (${sizes[0][2]} B: ${(sizes[1][2] / sizes[0][2]).toFixed(0)}× smaller than tfjs-core + cpu, ${(sizes[2][2] / sizes[0][2]).toFixed(0)}× smaller than its custom build); MLP predict code ≤ 5 KB (${sizes[3][2]} B).`);
say();
say('| cold start: `node app.mjs` (import the bundled module, predict once, print) | CPU ms (median) | wall ms (median) |');
say('|---|---|---|');
const c = Object.fromEntries(Object.entries(cold).map(([k, v]) => [k, medianTiming(v)]));
const row = (k: string, label: string) => say(`| ${label} | ${c[k].cpu.toFixed(0)} | ${c[k].wall.toFixed(0)} |`);
row('tfgen', 'tfgen standalone module (linear regression)');
row('tfjs', 'tfjs-core + cpu (anchor)');
row('empty', 'an empty script (Node itself)');
const ownT = c.tfgen.cpu - c.empty.cpu, ownJ = c.tfjs.cpu - c.empty.cpu;
say();
say(`Target ≤ 1/5 of tfjs-core's: beyond Node's own start (CPU time), tfgen takes ${ownT.toFixed(1)} ms and tfjs-core ${ownJ.toFixed(1)} ms (${(ownT / ownJ).toFixed(2)} of it); whole processes ${(c.tfgen.cpu / c.tfjs.cpu).toFixed(2)} of it.`);
say();
say('| one predict on one sample (same process) | ns per call |');
say('|---|---|');
say(`| compiled linear regression \`predict({X})\` (standalone) | ${nsTfgen.toFixed(0)} |`);
say(`| hand-written \`x·m + b\` into a new Float32Array (anchor) | ${nsHand.toFixed(0)} |`);
say();
say(`Target ≤ 3× the hand-written function: ${(nsTfgen / nsHand).toFixed(1)}×.`);
say();
say('| `tfgen compile` (a new process running dist/, as installed) | CPU ms (median) | wall ms (median) |');
say('|---|---|---|');
for (const [name, t] of compileTimes) say(`| ${name} | ${t.cpu.toFixed(0)} | ${t.wall.toFixed(0)} |`);
say();
say('Target ≤ 2 s per example (wall includes waiting for a core on this shared machine). Most of the CPU time is');
say('TypeScript: loading it and type-checking the model file (skipped by `--skip-typecheck`, loaded only then or for call sites).');
if (!quick) writeFileSync(join(benchDir, 'aot.md'), lines.join('\n') + '\n');
