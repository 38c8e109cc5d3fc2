// Running one plan's data against a session's state by name: feed conversion and checks, the
// uninitialised-variable check, the generated run, results as sess.run returns them, writes
// committed in order (all after the run, so a run that throws changes no variable).
import type { TypedArray } from '../dtypes.js';
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import { convertFeed, type FeedValue } from '../feeds.js';
import type { Tensor } from '../graph.js';
import { NDArray } from '../ndarray.js';
import type { BoundPlan, GpuRuntime } from './model.js';
import type { GpuDevice } from './gpu_device.js';
import type { PlanDim } from './plan_data.js';
import { dimValue } from './runner.js';
import { moveIntoHomes } from './wasm_runner.js';
import { bumpStorage, settleWriteBacks } from './storage_stamps.js';

export interface PlanState {
  /** Variable values by VariableV2 name. */
  readonly variables: Map<string, NDArray>;
  randomStream(op: string): () => number;
  /** The session's gpu device (opened on first use), for plans of the gpu backend. */
  gpuDevice?(runtime: GpuRuntime): GpuDevice;
}

export type RunValue = number | boolean | NDArray | null;

/** Runs a plan found for the run (instantiated for the fed shapes); returns the values by fetched name. */
export function runPlanData(bound: BoundPlan, state: PlanState, feeds: ReadonlyMap<string, unknown>, reuse: boolean): Map<string, RunValue> {
  const data = bound.plan.data;
  for (const name of feeds.keys()) {
    if (!data.feeds.some((f) => f.name === name)) throw new InvalidArgumentError(`The plan does not feed ${name}.`);
  }
  const converted = data.feeds.map((f) => {
    if (!feeds.has(f.name)) throw new InvalidArgumentError(`You must feed a value for placeholder tensor '${f.name.replace(/:0$/, '')}' with dtype ${f.dtype}`);
    // why: the same conversion and checks as a Session's feeds; errors name the tensor.
    const like = { name: f.name, dtype: f.dtype, shape: f.shape.map((d) => (typeof d === 'number' ? d : null)), op: { name: f.name.split(':')[0], type: 'Placeholder' } };
    return convertFeed(like as unknown as Tensor, feeds.get(f.name) as FeedValue);
  });
  // why: the feeds were converted by the first plan's list; the plan chosen for their shapes
  // (same feeds in the same order) has its own variable, fetch and write order.
  const chosen = bound.runFor(converted.map((a) => a.shape), state);
  const { run, dims } = chosen;
  const plan = chosen.data;
  const shapeOf = (s: readonly PlanDim[]) => s.map((d) => dimValue(d, dims));
  for (const v of plan.variables) {
    if (v.read && !state.variables.has(v.name)) throw new FailedPreconditionError(`Attempting to use uninitialized value ${v.name}`);
  }
  // why: a device may hold variables' newest values (deferred write backs); a plan reading storage in JS needs them.
  if (!run.settlesOwn) settleWriteBacks();
  const vars = plan.variables.map((v) => state.variables.get(v.name)?.data);
  // why: a backend keeping variables in memory of its own (wasm) gets them moved there once.
  for (const i of moveIntoHomes(run, vars)) {
    const v = plan.variables[i], cur = state.variables.get(v.name)!;
    state.variables.set(v.name, new NDArray(vars[i]!, cur.shape, cur.dtype));
  }
  const res = run(converted.map((a) => a.data), vars, { randomStream: (i) => state.randomStream(plan.randomOps[i]) });
  const out = new Map<string, RunValue>();
  const n = plan.fetches.length;
  plan.fetches.forEach((f, i) => {
    const shape = shapeOf(f.shape);
    const a = res[i];
    if (shape.length === 0) out.set(f.name, f.dtype === 'bool' ? a[0] !== 0 : a[0]);
    else out.set(f.name, new NDArray(reuse && f.inPlanBuffer ? a : a.slice(), shape, f.dtype));
  });
  for (const r of plan.refFetches) {
    const start = state.variables.get(plan.variables[r.variable].name);
    const f = plan.fetches[r.output];
    if (r.written && start) out.set(f.name, start.shape.length === 0 ? (f.dtype === 'bool' ? start.data[0] !== 0 : start.data[0]) : new NDArray(start.data.slice(), start.shape, start.dtype));
  }
  // why: a value read from variable storage (x ← y, y ← x) is copied before the first commit.
  const src: TypedArray[] = plan.writes.map((w, i) => (w.mayAliasState ? res[n + i].slice() : res[n + i]));
  plan.writes.forEach((w, i) => {
    const v = plan.variables[w.variable];
    const cur = state.variables.get(v.name);
    // why: a device backend's copy of this variable is then stale unless its own run wrote it (storage_stamps.ts).
    if (cur && src[i] === cur.data) return; // a device kept the new value (a deferred write back)
    if (cur && cur.data.length === src[i].length) { cur.data.set(src[i]); bumpStorage(cur.data); }
    else state.variables.set(v.name, new NDArray(src[i].slice(), shapeOf(w.shape), v.dtype));
  });
  return out;
}
