// depthwiseConv2d (DepthwiseConv2dNative and its two gradient ops) and separableConv2d:
// values by hand, TF1's op names, finite-difference gradients (second order too), compiled =
// interpreter with no reference-kernel call, and clear errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { compiledEqualsInterpreter } from '../_lib/compiled.js';
import { gradCheck, randomArray } from '../_lib/gradcheck.js';
import { evaluate, fresh, throwsClass } from '../_lib/op_cases.js';

test('values: each channel convolved with its own filters; multiplier 2; separable mixes channels', () => fresh(() => {
  const x = tf.constant([1, 10, 2, 20, 3, 30, 4, 40], { shape: [1, 2, 2, 2] });
  const sum = tf.nn.depthwiseConv2d(x, tf.ones([2, 2, 2, 1]), 1, 'VALID');
  const mult = tf.nn.depthwiseConv2d(tf.constant([5, 7], { shape: [1, 1, 1, 2] }), tf.constant([1, 2, 3, 4], { shape: [1, 1, 2, 2] }), 1, 'VALID');
  const same = tf.nn.depthwiseConv2d(x, tf.ones([2, 2, 2, 1]), 1, 'SAME');
  const sep = tf.nn.separableConv2d(x, tf.ones([2, 2, 2, 1]), tf.constant([1, -1], { shape: [1, 1, 2, 1] }), 1, 'VALID');
  assert.equal(mult.shape, [1, 1, 1, 4]);
  assert.is(sum.op.type, 'DepthwiseConv2dNative');
  assert.is(sum.name, 'depthwise:0');
  assert.is(sep.name, 'separable_conv2d:0');
  using sess = new tf.Session();
  assert.equal(Array.from((sess.run(sum) as tf.NDArray).data), [10, 100]);
  assert.equal(Array.from((sess.run(mult) as tf.NDArray).data), [5, 10, 21, 28]);
  assert.equal(Array.from((sess.run(same) as tf.NDArray).data), [10, 100, 6, 60, 7, 70, 4, 40]);
  assert.equal(Array.from((sess.run(sep) as tf.NDArray).data), [-90]);
}));

const cases: [string, number[], number[], (x: tf.Tensor, f: tf.Tensor) => tf.Tensor][] = [
  ['SAME, multiplier 2', [2, 4, 4, 2], [3, 3, 2, 2], (x, f) => tf.nn.depthwiseConv2d(x, f, 1, 'SAME')],
  ['VALID stride 2', [1, 5, 6, 3], [2, 3, 3, 1], (x, f) => tf.nn.depthwiseConv2d(x, f, [2, 2], 'VALID')],
  ['dilated', [1, 6, 6, 1], [2, 2, 1, 3], (x, f) => tf.nn.depthwiseConv2d(x, f, 1, 'SAME', { dilations: 2 })],
];

for (const [name, xs, fs, build] of cases) {
  test(`gradient (finite differences): ${name}`, () => fresh(() => {
    const x = tf.placeholder('float64', xs), f = tf.placeholder('float64', fs);
    gradCheck(build(x, f), [x, f], [randomArray(xs, 5), randomArray(fs, 6)], { tol: 1e-6 });
  }));
  test(`compiled equals interpreter, values and gradients: ${name}`, () => fresh(() => {
    const x = tf.placeholder('float32', [null, ...xs.slice(1)]), f = tf.placeholder('float32', fs);
    const y = build(x, f);
    const grads = tf.gradients(tf.reduceSum(tf.square(y)), [x, f]) as tf.Tensor[];
    const f32 = (a: tf.NDArray) => new tf.NDArray(Float32Array.from(a.data), a.shape, 'float32');
    compiledEqualsInterpreter([y, ...grads], new Map([[x, f32(randomArray(xs, 2))], [f, f32(randomArray(fs, 3))]]));
  }));
}

test('second order: the gradient ops are differentiable', () => fresh(() => {
  const x = tf.placeholder('float64', [1, 4, 4, 2]), f = tf.placeholder('float64', [2, 2, 2, 2]);
  const [dx, df] = tf.gradients(tf.reduceSum(tf.square(tf.nn.depthwiseConv2d(x, f, 1, 'SAME'))), [x, f]);
  gradCheck(tf.add(tf.reduceSum(tf.square(dx!)), tf.reduceSum(tf.square(df!))), [x, f], [randomArray([1, 4, 4, 2], 7), randomArray([2, 2, 2, 2], 8)], { tol: 1e-6 });
  assert.equal([dx!.op.type, df!.op.type], ['DepthwiseConv2dNativeBackpropInput', 'DepthwiseConv2dNativeBackpropFilter']);
}));

test('errors: channel mismatch, bad strides and padding', () => {
  const IAE = tf.errors.InvalidArgumentError;
  throwsClass(() => evaluate(() => tf.nn.depthwiseConv2d(tf.zeros([1, 3, 3, 2]), tf.zeros([2, 2, 3, 1]), 1, 'SAME')), IAE,
    /input depth 2 of input .* must equal the filter's in_channels 3/);
  throwsClass(() => evaluate(() => tf.nn.depthwiseConv2d(tf.zeros([1, 3, 3, 2]), tf.zeros([2, 2, 2, 1]), [1, 1, 1, 2], 'SAME')), IAE,
    /must be 1 in the batch and depth dimensions/);
  throwsClass(() => evaluate(() => tf.nn.separableConv2d(tf.zeros([1, 3, 3, 2]), tf.zeros([2, 2, 2, 1]), tf.zeros([1, 1, 2, 1]), 1, 'same-ish')), IAE,
    /padding must be 'SAME' or 'VALID'/);
});

test.run();
