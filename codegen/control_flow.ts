// Lowering of the functional control-flow ops (If, While, Call: src/ops/cond.ts,
// src/ops/while_loop.ts): each function body is compiled by the same pipeline into a plan of its
// own, on the concrete shapes its inputs have here, and the op becomes one host-like node per
// output (attrs.control) whose kernel runs those plans in an `if` or a `while`
// (render/js_control.ts). Bodies that would need a reference kernel, run-time dims or a
// loop variable changing shape make the plan NotCompilable: the session interprets it.
import type { DType } from '../src/dtypes.js';
import type { Operation } from '../src/graph.js';
import type { ControlFlow, GraphFunction } from '../src/ops/functions.js';
import { NotLowerable as NotCompilable } from '../src/prims.js';
import type { PlanData } from '../src/runtime/plan_data.js';
import { hasSym, Specialise, type Dim } from './dims.js';
import type { Node, NodeAttrs } from './ir.js';
import { compileProgram } from './pipeline.js';
import { describeOp } from './plan_data.js';

interface Handle { readonly id: number; readonly shape: readonly Dim[]; readonly dtype: DType }
type NodeFn<H extends Handle> = (prim: Node['prim'], inputs: readonly H[], shape: readonly Dim[], dtype: DType, attrs?: NodeAttrs) => H;

const sameShape = (a: readonly unknown[], b: readonly unknown[]) => a.length === b.length && a.every((d, i) => d === b[i]);

export function lowerControlFlow<H extends Handle>(op: Operation, flow: ControlFlow, inputs: readonly H[], node: NodeFn<H>): H[] {
  const what = `${op.type} '${op.name}'`;
  if (inputs.some((h) => !h)) throw new NotCompilable(`${what} assigns variables inside its branches (interpreted)`);
  if (inputs.some((h) => hasSym(h.shape))) throw new Specialise(`${what} takes no run-time dims`);
  const shapes = inputs.map((h) => h.shape as number[]);
  const compile = (fn: GraphFunction, argShapes: readonly number[][]): PlanData => {
    const { data } = compileProgram({ schedule: fn.ops, fetches: fn.outputs, feeds: fn.inputs.map((tensor, i) => ({ tensor, shape: argShapes[i] })), targets: [] });
    // why: a body's plan gets no host table, variables or random streams of its own (bodies hold none by construction).
    if (data.hostCalls.length) throw new NotCompilable(`${what}: its body runs ${data.hostCalls[0].op.type} '${data.hostCalls[0].op.name}' without a lowering`);
    if (data.dims.length || data.randomOps.length || data.variables.length) throw new NotCompilable(`${what}: its body needs run-time state`);
    return data;
  };
  let plans: PlanData[];
  let outShapes: (readonly unknown[])[];
  if (flow.kind === 'if') {
    const args = shapes.slice(1);
    plans = flow.functions.map((fn) => compile(fn, args));
    outShapes = plans[0].fetches.map((f) => f.shape);
    if (plans[1].fetches.some((f, i) => !sameShape(f.shape, outShapes[i]))) throw new NotCompilable(`${what}: the branches give different shapes here`);
  } else if (flow.kind === 'call') {
    plans = [compile(flow.functions[0], shapes)];
    outShapes = plans[0].fetches.map((f) => f.shape);
  } else {
    const n = op.outputs.length - 1;
    const args = [...shapes.slice(0, n), ...shapes.slice(n + 1)];
    plans = flow.functions.map((fn) => compile(fn, args));
    outShapes = [...shapes.slice(0, n), []];
    // why: buffers are sized once per plan; a loop variable whose shape varies (a shape invariant) is interpreted.
    if (plans[1].fetches.some((f, i) => !sameShape(f.shape, shapes[i]))) throw new NotCompilable(`${what}: a loop variable changes shape`);
  }
  const hostOp = describeOp(op);
  const control = { kind: flow.kind, plans };
  return op.outputs.map((t, k) => node('host', inputs, outShapes[k] as number[], t.dtype, { hostOp, hostIndex: k, control }));
}
