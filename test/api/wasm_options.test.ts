// new tf.Session({backend: 'wasm', wasm: {...}}): the wasm backend's numerics chosen per session,
// checked, and shared by sessions asking for the same.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';

function matmulGraph() {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const a = tf.placeholder('float32', [16, 64], 'a'), b = tf.placeholder('float32', [64, 16], 'b');
    let s = 7;
    const rnd = (n: number) => Float32Array.from({ length: n }, () => ((s = (s * 16807) % 2147483647) / 2147483647 - 0.5) * 3);
    return { g, c: tf.matmul(a, b), feeds: new Map([[a, new tf.NDArray(rnd(1024), [16, 64], 'float32')], [b, new tf.NDArray(rnd(1024), [64, 16], 'float32')]]) };
  });
}

test("wasm: {matmul: 'f64'} is bit-identical to the interpreter; the default f32 tile is within its bound and runs in wasm", () => {
  const { g, c, feeds } = matmulGraph();
  const ref = (new tf.Session({ graph: g, executor: 'interpreter' }).run(c, feeds) as tf.NDArray).data;
  const exact = new tf.Session({ graph: g, backend: 'wasm', wasm: { matmul: 'f64' } });
  assert.equal([...(exact.run(c, feeds) as tf.NDArray).data], [...ref]);
  const fast = new tf.Session({ graph: g, backend: 'wasm' });
  const got = (fast.run(c, feeds) as tf.NDArray).data;
  const bound = 66 * 2 ** -24 * 64 * 2.25; // (K+2)·2⁻²⁴·Σ|aᵢₖbₖⱼ| with |a|,|b| ≤ 1.5
  got.forEach((v, i) => assert.ok(Math.abs(v - ref[i]) <= bound, `element ${i}: ${v} vs ${ref[i]}`));
  for (const sess of [exact, fast]) assert.equal(sess._planFor(c, feeds)!.data.kernels.map((k) => k.runsOn), ['wasm']);
  assert.equal(fast.backendInfo, { backend: 'wasm' });
});

test("wasm: {math: 'exact'} keeps exp in JS; {minWork: 0} runs a tiny kernel in wasm", () => {
  const g = new tf.Graph();
  g.asDefault(() => {
    const x = tf.placeholder('float32', [64], 'x');
    const y = tf.exp(x);
    const feeds = new Map([[x, new tf.NDArray(Float32Array.from({ length: 64 }, (_, i) => i / 8 - 4), [64], 'float32')]]);
    const where = (opts: tf.WasmSessionOptions) => {
      const sess = new tf.Session({ backend: 'wasm', wasm: opts });
      sess.run(y, feeds);
      return sess._planFor(y, feeds)!.data.kernels.map((k) => k.runsOn);
    };
    assert.equal(where({}), ['wasm']);
    assert.equal(where({ math: 'exact' }), ['js']);
    const tiny = tf.placeholder('float32', [2], 't');
    const z = tf.add(tiny, tiny);
    const tfeeds = new Map([[tiny, [1, 2]]]);
    for (const [opts, runsOn] of [[{}, 'js'], [{ minWork: 0 }, 'wasm']] as const) {
      const sess = new tf.Session({ backend: 'wasm', wasm: opts });
      assert.equal([...(sess.run(z, tfeeds) as tf.NDArray).data], [2, 4]);
      assert.equal(sess._planFor(z, tfeeds)!.data.kernels.map((k) => k.runsOn), [runsOn]);
    }
  });
});

test('wasm options: unknown names and values, or the option on another backend, are InvalidArgumentErrors', () => {
  const bad: [tf.SessionOptions, RegExp][] = [
    [{ backend: 'wasm', wasm: { matmul: 'f16' } as never }, /wasm\.matmul = "f16": expected 'f32' or 'f64'/],
    [{ backend: 'wasm', wasm: { minWork: -1 } }, /wasm\.minWork = -1: expected a non-negative integer/],
    [{ backend: 'wasm', wasm: { sum: 'f64x2' } as never }, /wasm\.sum = "f64x2": unknown option; expected one of sums, math, matmul, minWork/],
    [{ wasm: { matmul: 'f64' } }, /The wasm option applies to backend 'wasm' only \(this session's backend is 'js'\)/],
  ];
  for (const [opts, message] of bad) {
    assert.throws(() => new tf.Session(opts), (e: Error) => e instanceof tf.errors.InvalidArgumentError && message.test(e.message));
  }
});

test.run();
