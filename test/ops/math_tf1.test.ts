// The classic TF1 math ops: rsqrt ceil round sin cos log1p expm1 mod floorDiv, argmin,
// reduceAll/reduceAny. Values as numpy/TF1 give them (hand-computed), both executors,
// gradients against finite differences, bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { assertClose, gradCheck, randomArray } from '../_lib/gradcheck.js';
import { fresh, runBoth, throwsClass } from '../_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;
const f64 = (v: unknown) => tf.constant(v as number[], { dtype: 'float64' });
const i32 = (v: unknown) => tf.constant(v as number[], { dtype: 'int32' });

test('round: halves to even (TF1), -0 kept, integers unchanged', () => fresh(() => {
  const r = runBoth(tf.round(tf.constant([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4, 2.6, -3.5, 1e8 + 0.5]))) as number[];
  assert.equal(r, [0, 2, 2, -0, -2, -2, 2, 3, -4, 1e8]);
  assert.ok(Object.is(r[3], -0), 'round(-0.5) is -0');
  assert.equal(runBoth(tf.round(i32([3, -4]))), [3, -4]);
  assert.is(tf.round(i32([1])).op.type, 'Round');
}));

test('ceil, rsqrt, sin, cos, log1p, expm1: values', () => fresh(() => {
  const c = runBoth(tf.ceil(tf.constant([-1.5, -0.5, 0, 1.2]))) as number[];
  assert.equal(c, [-1, -0, 0, 2]);
  assert.ok(Object.is(c[1], -0));
  assert.equal(runBoth(tf.rsqrt(tf.constant([4, 0.25, 0]))), [0.5, 2, Infinity]);
  assert.equal(runBoth(tf.sin(f64([0, Math.PI / 2]))), [0, 1]);
  assert.equal(runBoth(tf.cos(f64([0, Math.PI]))), [1, -1]);
  // log1p/expm1 keep the digits log(1 + x) / exp(x) - 1 lose for small x
  assertClose(runBoth(tf.log1p(f64([0, 1e-10, -0.5]))), [0, 9.9999999995e-11, -0.6931471805599453], 1e-15, 0);
  assertClose(runBoth(tf.expm1(f64([0, 1e-10, 1]))), [0, 1.00000000005e-10, 1.718281828459045], 1e-15, 0);
  // float32: one rounding of the float64 value
  assert.equal(runBoth(tf.sin(tf.constant([1]))), [Math.fround(Math.sin(1))]);
  assert.equal(runBoth(tf.rsqrt(tf.constant([3]))), [Math.fround(1 / Math.sqrt(3))]);
}));

test('mod and floorDiv: Python/TF1 sign rules (floor), ints and floats, broadcasting', () => fresh(() => {
  const x = i32([-7, 7, -7, 7, 6]), y = i32([3, 3, -3, -3, 3]);
  assert.equal(runBoth(tf.mod(x, y)), [2, 1, -1, -2, 0]);
  assert.equal(runBoth(tf.floorDiv(x, y)), [-3, 2, 2, -3, 2]);
  assert.equal(runBoth(tf.mod(tf.constant([-7.5, 7.5, -7.5, 7.5]), tf.constant([2, 2, -2, -2]))), [0.5, 1.5, -1.5, -0.5]);
  assert.equal(runBoth(tf.floorDiv(tf.constant([-7.5, 7.5]), 2)), [-4, 3]);
  assert.equal(runBoth(tf.mod(tf.constant([[5], [-5]]), tf.constant([3, -3]))), [[2, -1], [1, -2]]);
  // integer division by zero gives 0 (as this library's integer division does); floats follow IEEE
  assert.equal(runBoth(tf.floorDiv(i32([5, -5]), i32([0, 0]))), [0, 0]);
  assert.equal(runBoth(tf.mod(i32([5]), i32([0]))), [0]);
  assert.equal(runBoth(tf.floorDiv(tf.constant([1, -1]), 0)), [Infinity, -Infinity]);
  assert.equal(runBoth(tf.mod(tf.constant([1]), 0)), [NaN]);
  // exact for int64 magnitudes where float64 division would round
  const big = 2 ** 53 - 1;
  const b = tf.constant([big, -big], { dtype: 'int64' });
  assert.equal(runBoth(tf.floorDiv(b, tf.constant(2, { dtype: 'int64' }))), [4503599627370495, -4503599627370496]);
  assert.equal(runBoth(tf.mod(b, tf.constant(2, { dtype: 'int64' }))), [1, 1]);
  assert.equal(runBoth(tf.floorDiv(tf.constant([big - 1], { dtype: 'int64' }), tf.constant([3], { dtype: 'int64' }))), [3002399751580330]);
  assert.is(tf.mod(x, y).op.type, 'FloorMod');
  assert.equal(runBoth(x.floordiv(y)), [-3, 2, 2, -3, 2], "Python's x // y");
  assert.equal(runBoth(x.mod(3)), [2, 1, 2, 1, 0], "Python's x % y");
  assert.is(fresh(() => tf.constant(1).mod(2)).op.name, 'mod');
  assert.is(tf.floordiv(x, y).op.type, 'FloorDiv');
  assert.is(tf.floormod, tf.mod);
}));

test('argmin and reduceAll/reduceAny: values, empty reductions, both executors', () => fresh(() => {
  assert.equal(runBoth(tf.argmin(tf.constant([[3, 1, 1], [0, 5, -2]]), 1)), [1, 2], 'first of ties');
  const b = tf.constant([[true, false, true], [true, true, true]]);
  assert.equal(runBoth(tf.reduceAll(b, 1)), [false, true]);
  assert.equal(runBoth(tf.reduceAny(b, 0)), [true, true, true]);
  assert.equal(runBoth(tf.reduceAll(b)), false);
  assert.equal(runBoth(tf.reduceAny(tf.logicalNot(b), 1, true)), [[true], [false]]);
  const empty = tf.placeholder('bool', [0]);
  const feeds = new Map([[empty, [] as boolean[]]]);
  assert.equal(runBoth(tf.reduceAll(empty), feeds), true, 'all of nothing');
  assert.equal(runBoth(tf.reduceAny(empty), feeds), false, 'any of nothing');
  assert.is(tf.reduceAll(b).op.type, 'All');
  assert.is(tf.reduceAny(b).op.type, 'Any');
}));

test('logicalXor: TF1 truth table, broadcasting, bool only', () => fresh(() => {
  const x = tf.constant([true, true, false, false]), y = tf.constant([true, false, true, false]);
  assert.equal(runBoth(tf.logicalXor(x, y)), [false, true, true, false]);
  assert.equal(runBoth(tf.logicalXor(tf.constant([[true], [false]]), tf.constant([true, false]))), [[false, true], [true, false]]);
  assert.is(fresh(() => tf.logicalXor(true, false)).op.name, 'LogicalXor');
  throwsClass(() => tf.logicalXor(tf.constant([1]), tf.constant([0])), IAE, 'LogicalOr does not support float32');
}));

test('gradients: finite differences (rsqrt incl. its second derivative, sin, cos, log1p, expm1, mod)', () => {
  const cases: [string, (x: tf.Tensor) => tf.Tensor, number, number][] = [
    ['rsqrt', (x) => tf.rsqrt(x), 0.5, 2],
    ['rsqrt second derivative', (x) => tf.gradients(tf.rsqrt(x), [x])[0]!, 0.5, 2],
    ['sin', (x) => tf.sin(x), -3, 3],
    ['cos', (x) => tf.cos(x), -3, 3],
    ['cos second derivative', (x) => tf.gradients(tf.cos(x), [x])[0]!, -3, 3],
    ['log1p', (x) => tf.log1p(x), -0.5, 2],
    ['expm1', (x) => tf.expm1(x), -2, 2],
    ['mod by a constant', (x) => tf.mod(x, 0.7), 0.1, 3],
  ];
  for (const [name, f, lo, hi] of cases) {
    fresh(() => {
      const x = tf.placeholder('float64', [2, 3]);
      const err = gradCheck(f(x), [x], [randomArray([2, 3], 3, lo, hi)]);
      assert.ok(err < 1e-6, `${name}: ${err}`);
    });
  }
  fresh(() => {
    // d mod(x, y)/dy = -floor(x / y), checked away from the jumps
    const x = tf.placeholder('float64', [3]), y = tf.placeholder('float64', [3]);
    gradCheck(tf.mod(x, y), [x, y], [new tf.NDArray(Float64Array.of(2.5, -3.2, 7.1), [3], 'float64'), new tf.NDArray(Float64Array.of(0.7, 1.1, -2.3), [3], 'float64')]);
  });
});

test('gradients: none through round, ceil, floorDiv (TF1 registers None)', () => fresh(() => {
  const x = tf.placeholder('float32', [2]);
  assert.equal(tf.gradients(tf.round(x), [x]), [null]);
  assert.equal(tf.gradients(tf.ceil(x), [x]), [null]);
  assert.equal(tf.gradients(tf.floorDiv(x, 2), [x]), [null]);
  const [g] = tf.gradients(tf.add(tf.round(x), tf.multiply(x, 3)), [x]);
  assert.equal(runBoth(g!, new Map([[x, [0.3, 2.5]]])), [3, 3]);
}));

test('bad input: float-only ops on ints, shapes and dtypes that do not match; graph unchanged', () => fresh((g) => {
  const x = i32([1, 2]);
  const f = tf.constant([1, 2, 3]);
  const f2 = tf.constant([1, 2]), yes = tf.constant([true]);
  const n = g.getOperations().length;
  for (const [fn, type] of [[tf.sin, 'Sin'], [tf.cos, 'Cos'], [tf.rsqrt, 'Rsqrt'], [tf.ceil, 'Ceil'], [tf.log1p, 'Log1p'], [tf.expm1, 'Expm1']] as const) {
    throwsClass(() => fn(x), IAE, `${type} does not support int32`, 'float32, float64');
  }
  throwsClass(() => tf.mod(f, f2), IAE, 'Dimensions must be equal, but are 3 and 2', "for 'FloorMod'", '[3], [2]');
  throwsClass(() => tf.floorDiv(f, x), IAE, "Input 'y' of 'FloorDiv' Op has type int32 that does not match type float32");
  throwsClass(() => tf.reduceAll(f), IAE, 'All does not support float32', 'bool');
  throwsClass(() => tf.argmin(yes), IAE, 'ArgMin does not support bool');
  throwsClass(() => tf.argmin(f, 1), IAE, 'axis 1 is out of range');
  throwsClass(() => tf.argmax(f, 0, { outputType: 'float32' }), IAE, 'outputType must be int64 or int32, got float32');
  throwsClass(() => tf.reduceAny(yes, { keep_dims: true } as tf.ReduceOptions), IAE, "unknown option 'keep_dims' (did you mean 'keepDims'?)");
  assert.is(g.getOperations().length, n, 'no op added');
  // the names the rejected calls tried are free again
  assert.is(tf.argmin(f, 0).op.name, 'ArgMin');
  assert.is(tf.mod(f, f).op.name, 'FloorMod');
}));

test.run();
