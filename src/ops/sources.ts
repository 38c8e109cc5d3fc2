// Ops with no data inputs and the state ops: Const, Placeholder, VariableV2, Assign*, Identity,
// NoOp. A variable's storage lives in the session; its VariableV2 output is a reference to it.
import { checkDType, type DType, type DTypeLike } from '../dtypes.js';
import { opArgs, type ArgSpec, type OptArgs } from './op_args.js';
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import { createOp, Operation, Tensor } from '../graph.js';
import { castArray, mapBinary } from '../kernels.js';
import { NDArray, inferDType } from '../ndarray.js';
import type { KernelOp, OpSpec } from '../op_spec.js';
import { stringArray, stringElements, stringValue } from '../strings.js';
import { NotLowerable } from '../prims.js';
import { compatible, fitsShape, formatDims, mergeShapes, shapeProblem, type Shape } from '../shape.js';
import { Const } from './const_op.js';
import { checkExactForDType, constantOp, convertToTensor, isTensorLikeObject, out, sameAsInput, valueToNDArray, type TensorLike } from './define_op.js';

export { Const };

export const Placeholder: OpSpec = {
  type: 'Placeholder',
  acceptsStrings: true,
  infer: ({ attrs }) => [{ dtype: attrs.dtype as DType, shape: (attrs.shape as Shape) ?? null }],
  reference: (_, { op }) => {
    const shape = op.attrs.shape as Shape | undefined;
    throw new InvalidArgumentError(`You must feed a value for placeholder tensor '${op.name}' with dtype ${op.attrs.dtype}${shape ? ` and shape ${formatDims(shape)}` : ''}`, op);
  },
};

export const VariableV2: OpSpec = {
  type: 'VariableV2',
  stateful: true,
  infer: ({ attrs }) => [{ dtype: attrs.dtype as DType, shape: (attrs.shape as Shape) ?? null, isRef: true }],
  // why: only the interpreter runs this kernel, with the live op (compiled plans bind variables by name).
  reference: (_, { op }) => [{ variable: op as Operation }],
};

function assignInfer(opType: string): OpSpec['infer'] {
  return ({ inputs, attrs, name }) => {
    const [ref, value] = inputs;
    if (!ref.isRef) {
      throw new InvalidArgumentError(`${opType} '${name}' needs a variable (or its reference tensor) as 'ref'; ${ref} is a plain tensor.`);
    }
    if (ref.dtype !== value.dtype) {
      throw new InvalidArgumentError(`Input 'value' of '${opType}' Op has type ${value.dtype} that does not match type ${ref.dtype} of argument 'ref' (${value} vs ${ref}).`);
    }
    const validate = attrs.validate_shape !== false;
    if (validate && !compatible(ref.shape, value.shape)) {
      throw new InvalidArgumentError(`${opType} '${name}' requires shapes of both tensors to match. lhs shape= ${formatDims(ref.shape)} rhs shape= ${formatDims(value.shape)}`);
    }
    return [{ dtype: ref.dtype, shape: validate ? mergeShapes(ref.shape, value.shape) : value.shape, isRef: true }];
  };
}

/**
 * TF1's run-time check of Assign* (the static one passes when the value's shape is only known at
 * run time): the value must have the variable's shape, rank included.
 */
function checkAssignShape(type: string, lhs: Shape, rhs: readonly number[], op?: KernelOp): void {
  if (!fitsShape(rhs, lhs)) {
    throw new InvalidArgumentError(`${type} requires shapes of both tensors to match. lhs shape= ${formatDims(lhs)} rhs shape= ${formatDims([...rhs])}`, op);
  }
}

export const Assign: OpSpec = {
  type: 'Assign',
  lower: (ctx, op) => {
    // why: compiled plans are specialised on variable shapes; a shape-changing assign is interpreted.
    if (op.attrs.validate_shape === false) throw new NotLowerable(`${op.name} may change the variable's shape`);
    checkAssignShape('Assign', op.inputs[0].op.outputs[0].shape, ctx.inputs[1].shape, op);
    ctx.writeRef(0, ctx.inputs[1]);
    return [ctx.inputs[1]];
  },
  stateful: true,
  writesState: true,
  refInputs: [0],
  infer: assignInfer('Assign'),
  reference: ([, value], ctx) => {
    const variable = ctx.refInput(0);
    if (ctx.op.attrs.validate_shape !== false) checkAssignShape('Assign', variable.outputs[0].shape, value.shape, ctx.op);
    ctx.writeVariable(variable, value);
    return [value];
  },
};

function updateSpec(type: 'AssignAdd' | 'AssignSub', f: (a: number, b: number) => number): OpSpec {
  return {
    type,
    lower: (ctx, op) => {
      const old = ctx.readRef(0);
      // why: the value must match the variable exactly (no broadcasting), as the reference checks.
      checkAssignShape(type, [...old.shape], ctx.inputs[1].shape, op);
      const next = ctx.binary(type === 'AssignAdd' ? 'add' : 'sub', old, ctx.inputs[1]);
      ctx.writeRef(0, next);
      return [next];
    },
    stateful: true,
    writesState: true,
    refInputs: [0],
    infer: assignInfer(type),
    reference: ([, value], ctx) => {
      const variable = ctx.refInput(0);
      const old = ctx.readVariable(variable);
      checkAssignShape(type, [...old.shape], value.shape, ctx.op);
      const next = mapBinary(old, value, old.dtype, f);
      ctx.writeVariable(variable, next);
      return [next];
    },
  };
}
export const AssignAdd = updateSpec('AssignAdd', (a, b) => a + b);
export const AssignSub = updateSpec('AssignSub', (a, b) => a - b);

export const Identity: OpSpec = {
  type: 'Identity',
  acceptsStrings: true,
  lower: (ctx) => [ctx.inputs[0]],
  infer: (ctx) => sameAsInput(ctx),
  constant: (op) => op.inputs[0].op.spec.constant?.(op.inputs[0].op),
  grad: (_, [dy]) => [dy],
  reference: ([x]) => [x],
};

export const NoOp: OpSpec = {
  type: 'NoOp',
  lower: () => [],
  infer: () => [],
  reference: () => [],
};

export interface ConstantOptions {
  dtype?: DTypeLike;
  shape?: number[];
  name?: string;
  /** TF1's verify_shape: the value must have `shape` exactly (no fill or reshape). */
  verifyShape?: boolean;
}
const CONSTANT_ARGS: ArgSpec<ConstantOptions> = {
  positional: ['dtype', 'shape', 'name', 'verifyShape'],
  kinds: { dtype: 'dtype', shape: 'value', name: 'string', verifyShape: 'boolean' },
};

/**
 * A constant tensor (TF1 tf.constant(value, dtype, shape, name, verify_shape)); the arguments
 * after the value positionally or as options. JS numbers default to float32; booleans to bool.
 * With `shape`, a scalar fills it and a flat list is reshaped to it.
 * @example tf.constant([[1, 2], [3, 4]], {dtype: 'int32'})   // or tf.constant([[1, 2], [3, 4]], tf.int32)
 */
export function constant(value: TensorLike | string,
  ...args: OptArgs<[dtype: DTypeLike, shape: number[], name: string, verifyShape: boolean], ConstantOptions>): Tensor {
  const opts = opArgs('tf.constant', args, CONSTANT_ARGS);
  if (opts.verifyShape && opts.shape) {
    const given = valueToNDArray(value, opts.dtype ? checkDType(opts.dtype) : inferDType(value), 'tf.constant').shape;
    if (given.length !== opts.shape.length || given.some((d, i) => d !== opts.shape![i])) {
      throw new InvalidArgumentError(`tf.constant: Expected Tensor's shape: [${opts.shape}], got [${given}] (verifyShape).`);
    }
  }
  const strings = stringConstant(value, opts);
  if (strings) return constantOp(strings, opts.name);
  const dtype = opts.dtype ? checkDType(opts.dtype) : inferDType(value);
  if (value instanceof Tensor || isTensorLikeObject(value)) {
    throw new InvalidArgumentError('tf.constant takes a value (number, array, TypedArray, NDArray), not a Tensor; use tf.identity.');
  }
  checkExactForDType(value, dtype, 'tf.constant');
  const problem = opts.shape && shapeProblem(opts.shape);
  if (problem) throw new InvalidArgumentError(`tf.constant '${opts.name ?? 'Const'}': ${problem}.`);
  let arr: NDArray;
  if (opts.shape && (typeof value === 'number' || typeof value === 'boolean')) {
    const one = valueToNDArray(value, dtype, 'tf.constant');
    arr = valueToNDArray(new Array(opts.shape.reduce((a, b) => a * b, 1)).fill(one.data[0]), dtype, 'tf.constant', opts.shape);
  } else {
    const given = value instanceof NDArray ? castArray(value, dtype) : valueToNDArray(value, dtype, 'tf.constant');
    arr = opts.shape ? valueToNDArray(given, dtype, 'tf.constant', opts.shape) : given;
  }
  return convertToTensor(arr, { name: opts.name ?? 'Const' });
}

/** A JS string (or nested array of them) as a 'string' value; undefined for other values. */
function stringConstant(value: unknown, opts: ConstantOptions): NDArray | undefined {
  let arr: NDArray | undefined;
  try {
    arr = stringValue(value);
  } catch (e) {
    throw new InvalidArgumentError(`tf.constant: ${(e as Error).message}`);
  }
  if (!arr) return undefined;
  if (opts.dtype !== undefined && opts.dtype !== 'string') {
    throw new InvalidArgumentError(`tf.constant: cannot convert the string value ${JSON.stringify(value).slice(0, 60)} to dtype ${opts.dtype}; use dtype 'string'.`);
  }
  return opts.shape ? valueToStringShape(arr, opts.shape) : arr;
}

function valueToStringShape(arr: NDArray, shape: readonly number[]): NDArray {
  const els = stringElements(arr);
  const n = shape.reduce((a, b) => a * b, 1);
  if (els.length === 1) return stringArray(new Array(n).fill(els[0]), shape);
  if (els.length !== n) throw new InvalidArgumentError(`tf.constant: ${els.length} strings cannot fill shape [${shape.join(',')}]`);
  return stringArray(els, shape);
}

/**
 * A value fed at run time (TF1 tf.placeholder). `shape` may hold null for unknown dims;
 * omitted, the rank is unknown too.
 */
export function placeholder(dtypeName: DTypeLike, shape?: readonly (number | null)[] | null, name?: string): Tensor {
  const dtype = checkDType(dtypeName, 'tf.placeholder dtype');
  if (shape) {
    for (const d of shape) {
      if (d !== null && (!Number.isInteger(d) || d < 0)) throw new InvalidArgumentError(`tf.placeholder: dimension ${d} of shape [${shape.join(',')}] must be a non-negative integer or null.`);
    }
  }
  return out(createOp(Placeholder, [], { dtype, shape: shape ? [...shape] : null }, name ?? 'Placeholder'));
}

/** A no-op: useful as a fetch or control-dependency anchor (TF1 tf.no_op). */
export function noOp(name?: string): Operation {
  return createOp(NoOp, [], {}, name ?? 'NoOp');
}

export function identity(x: TensorLike, name?: string): Tensor {
  const t = convertToTensor(x);
  return out(createOp(Identity, [t], {}, name ?? 'Identity'));
}

export { FailedPreconditionError };
