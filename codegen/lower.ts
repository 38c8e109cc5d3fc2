// Lowering: a scheduled, pruned graph (ops in run order) → a Program of primitives with
// concrete shapes. Each op lowers through its spec's `lower`; constant inputs are folded with
// the reference kernels (shape arithmetic, gradient bookkeeping); other ops become `host`
// calls of their reference kernel. Variable reads/writes follow the interpreter's semantics:
// a read sees the writes scheduled before it, writes are committed at the end.
import { allocate, type DType } from '../src/dtypes.js';
import { InvalidArgumentError, OpError } from '../src/errors.js';
import type { Operation, Tensor } from '../src/graph.js';
import { NDArray } from '../src/ndarray.js';
import { MAX_ELEMENTS } from '../src/shape.js';
import { isArgReduce, isBinary, NotLowerable as NotCompilable, producesBool, type IRValue, type LowerContext, type ReduceKind } from '../src/prims.js';
import type { KernelContext } from '../src/op_spec.js';
import type { PlanInput } from '../src/plan.js';
import { NodeList, numel, type Node, type NodeAttrs, type Program } from './ir.js';
import { describeOp } from './plan_data.js';

/** Thrown when a plan cannot be compiled; the session then interprets that plan. */
export { NotCompilable };

interface Handle extends IRValue { readonly id: number }

type Value = { node: Handle } | { variable: number };

/** The session's plan input (src/plan.ts): graph, schedule, fetches, feeds with their shapes, targets. */
export type LowerInput = Omit<PlanInput, 'graph'> & { graph?: PlanInput['graph'] };

/** A fetched variable reference: its value as the run found it, else as this run wrote it. */
export interface RefFetch { output: number; variable: number; written: number | null }

export interface LoweredProgram extends Program { refFetches: RefFetch[] }

export function lowerGraph(input: LowerInput): LoweredProgram {
  const list = new NodeList();
  const values = new Map<Tensor, Value>();
  const variables: Operation[] = [];
  const randomOps: Operation[] = [];
  const varIndex = new Map<Operation, number>();
  const current = new Map<number, Handle>();
  const writes: { variable: number; node: number }[] = [];
  let origin = '';

  let creatingOp: Operation | null = null;
  const node = (prim: Node['prim'], inputs: readonly Handle[], shape: readonly number[], dtype: DType, attrs: NodeAttrs = {}): Handle => {
    // why: a fused loop over more elements than a typed array holds would run for hours without
    // allocating anything; the interpreter fails on the allocation. Both fail before any state changes.
    const n = numel(shape);
    if (n > MAX_ELEMENTS) throw new InvalidArgumentError(`a tensor of ${n} elements is more than a typed array can hold (2^32)`, creatingOp);
    const id = list.add({ prim, inputs: inputs.map((h) => h.id), shape: [...shape], dtype, attrs, origin: [origin] });
    return { id, shape: [...shape], dtype };
  };
  const constNode = (v: NDArray) => node('const', [], v.shape, v.dtype, { value: v });
  const constOf = (h: Handle): NDArray | undefined => list.nodes[h.id].attrs.value;
  const varOf = (op: Operation): number => {
    let i = varIndex.get(op);
    if (i === undefined) {
      const s = op.outputs[0].shape;
      if (!s || s.some((d) => d === null)) throw new NotCompilable(`variable ${op.name} has no static shape`);
      i = variables.length;
      variables.push(op);
      varIndex.set(op, i);
    }
    return i;
  };
  const readVar = (v: number): Handle => {
    let h = current.get(v);
    if (!h) {
      const op = variables[v];
      h = node('read', [], op.outputs[0].shape as number[], op.outputs[0].dtype, { variable: v });
      current.set(v, h);
    }
    return h;
  };

  input.feeds.forEach((f, i) => {
    values.set(f.tensor, { node: node('input', [], f.shape, f.tensor.dtype, { feed: i }) });
  });

  for (const op of input.schedule) {
    if (op.outputs.length && op.outputs.every((t) => values.has(t))) continue;
    origin = op.name;
    creatingOp = op;
    if (op.type === 'VariableV2') {
      values.set(op.outputs[0], { variable: varOf(op) });
      continue;
    }
    const refIdx = op.spec.refInputs ?? [];
    const refs: number[] = [];
    const inputs: Handle[] = op.inputs.map((t, i) => {
      const v = values.get(t);
      if (!v) throw new NotCompilable(`input ${t.name} of ${op.name} is not available`);
      if (refIdx.includes(i)) {
        if (!('variable' in v)) throw new InvalidArgumentError(`Input ${i} of '${op.name}' must be a variable reference; it was fed a value.`, op);
        refs[i] = v.variable;
        return undefined as unknown as Handle;
      }
      return 'variable' in v ? readVar(v.variable) : v.node;
    });
    let outs: Handle[];
    if (op.spec.lower || refIdx.length) {
      if (!op.spec.lower) throw new NotCompilable(`${op.type} has no lowering`);
      const ctx = makeContext(op, inputs, node, constNode, constOf, {
        read: (i) => readVar(refs[i]),
        write: (i, value) => {
          const v = refs[i];
          writes.push({ variable: v, node: value.id });
          current.set(v, value);
        },
      });
      try {
        outs = op.spec.lower(ctx, op) as Handle[];
      } catch (e) {
        // why: run-time errors name the op that failed, whichever executor found them.
        if (e instanceof OpError && !e.op) throw new (e.constructor as new (m: string, op: Operation) => OpError)(e.message, op);
        throw e;
      }
    } else if (!op.spec.stateful && inputs.every((h) => constOf(h))) {
      outs = foldWithReference(op, inputs.map((h) => constOf(h)!)).map(constNode);
    } else {
      if (op.spec.stateful && op.spec.writesState) throw new NotCompilable(`${op.type} writes state without a lowering`);
      if (op.spec.stateful) randomOps.push(op);
      let concrete: (number[] | null)[] | undefined;
      const hostOp = describeOp(op);
      outs = op.outputs.map((t, k) => {
        const known = t.shape && t.shape.every((d) => d !== null) ? (t.shape as number[]) : null;
        const shape = known ?? (concrete ??= concreteShapes(op, inputs, constOf))[k];
        if (!shape) throw new NotCompilable(`output ${t.name} of host op ${op.type} has no static shape`);
        return node('host', inputs, shape, t.dtype, { hostOp, hostIndex: k, stream: op.spec.stateful ? randomOps.length - 1 : undefined });
      });
    }
    op.outputs.forEach((t, k) => {
      if (!values.has(t)) values.set(t, { node: outs[k] });
    });
  }

  const outputs: number[] = [];
  const refFetches: RefFetch[] = [];
  input.fetches.forEach((t, k) => {
    const v = values.get(t);
    if (!v) throw new NotCompilable(`fetch ${t.name} not computed`);
    if ('variable' in v) {
      const written = writes.some((w) => w.variable === v.variable) ? current.get(v.variable)! : null;
      const read = list.nodes.find((n) => n.prim === 'read' && n.attrs.variable === v.variable);
      const h = read ? { id: read.id } : written ?? readVar(v.variable);
      outputs.push(h.id);
      refFetches.push({ output: k, variable: v.variable, written: written && !read ? written.id : null });
    } else outputs.push(v.node.id);
  });
  return { nodes: list.nodes, feeds: input.feeds, variables, randomOps, outputs, writes, refFetches };
}

/**
 * The op's output shapes re-inferred from its inputs' concrete shapes and constant values (a
 * graph-level unknown dim is known once a plan is specialised on fed shapes); null where still
 * unknown.
 */
function concreteShapes(op: Operation, inputs: readonly Handle[], constOf: (h: Handle) => NDArray | undefined): (number[] | null)[] {
  try {
    const concreteInputs = op.inputs.map((t, i) => {
      const c = Object.create(Object.getPrototypeOf(t)) as Tensor;
      return Object.assign(c, t, { shape: inputs[i] ? [...inputs[i].shape] : t.shape });
    });
    const infos = op.spec.infer({ inputs: concreteInputs, attrs: op.attrs, name: op.name, constantValue: (i) => (inputs[i] ? constOf(inputs[i]) : undefined) });
    return infos.map((o) => (o.shape && o.shape.every((d) => d !== null) ? (o.shape as number[]) : null));
  } catch {
    return op.outputs.map(() => null);
  }
}

/** Runs an op's reference kernel on constant inputs at compile time. */
function foldWithReference(op: Operation, inputs: NDArray[]): NDArray[] {
  const ctx: KernelContext = {
    op,
    refInput: () => { throw new NotCompilable('fold of a ref op'); },
    readVariable: () => { throw new NotCompilable('fold reads a variable'); },
    writeVariable: () => { throw new NotCompilable('fold writes a variable'); },
    isInitialized: () => false,
    randomStream: () => { throw new NotCompilable('fold of a random op'); },
  };
  return op.spec.reference(inputs, ctx) as NDArray[];
}

type NodeFn = (prim: Node['prim'], inputs: readonly Handle[], shape: readonly number[], dtype: DType, attrs?: NodeAttrs) => Handle;

interface StateAccess {
  read(refInput: number): Handle;
  write(refInput: number, value: Handle): void;
}

function broadcastShape(a: readonly number[], b: readonly number[], what: string): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) throw new InvalidArgumentError(`${what}: Incompatible shapes: [${a}] vs. [${b}]`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

function makeContext(op: Operation, inputs: Handle[], node: NodeFn, constNode: (v: NDArray) => Handle,
  constOf: (h: Handle) => NDArray | undefined, state: StateAccess): LowerContext {
  const what = `${op.type} '${op.name}'`;
  const h = (v: IRValue) => v as Handle;
  return {
    inputs,
    constantValue: (i) => (inputs[i] ? constOf(inputs[i]) : undefined),
    constant: (v) => constNode(v),
    unary: (prim, x) => node(prim, [h(x)], x.shape, producesBool(prim) ? 'bool' : x.dtype),
    binary: (prim, a, b) => {
      if (!isBinary(prim)) throw new Error(`not a binary prim: ${prim}`);
      return node(prim, [h(a), h(b)], broadcastShape(a.shape, b.shape, what), producesBool(prim) ? 'bool' : a.dtype);
    },
    where: (c, a, b) => node('where', [h(c), h(a), h(b)], broadcastShape(broadcastShape(c.shape, a.shape, what), b.shape, what), a.dtype),
    fma: (a, b, c) => node('fma', [h(a), h(b), h(c)], broadcastShape(broadcastShape(a.shape, b.shape, what), c.shape, what), a.dtype),
    cast: (x, dtype) => (x.dtype === dtype ? x : node('cast', [h(x)], x.shape, dtype)),
    reshape: (x, shape) => {
      if (numel(shape) !== numel(x.shape)) throw new InvalidArgumentError(`${what}: cannot reshape [${x.shape}] to [${shape}]`, op);
      return sameDims(x.shape, shape) ? x : node('reshape', [h(x)], shape, x.dtype);
    },
    broadcast: (x, shape) => {
      if (sameDims(x.shape, shape)) return x;
      // why: x must broadcast *to* shape (a [2] does not fit a [] target), in the reference's words.
      if (!sameDims(broadcastShape(x.shape, shape, what), shape)) throw new InvalidArgumentError(`${what}: cannot broadcast [${x.shape}] to [${shape}]`, op);
      return node('copy', [h(x)], shape, x.dtype);
    },
    reduce: (kind: ReduceKind, x, axes, keepDims) => {
      // why: a reduction over no axes (gradients of same-shaped operands build them) is elementwise
      // and fuses: sum and mean add 0 as the reference's accumulator does (-0 becomes 0); the others are x.
      if (!axes.length && !isArgReduce(kind)) {
        if ((kind === 'sum' || kind === 'mean') && (x.dtype === 'float32' || x.dtype === 'float64')) {
          return node('add', [h(x), constNode(new NDArray(allocate(x.dtype, 1), [], x.dtype))], x.shape, x.dtype);
        }
        return x;
      }
      const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
      return node('reduce', [h(x)], shape, isArgReduce(kind) ? 'int32' : x.dtype, { kind, axes: [...axes].sort((a, b) => a - b), keepDims });
    },
    matmul: (a, b, ta, tb) => {
      if (a.shape.length !== 2 || b.shape.length !== 2) {
        throw new InvalidArgumentError(`${what}: In[0] and In[1] must be matrices, got [${a.shape}] and [${b.shape}]`, op);
      }
      const m = ta ? a.shape[1] : a.shape[0], k = ta ? a.shape[0] : a.shape[1];
      const k2 = tb ? b.shape[1] : b.shape[0], n = tb ? b.shape[0] : b.shape[1];
      if (k !== k2) throw new InvalidArgumentError(`Matrix size-incompatible: In[0]: [${a.shape}], In[1]: [${b.shape}]`, op);
      return node('matmul', [h(a), h(b)], [m, n], a.dtype, { transposeA: ta, transposeB: tb });
    },
    transpose: (x, perm) => node('transpose', [h(x)], perm.map((p) => x.shape[p]), x.dtype, { perm: [...perm] }),
    slice: (x, begin, size) => node('slice', [h(x)], size, x.dtype, { begin: [...begin], size: [...size] }),
    concat: (xs, axis) => {
      const shape = [...xs[0].shape];
      shape[axis] = xs.reduce((a, x) => a + x.shape[axis], 0);
      return node('concat', xs.map(h), shape, xs[0].dtype, { axis });
    },
    gather: (params, indices, axis) => {
      const shape = [...params.shape.slice(0, axis), ...indices.shape, ...params.shape.slice(axis + 1)];
      return node('gather', [h(params), h(indices)], shape, params.dtype, { axis });
    },
    pad: (x, paddings, value = 0) => node('pad', [h(x)], x.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]), x.dtype, {
      paddings: paddings.map((p) => [p[0], p[1]] as [number, number]), padValue: value,
    }),
    readRef: (i) => state.read(i),
    writeRef: (i, v) => state.write(i, h(v)),
  };
}

function sameDims(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
