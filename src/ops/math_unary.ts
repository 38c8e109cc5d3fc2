// Elementwise unary math: negative, square, sqrt, rsqrt, exp, expm1, log, log1p, abs, sign,
// sigmoid, tanh, reciprocal, floor, ceil, round, sin, cos, and the TF1 *Grad helper ops their
// gradients use.
import { isInt, isInt32Family, type DType } from '../dtypes.js';
import { roundHalfEven } from '../runtime/int_math.js';
import { createOp, type Tensor } from '../graph.js';
import { mapBinary, mapUnary } from '../kernels.js';
import type { GradFn, OpSpec } from '../op_spec.js';
import type { UnaryPrim } from '../prims.js';
import { irArith, numberArith, type Arith } from '../arith.js';
import { broadcastInfer, convertToTensor, FLOATS, NUMERIC, out, requireDType, sameAsInput, sameTypeOp, type TensorLike } from './define_op.js';
import { add, divide, multiply, subtract } from './math_binary.js';
import { zerosLike } from './array.js';

interface UnaryDef {
  type: string;
  prim?: UnaryPrim;
  lower?: OpSpec['lower'];
  f: (x: number) => number;
  /** Override for integers of at most 32 bits, exact where float64 would round (e.g. Math.imul). */
  int32F?: (x: number) => number;
  allowed?: readonly DType[];
  grad?: GradFn;
}

function unarySpec(d: UnaryDef): OpSpec {
  return {
    type: d.type,
    infer: (ctx) => {
      requireDType(ctx, 0, d.allowed ?? NUMERIC, d.type);
      return sameAsInput(ctx);
    },
    grad: d.grad,
    lower: d.lower ?? ((ctx) => [ctx.unary(d.prim!, ctx.inputs[0])]),
    reference: ([x]) => [mapUnary(x, x.dtype, d.int32F && isInt32Family(x.dtype) ? d.int32F : d.f)],
  };
}

/** TF1's `*Grad` ops: (y or x, dy) → dx, elementwise, one formula for kernel and lowering. */
function gradSpec(type: string, f: <T>(A: Arith<T>, a: T, dy: T) => T, grad: GradFn): OpSpec {
  return {
    type,
    grad,
    infer: (ctx) => broadcastInfer(ctx),
    lower: (ctx) => [f(irArith(ctx, ctx.inputs[0].dtype), ctx.inputs[0], ctx.inputs[1])],
    reference: ([a, dy], { op }) => {
      const A = numberArith(a.dtype);
      return [mapBinary(a, dy, a.dtype, (x, g) => f(A, x, g), `${type} '${op.name}'`)];
    },
  };
}

// Their own gradients w.r.t. (y, dy) give second derivatives (TF1's _SigmoidGradGrad, …).
export const SigmoidGrad = gradSpec('SigmoidGrad', (A, y, dy) => A.mul(A.mul(dy, y), A.sub(A.const(1), y)), (op, [g]) => {
  const [y, dy] = op.inputs;
  // d/dy = dy·(1 - 2y); d/d(dy) = y·(1 - y)
  let gb: Tensor | undefined;
  const gdy = () => (gb ??= mul(g!, dy));
  return [() => subtract(gdy(), mul(mul(gdy(), 2), y), 'sub'), () => gradOp(SigmoidGrad, y, g!)];
});
export const TanhGrad = gradSpec('TanhGrad', (A, y, dy) => A.mul(dy, A.sub(A.const(1), A.mul(y, y))), (op, [g]) => {
  const [y, dy] = op.inputs;
  // d/dy = -2·y·dy; d/d(dy) = 1 - y²
  return [() => mul(mul(mul(g!, -2), dy), y), () => gradOp(TanhGrad, y, g!)];
});
export const SqrtGrad = gradSpec('SqrtGrad', (A, y, dy) => A.div(A.mul(dy, A.const(0.5)), y), (op, [g]) => {
  const y = op.inputs[0];
  // z = 0.5·dy/y: d/dy = -z/y; d/d(dy) = 0.5/y
  let ga: Tensor | undefined;
  const gOverY = () => (ga ??= divide(g!, y));
  return [() => negative(mul(gOverY(), op.outputs[0])), () => mul(gOverY(), 0.5)];
});
export const ReciprocalGrad = gradSpec('ReciprocalGrad', (A, y, dy) => A.mul(A.mul(A.neg(dy), y), y), (op, [g]) => {
  const [y, dy] = op.inputs;
  // z = -dy·y²: d/dy = -2·dy·y; d/d(dy) = -y²
  return [() => mul(mul(mul(g!, -2), dy), y), () => gradOp(ReciprocalGrad, y, g!)];
});

export const RsqrtGrad = gradSpec('RsqrtGrad', (A, y, dy) => A.mul(A.mul(A.const(-0.5), A.mul(dy, y)), A.mul(y, y)), (op, [g]) => {
  const [y, dy] = op.inputs;
  // z = -0.5·dy·y³: d/dy = -1.5·dy·y²; d/d(dy) = -0.5·y³ (TF1's _RsqrtGradGrad)
  return [() => mul(mul(mul(g!, -1.5), dy), square(y)), () => gradOp(RsqrtGrad, y, g!)];
});

function gradOp(spec: OpSpec, a: Tensor, dy: Tensor): Tensor {
  return out(createOp(spec, [a, dy], {}));
}

const mul = (a: TensorLike, b: TensorLike) => multiply(a, b, 'mul');

export const Neg = unarySpec({ type: 'Neg', prim: 'neg', f: (x) => -x, grad: (_, [dy]) => [negative(dy!)] });
export const Square = unarySpec({
  type: 'Square', f: (x) => x * x, int32F: (x) => Math.imul(x, x),
  lower: (ctx) => [ctx.binary('mul', ctx.inputs[0], ctx.inputs[0])],
  // d(x²)/dx = 2x
  grad: (op, [dy]) => [mul(dy!, mul(convertToTensor(2, { dtype: op.inputs[0].dtype, name: 'y' }), op.inputs[0]))],
});
export const Sqrt = unarySpec({ type: 'Sqrt', prim: 'sqrt', f: Math.sqrt, allowed: FLOATS, grad: (op, [dy]) => [gradOp(SqrtGrad, op.outputs[0], dy!)] });
export const Exp = unarySpec({ type: 'Exp', prim: 'exp', f: Math.exp, allowed: FLOATS, grad: (op, [dy]) => [mul(dy!, op.outputs[0])] });
export const Log = unarySpec({ type: 'Log', prim: 'log', f: Math.log, allowed: FLOATS, grad: (op, [dy]) => [mul(dy!, reciprocal(op.inputs[0]))] });
export const Abs = unarySpec({ type: 'Abs', prim: 'abs', f: Math.abs, grad: (op, [dy]) => [mul(dy!, sign(op.inputs[0]))] });
export const Sign = unarySpec({ type: 'Sign', prim: 'sign', f: (x) => (x > 0 ? 1 : x < 0 ? -1 : x), grad: (op) => [zerosLikeLazy(op.inputs[0])] });
export const Sigmoid = unarySpec({
  type: 'Sigmoid', prim: 'sigmoid', f: (x) => 1 / (1 + Math.exp(-x)), allowed: FLOATS,
  grad: (op, [dy]) => [gradOp(SigmoidGrad, op.outputs[0], dy!)],
});
export const Tanh = unarySpec({ type: 'Tanh', prim: 'tanh', f: Math.tanh, allowed: FLOATS, grad: (op, [dy]) => [gradOp(TanhGrad, op.outputs[0], dy!)] });
export const Reciprocal = unarySpec({
  type: 'Reciprocal', prim: 'recip', f: (x) => 1 / x, allowed: FLOATS,
  grad: (op, [dy]) => [gradOp(ReciprocalGrad, op.outputs[0], dy!)],
});
export const Floor = unarySpec({ type: 'Floor', prim: 'floor', f: Math.floor, allowed: FLOATS, grad: () => [null] });
export const Rsqrt = unarySpec({ type: 'Rsqrt', prim: 'rsqrt', f: (x) => 1 / Math.sqrt(x), allowed: FLOATS, grad: (op, [dy]) => [gradOp(RsqrtGrad, op.outputs[0], dy!)] });
// why: TF1 gives Floor, Ceil and Round no gradient (None), not zeros.
export const Ceil = unarySpec({ type: 'Ceil', prim: 'ceil', f: Math.ceil, allowed: FLOATS, grad: () => [null] });
export const Round = unarySpec({
  type: 'Round', prim: 'round', f: roundHalfEven, grad: () => [null],
  // integers round to themselves
  lower: (ctx) => [isInt(ctx.inputs[0].dtype) ? ctx.inputs[0] : ctx.unary('round', ctx.inputs[0])],
});
export const Sin = unarySpec({ type: 'Sin', prim: 'sin', f: Math.sin, allowed: FLOATS, grad: (op, [dy]) => [mul(dy!, cos(op.inputs[0]))] });
export const Cos = unarySpec({ type: 'Cos', prim: 'cos', f: Math.cos, allowed: FLOATS, grad: (op, [dy]) => [mul(negative(dy!), sin(op.inputs[0]))] });
export const Log1p = unarySpec({
  type: 'Log1p', prim: 'log1p', f: Math.log1p, allowed: FLOATS,
  grad: (op, [dy]) => [mul(dy!, reciprocal(add(1, op.inputs[0], 'add')))],
});
export const Expm1 = unarySpec({ type: 'Expm1', prim: 'expm1', f: Math.expm1, allowed: FLOATS, grad: (op, [dy]) => [mul(dy!, exp(op.inputs[0]))] });
export const LogicalNot = unarySpec({ type: 'LogicalNot', prim: 'not', f: (x) => (x ? 0 : 1), allowed: ['bool'] });

function zerosLikeLazy(x: Tensor): Tensor {
  return zerosLike(x);
}

function unary(spec: OpSpec, x: TensorLike, name?: string): Tensor {
  return out(sameTypeOp(spec, { x }, {}, name));
}

/** -x (TF1 tf.negative). */
export function negative(x: TensorLike, name?: string): Tensor { return unary(Neg, x, name); }
export function square(x: TensorLike, name?: string): Tensor { return unary(Square, x, name); }
export function sqrt(x: TensorLike, name?: string): Tensor { return unary(Sqrt, x, name); }
export function exp(x: TensorLike, name?: string): Tensor { return unary(Exp, x, name); }
export function log(x: TensorLike, name?: string): Tensor { return unary(Log, x, name); }
export function abs(x: TensorLike, name?: string): Tensor { return unary(Abs, x, name); }
export function sign(x: TensorLike, name?: string): Tensor { return unary(Sign, x, name); }
export function sigmoid(x: TensorLike, name?: string): Tensor { return unary(Sigmoid, x, name); }
export function tanh(x: TensorLike, name?: string): Tensor { return unary(Tanh, x, name); }
export function reciprocal(x: TensorLike, name?: string): Tensor { return unary(Reciprocal, x, name); }
export function floor(x: TensorLike, name?: string): Tensor { return unary(Floor, x, name); }
/** 1 / sqrt(x) (TF1 tf.rsqrt). */
export function rsqrt(x: TensorLike, name?: string): Tensor { return unary(Rsqrt, x, name); }
/** The smallest integer not below x (TF1 tf.ceil). */
export function ceil(x: TensorLike, name?: string): Tensor { return unary(Ceil, x, name); }
/** x rounded to the nearest integer, halves to even as TF1 tf.round: round(2.5) = 2, round(-1.5) = -2. */
export function round(x: TensorLike, name?: string): Tensor { return unary(Round, x, name); }
export function sin(x: TensorLike, name?: string): Tensor { return unary(Sin, x, name); }
export function cos(x: TensorLike, name?: string): Tensor { return unary(Cos, x, name); }
/** log(1 + x), accurate for small x (TF1 tf.log1p). */
export function log1p(x: TensorLike, name?: string): Tensor { return unary(Log1p, x, name); }
/** exp(x) - 1, accurate for small x (TF1 tf.expm1). */
export function expm1(x: TensorLike, name?: string): Tensor { return unary(Expm1, x, name); }
export function logicalNot(x: TensorLike, name?: string): Tensor { return unary(LogicalNot, x, name); }
