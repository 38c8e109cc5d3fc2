// Elementwise binary ops with numpy broadcasting: arithmetic, maximum/minimum, pow,
// squared difference and comparisons. tf.gradients reduces their grads to each input's shape.
import { isInt, isInt32Family, type DType } from '../dtypes.js';
import { InvalidArgumentError, type ErrorOp } from '../errors.js';
import { createOp, nameScope, type Tensor } from '../graph.js';
import { mapBinary } from '../kernels.js';
import { intFloorDiv, intFloorMod } from '../runtime/int_math.js';
import { ipow, ipow64 } from '../runtime/int32.js';
import type { GradFn, OpSpec } from '../op_spec.js';
import type { BinaryPrim } from '../prims.js';
import * as arrayOps from './array.js';
import { broadcastInfer, convertToTensor, NUMERIC, out, requireDType, sameTypeOp, type TensorLike } from './define_op.js';
import * as unary from './math_unary.js';

type Fn = (a: number, b: number) => number;

interface BinaryDef {
  type: string;
  /** The primitive it lowers to (SquaredDifference lowers through `lower` instead). */
  prim?: BinaryPrim;
  lower?: OpSpec['lower'];
  /** The elementwise function; `intF` overrides it for integer dtypes (truncating division). */
  f: Fn;
  intF?: Fn;
  /** The override for integers of at most 32 bits, which wrap around (Math.imul); int64 is exact instead. */
  int32F?: Fn;
  /** float32 override where the formula has several operations (each rounds, as in TF). */
  f32?: Fn;
  allowed?: readonly DType[];
  /** Comparisons produce bool. */
  outBool?: boolean;
  grad?: GradFn;
}

function binarySpec(d: BinaryDef): OpSpec {
  return {
    type: d.type,
    broadcastInputs: d.grad ? [0, 1] : undefined,
    infer: (ctx) => {
      requireDType(ctx, 0, d.allowed ?? NUMERIC, d.type);
      return broadcastInfer(ctx, d.outBool ? 'bool' : undefined);
    },
    grad: d.grad,
    lower: d.lower ?? ((ctx) => [ctx.binary(d.prim!, ctx.inputs[0], ctx.inputs[1])]),
    reference: ([a, b], { op }) => {
      const f = d.f32 && a.dtype === 'float32' ? d.f32 : d.int32F && isInt32Family(a.dtype) ? d.int32F : d.intF && isInt(a.dtype) ? d.intF : d.f;
      return [mapBinary(a, b, d.outBool ? 'bool' : a.dtype, f, `${op.type} '${op.name}'`)];
    },
  };
}

// why: JS `%`/`/` follow C truncation; TF's integer division by zero is an error, we give 0 like XLA.
const truncDiv: Fn = (a, b) => (b === 0 ? 0 : Math.trunc(a / b));

export const Add = binarySpec({ type: 'Add', prim: 'add', f: (a, b) => a + b, allowed: [...NUMERIC], grad: (_, [dy]) => [dy, dy] });
export const Sub = binarySpec({ type: 'Sub', prim: 'sub', f: (a, b) => a - b, grad: (_, [dy]) => [dy, () => negative(dy!)] });
export const Mul = binarySpec({
  type: 'Mul', prim: 'mul', f: (a, b) => a * b, int32F: Math.imul,
  grad: (op, [dy]) => [() => mulOp(dy!, op.inputs[1]), () => mulOp(op.inputs[0], dy!)],
});
export const RealDiv = binarySpec({
  type: 'RealDiv', prim: 'div', f: (a, b) => a / b, intF: truncDiv,
  grad: (op, [dy]) => {
    const [x, y] = op.inputs;
    // d(x/y)/dx = 1/y ; d(x/y)/dy = -x/y²
    return [() => realDiv(dy!, y), () => mulOp(dy!, realDiv(realDiv(negative(x), y), y))];
  },
});
export const Maximum = binarySpec({
  type: 'Maximum', prim: 'max', f: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b)),
  grad: (op, [dy]) => selectGrad(op.inputs[0], op.inputs[1], dy!, 'GreaterEqual'),
});
export const Minimum = binarySpec({
  type: 'Minimum', prim: 'min', f: (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b)),
  grad: (op, [dy]) => selectGrad(op.inputs[0], op.inputs[1], dy!, 'LessEqual'),
});
export const Pow = binarySpec({
  type: 'Pow', prim: 'pow', f: Math.pow, int32F: ipow, intF: ipow64,
  grad: (op, [dy]) => {
    const [x, y] = op.inputs;
    const z = op.outputs[0];
    return [
      // dz/dx = y * x^(y-1)
      () => mulOp(dy!, mulOp(y, powOp(x, subOp(y, 1)))),
      // dz/dy = z * log(x), taken as 0 where x <= 0 (TF1's convention)
      () => {
        const safeLog = arrayOps.where(greater(x, 0), unary.log(x), arrayOps.zerosLike(x));
        return mulOp(dy!, mulOp(z, safeLog));
      },
    ];
  },
});
export const SquaredDifference = binarySpec({
  type: 'SquaredDifference', f: (a, b) => (a - b) * (a - b), int32F: (a, b) => Math.imul(a - b, a - b),
  f32: (a, b) => { const d = Math.fround(a - b); return d * d; },
  lower: (ctx) => {
    const d = ctx.binary('sub', ctx.inputs[0], ctx.inputs[1]);
    return [ctx.binary('mul', d, d)];
  },
  grad: (op, [dy]) => {
    const [x, y] = op.inputs;
    const xGrad = () => mulOp(mulOp(convertToTensor(2, { dtype: dy!.dtype, name: 'scalar' }), dy!), subOp(x, y));
    let cached: Tensor | undefined;
    const xg = () => (cached ??= xGrad());
    return [xg, () => negative(xg())];
  },
});

// why: float32 x / y rounds to float32 before the floor, as TF's float32 kernel computes it.
export const FloorDiv = binarySpec({
  type: 'FloorDiv', prim: 'floordiv', f: (a, b) => Math.floor(a / b), f32: (a, b) => Math.floor(Math.fround(a / b)), intF: intFloorDiv,
  // why: TF1 registers no gradient for FloorDiv (None for both inputs).
  grad: () => [null, null],
});
export const FloorMod = binarySpec({
  type: 'FloorMod', prim: 'floormod', intF: intFloorMod,
  f: (a, b) => { const r = a % b; return r !== 0 && (r < 0) !== (b < 0) ? r + b : r; },
  // d/dx = 1; d/dy = -floor(x / y) (TF1's _FloorModGrad)
  grad: (op, [dy]) => [dy, () => mulOp(dy!, negative(floorDiv(op.inputs[0], op.inputs[1])))],
});

const ALL: readonly DType[] = [...NUMERIC, 'bool'];
export const Equal = binarySpec({ type: 'Equal', prim: 'eq', f: (a, b) => (a === b ? 1 : 0), allowed: ALL, outBool: true });
export const NotEqual = binarySpec({ type: 'NotEqual', prim: 'ne', f: (a, b) => (a !== b ? 1 : 0), allowed: ALL, outBool: true });
export const Less = binarySpec({ type: 'Less', prim: 'lt', f: (a, b) => (a < b ? 1 : 0), outBool: true });
export const LessEqual = binarySpec({ type: 'LessEqual', prim: 'le', f: (a, b) => (a <= b ? 1 : 0), outBool: true });
export const Greater = binarySpec({ type: 'Greater', prim: 'gt', f: (a, b) => (a > b ? 1 : 0), outBool: true });
export const GreaterEqual = binarySpec({ type: 'GreaterEqual', prim: 'ge', f: (a, b) => (a >= b ? 1 : 0), outBool: true });
export const LogicalAnd = binarySpec({ type: 'LogicalAnd', prim: 'and', f: (a, b) => (a && b ? 1 : 0), allowed: ['bool'], outBool: true });
export const LogicalOr = binarySpec({ type: 'LogicalOr', prim: 'or', f: (a, b) => (a || b ? 1 : 0), allowed: ['bool'], outBool: true });

/** AddN: the sum of several same-shaped tensors (how tf.gradients adds up grads). */
export const AddN: OpSpec = {
  type: 'AddN',
  infer: ({ inputs, name }) => {
    for (const t of inputs) {
      if (t.dtype !== inputs[0].dtype) throw new InvalidArgumentError(`AddN '${name}': all inputs must have one dtype; ${t} vs ${inputs[0]}.`);
    }
    // why: AddN adds same-shaped tensors (no broadcasting, as TF1); unknown dims take the known ones.
    let merged: (number | null)[] | null = null;
    let from = inputs[0];
    for (const t of inputs) {
      if (t.shape === null) continue;
      if (merged === null) { merged = [...t.shape]; from = t; continue; }
      if (t.shape.length !== merged.length || t.shape.some((d, i) => d !== null && merged![i] !== null && d !== merged![i])) {
        throw new InvalidArgumentError(`AddN '${name}': all inputs must have one shape, but ${from} and ${t} differ; AddN does not broadcast.`);
      }
      merged = merged.map((d, i) => d ?? t.shape![i]);
    }
    return [{ dtype: inputs[0].dtype, shape: merged }];
  },
  grad: (op, [dy]) => op.inputs.map(() => dy),
  lower: (ctx, op) => {
    checkAddNShapes(ctx.inputs.map((x) => x.shape), op);
    return [ctx.inputs.slice(1).reduce((acc, x) => ctx.binary('add', acc, x), ctx.inputs[0])];
  },
  reference: (xs, { op }) => {
    checkAddNShapes(xs.map((x) => x.shape), op);
    return [xs.slice(1).reduce((acc, x) => mapBinary(acc, x, acc.dtype, (a, b) => a + b, `AddN '${op.name}'`), xs[0])];
  },
};

/** AddN's run-time check (fed shapes), on both executors: one shape for all inputs, no broadcasting (TF1). */
function checkAddNShapes(shapes: readonly (readonly number[])[], op: ErrorOp): void {
  const s = shapes[0];
  shapes.forEach((x, i) => {
    if (x.length !== s.length || x.some((d, k) => d !== s[k])) {
      throw new InvalidArgumentError(`AddN '${op.name}': inputs must have the same size and shape. Input 0: [${s}] != input ${i}: [${x}]`, op);
    }
  });
}

// Gradient helpers: ops built inside a grad scope get TF1's lower-case operator names.
function mulOp(a: TensorLike, b: TensorLike): Tensor { return out(sameTypeOp(Mul, { x: a, y: b }, {}, 'mul')); }
function subOp(a: TensorLike, b: TensorLike): Tensor { return out(sameTypeOp(Sub, { x: a, y: b }, {}, 'sub')); }
function powOp(a: TensorLike, b: TensorLike): Tensor { return out(sameTypeOp(Pow, { x: a, y: b }, {}, 'pow')); }

function selectGrad(x: Tensor, y: Tensor, dy: Tensor, cmp: 'GreaterEqual' | 'LessEqual'): (() => Tensor)[] {
  let mask: Tensor | undefined;
  const m = () => (mask ??= cmp === 'GreaterEqual' ? greaterEqual(x, y) : lessEqual(x, y));
  return [
    () => arrayOps.where(m(), dy, arrayOps.zerosLike(dy)),
    () => arrayOps.where(m(), arrayOps.zerosLike(dy), dy),
  ];
}

function negative(x: Tensor): Tensor { return unary.negative(x); }

function realDiv(a: TensorLike, b: TensorLike): Tensor { return out(sameTypeOp(RealDiv, { x: a, y: b })); }

/** x + y with broadcasting (TF1 tf.add). */
export function add(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(Add, { x, y }, {}, name)); }
/** x - y with broadcasting (TF1 tf.subtract). */
export function subtract(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(Sub, { x, y }, {}, name)); }
/** x * y with broadcasting (TF1 tf.multiply). */
export function multiply(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(Mul, { x, y }, {}, name)); }

/**
 * x / y (TF1 tf.divide, i.e. truediv): integers are first cast to a float type
 * (int8/int16/uint8 → float32, int32/int64 → float64), as Python 3 division does in TF1.
 */
export function divide(x: TensorLike, y: TensorLike, name?: string): Tensor {
  return nameScope(name ?? 'truediv', (scope) => {
    const xt = convertToTensor(x, { name: 'x', dtype: dtypeHint(y) });
    const yt = convertToTensor(y, { name: 'y', dtype: xt.dtype });
    if (xt.dtype !== yt.dtype) {
      throw new InvalidArgumentError(`x and y must have the same dtype, got ${xt.dtype} != ${yt.dtype} (${xt} / ${yt}).`);
    }
    if (isInt(xt.dtype)) {
      const to: DType = xt.dtype === 'int32' || xt.dtype === 'int64' ? 'float64' : 'float32';
      return out(createOp(RealDiv, [arrayOps.cast(xt, to), arrayOps.cast(yt, to)], {}, scope));
    }
    return out(createOp(RealDiv, [xt, yt], {}, scope));
  });
}

function dtypeHint(v: TensorLike): DType | undefined {
  if (typeof v === 'object' && v !== null && 'dtype' in v && typeof (v as { dtype: unknown }).dtype === 'string' && !Array.isArray(v)) {
    return (v as { dtype: DType }).dtype;
  }
  if (typeof v === 'object' && v !== null && '_asTensor' in v) return (v as { _asTensor(): Tensor })._asTensor().dtype;
  return undefined;
}

export function maximum(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(Maximum, { x, y }, {}, name)); }
export function minimum(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(Minimum, { x, y }, {}, name)); }
/** x ** y elementwise (TF1 tf.pow). */
export function pow(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(Pow, { x, y }, {}, name)); }
/** (x - y)² elementwise (TF1 tf.squared_difference). */
export function squaredDifference(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(SquaredDifference, { x, y }, {}, name)); }
export function equal(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(Equal, { x, y }, {}, name)); }
export function notEqual(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(NotEqual, { x, y }, {}, name)); }
export function less(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(Less, { x, y }, {}, name)); }
export function lessEqual(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(LessEqual, { x, y }, {}, name)); }
export function greater(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(Greater, { x, y }, {}, name)); }
export function greaterEqual(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(GreaterEqual, { x, y }, {}, name)); }
export function logicalAnd(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(LogicalAnd, { x, y }, {}, name)); }
export function logicalOr(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(LogicalOr, { x, y }, {}, name)); }
/** x XOR y, built as TF1 builds it: (x OR y) AND NOT (x AND y) (TF1 tf.logical_xor). */
export function logicalXor(x: TensorLike, y: TensorLike, name = 'LogicalXor'): Tensor {
  return logicalAnd(logicalOr(x, y), unary.logicalNot(logicalAnd(x, y)), name);
}

/** floor(x / y) elementwise with broadcasting (TF1 tf.floordiv / tf.math.floordiv); integer division by zero gives 0. */
export function floorDiv(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(FloorDiv, { x, y }, {}, name ?? 'FloorDiv')); }
/**
 * x - floor(x / y) * y: the remainder takes the divisor's sign (TF1 tf.mod / tf.floormod, Python's %).
 * @example tf.mod(tf.constant(-7, {dtype: 'int32'}), 3)   // 2
 */
export function mod(x: TensorLike, y: TensorLike, name?: string): Tensor { return out(sameTypeOp(FloorMod, { x, y }, {}, name ?? 'FloorMod')); }

/** Sum of a list of same-shaped tensors (TF1 tf.add_n). */
export function addN(inputs: readonly TensorLike[], name?: string): Tensor {
  if (!Array.isArray(inputs) || !inputs.length) throw new InvalidArgumentError('tf.addN needs a non-empty array of tensors.');
  const ts = inputs.map((x) => convertToTensor(x));
  return out(createOp(AddN, ts, {}, name ?? 'AddN'));
}
