// tf.pad's TF1 forms: constantValues (PadV2), REFLECT and SYMMETRIC: numpy's np.pad values,
// compiled equals interpreter, gradients by finite differences, bad input.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { gradCheck, randomArray } from '../_lib/gradcheck.js';
import { fresh, runBoth, throwsClass } from '../_lib/op_cases.js';

const IAE = tf.errors.InvalidArgumentError;
const M = [[1, 2, 3], [4, 5, 6]];

test('constantValues: PadV2 with the value, Pad when it is 0', () => fresh(() => {
  const x = tf.constant(M);
  const p = tf.pad(x, [[1, 0], [0, 1]], 'CONSTANT', undefined, 9);
  assert.equal(runBoth(p), [[9, 9, 9, 9], [1, 2, 3, 9], [4, 5, 6, 9]]);
  assert.is(p.op.type, 'PadV2');
  assert.is(tf.pad(x, [[1, 0], [0, 0]], { constantValues: 0 }).op.type, 'Pad');
  assert.equal(runBoth(tf.pad(tf.constant([1, 2], { dtype: 'int32' }), [[1, 1]], { constantValues: -1 })), [-1, 1, 2, -1]);
  const v = tf.placeholder('float32', []);
  assert.equal(runBoth(tf.pad(x, [[0, 0], [1, 0]], { constantValues: v }), new Map([[v, 7]])), [[7, 1, 2, 3], [7, 4, 5, 6]], 'a fed constant');
}));

test('REFLECT and SYMMETRIC as numpy (reflect / symmetric)', () => fresh(() => {
  const x = tf.constant(M);
  // np.pad(M, ((1, 1), (2, 2)), 'reflect')
  assert.equal(runBoth(tf.pad(x, [[1, 1], [2, 2]], 'REFLECT')), [
    [6, 5, 4, 5, 6, 5, 4], [3, 2, 1, 2, 3, 2, 1], [6, 5, 4, 5, 6, 5, 4], [3, 2, 1, 2, 3, 2, 1]]);
  // np.pad(M, ((1, 1), (2, 2)), 'symmetric')
  assert.equal(runBoth(tf.pad(x, [[1, 1], [2, 2]], 'symmetric')), [
    [2, 1, 1, 2, 3, 3, 2], [2, 1, 1, 2, 3, 3, 2], [5, 4, 4, 5, 6, 6, 5], [5, 4, 4, 5, 6, 6, 5]]);
  assert.equal(runBoth(tf.pad(tf.constant([1, 2, 3]), [[0, 0]], 'REFLECT')), [1, 2, 3]);
  assert.is(tf.pad(x, [[1, 1], [0, 0]], 'REFLECT').op.type, 'MirrorPad');
  assert.equal(runBoth(tf.pad(tf.constant([1, 2, 3], { dtype: 'int32' }), [[2, 1]], 'SYMMETRIC')), [2, 1, 1, 2, 3, 3]);
}));

test('gradients: constant value, reflect and symmetric padding by finite differences', () => {
  const cases: [string, (x: tf.Tensor) => tf.Tensor][] = [
    ['PadV2', (x) => tf.pad(x, [[1, 2], [0, 1]], { constantValues: 0.5 })],
    ['REFLECT', (x) => tf.pad(x, [[1, 1], [2, 1]], 'REFLECT')],
    ['SYMMETRIC', (x) => tf.pad(x, [[2, 0], [3, 3]], 'SYMMETRIC')],
    ['REFLECT, second derivative', (x) => tf.gradients(tf.reduceSum(tf.square(tf.pad(x, [[1, 1], [1, 2]], 'REFLECT'))), [x])[0]!],
  ];
  for (const [name, f] of cases) {
    fresh(() => {
      const x = tf.placeholder('float64', [2, 3]);
      const err = gradCheck(f(x), [x], [randomArray([2, 3], 6)]);
      assert.ok(err < 1e-6, `${name}: ${err}`);
    });
  }
});

test('bad input: mode, paddings beyond what mirroring allows, options; graph unchanged', () => fresh((g) => {
  const x = tf.constant(M), i = tf.constant([1], { dtype: 'int32' });
  const unknown = tf.placeholder('float32', [null, 3]);
  const n = g.getOperations().length;
  throwsClass(() => tf.pad(x, [[1, 1], [0, 0]], 'WRAP' as 'REFLECT'), IAE, "mode must be 'CONSTANT', 'REFLECT' or 'SYMMETRIC'");
  throwsClass(() => tf.pad(x, [[2, 0], [0, 0]], 'REFLECT'), IAE, 'paddings [2, 0] for axis 0 of size 2 must be in [0, 1]');
  throwsClass(() => tf.pad(x, [[0, 0], [0, 4]], 'SYMMETRIC'), IAE, 'must be in [0, 3]');
  throwsClass(() => tf.pad(x, [[1, 1]], 'REFLECT'), IAE, 'must have shape [2, 2]');
  throwsClass(() => tf.pad(x, [[1, 1], [0, 0]], 'REFLECT', undefined, 1), IAE, "constantValues applies to mode 'CONSTANT' only");
  throwsClass(() => tf.pad(x, [[1, 1], [0, 0]], { constant_values: 1 } as tf.PadOptions), IAE, "unknown option 'constant_values' (did you mean 'constantValues'?)");
  throwsClass(() => tf.pad(x, [[1, 1], [0, 0]], { constantValues: i }), IAE, 'requested dtype float32');
  assert.is(g.getOperations().length, n, 'no op added');
  // a dim known only when fed is checked then, on both executors
  const r = tf.pad(unknown, [[2, 0], [0, 0]], 'REFLECT');
  assert.equal(r.shape, [null, 3]);
  throwsClass(() => runBoth(r, new Map([[unknown, [[1, 2, 3], [4, 5, 6]]]])), IAE, 'paddings [2, 0] for axis 0 of size 2 must be in [0, 1]');
  assert.equal(runBoth(r, new Map([[unknown, [[1, 2, 3], [4, 5, 6], [7, 8, 9]]]])), [[7, 8, 9], [4, 5, 6], [1, 2, 3], [4, 5, 6], [7, 8, 9]]);
}));

test.run();
