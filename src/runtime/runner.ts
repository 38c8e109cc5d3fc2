// The name-based plan runner: binds a plan's data (buffers, constants, host calls) to the
// factory its backend made from the plan text, and gives the `run` a session calls. Shared by
// the JIT and by precompiled modules (no compiler here, no `new Function`).
import { allocate, type TypedArray } from '../dtypes.js';
import { InvalidArgumentError, OpError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import type { KernelContext, OpSpec } from '../op_spec.js';
import * as kernelLib from './kernel_lib.js';
import type { HostCallData, OpDescription, PlanData } from './plan_data.js';

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

/** feeds (plan order) and variable storage (plan order) → fetched values, then write values. */
export type PlanRun = (feeds: TypedArray[], vars: (TypedArray | undefined)[], rt: PlanRuntime) => TypedArray[];

export type HostFn = (rt: PlanRuntime, ...inputs: TypedArray[]) => TypedArray[];
export type FailFn = (opName: string, message: string) => never;

/** The contract of a backend's instantiated text (codegen/README.md, "The plan factory"). */
export type PlanFactory = (bufs: TypedArray[], consts: TypedArray[], host: HostFn[], fail: FailFn, lib: typeof kernelLib) => PlanRun;

/** Allocates the plan's buffers, binds its constants and host calls and returns its `run`. */
export function instantiatePlan(data: PlanData, factory: PlanFactory, kernels: OpKernels = noKernels): PlanRun {
  const length = (d: number | string): number => {
    if (typeof d !== 'number') throw new Error(`plan buffer of symbolic length ${d} needs run-time dims`);
    return d;
  };
  const bufs: TypedArray[] = [
    ...data.buffers.map((b) => allocate(b.dtype, length(b.length))),
    ...data.scratch.map((n) => new Float64Array(length(n))),
  ];
  const host = data.hostCalls.map((call) => hostCall(call, kernels));
  const errorOps = new Map(data.errorOps.map((op) => [op.name, op]));
  const fail: FailFn = (opName, message) => {
    throw new InvalidArgumentError(message, errorOps.get(opName) ?? null);
  };
  return factory(bufs, data.constants.map((c) => c.data), host, fail, kernelLib);
}

/** A host call: wraps typed arrays as NDArrays and runs the op type's reference kernel. */
export function hostCall(call: HostCallData, kernels: OpKernels): HostFn {
  const op = call.op;
  const spec = kernels(op.type);
  if (!spec) {
    throw new InvalidArgumentError(`The plan calls the reference kernel of ${op.type} (op '${op.name}'), which is not available here: ` +
      `pass opSpec from tfgen/runtime/ops, or compile a plan in which every op lowers.`, op);
  }
  const shapes = call.inputs.map((x) => x.shape.map((d) => {
    if (typeof d !== 'number') throw new Error(`host call ${op.name}: symbolic input shapes are not supported`);
    return d;
  }));
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
