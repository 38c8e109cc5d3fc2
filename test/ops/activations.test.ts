// relu6, elu, selu, softplus, softsign, leakyRelu and tf.nn.sigmoid/tanh: values as TF1 gives
// them, gradients against finite differences (second order too), compiled = interpreter.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { compiledEqualsInterpreter } from '../_lib/compiled.js';
import { assertClose, gradCheck, randomArray } from '../_lib/gradcheck.js';
import { evaluate, fresh, throwsClass, type Built } from '../_lib/op_cases.js';

const X = [-20, -3, -1, -1e-3, 0, 0.5, 2, 7, 40];
const SCALE = 1.0507009873554804934193349852946, ALPHA = 1.6732632423543772848170429916717;
// why: TF's Elu/Selu kernels compute exp(x) - 1 (not expm1): in float32 that is fround(exp(x)) - 1.
const em1 = (x: number) => Math.fround(Math.exp(x)) - 1;
const softplus = (x: number) => (x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x)));

const values: [string, () => Built, unknown][] = [
  ['relu6', () => tf.nn.relu6(X), X.map((x) => Math.min(Math.max(x, 0), 6))],
  ['relu6 top level, int32', () => tf.relu6(tf.constant([-2, 3, 9], { dtype: 'int32' })), [0, 3, 6]],
  ['elu', () => tf.nn.elu(X), X.map((x) => (x < 0 ? em1(x) : x))],
  ['selu', () => tf.nn.selu(X), X.map((x) => (x < 0 ? SCALE * ALPHA * em1(x) : SCALE * x))],
  // softplus(-20) = exp(-20) and softplus(40) = 40 to float32 precision (TF's thresholds).
  ['softplus', () => tf.nn.softplus(X), X.map(softplus)],
  ['softsign', () => tf.nn.softsign(X), X.map((x) => x / (Math.abs(x) + 1))],
  ['leakyRelu default alpha 0.2', () => tf.nn.leakyRelu(X), X.map((x) => (x > 0 ? x : 0.2 * x))],
  ['leakyRelu alpha 0.01', () => tf.nn.leakyRelu(X, 0.01), X.map((x) => (x > 0 ? x : 0.01 * x))],
  ['tf.nn.sigmoid', () => tf.nn.sigmoid([0, 2]), [0.5, 1 / (1 + Math.exp(-2))]],
  ['tf.nn.tanh', () => tf.nn.tanh([0, 1]), [0, Math.tanh(1)]],
  ['swish', () => tf.nn.swish([-2, 0, 1]), [-2 / (1 + Math.exp(2)), 0, 1 / (1 + Math.exp(-1))]],
  ['crelu', () => tf.nn.crelu([[1, -2]]), [[1, 0, 0, 2]]],
  ['softplus float64 small', () => tf.nn.softplus(tf.constant([-30, 1e-10], { dtype: 'float64' })), [Math.exp(-30), Math.log1p(Math.exp(1e-10))]],
];

for (const [name, build, expected] of values) {
  test(`value: ${name}`, () => {
    const { v } = evaluate(build);
    assertClose(v, expected, 1.2e-7, 1e-30, name);
  });
}

const fns: [string, (x: tf.Tensor) => tf.Tensor][] = [
  ['relu6', (x) => tf.nn.relu6(x)],
  ['elu', (x) => tf.nn.elu(x)],
  ['selu', (x) => tf.nn.selu(x)],
  ['softplus', (x) => tf.nn.softplus(x)],
  ['softsign', (x) => tf.nn.softsign(x)],
  ['leakyRelu', (x) => tf.nn.leakyRelu(x, 0.3)],
  ['swish', (x) => tf.nn.swish(x)],
  ['crelu', (x) => tf.nn.crelu(x)],
];
// why: points away from the kinks (0 and 6), where finite differences straddle two pieces.
const POINTS = new tf.NDArray(Float64Array.from([-4.1, -1.3, -0.4, 0.3, 1.7, 5.2, 6.9, 12.5]), [2, 4], 'float64');
const second = (f: (x: tf.Tensor) => tf.Tensor) => (x: tf.Tensor) => tf.gradients(tf.reduceSum(tf.multiply(f(x), f(x))), x)[0]!;

for (const [name, f] of fns) {
  test(`gradient: ${name}`, () => fresh(() => {
    const x = tf.placeholder('float64', [2, 4]);
    gradCheck(f(x), [x], [POINTS]);
  }));
  test(`second-order gradient: ${name}`, () => fresh(() => {
    const x = tf.placeholder('float64', [2, 4]);
    gradCheck(second(f)(x), [x], [POINTS]);
  }));
  test(`compiled equals interpreter, values and gradients: ${name}`, () => fresh(() => {
    const x = tf.placeholder('float32', [null]);
    const data = Float32Array.from(randomArray([64], 11, -30, 30).data);
    data.set([0, -0, 6, -1e-3, 1e-7, -16, 16, NaN]);
    const y = f(x);
    compiledEqualsInterpreter([y, tf.gradients(tf.reduceSum(tf.square(y)), x)[0]!], new Map([[x, data]]));
  }));
}

test('gradient op types are TF1\'s', () => fresh(() => {
  const x = tf.placeholder('float32', [3]);
  const types = fns.slice(0, 6).map(([, f]) => tf.gradients(f(x), x)[0]!.op.type);
  assert.equal(types, ['Relu6Grad', 'EluGrad', 'SeluGrad', 'SoftplusGrad', 'SoftsignGrad', 'LeakyReluGrad']);
  assert.is(tf.nn.leakyRelu(x, 0.1).op.getAttr('alpha'), 0.1);
  assert.is(tf.nn.elu(x, 'act').name, 'act:0');
}));

const errors: [string, () => Built, RegExp][] = [
  ['elu of int32', () => tf.nn.elu(tf.constant([1], { dtype: 'int32' })), /Elu does not support int32/],
  ['softplus of bool', () => tf.nn.softplus([true]), /Softplus does not support bool/],
];
for (const [name, build, pattern] of errors) {
  test(`error: ${name}`, () => { throwsClass(() => evaluate(build), tf.errors.InvalidArgumentError, pattern); });
}

test.run();
