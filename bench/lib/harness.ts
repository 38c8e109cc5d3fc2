// Measuring loop: every engine of a column is set up and warmed, then sampled in rounds
// (one sample per engine per round, the order rotating), so a noisy machine slows all
// engines of a column alike and the ratios between them hold.

export interface Runner {
  /** Runs `reps` units of work (a step, a call, or a whole training run, per workload). */
  run(reps: number): void;
  /** Untimed preparation before each sample (e.g. switching tfjs's backend). */
  before?(): void | Promise<void>;
  /** A line for the checks section: the mode an engine really used, final values, max error. */
  note?(): string | undefined;
  dispose?(): void | Promise<void>;
}

export interface EngineCell {
  engine: string;
  /** Builds the graph / kernels / data and checks the result once; returns a runner, or a reason to skip. */
  make(): Runner | string | Promise<Runner | string>;
}

export interface Column {
  workload: string;
  /** Column header, e.g. 'W3 4M'. */
  label: string;
  unit: string;
  higherIsBetter: boolean;
  /** Converts milliseconds per unit of work into the reported figure. */
  metric(msPerUnit: number): number;
  engines: EngineCell[];
  /**
   * For a tfgen-only column measuring the same work with the fetch structure and feeds hoisted out
   * of the loop: the label of the column written in the seed's idiom (fresh literals each step).
   */
  hoistedOf?: string;
}

export interface Budget {
  /** Samples per engine at most. */
  maxSamples: number;
  /** Samples per engine at least, unless `hardMs` runs out. */
  minSamples: number;
  /** Stop sampling an engine once its samples have taken this long (and minSamples are in). */
  budgetMs: number;
  /** Stop sampling an engine after this long, whatever minSamples says. */
  hardMs: number;
  /** Warm-up time per engine before any sample. */
  warmupMs: number;
  /** Target duration of one sample; short units are repeated to reach it. */
  sampleMs: number;
}

export interface CellResult {
  engine: string;
  column: Column;
  status: 'ok' | 'skipped' | 'failed';
  reason?: string;
  values: number[];
  reps: number;
  note?: string;
}

export interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
}

export function stats(values: readonly number[]): Stats {
  const s = [...values].sort((a, b) => a - b);
  const q = (p: number): number => {
    const pos = (s.length - 1) * p;
    const lo = Math.floor(pos), hi = Math.ceil(pos);
    return s[lo] + (s[hi] - s[lo]) * (pos - lo);
  };
  return { n: s.length, median: q(0.5), min: s[0], max: s[s.length - 1], q1: q(0.25), q3: q(0.75) };
}

/** Keeps results observable so V8 cannot drop the work that produced them. */
export let sink = 0;
export function consume(v: number): void {
  sink += v;
}

const now = (): number => performance.now();

interface Live {
  result: CellResult;
  runner: Runner;
  reps: number;
  spent: number;
  done: boolean;
}

function errorText(e: unknown): string {
  const msg = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
  return msg.split('\n')[0].slice(0, 200);
}

/** Sets up, warms and samples every engine of one column; returns one result per engine. */
export async function measureColumn(col: Column, budget: Budget, log: (s: string) => void): Promise<CellResult[]> {
  const results: CellResult[] = [];
  const live: Live[] = [];
  for (const cell of col.engines) {
    const result: CellResult = { engine: cell.engine, column: col, status: 'ok', values: [], reps: 1 };
    results.push(result);
    let made: Runner | string;
    try {
      made = await cell.make();
    } catch (e) {
      result.status = 'failed';
      result.reason = errorText(e);
      log(`  ${cell.engine}: setup failed: ${result.reason}`);
      continue;
    }
    if (typeof made === 'string') {
      result.status = 'skipped';
      result.reason = made;
      log(`  ${cell.engine}: skipped (${made})`);
      continue;
    }
    live.push({ result, runner: made, reps: 1, spent: 0, done: false });
  }

  // why: warm every engine (JIT tiers, tfjs kernel caches, wasm instantiation) and size its samples.
  for (const l of live) {
    try {
      let reps = 1, warm = 0, perUnit = Infinity;
      for (;;) {
        await l.runner.before?.();
        const t0 = now();
        l.runner.run(reps);
        const dt = now() - t0;
        warm += dt;
        perUnit = dt / reps;
        if (warm >= budget.warmupMs || dt >= budget.budgetMs) break;
        reps = Math.min(reps * 4, Math.max(1, Math.ceil(budget.sampleMs / Math.max(perUnit, 1e-6))));
      }
      l.reps = Math.max(1, Math.round(budget.sampleMs / Math.max(perUnit, 1e-6)));
      l.result.reps = l.reps;
    } catch (e) {
      fail(l, e, log);
    }
  }

  for (let round = 0; live.some((l) => !l.done); round++) {
    const order = live.map((_, i) => live[(i + round) % live.length]);
    for (const l of order) {
      if (l.done) continue;
      try {
        await l.runner.before?.();
        const t0 = now();
        l.runner.run(l.reps);
        const dt = now() - t0;
        l.spent += dt;
        l.result.values.push(col.metric(dt / l.reps));
      } catch (e) {
        fail(l, e, log);
        continue;
      }
      const n = l.result.values.length;
      l.done = n >= budget.maxSamples || l.spent >= budget.hardMs
        || (n >= budget.minSamples && l.spent >= budget.budgetMs);
    }
  }

  for (const l of live) {
    try {
      l.result.note = l.runner.note?.();
    } catch (e) {
      l.result.note = `note failed: ${errorText(e)}`;
    }
    try {
      await l.runner.dispose?.();
    } catch {
      // why: a failed dispose must not lose the measurements already taken.
    }
    if (l.result.status === 'ok') {
      const s = stats(l.result.values);
      const spread = `${fmt(s.min)}–${fmt(s.max)}, n=${s.n}, ${l.reps} per sample`;
      log(`  ${l.result.engine}: ${fmt(s.median)} ${col.unit} (${spread})`);
    }
  }
  return results;
}

function fail(l: Live, e: unknown, log: (s: string) => void): void {
  l.done = true;
  l.result.status = 'failed';
  l.result.reason = errorText(e);
  log(`  ${l.result.engine}: failed: ${l.result.reason}`);
}

/** Three significant digits, no exponent for the usual ranges. */
export function fmt(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  if (a >= 1) return v.toFixed(2);
  if (a >= 0.01) return v.toFixed(3);
  if (a === 0) return '0';
  return v.toPrecision(2);
}
