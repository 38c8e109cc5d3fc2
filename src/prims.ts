// The closed set of primitives the compiler lowers every op to. Passes ask about groups
// ("is it elementwise?"), never list ops one by one.
import type { DType } from './dtypes.js';
import type { NDArray } from './ndarray.js';

export const UNARY = [
  'neg', 'exp', 'log', 'sqrt', 'abs', 'sign', 'floor', 'recip', 'tanh', 'sigmoid', 'relu', 'not', 'copy',
  'rsqrt', 'ceil', 'round', 'sin', 'cos', 'log1p', 'expm1',
] as const;
export const BINARY = ['add', 'sub', 'mul', 'div', 'max', 'min', 'pow', 'floordiv', 'floormod', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'and', 'or'] as const;
export const REDUCE_KINDS = ['sum', 'mean', 'max', 'min', 'prod', 'all', 'any', 'argmax', 'argmin'] as const;

export type UnaryPrim = (typeof UNARY)[number];
export type BinaryPrim = (typeof BINARY)[number];
export type ReduceKind = (typeof REDUCE_KINDS)[number];

export type Prim =
  | 'input' | 'const' | 'read' | 'random' | 'host' | 'dims'
  | UnaryPrim | BinaryPrim | 'where' | 'cast' | 'fma'
  | 'reduce' | 'matmul'
  | 'reshape' | 'transpose' | 'slice' | 'concat' | 'gather' | 'pad';

/** argmax/argmin: an int32 index per output, one loop of their own (they never share or fuse). */
export function isArgReduce(kind: ReduceKind | undefined): boolean { return kind === 'argmax' || kind === 'argmin'; }

const unarySet = new Set<string>(UNARY);
const binarySet = new Set<string>(BINARY);

export function isUnary(p: Prim): p is UnaryPrim { return unarySet.has(p); }
export function isBinary(p: Prim): p is BinaryPrim { return binarySet.has(p); }
/** Elementwise prims: one output element from the same-index (broadcast) input elements. */
export function isElementwise(p: Prim): boolean { return unarySet.has(p) || binarySet.has(p) || p === 'where' || p === 'cast' || p === 'fma'; }
/**
 * Prims with an effect besides their value: a gather checks its indices, a host call runs a
 * reference kernel that may fail or advance a random stream. A run executes them even when no
 * fetch or write uses the value (a control dependency, a target), as the interpreter does.
 */
export function hasEffect(p: Prim): boolean { return p === 'gather' || p === 'host' || p === 'random'; }
/** Comparison and logic prims produce bool. */
export function producesBool(p: Prim): boolean {
  return p === 'eq' || p === 'ne' || p === 'lt' || p === 'le' || p === 'gt' || p === 'ge' || p === 'and' || p === 'or' || p === 'not';
}

/** A lowered value, as op lowerings see it: its static shape and dtype. */
export interface IRValue {
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/** What an op's `lower` builds IR with (codegen implements it; src only describes it). */
export interface LowerContext {
  readonly inputs: readonly IRValue[];
  /** The compile-time value of input i, when it is constant (shape arguments, axes). */
  constantValue(i: number): NDArray | undefined;
  constant(value: NDArray): IRValue;
  unary(prim: UnaryPrim, x: IRValue): IRValue;
  binary(prim: BinaryPrim, a: IRValue, b: IRValue): IRValue;
  where(cond: IRValue, a: IRValue, b: IRValue): IRValue;
  cast(x: IRValue, dtype: DType): IRValue;
  /** a·b + c with one rounding (float32 fused multiply-add, as TF's compiled kernels do). */
  fma(a: IRValue, b: IRValue, c: IRValue): IRValue;
  /** Same data, new shape; reshape to a larger (broadcast) shape with `broadcast`. */
  reshape(x: IRValue, shape: readonly number[]): IRValue;
  broadcast(x: IRValue, shape: readonly number[]): IRValue;
  reduce(kind: ReduceKind, x: IRValue, axes: readonly number[], keepDims: boolean): IRValue;
  matmul(a: IRValue, b: IRValue, transposeA: boolean, transposeB: boolean): IRValue;
  transpose(x: IRValue, perm: readonly number[]): IRValue;
  slice(x: IRValue, begin: readonly number[], size: readonly number[]): IRValue;
  concat(xs: readonly IRValue[], axis: number): IRValue;
  gather(params: IRValue, indices: IRValue, axis: number): IRValue;
  pad(x: IRValue, paddings: readonly (readonly [number, number])[], value?: number): IRValue;
  /** The current value of the variable behind ref input i (state ops only). */
  readRef(i: number): IRValue;
  /** Writes `value` to the variable behind ref input i, committed when the run succeeds. */
  writeRef(i: number, value: IRValue): void;
}

/** Thrown by a lowering that cannot handle this case (e.g. axes only known at run time). */
export class NotLowerable extends Error {}
