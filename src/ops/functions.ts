// Graph functions: the sub-graphs of tf.cond branches and tf.whileLoop bodies (TF2's If/While
// function bodies). A function is a list of graph ops between its input placeholders and its
// output tensors; it lives in the same graph but runs only through its control-flow op. Tracing
// a user's branch replaces every outer tensor it touches by an input placeholder (a capture), so
// the function is closed and the control-flow op lists the outer tensors as its inputs.
import { isFloat, type DType } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { createOp, type Graph, type Operation, Tensor } from '../graph.js';
import { interpret, type RunState } from '../interpret.js';
import type { NDArray } from '../ndarray.js';
import type { KernelContext, OpSpec } from '../op_spec.js';
import type { Shape } from '../shape.js';
import { convertToTensor, type TensorLike } from './define_op.js';
import { Placeholder } from './sources.js';

export interface GraphFunction {
  /** Placeholders bound to the control-flow op's inputs, in order. */
  readonly inputs: readonly Tensor[];
  readonly outputs: readonly Tensor[];
  /** The ops computing the outputs from the inputs, in a valid run order (inputs' ops excluded). */
  readonly ops: readonly Operation[];
}

/** What a control-flow op runs: 'if' [then, else]; 'while' [cond, body]; 'call' [fn]. */
export interface ControlFlow {
  readonly kind: 'if' | 'while' | 'call';
  readonly functions: readonly GraphFunction[];
}

const controlFlows = new WeakMap<Operation, ControlFlow>();

/** The functions of an If, While or Call op (undefined for other ops). */
export function controlFlowOf(op: Operation | { type: string }): ControlFlow | undefined {
  return controlFlows.get(op as Operation);
}

/** Builds a control-flow op and attaches its functions. */
export function createControlOp(spec: OpSpec, flow: ControlFlow, inputs: Tensor[], attrs: Record<string, unknown>, name: string): Operation {
  const op = createOp(spec, inputs, attrs as never, name);
  controlFlows.set(op, flow);
  return op;
}

/** A variable reference entering a cond branch (bound by its If op to the variable: assignments inside write it). */
export const FunctionRef: OpSpec = {
  type: 'FunctionRef',
  infer: ({ attrs }) => [{ dtype: attrs.dtype as DType, shape: (attrs.shape as Shape) ?? null, isRef: true }],
  reference: (_, { op }) => { throw new InvalidArgumentError(`'${op.name}' stands for a variable inside a tf.cond branch and runs only through its cond.`); },
};

/** A placeholder standing for a function input (never fed by a session: its control-flow op binds it). */
export function functionInput(dtype: DType, shape: Shape, name: string): Tensor {
  return createOp(Placeholder, [], { dtype, shape: shape ? [...shape] : null }, name).outputs[0];
}

/**
 * The function from `inputs` to `outputs`. `what` names it in errors: a placeholder it reads
 * that is not an input, or a stateful op (variables, assignments, random numbers) inside it.
 */
export function makeFunction(inputs: readonly Tensor[], outputs: readonly Tensor[], what: string): GraphFunction {
  const inputOps = new Set(inputs.map((t) => t.op));
  const seen = new Set<Operation>();
  const stack = outputs.map((t) => t.op);
  while (stack.length) {
    const op = stack.pop()!;
    if (seen.has(op) || inputOps.has(op)) continue;
    seen.add(op);
    if (op.type === 'Placeholder') {
      throw new InvalidArgumentError(`${what} reads placeholder '${op.name}' that is not one of its inputs: create placeholders outside tf.cond / tf.whileLoop.`, op);
    }
    // why: assignments reach a function only through a captured variable reference (FunctionRef).
    if (op.spec.stateful && !op.spec.writesState) {
      throw new InvalidArgumentError(
        `${what} contains ${op.type} '${op.name}': creating variables and random ops inside tf.cond / tf.whileLoop are not supported; ` +
        'create variables and random tensors outside and use their values inside.', op);
    }
    for (const t of op.inputs) stack.push(t.op);
    for (const c of op.controlInputs) stack.push(c);
  }
  return { inputs: [...inputs], outputs: [...outputs], ops: [...seen].sort((a, b) => a.id - b.id) };
}

/** The outer tensors a set of traces reads, and the input placeholders standing for them. */
export class Captures {
  readonly outer: Tensor[] = [];
  readonly inner: Tensor[] = [];
  private readonly map = new Map<Tensor, Tensor>();
  private readonly refMap = new Map<Tensor, Tensor>();
  /** Indices into `outer` of captured variable references (assigned inside; cond only). */
  readonly refs: number[] = [];
  /** Ops with an id below this existed before the traces: their tensors are captured. */
  private readonly start: number;
  /** The name scope of the cond or loop: input placeholders are named in it, not in the scope of their reader. */
  private readonly scope: string;

  constructor(readonly graph: Graph, private readonly what: string, private readonly allowAssign = false) {
    this.start = graph.opCount;
    this.scope = graph.nameStack;
  }

  /** The input standing for `t` inside the traced function (t itself when made inside). */
  capture(t: Tensor, spec?: OpSpec, index?: number): Tensor {
    if (t.graph !== this.graph || t.op.id >= this.start) return t;
    const asRef = spec && index !== undefined && spec.refInputs?.includes(index) && t.isRef;
    if (asRef && !this.allowAssign) {
      throw new InvalidArgumentError(`${this.what}: ${spec.type} writes variable '${t.op.name}' inside the loop; assignments inside tf.whileLoop are not supported (assign outside, or carry the value as a loop variable).`, t.op);
    }
    const map = asRef ? this.refMap : this.map;
    let inner = map.get(t);
    if (!inner) {
      const g = this.graph, readerScope = g.nameStack;
      g.nameStack = this.scope;
      try {
        inner = asRef ? createOp(FunctionRef, [], { dtype: t.dtype, shape: t.shape ? [...t.shape] : null }, 'ref').outputs[0] : functionInput(t.dtype, t.shape, 'input');
      } finally {
        g.nameStack = readerScope;
      }
      map.set(t, inner);
      if (asRef) this.refs.push(this.outer.length);
      this.outer.push(t);
      this.inner.push(inner);
    }
    return inner;
  }

  /**
   * Runs fn (a user's branch or body) with outer tensors captured and no outer control
   * dependencies; returns what it returned and its flattened outputs as tensors.
   */
  trace(fn: () => unknown): { result: unknown; outputs: Tensor[] } {
    const g = this.graph;
    const saved = g.capture, savedControl = g.controlStack;
    g.capture = (t, spec, i) => this.capture(t, spec, i);
    g.controlStack = [];
    try {
      const result = fn();
      const leaves = flatten(result);
      const outputs = leaves.map((v, i) => this.capture(convertToTensor(v as TensorLike, { what: `${this.what}: output ${i}` })));
      return { result, outputs };
    } finally {
      g.capture = saved;
      g.controlStack = savedControl;
    }
  }
}

/** Runs fn with no capture and no control dependencies (gradient functions are built closed). */
export function outsideTraces<T>(g: Graph, fn: () => T): T {
  const saved = g.capture, savedControl = g.controlStack;
  g.capture = null;
  g.controlStack = [];
  try {
    return fn();
  } finally {
    g.capture = saved;
    g.controlStack = savedControl;
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/** The leaves of a nested structure of arrays and plain objects (keys in insertion order). */
export function flatten(v: unknown): unknown[] {
  if (Array.isArray(v)) return v.flatMap(flatten);
  if (isPlainObject(v)) return Object.values(v).flatMap(flatten);
  return [v];
}

/** The structure with its leaves replaced, in order, by `leaves`. */
export function pack(structure: unknown, leaves: readonly unknown[]): unknown {
  let k = 0;
  const go = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(go);
    if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([key, x]) => [key, go(x)]));
    return leaves[k++];
  };
  return go(structure);
}

/** A readable form of a structure, for mismatch messages: `[_, {a: _}]`. */
export function structureText(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(structureText).join(', ')}]`;
  if (isPlainObject(v)) return `{${Object.entries(v).map(([k, x]) => `${k}: ${structureText(x)}`).join(', ')}}`;
  return '_';
}

const NO_STATE: RunState = {
  variables: new Map(),
  randomStream: () => { throw new InvalidArgumentError('random ops inside tf.cond / tf.whileLoop are not supported'); },
};

/**
 * Runs a function with the reference interpreter (the If/While/Call kernels). `refs`: for a cond
 * that assigns variables, the function inputs bound to variables (`ctx.refInput(opInput)`); their
 * values are read through ctx and the function's writes go back to it.
 */
export function runFunction(fn: GraphFunction, args: readonly NDArray[], refs?: { ctx: KernelContext; inputs: readonly [number, number][] }): NDArray[] {
  const feeds = new Map<Tensor, NDArray>();
  fn.inputs.forEach((t, i) => feeds.set(t, args[i]));
  let state = NO_STATE;
  if (refs?.inputs.length) {
    const variables = new Map<Operation, NDArray>();
    for (const [arg, opInput] of refs.inputs) {
      const v = refs.ctx.refInput(opInput);
      feeds.set(fn.inputs[arg], { variable: v } as unknown as NDArray);
      if (refs.ctx.isInitialized(v)) variables.set(v, refs.ctx.readVariable(v));
    }
    state = { ...NO_STATE, variables };
  }
  const { values, writes } = interpret(fn.ops, feeds, fn.outputs, state);
  if (refs) for (const [v, value] of writes) refs.ctx.writeVariable(v, value);
  return fn.outputs.map((t) => values.get(t)!);
}

/** Whether gradients flow through values of this dtype. */
export const differentiable = (t: Tensor): boolean => isFloat(t.dtype);

export { Tensor };
