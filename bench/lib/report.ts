// Turns the measurements into markdown: the figures table, speed ratios against each anchor,
// the issue's targets, every cell's samples, the result checks and what was skipped.
import { fmt, stats, type CellResult, type Column } from './harness.js';
import type { Machine } from './machine.js';

export interface Target {
  workload: string;
  /** 'each': every column of the workload; 'largest': its last (largest) column only. */
  which: 'each' | 'largest';
  anchor: string;
  /** Required speed ratio tfgen ÷ anchor. */
  atLeast: number;
  /** The tfgen row measured (default: the main tfgen row, RunInfo.tfgenEngine). */
  engine?: string;
  /** Where the target comes from (default: the compiler issue). */
  from?: string;
}

export interface RunInfo {
  machine: Machine;
  quick: boolean;
  argv: string[];
  budget: string;
  tfgenEngine: string;
  /** Executors tfgen's sessions reported. */
  executors: string;
  engineRows: string[];
  rowLabels: Record<string, string>;
  anchorModes: string[];
  targets: Target[];
  /** A fresh fetch literal (the seed's idiom) may cost at most this many times the hoisted structure. */
  idiomAtMost: number;
  totalSeconds: number;
  /** The machine's load around the run (other work on it skews absolute figures). */
  load: string;
}

type Cells = Map<string, Map<Column, CellResult>>;

function index(results: CellResult[]): Cells {
  const m: Cells = new Map();
  for (const r of results) {
    if (!m.has(r.engine)) m.set(r.engine, new Map());
    m.get(r.engine)!.set(r.column, r);
  }
  return m;
}

function median(r: CellResult | undefined): number | null {
  return r && r.status === 'ok' && r.values.length ? stats(r.values).median : null;
}

/** Speed of tfgen relative to `anchor` in one column (> 1: tfgen faster), or null. */
function speedRatio(cells: Cells, col: Column, tfgen: string, anchor: string): number | null {
  const t = median(cells.get(tfgen)?.get(col)), a = median(cells.get(anchor)?.get(col));
  if (t === null || a === null || t === 0 || a === 0) return null;
  return col.higherIsBetter ? t / a : a / t;
}

function ratioText(x: number | null): string {
  if (x === null) return '–';
  return `${x >= 10 ? x.toFixed(0) : x >= 1 ? x.toFixed(1) : x.toPrecision(2)}×`;
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

function header(cols: string[]): string {
  return `${row(cols)}\n${row(cols.map(() => '---'))}`;
}

export function figuresTable(results: CellResult[], columns: Column[], info: RunInfo): string {
  const cells = index(results);
  const lines = [header(['engine', ...columns.map((c) => `${c.label} (${c.unit})`)])];
  for (const engine of info.engineRows) {
    const byCol = cells.get(engine);
    const out = columns.map((c) => {
      const r = byCol?.get(c);
      if (!r) return '–';
      if (r.status !== 'ok') return r.status;
      const s = stats(r.values);
      return `**${fmt(s.median)}** (${fmt(s.min)}–${fmt(s.max)})`;
    });
    lines.push(row([info.rowLabels[engine] ?? engine, ...out]));
  }
  return lines.join('\n');
}

export function ratioTable(results: CellResult[], columns: Column[], info: RunInfo): string {
  const cells = index(results);
  const lines = [header(['tfgen ÷ anchor (speed)', ...columns.map((c) => c.label)])];
  for (const anchor of info.engineRows) {
    if (anchor === info.tfgenEngine) continue;
    const ratios = columns.map((c) => speedRatio(cells, c, info.tfgenEngine, anchor));
    if (ratios.every((r) => r === null)) continue;
    lines.push(row([`vs ${info.rowLabels[anchor] ?? anchor}`, ...ratios.map(ratioText)]));
  }
  return lines.join('\n');
}

export function targetsTable(results: CellResult[], columns: Column[], info: RunInfo): string {
  const cells = index(results);
  const lines = [header(['target (from the compiler issue unless said)', 'column', 'measured', 'status'])];
  for (const t of info.targets) {
    const cols = columns.filter((c) => c.workload === t.workload && !c.hoistedOf);
    const chosen = t.which === 'largest' ? cols.slice(-1) : cols;
    for (const c of chosen) {
      const r = speedRatio(cells, c, t.engine ?? info.tfgenEngine, t.anchor);
      const pct = Math.round(t.atLeast * 100);
      const who = t.engine ? `${info.rowLabels[t.engine] ?? t.engine} ` : '';
      const goal = `${who}${t.atLeast >= 1 ? `≥ ${t.atLeast}× ${t.anchor}` : `≥ ${pct}% of ${t.anchor}`}${t.from ? ` (${t.from})` : ''}`;
      let status: string;
      if (r === null) status = 'not measured';
      else if (r >= t.atLeast) status = 'met';
      else if (r / t.atLeast >= 0.1) status = `missed: at ${Math.round((100 * r) / t.atLeast)}% of the goal`;
      else status = `missed: ${fmt(t.atLeast / r)}× short of the goal`;
      lines.push(row([`${t.workload}: ${goal}`, c.label, ratioText(r), status]));
    }
  }
  for (const h of columns.filter((c) => c.hoistedOf)) {
    const fresh = columns.find((c) => c.label === h.hoistedOf);
    const f = fresh && median(cells.get(info.tfgenEngine)?.get(fresh)), hv = median(cells.get(info.tfgenEngine)?.get(h));
    // why: a cost ratio (fresh time ÷ hoisted time), so lower is better here.
    const r = f == null || hv === null || hv === 0 ? null : h.higherIsBetter ? hv / f : f / hv;
    const status = r === null ? 'not measured' : r <= info.idiomAtMost ? 'met' : `missed: ${fmt(r / info.idiomAtMost)}× over`;
    lines.push(row([`${h.workload}: fresh literals ≤ ${info.idiomAtMost}× the hoisted cost`, `${h.hoistedOf} ÷ ${h.label}`, ratioText(r), status]));
  }
  return lines.join('\n');
}

export function detailsTable(results: CellResult[]): string {
  const lines = [header(['column', 'engine', 'samples', 'units per sample', 'median', 'min', 'q1', 'q3', 'max', 'unit'])];
  for (const r of results) {
    if (r.status !== 'ok') continue;
    const s = stats(r.values);
    const figures = [s.median, s.min, s.q1, s.q3, s.max].map(fmt);
    lines.push(row([r.column.label, r.engine, String(s.n), String(r.reps), ...figures, r.column.unit]));
  }
  return lines.join('\n');
}

export function checksList(results: CellResult[]): string {
  return results
    .filter((r) => r.note)
    .map((r) => `- ${r.column.label}, ${r.engine}: ${r.note}`)
    .join('\n');
}

export function skippedList(results: CellResult[]): string {
  const out = results
    .filter((r) => r.status !== 'ok')
    .map((r) => `- ${r.column.label}, ${r.engine}: ${r.status} — ${r.reason}`);
  return out.length ? out.join('\n') : '- nothing';
}

export function machineList(m: Machine): string {
  return [
    `- CPU: ${m.cpu}, ${m.cores}; ${m.memoryGiB} GiB RAM; ${m.os}`,
    `- Node ${m.node}, V8 ${m.v8}`,
    `- packages: ${Object.entries(m.packages).map(([k, v]) => `${k} ${v}`).join(', ')}`,
    `- tfgen commit ${m.commit}; measured ${m.date}`,
  ].join('\n');
}

export function readme(results: CellResult[], columns: Column[], info: RunInfo): string {
  return `# Benchmarks

tfgen against the engines a user would pick instead, measured side by side in one process.
This file is written by \`npm run bench\` (the figures below are from its last full run);
change the text in \`bench/lib/report.ts\`, not here.

\`\`\`
npm run bench                 # full run (a few minutes), rewrites this file
npm run bench -- --quick      # small sizes, few samples; writes bench/.cache/quick.md instead
npm run bench -- --only=W1,W4 # some workloads only (does not rewrite this file)
npm run bench -- --executor=NAME   # passed to new tf.Session({executor})
npm run bench:gpu             # the gpu backend on headless-gl (Node, under Xvfb): bench/gpu.md
npm run bench:browser         # W3–W5 in Chromium: js, wasm, gpu (webgl2, webgl, webgpu), tfjs, gpu.js: bench/gpu.md
\`\`\`

## Workloads (same semantics in every engine)
- **W1** one gradient-descent step on loss = x² (x = 5, lr 0.1): tfgen \`sess.run({x, loss, train})\` with a fresh
  object literal each step, as the seed writes it (column *W1 hoisted*: the same structure made once, outside the loop);
  tfjs \`train.sgd(0.1).minimize(() => x.square(), true)\` reading the loss; by hand a \`Float32Array(1)\`. µs per step.
- **W2** the seed notebook's linear regression: 1000 seeded samples, the first 800 in batches of 100,
  5000 SGD steps (lr 0.0005, loss = mean squared difference), feeding X and y and fetching train op, loss, m, b
  every step; variables reset before each run. tfgen as the seed writes it: a fresh
  \`sess.run([train, loss, m, b], new Map([[X, xs.subarray(a, b)], [y, ys.subarray(a, b)]]))\` each step (fresh fetch
  list, fresh feed Map, fresh batch views); column *W2 hoisted*: the fetch list and one Map per batch made once.
  ms for the whole run.
- **W3** \`sqrt(a*a + b*b)*c + d\` on n float32 elements, the result returned to JS
  (tfgen: placeholders fed plain Float32Arrays in a fresh feed Map each run, fetched with \`reuseOutputs\` so the result is
  a view of the plan's own output buffer; the wasm backend copies each feed into wasm memory per run; row *tfgen wasm,
  inputs resident*: a, b, c, d are variables loaded once, kept in the plan's wasm memory, no copy per run — the data
  already on the backend, as tfjs's uploaded tensors; tfjs: inputs uploaded once, \`tidy\` + \`dataSync\`; gpu.js: a kernel
  with its output pinned; by hand: one loop into a preallocated output). GB/s = 5 arrays × 4 bytes × n / time.
- **W4** float32 matmul n×n (tfgen: placeholders a, b → \`tf.matmul\`; by hand: 4×4 register tile).
  GFLOP/s = 2n³ / time.
- **W5** one SGD step (lr 0.1) of an MLP 784-128-10, relu, mean softmax cross-entropy, batch 64 fed every step,
  seeded data and weights shared by all engines. ms per step.

## Method
- tfgen is measured only through its public API (\`import * as tf from '../src/index.js'\`), so these figures move
  when its executor changes. Executor its sessions reported in this run: **${info.executors}** (the Checks say,
  per cell, whether a compiled plan ran, when the session can tell).
- All engines of a column are set up, checked against each other (see Checks) and warmed up, then sampled in
  rounds, one sample per engine per round with the order rotating, so load on this shared machine hits them alike.
  A sample repeats the unit of work until it lasts about the target sample time. Figures: **median** (min–max) over
  the samples; the details table has the quartiles. Ratios are speeds: tfgen ÷ anchor, above 1 means tfgen is faster.
- The machine is shared with other work (see the load average below): absolute figures move with it. The *hoisted*
  columns are sampled after their seed-idiom column, not interleaved with it, so their ratio also carries the change
  of load between the two moments.
- Budget per engine and column: ${info.budget}.
- No forced \`gc()\` (it throws away V8's compiled code); buffers and inputs are made once per column.
- TensorFlow.js is loaded as a bundler user gets it: tfjs-core's ESM build with its gradients registered, bundled with
  the backends by esbuild into \`bench/.cache\` (its Node entry has no gradients).
${info.anchorModes.map((s) => `- ${s}`).join('\n')}

## Machine
${machineList(info.machine)}
- run: \`${['bench/run.ts', ...info.argv].join(' ')}\`, ${info.quick ? 'quick' : 'full'} mode, \
${info.totalSeconds.toFixed(0)} s in all; ${info.load}

## Figures
${figuresTable(results, columns, info)}

## Speed ratios
${ratioTable(results, columns, info)}

## Targets
${targetsTable(results, columns, info)}

## Checks (results agree across engines)
${checksList(results)}

## Skipped or failed
${skippedList(results)}

## All cells
${detailsTable(results)}
`;
}
