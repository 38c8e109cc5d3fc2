// Fetch structures of sess.run: Tensors, Operations, Variables and names, nested in arrays,
// plain objects and Maps. Flattened once to unique tensors and target ops, kept as a small tree
// that rebuilds the structure from the values and recognises a later structure of the same
// shape (same keys, same leaves) without allocating, so a fresh literal per step is a cache hit.
import { InvalidArgumentError, NotFoundError, OpError } from './errors.js';
import { Graph, Operation, Tensor } from './graph.js';
import { NDArray } from './ndarray.js';
import { Variable } from './variables.js';

export type FetchLeaf = Tensor | Operation | Variable | string;

export type Fetches = FetchLeaf | readonly Fetches[] | { readonly [k: string]: Fetches } | Map<unknown, Fetches>;

/** A 0-d string tensor gives its bytes (Python bytes in TF1). */
export type FetchValue = number | boolean | NDArray | Uint8Array | null;

/** One node of a flattened fetch structure. */
export type FetchNode =
  | { kind: 'tensor'; leaf: unknown; index: number }
  | { kind: 'op'; leaf: unknown }
  | { kind: 'array'; children: FetchNode[] }
  | { kind: 'object'; keys: string[]; children: FetchNode[]; template: Record<string, unknown> }
  | { kind: 'map'; keys: unknown[]; children: FetchNode[] };

/** A fetch structure flattened to unique targets, with a function rebuilding the structure. */
export interface FlatFetches<P = unknown> {
  tensors: Tensor[];
  targets: Operation[];
  root: FetchNode;
  /** Plans for this fetch set, by feed set and feed shapes. */
  plans: Map<string, P>;
  /** The plan used last, checked first. */
  last?: P;
}

function fetchLeaf(x: unknown, graph: Graph): Tensor | Operation | undefined {
  let el: Tensor | Operation | undefined;
  if (x instanceof Tensor || x instanceof Operation) el = x;
  else if (x instanceof Variable) el = x.ref;
  else if (typeof x === 'string') {
    try {
      el = graph.asGraphElement(x);
    } catch (e) {
      if (e instanceof OpError) throw new NotFoundError(`Fetch '${x}': ${e.message}`);
      throw e;
    }
  } else return undefined;
  if (el.graph !== graph) {
    throw new InvalidArgumentError(`Fetch argument ${el} cannot be interpreted as a Tensor: it is not an element of this session's graph.`);
  }
  return el;
}

function isPlainObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && Object.getPrototypeOf(x) === Object.prototype;
}

export function flattenFetches<P>(fetches: Fetches, graph: Graph): FlatFetches<P> {
  const tensors: Tensor[] = [];
  const targets: Operation[] = [];
  const index = new Map<Tensor, number>();
  const seenOps = new Set<Operation>();
  const open = new Set<unknown>();
  const build = (x: unknown, path: string): FetchNode => {
    const leaf = fetchLeaf(x, graph);
    if (leaf instanceof Tensor) {
      let i = index.get(leaf);
      if (i === undefined) { i = tensors.length; index.set(leaf, i); tensors.push(leaf); }
      return { kind: 'tensor', leaf: x, index: i };
    }
    if (leaf instanceof Operation) {
      if (!seenOps.has(leaf)) { seenOps.add(leaf); targets.push(leaf); }
      return { kind: 'op', leaf: x };
    }
    if (open.has(x)) throw new InvalidArgumentError(`Fetch argument ${path} contains itself: fetch structures must be trees.`);
    open.add(x);
    let node: FetchNode | undefined;
    if (Array.isArray(x)) node = { kind: 'array', children: x.map((e, i) => build(e, `${path}[${i}]`)) };
    else if (x instanceof Map) {
      const keys = [...x.keys()];
      node = { kind: 'map', keys, children: keys.map((k) => build(x.get(k), `${path}.get(${String(k)})`)) };
    } else if (isPlainObject(x)) {
      const keys = Object.keys(x);
      // why: a template copied by spread keeps every key an own property ('__proto__' included)
      // and gives each result the same hidden class.
      const template = Object.fromEntries(keys.map((k) => [k, null]));
      node = { kind: 'object', keys, template, children: keys.map((k) => build(x[k], `${path}.${k}`)) };
    }
    open.delete(x);
    if (node) return node;
    throw new InvalidArgumentError(`Fetch argument ${path || 'fetches'} = ${String(x)} has invalid type ${x === null ? 'null' : typeof x}: fetch Tensors, Operations, Variables, names, or arrays/objects/Maps of them.`);
  };
  const root = build(fetches, '');
  return { tensors, targets, root, plans: new Map() };
}

/** Whether `y` has exactly the structure and leaves of `n` (keys in the same order); allocates nothing for arrays and objects. */
export function matchesFetches(n: FetchNode, y: unknown): boolean {
  switch (n.kind) {
    case 'tensor':
    case 'op':
      return y === n.leaf;
    case 'array': {
      const c = n.children;
      if (!Array.isArray(y) || y.length !== c.length) return false;
      for (let i = 0; i < c.length; i++) if (!matchesFetches(c[i], y[i])) return false;
      return true;
    }
    case 'object': {
      if (!isPlainObject(y)) return false;
      const keys = n.keys;
      let i = 0;
      for (const k in y) {
        if (!Object.hasOwn(y, k)) continue;
        if (i >= keys.length || k !== keys[i] || !matchesFetches(n.children[i], y[k])) return false;
        i++;
      }
      return i === keys.length;
    }
    case 'map': {
      if (!(y instanceof Map) || y.size !== n.keys.length) return false;
      let i = 0;
      for (const k of y.keys()) {
        if (k !== n.keys[i] || !matchesFetches(n.children[i], y.get(k))) return false;
        i++;
      }
      return true;
    }
  }
}

/** The fetch structure of `n` with each tensor's value in place (Operations give null). */
export function rebuildFetches(n: FetchNode, values: readonly FetchValue[]): unknown {
  switch (n.kind) {
    case 'tensor':
      return values[n.index];
    case 'op':
      return null;
    case 'array': {
      const c = n.children;
      const out = new Array(c.length);
      for (let i = 0; i < c.length; i++) out[i] = rebuildFetches(c[i], values);
      return out;
    }
    case 'object': {
      const o = { ...n.template };
      // why: the keys are own properties of the copy, so even '__proto__' assigns a value here.
      for (let i = 0; i < n.keys.length; i++) o[n.keys[i]] = rebuildFetches(n.children[i], values);
      return o;
    }
    case 'map': {
      const m = new Map<unknown, unknown>();
      for (let i = 0; i < n.keys.length; i++) m.set(n.keys[i], rebuildFetches(n.children[i], values));
      return m;
    }
  }
}

export function toResult(a: NDArray): FetchValue {
  if (a.shape.length === 0) return a.dtype === 'bool' ? a.data[0] !== 0 : a.data[0];
  return a;
}
