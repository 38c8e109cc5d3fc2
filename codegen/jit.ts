// The development path: compiles a session's plan with the pipeline and instantiates the
// rendered source with `new Function` (never used by shipped, ahead-of-time modules).
import { allocate, type TypedArray } from '../src/dtypes.js';
import { InvalidArgumentError, OpError } from '../src/errors.js';
import type { Operation } from '../src/graph.js';
import { NDArray } from '../src/ndarray.js';
import type { KernelContext } from '../src/op_spec.js';
import type { CompiledPlan, PlanCompiler, RunRuntime } from '../src/plan.js';
import * as runtimeLib from '../src/runtime/index.js';
import { NotCompilable } from './lower.js';
import { compileProgram, type CompileOptions } from './pipeline.js';

export function jitCompiler(opts: CompileOptions = {}): PlanCompiler {
  return (input) => {
    let compiled;
    try {
      compiled = compileProgram(input, opts);
    } catch (e) {
      if (e instanceof NotCompilable) return null;
      throw e;
    }
    const { program, rendered, memory, refFetches } = compiled;
    const bufs: TypedArray[] = [...memory.slots.map((s) => allocate(s.dtype, s.length)), ...rendered.scratch.map((n) => new Float64Array(n))];
    const host = rendered.hostOps.map(({ op, inputs, outputs }) =>
      hostCall(op, outputs.map((id) => program.nodes[id].attrs.hostIndex!), inputs.map((id) => program.nodes[id].shape)));
    const fail = (opName: string, message: string) => {
      const op = opName ? input.schedule.find((o) => o.name === opName) ?? null : null;
      throw new InvalidArgumentError(message, op);
    };
    const factory = new Function('bufs', 'consts', 'host', 'fail', 'lib', rendered.source);
    const run = factory(bufs, rendered.consts.map((c) => c.data), host, fail, runtimeLib) as (f: TypedArray[], v: TypedArray[], rt: RunRuntime) => TypedArray[];
    const plan: CompiledPlan = {
      source: rendered.source,
      variables: program.variables,
      variableSizes: program.variables.map((v) => (v.outputs[0].shape as number[]).reduce((a, b) => a * b, 1)),
      readVariables: compiled.readVariables.map((i) => program.variables[i]),
      outputShapes: program.outputs.map((id) => program.nodes[id].shape),
      outputDTypes: program.outputs.map((id) => program.nodes[id].dtype),
      // why: a host call returns a new array on every run, so a view made on the first run goes stale.
      outputInPlanBuffer: program.outputs.map((id) => !['input', 'read', 'const', 'host'].includes(storageRoot(program, id).prim)),
      writes: program.writes.map((w) => ({
        variable: program.variables[w.variable],
        shape: program.nodes[w.node].shape,
        mayAliasState: storageRoot(program, w.node).prim === 'read',
      })),
      refFetches: refFetches.map((r) => ({ output: r.output, variable: program.variables[r.variable], written: r.written !== null })),
      kernelCount: compiled.schedule.kernels.filter((k) => k.kind !== 'alias').length,
      run,
    };
    return plan;
  };
}

/** A host kernel: wraps typed arrays as NDArrays, runs the op's reference kernel. */
function hostCall(op: Operation, outIndices: number[], inShapes: (readonly number[])[]) {
  return (rt: RunRuntime, ...arrays: TypedArray[]): TypedArray[] => {
    const inputs = arrays.map((a, i) => new NDArray(a, inShapes[i], op.inputs[i].dtype));
    const ctx: KernelContext = {
      op,
      refInput: () => { throw new InvalidArgumentError(`${op.type} reads a variable reference in a host call`, op); },
      readVariable: () => { throw new InvalidArgumentError(`${op.type} reads a variable in a host call`, op); },
      writeVariable: () => { throw new InvalidArgumentError(`${op.type} writes a variable in a host call`, op); },
      isInitialized: () => false,
      randomStream: () => rt.randomStream(op),
    };
    let outs;
    try {
      outs = op.spec.reference(inputs, ctx) as NDArray[];
    } catch (e) {
      if (e instanceof OpError) throw e;
      throw new InvalidArgumentError((e as Error).message, op);
    }
    // why: reference kernels may return their input's storage (Squeeze, ExpandDims, Identity);
    // that input is a planned buffer, reused by later kernels once the host call has read it.
    return outIndices.map((k) => (arrays.some((a) => a.buffer === outs[k].data.buffer) ? outs[k].data.slice() : outs[k].data));
  };
}

/** The node whose storage a node's value lives in (through reshapes, which are views). */
function storageRoot(p: { nodes: readonly { prim: string; inputs: readonly number[] }[] }, id: number) {
  let n = p.nodes[id];
  while (n.prim === 'reshape') n = p.nodes[n.inputs[0]];
  return n;
}
