// Lowering: a scheduled, pruned graph (ops in run order) → a Program of primitives with
// concrete shapes, or (runtimeDims) with a placeholder's unknown dims as run-time dims D0, D1, …
// (codegen/dims.ts, lower_dims.ts; an op that cannot take them throws Specialise). Each op lowers through its spec's `lower`; constant inputs are folded with
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
import { dadd, dimText, hasSym, isSym, sameDims, shapeText, Specialise, symDim, type Dim } from './dims.js';
import { NodeList, numel, type Node, type NodeAttrs, type Program } from './ir.js';
import { DIM_OPS, DIM_SAFE, type DimOpContext } from './lower_dims.js';
import { describeOp } from './plan_data.js';
import { lowerControlFlow } from './control_flow.js';
import { controlFlowOf } from '../src/ops/functions.js';

/** Thrown when a plan cannot be compiled; the session then interprets that plan. */
export { NotCompilable };

/** A lowered value (ops see it as an IRValue; its dims may be dim expressions). */
interface Handle { readonly id: number; readonly shape: readonly Dim[]; readonly dtype: DType }

type Value = { node: Handle } | { variable: number };

/** The session's plan input (src/plan.ts): graph, schedule, fetches, feeds with their shapes, targets. */
export type LowerInput = Omit<PlanInput, 'graph'> & { graph?: PlanInput['graph'] };

/** A fetched variable reference: its value as the run found it, else as this run wrote it. */
export interface RefFetch { output: number; variable: number; written: number | null }

export interface LoweredProgram extends Program {
  refFetches: RefFetch[];
  /** Run-time dims: the fed tensor axis each is read from (empty without runtimeDims). */
  dims: { feed: number; axis: number; atLeast: number }[];
  /** Other fed dims equal to a run-time dim; `op` when the graph needs them equal. */
  dimChecks: { feed: number; axis: number; dim: number; op?: string }[];
  /** Each distinct element count with run-time dims, the dtype and op of its first node. */
  sizeLimits: { size: Dim; dtype: DType; op: { name: string; type: string } }[];
}

export interface LowerOptions {
  /** Unknown placeholder dims (fed at least 2) become run-time dims of the plan. */
  runtimeDims?: boolean;
}

export function lowerGraph(input: LowerInput, opts: LowerOptions = {}): LoweredProgram {
  const list = new NodeList();
  const values = new Map<Tensor, Value>();
  const variables: Operation[] = [];
  const randomOps: Operation[] = [];
  const varIndex = new Map<Operation, number>();
  const current = new Map<number, Handle>();
  const writes: { variable: number; node: number }[] = [];
  let origin = '';

  let creatingOp: Operation | null = null;
  const sizeLimits: LoweredProgram['sizeLimits'] = [];
  const node = (prim: Node['prim'], inputs: readonly Handle[], shape: readonly Dim[], dtype: DType, attrs: NodeAttrs = {}): Handle => {
    // why: a fused loop over more elements than a typed array holds would run for hours without
    // allocating anything; the interpreter fails on the allocation. Both fail before any state changes.
    const n = numel(shape);
    if (typeof n !== 'number' && !sizeLimits.some((l) => l.size === n)) sizeLimits.push({ size: n, dtype, op: { name: origin, type: creatingOp?.type ?? '' } });
    if (typeof n === 'number' && n > MAX_ELEMENTS) throw new InvalidArgumentError(`a tensor of ${n} elements is more than a typed array can hold (2^32)`, creatingOp);
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

  // why: fed dims of equal value share a run-time dim (a batch fed to x and to its labels); a fed
  // 0 or 1 stays concrete (compiled with it, broadcasting and the gradients' bookkeeping differ).
  const dims: LoweredProgram['dims'] = [];
  const dimChecks: LoweredProgram['dimChecks'] = [];
  const dimOfValue = new Map<number, number>();
  const hardDims = new Map<number, string>();
  const feedShapes = input.feeds.map((f, i) => f.shape.map((v, a): Dim => {
    const declared = f.tensor.shape;
    if (!opts.runtimeDims || v < 2 || (declared !== null && declared[a] !== null)) return v;
    let k = dimOfValue.get(v);
    if (k === undefined) { k = dims.length; dimOfValue.set(v, k); dims.push({ feed: i, axis: a, atLeast: 1 }); }
    else dimChecks.push({ feed: i, axis: a, dim: k });
    return symDim(k);
  }));
  input.feeds.forEach((f, i) => {
    values.set(f.tensor, { node: node('input', [], feedShapes[i], f.tensor.dtype, { feed: i }) });
  });
  const isDimsNode = (h: Handle | undefined) => !!h && list.nodes[h.id].prim === 'dims';

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
    let outs: Handle[] | undefined;
    if (dims.length && inputs.some((x) => x && (hasSym(x.shape) || isDimsNode(x)))) {
      outs = namingOp(op, () => DIM_OPS[op.type]?.(dimContext(op, inputs, list.nodes, node, constNode, (k) => { dims[k].atLeast = 2; }))) as Handle[] | undefined;
      if (!outs && !DIM_SAFE.has(op.type)) throw new Specialise(`${op.type} '${op.name}' takes no run-time dims (inputs ${inputs.map((x) => (x ? shapeText(x.shape) : 'ref')).join(', ')})`);
    }
    const flow = controlFlowOf(op);
    if (outs) {
      // lowered with its dims above
    } else if (flow) {
      outs = lowerControlFlow(op, flow, inputs, node);
    } else if (op.spec.lower || refIdx.length) {
      if (!op.spec.lower) throw new NotCompilable(`${op.type} has no lowering`);
      const ctx = makeContext(op, inputs, node, constNode, constOf, hardDims, {
        read: (i) => readVar(refs[i]),
        write: (i, value) => {
          const v = refs[i];
          writes.push({ variable: v, node: value.id });
          current.set(v, value);
        },
      });
      const lower = op.spec.lower;
      outs = namingOp(op, () => {
        try {
          return lower(ctx, op) as unknown as Handle[];
        } catch (e) {
          // why: an op's own checks compare concrete dims; with run-time dims in its inputs, let the
          // plan specialise (on concrete shapes the op either lowers or reports the real error).
          if (dims.length && e instanceof OpError && inputs.some((x) => x && hasSym(x.shape))) throw new Specialise(`${op.type} '${op.name}': ${e.message}`);
          throw e;
        }
      });
    } else if (!op.spec.stateful && inputs.every((h) => constOf(h))) {
      outs = namingOp(op, () => foldWithReference(op, inputs.map((h) => constOf(h)!))).map(constNode);
    } else {
      if (op.spec.stateful && op.spec.writesState) throw new NotCompilable(`${op.type} writes state without a lowering`);
      if (inputs.some((x) => x && (hasSym(x.shape) || isDimsNode(x)))) throw new Specialise(`host op ${op.type} '${op.name}' needs concrete shapes`);
      if (op.spec.stateful) randomOps.push(op);
      let concrete: (Dim[] | null)[] | undefined;
      const hostOp = describeOp(op);
      outs = op.outputs.map((t, k) => {
        const known = t.shape && t.shape.every((d) => d !== null) ? (t.shape as number[]) : null;
        const shape = known ?? (concrete ??= concreteShapes(op, inputs, constOf))[k];
        if (!shape) throw new NotCompilable(`output ${t.name} of host op ${op.type} has no static shape`);
        return node('host', inputs, shape, t.dtype, { hostOp, hostIndex: k, stream: op.spec.stateful ? randomOps.length - 1 : undefined });
      });
    }
    op.outputs.forEach((t, k) => {
      if (!values.has(t)) values.set(t, { node: outs![k] });
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
  for (const id of [...outputs, ...writes.map((w) => w.node)]) {
    if (list.nodes[id].prim === 'dims') throw new Specialise(`a run's result is a shape with run-time dims (${list.nodes[id].origin[0]})`);
  }
  for (const c of dimChecks) if (hardDims.has(c.dim)) c.op = hardDims.get(c.dim);
  const feeds = input.feeds.map((f, i) => ({ tensor: f.tensor, shape: feedShapes[i] }));
  return { nodes: list.nodes, feeds, variables, randomOps, outputs, writes, refFetches, dims, dimChecks, sizeLimits };
}

/**
 * The op's output shapes re-inferred from its inputs' concrete shapes and constant values (a
 * graph-level unknown dim is known once a plan is specialised on fed shapes); null where still
 * unknown.
 */
function concreteShapes(op: Operation, inputs: readonly Handle[], constOf: (h: Handle) => NDArray | undefined): (Dim[] | null)[] {
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

type NodeFn = (prim: Node['prim'], inputs: readonly Handle[], shape: readonly Dim[], dtype: DType, attrs?: NodeAttrs) => Handle;

interface StateAccess {
  read(refInput: number): Handle;
  write(refInput: number, value: Handle): void;
}

/** Runs an op's lowering; an OpError it throws names that op. why: run-time errors name the op that failed, whichever executor found them. */
function namingOp<T>(op: Operation, lower: () => T): T {
  try {
    return lower();
  } catch (e) {
    if (e instanceof OpError && !e.op) throw new (e.constructor as new (m: string, op: Operation) => OpError)(e.message, op);
    throw e;
  }
}

function broadcastShape(a: readonly Dim[], b: readonly Dim[], what: string): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const da = i < n - a.length ? 1 : a[i - (n - a.length)];
    const db = i < n - b.length ? 1 : b[i - (n - b.length)];
    if (da !== db && da !== 1 && db !== 1) {
      // why: a run-time dim against another dim would need them equal at run time: specialise.
      if (isSym(da) || isSym(db)) throw new Specialise(`${what}: ${shapeText(a)} vs ${shapeText(b)}`);
      throw new InvalidArgumentError(`${what}: Incompatible shapes: [${a}] vs. [${b}]`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** The builders a symbolic shape-op lowering (lower_dims.ts) uses. */
function dimContext(op: Operation, inputs: Handle[], nodes: readonly Node[], node: NodeFn, constNode: (v: NDArray) => Handle,
  notOne: (dim: number) => void): DimOpContext {
  const what = `${op.type} '${op.name}'`;
  return {
    op, inputs, at: (id) => nodes[id], notOne,
    entries: (i) => {
      const n = inputs[i] ? nodes[inputs[i].id] : undefined;
      if (!n || n.shape.length > 1) return undefined;
      if (n.prim === 'dims') return [...n.attrs.dims!];
      return n.prim === 'const' ? Array.from(n.attrs.value!.data) : undefined;
    },
    dims: (entries, scalar) => node('dims', [], scalar ? [] : [entries.length], 'int32', { dims: [...entries] }),
    reshape: (x, shape) => (sameDims(x.shape, shape) ? x as Handle : node('reshape', [x as Handle], shape, (x as Handle).dtype)),
    broadcast: (x, shape) => {
      if (sameDims(x.shape, shape)) return x as Handle;
      // why: broadcast_to grows x to exactly the target; anything else is the op's error, on concrete shapes.
      if (x.shape.length > shape.length || !sameDims(broadcastShape(x.shape, shape, what), shape)) throw new Specialise(`${what}: ${shapeText(x.shape)} to ${shapeText(shape)}`);
      return node('copy', [x as Handle], [...shape], (x as Handle).dtype);
    },
    constant: (v) => constNode(v),
  };
}

function makeContext(op: Operation, inputs: Handle[], node: NodeFn, constNode: (v: NDArray) => Handle,
  constOf: (h: Handle) => NDArray | undefined, hardDims: Map<number, string>, state: StateAccess): LowerContext {
  const what = `${op.type} '${op.name}'`;
  const h = (v: IRValue | Handle) => v as unknown as Handle;
  const iv = (x: Handle) => x as unknown as IRValue;
  const dimsOf = (v: IRValue | Handle): readonly Dim[] => h(v).shape;
  return {
    inputs: inputs as unknown as IRValue[],
    constantValue: (i) => (inputs[i] ? constOf(inputs[i]) : undefined),
    constant: (v) => iv(constNode(v)),
    unary: (prim, x) => iv(node(prim, [h(x)], dimsOf(x), producesBool(prim) ? 'bool' : x.dtype)),
    binary: (prim, a, b) => {
      if (!isBinary(prim)) throw new Error(`not a binary prim: ${prim}`);
      return iv(node(prim, [h(a), h(b)], broadcastShape(dimsOf(a), dimsOf(b), what), producesBool(prim) ? 'bool' : a.dtype));
    },
    where: (c, a, b) => iv(node('where', [h(c), h(a), h(b)], broadcastShape(broadcastShape(dimsOf(c), dimsOf(a), what), dimsOf(b), what), a.dtype)),
    fma: (a, b, c) => iv(node('fma', [h(a), h(b), h(c)], broadcastShape(broadcastShape(dimsOf(a), dimsOf(b), what), dimsOf(c), what), a.dtype)),
    cast: (x, dtype) => (x.dtype === dtype ? x : iv(node('cast', [h(x)], dimsOf(x), dtype))),
    reshape: (x, shape) => {
      const to = shape as readonly Dim[];
      if (numel(to) !== numel(dimsOf(x))) {
        if (hasSym(to) || hasSym(dimsOf(x))) throw new Specialise(`${what}: reshape ${shapeText(dimsOf(x))} to ${shapeText(to)}`);
        throw new InvalidArgumentError(`${what}: cannot reshape [${x.shape}] to [${shape}]`, op);
      }
      return sameDims(dimsOf(x), to) ? x : iv(node('reshape', [h(x)], to, x.dtype));
    },
    broadcast: (x, shape) => {
      const from = dimsOf(x), to = shape as readonly Dim[];
      if (sameDims(from, to)) return x;
      // why: broadcast_to grows x to exactly the target (a larger x is an error, as in the reference kernel).
      if (from.length > to.length || !sameDims(broadcastShape(from, to, what), to)) {
        if (hasSym(from) || hasSym(to)) throw new Specialise(`${what}: ${shapeText(from)} to ${shapeText(to)}`);
        throw new InvalidArgumentError(`${what}: cannot broadcast [${from.join(',')}] to [${to.join(',')}]`, op);
      }
      return iv(node('copy', [h(x)], to, x.dtype));
    },
    reduce: (kind: ReduceKind, x, axes, keepDims) => {
      // why: a reduction over no axes (gradients of same-shaped operands build them) is elementwise
      // and fuses: sum and mean add 0 as the reference's accumulator does (-0 becomes 0); the others are x.
      const xs = dimsOf(x);
      if (!axes.length && !isArgReduce(kind)) {
        if ((kind === 'sum' || kind === 'mean') && (x.dtype === 'float32' || x.dtype === 'float64')) {
          return iv(node('add', [h(x), constNode(new NDArray(allocate(x.dtype, 1), [], x.dtype))], xs, x.dtype));
        }
        return x;
      }
      const shape = keepDims ? xs.map((d, i) => (axes.includes(i) ? 1 : d)) : xs.filter((_, i) => !axes.includes(i));
      return iv(node('reduce', [h(x)], shape, isArgReduce(kind) ? 'int32' : x.dtype, { kind, axes: [...axes].sort((a, b) => a - b), keepDims }));
    },
    matmul: (a, b, ta, tb) => {
      const as = dimsOf(a), bs = dimsOf(b);
      if (as.length !== 2 || bs.length !== 2) {
        throw new InvalidArgumentError(`${what}: In[0] and In[1] must be matrices, got ${shapeText(as)} and ${shapeText(bs)}`, op);
      }
      const m = ta ? as[1] : as[0], k = ta ? as[0] : as[1];
      const k2 = tb ? bs[1] : bs[0], n = tb ? bs[0] : bs[1];
      if (k !== k2) {
        if (isSym(k) || isSym(k2)) throw new Specialise(`${what}: contracted dims ${dimText(k)} and ${dimText(k2)}`);
        throw new InvalidArgumentError(`Matrix size-incompatible: In[0]: [${a.shape}], In[1]: [${b.shape}]`, op);
      }
      // why: fed dims a matmul contracts must agree; a later feed that breaks this is an error naming both.
      if (isSym(k) && k.c === 1 && k.syms.length === 1) hardDims.set(k.syms[0], what);
      return iv(node('matmul', [h(a), h(b)], [m, n], a.dtype, { transposeA: ta, transposeB: tb }));
    },
    transpose: (x, perm) => iv(node('transpose', [h(x)], perm.map((p) => dimsOf(x)[p]), x.dtype, { perm: [...perm] })),
    slice: (x, begin, size) => iv(node('slice', [h(x)], size, x.dtype, { begin: [...begin], size: [...size] })),
    concat: (xs, axis) => {
      const shape = [...dimsOf(xs[0])];
      shape[axis] = xs.reduce((a: Dim, x) => dadd(a, dimsOf(x)[axis]), 0);
      return iv(node('concat', xs.map(h), shape, xs[0].dtype, { axis }));
    },
    gather: (params, indices, axis) => {
      const ps = dimsOf(params);
      const shape = [...ps.slice(0, axis), ...dimsOf(indices), ...ps.slice(axis + 1)];
      return iv(node('gather', [h(params), h(indices)], shape, params.dtype, { axis }));
    },
    pad: (x, paddings, value = 0) => iv(node('pad', [h(x)], dimsOf(x).map((d, i) => dadd(d, paddings[i][0] + paddings[i][1])), x.dtype, {
      paddings: paddings.map((p) => [p[0], p[1]] as [number, number]), padValue: value,
    })),
    readRef: (i) => iv(state.read(i)),
    writeRef: (i, v) => state.write(i, h(v)),
  };
}

