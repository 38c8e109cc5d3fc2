// The contract between sessions and compiled plans. The session prunes and schedules the graph;
// a PlanCompiler (the JIT in codegen/, or a precompiled module's lookup) gives the plan's data
// (src/runtime/plan_data.ts) and its run function; `bindPlan` resolves the data's names against
// the session's graph, so JIT and precompiled plans take the same path through the session.
// Kept in src/ so sessions never import the compiler.
import type { DType } from './dtypes.js';
import { InvalidArgumentError, NotFoundError } from './errors.js';
import type { Graph, Operation, Tensor } from './graph.js';
import type { PlanData, PlanDim } from './runtime/plan_data.js';
import { dimsForFeeds, dimValue, type PlanRun, type PlanRuntime } from './runtime/runner.js';

export type { PlanRuntime };

/** A plan sized for one set of fed shapes: its run and the shapes of its results. */
export interface BoundRun {
  /** feeds (plan feed order) and variable storage (plan order) → outputs then write values. */
  readonly run: PlanRun;
  readonly outputShapes: readonly (readonly number[])[];
  readonly writeShapes: readonly (readonly number[])[];
  /** `run` returns a Promise (a device without synchronous readback): only sess.runAsync runs it. */
  readonly async?: boolean;
}

export interface CompiledPlan extends BoundRun {
  readonly data: PlanData;
  /** The rendered text (for inspection and tests). */
  readonly source: string;
  /** Fed tensors in the order `run` takes their arrays. */
  readonly feeds: readonly Tensor[];
  /** Variables in the order `run` takes their storage. */
  readonly variables: readonly Operation[];
  /** The element count of each variable the plan was compiled for. */
  readonly variableSizes: readonly number[];
  /** Variables read from the session's state (must be initialised before the run). */
  readonly readVariables: readonly Operation[];
  /** Random ops whose streams host calls draw from, by stream index. */
  readonly randomOps: readonly Operation[];
  readonly outputDTypes: readonly DType[];
  /** Whether each output lives in a buffer of the plan (not a feed, constant or variable storage). */
  readonly outputInPlanBuffer: readonly boolean[];
  /** Values written to variables, after the outputs in `run`'s result, committed in order. */
  readonly writes: readonly { variable: Operation; shape: readonly number[]; mayAliasState: boolean }[];
  /** Fetched variables: their start-of-run value, or (when uninitialised then) the written one. */
  readonly refFetches: readonly { output: number; variable: Operation; written: boolean }[];
  readonly kernelCount: number;
  /** Whether the plan takes run-time dims (one plan for many fed shapes). */
  readonly parametric: boolean;
  /**
   * The plan sized for other fed shapes (plan feed order), or null when it does not serve them;
   * throws InvalidArgumentError when the shapes contradict the graph (naming both tensors).
   */
  bindShapes(feedShapes: readonly (readonly number[])[]): BoundRun | null;
}

export interface PlanInput {
  /** The session's graph (names in plan data resolve against it). */
  graph: Graph;
  schedule: readonly Operation[];
  fetches: readonly Tensor[];
  feeds: readonly { tensor: Tensor; shape: readonly number[] }[];
  /** Operations the run executes for their effect. */
  targets?: readonly Operation[];
}

/** Returns null when the plan cannot be compiled (the session then interprets it). */
export type PlanCompiler = (input: PlanInput) => CompiledPlan | null;

/**
 * The session-side view of a plan: its data's names resolved to this graph's ops and tensors,
 * sized for `feedShapes` (the fed shapes it was compiled for). `instantiate` makes the plan's run
 * for a set of run-time dims (a backend's instantiate, or instantiatePlan with a module's factory).
 */
export function bindPlan(data: PlanData, instantiate: (dims: readonly number[]) => PlanRun, graph: Graph,
  feedShapes: (t: Tensor) => readonly number[] | undefined): CompiledPlan {
  const op = (name: string): Operation => {
    try {
      return graph.getOperationByName(name);
    } catch {
      throw new NotFoundError(`A compiled plan refers to op '${name}', which is not in this session's graph.`);
    }
  };
  const tensor = (name: string): Tensor => {
    const [opName, index] = name.split(':');
    const t = op(opName).outputs[Number(index)];
    if (!t) throw new NotFoundError(`A compiled plan refers to tensor '${name}', which is not in this session's graph.`);
    return t;
  };
  const variables = data.variables.map((v) => op(v.name));
  const feeds = data.feeds.map((f) => tensor(f.name));
  const bindShapes = (shapes: readonly (readonly number[])[]): BoundRun | null => {
    const fit = dimsForFeeds(data, shapes);
    if (!fit) return null;
    const shape = (s: readonly PlanDim[]) => s.map((d) => dimValue(d, fit.dims));
    return {
      run: instantiate(fit.dims),
      outputShapes: data.fetches.map((f) => shape(f.shape)),
      writeShapes: data.writes.map((w) => shape(w.shape)),
      ...(data.async ? { async: true } : {}),
    };
  };
  const first = bindShapes(feeds.map((t) => feedShapes(t) ?? []));
  if (!first) throw new InvalidArgumentError(`A compiled plan does not fit the shapes it was compiled for (${data.feeds.map((f) => f.name).join(', ')}).`);
  return {
    ...first,
    data,
    source: data.text,
    feeds,
    variables,
    variableSizes: data.variables.map((v) => v.shape.reduce((a, b) => a * b, 1)),
    readVariables: variables.filter((_, i) => data.variables[i].read),
    randomOps: data.randomOps.map(op),
    outputDTypes: data.fetches.map((f) => f.dtype),
    outputInPlanBuffer: data.fetches.map((f) => f.inPlanBuffer),
    writes: data.writes.map((w, i) => ({ variable: variables[w.variable], shape: first.writeShapes[i], mayAliasState: w.mayAliasState })),
    refFetches: data.refFetches.map((r) => ({ output: r.output, variable: variables[r.variable], written: r.written })),
    kernelCount: data.kernels.length,
    parametric: data.dims.length > 0,
    bindShapes,
  };
}
