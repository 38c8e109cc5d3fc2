// Session: owns variable values and random streams for one graph, and runs fetches with
// TF1 semantics: nested fetch structures, feeds by tensor or name, all-or-nothing state.
import { inspectCustom } from './inspect.js';
import { storageFor, type TypedArray } from './dtypes.js';
import { FailedPreconditionError, InvalidArgumentError } from './errors.js';
import type { FeedDict } from './feeds.js';
import { FeedDicts, sameFeeds } from './feed_dicts.js';
import { ConfigProto } from './config_proto.js';

export { ConfigProto };
import { flattenFetches, matchesFetches, rebuildFetches, toResult, type Fetches, type FetchValue, type FlatFetches as Flat } from './fetches.js';
import { buildSchedule } from './prune.js';
import type { BoundRun, CompiledPlan, PlanCompiler, PlanRuntime } from './plan.js';
import type { BackendInfo } from './runtime/gpu_device.js';
import type { RunOptions, SessionOptions } from './session_options.js';
import { withDefaultSession } from './default_session.js';
import { getDefaultGraph, Graph, Operation, Tensor } from './graph.js';
import { interpret, uninitialisedRead, type RunState } from './interpret.js';
import { NDArray } from './ndarray.js';
import { DEFAULT_GRAPH_SEED, mixSeeds, SessionStreams } from './runtime/random.js';
import { bumpStorage, dropWriteBack, settleWriteBacks } from './runtime/storage_stamps.js';
import { fitsShape, formatShape } from './shape.js';
import { moveIntoHomes } from './runtime/wasm_runner.js';

export type { FeedDict, FeedValue } from './feeds.js';
export type { Fetches, FetchLeaf, FetchValue } from './fetches.js';
type FlatFetches = Flat<PlanEntry>;

export type { RunOptions, SessionOptions, WasmSessionOptions } from './session_options.js';

let nextRandomSeed = 1;

/** Compiled plans kept per fetch set (one per feed set and feed shapes), oldest dropped first. */
const MAX_PLANS_PER_FETCH_SET = 32;

/** Plans with run-time dims kept per fetch set and feed set (each serves every size it fits). */
const MAX_PARAMETRIC_PLANS = 4;

/** Fetch structures recognised by shape (keys and leaves) without a lookup by identity. */
const RECENT_FETCHES = 8;

export class Session {
  readonly graph: Graph;
  readonly config: ConfigProto;
  private closed = false;
  private readonly variables = new Map<Operation, NDArray>();
  /** Random streams by op; a failed run's draws are undone. */
  private readonly streams = new SessionStreams<Operation>((op) => this.seedOf(op));
  private readonly fetchCache = new WeakMap<object, FlatFetches>();
  private readonly feedDicts: FeedDicts;
  /** The fetch structures run last, most recent first, recognised by shape. */
  private readonly recentFetches: FlatFetches[] = [];
  /** The plans of each fetch set (tensor and target ids), shared by every structure fetching it. */
  private readonly plansByFetchSet = new Map<string, Map<string, PlanEntry>>();
  /** Plans with run-time dims, by fetch set (its plans Map) and feed set. */
  private parametricPlans = new WeakMap<object, Map<string, CompiledPlan[]>>();
  /** Bumped whenever a variable gets new storage (compiled plans cache the storage arrays). */
  private stateVersion = 0;
  /** 'compiled' (generated, fused JS; the default) or 'interpreter' (reference kernels). */
  readonly executor: 'compiled' | 'interpreter';
  private readonly compiler: PlanCompiler | null;
  private readonly releaseBackend?: () => void;

  /**
   * The plan compiler of sessions created without a `compiler` option. Null here (plans are
   * interpreted); the `tfgen` entry sets it to the JIT, so `tfgen/runtime` stays compiler-free.
   */
  static defaultCompiler: PlanCompiler | null = null;
  /** Plan compilers of the backends other than 'js', by name (the `tfgen` entry registers 'wasm'). */
  static readonly backendCompilers = new Map<string, PlanCompiler>();
  /** Backends with per-session state (the gpu backend's device), by name: the session's options → its compiler and what runs. */
  static readonly backendFactories = new Map<string, (opts: SessionOptions) => { compiler: PlanCompiler; info: BackendInfo; release?: () => void }>();
  /** What this session's plans run on: `{backend: 'js'}`, or the gpu backend's mode and the kernel class that ran its probe. */
  readonly backendInfo: BackendInfo;

  constructor(opts: SessionOptions = {}) {
    this.graph = opts.graph ?? getDefaultGraph();
    this.feedDicts = new FeedDicts(this.graph);
    this.config = opts.config ?? new ConfigProto();
    this.executor = opts.executor ?? 'compiled';
    if (this.executor !== 'compiled' && this.executor !== 'interpreter') {
      throw new InvalidArgumentError(`Unknown executor '${String(opts.executor)}'; use 'compiled' or 'interpreter'.`);
    }
    const other = opts.backend !== undefined && opts.backend !== 'js';
    const factory = other ? Session.backendFactories.get(opts.backend!) : undefined;
    if (other && !factory && !Session.backendCompilers.has(opts.backend!)) {
      const available = ['js', ...Session.backendCompilers.keys(), ...Session.backendFactories.keys()].map((b) => `'${b}'`).join(', ');
      throw new InvalidArgumentError(`Unknown backend '${String(opts.backend)}'; available: ${available}.`);
    }
    for (const b of ['gpu', 'wasm'] as const) {
      if (opts[b] !== undefined && opts.backend !== b) {
        throw new InvalidArgumentError(`The ${b} option applies to backend '${b}' only (this session's backend is '${opts.backend ?? 'js'}').`);
      }
    }
    const made = factory?.(opts);
    const named = made?.compiler ?? (other ? Session.backendCompilers.get(opts.backend!) : undefined);
    this.compiler = opts.compiler !== undefined ? opts.compiler : named ?? Session.defaultCompiler;
    this.backendInfo = made?.info ?? { backend: opts.backend ?? 'js' };
    this.releaseBackend = made?.release; // why: a gpu device holds a GL context (browsers keep a few at a time) until closed
  }

  /**
   * Runs the graph to compute `fetches` (TF1 Session.run). The result mirrors the fetch structure:
   * 0-d tensors give numbers (or booleans), others NDArrays, Operations null.
   * @example sess.run([loss, trainOp], {X: xs, y: ys})
   */
  run(fetches: Fetches, feedDict?: FeedDict | null, options?: RunOptions): any {
    return this.execute(fetches, feedDict, options, false);
  }

  /** run(), or (async) a plan whose run returns a Promise (a device without synchronous readback). */
  private execute(fetches: Fetches, feedDict: FeedDict | null | undefined, options: RunOptions | undefined, async: boolean): any {
    if (this.closed) throw new InvalidArgumentError('Attempted to use a closed Session.');
    const flat = this.flatten(fetches);
    const direct = this.directFeeds(flat, feedDict);
    const feeds = direct ? direct : this.feedDicts.convert(feedDict ?? undefined);
    const plan = direct ? flat.last! : this.plan(flat, feeds as Map<Tensor, NDArray>);
    this.streams.beginRun();
    let values: FetchValue[] | Promise<FetchValue[]>;
    // why: a run that throws changes no state, random streams included (variables are committed
    // only at the end; draws happen during the run).
    try {
      values = plan.compiled ? this.runCompiled(plan, flat, feeds, options?.reuseOutputs === true, async) : this.interpret(plan.schedule, flat, feeds as Map<Tensor, NDArray>);
    } catch (e) {
      this.streams.rewind();
      throw e;
    }
    // why: no closure or Promise check on the synchronous path (a tiny run costs ~0.2 µs in all).
    if (!async) return rebuildFetches(flat.root, values as FetchValue[]);
    return Promise.resolve(values).then((v) => rebuildFetches(flat.root, v), (e) => { this.streams.rewind(); throw e; });
  }

  /**
   * The flattened fetch structure, reused while a structure of the same shape is fetched again.
   * why: `sess.run({x, loss, train})` builds a fresh literal each step; recognising it by its keys
   * and leaves (no allocation, no WeakMap insert) makes it cost what a hoisted structure costs.
   */
  private flatten(fetches: Fetches): FlatFetches {
    const recent = this.recentFetches;
    for (let i = 0; i < recent.length; i++) {
      const r = recent[i];
      if (!matchesFetches(r.root, fetches)) continue;
      if (i > 0) { recent[i] = recent[0]; recent[0] = r; }
      return r;
    }
    const cacheable = typeof fetches === 'object' && fetches !== null;
    let flat = cacheable ? this.fetchCache.get(fetches as object) : undefined;
    if (!flat || !matchesFetches(flat.root, fetches)) {
      flat = flattenFetches<PlanEntry>(fetches, this.graph);
      // why: another structure of the same fetch set ([loss, train] and {loss, train}) must not recompile.
      const setKey = `${flat.tensors.map((t) => `${t.op.id}:${t.valueIndex}`).join(',')}/${flat.targets.map((o) => o.id).join(',')}`;
      const shared = this.plansByFetchSet.get(setKey);
      if (shared) flat.plans = shared;
      else this.plansByFetchSet.set(setKey, flat.plans);
      if (cacheable) this.fetchCache.set(fetches as object, flat);
    }
    if (recent.length >= RECENT_FETCHES) recent.pop();
    recent.unshift(flat);
    return flat;
  }

  /** The reference interpreter: op by op, then commit the run's variable writes. */
  private interpret(schedule: Operation[], flat: FlatFetches, feeds: Map<Tensor, NDArray>): FetchValue[] {
    settleWriteBacks();
    const state: RunState = { variables: this.variables, randomStream: (op) => this.randomStream(op) };
    const { values, writes } = interpret(schedule, feeds, flat.tensors, state);
    // why: results and committed state must not alias constants, feeds or each other.
    const out = flat.tensors.map((t) => toResult(copyArray(values.get(t)!)));
    for (const [v, val] of writes) this.setVariable(v, copyArray(val));
    return out;
  }

  /** A compiled plan: check state, run the generated function, copy results, commit writes. */
  private runCompiled(plan: PlanEntry, flat: FlatFetches, given: Map<Tensor, NDArray> | TypedArray[], reuse: boolean, async = false): FetchValue[] | Promise<FetchValue[]> {
    const c = plan.compiled!;
    // why: a device may hold variables' newest values (deferred write backs); a plan reading storage in JS needs them.
    if (!plan.bound!.run.settlesOwn) settleWriteBacks();
    if (plan.bound!.async && !async) {
      throw new FailedPreconditionError(`This session's device reads results back asynchronously (${this.backendInfo.mode ?? this.backendInfo.backend}): use sess.runAsync(…) instead of sess.run(…).`);
    }
    if (plan.varsVersion !== this.stateVersion) {
      const feeds = given instanceof Map ? given : new Map(plan.feedOrder.map((t, i) => [t, new NDArray(given[i], plan.feedShapes[i], t.dtype)]));
      const missing = c.readVariables.find((v) => !this.variables.has(v));
      if (missing) {
        // why: the same error as the interpreter's (the first uninitialised read in run order).
        throw uninitialisedRead(plan.schedule, feeds, flat.tensors, this.variables)
          ?? new FailedPreconditionError(`Attempting to use uninitialized value ${missing.name}`, readerOf(missing, plan.schedule));
      }
      plan.vars = c.variables.map((v) => this.variables.get(v)?.data);
      // why: a variable resized by a shape-changing assign no longer fits this plan: interpret.
      if (c.variables.some((v, i) => plan.vars![i] !== undefined && plan.vars![i]!.length !== c.variableSizes[i])) {
        return this.interpret(plan.schedule, flat, feeds);
      }
      // why: a backend keeping variables in memory of its own (wasm) gets them moved there once;
      // the session stores that view, so other plans see (and re-read) the new storage.
      for (const i of moveIntoHomes(plan.bound!.run, plan.vars)) {
        const v = c.variables[i];
        this.setVariable(v, new NDArray(plan.vars[i]!, this.variables.get(v)!.shape, v.outputs[0].dtype));
      }
      plan.varsVersion = this.stateVersion;
    }
    const bound = plan.bound!;
    const feedArrays = given instanceof Map ? plan.feedOrder.map((t) => given.get(t)!.data) : given;
    const res = bound.run(feedArrays, plan.vars!, plan.runtime!) as TypedArray[] | Promise<TypedArray[]>;
    if (!bound.async) return this.commitCompiled(plan, c, res as TypedArray[], flat.tensors.length, reuse);
    return (res as Promise<TypedArray[]>).then((r) => this.commitCompiled(plan, c, r, flat.tensors.length, reuse));
  }

  /** A compiled run's results as fetch values, then its variable writes committed. */
  private commitCompiled(plan: PlanEntry, c: CompiledPlan, res: TypedArray[], n: number, reuse: boolean): FetchValue[] {
    const bound = plan.bound!;
    const out: FetchValue[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const shape = bound.outputShapes[i];
      const a = res[i];
      if (shape.length === 0) out[i] = c.outputDTypes[i] === 'bool' ? a[0] !== 0 : a[0];
      else if (reuse && c.outputInPlanBuffer[i]) out[i] = (plan.views[i] ??= new NDArray(a, shape, c.outputDTypes[i]));
      else out[i] = new NDArray(a.slice(), shape, c.outputDTypes[i]);
    }
    for (const r of c.refFetches) {
      const start = this.variables.get(r.variable);
      if (r.written && start) out[r.output] = toResult(copyArray(start));
    }
    // why: a value read from variable storage (x ← y, y ← x) is copied before the first commit.
    let copies: TypedArray[] | undefined;
    for (let i = 0; i < c.writes.length; i++) if (c.writes[i].mayAliasState) (copies ??= [])[i] = res[n + i].slice();
    for (let i = 0; i < c.writes.length; i++) {
      const w = c.writes[i];
      const src = copies?.[i] ?? res[n + i];
      const cur = this.variables.get(w.variable);
      // why: a device that kept the new value (a deferred write back) returns the storage itself.
      if (cur && src === cur.data) continue;
      if (cur && cur.data.length === src.length) {
        // why: TypedArray.set costs more than the copy for the tiny arrays of scalar variables.
        if (src.length < 16) for (let k = 0; k < src.length; k++) cur.data[k] = src[k];
        else cur.data.set(src);
        // why: a device backend's copy of this variable is then stale unless its own run wrote it (runtime/storage_stamps.ts).
        bumpStorage(cur.data);
      }
      else this.setVariable(w.variable, new NDArray(src.slice(), bound.writeShapes[i], w.variable.outputs[0].dtype));
    }
    return out;
  }

  /** Stores a variable's value; plans holding the old storage re-read it. */
  private setVariable(v: Operation, value: NDArray): void {
    dropWriteBack(this.variables.get(v)?.data);
    this.variables.set(v, value);
    this.stateVersion++;
  }

  /**
   * Runs fn with this session as the default session (TF1 `with sess.as_default():`), so
   * `tensor.eval()` and `op.run()` inside it use this session.
   * @example sess.asDefault(() => loss.eval({X: xs}))
   */
  asDefault<T>(fn: () => T): T {
    return withDefaultSession(this, fn);
  }

  /**
   * run() on a later tick, as a Promise; the path for devices without synchronous readback
   * (gpu mode 'webgpu', or `gpu: {async: true}`). Await one run before starting the next.
   */
  runAsync(fetches: Fetches, feedDict?: FeedDict | null, options?: RunOptions): Promise<any> {
    return Promise.resolve().then(() => this.execute(fetches, feedDict, options, true));
  }

  /**
   * @internal The committed values of the initialised variables (for tf.train.Saver). The arrays
   * are the session's own storage: read them before the next run and never write to them.
   */
  _variableValues(): Map<Operation, NDArray> {
    if (this.closed) throw new InvalidArgumentError('Attempted to use a closed Session.');
    settleWriteBacks();
    return new Map(this.variables);
  }

  /**
   * @internal Replaces the values of the given variables, all or none: every entry is checked
   * (a VariableV2 of this graph, matching dtype and shape) before any is set.
   */
  _restoreVariables(values: Map<Operation, NDArray>): void {
    if (this.closed) throw new InvalidArgumentError('Attempted to use a closed Session.');
    for (const [op, value] of values) {
      const t = op.outputs[0];
      if (op.graph !== this.graph || op.type !== 'VariableV2') {
        throw new InvalidArgumentError(`Cannot restore ${op}: it is not a variable of this session's graph.`, op);
      }
      if (value.dtype !== t.dtype || !fitsShape(value.shape, t.shape)) {
        throw new InvalidArgumentError(`Cannot restore ${op.name}: expected ${t.dtype} ${formatShape(t.shape)}, got ${value.dtype} ${formatShape(value.shape)}.`, op);
      }
    }
    for (const [op, value] of values) this.setVariable(op, value);
  }

  /** Frees the session's variable values; later runs fail. */
  close(): void {
    if (!this.closed) this.releaseBackend?.();
    this.closed = true;
    for (const v of this.variables.values()) dropWriteBack(v.data);
    this.variables.clear();
    this.streams.clear();
    this.plansByFetchSet.clear();
    this.parametricPlans = new WeakMap();
    this.recentFetches.length = 0;
    this.feedDicts.clear();
    this.stateVersion++;
  }

  [Symbol.dispose](): void { this.close(); }

  toString(): string {
    return `<tfgen.Session graph=${this.graph.id}${this.closed ? ' closed' : ''}>`;
  }

  [inspectCustom](): string { return this.toString(); }

  private randomStream(op: Operation): () => number {
    return this.streams.stream(op);
  }

  /** A random op's seed: the seeds recorded when the op was built (TF1's seed/seed2 attrs), not the graph's now. */
  private seedOf(op: Operation): number {
    const opSeed = op.attrs.seed2 as number | null | undefined;
    const graphSeed = 'seed' in op.attrs ? (op.attrs.seed as number | null) : this.graph.seed;
    if (graphSeed === null && (opSeed === null || opSeed === undefined)) return (Math.random() * 2 ** 32) >>> 0 ^ nextRandomSeed++;
    return mixSeeds(graphSeed ?? DEFAULT_GRAPH_SEED, opSeed ?? op.id);
  }

  /**
   * The feed arrays of the compiled plan run last for these fetches, when a Map (by tensor) or a
   * plain object (by name) feeds exactly its tensors with NDArrays of their dtype and planned shape,
   * flat typed arrays of their storage that fill the planned shape, or plain arrays of numbers for
   * vectors.
   * why: the seed's loop feeds fresh batches in a fresh dict each step; such feeds need no
   * conversion rules, so the plan takes them as they are, with no NDArray or Map built per run.
   */
  private directFeeds(flat: FlatFetches, feedDict: FeedDict | null | undefined): TypedArray[] | undefined {
    const plan = flat.last;
    if (!plan || !plan.compiled || plan.session !== this || !feedDict) return undefined;
    const order = plan.feedOrder;
    const arrays: TypedArray[] = new Array(order.length);
    if (feedDict instanceof Map) {
      if (feedDict.size !== order.length) return undefined;
      for (let i = 0; i < order.length; i++) {
        const a = this.directFeed(order[i], feedDict.get(order[i]), plan.feedShapes[i]);
        if (!a) return undefined;
        arrays[i] = a;
      }
      return arrays;
    }
    let n = 0;
    for (const key in feedDict) {
      if (!Object.hasOwn(feedDict, key)) continue;
      const i = order.indexOf(this.feedDicts.target(key));
      const a = i < 0 || arrays[i] ? undefined : this.directFeed(order[i], feedDict[key], plan.feedShapes[i]);
      if (!a) return undefined;
      arrays[i] = a;
      n++;
    }
    return n === order.length ? arrays : undefined;
  }

  /** One feed as the plan's array, when it needs no conversion rules (see directFeeds). */
  private directFeed(t: Tensor, v: unknown, shape: readonly number[]): TypedArray | undefined {
    if (v instanceof NDArray) {
      if (v.dtype !== t.dtype || t.dtype === 'bool' || t.dtype === 'int64' || v.shape.length !== shape.length) return undefined;
      for (let k = 0; k < shape.length; k++) if (v.shape[k] !== shape[k]) return undefined;
      return v.data;
    }
    // why: a flat array fills the static shape; it is the planned shape when the known dims agree
    // and at most one is unknown (then inferred from the length, as convertFeed does).
    const s = t.shape;
    if (s === null ? shape.length !== 1 : s.length !== shape.length) return undefined;
    if (s !== null && s.length > 1) {
      let unknown = 0;
      for (let k = 0; k < s.length; k++) {
        if (s[k] === null) unknown++;
        else if (s[k] !== shape[k]) return undefined;
      }
      if (unknown > 1) return undefined;
    }
    let n = 1;
    for (let k = 0; k < shape.length; k++) n *= shape[k];
    // why: plain arrays of numbers (a Python list) convert straight into the reused buffer.
    if (Array.isArray(v)) return shape.length === 1 && v.length === n ? this.feedDicts.numbers(t, v) : undefined;
    if (!ArrayBuffer.isView(v) || v.constructor !== storageFor(t.dtype) || t.dtype === 'bool' || t.dtype === 'int64') return undefined;
    return (v as TypedArray).length === n ? (v as TypedArray) : undefined;
  }

  /**
   * Prunes the graph to what the fetches need, orders it and compiles it, cached per fetch set,
   * feed set and (for compiled plans, which are specialised on them) feed shapes.
   * why: ops are immutable once created and new ops cannot become inputs of old ones, so a plan
   * stays valid however the graph grows.
   */
  private plan(flat: FlatFetches, feeds: Map<Tensor, NDArray>): PlanEntry {
    // why: a loop feeding the same placeholders with the same shapes skips building the key.
    const last = flat.last;
    if (last && last.session === this && sameFeeds(last.feedOrder, last.feedShapes, feeds)) return last;
    let key = '';
    for (const [t, v] of feeds) key += `${t.op.id}:${t.valueIndex}:${v.shape.join('x')}|`;
    const cached = flat.plans.get(key);
    if (cached && cached.session === this) return (flat.last = cached);
    const schedule = buildSchedule(flat, feeds);
    let feedOrder = [...feeds.keys()];
    let compiled: CompiledPlan | null = null;
    let bound: BoundRun | null = null;
    const compiler = this.executor === 'compiled' ? this.compiler : null;
    if (compiler) {
      try {
        // why: a plan with run-time dims, compiled for another batch size, serves this one too.
        let byFeedSet = this.parametricPlans.get(flat.plans);
        if (!byFeedSet) this.parametricPlans.set(flat.plans, (byFeedSet = new Map()));
        const feedSet = feedOrder.map((t) => `${t.op.id}:${t.valueIndex}`).sort().join('|');
        const shared = byFeedSet.get(feedSet) ?? [];
        for (const p of shared) {
          bound = p.bindShapes(p.feeds.map((t) => feeds.get(t)!.shape));
          if (bound) { compiled = p; break; }
        }
        if (!compiled) {
          compiled = compiler({
            graph: this.graph, schedule, fetches: flat.tensors, targets: flat.targets,
            feeds: feedOrder.map((t) => ({ tensor: t, shape: feeds.get(t)!.shape })),
          });
          bound = compiled;
          if (compiled?.parametric) byFeedSet.set(feedSet, [compiled, ...shared].slice(0, MAX_PARAMETRIC_PLANS));
        }
      } catch (e) {
        // why: a bad run found while compiling (a fed shape an op refuses) reports an uninitialised
        // variable first, as every run does, whichever executor.
        throw uninitialisedRead(schedule, feeds, flat.tensors, this.variables) ?? e;
      }
      // why: a precompiled plan takes its feeds in its own order.
      if (compiled) feedOrder = [...compiled.feeds];
    }
    const feedShapes = feedOrder.map((t) => feeds.get(t)!.shape);
    const randomOps = compiled?.randomOps ?? [];
    const runtime: PlanRuntime = { randomStream: (i) => this.randomStream(randomOps[i]) };
    const entry: PlanEntry = { session: this, schedule, feedOrder, feedShapes, compiled, bound, runtime, vars: null, varsVersion: -1, views: [] };
    // why: plans are specialised on feed shapes; a stream of new shapes must not grow memory forever.
    if (flat.plans.size >= MAX_PLANS_PER_FETCH_SET) flat.plans.delete(flat.plans.keys().next().value!);
    flat.plans.set(key, entry);
    return (flat.last = entry);
  }

  /** @internal The compiled plan a run with these fetches and feeds uses (null: interpreted). */
  _planFor(fetches: Fetches, feedDict?: FeedDict | null): CompiledPlan | null {
    return this.plan(this.flatten(fetches), this.feedDicts.convert(feedDict ?? undefined)).compiled;
  }
}

interface PlanEntry {
  session: Session;
  schedule: Operation[];
  feedOrder: Tensor[];
  feedShapes: number[][];
  compiled: CompiledPlan | null;
  /** The compiled plan sized for this entry's feed shapes (its own run and result shapes). */
  bound: BoundRun | null;
  /** What the compiled plan's host calls draw random streams from. */
  runtime: PlanRuntime | null;
  /** The variable storage arrays the plan runs on, valid while varsVersion is current. */
  vars: (TypedArray | undefined)[] | null;
  varsVersion: number;
  /** With reuseOutputs: the NDArray views on the plan's output buffers, made once. */
  views: NDArray[];
}

/** The first op of a schedule that reads variable v (the op the interpreter's error names). */
function readerOf(v: Operation, schedule: readonly Operation[]): Operation {
  // why: Assign only writes through the reference; every other consumer reads the value.
  return schedule.find((op) => op.type !== 'Assign' && op.inputs.some((t) => t.op === v)) ?? v;
}

function copyArray(a: NDArray): NDArray {
  return new NDArray(a.data.slice(), a.shape, a.dtype);
}

