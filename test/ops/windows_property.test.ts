// Property: for random NHWC shapes, windows, strides, dilations and paddings, conv2d,
// depthwiseConv2d, maxPool and avgPool (followed by a random activation) give the same values and gradients compiled as
// interpreted, bit for bit, also with NaN, infinities, ±0 and ties in the data. fast-check
// prints its seed on failure (replay: FC_SEED=<seed>).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as fc from 'fast-check';
import * as tf from '../../src/index.js';
import { fetchDiff } from '../_lib/random_graph.js';

const ACTIVATIONS = ['relu', 'relu6', 'elu', 'selu', 'softplus', 'softsign', 'leakyRelu', 'none'] as const;

const caseArb = fc.record({
  kind: fc.constantFrom('conv2d', 'depthwiseConv2d', 'maxPool', 'avgPool'),
  n: fc.integer({ min: 1, max: 2 }), h: fc.integer({ min: 1, max: 6 }), w: fc.integer({ min: 1, max: 6 }), c: fc.integer({ min: 1, max: 3 }),
  oc: fc.integer({ min: 1, max: 3 }),
  k: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  s: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  dilation: fc.constantFrom(1, 1, 2),
  padding: fc.constantFrom('SAME', 'VALID'),
  dtype: fc.constantFrom('float32', 'float64'),
  activation: fc.constantFrom(...ACTIVATIONS),
  unknownBatch: fc.boolean(),
  seed: fc.integer({ min: 1, max: 1 << 30 }),
  specials: fc.boolean(),
});
type Case = typeof caseArb extends fc.Arbitrary<infer T> ? T : never;

/** Seeded data; with `specials`, some NaN, ±Infinity, ±0 and repeated values (ties in max pooling). */
function data(n: number, seed: number, specials: boolean): number[] {
  let s = seed;
  const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  return Array.from({ length: n }, () => {
    const u = next();
    if (specials && u < 0.15) return [NaN, Infinity, -Infinity, 0, -0, 1, 1][Math.floor(next() * 7)];
    return Math.round((u * 4 - 2) * 8) / 8;
  });
}

function check(c: Case): void {
  const g = new tf.Graph();
  g.asDefault(() => {
    const conv = c.kind === 'conv2d' || c.kind === 'depthwiseConv2d';
    const d = conv ? c.dilation : 1;
    const eff = (k: number) => (k - 1) * d + 1;
    if (c.padding === 'VALID' && (c.h < eff(c.k[0]) || c.w < eff(c.k[1]))) return;
    const xShape = [c.n, c.h, c.w, c.c];
    const x = tf.placeholder(c.dtype, c.unknownBatch ? [null, c.h, c.w, c.c] : xShape);
    const f = tf.placeholder(c.dtype, [c.k[0], c.k[1], c.c, c.oc]);
    const window = c.kind === 'conv2d' || c.kind === 'depthwiseConv2d' ? tf.nn[c.kind](x, f, c.s, c.padding, { dilations: d })
      : tf.nn[c.kind](x, c.k, c.s, c.padding);
    const y = c.activation === 'none' ? window : c.activation === 'leakyRelu' ? tf.nn.leakyRelu(window, 0.1) : (tf.nn as any)[c.activation](window);
    const loss = tf.reduceSum(tf.multiply(y, y));
    const grads = tf.gradients(loss, conv ? [x, f] : [x]) as tf.Tensor[];
    const feeds = new Map<tf.Tensor, tf.NDArray>([
      [x, new tf.NDArray(toTyped(data(c.n * c.h * c.w * c.c, c.seed, c.specials), c.dtype), xShape, c.dtype)],
      [f, new tf.NDArray(toTyped(data(c.k[0] * c.k[1] * c.c * c.oc, c.seed + 1, c.specials), c.dtype), [c.k[0], c.k[1], c.c, c.oc], c.dtype)],
    ]);
    const fetches = [y, ...grads];
    using sc = new tf.Session({ graph: g });
    using si = new tf.Session({ graph: g, executor: 'interpreter' });
    const got = sc.run(fetches, feeds as tf.FeedDict) as unknown[];
    const want = si.run(fetches, feeds as tf.FeedDict) as unknown[];
    fetches.forEach((t, i) => {
      const diff = fetchDiff(got[i], want[i]);
      if (diff) throw new Error(`${t.name} of ${JSON.stringify(c)}: ${diff}`);
    });
    const plan = sc._planFor(fetches, feeds as tf.FeedDict);
    if (!plan || /host\[/.test(plan.source)) throw new Error(`not fully compiled: ${JSON.stringify(c)}`);
  });
}

function toTyped(v: number[], dtype: string): Float32Array | Float64Array {
  return dtype === 'float32' ? Float32Array.from(v) : Float64Array.from(v);
}

test('conv2d / depthwiseConv2d / maxPool / avgPool + activation: compiled equals interpreter, values and gradients, bit for bit', () => {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : undefined;
  fc.assert(fc.property(caseArb, (c) => { check(c); }), { numRuns: Number(process.env.FC_RUNS ?? 150), seed });
  assert.ok(true);
});

test.run();
