// Method sugar on Tensor and Variable: `a.add(b)`, `a.mul(2)`, … They create the same ops as
// Python's operators do in TF1, with its lower-case names (`add`, `mul`, `truediv`), and the
// r-forms (`b.rmul(2)` for `2 * b`) put the JS value first, named `mul/x` as in TF1.
import { Tensor } from './graph.js';
import type { TensorLike } from './ops/define_op.js';
import { add, divide, floorDiv, mod, multiply, pow, subtract } from './ops/math_binary.js';
import { abs, exp, log, negative, sigmoid, sqrt, square, tanh } from './ops/math_unary.js';
import { cast, reshape } from './ops/array.js';
import { reduceMean, reduceSum } from './ops/reduce.js';
import { matmul } from './ops/matmul.js';
import type { DType } from './dtypes.js';
import { Variable } from './variables.js';

export interface TensorMethods {
  add(y: TensorLike): Tensor;
  sub(y: TensorLike): Tensor;
  mul(y: TensorLike): Tensor;
  div(y: TensorLike): Tensor;
  pow(y: TensorLike): Tensor;
  /** Python's `x // y` (op `floordiv`) and `x % y` (op `mod`). */
  floordiv(y: TensorLike): Tensor;
  mod(y: TensorLike): Tensor;
  /** `x + this` with x first (Python's `x + t`). */
  radd(x: TensorLike): Tensor;
  rsub(x: TensorLike): Tensor;
  rmul(x: TensorLike): Tensor;
  rdiv(x: TensorLike): Tensor;
  neg(): Tensor;
  abs(): Tensor;
  square(): Tensor;
  sqrt(): Tensor;
  exp(): Tensor;
  log(): Tensor;
  sigmoid(): Tensor;
  tanh(): Tensor;
  matmul(b: TensorLike, opts?: { transposeA?: boolean; transposeB?: boolean }): Tensor;
  reshape(shape: readonly number[] | Tensor): Tensor;
  cast(dtype: DType): Tensor;
  sum(axis?: number | number[], keepDims?: boolean): Tensor;
  mean(axis?: number | number[], keepDims?: boolean): Tensor;
}

declare module './graph.js' {
  interface Tensor extends TensorMethods {}
}
declare module './variables.js' {
  interface Variable extends TensorMethods {}
}

type Self = Tensor | Variable;

const methods: { [K in keyof TensorMethods]: (this: Self, ...args: any[]) => Tensor } = {
  add(y) { return add(this, y, 'add'); },
  sub(y) { return subtract(this, y, 'sub'); },
  mul(y) { return multiply(this, y, 'mul'); },
  div(y) { return divide(this, y, 'truediv'); },
  pow(y) { return pow(this, y, 'pow'); },
  floordiv(y) { return floorDiv(this, y, 'floordiv'); },
  mod(y) { return mod(this, y, 'mod'); },
  radd(x) { return add(x, this, 'add'); },
  rsub(x) { return subtract(x, this, 'sub'); },
  rmul(x) { return multiply(x, this, 'mul'); },
  rdiv(x) { return divide(x, this, 'truediv'); },
  neg() { return negative(this, 'Neg'); },
  abs() { return abs(this); },
  square() { return square(this); },
  sqrt() { return sqrt(this); },
  exp() { return exp(this); },
  log() { return log(this); },
  sigmoid() { return sigmoid(this); },
  tanh() { return tanh(this); },
  matmul(b, opts) { return matmul(this, b, opts); },
  reshape(shape) { return reshape(this, shape); },
  cast(dtype) { return cast(this, dtype); },
  sum(axis, keepDims) { return reduceSum(this, axis, keepDims); },
  mean(axis, keepDims) { return reduceMean(this, axis, keepDims); },
};

for (const proto of [Tensor.prototype, Variable.prototype]) {
  for (const [k, f] of Object.entries(methods)) {
    Object.defineProperty(proto, k, { value: f, writable: true, configurable: true, enumerable: false });
  }
}
