// The name-based plan runner: binds a plan's data (buffers, constants, host calls) to the
// factory its backend made from the plan text, and gives the `run` a session calls. Shared by
// the JIT and by precompiled modules (no compiler here, no `new Function`).
import { allocate, type TypedArray } from '../dtypes.js';
import { MAX_ELEMENTS } from '../shape.js';
import { InvalidArgumentError, OpError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import type { KernelContext, OpSpec } from '../op_spec.js';
import * as kernelLib from './kernel_lib.js';
import type { HostCallData, OpDescription, PlanData, PlanDim } from './plan_data.js';

/**
 * Finds an op type's reference kernel for host calls: `opSpec` of tfgen/runtime/ops (the op
 * table). A plan without host calls needs none, so modules that lower every op skip the table.
 */
export type OpKernels = (type: string) => Pick<OpSpec, 'reference'> | undefined;

const noKernels: OpKernels = () => undefined;

/** What a run needs from its session: the random stream of `randomOps[index]`. */
export interface PlanRuntime {
  randomStream(index: number): () => number;
}

/**
 * feeds (plan order) and variable storage (plan order) → fetched values, then write values.
 * `homes`: where a backend keeps variables in memory of its own (the wasm backend: regions of its
 * wasm memory, by variable index); a variable whose storage is its home is not copied in.
 */
export type PlanRun = ((feeds: TypedArray[], vars: (TypedArray | undefined)[], rt: PlanRuntime) => TypedArray[]) & {
  readonly homes?: PlanHomes;
  /** The run settles the deferred device write backs it reads itself (the gpu backend); others need them settled first (storage_stamps.ts). */
  readonly settlesOwn?: true;
};

export interface PlanHomes {
  readonly variables: readonly (TypedArray | undefined)[];
}

export type HostFn = (rt: PlanRuntime, ...inputs: TypedArray[]) => TypedArray[];
export type FailFn = (opName: string, message: string) => never;

/** The contract of a backend's instantiated text (codegen/README.md, "The plan factory"). */
export type PlanFactory = (bufs: TypedArray[], consts: TypedArray[], host: HostFn[], fail: FailFn, lib: typeof kernelLib, dims: readonly number[], backendState?: unknown) => PlanRun;

/** A plan dim's value for the run-time dims `dims`. */
export function dimValue(d: PlanDim, dims: readonly number[]): number {
  if (typeof d === 'number') return d;
  let v = d.c;
  for (const k of d.d) v *= dims[k];
  return v;
}

/**
 * The run-time dims of a plan for fed shapes (plan feed order): `{dims}`; null when the shapes
 * need another plan (a concrete dim differs, a run-time dim is fed 0 or 1, or two fed dims the
 * plan took as one differ); throws InvalidArgumentError naming both tensors when the graph itself
 * needs two fed dims equal.
 */
export function dimsForFeeds(data: Pick<PlanData, 'feeds' | 'dims' | 'dimChecks' | 'sizeLimits'>, shapes: readonly (readonly number[])[]): { dims: number[] } | null {
  const dims = data.dims.map(({ feed, axis }) => shapes[feed]?.[axis] ?? -1);
  // why: a plan whose gradients' bookkeeping took a dim to differ from 1 needs another plan at 1.
  if (dims.some((d, k) => d < data.dims[k].atLeast)) return null;
  for (let i = 0; i < data.feeds.length; i++) {
    const want = data.feeds[i].shape, got = shapes[i];
    if (!got || got.length !== want.length) return null;
    for (let a = 0; a < want.length; a++) {
      if (dimValue(want[a], dims) === got[a]) continue;
      const check = data.dimChecks.find((c) => c.feed === i && c.axis === a && c.op);
      if (check) {
        const src = data.dims[check.dim];
        throw new InvalidArgumentError(`Fed dims disagree: ${data.feeds[i].name} has dim ${a} = ${got[a]} but ${data.feeds[src.feed].name} has dim ${src.axis} = ` +
          `${dims[check.dim]}; ${check.op} needs them equal (shapes [${got}] and [${shapes[src.feed]}]).`);
      }
      return null;
    }
  }
  for (const l of data.sizeLimits) {
    const n = dimValue(l.size, dims);
    // why: a fused loop over more elements than a typed array holds would run for hours without allocating.
    if (n > MAX_ELEMENTS) throw new InvalidArgumentError(`a tensor of ${n} elements is more than a typed array can hold (2^32)`, l.op);
  }
  return { dims };
}

/**
 * Allocates the plan's buffers (sized for the run-time dims `dims`, if it has any), binds its
 * constants and host calls and returns its `run`.
 */
export function instantiatePlan(data: PlanData, factory: PlanFactory, kernels: OpKernels = noKernels, dims: readonly number[] = [],
  backend?: { buffers?: TypedArray[]; state: unknown }): PlanRun {
  if (dims.length !== data.dims.length) {
    throw new InvalidArgumentError(`The plan takes ${data.dims.length} run-time dims (${data.feeds.map((f) => f.name).join(', ')}); got ${dims.length}: size it with dimsForFeeds.`);
  }
  const bufs: TypedArray[] = [
    // why: a backend may place the buffers itself (the wasm backend: views into its memory).
    ...(backend?.buffers ?? data.buffers.map((b) => allocate(b.dtype, dimValue(b.length, dims)))),
    ...data.scratch.map((n) => new Float64Array(dimValue(n, dims))),
  ];
  const host = data.hostCalls.map((call) => hostCall(call, kernels, dims));
  const errorOps = new Map(data.errorOps.map((op) => [op.name, op]));
  const fail: FailFn = (opName, message) => {
    throw new InvalidArgumentError(message, errorOps.get(opName) ?? null);
  };
  return factory(bufs, data.constants.map((c) => c.data), host, fail, kernelLib, dims, backend?.state);
}

/** A host call: wraps typed arrays as NDArrays and runs the op type's reference kernel. */
export function hostCall(call: HostCallData, kernels: OpKernels, dims: readonly number[] = []): HostFn {
  const op = call.op;
  const spec = kernels(op.type);
  if (!spec) {
    throw new InvalidArgumentError(`The plan calls the reference kernel of ${op.type} (op '${op.name}'), which is not available here: ` +
      `pass opSpec from tfgen/runtime/ops, or compile a plan in which every op lowers.`, op);
  }
  const shapes = call.inputs.map((x) => x.shape.map((d) => dimValue(d, dims)));
  const refuse = (what: string) => () => { throw new InvalidArgumentError(`${op.type} ${what} in a host call`, op); };
  return (rt, ...arrays) => {
    const inputs = arrays.map((a, i) => new NDArray(a, shapes[i], call.inputs[i].dtype));
    const ctx: KernelContext = {
      op,
      refInput: refuse('reads a variable reference'),
      readVariable: refuse('reads a variable'),
      writeVariable: refuse('writes a variable'),
      isInitialized: () => false,
      randomStream: () => {
        if (call.stream === null) throw new InvalidArgumentError(`${op.type} draws random numbers without a stream`, op);
        return rt.randomStream(call.stream);
      },
    };
    let outs;
    try {
      outs = spec.reference(inputs, ctx) as NDArray[];
    } catch (e) {
      if (e instanceof OpError) throw e;
      throw new InvalidArgumentError((e as Error).message, op);
    }
    // why: reference kernels may return their input's storage (Squeeze, ExpandDims, Identity);
    // that input is a planned buffer, reused by later kernels once the host call has read it.
    return call.outputs.map((k) => (arrays.some((a) => a.buffer === outs[k].data.buffer) ? outs[k].data.slice() : outs[k].data));
  };
}

export type { OpDescription };
