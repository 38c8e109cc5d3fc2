// The one place that turns a compiled program into PlanData (src/runtime/plan_data.ts), for
// every backend: interface by names, buffer plan, constants, host calls, the rendered text.
import type { Operation } from '../src/graph.js';
import type { OpDescription, PlanData } from '../src/runtime/plan_data.js';
import type { RenderedPlan } from './backend.js';
import type { Program } from './ir.js';
import type { LowerInput, RefFetch } from './lower.js';
import type { DType } from '../src/dtypes.js';
import { planDim, type Dim } from './dims.js';
import type { MemoryPlan } from './plan_memory.js';

/** An op as plan data: type, name, attrs and its source location, no live graph. */
export function describeOp(op: Operation): OpDescription {
  const location = op.location;
  return location ? { type: op.type, name: op.name, attrs: op.attrs, location } : { type: op.type, name: op.name, attrs: op.attrs };
}

/** The node whose storage a node's value lives in (through reshapes, which are views). */
function storageRoot(p: Program, id: number) {
  let n = p.nodes[id];
  while (n.prim === 'reshape') n = p.nodes[n.inputs[0]];
  return n;
}

export interface PlanParts {
  input: LowerInput;
  program: Program;
  refFetches: readonly RefFetch[];
  readVariables: readonly number[];
  dims: PlanData['dims'];
  dimChecks: PlanData['dimChecks'];
  sizeLimits: readonly { size: Dim; dtype: DType; op: { name: string; type: string } }[];
  memory: MemoryPlan;
  rendered: RenderedPlan;
}

export function buildPlanData(backend: string, { input, program: p, refFetches, readVariables, memory, rendered, dims, dimChecks, sizeLimits }: PlanParts): PlanData {
  const byName = new Map(input.schedule.map((op) => [op.name, op]));
  return {
    backend,
    text: rendered.text,
    feeds: p.feeds.map((f) => ({ name: f.tensor.name, dtype: f.tensor.dtype, shape: f.shape.map(planDim) })),
    fetches: p.outputs.map((id, k) => ({
      name: input.fetches[k].name,
      dtype: p.nodes[id].dtype,
      shape: p.nodes[id].shape.map(planDim),
      // why: a host call returns a new array on every run, so a view made on the first run goes stale.
      inPlanBuffer: !['input', 'read', 'const', 'host'].includes(storageRoot(p, id).prim),
    })),
    targets: (input.targets ?? []).map((op) => op.name),
    variables: p.variables.map((v, i) => ({
      name: v.name,
      dtype: v.outputs[0].dtype,
      shape: [...(v.outputs[0].shape as number[])],
      read: readVariables.includes(i),
    })),
    writes: p.writes.map((w) => ({
      variable: w.variable,
      shape: p.nodes[w.node].shape.map(planDim),
      mayAliasState: storageRoot(p, w.node).prim === 'read',
    })),
    refFetches: refFetches.map((r) => ({ output: r.output, variable: r.variable, written: r.written !== null })),
    randomOps: p.randomOps.map((op) => op.name),
    errorOps: rendered.errorOps.flatMap((name) => {
      const op = byName.get(name);
      return op ? [describeOp(op)] : [];
    }).concat(rendered.embeddedErrorOps ?? []),
    kernels: rendered.kernels,
    buffers: [...memory.slots.map((s) => ({ dtype: s.dtype, length: planDim(s.length) })), ...(rendered.embeddedBuffers ?? [])],
    scratch: rendered.scratch.map(planDim),
    constants: rendered.constants.map((c) => ({ dtype: c.dtype, shape: [...c.shape], data: c.data })),
    dims: dims.map((d) => ({ ...d })),
    dimChecks: dimChecks.map((c) => ({ ...c })),
    sizeLimits: dims.length ? sizeLimits.map((l) => ({ size: planDim(l.size), dtype: l.dtype, op: { ...l.op } })) : [],
    ...(rendered.async ? { async: true } : {}),
    ...(rendered.gpu ? { gpu: {
      kernels: rendered.gpu.kernels.map((g) => ({ ...g, holes: g.holes.map((h) => ({ dim: planDim(h.dim), int: h.int })), output: planDim(g.output), loopMax: planDim(g.loopMax), args: g.args.map((a) => ({ ...a })) })),
      fallback: { ...rendered.gpu.fallback },
      settle: [...rendered.gpu.settle],
    } } : {}),
    ...(rendered.wasm ? { wasm: {
      bytes: rendered.wasm.bytes,
      staged: rendered.wasm.staged.map((r) => ({ name: r.name, dtype: r.dtype, length: planDim(r.length) })),
      fallback: { ...rendered.wasm.fallback },
    } } : {}),
    hostCalls: rendered.hostCalls.map((h) => {
      const first = p.nodes[h.outputs[0]];
      return {
        op: h.op,
        inputs: h.inputs.map((id) => ({ dtype: p.nodes[id].dtype, shape: p.nodes[id].shape.map(planDim) })),
        outputs: h.outputs.map((id) => p.nodes[id].attrs.hostIndex!),
        stream: first.attrs.stream ?? null,
      };
    }),
  };
}

/**
 * The ops of a plan that cannot ship in a standalone module (no tfgen/runtime to call their
 * reference kernels): its host calls. Empty when every op of the plan lowers.
 */
export function opsNotStandalone(data: PlanData): { type: string; name: string; location?: string }[] {
  return data.hostCalls.map(({ op }) => (op.location ? { type: op.type, name: op.name, location: op.location } : { type: op.type, name: op.name }));
}
