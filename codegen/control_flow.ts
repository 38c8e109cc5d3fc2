// Lowering of the functional control-flow ops (If, While, Call: src/ops/cond.ts,
// src/ops/while_loop.ts): each function body is compiled by the same pipeline into a plan of its
// own, and the op becomes one node per output whose kernel runs those plans in an `if` or a
// `while` (render/js_control.ts).
import type { DType } from '../src/dtypes.js';
import type { Operation } from '../src/graph.js';
import type { ControlFlow } from '../src/ops/functions.js';
import { NotLowerable as NotCompilable } from '../src/prims.js';
import type { Dim } from './dims.js';
import type { Node, NodeAttrs } from './ir.js';

interface Handle { readonly id: number; readonly shape: readonly Dim[]; readonly dtype: DType }
type NodeFn<H extends Handle> = (prim: Node['prim'], inputs: readonly H[], shape: readonly Dim[], dtype: DType, attrs?: NodeAttrs) => H;

export function lowerControlFlow<H extends Handle>(op: Operation, _flow: ControlFlow, _inputs: readonly H[], _node: NodeFn<H>): H[] {
  throw new NotCompilable(`${op.type} '${op.name}' is not compiled yet`);
}
