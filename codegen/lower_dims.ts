// Lowering with run-time dims: which ops may see dim expressions in their inputs' shapes, and the
// symbolic side of the shape bookkeeping that gradients build (Shape, Size, ReducedShape,
// BroadcastGradientArgs, then Reshape / BroadcastTo / Fill to a computed shape). Those ops' own
// lowerings (src/ops) take concrete shape tensors; here their shape arguments are 'dims' nodes,
// small int tensors of dim expressions, which become run-time scalars only where arithmetic reads
// them (a mean's count). Any other op meeting a run-time dim throws Specialise (the plan is then
// compiled on concrete shapes).
import { InvalidArgumentError } from '../src/errors.js';
import type { Operation } from '../src/graph.js';
import { NDArray } from '../src/ndarray.js';
import { ddiv, dprod, hasSym, isSym, shapeText, Specialise, type Dim } from './dims.js';
import type { Node } from './ir.js';

/**
 * Ops whose lowering only hands shapes on to the LowerContext (which computes with dims), so a
 * run-time dim passes through them. Checked one by one; an op not here specialises its plan.
 */
export const DIM_SAFE: ReadonlySet<string> = new Set([
  'Identity', 'StopGradient', 'NoOp', 'Cast', 'ZerosLike', 'OnesLike', 'Rank',
  'Add', 'AddV2', 'Sub', 'Mul', 'RealDiv', 'Maximum', 'Minimum', 'Pow', 'SquaredDifference', 'AddN',
  'Equal', 'NotEqual', 'Less', 'LessEqual', 'Greater', 'GreaterEqual', 'LogicalAnd', 'LogicalOr', 'Select', 'SelectV2',
  'Neg', 'Square', 'Sqrt', 'Rsqrt', 'Exp', 'Log', 'Abs', 'Sign', 'Sigmoid', 'Tanh', 'Reciprocal', 'Floor', 'LogicalNot',
  'SqrtGrad', 'SigmoidGrad', 'TanhGrad', 'ReciprocalGrad', 'Relu', 'ReluGrad',
  'MatMul', 'Sum', 'Mean', 'Max', 'Min', 'Prod', 'ArgMax', 'ArgMin',
  'Softmax', 'LogSoftmax', 'SoftmaxCrossEntropyWithLogits', 'ExpandDims', 'Transpose',
]);

/** What a dims-aware lowering gets: input values, their node, and the node builders it needs. */
export interface DimOpContext {
  readonly op: Operation;
  readonly inputs: readonly { id: number; shape: readonly Dim[] }[];
  at(id: number): Node;
  /** Records that the plan took run-time dim D_k to differ from 1 (a fed 1 then needs another plan). */
  notOne(k: number): void;
  /** The entries of a shape-tensor input: a const's values or a dims node's expressions. */
  entries(i: number): Dim[] | undefined;
  dims(entries: readonly Dim[], scalar: boolean): { id: number; shape: readonly Dim[] };
  reshape(x: { id: number; shape: readonly Dim[] }, shape: readonly Dim[]): { id: number; shape: readonly Dim[] };
  broadcast(x: { id: number; shape: readonly Dim[] }, shape: readonly Dim[]): { id: number; shape: readonly Dim[] };
  constant(v: NDArray): { id: number; shape: readonly Dim[] };
}

type DimLowering = (c: DimOpContext) => { id: number; shape: readonly Dim[] }[] | undefined;

const ints = (xs: readonly number[]) => new NDArray(Int32Array.from(xs), [xs.length], 'int32');

/** A shape tensor as a const when concrete, else a dims node. */
function shapeValue(c: DimOpContext, entries: readonly Dim[], scalar = false) {
  if (hasSym(entries)) return c.dims(entries, scalar);
  return c.constant(scalar ? new NDArray(Int32Array.of(entries[0] as number), [], 'int32') : ints(entries as number[]));
}

/**
 * BroadcastGradientArgs over dims: a run-time dim is equal only to itself, and taken to differ from
 * 1 (at 1 TF reduces over that axis too, which turns -0 into +0): `notOne` records it.
 */
function gradientArgs(s0: readonly Dim[], s1: readonly Dim[], what: string, notOne: (k: number) => void): [number[], number[]] {
  const n = Math.max(s0.length, s1.length);
  const r0: number[] = [], r1: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = i < n - s0.length ? 1 : s0[i - (n - s0.length)];
    const b = i < n - s1.length ? 1 : s1[i - (n - s1.length)];
    for (const d of [a, b]) if (isSym(d) && (a === 1 || b === 1)) d.syms.forEach(notOne);
    if (a === 1 && b !== 1) r0.push(i);
    else if (b === 1 && a !== 1) r1.push(i);
    else if (a === 1 && b === 1) { r0.push(i); r1.push(i); }
    else if (a !== b) {
      if (isSym(a) || isSym(b)) throw new Specialise(`${what}: ${shapeText(s0)} vs ${shapeText(s1)}`);
      throw new InvalidArgumentError(`Incompatible shapes: ${shapeText(s0)} vs. ${shapeText(s1)}`);
    }
  }
  return [r0, r1];
}

/** The shape a reshape target describes, its -1 resolved against x's element count. */
function reshapeTarget(x: readonly Dim[], target: readonly Dim[], what: string): Dim[] {
  const unknown = target.indexOf(-1);
  const known = dprod(target.filter((_, i) => i !== unknown));
  const size = dprod(x);
  if (unknown < 0) {
    if (known !== size) throw new Specialise(`${what}: ${shapeText(x)} to ${shapeText(target)}`);
    return [...target];
  }
  const r = [...target];
  r[unknown] = ddiv(size, known);
  return r;
}

/** Symbolic lowerings of the shape bookkeeping ops, used when an input holds run-time dims. */
export const DIM_OPS: Readonly<Record<string, DimLowering>> = {
  Shape: (c) => [shapeValue(c, c.inputs[0].shape)],
  Size: (c) => [shapeValue(c, [dprod(c.inputs[0].shape)], true)],
  ReducedShape: (c) => {
    const s = c.entries(0), axes = c.entries(1);
    if (!s || !axes || hasSym(axes)) return undefined;
    const r = s.length;
    const set = new Set((axes as number[]).map((a) => ((a % r) + r) % r));
    return [shapeValue(c, s.map((d, i) => (set.has(i) ? 1 : d)))];
  },
  BroadcastGradientArgs: (c) => {
    const s0 = c.entries(0), s1 = c.entries(1);
    if (!s0 || !s1) return undefined;
    return gradientArgs(s0, s1, `BroadcastGradientArgs '${c.op.name}'`, (k) => c.notOne(k)).map((r) => c.constant(ints(r)));
  },
  Reshape: (c) => {
    const target = c.entries(1);
    if (!target) return undefined;
    return [c.reshape(c.inputs[0], reshapeTarget(c.inputs[0].shape, target, `Reshape '${c.op.name}'`))];
  },
  BroadcastTo: (c) => {
    const target = c.entries(1);
    return target ? [c.broadcast(c.inputs[0], target)] : undefined;
  },
  Fill: (c) => {
    const dims = c.entries(0);
    return dims ? [c.broadcast(c.inputs[1], dims)] : undefined;
  },
};
