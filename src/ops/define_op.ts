// Shared pieces of op definitions: turning user values into tensors, building an op inside
// its own name scope (so `x * 2` names its constant `mul/y`), and common shape/dtype rules.
import { castScalar, checkDType, isInt, type DType, type DTypeLike } from '../dtypes.js';
import { InvalidArgumentError } from '../errors.js';
import { createOp, nameScope, Operation, Tensor } from '../graph.js';
import { inferDType, NDArray, toNDArray } from '../ndarray.js';
import type { Attrs, InferContext, OpSpec, OutputInfo } from '../op_spec.js';
import { Const } from './const_op.js';
import { broadcastStatic, formatDims } from '../shape.js';

/** Anything that can stand where a tensor is expected (Variables expose `_asTensor`). */
export type TensorLike = Tensor | { _asTensor(): Tensor } | number | boolean | NDArray | ArrayLike<number> | BigInt64Array | unknown[];

export function isTensorLikeObject(v: unknown): v is { _asTensor(): Tensor } {
  return typeof v === 'object' && v !== null && typeof (v as { _asTensor?: unknown })._asTensor === 'function';
}

/** Makes a Const op holding `value` converted to dtype. */
export function constantOp(value: NDArray, name?: string): Tensor {
  return createOp(Const, [], { value, dtype: value.dtype }, name ?? 'Const').outputs[0];
}

/**
 * TF1's convert_to_tensor: tensors pass through (dtype checked), Variables give their value,
 * JS values become a Const named `name` (in the current scope).
 */
export function convertToTensor(value: TensorLike, opts: { dtype?: DType; name?: string; what?: string } = {}): Tensor {
  if (value instanceof Tensor) {
    if (opts.dtype && value.dtype !== opts.dtype) {
      throw new InvalidArgumentError(`${opts.what ?? 'Tensor conversion'}: requested dtype ${opts.dtype} for ${value}, which has dtype ${value.dtype}.`);
    }
    return value;
  }
  if (isTensorLikeObject(value)) return convertToTensor(value._asTensor(), opts);
  if (value instanceof Operation) {
    throw new InvalidArgumentError(`${opts.what ?? 'Tensor conversion'}: got ${value}, an Operation; pass one of its outputs (op.outputs[0]) instead.`);
  }
  const dtype = opts.dtype ?? inferDType(value);
  checkExactForDType(value, dtype, opts.what);
  return constantOp(valueToNDArray(value, dtype, opts.what ?? 'constant'), opts.name);
}

/** toNDArray for graph-building code: bad values (strings, ragged arrays) fail as InvalidArgumentError. */
export function valueToNDArray(value: unknown, dtype: DType, what: string, shape?: readonly number[]): NDArray {
  try {
    return toNDArray(value, dtype, what, shape);
  } catch (e) {
    if (e instanceof TypeError || e instanceof RangeError) throw new InvalidArgumentError(e.message);
    throw e;
  }
}

/** TF1 refuses 2.5 (or 300 for uint8) for an integer input rather than converting silently. */
export function checkExactForDType(value: unknown, dtype: DType, what?: string): void {
  if (!isInt(dtype) && dtype !== 'bool') return;
  const check = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(check);
    else if (typeof v === 'number' && castScalar(v, dtype) !== v && !(dtype === 'bool' && (v === 0 || v === 1))) {
      throw new InvalidArgumentError(`${what ?? 'Tensor conversion'}: expected ${dtype}, got ${v} of type 'number' instead.`);
    }
  };
  if (!(value instanceof NDArray) && !ArrayBuffer.isView(value)) check(value);
}

function dtypeOfOperand(v: TensorLike): DType | undefined {
  if (v instanceof Tensor) return v.dtype;
  if (isTensorLikeObject(v)) return v._asTensor().dtype;
  if (v instanceof NDArray) return v.dtype;
  if (ArrayBuffer.isView(v)) return inferDType(v);
  return undefined;
}

/**
 * Builds an op whose inputs all share one dtype `T` (Add, Mul, Maximum, …). JS values take the
 * dtype of the tensor operands (as a Python scalar does in TF1) and are named after the input
 * they feed (`Mul/y`); mismatched tensors fail naming both.
 */
export function sameTypeOp(spec: OpSpec, args: Record<string, TensorLike>, attrs: Attrs = {}, name?: string): Operation {
  return nameScope(name ?? spec.type, (scope) => {
    const names = Object.keys(args);
    let dtype: DType | undefined;
    let first = '';
    for (const k of names) {
      const dt = dtypeOfOperand(args[k]);
      if (dt && !dtype) { dtype = dt; first = k; }
    }
    const inputs = names.map((k) => {
      const t = convertToTensor(args[k], { dtype: dtype && !dtypeOfOperand(args[k]) ? dtype : undefined, name: k, what: `${spec.type} input '${k}'` });
      if (dtype && t.dtype !== dtype) {
        throw new InvalidArgumentError(
          `Input '${k}' of '${spec.type}' Op has type ${t.dtype} that does not match type ${dtype} of argument '${first}' ` +
          `(${t} vs ${convertToTensor(args[first])}). Use tf.cast to make them match.`);
      }
      return t;
    });
    return createOp(spec, inputs, attrs, scope);
  });
}

export function out(op: Operation): Tensor {
  return op.outputs[0];
}

/** Shape rule of elementwise binary ops: numpy broadcasting, failing with both shapes named. */
export function broadcastInfer(ctx: InferContext, dtype?: DType): OutputInfo[] {
  const [x, y] = ctx.inputs;
  const shape = broadcastStatic(x.shape, y.shape);
  if (shape === undefined) {
    const [da, db] = firstMismatch(x.shape!, y.shape!);
    throw new InvalidArgumentError(
      `Dimensions must be equal, but are ${da} and ${db} for '${ctx.name}' with input shapes: ${formatDims(x.shape)}, ${formatDims(y.shape)}: ` +
      `${x} and ${y} do not broadcast.`);
  }
  return [{ dtype: dtype ?? x.dtype, shape }];
}

/** The first pair of dims (aligned from the right) that keeps two shapes from broadcasting. */
function firstMismatch(a: readonly (number | null)[], b: readonly (number | null)[]): [number | null, number | null] {
  for (let i = 1; i <= Math.min(a.length, b.length); i++) {
    const da = a[a.length - i], db = b[b.length - i];
    if (da !== null && db !== null && da !== 1 && db !== 1 && da !== db) return [da, db];
  }
  return [null, null];
}

export function sameAsInput(ctx: InferContext, i = 0, dtype?: DType): OutputInfo[] {
  const x = ctx.inputs[i];
  return [{ dtype: dtype ?? x.dtype, shape: x.shape }];
}

/** Fails unless the input's dtype is one of `allowed` (e.g. Sqrt needs a float). */
export function requireDType(ctx: InferContext, i: number, allowed: readonly DType[], opType: string): void {
  const t = ctx.inputs[i];
  if (!allowed.includes(t.dtype)) {
    throw new InvalidArgumentError(`${opType} does not support ${t.dtype}: ${t} must be one of ${allowed.join(', ')}.`);
  }
}

export const FLOATS: readonly DType[] = ['float32', 'float64'];
export const NUMERIC: readonly DType[] = ['float32', 'float64', 'int32', 'int64', 'int16', 'int8', 'uint8'];

export function dtypeArg(d: DTypeLike | string | undefined, fallback: DType): DType {
  return d === undefined ? fallback : checkDType(d);
}

