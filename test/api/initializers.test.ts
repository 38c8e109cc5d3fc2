// TF1's initializers through tf.getVariable: values, TF1's op names, fans and bad arguments.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fresh, throwsClass } from '../_lib/op_cases.js';
import * as tf from '../../src/index.js';

function initialValue(init: tf.Initializer, shape: number[], dtype?: tf.DType): tf.NDArray {
  return fresh(() => {
    const v = tf.getVariable('v', shape, { initializer: init, dtype });
    using sess = new tf.Session();
    sess.run(v.initializer);
    const r = sess.run(v);
    return r instanceof tf.NDArray ? r : new tf.NDArray(Float32Array.of(r), [], 'float32');
  });
}

test('zeros, ones and constant initializers (dtype from the variable)', () => {
  assert.equal(initialValue(tf.zerosInitializer(), [2, 2]).toArray(), [[0, 0], [0, 0]]);
  const ones = initialValue(tf.onesInitializer(), [3], 'int32');
  assert.equal([ones.dtype, ones.toArray()], ['int32', [1, 1, 1]]);
  assert.equal(initialValue(tf.constantInitializer(0.1), [2]).toArray(), [Math.fround(0.1), Math.fround(0.1)]);
  assert.equal(initialValue(tf.constantInitializer([[1, 2], [3, 4]]), [2, 2]).toArray(), [[1, 2], [3, 4]]);
  // TF1 without verify_shape: a shorter list repeats its last element
  assert.equal(initialValue(tf.constantInitializer([1, 2]), [2, 3]).toArray(), [[1, 2, 2], [2, 2, 2]]);
  throwsClass(() => initialValue(tf.constantInitializer([1, 2, 3]), [2]), tf.errors.InvalidArgumentError, 'Too many elements provided. Needed at most 2, but received 3');
});

test('initializer ops are named as in TF1', () => fresh((g) => {
  tf.getVariable('z', [2], { initializer: tf.zerosInitializer() });
  tf.getVariable('c', [2], { initializer: tf.constantInitializer(3) });
  tf.getVariable('n', [2], { initializer: tf.randomNormalInitializer(0, 0.1) });
  tf.getVariable('t', [2], { initializer: tf.truncatedNormalInitializer(0, 0.1) });
  const ops = g.getOperations().map((o) => o.name);
  for (const n of ['z/Initializer/zeros', 'c/Initializer/Const', 'n/Initializer/random_normal/RandomStandardNormal', 'n/Initializer/random_normal',
    't/Initializer/truncated_normal/TruncatedNormal', 't/Initializer/truncated_normal']) {
    assert.ok(ops.includes(n), `${n} in ${ops}`);
  }
}));

test('random normal and truncated normal: mean, stddev, truncation at 2σ, seeds reproducible', () => {
  const a = initialValue(tf.randomNormalInitializer(3, 0.5, { seed: 7 }), [4000]);
  const mean = Array.from(a.data).reduce((s, x) => s + x, 0) / a.size;
  const sd = Math.sqrt(Array.from(a.data).reduce((s, x) => s + (x - mean) ** 2, 0) / a.size);
  assert.ok(Math.abs(mean - 3) < 0.05 && Math.abs(sd - 0.5) < 0.03, `${mean} ${sd}`);
  assert.equal(initialValue(tf.randomNormalInitializer(3, 0.5, { seed: 7 }), [4000]).data, a.data);
  const t = initialValue(tf.truncatedNormalInitializer({ stddev: 0.1, seed: 1 }), [4000]);
  assert.equal(initialValue(tf.truncatedNormalInitializer(0, 0.1, { seed: 1 }), [4000]).data, t.data, 'positional and options forms agree');
  const u = initialValue(tf.randomUniformInitializer(-2, -1, { seed: 4 }), [1000]);
  assert.ok(u.data.every((x) => x >= -2 && x < -1));
  assert.ok(t.data.every((x) => Math.abs(x) < Math.fround(0.2)));
  const tsd = Math.sqrt(Array.from(t.data).reduce((s, x) => s + x * x, 0) / t.size);
  // a unit normal truncated at ±2 has stddev 0.8796
  assert.ok(Math.abs(tsd - 0.08796) < 0.004, String(tsd));
});

test('glorot uniform and variance scaling use TF1 fans (conv kernels count the receptive field)', () => fresh((g) => {
  const limitOf = (name: string) => (g.getOperationByName(`${name}/Initializer/random_uniform/max`).getAttr('value') as tf.NDArray).data[0];
  tf.getVariable('conv', [5, 5, 32, 64]);
  assert.is(limitOf('conv'), Math.fround(Math.sqrt(6 / (5 * 5 * 32 + 5 * 5 * 64))));
  tf.getVariable('bias', [10]);
  assert.is(limitOf('bias'), Math.fround(Math.sqrt(6 / 20)));
  tf.getVariable('s', []);
  assert.is(limitOf('s'), Math.fround(Math.sqrt(3)));
  tf.getVariable('fanin', [300, 100], { initializer: tf.varianceScalingInitializer(2, 'fan_in', 'uniform') });
  assert.is(limitOf('fanin'), Math.fround(Math.sqrt(3 * 2 / 300)));
  using sess = new tf.Session();
  sess.run(tf.globalVariablesInitializer());
  const conv = sess.run('conv:0') as tf.NDArray;
  const lim = Math.fround(Math.sqrt(6 / 2400));
  assert.ok(conv.data.every((x) => Math.abs(x) <= lim));
  const m = Array.from(conv.data).reduce((s, x) => s + x * x, 0) / conv.size;
  assert.ok(Math.abs(m - lim * lim / 3) < 0.05 * lim * lim, `variance ${m}`);
}));

test('glorot normal: truncated normal with stddev √(2/(fanIn+fanOut)) / 0.8796 before truncation', () => fresh((g) => {
  tf.getVariable('w', [20, 30], { initializer: tf.glorotNormalInitializer(3) });
  const sd = (g.getOperationByName('w/Initializer/truncated_normal/stddev').getAttr('value') as tf.NDArray).data[0];
  assert.is(sd, Math.fround(Math.sqrt(1 / 25) / 0.87962566103423978));
}));

test('bad initializer arguments: clear errors', () => {
  throwsClass(() => tf.varianceScalingInitializer({ mode: 'fan_out_x' as never }), tf.errors.InvalidArgumentError, "invalid mode 'fan_out_x'");
  throwsClass(() => tf.varianceScalingInitializer({ distribution: 'gauss' as never }), tf.errors.InvalidArgumentError, "invalid distribution 'gauss'");
  throwsClass(() => tf.varianceScalingInitializer({ scale: 0 }), tf.errors.InvalidArgumentError, 'scale must be a positive float');
  throwsClass(() => initialValue(tf.randomNormalInitializer(), [2], 'int32'), tf.errors.InvalidArgumentError, 'expected a float dtype, got int32');
  throwsClass(() => tf.truncatedNormalInitializer({ std: 0.1 } as never), tf.errors.InvalidArgumentError, "unknown option 'std'", 'stddev');
  throwsClass(() => fresh(() => tf.getVariable('b', [2], { dtype: 'int32', initializer: tf.glorotUniformInitializer() })), tf.errors.InvalidArgumentError, 'expected a float dtype, got int32');
  throwsClass(() => fresh(() => tf.getVariable('b', [2], { dtype: 'int32', initializer: () => tf.zeros([2]) })), tf.errors.InvalidArgumentError,
    "the initializer gives float32, but the variable's dtype is int32");
});

test.run();
