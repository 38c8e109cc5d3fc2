// The wasm backend's compares, where, logic, casts between float32, int32 and bool, and int32
// arithmetic (codegen/wasm/typed_ops.ts): random chains over the three dtypes, bool stored one
// byte per element, compared bit for bit with the interpreter and the JS backend on edge values
// (NaN, ±0, ±Infinity, floats beyond the int32 range that wrap, int32 extremes that overflow).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { WASM_ALL } from '../_lib/wasm_all.js';
import { fetchDiff, mulberry32 } from '../_lib/random_graph.js';
import { property } from '../_lib/property.js';

process.env.TFGEN_VERIFY ??= '1';
const RUNS = Number(process.env.FC_RUNS ?? 300);

const FLOAT_EDGES = [NaN, 0, -0, Infinity, -Infinity, 0.5, -0.5, 1.5, -2.5, 2147483520, 2147483648, -2147483648, -2147483904, 3e9, -3e9, 4294967296,
  6442450944, 1e10, -1e10, 2 ** 55 + 2 ** 33, 2 ** 62, 2 ** 63, -(2 ** 70), 3.4028234663852886e38, 1e-40, 16777217];
const INT_EDGES = [0, 1, -1, 2147483647, -2147483648, 65536, -65536, 46341, 7, -7];

function data(dtype: tf.DType, n: number, rng: () => number): tf.NDArray {
  const pick = <T>(xs: T[]) => xs[Math.floor(rng() * xs.length)];
  if (dtype === 'bool') return new tf.NDArray(Uint8Array.from({ length: n }, () => (rng() < 0.5 ? 1 : 0)), [n], 'bool');
  if (dtype === 'int32') return new tf.NDArray(Int32Array.from({ length: n }, () => (rng() < 0.4 ? pick(INT_EDGES) : Math.floor((rng() - 0.5) * 20))), [n], 'int32');
  return new tf.NDArray(Float32Array.from({ length: n }, () => (rng() < 0.4 ? pick(FLOAT_EDGES) : Math.round((rng() - 0.5) * 16) / 2)), [n], 'float32');
}

type Op = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.Tensor;
const DTYPES: tf.DType[] = ['float32', 'int32', 'bool'];
/** Ops by the dtype of their operands (a, b of dtype d; c bool). */
const OPS: Record<string, Op[]> = {
  any: [(a, b) => tf.equal(a, b), (a, b) => tf.notEqual(a, b), (a) => tf.cast(a, 'float32'), (a) => tf.cast(a, 'int32'), (a) => tf.cast(a, 'bool'),
    (a) => tf.cast(a.dtype === 'float32' ? tf.cast(a, 'int32') : a, 'int64'),
    (a, b, c) => tf.where(c, a, b)],
  number: [(a, b) => tf.less(a, b), (a, b) => tf.lessEqual(a, b), (a, b) => tf.greater(a, b), (a, b) => tf.greaterEqual(a, b),
    (a, b) => tf.add(a, b), (a, b) => tf.subtract(a, b), (a, b) => tf.multiply(a, b), (a, b) => tf.minimum(a, b), (a, b) => tf.maximum(a, b),
    (a) => tf.abs(a), (a) => tf.negative(a), (a, b) => tf.floorDiv(a, b), (a, b) => tf.mod(a, b)],
  bool: [(a, b) => tf.logicalAnd(a, b), (a, b) => tf.logicalOr(a, b), (a) => tf.logicalNot(a)],
};

const CHAINS = 'random chains of compares, where, logic, casts and int32 arithmetic: wasm equals the interpreter and the JS backend bit for bit';
test(CHAINS, () => {
  let covered = 0;
  property(CHAINS, RUNS, (p) => {
    const graph = new tf.Graph();
    const n = p.int(1, 23);
    const rng = mulberry32(p.int(0, 1e6));
    const { fetch, feeds } = graph.asDefault(() => {
      const xs = DTYPES.flatMap((d) => [0, 1].map((i) => tf.placeholder(d, [n], `${d}${i}`)));
      const vals: tf.Tensor[] = [...xs];
      const steps = p.int(1, 6);
      for (let s = 0; s < steps; s++) {
        const a = vals[p.int(0, vals.length - 1)];
        const same = vals.filter((v) => v.dtype === a.dtype);
        const b = same[p.int(0, same.length - 1)];
        const bools = vals.filter((v) => v.dtype === 'bool');
        const c = bools[p.int(0, bools.length - 1)];
        const ops = [...OPS.any, ...(a.dtype === 'bool' ? OPS.bool : OPS.number)];
        vals.push(ops[p.int(0, ops.length - 1)](a, b, c));
      }
      return { fetch: vals[vals.length - 1], feeds: new Map(xs.map((x) => [x, data(x.dtype, n, rng)])) };
    });
    const sw = new tf.Session({ graph, ...WASM_ALL }), sj = new tf.Session({ graph }), si = new tf.Session({ graph, executor: 'interpreter' });
    // why: int64 products can leave the range tfgen's int64 holds exactly; then every executor
    // must refuse the run with the interpreter's error (the compiled plans check it on the
    // result, so their message does not name the op).
    let ref;
    try { ref = si.run(fetch, feeds); } catch (e) {
      for (const s of [sw, sj]) assert.throws(() => s.run(fetch, feeds), (got: Error) => got.constructor === (e as Error).constructor && got.message.trim() === (e as Error).message.split('\n')[0].trim());
      return;
    }
    const got = sw.run(fetch, feeds);
    const d = fetchDiff(got, ref) ?? fetchDiff(got, sj.run(fetch, feeds));
    if (d) throw new Error(`wasm ≠ reference for n=${n}: ${d}\nplan:\n${sw._planFor(fetch, feeds)?.source}`);
    covered += sw._planFor(fetch, feeds)!.data.kernels.filter((k) => k.runsOn === 'wasm').length;
  }, CHAINS);
  if (!process.env.FC_REPLAY) assert.ok(covered >= RUNS / 2, `only ${covered} wasm kernels in ${RUNS} plans`);
});

test('float32 → int32 truncates, saturates at ±Infinity, gives 0 for NaN and wraps beyond the int32 range, as x | 0', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const xs = Float32Array.from([...FLOAT_EDGES, -1.9, 1.9, -(2 ** 31) - 256, 2 ** 32 - 256, 2 ** 40 + 2 ** 17]);
    const x = tf.placeholder('float32', [xs.length], 'x');
    const y = tf.cast(x, 'int32');
    const got = (new tf.Session({ ...WASM_ALL }).run(y, { x: new tf.NDArray(xs, [xs.length], 'float32') }) as tf.NDArray).data;
    const expected = [...xs].map((v) => (Number.isNaN(v) ? 0 : v === Infinity ? 2147483647 : v === -Infinity ? -2147483648 : Math.trunc(v) | 0));
    assert.equal([...got], expected);
  });
});

test('int32 floorDiv and mod: zero divisors give 0, INT_MIN / -1 wraps, quotients round down and remainders take the divisor\'s sign', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const as = [7, -7, 7, -7, -2147483648, -2147483648, 2147483647, 5, 0, -1, 13, -13, 2147483647, -2147483648, 9];
    const bs = [2, 2, -2, -2, -1, 1, -1, 0, 3, 0, -4, 4, 2147483647, 2147483647, -1];
    const a = tf.placeholder('int32', [as.length], 'a'), b = tf.placeholder('int32', [as.length], 'b');
    const feeds = new Map([[a, new tf.NDArray(Int32Array.from(as), [as.length], 'int32')], [b, new tf.NDArray(Int32Array.from(bs), [as.length], 'int32')]]);
    const sess = new tf.Session({ ...WASM_ALL });
    const fetches = [tf.floorDiv(a, b), tf.mod(a, b)];
    const [q, r] = sess.run(fetches, feeds) as tf.NDArray[];
    assert.equal([...q.data], [3, -4, -4, 3, -2147483648, -2147483648, -2147483647, 0, 0, 0, -4, -4, 1, -2, -9]);
    assert.equal([...r.data], [1, 1, -1, -1, 0, 0, 0, 0, 0, 0, -3, 3, 0, 2147483646, 0]);
    assert.equal(sess._planFor(fetches, feeds)!.data.kernels.map((k) => k.runsOn), ['wasm', 'wasm']);
  });
});

test('float32 floorDiv rounds its quotient to float32 before the floor (a quotient underflowing to -0 floors to -0), on both backends', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const a = tf.placeholder('float32', [4], 'a'), b = tf.placeholder('float32', [4], 'b');
    const q = tf.floorDiv(a, b);
    const feeds = new Map([[a, new tf.NDArray(Float32Array.from([-1e-45, 1e-45, -3, 7]), [4], 'float32')], [b, new tf.NDArray(Float32Array.from([1e38, -1e38, 2, 2]), [4], 'float32')]]);
    for (const sess of [new tf.Session({ ...WASM_ALL }), new tf.Session(), new tf.Session({ executor: 'interpreter' })]) {
      const got = [...(sess.run(q, feeds) as tf.NDArray).data];
      assert.ok(Object.is(got[0], -0) && Object.is(got[1], -0), `${got}`);
      assert.equal(got.slice(2), [-2, 3]);
    }
  });
});

test('bool arrays are one byte per element in wasm memory: a compare stores 0/1 bytes, a where reads them', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [9], 'x'), m = tf.placeholder('bool', [9], 'm');
    const gt = tf.greater(x, 0);
    const picked = tf.where(tf.logicalAnd(m, gt), x, tf.negative(x));
    const xs = Float32Array.from([1, -2, 0, -0, NaN, 3, -4, 5, 6]);
    const ms = Uint8Array.from([1, 1, 1, 0, 1, 0, 1, 1, 0]);
    const feeds = new Map<tf.Tensor, tf.NDArray>([[x, new tf.NDArray(xs, [9], 'float32')], [m, new tf.NDArray(ms, [9], 'bool')]]);
    const sess = new tf.Session({ ...WASM_ALL });
    const [g, pv] = sess.run([gt, picked], feeds) as tf.NDArray[];
    assert.ok(g.data instanceof Uint8Array);
    assert.equal([...g.data], [1, 0, 0, 0, 0, 1, 0, 1, 1]);
    assert.equal([...pv.data].map(String), ['1', '2', '0', '0', 'NaN', '-3', '4', '5', '-6']);
    assert.ok(Object.is(pv.data[2], -0) && Object.is(pv.data[3], 0), 'signs of the zeros');
    assert.ok(sess._planFor([gt, picked], feeds)!.data.kernels.every((k) => k.runsOn === 'wasm'));
  });
});

test.run();
