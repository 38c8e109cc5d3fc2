// The one definition of an op type: its shape/dtype rule, gradient and reference kernel,
// side by side. The compiler adds lowering beside these (codegen reads the same object).
import type { DType } from './dtypes.js';
import type { Operation, Tensor } from './graph.js';
import type { NDArray } from './ndarray.js';
import type { IRValue, LowerContext } from './prims.js';
import type { Shape } from './shape.js';

export type AttrValue = number | boolean | string | null | DType | number[] | Shape | NDArray | AttrValue[];
export type Attrs = Record<string, AttrValue | undefined>;

export interface OutputInfo {
  dtype: DType;
  shape: Shape;
  /** A mutable reference to a variable's storage (VariableV2's output), as TF1's `*_ref` dtypes. */
  isRef?: boolean;
}

export interface InferContext {
  readonly inputs: readonly Tensor[];
  readonly attrs: Attrs;
  /** The name the op will get, for messages. */
  readonly name: string;
  /** The value of input i when it is computable at graph-building time (a Const, a Shape of a known shape). */
  constantValue(i: number): NDArray | undefined;
}

/** A gradient entry: the tensor, null when there is none, or a thunk that builds it on demand. */
export type GradEntry = Tensor | null | (() => Tensor | null);

/** TF1's contract: the grads of the op's outputs in, one gradient per input out (null if none). */
export type GradFn = (op: Operation, dys: readonly (Tensor | null)[]) => GradEntry[];

/** The op a kernel runs for, as data (an Operation is one; a compiled plan's host call passes its description). */
export interface KernelOp {
  readonly type: string;
  readonly name: string;
  readonly attrs: Readonly<Attrs>;
  readonly location?: string;
}

/** What the reference interpreter gives a kernel besides its inputs. */
export interface KernelContext {
  readonly op: KernelOp;
  /** The variable behind ref input i (for ops listing i in `refInputs`). */
  refInput(i: number): Operation;
  readVariable(varOp: Operation): NDArray;
  writeVariable(varOp: Operation, value: NDArray): void;
  isInitialized(varOp: Operation): boolean;
  /** The next uniform [0,1) stream position for this random op, advancing the session's state. */
  randomStream(): () => number;
}

/** Values flowing through the interpreter: arrays, or a handle on a variable's storage. */
export interface VariableHandle { readonly variable: Operation }
export type RuntimeValue = NDArray | VariableHandle;

export interface OpSpec {
  /** TF1's OpDef name, e.g. 'MatMul'. */
  readonly type: string;
  /** Static output dtypes and shapes; throws a tf.errors error naming the tensors on bad input. */
  infer(ctx: InferContext): OutputInfo[];
  /** Gradient rule; absent means not differentiable (gradients stop here with null). */
  readonly grad?: GradFn;
  /**
   * Inputs that numpy-broadcast into the output: tf.gradients reduces their grads back to the
   * input's shape (sum over broadcast axes, then reshape), so the rule itself need not.
   */
  readonly broadcastInputs?: readonly number[];
  /** Inputs taken as variable references rather than values (Assign's `ref`). */
  readonly refInputs?: readonly number[];
  /** Takes or makes 'string' tensors (Const, Identity, summaries); other ops refuse them. */
  readonly acceptsStrings?: boolean;
  /** Has side effects or hidden state: never folded, deduplicated or pruned when fetched. */
  readonly stateful?: boolean;
  /** Writes variable state (Assign*, Apply*): runs after reads it is not ordered against. */
  readonly writesState?: boolean;
  /** The op's value when known while building the graph (Const, Shape of a static shape). */
  constant?(op: Operation): NDArray | undefined;
  /**
   * Lowering to primitives for the compiler, given concrete input shapes. Absent: the compiled
   * plan calls `reference` for this op (correct, not fused).
   */
  lower?(ctx: LowerContext, op: Operation): IRValue[];
  /** One obviously-correct kernel: the oracle for tests and the debug executor. */
  reference(inputs: NDArray[], ctx: KernelContext): RuntimeValue[];
}
