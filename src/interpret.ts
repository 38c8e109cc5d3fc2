// The reference interpreter: runs a pruned, scheduled graph op by op with each op's
// `reference` kernel. It is the oracle for tests and the debug executor. Variable writes go to
// an overlay that the caller commits only when the whole run succeeded.
import { FailedPreconditionError, InternalError, InvalidArgumentError, OpError } from './errors.js';
import type { Operation, Tensor } from './graph.js';
import { NDArray } from './ndarray.js';
import type { KernelContext, RuntimeValue, VariableHandle } from './op_spec.js';

export interface RunState {
  /** Committed variable values of the session. */
  readonly variables: Map<Operation, NDArray>;
  /** Per random op, the session's stream. */
  randomStream(op: Operation): () => number;
}

export interface RunResult {
  values: Map<Tensor, NDArray>;
  /** Variable writes of the run, to commit when it succeeded. */
  writes: Map<Operation, NDArray>;
}

export function isHandle(v: RuntimeValue | undefined): v is VariableHandle {
  return v !== undefined && !(v instanceof NDArray);
}

/**
 * The first read, in run order, of a variable that is neither initialised nor assigned earlier in
 * the run (a fetched variable is read after every op, in fetch order), as the error to throw; or
 * undefined. Both executors check this before running anything, so a run with an uninitialised
 * variable and another fault reports the variable on either.
 */
export function uninitialisedRead(schedule: readonly Operation[], feeds: ReadonlyMap<Tensor, NDArray>,
  fetches: readonly Tensor[], initialised: ReadonlyMap<Operation, unknown>): FailedPreconditionError | undefined {
  const assigned = new Set<Operation>();
  const missing = (t: Tensor) => t.op.type === 'VariableV2' && !feeds.has(t) && !initialised.has(t.op) && !assigned.has(t.op);
  const error = (v: Operation, reader: Operation) => new FailedPreconditionError(`Attempting to use uninitialized value ${v.name}`, reader);
  for (const op of schedule) {
    const refIdx = op.spec.refInputs ?? [];
    // why: Assign only writes through its reference; every other op reads its inputs, refs included.
    const readsRefs = op.type !== 'Assign';
    for (let i = 0; i < op.inputs.length; i++) {
      if ((readsRefs || !refIdx.includes(i)) && missing(op.inputs[i])) return error(op.inputs[i].op, op);
    }
    if (op.spec.writesState) for (const i of refIdx) assigned.add(op.inputs[i].op);
  }
  for (const t of fetches) if (missing(t)) return error(t.op, t.op);
  return undefined;
}

/**
 * Executes `schedule` (ops in a valid order) with `feeds` standing in for their tensors, and
 * returns the values of `fetches`. Throws a tf.errors error naming the failing op.
 */
export function interpret(schedule: readonly Operation[], feeds: Map<Tensor, NDArray>, fetches: readonly Tensor[], state: RunState): RunResult {
  const uninitialised = uninitialisedRead(schedule, feeds, fetches, state.variables);
  if (uninitialised) throw uninitialised;
  const values = new Map<Tensor, RuntimeValue>(feeds);
  const writes = new Map<Operation, NDArray>();
  const readVariable = (v: Operation, reader: Operation): NDArray => {
    const val = writes.get(v) ?? state.variables.get(v);
    if (!val) {
      throw new FailedPreconditionError(`Attempting to use uninitialized value ${v.name}`, reader);
    }
    return val;
  };
  const deref = (v: RuntimeValue, reader: Operation): NDArray => (isHandle(v) ? readVariable(v.variable, reader) : v);
  for (const op of schedule) {
    const refIdx = op.spec.refInputs ?? [];
    const handles: (Operation | undefined)[] = [];
    const inputs = op.inputs.map((t, i) => {
      const v = values.get(t);
      if (v === undefined) throw new InternalError(`Input ${t.name} of '${op.name}' was not computed before it (bad schedule).`, op);
      if (refIdx.includes(i)) {
        if (!isHandle(v)) throw new InvalidArgumentError(`Input ${i} of '${op.name}' must be a variable reference; it was fed a value.`, op);
        handles[i] = v.variable;
        return undefined as unknown as NDArray;
      }
      return deref(v, op);
    });
    const ctx: KernelContext = {
      op,
      refInput: (i) => handles[i]!,
      readVariable: (v) => readVariable(v, op),
      writeVariable: (v, val) => { writes.set(v, val); },
      isInitialized: (v) => writes.has(v) || state.variables.has(v),
      randomStream: () => state.randomStream(op),
    };
    let outs: RuntimeValue[];
    try {
      outs = op.spec.reference(inputs, ctx);
    } catch (e) {
      if (e instanceof OpError && e.op) throw e;
      // why: kernels share helpers that throw without knowing the op; attach it (same error class).
      const Ctor = e instanceof OpError ? (e.constructor as new (m: string, o: Operation) => OpError) : InvalidArgumentError;
      throw new Ctor(e instanceof OpError ? e.shortMessage : `${(e as Error).message ?? String(e)}`, op);
    }
    op.outputs.forEach((t, i) => {
      // why: a fed tensor keeps its fed value even when its op runs for another output.
      if (!feeds.has(t)) values.set(t, outs[i]);
    });
  }
  const result = new Map<Tensor, NDArray>();
  for (const t of fetches) {
    const v = values.get(t);
    if (v === undefined) throw new InternalError(`Fetch ${t.name} was not computed.`, t.op);
    // why: a fetched variable shows its value as the run found it (TF1 notebooks print the
    // pre-update x beside an update); only a variable first initialised in this run shows the new value.
    result.set(t, isHandle(v) ? (state.variables.get(v.variable) ?? readVariable(v.variable, t.op)) : v);
  }
  return { values: result, writes };
}
