// The compiler's IR: a topologically ordered list of primitive nodes with concrete shapes
// and dtypes, plus the program's interface (feeds, variables read/written, fetched outputs).
// Passes take a Program and return a new one; `rewrite` does the id bookkeeping.
import type { DType } from '../src/dtypes.js';
import type { Operation, Tensor } from '../src/graph.js';
import type { NDArray } from '../src/ndarray.js';
import type { Prim, ReduceKind } from '../src/prims.js';
import type { OpDescription, PlanData } from '../src/runtime/plan_data.js';

/** If: [then, else]; While: [cond, body]; Call: [fn] (see codegen/control_flow.ts). */
export interface ControlPlans { readonly kind: 'if' | 'while' | 'call'; readonly plans: readonly PlanData[] }
import { dprod, type Dim } from './dims.js';

export interface NodeAttrs {
  /** const */ value?: NDArray;
  /** input: index into the program's feeds */ feed?: number;
  /** read: index into the program's variables */ variable?: number;
  /** random: index into the program's random ops; which distribution */ stream?: number;
  /** reduce */ kind?: ReduceKind; axes?: number[]; keepDims?: boolean;
  /** matmul */ transposeA?: boolean; transposeB?: boolean;
  /** transpose */ perm?: number[];
  /** slice */ begin?: number[]; size?: number[];
  /** concat, gather */ axis?: number;
  /** pad */ paddings?: [number, number][]; padValue?: number;
  /** host: the graph op whose reference kernel runs, and which of its outputs this is */ hostOp?: OpDescription; hostIndex?: number;
  /** host of a control-flow op: its function bodies compiled as plans, run in an `if` or a `while` */ control?: ControlPlans;
  /** dims: a small int tensor (rank 0 or 1) of dim expressions (a shape with run-time dims) */ dims?: Dim[];
}

export interface Node {
  readonly id: number;
  readonly prim: Prim;
  readonly inputs: readonly number[];
  /** Concrete dims, or dim expressions over the plan's run-time dims (codegen/dims.ts). */
  readonly shape: readonly Dim[];
  readonly dtype: DType;
  readonly attrs: NodeAttrs;
  /** Names of the graph ops this node came from (for readable kernel names and dumps). */
  readonly origin: readonly string[];
}

export interface Program {
  readonly nodes: readonly Node[];
  /** Fed tensors in feed order, with their shapes (run-time dims where the plan takes any size). */
  readonly feeds: readonly { tensor: Tensor; shape: readonly Dim[] }[];
  /** Variables (VariableV2 ops) the program reads or writes. */
  readonly variables: readonly Operation[];
  /** Random ops, in the order their streams are passed in. */
  readonly randomOps: readonly Operation[];
  /** Node of each fetched tensor, in fetch order. */
  readonly outputs: readonly number[];
  /** Variable writes committed after everything else succeeded, in order. */
  readonly writes: readonly { variable: number; node: number }[];
}

/** The element count of a shape (a dim expression when it has run-time dims). */
export function numel(shape: readonly Dim[]): Dim {
  return dprod(shape);
}

/** Builds node lists with dense ids. */
export class NodeList {
  readonly nodes: Node[] = [];
  add(n: Omit<Node, 'id'>): number {
    const id = this.nodes.length;
    for (const i of n.inputs) if (!(i >= 0 && i < id)) throw new Error(`IR: node ${id} (${n.prim}) uses undefined node ${i}`);
    this.nodes.push({ ...n, id });
    return id;
  }
}

/**
 * Rebuilds a program node by node. `fn` gets each node with its inputs already mapped to new
 * ids and returns the new id standing for it (add a node, or reuse an existing new id).
 */
export function rewrite(p: Program, fn: (n: Node, out: NodeList, map: (old: number) => number) => number): Program {
  const out = new NodeList();
  const map = new Int32Array(p.nodes.length).fill(-1);
  const get = (old: number) => {
    const v = map[old];
    if (v < 0) throw new Error(`rewrite: node ${old} used before it was mapped`);
    return v;
  };
  for (const n of p.nodes) {
    // why: inputs of a node being dropped may be dropped too (-1); only live uses must exist.
    map[n.id] = fn({ ...n, inputs: n.inputs.map((i) => map[i]) }, out, get);
  }
  return {
    ...p,
    nodes: out.nodes,
    outputs: p.outputs.map(get),
    writes: p.writes.map((w) => ({ variable: w.variable, node: get(w.node) })),
  };
}

/** Consumers per node id (including program outputs and writes as pseudo-uses). */
export function useCounts(p: Program): Int32Array {
  const uses = new Int32Array(p.nodes.length);
  for (const n of p.nodes) for (const i of n.inputs) uses[i]++;
  for (const o of p.outputs) uses[o]++;
  for (const w of p.writes) uses[w.node]++;
  return uses;
}
