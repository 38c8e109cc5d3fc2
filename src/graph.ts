// Graph, Operation and Tensor: TF1's symbolic graph, its naming rules, the default-graph
// stack, name scopes and control-dependency scopes. Ops are built through `createOp`.
import { inspectCustom } from './inspect.js';
import type { DType } from './dtypes.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import type { NDArray } from './ndarray.js';
import type { Attrs, AttrValue, OpSpec } from './op_spec.js';
import { formatShape, shapeProblem, type Shape } from './shape.js';
import { creationSite } from './source_location.js';

let nextGraphId = 1;

export class Graph {
  readonly id = nextGraphId++;
  /** Incremented on every change; sessions key their plan caches on it. */
  version = 0;
  /** Graph-level random seed (tf.setRandomSeed). */
  seed: number | null = null;
  private readonly ops: Operation[] = [];
  private readonly byName = new Map<string, Operation>();
  private readonly namesInUse = new Map<string, number>();
  private readonly collections = new Map<string, unknown[]>();
  /** Names marked while a build step runs (name, previous count), so a failed step can take them back. */
  private journal: [string, number | undefined][] | null = null;
  /** The collections added to during the current atomic step, in order (taken back on failure). */
  private collectionJournal: string[] | null = null;
  /** @internal */ nameStack = '';
  /** @internal */ controlStack: Operation[][] = [];
  /**
   * @internal While a tf.cond branch or tf.whileLoop body is traced: maps each input of a new op
   * (an outer tensor becomes the function's input placeholder). See src/ops/functions.ts.
   */
  capture: ((t: Tensor, spec: OpSpec, index: number) => Tensor) | null = null;

  getOperations(): Operation[] {
    return [...this.ops];
  }

  /** The number of ops (without copying the list). */
  get opCount(): number {
    return this.ops.length;
  }

  getOperationByName(name: string): Operation {
    const op = this.byName.get(name);
    if (!op) throw new NotFoundError(`The name '${name}' refers to an Operation not in the graph.`);
    return op;
  }

  getTensorByName(name: string): Tensor {
    const m = /^(.*):(\d+)$/.exec(name);
    if (!m) {
      throw new InvalidArgumentError(`The name '${name}' looks like an (invalid) Operation name, not a Tensor. Tensor names must be of the form "<op_name>:<output_index>".`);
    }
    const op = this.byName.get(m[1]);
    if (!op) throw new NotFoundError(`The name '${name}' refers to a Tensor which does not exist. The operation, '${m[1]}', does not exist in the graph.`);
    const t = op.outputs[Number(m[2])];
    if (!t) throw new NotFoundError(`The name '${name}' refers to a Tensor which does not exist. The operation, '${m[1]}', exists but only has ${op.outputs.length} outputs.`);
    return t;
  }

  /** A Tensor for 'op:i', an Operation for 'op' (what sess.run accepts as a fetch name). */
  asGraphElement(name: string): Tensor | Operation {
    return name.includes(':') ? this.getTensorByName(name) : this.getOperationByName(name);
  }

  /** TF1's unique_name: `Const`, then `Const_1`; case-insensitive, so `Add` then `add_1`. */
  uniqueName(name: string, markAsUsed = true): string {
    if (this.nameStack) name = `${this.nameStack}/${name}`;
    let key = name.toLowerCase();
    let i = this.namesInUse.get(key) ?? 0;
    if (markAsUsed) this.markName(key, i + 1);
    if (i > 0) {
      const base = key;
      while (this.namesInUse.has(key)) {
        key = `${base}_${i}`;
        i++;
      }
      if (markAsUsed) this.markName(key, 1);
      name = `${name}_${i - 1}`;
    }
    return name;
  }

  private markName(key: string, count: number): void {
    this.journal?.push([key, this.namesInUse.get(key)]);
    this.namesInUse.set(key, count);
  }

  /**
   * @internal Runs one build step (an op, a name scope); if it throws, the ops, names and
   * collection entries it added are taken back, so a rejected call leaves the graph as it was.
   */
  atomically<T>(fn: () => T): T {
    const outer = this.journal, outerCollections = this.collectionJournal;
    const journal = outer ?? [], added = outerCollections ?? [];
    const mark = journal.length, addedMark = added.length, opCount = this.ops.length;
    this.journal = journal;
    this.collectionJournal = added;
    try {
      return fn();
    } catch (e) {
      // why: a variable of a rejected step (a layer failing after its weights) leaves no entry
      // in tf.globalVariables() pointing at ops no longer in the graph.
      for (let i = added.length - 1; i >= addedMark; i--) this.collections.get(added[i])!.pop();
      added.length = addedMark;
      for (let i = journal.length - 1; i >= mark; i--) {
        const [key, previous] = journal[i];
        if (previous === undefined) this.namesInUse.delete(key);
        else this.namesInUse.set(key, previous);
      }
      journal.length = mark;
      if (this.ops.length > opCount) {
        for (const op of this.ops.splice(opCount)) this.byName.delete(op.name);
        this.version++;
      }
      throw e;
    } finally {
      this.journal = outer;
      this.collectionJournal = outerCollections;
    }
  }

  /** Runs fn with this graph as the default graph. */
  asDefault<T>(fn: () => T): T {
    graphStack.push(this);
    try {
      return fn();
    } finally {
      graphStack.pop();
    }
  }

  getCollection<T = unknown>(key: string): T[] {
    return [...((this.collections.get(key) as T[] | undefined) ?? [])];
  }

  addToCollection(key: string, value: unknown): void {
    let list = this.collections.get(key);
    if (!list) this.collections.set(key, (list = []));
    list.push(value);
    this.collectionJournal?.push(key);
    this.version++;
  }

  /** @internal Registers a freshly built op. */
  addOp(op: Operation): void {
    if (this.byName.has(op.name)) {
      throw new InvalidArgumentError(`Duplicate node name in graph: '${op.name}'`);
    }
    this.ops.push(op);
    this.byName.set(op.name, op);
    this.version++;
  }

  toString(): string {
    return `<tfgen.Graph id=${this.id} ops=${this.ops.length}>`;
  }

  [inspectCustom](): string {
    return this.toString();
  }
}

export class Operation {
  readonly graph: Graph;
  readonly name: string;
  readonly type: string;
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  readonly controlInputs: readonly Operation[];
  readonly attrs: Readonly<Attrs>;
  readonly spec: OpSpec;
  /** Position in the graph (creation order, a valid topological order). */
  readonly id: number;
  private readonly site: object;

  /** @internal Use createOp. */
  constructor(graph: Graph, spec: OpSpec, name: string, inputs: Tensor[], controlInputs: Operation[], attrs: Attrs, site: object) {
    this.graph = graph;
    this.spec = spec;
    this.type = spec.type;
    this.name = name;
    this.inputs = inputs;
    this.controlInputs = controlInputs;
    this.attrs = attrs;
    this.site = site;
    this.id = graph.opCount;
    this.outputs = [];
  }

  getAttr(key: string): AttrValue | undefined {
    if (!(key in this.attrs)) {
      throw new InvalidArgumentError(`Operation '${this.name}' (${this.type}) has no attr named '${key}'.`);
    }
    return this.attrs[key];
  }

  /** `file:line:col` of the user code that created this op. */
  get location(): string | undefined {
    return creationSite(this.site);
  }

  toString(): string {
    return `<tf.Operation '${this.name}' type=${this.type}>`;
  }

  [inspectCustom](): string {
    return this.toString();
  }
}

export class Tensor {
  readonly op: Operation;
  readonly valueIndex: number;
  readonly dtype: DType;
  readonly shape: Shape;
  /** True for a variable's reference output (TF1 prints its dtype as `float32_ref`). */
  readonly isRef: boolean;

  constructor(op: Operation, valueIndex: number, dtype: DType, shape: Shape, isRef = false) {
    this.op = op;
    this.valueIndex = valueIndex;
    this.dtype = dtype;
    this.shape = shape;
    this.isRef = isRef;
  }

  get name(): string {
    return `${this.op.name}:${this.valueIndex}`;
  }

  get graph(): Graph {
    return this.op.graph;
  }

  /** Rank when known statically, else null. */
  get rank(): number | null {
    return this.shape === null ? null : this.shape.length;
  }

  toString(): string {
    return `<tf.Tensor '${this.name}' shape=${formatShape(this.shape)} dtype=${this.dtype}${this.isRef ? '_ref' : ''}>`;
  }

  [inspectCustom](): string {
    return this.toString();
  }
}

const globalDefault = { graph: new Graph() };
const graphStack: Graph[] = [];

/**
 * Graphs of open InteractiveSessions made on another graph than the default, newest last, with
 * the asDefault depth at their creation: such a graph is the default over the asDefault frames
 * that were open then (as TF1's session enters its graph), not over ones opened later.
 */
const sessionGraphs: { graph: Graph; depth: number }[] = [];

export function getDefaultGraph(): Graph {
  const s = sessionGraphs.length ? sessionGraphs[sessionGraphs.length - 1] : undefined;
  if (s && s.depth >= graphStack.length) return s.graph;
  return graphStack.length ? graphStack[graphStack.length - 1] : globalDefault.graph;
}

/** @internal An InteractiveSession on graph g makes g the default until it is closed. */
export function enterSessionGraph(g: Graph): void {
  sessionGraphs.push({ graph: g, depth: graphStack.length });
}

export function exitSessionGraph(g: Graph): void {
  const i = sessionGraphs.findLastIndex((s) => s.graph === g);
  if (i >= 0) sessionGraphs.splice(i, 1);
}

/** Makes a fresh, empty global default graph (old graphs stay valid for whoever holds them). */
export function resetDefaultGraph(): void {
  if (graphStack.length) {
    throw new InvalidArgumentError('Do not use resetDefaultGraph() inside graph.asDefault(): it would replace the graph that is in use.');
  }
  globalDefault.graph = new Graph();
}

/**
 * Runs fn inside a name scope: ops it creates are named `scope/...`. A name ending in '/'
 * re-enters that exact scope; otherwise the scope name is made unique, as TF1 does.
 */
export function nameScope<T>(name: string, fn: (scope: string) => T): T {
  const g = getDefaultGraph();
  const old = g.nameStack;
  // why: a call that fails inside its scope (a bad argument found after its constants were made)
  // leaves neither those ops nor the scope's name behind.
  return g.atomically(() => {
    let scope: string;
    if (!name) scope = '';
    else if (name.endsWith('/')) scope = name.slice(0, -1);
    else scope = g.uniqueName(name);
    g.nameStack = scope;
    try {
      return fn(scope ? `${scope}/` : '');
    } finally {
      g.nameStack = old;
    }
  });
}

/** Runs fn as one build step of the default graph: if it throws, the ops and names it added are taken back. */
export function atomically<T>(fn: () => T): T {
  return getDefaultGraph().atomically(fn);
}

/** Ops created inside fn run only after `deps`; `null` clears the outer dependencies. */
export function controlDependencies<T>(deps: readonly (Operation | Tensor | { op: Operation })[] | null, fn: () => T): T {
  const g = getDefaultGraph();
  const saved = g.controlStack;
  const ops = (deps ?? []).map((d) => (d instanceof Operation ? d : d.op));
  for (const op of ops) {
    if (op.graph !== g) throw new InvalidArgumentError(`Control dependency ${op} is from another graph than the default graph.`);
  }
  g.controlStack = deps === null ? [ops] : [...saved, ops];
  try {
    return fn();
  } finally {
    g.controlStack = saved;
  }
}

/**
 * Builds an op in the graph of its inputs (or the default graph): checks that all inputs share
 * one graph, names it, runs the spec's shape rule, attaches control dependencies.
 */
export function createOp(spec: OpSpec, inputs: Tensor[], attrs: Attrs = {}, name?: string): Operation {
  let g = inputs.length ? inputs[0].graph : getDefaultGraph();
  const capture = g.capture;
  if (capture && inputs.length) {
    inputs = inputs.map((t, i) => capture(t, spec, i));
    g = inputs[0].graph;
  }
  for (const t of inputs) {
    if (t.graph !== g) {
      throw new InvalidArgumentError(`${t} must be from the same graph as ${inputs[0]} (op ${spec.type}).`);
    }
  }
  // why: the name is marked used only once the shape rule accepts the inputs (a rejected op leaves no trace).
  const opName = name && name.endsWith('/') ? name.slice(0, -1) : g.uniqueName(name || spec.type, false);
  const infos = spec.infer({
    inputs,
    attrs,
    name: opName,
    constantValue: (i) => constantValue(inputs[i]),
  });
  infos.forEach((o, i) => {
    const problem = shapeProblem(o.shape);
    // why: a shape no tensor can have fails where it is written, not as a RangeError in some kernel.
    if (problem) throw new InvalidArgumentError(`${spec.type} '${opName}': output ${i}: ${problem}.`);
  });
  if (!spec.acceptsStrings) {
    const str = inputs.find((t) => t.dtype === 'string');
    if (str || infos.some((o) => o.dtype === 'string')) {
      throw new InvalidArgumentError(`${spec.type} '${opName}' does not support string tensors${str ? ` (input ${str})` : ''}: strings flow only into summary ops and tf.identity.`);
    }
  }
  if (!(name && name.endsWith('/'))) g.uniqueName(name || spec.type);
  const inputOps = new Set(inputs.map((t) => t.op));
  const control: Operation[] = [];
  for (const level of g.controlStack) {
    for (const c of level) if (!inputOps.has(c) && !control.includes(c)) control.push(c);
  }
  const op = new Operation(g, spec, opName, inputs, control, attrs, captureSite());
  (op.outputs as Tensor[]).push(...infos.map((o, i) => new Tensor(op, i, o.dtype, o.shape, o.isRef)));
  g.addOp(op);
  return op;
}

/** Captures the call stack cheaply; it is formatted only when an error needs the location. */
function captureSite(): object {
  const site = {};
  const old = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  Error.captureStackTrace(site, createOp);
  Error.stackTraceLimit = old;
  return site;
}

/** Constant folding at graph-building time for shape arguments (TF1's constant_value). */
export function constantValue(t: Tensor | undefined): NDArray | undefined {
  if (!t) return undefined;
  return t.op.spec.constant?.(t.op);
}
