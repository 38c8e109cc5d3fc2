// Activation ops as TF1 defines them, each with its *Grad op: Relu6, Elu, Selu, Softplus,
// Softsign, LeakyRelu; swish and crelu are composites. Each formula is written once over
// `Formula<T>` and read two ways: on numbers for the reference kernel (every step rounded to the dtype) and on IR values for the
// lowering, so both give the same numbers. The formulas are TF's CPU kernels' (Elu uses
// exp(x) - 1, Softplus switches to x or exp(x) where log1p(exp(x)) rounds to them).
import { allocate, castScalar, type DType } from '../dtypes.js';
import { createOp, nameScope, type Tensor } from '../graph.js';
import { mapBinary, mapUnary } from '../kernels.js';
import { NDArray } from '../ndarray.js';
import type { Attrs, GradFn, OpSpec } from '../op_spec.js';
import type { IRValue, LowerContext } from '../prims.js';
import { where, zerosLike } from './array.js';
import { broadcastInfer, convertToTensor, FLOATS, NUMERIC, out, requireDType, sameAsInput, sameTypeOp, type TensorLike } from './define_op.js';
import { add, divide, less, multiply } from './math_binary.js';
import { abs, exp, negative, sigmoid, sign } from './math_unary.js';
import { concat } from './movement.js';
import { relu } from './nn.js';

type Cmp = 'lt' | 'gt';
/** The op's attrs (LeakyRelu's alpha) and dtype (Softplus's threshold), for formulas that need them. */
interface OpInfo { attrs: Attrs; dtype: DType }

interface Formula<T> {
  c(v: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  max(a: T, b: T): T;
  min(a: T, b: T): T;
  exp(a: T): T;
  log1p(a: T): T;
  abs(a: T): T;
  /** `a cmp b ? then : otherwise`. */
  pick(cmp: Cmp, a: T, b: T, then: T, otherwise: T): T;
}

function numberFormula(dtype: DType, attrs: Attrs): Formula<number> & OpInfo {
  const r = (v: number) => castScalar(v, dtype);
  const nanOr = (a: number, b: number, m: number) => (a !== a || b !== b ? NaN : m);
  return {
    attrs, dtype,
    c: r,
    add: (a, b) => r(a + b), sub: (a, b) => r(a - b), mul: (a, b) => r(a * b), div: (a, b) => r(a / b),
    max: (a, b) => nanOr(a, b, Math.max(a, b)), min: (a, b) => nanOr(a, b, Math.min(a, b)),
    exp: (a) => r(Math.exp(a)), log1p: (a) => r(Math.log1p(a)), abs: Math.abs,
    pick: (cmp, a, b, then, otherwise) => ((cmp === 'lt' ? a < b : a > b) ? then : otherwise),
  };
}

function irFormula(ctx: LowerContext, dtype: DType, attrs: Attrs): Formula<IRValue> & OpInfo {
  return {
    attrs, dtype,
    c: (v) => ctx.constant(new NDArray(allocate(dtype, 1).fill(v), [], dtype)),
    add: (a, b) => ctx.binary('add', a, b), sub: (a, b) => ctx.binary('sub', a, b),
    mul: (a, b) => ctx.binary('mul', a, b), div: (a, b) => ctx.binary('div', a, b),
    max: (a, b) => ctx.binary('max', a, b), min: (a, b) => ctx.binary('min', a, b),
    exp: (a) => ctx.unary('exp', a), log1p: (a) => ctx.unary('log1p', a), abs: (a) => ctx.unary('abs', a),
    pick: (cmp, a, b, then, otherwise) => ctx.where(ctx.binary(cmp, a, b), then, otherwise),
  };
}

type Unary = <T>(F: Formula<T> & OpInfo, x: T) => T;
type Binary = <T>(F: Formula<T> & OpInfo, a: T, b: T) => T;

function activationSpec(type: string, f: Unary, grad: GradFn, allowed: readonly DType[] = FLOATS): OpSpec {
  return {
    type,
    infer: (ctx) => {
      requireDType(ctx, 0, allowed, type);
      return sameAsInput(ctx);
    },
    grad,
    lower: (ctx, op) => [f(irFormula(ctx, ctx.inputs[0].dtype, op.attrs), ctx.inputs[0])],
    reference: ([x], { op }) => {
      const F = numberFormula(x.dtype, op.attrs);
      return [mapUnary(x, x.dtype, (v) => f(F, v))];
    },
  };
}

/** A *Grad op (gradients, features-or-outputs) → the input's gradient. */
function gradSpec(type: string, f: Binary, grad?: GradFn): OpSpec {
  return {
    type,
    infer: (ctx) => {
      requireDType(ctx, 0, NUMERIC, type);
      return broadcastInfer(ctx);
    },
    grad,
    lower: (ctx, op) => [f(irFormula(ctx, ctx.inputs[0].dtype, op.attrs), ctx.inputs[0], ctx.inputs[1])],
    reference: ([dy, x], { op }) => {
      const F = numberFormula(dy.dtype, op.attrs);
      return [mapBinary(dy, x, dy.dtype, (g, v) => f(F, g, v), `${type} '${op.name}'`)];
    },
  };
}

const gradOf = (spec: OpSpec, dy: Tensor, x: Tensor, attrs: Attrs = {}) => out(createOp(spec, [dy, x], { T: dy.dtype, ...attrs }, spec.type));
const alphaOf = (a: Attrs) => a.alpha as number;

// TF's selu constants (Klambauer et al.).
const SELU_SCALE = 1.0507009873554804934193349852946;
const SELU_ALPHA = 1.6732632423543772848170429916717;

/** Relu6Grad: dy where 0 < x < 6. Piecewise linear: second derivative zero. */
export const Relu6Grad = gradSpec('Relu6Grad',
  (F, g, x) => F.pick('gt', x, F.c(0), F.pick('lt', x, F.c(6), g, F.c(0)), F.c(0)),
  (op, [dd]) => [gradOf(Relu6Grad, dd!, op.inputs[1]), zerosLike(op.inputs[1])]);
export const Relu6 = activationSpec('Relu6', (F, x) => F.min(F.max(x, F.c(0)), F.c(6)),
  (op, [dy]) => [gradOf(Relu6Grad, dy!, op.inputs[0])], NUMERIC);

/** EluGrad(gradients, outputs): dy·(y + 1) where y < 0, else dy. */
export const EluGrad = gradSpec('EluGrad', (F, g, y) => F.pick('lt', y, F.c(0), F.mul(g, F.add(y, F.c(1))), g),
  // TF1 _EluGradGrad
  (op, [dd]) => {
    const [g, y] = op.inputs;
    return [gradOf(EluGrad, dd!, y), () => where(less(y, 0), multiply(dd!, g), zerosLike(y))];
  });
export const Elu = activationSpec('Elu', (F, x) => F.pick('lt', x, F.c(0), F.sub(F.exp(x), F.c(1)), x),
  (op, [dy]) => [gradOf(EluGrad, dy!, op.outputs[0])]);

/** SeluGrad(gradients, outputs): dy·(y + scale·alpha) where y < 0, else dy·scale. */
export const SeluGrad = gradSpec('SeluGrad',
  (F, g, y) => F.pick('lt', y, F.c(0), F.mul(g, F.add(y, F.c(SELU_SCALE * SELU_ALPHA))), F.mul(g, F.c(SELU_SCALE))),
  (op, [dd]) => {
    const [g, y] = op.inputs;
    return [gradOf(SeluGrad, dd!, y), () => where(less(y, 0), multiply(dd!, g), zerosLike(y))];
  });
export const Selu = activationSpec('Selu',
  (F, x) => F.pick('lt', x, F.c(0), F.mul(F.c(SELU_SCALE * SELU_ALPHA), F.sub(F.exp(x), F.c(1))), F.mul(F.c(SELU_SCALE), x)),
  (op, [dy]) => [gradOf(SeluGrad, dy!, op.outputs[0])]);

/** SoftplusGrad(gradients, features): dy / (exp(-x) + 1). */
export const SoftplusGrad = gradSpec('SoftplusGrad', (F, g, x) => F.div(g, F.add(F.exp(F.sub(F.c(0), x)), F.c(1))),
  // TF1 _SoftplusGradGrad: (softplus_grad(dd, x), dd·dy / (exp(-x) + 2 + exp(x)))
  (op, [dd]) => {
    const [g, x] = op.inputs;
    return [gradOf(SoftplusGrad, dd!, x), () => divide(multiply(dd!, g), add(add(exp(negative(x)), 2), exp(x)))];
  });
export const Softplus = activationSpec('Softplus', (F, x) => {
  // why: TF's threshold log(eps) + 2: beyond it softplus(x) is x, or exp(x), to the dtype's precision.
  const t = F.c(Math.log(F.dtype === 'float64' ? 2 ** -52 : 2 ** -23) + 2);
  const e = F.exp(x);
  return F.pick('gt', x, F.sub(F.c(0), t), x, F.pick('lt', x, t, e, F.log1p(e)));
}, (op, [dy]) => [gradOf(SoftplusGrad, dy!, op.inputs[0])]);

/** SoftsignGrad(gradients, features): dy / (1 + |x|)². */
export const SoftsignGrad = gradSpec('SoftsignGrad', (F, g, x) => {
  const d = F.add(F.c(1), F.abs(x));
  return F.div(g, F.mul(d, d));
}, (op, [dd]) => {
  const [g, x] = op.inputs;
  // z = g / (1 + |x|)²: dz/dg is SoftsignGrad itself, dz/dx = -2·g·sign(x) / (1 + |x|)³.
  return [gradOf(SoftsignGrad, dd!, x), () => {
    const d = add(abs(x), 1);
    return divide(multiply(multiply(multiply(dd!, g), -2), sign(x)), multiply(multiply(d, d), d));
  }];
});
export const Softsign = activationSpec('Softsign', (F, x) => F.div(x, F.add(F.abs(x), F.c(1))),
  (op, [dy]) => [gradOf(SoftsignGrad, dy!, op.inputs[0])]);

/** LeakyReluGrad(gradients, features): dy where x > 0, else alpha·dy. */
export const LeakyReluGrad = gradSpec('LeakyReluGrad', (F, g, x) => F.pick('gt', x, F.c(0), g, F.mul(g, F.c(alphaOf(F.attrs)))),
  (op, [dd]) => [gradOf(LeakyReluGrad, dd!, op.inputs[1], { alpha: op.attrs.alpha }), zerosLike(op.inputs[1])]);
export const LeakyRelu = activationSpec('LeakyRelu', (F, x) => F.pick('gt', x, F.c(0), x, F.mul(x, F.c(alphaOf(F.attrs)))),
  (op, [dy]) => [gradOf(LeakyReluGrad, dy!, op.inputs[0], { alpha: op.attrs.alpha })]);

function activation(spec: OpSpec, features: TensorLike, name: string | undefined, attrs: Attrs = {}): Tensor {
  return out(sameTypeOp(spec, { features }, attrs, name ?? spec.type));
}

/** min(max(x, 0), 6) (TF1 tf.nn.relu6). */
export function relu6(features: TensorLike, name?: string): Tensor { return activation(Relu6, features, name); }
/** exp(x) - 1 for x < 0, else x (TF1 tf.nn.elu). */
export function elu(features: TensorLike, name?: string): Tensor { return activation(Elu, features, name); }
/** scale·elu(x) with alpha 1.6733, scale 1.0507 (TF1 tf.nn.selu). */
export function selu(features: TensorLike, name?: string): Tensor { return activation(Selu, features, name); }
/** log(exp(x) + 1), computed stably (TF1 tf.nn.softplus). */
export function softplus(features: TensorLike, name?: string): Tensor { return activation(Softplus, features, name); }
/** x / (|x| + 1) (TF1 tf.nn.softsign). */
export function softsign(features: TensorLike, name?: string): Tensor { return activation(Softsign, features, name); }
/**
 * x for x > 0, else alpha·x (TF1 tf.nn.leaky_relu, alpha 0.2 by default).
 * @example tf.nn.leakyRelu(h, 0.1)
 */
export function leakyRelu(features: TensorLike, alpha = 0.2, name?: string): Tensor {
  return activation(LeakyRelu, features, name, { alpha });
}

/** x · sigmoid(x) (TF1.13+ tf.nn.swish). */
export function swish(features: TensorLike, name?: string): Tensor {
  return nameScope(name ?? 'swish', (scope) => {
    const x = convertToTensor(features, { name: 'features' });
    return multiply(x, sigmoid(x), scope);
  });
}

/** [relu(x), relu(-x)] concatenated along `axis` (default the last) (TF1 tf.nn.crelu). */
export function crelu(features: TensorLike, name?: string, axis = -1): Tensor {
  return nameScope(name ?? 'CRelu', (scope) => {
    const x = convertToTensor(features, { name: 'features' });
    return relu(concat([x, negative(x)], axis), scope);
  });
}
