// A compiled model at run time: what a module written by `tfgen compile` defines. It holds the
// precompiled plans (data + the factory of their text), handles for the model file's exports,
// and its signatures as plain functions. A runtime Session runs fetches of those handles by
// dispatching to the plan of the fetch/feed set; on a miss it asks the fallback compiler the
// `tfgen` entry installs (development), or fails naming the fetches and feeds (--strict).
import type { DType, TypedArray } from '../dtypes.js';
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import type { PlanData } from './plan_data.js';
import { dimsForFeeds, instantiatePlan, type OpKernels, type PlanFactory, type PlanRun } from './runner.js';
import { SessionStreams } from './random.js';
import { instantiateWasmPlan, wasmCompiles } from './wasm_runner.js';
import type { BackendInfo, GpuDevice, GpuOptions } from './gpu_device.js';
import { runPlanData, type PlanState, type RunValue } from './run_plan.js';
import { flattenHandles, type HandleFetches } from './handle_fetches.js';

export type StaticShape = readonly (number | null)[];

export class TensorHandle<D extends DType = DType, S extends StaticShape | null = StaticShape | null> {
  readonly kind = 'tensor' as const;
  constructor(readonly model: CompiledModel, readonly name: string, readonly dtype: D, readonly shape: S) {}
  toString(): string { return `<tfgen.TensorHandle '${this.name}' dtype=${this.dtype}>`; }
}

export class OperationHandle {
  readonly kind = 'operation' as const;
  constructor(readonly model: CompiledModel, readonly name: string) {}
  toString(): string { return `<tfgen.OperationHandle '${this.name}'>`; }
}

export class VariableHandle<D extends DType = DType, S extends StaticShape | null = StaticShape | null> {
  readonly kind = 'variable' as const;
  /** Fetching a variable gives its value; feeding it overrides the value for one run. */
  readonly ref: TensorHandle<D, S>;
  readonly initializer: OperationHandle;
  constructor(readonly model: CompiledModel, readonly name: string, readonly dtype: D, readonly shape: S, initializer: string) {
    this.ref = new TensorHandle(model, `${name}:0`, dtype, shape);
    this.initializer = new OperationHandle(model, initializer);
  }
  toString(): string { return `<tfgen.VariableHandle '${this.name}' dtype=${this.dtype}>`; }
}

export type Handle = TensorHandle | OperationHandle | VariableHandle;

/** One precompiled plan: its data (the text is in the module as `factory`) and where it came from. */
export interface ModelPlan {
  readonly data: Omit<PlanData, 'text'>;
  /** The JS plan factory (the module's text); or `instantiate`, for a plan compiled at run time. */
  readonly factory?: PlanFactory;
  readonly instantiate?: (dims: readonly number[]) => PlanRun;
  /** `file:line:col` of the call site, or `signature NAME`, for messages. */
  readonly origin: string;
  /**
   * A wasm plan's fallback: the JS backend's plan of the same run, used where WebAssembly cannot
   * be compiled (a Content-Security-Policy without 'wasm-unsafe-eval').
   */
  readonly fallback?: { readonly data: Omit<PlanData, 'text'>; readonly factory: PlanFactory };
}

export interface ModelDescription {
  /** The model file the module was compiled from, relative to the module (messages name it). */
  readonly source: string;
  /** The module's own URL (non-strict modules), so a run-time compiler can find the model file. */
  readonly moduleUrl?: string;
  readonly strict: boolean;
  readonly plans: readonly ModelPlan[];
  /** Every variable the plans use; `initial`: a value baked in at compile time (--weights). */
  readonly variables: readonly { name: string; dtype: DType; shape: readonly number[]; initial?: TypedArray }[];
  /** Index of the plan running every variable's initializer (when any lacks a baked value). */
  readonly initPlan: number | null;
  /** Seed of each random op's stream (null: fresh randomness per session, as TF1 without seeds). */
  readonly seeds: Readonly<Record<string, number | null>>;
  /** Signatures by name: input key → fed tensor, output key → fetched tensor or op; their plans (by index). */
  readonly signatures: Readonly<Record<string, { inputs: Record<string, string>; outputs: Record<string, string>; plans: readonly number[] }>>;
}

/**
 * The gpu backend's runtime (`gpuRuntime` of tfgen/runtime/gpu), which a module compiled with
 * `--backend gpu` passes to its CompiledModel: tfgen/runtime itself stays free of it.
 */
export interface GpuRuntime {
  open(opts: GpuOptions): GpuDevice;
  instantiate(data: PlanData, factory: PlanFactory, kernels: OpKernels | undefined, dims: readonly number[], device: GpuDevice): PlanRun;
}

/** Compiles a plan the module lacks (installed by the `tfgen` entry; absent in runtime-only bundles). */
export type FallbackCompiler = (model: CompiledModel, fetches: readonly string[], targets: readonly string[], feeds: readonly { name: string; shape: readonly number[] }[]) => ModelPlan | null;

let fallback: FallbackCompiler | null = null;

/** Fetches of a model file's own graph (Tensors, Operations, Variables), run when `tfgen` is loaded. */
export type GraphFetches = { readonly graph: object } | readonly GraphFetches[] | { readonly [k: string]: GraphFetches };

/** A DSL session on a graph (what `tfgen` installs), for runs of a model file's own tensors. */
export type GraphSessionFactory = (graph: object) => { run(fetches: unknown, feeds?: unknown, options?: unknown): unknown; close(): void };

let graphSessions: GraphSessionFactory | null = null;

/**
 * Installed by the `tfgen` entry: a runtime Session given the model file's own tensors (the
 * model file imported directly, in development) runs them on a DSL session of their graph, so an
 * app written against tfgen/runtime runs the same with and without `tfgen compile`.
 */
export function setGraphSessionFactory(f: GraphSessionFactory | null): void {
  graphSessions = f;
}

/** The graph of the first graph element (Tensor, Operation, Variable) in a fetch structure. */
function graphIn(x: unknown, depth = 0): object | undefined {
  if (typeof x !== 'object' || x === null || depth > 32) return undefined;
  if (x instanceof TensorHandle || x instanceof OperationHandle || x instanceof VariableHandle) return undefined;
  if ('graph' in x && ('op' in x || 'outputs' in x || 'initializer' in x)) return (x as { graph: object }).graph;
  const parts = Array.isArray(x) ? x : x instanceof Map ? [...x.values()] : Object.getPrototypeOf(x) === Object.prototype ? Object.values(x) : [];
  for (const p of parts) {
    const g = graphIn(p, depth + 1);
    if (g) return g;
  }
  return undefined;
}

/** Installs the compiler that serves run-time misses of non-strict modules. */
export function setFallbackCompiler(c: FallbackCompiler | null): void {
  fallback = c;
}

/** Instances kept per plan, one per distinct set of run-time dims, oldest dropped first. */
const MAX_SIZES_PER_PLAN = 16;

/** The plans of one fetch/feed set: a plan with run-time dims, and one specialised where a dim is fed 1. */
/** Instances of plans, by plan, then by run-time dims. */
type Runs = Map<ModelPlan, Map<string, SizedRun>>;

/**
 * The plans of one fetch/feed set, with their instances: shared by the model's sessions, except
 * for wasm plans (`bySession`): their memory holds the variables of the session running them.
 */
interface PlanEntry { plans: ModelPlan[]; runs: Runs; bySession: WeakMap<object, Runs> }

/** A plan instantiated for one set of run-time dims, with the data of what runs (a wasm plan or its fallback). */
interface SizedRun { run: PlanRun; data: Omit<PlanData, 'text'> }

/** The plans found for a run: `runFor` picks the one taking the fed shapes and instantiates it. */
export interface BoundPlan {
  /** The first plan (all share feeds, fetches and targets by name). */
  readonly plan: ModelPlan;
  /** `session`: the state of the session running it (its variables, its gpu device), which wasm and gpu plans' instances are bound to. */
  runFor(shapes: readonly (readonly number[])[], session?: PlanState): { run: PlanRun; dims: readonly number[]; data: Omit<PlanData, 'text'> };
}

const planKey = (fetches: readonly string[], targets: readonly string[], feeds: readonly string[]) =>
  `${[...fetches].sort().join(',')}|${[...targets].sort().join(',')}|${[...feeds].sort().join(',')}`;

export class CompiledModel {
  readonly source: string;
  readonly strict: boolean;
  readonly moduleUrl: string | undefined;
  private readonly desc: ModelDescription;
  private readonly byKey = new Map<string, PlanEntry>();
  private defaultSession?: Session;
  private readonly kernels?: OpKernels;

  private readonly gpu?: GpuRuntime;

  /**
   * `kernels`: the op table (tfgen/runtime/ops), for modules whose plans call reference kernels;
   * `backends.gpu`: the gpu runtime (tfgen/runtime/gpu), for modules compiled with --backend gpu.
   */
  constructor(desc: ModelDescription, kernels?: OpKernels, backends: { gpu?: GpuRuntime } = {}) {
    this.desc = desc;
    this.kernels = kernels;
    this.gpu = backends.gpu;
    this.source = desc.source;
    this.strict = desc.strict;
    this.moduleUrl = desc.moduleUrl;
    for (const p of desc.plans) {
      const key = planKey(p.data.fetches.map((f) => f.name), p.data.targets, p.data.feeds.map((f) => f.name));
      const e = this.byKey.get(key);
      if (e) e.plans.push(p);
      else this.byKey.set(key, { plans: [p], runs: new Map(), bySession: new WeakMap() });
    }
  }

  get variables(): ModelDescription['variables'] { return this.desc.variables; }
  get seeds(): ModelDescription['seeds'] { return this.desc.seeds; }

  tensor<D extends DType, S extends StaticShape | null>(name: string, dtype: D, shape: S): TensorHandle<D, S> {
    return new TensorHandle(this, name, dtype, shape);
  }
  operation(name: string): OperationHandle { return new OperationHandle(this, name); }
  variable<D extends DType, S extends StaticShape | null>(name: string, dtype: D, shape: S, initializer: string): VariableHandle<D, S> {
    return new VariableHandle(this, name, dtype, shape, initializer);
  }

  /** The plan of a fetch/feed set; `runFor(shapes)` instantiates it for the fed shapes' run-time dims. */
  _plan(fetches: readonly string[], targets: readonly string[], feeds: readonly { name: string; shape: readonly number[] }[]): BoundPlan {
    const key = planKey(fetches, targets, feeds.map((f) => f.name));
    let entry = this.byKey.get(key);
    if (!entry) {
      const compiled = this.strict ? null : fallback?.(this, fetches, targets, feeds) ?? null;
      if (!compiled) throw this.missError(fetches, targets, feeds.map((f) => f.name));
      entry = { plans: [compiled], runs: new Map(), bySession: new WeakMap() };
      this.byKey.set(key, entry);
    }
    const e = entry;
    return {
      plan: e.plans[0],
      runFor: (shapes, session) => {
        for (const plan of e.plans) {
          const sized = dimsForFeeds(plan.data, shapes);
          if (!sized) continue;
          const k = sized.dims.join(',');
          // why: a wasm plan keeps the variables it reads in its memory (resident variables), a gpu
          // plan runs on the session's device: one instance per session.
          let byPlan = e.runs;
          if (session !== undefined && (plan.data.backend === 'wasm' || plan.data.backend === 'gpu')) {
            let mine = e.bySession.get(session.variables);
            if (!mine) e.bySession.set(session.variables, (mine = new Map()));
            byPlan = mine;
          }
          let runs = byPlan.get(plan);
          if (!runs) byPlan.set(plan, (runs = new Map()));
          let sizedRun = runs.get(k);
          if (!sizedRun) {
            // why: buffers are sized per distinct set of run-time dims; a stream of new sizes must not grow memory forever.
            if (runs.size >= MAX_SIZES_PER_PLAN) runs.delete(runs.keys().next().value!);
            sizedRun = plan.instantiate ? { run: plan.instantiate(sized.dims), data: plan.data } : this.instantiate(plan, sized.dims, session);
            runs.set(k, sizedRun);
          }
          return { run: sizedRun.run, dims: sized.dims, data: sizedRun.data };
        }
        throw this.shapeMiss(e.plans[0].data as PlanData, shapes);
      },
    };
  }

  /** A module's plan for run-time dims `dims`: a wasm plan where WebAssembly compiles, else its JS fallback. */
  private instantiate(plan: ModelPlan, dims: readonly number[], session?: PlanState): SizedRun {
    // why: the text is in the module as `factory`; the plan data is completed only here, on a miss, not per run.
    const data = { ...plan.data, text: '' };
    const fallback = (): SizedRun => ({ run: instantiatePlan({ ...plan.fallback!.data, text: '' }, plan.fallback!.factory, this.kernels, dims), data: plan.fallback!.data });
    if (plan.data.backend === 'wasm') {
      if (!plan.fallback || wasmCompiles()) return { run: instantiateWasmPlan(data, plan.factory!, this.kernels, dims), data: plan.data };
      return fallback();
    }
    if (plan.data.backend === 'gpu' && plan.fallback) {
      if (!this.gpu) throw new InvalidArgumentError(`${this.source}: this module's plans run on the gpu backend, but its CompiledModel was made without the gpu runtime (tfgen/runtime/gpu): compile it again.`);
      if (!session?.gpuDevice) throw new InvalidArgumentError(`${this.source}: a gpu plan runs in a Session (new Session({gpu: {mode, GPU}})).`);
      const device = session.gpuDevice(this.gpu);
      // why: a device that fell back (gpu: {fallback: 'js'}, said once when it opened) runs the JS backend's plans.
      return device.gpu ? { run: this.gpu.instantiate(data, plan.factory!, this.kernels, dims, device), data: plan.data } : fallback();
    }
    // why: a gpu plan without gpu kernels calls no device (its text is a JS plan's).
    return { run: instantiatePlan(data, plan.factory!, this.kernels, dims, plan.data.backend === 'gpu' ? { state: null } : undefined), data: plan.data };
  }

  private shapeMiss(data: PlanData, shapes: readonly (readonly number[])[]): InvalidArgumentError {
    const fed = data.feeds.map((f, i) => `${f.name} [${shapes[i]?.join(', ')}] (compiled for [${f.shape.map((d) => (typeof d === 'number' ? d : '?')).join(', ')}])`).join(', ');
    return new InvalidArgumentError(`${this.source}: no precompiled plan fetching [${data.fetches.map((f) => f.name).join(', ')}] takes these fed shapes: ${fed}. ` +
      'Dims the graph relates must be fed equal; a run-time dim is fed 1 only where every unknown dim is 1.');
  }

  private missError(fetches: readonly string[], targets: readonly string[], feeds: readonly string[]): InvalidArgumentError {
    const what = [...fetches, ...targets.map((t) => `${t} (run)`)].join(', ');
    const how = this.strict
      ? 'this module was compiled with --strict, so it cannot compile plans at run time'
      : 'no compiler is loaded to compile it now (in development, import \'tfgen/jit-fallback\' once)';
    return new InvalidArgumentError(`${this.source}: no precompiled plan fetches [${what}] feeding [${feeds.join(', ')}]; ${how}. ` +
      'Add a signature for it, or pass the file with this sess.run call to tfgen compile so the call site is precompiled.');
  }

  /** A signature as a function: `(inputs, session?) → outputs`. */
  signature(name: string): (inputs: Record<string, unknown>, session?: Session) => Record<string, unknown> {
    const sig = this.desc.signatures[name];
    const fetches: Record<string, Handle> = {};
    // (only the names of these handles matter: plans are found by name)
    for (const [k, n] of Object.entries(sig.outputs)) fetches[k] = n.includes(':') ? new TensorHandle(this, n, 'float32', null) : new OperationHandle(this, n);
    return (inputs, session) => {
      if (typeof inputs !== 'object' || inputs === null) throw new InvalidArgumentError(`${name} takes one object of inputs {${Object.keys(sig.inputs).join(', ')}}.`);
      for (const k of Object.keys(inputs)) if (!(k in sig.inputs)) throw new InvalidArgumentError(`Unknown input '${k}' of ${name}; inputs are {${Object.keys(sig.inputs).join(', ')}}.`);
      const feeds: Record<string, unknown> = {};
      for (const [k, n] of Object.entries(sig.inputs)) {
        if (!(k in inputs)) throw new InvalidArgumentError(`Missing input '${k}' of ${name} (${n}).`);
        feeds[n] = inputs[k];
      }
      const sess = session ?? (this.defaultSession ??= this.initialisedSession());
      return sess.run(fetches, feeds as never) as Record<string, unknown>;
    };
  }

  /** A session whose variables hold the baked weights, or else their initial values. */
  private initialisedSession(): Session {
    const s = new Session();
    s._bind(this);
    for (const v of this.desc.variables) if (v.initial) s._state.set(v.name, new NDArray(v.initial.slice(), v.shape, v.dtype));
    if (this.desc.initPlan !== null && this.desc.variables.some((v) => !v.initial)) {
      const p = this.desc.plans[this.desc.initPlan].data;
      s.run(p.targets.map((t) => new OperationHandle(this, t)));
    }
    return s;
  }
}

export interface RunOptions {
  /** Return fetched arrays as views of the plan's buffers (overwritten by the next run). */
  reuseOutputs?: boolean;
}

/** The runtime's Session: runs handles of one compiled model with precompiled plans. */
export class Session {
  private model: CompiledModel | null = null;
  /** @internal Variable values by VariableV2 name. */
  readonly _state = new Map<string, NDArray>();
  /** Random streams by op name; a failed run's draws are undone, as in the DSL session. */
  private readonly streams = new SessionStreams<string>((op) => this.model?.seeds[op] ?? ((Math.random() * 2 ** 32) >>> 0));
  private closed = false;
  private readonly rt = { randomStream: (op: string) => this.streams.stream(op) };
  private readonly gpuOptions: GpuOptions;
  private device?: GpuDevice;

  /** `gpu`: the gpu.js mode and class for modules compiled with --backend gpu (the module does not import gpu.js). */
  constructor(opts: { gpu?: GpuOptions } = {}) {
    this.gpuOptions = opts.gpu ?? {};
  }

  /** What the gpu plans run on (mode, kernel class, or why they fell back to JS); undefined before a gpu plan ran. */
  get backendInfo(): BackendInfo | undefined {
    return this.device?.info;
  }

  /** @internal The model this session runs (the first whose handles it ran, or bound by a signature). */
  _model(): CompiledModel {
    if (!this.model) throw new InvalidArgumentError('This session has not run a compiled model yet: run its initializer first.');
    return this.model;
  }

  /** Binds the session to a model before any run (e.g. to restore a checkpoint into it). */
  bind(model: CompiledModel): this {
    this._bind(model);
    return this;
  }

  /** @internal */
  _bind(model: CompiledModel): void {
    if (this.model && this.model !== model) throw new InvalidArgumentError(`This session runs ${this.model.source}; handles of ${model.source} need a session of their own.`);
    this.model = model;
  }

  run(fetches: HandleFetches | GraphFetches, feeds?: Record<string, unknown> | Map<unknown, unknown> | null, options?: RunOptions): any {
    if (this.closed) throw new InvalidArgumentError('Attempted to use a closed Session.');
    if (!this.model) {
      const graph = graphIn(fetches);
      if (graph) return this._graphSession(graph).run(fetches, feeds, options);
    }
    const flat = flattenHandles(fetches as HandleFetches);
    const model = flat.model ?? this.model;
    if (!model) throw new InvalidArgumentError('sess.run needs at least one handle of a compiled model among its fetches.');
    this._bind(model);
    const feedValues = feedsByName(feeds);
    const bound = model._plan(flat.tensors, flat.targets, [...feedValues].map(([name, v]) => ({ name, shape: shapeOf(v) })));
    const state: PlanState = {
      variables: this._state, randomStream: this.rt.randomStream,
      // why: opened on the first gpu plan, so a session of a js or wasm module never loads gpu.js.
      gpuDevice: (runtime) => (this.device ??= runtime.open(this.gpuOptions)),
    };
    this.streams.beginRun();
    let values: Map<string, RunValue>;
    try {
      values = runPlanData(bound, state, feedValues, options?.reuseOutputs === true);
    } catch (e) {
      // why: a run that throws changes no state: writes are committed only when it succeeds, and its draws are undone.
      this.streams.rewind();
      throw e;
    }
    return flat.rebuild(values);
  }

  /** The values of the initialised variables, by name (copies). */
  variableValues(): Map<string, NDArray> {
    return new Map([...this._state].map(([k, v]) => [k, new NDArray(v.data.slice(), v.shape, v.dtype)]));
  }

  private dsl?: { graph: object; session: ReturnType<GraphSessionFactory> };

  /**
   * @internal The DSL session running a model file's own tensors (development, see
   * setGraphSessionFactory); a model file's signature given this session runs on it too.
   */
  _graphSession(graph: object): ReturnType<GraphSessionFactory> {
    if (this.model) throw new InvalidArgumentError(`This session runs the compiled ${this.model.source}, not a model file's graph.`);
    if (this.dsl) {
      if (this.dsl.graph !== graph) throw new InvalidArgumentError('This session runs another graph than these fetches\' graph.');
      return this.dsl.session;
    }
    if (!graphSessions) {
      throw new InvalidArgumentError('These fetches are tensors of a graph, not handles of a compiled module: import \'tfgen\' to run them in development, or compile the model file (tfgen compile, or the esbuild plugin).');
    }
    this.dsl = { graph, session: graphSessions(graph) };
    return this.dsl.session;
  }

  close(): void {
    this.closed = true;
    this._state.clear();
    this.dsl?.session.close();
  }

  [Symbol.dispose](): void { this.close(); }
}

function feedsByName(feeds: Record<string, unknown> | Map<unknown, unknown> | null | undefined): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (!feeds) return out;
  const entries: [unknown, unknown][] = feeds instanceof Map ? [...feeds] : Object.entries(feeds);
  for (const [k, v] of entries) {
    let name: string;
    if (typeof k === 'string') name = k.includes(':') ? k : `${k}:0`;
    else if (k instanceof TensorHandle) name = k.name;
    else if (k instanceof VariableHandle) name = k.ref.name;
    else throw new InvalidArgumentError(`Cannot interpret feed key ${String(k)} as a tensor: use a handle or a tensor name.`);
    out.set(name, v);
  }
  return out;
}

function shapeOf(v: unknown): number[] {
  if (v instanceof NDArray) return v.shape;
  if (ArrayBuffer.isView(v)) return [(v as TypedArray).length];
  const s: number[] = [];
  let x = v;
  while (Array.isArray(x)) { s.push(x.length); x = x[0]; }
  return s;
}

export { FailedPreconditionError };
