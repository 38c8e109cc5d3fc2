// Random conds and loops over random elementwise bodies: the compiled plan (an if and a while
// around compiled bodies) equals the interpreter bit for bit, values and gradients.
import { test } from 'uvu';
import * as tf from '../../src/index.js';
import { compiledEqualsInterpreter } from '../_lib/compiled.js';
import { fresh } from '../_lib/op_cases.js';
import { property } from '../_lib/property.js';
import type { Pick } from '../_lib/random_graph.js';

type Unary = (x: tf.Tensor) => tf.Tensor;
const BODIES: Unary[] = [
  (x) => tf.tanh(x).mul(1.5),
  (x) => tf.sin(x).add(x.mul(0.25)),
  (x) => tf.sigmoid(x).sub(0.5),
  (x) => x.mul(x).mul(0.5).sub(0.1),
  (x) => tf.reduceSum(x).mul(0.1).add(x),
  (x) => tf.exp(x.neg().mul(0.5)),
];

function build(pick: Pick) {
  const n = pick.int(1, 4);
  const x = tf.placeholder(tf.float32, [n]);
  const p = tf.placeholder(tf.bool, []);
  const trips = tf.placeholder(tf.int32, []);
  const [a, b, c] = [0, 0, 0].map(() => BODIES[pick.int(0, BODIES.length - 1)]);
  const branched = tf.cond(p, () => a(x), () => b(x.mul(0.75)));
  const [, looped] = tf.whileLoop((i: tf.Tensor) => tf.less(i, trips),
    (i: tf.Tensor, v: tf.Tensor) => [i.add(1), pick.int(0, 1) ? c(v).add(branched) : tf.cond(tf.greater(tf.reduceSum(v), 0), () => c(v), () => v.mul(0.5))],
    [tf.constant(0, { dtype: 'int32' }), x]) as tf.Tensor[];
  const [dx] = tf.gradients(tf.reduceSum(looped.mul(looped)), x);
  const xs = Array.from({ length: n }, () => (pick.int(-200, 200) / 100));
  const feeds = new Map<tf.Tensor, unknown>([[x, xs], [p, pick.int(0, 1) === 1], [trips, pick.int(0, 5)]]);
  return { fetches: [branched, looped, dx!], feeds };
}

test('random conds and loops: compiled equals interpreter (values and gradients)', () => {
  property('random conds and loops', 25, (pick) => fresh(() => {
    const { fetches, feeds } = build(pick);
    compiledEqualsInterpreter(fetches, feeds);
  }), 'random conds and loops');
});

test.run();
