// `npm run bench [-- --quick] [-- --only=W1,W3] [-- --executor=NAME]`: runs W1–W5 for tfgen and
// the anchors in one process, prints the tables and (full runs) rewrites bench/README.md.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { measureColumn, type Budget, type CellResult, type Column } from './lib/harness.js';
import { describeMachine } from './lib/machine.js';
import { figuresTable, ratioTable, readme, targetsTable, type RunInfo, type Target } from './lib/report.js';
import { loadTfjs } from './lib/tfjs_loader.js';
import { ENGINES, GPUJS, HAND, TFGEN, TFGEN_WASM, TFGEN_WASM_RESIDENT, tfgenLabel, tfjsName, type Ctx, type GpuJs } from './workloads/common.js';
import { w1Columns } from './workloads/w1_descent.js';
import { w2Columns } from './workloads/w2_linreg.js';
import { w3Columns } from './workloads/w3_fused.js';
import { w4Columns } from './workloads/w4_matmul.js';
import { w5Columns } from './workloads/w5_mlp.js';

const benchDir = dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const flag = (name: string): string | undefined => {
  const hit = argv.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return hit === undefined ? undefined : hit.includes('=') ? hit.slice(hit.indexOf('=') + 1) : '';
};
const quick = flag('quick') !== undefined;
const only = flag('only')?.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean);
const executor = flag('executor') || undefined;

const budget: Budget = quick
  ? { maxSamples: 3, minSamples: 2, budgetMs: 600, hardMs: 3000, warmupMs: 100, sampleMs: 20 }
  : { maxSamples: 15, minSamples: 3, budgetMs: 3000, hardMs: 10000, warmupMs: 400, sampleMs: 50 };

const targets: Target[] = [
  { workload: 'W1', which: 'each', anchor: tfjsName('cpu'), atLeast: 30 },
  { workload: 'W2', which: 'each', anchor: tfjsName('cpu'), atLeast: 100 },
  { workload: 'W2', which: 'each', anchor: tfjsName('wasm'), atLeast: 100 },
  { workload: 'W3', which: 'each', anchor: HAND, atLeast: 0.9 },
  { workload: 'W3', which: 'largest', anchor: tfjsName('wasm'), atLeast: 4 },
  { workload: 'W3', which: 'largest', anchor: tfjsName('cpu'), atLeast: 20 },
  { workload: 'W4', which: 'each', anchor: HAND, atLeast: 0.9 },
  { workload: 'W5', which: 'each', anchor: tfjsName('cpu'), atLeast: 2 },
  // The wasm issue's W3 targets, for the code users write (fresh feeds) and for inputs resident in wasm memory.
  ...[TFGEN_WASM, TFGEN_WASM_RESIDENT].flatMap((engine): Target[] => [
    { workload: 'W3', which: 'each', anchor: tfjsName('wasm'), atLeast: 5, engine, from: 'wasm issue' },
    { workload: 'W3', which: 'each', anchor: TFGEN, atLeast: 5, engine, from: 'wasm issue' },
  ]),
  // The wasm issue's tiny-run rule: the wasm backend at most 2× the JS backend's time on W1/W2.
  { workload: 'W1', which: 'each', anchor: TFGEN, atLeast: 0.5, engine: TFGEN_WASM, from: 'wasm issue' },
  { workload: 'W2', which: 'each', anchor: TFGEN, atLeast: 0.5, engine: TFGEN_WASM, from: 'wasm issue' },
  // The wasm issue's matmul and MLP targets (the 35 GFLOP/s floor is in the W4 figures).
  { workload: 'W4', which: 'each', anchor: tfjsName('wasm'), atLeast: 1.2, engine: TFGEN_WASM, from: 'wasm issue' },
  { workload: 'W5', which: 'each', anchor: tfjsName('wasm'), atLeast: 2, engine: TFGEN_WASM, from: 'wasm issue' },
];

const log = (s: string): void => {
  process.stderr.write(s + '\n');
};

function loadGpu(ctx: Ctx): void {
  try {
    ctx.gpu = createRequire(import.meta.url)('gpu.js') as GpuJs;
  } catch (e) {
    ctx.gpuError = e instanceof Error ? e.message.split('\n')[0] : String(e);
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const loadStart = os.loadavg()[0];
  const machine = describeMachine();
  log(`tfgen bench (${quick ? 'quick' : 'full'}): ${machine.cpu}, ${machine.cores}, Node ${machine.node}`);
  const ctx: Ctx = { quick, tfjs: null, gpu: null, executor, executorSeen: new Set(), plansSeen: new Set() };
  try {
    ctx.tfjs = await loadTfjs();
    const kib = ctx.tfjs.bundleKiB.toFixed(0);
    log(`tfjs: backends ${ctx.tfjs.backends.join(', ')} (bundle ${kib} KiB)`);
  } catch (e) {
    ctx.tfjsError = e instanceof Error ? e.message.split('\n')[0] : String(e);
    log(`tfjs did not load: ${ctx.tfjsError}`);
  }
  loadGpu(ctx);

  const workloads: [string, (c: Ctx) => Column[]][] = [
    ['W1', w1Columns], ['W2', w2Columns], ['W3', w3Columns], ['W4', w4Columns], ['W5', w5Columns],
  ];
  const columns: Column[] = [];
  const results: CellResult[] = [];
  for (const [name, define] of workloads) {
    if (only && !only.includes(name)) continue;
    for (const col of define(ctx)) {
      log(`${col.label} (${col.unit}):`);
      columns.push(col);
      results.push(...(await measureColumn(col, budget, log)));
    }
  }

  const seen = [...ctx.executorSeen];
  const gpuMode = ((): string => {
    if (!ctx.gpu) return 'not loaded';
    const g = new ctx.gpu.GPU();
    const mode = String(g.mode);
    g.destroy();
    return mode;
  })();
  const info: RunInfo = {
    machine,
    quick,
    argv,
    budget: `at most ${budget.maxSamples} samples, at least ${budget.minSamples} unless ${budget.hardMs / 1000} s pass; `
      + `stop after ${budget.budgetMs / 1000} s of samples; ${budget.warmupMs} ms warm-up; `
      + `samples of about ${budget.sampleMs} ms`,
    tfgenEngine: TFGEN,
    executors: seen.length ? seen.join(', ') : executor ?? 'interpreter',
    engineRows: ENGINES,
    rowLabels: {
      [TFGEN]: tfgenLabel(ctx),
      [tfjsName('cpu')]: 'tfjs cpu',
      [tfjsName('wasm')]: 'tfjs wasm',
      [GPUJS]: `gpu.js (${gpuMode})`,
      [HAND]: HAND,
    },
    anchorModes: [
      ...(ctx.tfjs
        ? Object.entries(ctx.tfjs.modes).map(([b, m]) => `tfjs ${b}: ${m}.`)
        : [`tfjs: not loaded (${ctx.tfjsError}).`]),
      ctx.gpu
        ? `gpu.js picks mode '${gpuMode}' here (no headless-gl in Node); a sync call runs on 1 thread and `
          + 'copies inputs into wasm memory and the output out on every call.'
        : `gpu.js: not loaded (${ctx.gpuError}).`,
    ],
    targets,
    idiomAtMost: 1.5,
    totalSeconds: (performance.now() - t0) / 1000,
    load: `load average (1 min) ${loadStart.toFixed(1)} at the start, ${os.loadavg()[0].toFixed(1)} at the end`,
  };

  const out = [
    figuresTable(results, columns, info),
    '',
    ratioTable(results, columns, info),
    '',
    targetsTable(results, columns, info),
  ].join('\n');
  process.stdout.write(`\n${out}\n`);

  const text = readme(results, columns, info);
  if (quick || only) {
    mkdirSync(join(benchDir, '.cache'), { recursive: true });
    const file = join(benchDir, '.cache', quick ? 'quick.md' : 'partial.md');
    writeFileSync(file, text);
    log(`\nwrote ${file.slice(dirname(benchDir).length + 1)} (bench/README.md is rewritten by full runs only)`);
  } else {
    // why: the ahead-of-time figures come from their own script (bench/aot.ts); a full run keeps them.
    const aot = existsSync(join(benchDir, 'aot.md')) ? `\n${readFileSync(join(benchDir, 'aot.md'), 'utf8').replace(/^# /, '## ')}` : '';
    writeFileSync(join(benchDir, 'README.md'), text + aot);
    log('\nwrote bench/README.md');
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
