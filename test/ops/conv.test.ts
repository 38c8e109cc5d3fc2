// conv2d, maxPool, avgPool and their gradient ops: values computed by hand, gradients against
// finite differences, compiled plans equal to the interpreter bit for bit (and with no
// reference-kernel call in them), static shapes, and clear errors for bad parameters.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { assertClose, gradCheck, randomArray } from '../_lib/gradcheck.js';
import { evaluate, fresh, throwsClass, type Built } from '../_lib/op_cases.js';
import { compiledEqualsInterpreter } from '../_lib/compiled.js';
import { fetchDiff } from '../_lib/random_graph.js';

const IAE = tf.errors.InvalidArgumentError;
/** 1..n·n as a [1, n, n, 1] image. */
const image = (n: number) => tf.constant(Array.from({ length: n * n }, (_, i) => i + 1), { shape: [1, n, n, 1] });
const ones22 = () => tf.ones([2, 2, 1, 1]);
const col = (rows: number[][]) => [rows.map((r) => r.map((v) => [v]))];

const values: [string, () => Built, unknown][] = [
  // Each output is the sum of the 2×2 block at its top-left corner; SAME pads after (TF1 puts the odd pixel last).
  ['conv VALID', () => tf.nn.conv2d(image(3), ones22(), [1, 1, 1, 1], 'VALID'), col([[12, 16], [24, 28]])],
  ['conv SAME pads bottom/right', () => tf.nn.conv2d(image(3), ones22(), 1, 'SAME'), col([[12, 16, 9], [24, 28, 15], [15, 17, 9]])],
  ['conv SAME stride 2', () => tf.nn.conv2d(image(3), ones22(), [2, 2], 'SAME'), col([[12, 9], [15, 9]])],
  ['conv VALID stride 2 drops the last row/col', () => tf.nn.conv2d(image(4), ones22(), 2, 'VALID'), col([[14, 22], [46, 54]])],
  ['conv dilation 2 reads the corners', () => tf.nn.conv2d(image(3), ones22(), 1, 'VALID', { dilations: [1, 2, 2, 1] }), col([[20]])],
  ['conv TF1 positional form (use_cudnn_on_gpu, data_format, dilations)', () => tf.nn.conv2d(image(3), ones22(), 1, 'VALID', true, 'NHWC', [1, 2, 2, 1]),
    col([[20]])],
  ['conv strides differ by axis', () => tf.nn.conv2d(image(3), ones22(), [1, 1, 2, 1], 'VALID'), col([[12], [24]])],
  ['conv mixes channels', () => tf.nn.conv2d(tf.constant([1, 2], { shape: [1, 1, 1, 2] }), tf.constant([[1, 2, 3], [4, 5, 6]], { shape: [1, 1, 2, 3] }), 1, 'VALID'),
    [[[[9, 12, 15]]]]],
  // 3×3 filter with a 1 in the centre: SAME padding gives the image back, as in TF1.
  ['conv identity filter', () => tf.nn.conv2d(image(3), tf.constant([0, 0, 0, 0, 1, 0, 0, 0, 0], { shape: [3, 3, 1, 1] }), 1, 'same'),
    col([[1, 2, 3], [4, 5, 6], [7, 8, 9]])],
  ['maxPool 2×2/2 VALID', () => tf.nn.maxPool(image(4), [1, 2, 2, 1], [1, 2, 2, 1], 'VALID'), col([[6, 8], [14, 16]])],
  ['maxPool SAME ignores padding', () => tf.nn.maxPool(tf.negative(image(3)), 2, 2, 'SAME'), col([[-1, -3], [-7, -9]])],
  ['maxPool 3×3 stride 1 SAME', () => tf.nn.maxPool(image(3), 3, 1, 'SAME'), col([[5, 6, 6], [8, 9, 9], [8, 9, 9]])],
  ['avgPool SAME divides by the real elements', () => tf.nn.avgPool(image(3), 2, 2, 'SAME'), col([[3, 4.5], [7.5, 9]])],
  ['avgPool VALID', () => tf.nn.avgPool(image(4), 2, 2, 'VALID'), col([[3.5, 5.5], [11.5, 13.5]])],
];

for (const [name, build, expected] of values) {
  test(`value: ${name}`, () => {
    const { v } = evaluate(build);
    assert.equal((v as tf.NDArray).toArray(), expected);
  });
}

/** 1..n in the given shape: the inputs of TF1's conv_ops_test / pooling_ops_test. */
const seq = (s: number[]) => tf.constant(Array.from({ length: s.reduce((a, b) => a * b) }, (_, i) => i + 1), { shape: s });
const tfKnown: [string, () => tf.Tensor, number[]][] = [
  ['Conv2D2x2Filter', () => tf.nn.conv2d(seq([1, 2, 3, 3]), seq([2, 2, 3, 3]), 1, 'VALID'), [2271, 2367, 2463, 2901, 3033, 3165]],
  ['Conv2D1x1Filter', () => tf.nn.conv2d(seq([1, 2, 3, 3]), seq([1, 1, 3, 3]), 1, 'VALID'),
    [30, 36, 42, 66, 81, 96, 102, 126, 150, 138, 171, 204, 174, 216, 258, 210, 261, 312]],
  ['Conv2D2x2FilterStride2', () => tf.nn.conv2d(seq([1, 2, 3, 3]), seq([2, 2, 3, 3]), 2, 'VALID'), [2271, 2367, 2463]],
  ['Conv2D2x2FilterStride2Same', () => tf.nn.conv2d(seq([1, 2, 3, 3]), seq([2, 2, 3, 3]), 2, 'SAME'), [2271, 2367, 2463, 1230, 1305, 1380]],
  ['MaxPoolSamePadding', () => tf.nn.maxPool(seq([1, 2, 3, 3]), 2, 2, 'SAME'), [13, 14, 15, 16, 17, 18]],
  ['AvgPoolSamePadding', () => tf.nn.avgPool(seq([1, 2, 4, 3]), 2, 2, 'SAME'), [8.5, 9.5, 10.5, 14.5, 15.5, 16.5]],
  ['AvgPoolValidPadding', () => tf.nn.avgPool(seq([1, 3, 3, 3]), 2, 2, 'VALID'), [7, 8, 9]],
];
for (const [name, build, expected] of tfKnown) {
  test(`TF1's own test values: ${name}`, () => {
    for (const executor of [undefined, 'interpreter'] as const) {
      fresh(() => {
        using sess = new tf.Session({ executor });
        assert.equal(Array.from((sess.run(build()) as tf.NDArray).data), expected);
      });
    }
  });
}

// Known gradients: d(sum(conv))/dx counts the windows covering each pixel; the max's pixel takes all of dy.
test('gradient values: conv input and filter, maxPool, avgPool', () => fresh(() => {
  const x = tf.placeholder('float32', [1, 3, 3, 1]);
  const f = tf.placeholder('float32', [2, 2, 1, 1]);
  const feeds = new Map<tf.Tensor, unknown>([[x, [[[[1], [2], [3]], [[4], [5], [6]], [[7], [8], [9]]]]], [f, [[[[1]], [[1]]], [[[1]], [[1]]]]]]);
  const [dx, df] = tf.gradients(tf.reduceSum(tf.nn.conv2d(x, f, 1, 'VALID')), [x, f]);
  const [dmax] = tf.gradients(tf.reduceSum(tf.nn.maxPool(x, 2, 1, 'VALID')), [x]);
  const [davg] = tf.gradients(tf.reduceSum(tf.nn.avgPool(x, 2, 2, 'SAME')), [x]);
  using sess = new tf.Session();
  const [gx, gf, gm, ga] = sess.run([dx!, df!, dmax!, davg!], feeds as tf.FeedDict) as tf.NDArray[];
  assert.equal(Array.from(gx.data), [1, 2, 1, 2, 4, 2, 1, 2, 1]);
  assert.equal(Array.from(gf.data), [12, 16, 24, 28]);
  assert.equal(Array.from(gm.data), [0, 0, 0, 0, 1, 1, 0, 1, 1]);
  assert.equal(Array.from(ga.data), [0.25, 0.25, 0.5, 0.25, 0.25, 0.5, 0.5, 0.5, 1]);
  assert.is(dx!.op.type, 'Conv2DBackpropInput');
  assert.is(df!.op.type, 'Conv2DBackpropFilter');
  assert.is(dmax!.op.type, 'MaxPoolGrad');
  assert.is(davg!.op.type, 'AvgPoolGrad');
}));

test('maxPool sends the gradient of a tie to the first maximum only', () => fresh(() => {
  const x = tf.placeholder('float32', [1, 2, 2, 1]);
  const [dx] = tf.gradients(tf.nn.maxPool(x, 2, 2, 'VALID'), [x]);
  for (const executor of [undefined, 'interpreter'] as const) {
    using sess = new tf.Session({ executor });
    assert.equal(Array.from((sess.run(dx!, new Map([[x, [[[[3], [7]], [[7], [1]]]]]])) as tf.NDArray).data), [0, 1, 0, 0]);
  }
}));

type Case = { name: string; x: number[]; f?: number[]; build: (x: tf.Tensor, f: tf.Tensor) => tf.Tensor };
const cases: Case[] = [
  { name: 'conv SAME', x: [2, 5, 4, 3], f: [3, 3, 3, 2], build: (x, f) => tf.nn.conv2d(x, f, 1, 'SAME') },
  { name: 'conv VALID stride 2', x: [1, 6, 5, 2], f: [2, 3, 2, 3], build: (x, f) => tf.nn.conv2d(x, f, 2, 'VALID') },
  { name: 'conv SAME stride [2, 3]', x: [1, 5, 7, 2], f: [3, 2, 2, 2], build: (x, f) => tf.nn.conv2d(x, f, [2, 3], 'SAME') },
  { name: 'conv dilated SAME', x: [1, 6, 6, 1], f: [2, 2, 1, 2], build: (x, f) => tf.nn.conv2d(x, f, 1, 'SAME', { dilations: 2 }) },
  { name: 'conv dilated stride 2', x: [1, 7, 7, 2], f: [2, 2, 2, 1], build: (x, f) => tf.nn.conv2d(x, f, 2, 'VALID', { dilations: [2, 2] }) },
  { name: 'maxPool SAME overlapping', x: [2, 5, 5, 2], build: (x) => tf.nn.maxPool(x, 3, 2, 'SAME') },
  { name: 'maxPool VALID 2×2', x: [1, 4, 6, 3], build: (x) => tf.nn.maxPool(x, 2, 2, 'VALID') },
  { name: 'avgPool SAME overlapping', x: [1, 5, 4, 2], build: (x) => tf.nn.avgPool(x, [1, 3, 2, 1], [1, 2, 1, 1], 'SAME') },
  { name: 'conv, relu, maxPool, conv', x: [1, 6, 6, 2], f: [3, 3, 2, 2],
    build: (x, f) => tf.nn.conv2d(tf.nn.maxPool(tf.nn.relu(tf.nn.conv2d(x, f, 1, 'SAME')), 2, 2, 'SAME'), f, 1, 'VALID') },
];

for (const c of cases) {
  test(`gradient (finite differences): ${c.name}`, () => fresh(() => {
    const x = tf.placeholder('float64', c.x);
    const f = tf.placeholder('float64', c.f ?? [1]);
    const xs = c.f ? [x, f] : [x];
    // why: distinct values keep max-pooling away from ties, where the derivative jumps.
    const xv = randomArray(c.x, 5);
    gradCheck(c.build(x, f), xs, c.f ? [xv, randomArray(c.f, 9)] : [xv], { tol: 1e-6 });
  }));

  test(`compiled equals interpreter (values and gradients), no reference kernel: ${c.name}`, () => fresh(() => {
    const x = tf.placeholder('float32', [null, ...c.x.slice(1)]);
    const f = tf.placeholder('float32', c.f ?? [1]);
    const y = c.build(x, f);
    const loss = tf.reduceSum(tf.multiply(y, y));
    const fetches = [y, ...tf.gradients(loss, c.f ? [x, f] : [x]) as tf.Tensor[]];
    const toF32 = (a: tf.NDArray) => new tf.NDArray(Float32Array.from(a.data), a.shape, 'float32');
    const feeds = new Map<tf.Tensor, unknown>([[x, toF32(randomArray(c.x, 2))], [f, toF32(randomArray(c.f ?? [1], 4))]]);
    using sc = new tf.Session();
    using si = new tf.Session({ executor: 'interpreter' });
    const got = sc.run(fetches, feeds as tf.FeedDict) as unknown[];
    const want = si.run(fetches, feeds as tf.FeedDict) as unknown[];
    fetches.forEach((t, i) => { const d = fetchDiff(got[i], want[i]); if (d) assert.unreachable(`${t.name}: ${d}`); });
    const plan = sc._planFor(fetches, feeds as tf.FeedDict);
    assert.ok(plan, 'the plan compiled');
    assert.not.match(plan!.source, /host\[/, 'no reference kernel inside the plan');
  }));
}

test('second order: the gradient ops are differentiable (conv input and filter grads, avgPool grad)', () => fresh(() => {
  const x = tf.placeholder('float64', [1, 4, 4, 2]);
  const f = tf.placeholder('float64', [2, 2, 2, 2]);
  const y = tf.nn.avgPool(tf.nn.conv2d(x, f, 1, 'SAME'), 2, 1, 'SAME');
  const [dx, df] = tf.gradients(tf.reduceSum(tf.square(y)), [x, f]);
  gradCheck(tf.add(tf.reduceSum(tf.square(dx!)), tf.reduceSum(tf.square(df!))), [x, f], [randomArray([1, 4, 4, 2], 3), randomArray([2, 2, 2, 2], 4)], { tol: 1e-6 });
}));

test('second order through max pooling: MaxPoolGrad is differentiable (MaxPoolGradGrad), compiled = interpreter', () => fresh(() => {
  const x = tf.placeholder('float64', [1, 5, 5, 2]);
  const y = tf.nn.maxPool(tf.square(x), 3, 2, 'SAME');
  const [dx] = tf.gradients(tf.reduceSum(tf.multiply(y, y)), [x]);
  const xv = randomArray([1, 5, 5, 2], 8);
  gradCheck(tf.reduceSum(tf.square(dx!)), [x], [xv], { tol: 1e-6 });
  const [ddx] = tf.gradients(tf.reduceSum(tf.square(dx!)), [x]);
  assert.ok(tf.getDefaultGraph().getOperations().some((o) => o.type === 'MaxPoolGradGrad'));
  compiledEqualsInterpreter([dx!, ddx!], new Map([[x, xv]]));
}));

test('conv2dBackpropInput and conv2dBackpropFilter as functions', () => fresh(() => {
  const dy = tf.ones([1, 2, 2, 1]);
  const dx = tf.nn.conv2dBackpropInput([1, 3, 3, 1], ones22(), dy, 1, 'VALID');
  const df = tf.nn.conv2dBackpropFilter(image(3), [2, 2, 1, 1], dy, 1, 'VALID');
  assert.is(String(dx), "<tf.Tensor 'Conv2DBackpropInput:0' shape=(1, 3, 3, 1) dtype=float32>");
  using sess = new tf.Session();
  assertClose(sess.run(dx), [1, 2, 1, 2, 4, 2, 1, 2, 1]);
  assertClose(sess.run(df), [12, 16, 24, 28]);
}));

test('conv2dTranspose spreads each input pixel over its window (stride 1 and 2), and is differentiable', () => fresh(() => {
  const up = tf.nn.conv2dTranspose(tf.constant([1, 2, 3, 4], { shape: [1, 2, 2, 1] }), tf.ones([2, 2, 1, 1]), [1, 4, 4, 1], [1, 2, 2, 1], 'VALID');
  const overlap = tf.nn.conv2dTranspose(tf.ones([1, 2, 2, 1]), ones22(), [1, 3, 3, 1], 1, 'VALID');
  assert.is(up.name, 'conv2d_transpose:0');
  assert.equal(up.shape, [1, 4, 4, 1]);
  using sess = new tf.Session();
  assert.equal((sess.run(up) as tf.NDArray).toArray(), col([[1, 1, 2, 2], [1, 1, 2, 2], [3, 3, 4, 4], [3, 3, 4, 4]]));
  assert.equal(Array.from((sess.run(overlap) as tf.NDArray).data), [1, 2, 1, 2, 4, 2, 1, 2, 1]);
  const v = tf.placeholder('float64', [1, 3, 3, 2]);
  const f = tf.placeholder('float64', [3, 3, 1, 2]);
  gradCheck(tf.nn.conv2dTranspose(v, f, [1, 6, 6, 1], 2, 'SAME'), [v, f], [randomArray([1, 3, 3, 2], 3), randomArray([3, 3, 1, 2], 4)], { tol: 1e-6 });
}));

test('conv1d: conv2d over a height of 1 (values, stride, dilation, gradient, name)', () => fresh(() => {
  const seq = tf.constant([1, 2, 3, 4, 5], { shape: [1, 5, 1] });
  const y = tf.nn.conv1d(seq, tf.constant([1, -1], { shape: [2, 1, 1] }), 1, 'VALID');
  const s2 = tf.nn.conv1d(seq, tf.ones([2, 1, 1]), 2, 'SAME');
  const dil = tf.nn.conv1d(seq, tf.ones([2, 1, 1]), 1, 'VALID', { dilations: 2 });
  assert.is(y.name, 'conv1d/Squeeze:0');
  assert.equal(y.shape, [1, 4, 1]);
  using sess = new tf.Session();
  assert.equal(Array.from((sess.run(y) as tf.NDArray).data), [-1, -1, -1, -1]);
  assert.equal(Array.from((sess.run(s2) as tf.NDArray).data), [3, 7, 5]);
  assert.equal(Array.from((sess.run(dil) as tf.NDArray).data), [4, 6, 8]);
  const x = tf.placeholder('float64', [2, 6, 2]), f = tf.placeholder('float64', [3, 2, 2]);
  gradCheck(tf.nn.conv1d(x, f, 2, 'SAME'), [x, f], [randomArray([2, 6, 2], 1), randomArray([3, 2, 2], 2)], { tol: 1e-6 });
  throwsClass(() => tf.nn.conv1d(tf.zeros([1, 5, 1, 1]), tf.ones([2, 1, 1]), 1, 'SAME'), IAE, /value .* must be 3-D/);
  throwsClass(() => tf.nn.conv1d(seq, tf.ones([2, 1, 1]), 0, 'SAME'), IAE, /stride must be a positive integer, got 0/);
}));

const shapes: [string, () => tf.Tensor, string][] = [
  ['conv SAME, unknown batch', () => tf.nn.conv2d(tf.placeholder('float32', [null, 28, 28, 1]), tf.zeros([5, 5, 1, 32]), 1, 'SAME'), '(?, 28, 28, 32)'],
  ['conv VALID stride 2', () => tf.nn.conv2d(tf.placeholder('float32', [4, 9, 8, 3]), tf.zeros([3, 3, 3, 5]), 2, 'VALID'), '(4, 4, 3, 5)'],
  ['conv unknown height', () => tf.nn.conv2d(tf.placeholder('float32', [1, null, 8, 3]), tf.zeros([3, 3, 3, 5]), 1, 'SAME'), '(1, ?, 8, 5)'],
  ['conv unknown rank', () => tf.nn.conv2d(tf.placeholder('float32'), tf.zeros([3, 3, 3, 5]), 1, 'SAME'), '(?, ?, ?, 5)'],
  ['maxPool SAME odd size', () => tf.nn.maxPool(tf.placeholder('float32', [null, 7, 7, 64]), 2, 2, 'SAME'), '(?, 4, 4, 64)'],
  ['avgPool VALID', () => tf.nn.avgPool(tf.placeholder('float32', [2, 7, 7, 3]), 3, 2, 'VALID'), '(2, 3, 3, 3)'],
];

for (const [name, build, expected] of shapes) {
  test(`static shape: ${name}`, () => fresh(() => assert.match(String(build()), `shape=${expected} dtype=float32>`)));
}

test('gradients keep static shapes with an unknown batch', () => fresh(() => {
  const x = tf.placeholder('float32', [null, 8, 8, 3]);
  const w = new tf.Variable(tf.zeros([3, 3, 3, 4]));
  const y = tf.nn.maxPool(tf.nn.conv2d(x, w, 1, 'SAME'), 2, 2, 'SAME');
  const [dx, dw] = tf.gradients(tf.reduceSum(y), [x, w]);
  assert.equal(dx!.shape, [null, 8, 8, 3]);
  assert.equal(dw!.shape, [3, 3, 3, 4]);
}));

test('names follow TF1', () => fresh(() => {
  const x = tf.placeholder('float32', [1, 4, 4, 1]);
  assert.is(tf.nn.conv2d(x, tf.zeros([1, 1, 1, 1]), 1, 'SAME').name, 'Conv2D:0');
  assert.is(tf.nn.maxPool(x, 2, 2, 'SAME').name, 'MaxPool:0');
  assert.is(tf.nn.avgPool(x, 2, 2, 'SAME', { name: 'pool1' }).name, 'pool1:0');
  const c = tf.nn.conv2d(x, tf.zeros([1, 1, 1, 1]), [1, 2, 2, 1], 'VALID', { name: 'conv1' });
  assert.equal(c.op.getAttr('strides'), [1, 2, 2, 1]);
  assert.is(c.op.getAttr('padding'), 'VALID');
  assert.is(c.op.getAttr('data_format'), 'NHWC');
}));

const errors: [string, () => Built, RegExp][] = [
  ['padding string', () => tf.nn.conv2d(image(3), ones22(), 1, 'FULL'), /tf\.nn\.conv2d: padding must be 'SAME' or 'VALID', got "FULL"/],
  ['strides in the batch dim', () => tf.nn.conv2d(image(3), ones22(), [2, 1, 1, 1], 'SAME'), /strides \[2,1,1,1\] must be 1 in the batch and depth dimensions/],
  ['zero stride', () => tf.nn.maxPool(image(3), 2, 0, 'SAME'), /tf\.nn\.maxPool: strides must be a positive integer or a list of 1, 2 or 4 positive integers/],
  ['strides of length 3', () => tf.nn.conv2d(image(3), ones22(), [1, 1, 1], 'SAME'), /strides must be .* got \[1,1,1\]/],
  ['ksize in the depth dim', () => tf.nn.avgPool(image(3), [1, 2, 2, 2], 1, 'SAME'), /ksize \[1,2,2,2\] must be 1 in the batch and depth dimensions/],
  ['channel mismatch', () => tf.nn.conv2d(tf.zeros([1, 4, 4, 3]), tf.zeros([2, 2, 2, 8]), 1, 'SAME'),
    /Conv2D: input depth 3 of input .* must equal the filter's in_channels 2/],
  ['filter rank', () => tf.nn.conv2d(image(3), tf.zeros([2, 2, 1]), 1, 'SAME'), /filter .* must be 4-D, but has shape \[2,2,1\]/],
  ['input rank', () => tf.nn.maxPool(tf.zeros([3, 3]), 2, 1, 'SAME'), /input .* must be 4-D, but has shape \[3,3\]/],
  ['window larger than a VALID input', () => tf.nn.conv2d(image(3), tf.zeros([5, 5, 1, 1]), 1, 'VALID'),
    /Negative dimension size caused by subtracting 5 from 3 for 'Conv2D'/],
  ['conv2dTranspose channel mismatch', () => tf.nn.conv2dTranspose(tf.zeros([1, 2, 2, 3]), tf.zeros([2, 2, 1, 2]), [1, 3, 3, 1], 1, 'VALID'),
    /input channels 3 of value .* do not match the filter's input channels 2/],
  ['conv2dTranspose output channels', () => tf.nn.conv2dTranspose(tf.zeros([1, 2, 2, 2]), tf.zeros([2, 2, 1, 2]), [1, 3, 3, 4], 1, 'VALID'),
    /outputShape's channels 4 do not match the filter's output channels 1/],
  ['conv2dTranspose output shape that does not give the input', () => tf.nn.conv2dTranspose(tf.zeros([1, 2, 2, 1]), ones22(), [1, 5, 5, 1], 1, 'VALID'),
    /out_backprop \[1,2,2,1\] does not match the convolution's output \[1,4,4,1\]: rows is 2, computed 4/],
  ['unknown option', () => tf.nn.conv2d(image(3), ones22(), 1, 'SAME', { dilation: 2 } as never), /unknown option 'dilation'/],
  ['maxPool NCHW positional', () => tf.nn.maxPool(image(3), 2, 1, 'SAME', 'NCHW' as 'NHWC'), /dataFormat must be 'NHWC'/],
  ['NCHW', () => tf.nn.conv2d(image(3), ones22(), 1, 'SAME', { dataFormat: 'NCHW' as 'NHWC' }), /dataFormat must be 'NHWC'/],
  ['int input', () => tf.nn.maxPool(tf.zeros([1, 2, 2, 1], 'int32'), 2, 1, 'SAME'), /MaxPool does not support int32/],
  ['mixed dtypes', () => tf.nn.conv2d(tf.zeros([1, 2, 2, 1], 'float64'), tf.zeros([1, 1, 1, 1]), 1, 'SAME'),
    /filter .* must have dtype float64/],
  ['fed channel mismatch', () => {
    const x = tf.placeholder('float32', [1, 3, 3, null]);
    return [tf.nn.conv2d(x, ones22(), 1, 'SAME'), new Map([[x, new tf.NDArray(new Float32Array(18), [1, 3, 3, 2], 'float32')]])];
  }, /input depth 2 must equal the filter's in_channels 1/],
];

for (const [name, build, pattern] of errors) {
  test(`error: ${name}`, () => {
    throwsClass(() => evaluate(build), IAE, pattern);
  });
}

test('a bad fed shape fails the run in both executors and changes no variable', () => fresh(() => {
  const x = tf.placeholder('float32', [null, 3, 3, null]);
  const w = new tf.Variable(tf.ones([2, 2, 1, 1]));
  const step = new tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduceSum(tf.nn.conv2d(x, w, 1, 'VALID')));
  for (const executor of [undefined, 'interpreter'] as const) {
    using sess = new tf.Session({ executor });
    sess.run(w.initializer);
    throwsClass(() => sess.run(step, new Map([[x, new tf.NDArray(new Float32Array(18), [1, 3, 3, 2], 'float32')]])), IAE, /in_channels 1/);
    assert.equal(Array.from((sess.run(w) as tf.NDArray).data), [1, 1, 1, 1]);
  }
}));

test.run();
