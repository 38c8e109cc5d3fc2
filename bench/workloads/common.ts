// What every workload file gets: the loaded anchors, the run's options, and helpers that
// wrap an engine's setup into a harness cell.
import * as tf from '../../src/index.js';
import type { EngineCell, Runner } from '../lib/harness.js';
import { useBackend, type Tfjs, type TfjsInfo } from '../lib/tfjs_loader.js';

export type GpuJs = typeof import('gpu.js');

export const TFGEN = 'tfgen';
/** tfgen with `backend: 'wasm'` (workloads whose kernels it covers). */
export const TFGEN_WASM = 'tfgen wasm';
/** tfgen wasm with the inputs as variables, resident in the plan's wasm memory (data already on the backend). */
export const TFGEN_WASM_RESIDENT = 'tfgen wasm, inputs resident';
export const HAND = 'hand-written JS';
export const GPUJS = 'gpu.js';
export const tfjsName = (backend: string): string => `tfjs ${backend}`;
/** Row order of the tables. */
export const ENGINES = [TFGEN, TFGEN_WASM, TFGEN_WASM_RESIDENT, tfjsName('cpu'), tfjsName('wasm'), GPUJS, HAND];

export interface Ctx {
  quick: boolean;
  tfjs: TfjsInfo | null;
  tfjsError?: string;
  gpu: GpuJs | null;
  gpuError?: string;
  /** Passed to `new tf.Session({executor})` when given on the command line. */
  executor?: string;
  /** What tfgen's sessions report they run with (filled in by `tfgenSession`). */
  executorSeen: Set<string>;
  /** Plan kinds seen in tfgen's cells, when sessions can tell (filled in by `planKind`). */
  plansSeen: Set<'compiled' | 'interpreted'>;
}

/** A session on `graph` through the public API; records the executor it says it uses. */
export function tfgenSession(ctx: Ctx, graph: tf.Graph, backend?: tf.SessionOptions['backend']): tf.Session {
  const opts: tf.SessionOptions = backend ? { graph, backend } : { graph };
  if (ctx.executor) (opts as { executor?: string }).executor = ctx.executor;
  const sess = new tf.Session(opts);
  ctx.executorSeen.add(executorOf(sess));
  return sess;
}

/** The executor a session runs with: its `executor` field when it has one, else the interpreter. */
export function executorOf(sess: tf.Session): string {
  const s = sess as unknown as { executor?: unknown; options?: { executor?: unknown } };
  const e = s.executor ?? s.options?.executor;
  return typeof e === 'string' ? e : 'interpreter';
}

/**
 * Whether the session runs these fetches/feeds with a compiled plan, when it can tell
 * (through its internal `_planFor` probe); '' when it cannot.
 */
export function planKind(ctx: Ctx, sess: tf.Session, fetches: tf.Fetches, feeds?: tf.FeedDict): string {
  const probe = (sess as unknown as { _planFor?: (f: tf.Fetches, d?: tf.FeedDict) => unknown })._planFor;
  if (typeof probe !== 'function') return '';
  let compiled: boolean;
  try {
    compiled = Boolean(probe.call(sess, fetches, feeds));
  } catch {
    return '';
  }
  ctx.plansSeen.add(compiled ? 'compiled' : 'interpreted');
  return compiled ? 'compiled plan' : 'interpreted (no compiled plan for this signature)';
}

/** The tfgen row's label: the executor its sessions reported, and how their plans really ran. */
export function tfgenLabel(ctx: Ctx): string {
  const ex = ctx.executorSeen.size ? [...ctx.executorSeen].join(', ') : ctx.executor ?? 'interpreter';
  const p = ctx.plansSeen;
  if (!p.size || !p.has('interpreted') || ex === 'interpreter') return `tfgen (${ex})`;
  return `tfgen (${ex} executor; ${p.has('compiled') ? 'some' : 'all'} plans interpreted)`;
}

/** Prefixes a tfgen check note with the plan kind. */
export const withPlan = (kind: string, note: string): string => (kind ? `${kind}; ${note}` : note);

/** The `tf.nn` namespace when this build has it (its ops are being added). */
export interface NnApi {
  relu(x: tf.Tensor): tf.Tensor;
  softmaxCrossEntropyWithLogits(args: { labels: tf.Tensor; logits: tf.Tensor }): tf.Tensor;
}
export function tfgenNn(): NnApi | string {
  const nn = (tf as unknown as { nn?: Partial<NnApi> }).nn;
  if (!nn?.relu || !nn.softmaxCrossEntropyWithLogits) {
    return 'tf.nn.relu / tf.nn.softmaxCrossEntropyWithLogits not in this build yet';
  }
  return nn as NnApi;
}

/** One cell per tfjs backend; each sample first makes its backend the active one. */
export function tfjsCells(
  ctx: Ctx,
  make: (t: Tfjs, backend: string) => Runner | string | Promise<Runner | string>,
): EngineCell[] {
  return ['cpu', 'wasm'].map((backend) => ({
    engine: tfjsName(backend),
    async make(): Promise<Runner | string> {
      if (!ctx.tfjs) return `tfjs did not load: ${ctx.tfjsError ?? 'unknown error'}`;
      const t = ctx.tfjs.tf;
      if (!ctx.tfjs.backends.includes(backend)) return `backend '${backend}' did not initialise`;
      await useBackend(t, backend);
      const r = await make(t, backend);
      if (typeof r === 'string') return r;
      return {
        ...r,
        run: (reps) => r.run(reps),
        async before() {
          await useBackend(t, backend);
          await r.before?.();
        },
        async dispose() {
          await useBackend(t, backend);
          await r.dispose?.();
        },
      };
    },
  }));
}

/** The mode a gpu.js kernel really ran in (after any silent fallback). */
export function gpuKernelMode(kernel: unknown, gpu: { mode?: unknown }): string {
  type Shortcut = { kernel?: { constructor: { mode?: string } }; fallbackRequested?: boolean; fallbackReason?: string };
  const k = kernel as Shortcut;
  const mode = k.kernel?.constructor.mode ?? String(gpu.mode);
  return k.fallbackRequested ? `${mode} (fell back: ${k.fallbackReason})` : mode;
}

/** Largest |x − y| over two arrays of the same length. */
export function maxAbsDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]));
  return m;
}

/** Largest |x − y| / (1 + |y|). */
export function maxRelDiff(x: ArrayLike<number>, y: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]) / (1 + Math.abs(y[i])));
  return m;
}
