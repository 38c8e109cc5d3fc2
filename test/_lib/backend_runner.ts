// The runner of the backend case list (backend_cases.ts): each case on a backend's session and on
// the reference interpreter, every fetched value compared at the case's tolerance for the
// backend's class, and every expected kernel checked against COVERAGE: a kernel runs on the
// backend exactly when the backend covers all it needs. Results are plain data (JSON-able), so a
// browser page can hand them to the test that drives it. No node: imports.
import * as tf from '../../src/index.js';
import { toleranceDiff, type Tolerance, type Worst } from './tolerance.js';
import { WASM_ALL } from './wasm_all.js';

/** What a kernel needs from a backend to run there (COVERAGE lists them per backend). */
export const CAPABILITIES = [
  'f32-arith', // float32 add sub mul div min max neg abs sqrt floor ceil reciprocal relu copy
  'f32-round', // float32 round (half to even)
  'f32-math', // float32 exp log tanh sigmoid rsqrt sign
  'f32-log1p-expm1',
  'f32-sin-cos',
  'f32-pow',
  'compare', // float32 compares giving a bool result
  'select', // where over float32 values (its condition a compare in the same kernel)
  'cast', // casts between float32, int32 and bool
  'int32', // int32 elementwise arithmetic
  'float64', // float64 anything
  'bcast-rowcol', // inputs broadcast along the rows or the columns of a 2-d space
  'bcast-nd', // other broadcasts (3-d)
  'sum-full', // a float32 sum or mean of all elements
  'sum-partial', // a float32 sum or mean over some axes
  'max-min', // reduceMax, reduceMin
  'prod', // reduceProd
  'argmax', // argmax, argmin
  'matmul',
  'matmul-epilogue', // elementwise ops fused into the matmul's store
  'movement', // transpose, slice, concat, pad
  'gather', // gather (int32 indices)
  'dims-scalar', // reads a scalar computed from run-time dims (a mean's count over a fed batch)
] as const;
export type Capability = (typeof CAPABILITIES)[number];

/** A backend class: cases state their tolerances per class ('js' is always exact). */
export type BackendClass = 'js' | 'wasm' | 'gpu';

/** What a backend covers today: the `runsOn` its own kernels report, and the capabilities. */
export interface Coverage { readonly runsOn: string; readonly covers: ReadonlySet<Capability> }

/**
 * What each backend runs itself today (update as coverage grows: a kernel that runs on a backend
 * without being listed here fails the tests as surely as one that falls back).
 */
export const COVERAGE: Readonly<Record<string, Coverage>> = {
  js: { runsOn: 'js', covers: new Set(CAPABILITIES) },
  // codegen/README.md "The wasm backend": float32 elementwise chains over contiguous inputs or
  // row/column broadcasts of a 2-d space (transcendentals and pow within 1 ulp), float32 sum, mean, max, min
  // and prod of all elements or over the last or leading axes, float32 matmul with its epilogue;
  // compares, where, casts between float32, int32 and bool, int32 add sub mul min max abs neg
  // floorDiv mod, scalars from run-time dims, argmax and argmin of float32.
  wasm: { runsOn: 'wasm', covers: new Set<Capability>(['f32-arith', 'f32-round', 'f32-math', 'f32-log1p-expm1', 'bcast-rowcol', 'sum-full', 'sum-partial', 'max-min', 'prod', 'matmul', 'matmul-epilogue',
    'f32-pow', 'compare', 'select', 'cast', 'int32', 'dims-scalar', 'argmax']) },
  // codegen/README.md "The gpu backend": float32 elementwise chains (not pow) over any broadcast,
  // where on floats, reductions over any axes, matmul with its epilogue, float32 transpose, slice,
  // concat and pad, compares (bool results), casts among float32, int32 and bool, and scalars from
  // run-time dims, argmax and argmin; int32 arithmetic, other int64 results and gather stay in JS.
  gpu: { runsOn: 'gpu', covers: new Set<Capability>(['f32-arith', 'f32-round', 'f32-math', 'f32-log1p-expm1', 'f32-sin-cos', 'select', 'bcast-rowcol', 'bcast-nd', 'sum-full', 'sum-partial', 'max-min', 'prod', 'matmul', 'matmul-epilogue', 'dims-scalar', 'movement', 'compare', 'cast', 'argmax']) },
};

/** A case's tolerance on a backend class, or why the case is skipped there. */
export type CaseTolerance = Tolerance | { readonly skip: string };

/** One run of a case: fetches and feeds, executed in order on both sessions (every value compared). */
export interface CaseRun {
  readonly fetches: readonly (tf.Tensor | tf.Operation | tf.Variable)[];
  readonly feeds?: Map<tf.Tensor, tf.NDArray>;
}

/** Every kernel that holds `op` (and is of `kind`, when given) needs these capabilities. */
export interface KernelExpectation {
  readonly op: tf.Tensor | tf.Operation;
  readonly kind?: string;
  readonly needs: readonly Capability[];
}

export interface BuiltCase {
  readonly runs: readonly CaseRun[];
  readonly kernels: readonly KernelExpectation[];
  /** A hand-computed check of the backend's values of the last run: a message when wrong. */
  readonly check?: (values: readonly unknown[]) => string | undefined;
  /** Groups of run indices that must share one compiled plan (run-time dims: one plan for every batch size). */
  readonly samePlan?: readonly (readonly number[])[];
}

export interface BackendCase {
  readonly name: string;
  readonly family: 'elementwise' | 'broadcast' | 'reduce' | 'matmul' | 'softmax' | 'compare-cast' | 'movement' | 'gradient' | 'training';
  /** The tolerance on each backend class but js (exact); exact anyway while every kernel of the case runs in JS. */
  readonly tolerance: { readonly wasm: CaseTolerance; readonly gpu: CaseTolerance };
  /** Builds the case's graph (called with a fresh graph as the default). */
  readonly build: () => BuiltCase;
}

export interface RunCasesOptions {
  /** Merged into each backend session's options, e.g. `{gpu: {mode: 'headlessgl'}}`. */
  readonly sessionOptions?: Record<string, unknown>;
  /** Run with `sess.runAsync` (a backend without synchronous readback, e.g. WebGPU). */
  readonly async?: boolean;
  readonly filter?: (c: BackendCase) => boolean;
  /** The tolerance class (default: the backend's name if it is a class, else 'gpu'). */
  readonly backendClass?: BackendClass;
  /** What the backend covers (default COVERAGE[backend]). */
  readonly coverage?: Coverage;
  /** Checks each backend session after its case ran (e.g. the gpu.js kernel class asked for): a failure message or undefined. */
  readonly checkSession?: (sess: tf.Session) => string | undefined;
}

export interface KernelResult { readonly name: string; readonly kind: string; readonly ops: readonly string[]; readonly runsOn: string; readonly fallback?: string }

export interface CaseResult {
  readonly name: string;
  readonly family: string;
  readonly backend: string;
  readonly status: 'pass' | 'fail' | 'skip';
  /** Why it failed (empty when it passed) or was skipped. */
  readonly failures: readonly string[];
  /** The tolerance the values were held to ('exact' while no kernel ran off JS). */
  readonly tolerance: Tolerance | null;
  /** The largest differences accepted by the tolerance. */
  readonly worst: Worst;
  /** Every kernel of the case's plans and where it ran. */
  readonly kernels: readonly KernelResult[];
  /** The kernel expectations checked: the op, what its kernels need, where they ran. */
  readonly expected: readonly { readonly op: string; readonly needs: readonly Capability[]; readonly runsOn: readonly string[] }[];
}

const classOf = (backend: string): BackendClass => (backend === 'js' || backend === 'wasm' ? backend : 'gpu');
const opName = (t: tf.Tensor | tf.Operation | tf.Variable) => (t instanceof tf.Operation ? t.name : t.op.name);

type PlanKernel = { name: string; kind: string; ops: readonly string[]; runsOn?: string };

/** Why a plan's kernel is not on its backend, when the plan data says (data.wasm.fallback, data.gpu.fallback, …). */
function fallbackReason(data: Record<string, unknown>, kernel: string): string | undefined {
  for (const v of Object.values(data)) {
    const fb = (v as { fallback?: Record<string, string> } | null)?.fallback;
    if (fb && typeof fb === 'object' && typeof fb[kernel] === 'string') return fb[kernel];
  }
  return undefined;
}

/** The kernel expectations against where the kernels ran: one message per mismatch. */
function kernelFailures(built: BuiltCase, kernels: readonly KernelResult[], coverage: Coverage, backend: string): string[] {
  const out: string[] = [];
  for (const e of built.kernels) {
    const name = opName(e.op);
    const holding = kernels.filter((k) => k.ops.includes(name) && (e.kind === undefined || k.kind === e.kind));
    if (!holding.length) { out.push(`no compiled kernel${e.kind ? ` of kind ${e.kind}` : ''} holds op ${name}`); continue; }
    const missing = e.needs.filter((n) => !coverage.covers.has(n));
    const expected = missing.length ? 'js' : coverage.runsOn;
    for (const k of holding) {
      if (k.runsOn === expected) continue;
      out.push(missing.length
        ? `kernel ${k.name} runs on ${k.runsOn}, but COVERAGE.${backend} lacks [${missing}]: if the backend covers that now, add it to COVERAGE (test/_lib/backend_runner.ts)`
        : `kernel ${k.name} runs on ${k.runsOn}, expected ${expected} (needs [${e.needs}], all in COVERAGE.${backend}): a silent fallback${k.fallback ? ` (${k.fallback})` : ''}`);
    }
  }
  return out;
}

/** Runs one case on a backend session and the reference interpreter. */
async function runCase(c: BackendCase, backend: string, opts: RunCasesOptions): Promise<CaseResult> {
  const cls = opts.backendClass ?? classOf(backend);
  const stated: CaseTolerance = cls === 'js' ? 'exact' : c.tolerance[cls];
  const worst: Worst = { ulps: 0, abs: 0 };
  const base = { name: c.name, family: c.family, backend, worst };
  if (typeof stated === 'object' && 'skip' in stated) return { ...base, status: 'skip', failures: [stated.skip], tolerance: null, kernels: [], expected: [] };
  const coverage = opts.coverage ?? COVERAGE[backend] ?? { runsOn: backend, covers: new Set() };
  const failures: string[] = [];
  const kernels = new Map<string, KernelResult>();
  let tolerance: Tolerance = 'exact';
  let expected: CaseResult['expected'] = [];
  const graph = new tf.Graph();
  let ref: tf.Session | undefined, sess: tf.Session | undefined;
  try {
    const built = graph.asDefault(() => c.build());
    ref = new tf.Session({ graph, executor: 'interpreter' });
    // why: the cases' shapes are small; on wasm they test the kernels, so the tiny-kernel rule is off there.
    sess = new tf.Session({ graph, ...(backend === 'js' ? {} : backend === 'wasm' ? WASM_ALL : { backend }), ...opts.sessionOptions } as tf.SessionOptions);
    const pairs: { run: number; got: unknown[]; want: unknown[] }[] = [];
    const plans: unknown[] = [];
    for (const [i, run] of built.runs.entries()) {
      const want = ref.run(run.fetches, run.feeds) as unknown[];
      const got = (opts.async ? await sess.runAsync(run.fetches, run.feeds) : sess.run(run.fetches, run.feeds)) as unknown[];
      pairs.push({ run: i, got, want });
      const plan = sess._planFor(run.fetches, run.feeds);
      plans.push(plan);
      if (!plan) { failures.push(`run ${i} was interpreted, not compiled`); continue; }
      const data = plan.data as unknown as Record<string, unknown> & { kernels: readonly PlanKernel[] };
      for (const k of data.kernels) {
        const runsOn = k.runsOn ?? 'js';
        const fallback = runsOn === 'js' ? fallbackReason(data, k.name) : undefined;
        kernels.set(`${k.name} ${k.ops.join()}`, { name: k.name, kind: k.kind, ops: k.ops, runsOn, ...(fallback ? { fallback } : {}) });
      }
    }
    // why: JS kernels are bit-identical to the reference, so the stated tolerance applies only
    // once some kernel of the case runs on the backend itself.
    const list = [...kernels.values()];
    if (list.some((k) => k.runsOn !== 'js')) tolerance = stated;
    for (const { run, got, want } of pairs) {
      want.forEach((w, k) => {
        const d = toleranceDiff(got[k], w, tolerance, worst);
        if (d) failures.push(`run ${run}, fetch ${k} (${opName(built.runs[run].fetches[k])}): ${d}`);
      });
    }
    failures.push(...kernelFailures(built, list, coverage, backend));
    for (const group of built.samePlan ?? []) {
      if (new Set(group.map((i) => plans[i])).size !== 1) failures.push(`runs ${group.join(', ')} should share one plan (run-time dims) but were compiled separately`);
    }
    expected = built.kernels.map((e) => ({ op: opName(e.op), needs: e.needs,
      runsOn: list.filter((k) => k.ops.includes(opName(e.op)) && (e.kind === undefined || k.kind === e.kind)).map((k) => k.runsOn) }));
    const last = pairs[pairs.length - 1];
    const wrong = built.check && last ? built.check(last.got) : undefined;
    if (wrong) failures.push(`hand-computed check: ${wrong}`);
    const bad = opts.checkSession?.(sess);
    if (bad) failures.push(bad);
  } catch (e) {
    failures.push(`threw ${(e as Error)?.constructor?.name}: ${(e as Error)?.message}`);
  } finally {
    sess?.close();
    ref?.close();
  }
  return { ...base, status: failures.length ? 'fail' : 'pass', failures, tolerance, kernels: [...kernels.values()], expected };
}

/** Runs a list of cases on a backend ('js', 'wasm', 'gpu', …) in order: one result per case. */
export async function runCaseList(cases: readonly BackendCase[], backend: string, opts: RunCasesOptions = {}): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const c of cases) if (!opts.filter || opts.filter(c)) results.push(await runCase(c, backend, opts));
  return results;
}
