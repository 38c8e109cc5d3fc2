// The contract between sessions and compiled plans. The session prunes and schedules the graph;
// a PlanCompiler (the JIT in codegen/, or a precompiled module's lookup) gives the plan's data
// (src/runtime/plan_data.ts) and its run function; `bindPlan` resolves the data's names against
// the session's graph, so JIT and precompiled plans take the same path through the session.
// Kept in src/ so sessions never import the compiler.
import type { DType } from './dtypes.js';
import { NotFoundError } from './errors.js';
import type { Graph, Operation, Tensor } from './graph.js';
import type { PlanData } from './runtime/plan_data.js';
import type { PlanRun, PlanRuntime } from './runtime/runner.js';

export type { PlanRuntime };

export interface CompiledPlan {
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
  readonly outputShapes: readonly (readonly number[])[];
  readonly outputDTypes: readonly DType[];
  /** Whether each output lives in a buffer of the plan (not a feed, constant or variable storage). */
  readonly outputInPlanBuffer: readonly boolean[];
  /** Values written to variables, after the outputs in `run`'s result, committed in order. */
  readonly writes: readonly { variable: Operation; shape: readonly number[]; mayAliasState: boolean }[];
  /** Fetched variables: their start-of-run value, or (when uninitialised then) the written one. */
  readonly refFetches: readonly { output: number; variable: Operation; written: boolean }[];
  readonly kernelCount: number;
  /** feeds (plan feed order) and variable storage (plan order) → outputs then write values. */
  readonly run: PlanRun;
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

const concrete = (shape: readonly (number | string)[], what: string): number[] => shape.map((d) => {
  if (typeof d !== 'number') throw new Error(`${what} has a symbolic dim ${d}: bind it with the fed shapes`);
  return d;
});

/** The session-side view of a plan: its data's names resolved to this graph's ops and tensors. */
export function bindPlan(data: PlanData, run: PlanRun, graph: Graph): CompiledPlan {
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
  return {
    data,
    source: data.text,
    feeds: data.feeds.map((f) => tensor(f.name)),
    variables,
    variableSizes: data.variables.map((v) => v.shape.reduce((a, b) => a * b, 1)),
    readVariables: variables.filter((_, i) => data.variables[i].read),
    randomOps: data.randomOps.map(op),
    outputShapes: data.fetches.map((f) => concrete(f.shape, `fetch ${f.name}`)),
    outputDTypes: data.fetches.map((f) => f.dtype),
    outputInPlanBuffer: data.fetches.map((f) => f.inPlanBuffer),
    writes: data.writes.map((w) => ({ variable: variables[w.variable], shape: concrete(w.shape, 'a variable write'), mayAliasState: w.mayAliasState })),
    refFetches: data.refFetches.map((r) => ({ output: r.output, variable: variables[r.variable], written: r.written })),
    kernelCount: data.kernels.length,
    run,
  };
}
