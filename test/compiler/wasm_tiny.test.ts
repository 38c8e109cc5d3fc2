// The wasm backend's tiny-kernel rule (codegen/README.md "The wasm backend", tiny kernels): a kernel
// whose work is known at plan time and below its cutoff (TINY_WORK) stays in JS, where the call
// into wasm would cost more than the loop; the plan says so in `fallback`. Values are the
// interpreter's either way.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { wasmBackendWith } from '../../codegen/backend.js';
import { jitCompiler } from '../../codegen/jit.js';
import { TINY_WORK } from '../../codegen/render/wasm.js';
import { fetchDiff } from '../_lib/random_graph.js';

const seeded = (n: number) => Float32Array.from({ length: n }, (_, i) => ((i * 37) % 23) / 7 - 1.5);

/** Where each kernel of the plan of `fetches` runs, and why the JS ones do, after checking values against the interpreter. */
function placement(sess: tf.Session, fetches: tf.Tensor[], feeds: Map<tf.Tensor, tf.NDArray>): { runsOn: string[]; why: string[] } {
  const got = sess.run(fetches, feeds) as unknown[], want = new tf.Session({ graph: sess.graph, executor: 'interpreter' }).run(fetches, feeds) as unknown[];
  got.forEach((g, i) => assert.is(fetchDiff(g, want[i]), undefined));
  const plan = sess._planFor(fetches, feeds)!;
  assert.is(plan.data.backend, 'wasm');
  return { runsOn: plan.data.kernels.map((k) => k.runsOn!), why: Object.values(plan.data.wasm!.fallback) };
}

function elementwise(n: number, sess: (g: tf.Graph) => tf.Session = (graph) => new tf.Session({ graph, backend: 'wasm' })) {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const x = tf.placeholder('float32', [n], 'x');
    const y = tf.add(tf.multiply(x, x), 1);
    return placement(sess(graph), [y], new Map([[x, new tf.NDArray(seeded(n), [n], 'float32')]]));
  });
}

test('cutoffs as measured: maps under 32 elements, reductions under 64, matmuls under 128 multiply-adds', () => {
  assert.equal(TINY_WORK, { map: 32, reduce: 64, matmul: 128 });
});

test('an elementwise chain of 31 elements stays in JS and says why; 32 run in wasm', () => {
  assert.equal(elementwise(31), { runsOn: ['js'], why: ['tiny: 31 elements < 32 (a call costs more than the loop)'] });
  assert.equal(elementwise(32), { runsOn: ['wasm'], why: [] });
  assert.equal(elementwise(1), { runsOn: ['js'], why: ['tiny: 1 elements < 32 (a call costs more than the loop)'] });
});

test('a reduction is judged by its input elements: 63 in JS, 64 in wasm; argmax alike', () => {
  for (const [n, on] of [[63, 'js'], [64, 'wasm']] as const) {
    const graph = new tf.Graph();
    const r = graph.asDefault(() => {
      const x = tf.placeholder('float32', [n], 'x');
      return placement(new tf.Session({ graph, backend: 'wasm' }), [tf.reduceSum(tf.multiply(x, x))], new Map([[x, new tf.NDArray(seeded(n), [n], 'float32')]]));
    });
    assert.equal(r.runsOn, [on], `sum of ${n}`);
    if (on === 'js') assert.equal(r.why, [`tiny: ${n} elements < 64 (a call costs more than the loop)`]);
    const g2 = new tf.Graph();
    const a = g2.asDefault(() => {
      const x = tf.placeholder('float32', [n], 'x');
      return placement(new tf.Session({ graph: g2, backend: 'wasm' }), [tf.argmax(x, 0)], new Map([[x, new tf.NDArray(seeded(n), [n], 'float32')]]));
    });
    // why: argmax's plan also holds its int64 result's kernel; only the arg reduction is judged here.
    assert.is(a.runsOn.includes('wasm'), on === 'wasm', `argmax of ${n}: ${a.runsOn} (${a.why})`);
  }
});

test('a matmul is judged by its multiply-adds: [4,2]·[2,15] (120) in JS, [4,2]·[2,16] (128) in wasm, with its epilogue', () => {
  for (const [cols, on] of [[15, 'js'], [16, 'wasm']] as const) {
    const graph = new tf.Graph();
    const r = graph.asDefault(() => {
      const a = tf.placeholder('float32', [4, 2], 'a'), b = tf.placeholder('float32', [2, cols], 'b');
      // why: small integers, so every order of summation gives the interpreter's value exactly.
      const ints = (n: number) => seeded(n).map((v) => Math.round(v * 7));
      const feeds = new Map([[a, new tf.NDArray(ints(8), [4, 2], 'float32')], [b, new tf.NDArray(ints(2 * cols), [2, cols], 'float32')]]);
      return placement(new tf.Session({ graph, backend: 'wasm' }), [tf.nn.relu(tf.matmul(a, b))], feeds);
    });
    assert.equal(r.runsOn, [on], `[4,2]·[2,${cols}]`);
    if (on === 'js') assert.equal(r.why, ['tiny: 120 multiply-adds < 128 (a call costs more than the loop)']);
  }
});

test('minWork: 0 runs every covered kernel in wasm; a per-kind cutoff moves only that kind', () => {
  const all = (graph: tf.Graph) => new tf.Session({ graph, compiler: jitCompiler({ backend: wasmBackendWith({ minWork: 0 }) }) });
  assert.equal(elementwise(1, all).runsOn, ['wasm']);
  const maps = (graph: tf.Graph) => new tf.Session({ graph, compiler: jitCompiler({ backend: wasmBackendWith({ minWork: { map: 1000 } }) }) });
  assert.equal(elementwise(256, maps), { runsOn: ['js'], why: ['tiny: 256 elements < 1000 (a call costs more than the loop)'] });
});

test('a kernel with a run-time dim stays in wasm, whatever the size of the run (one plan serves every batch)', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [null, 3], 'x');
    const y = tf.add(tf.multiply(x, x), 1);
    const sess = new tf.Session({ graph, backend: 'wasm' });
    let parametric = 0;
    for (const rows of [1, 2, 40]) {
      const feeds = new Map([[x, new tf.NDArray(seeded(3 * rows), [rows, 3], 'float32')]]);
      const plan = sess._planFor([y], feeds)!;
      // why: the first run is compiled on its concrete shape (3 elements: JS); later sizes share a plan with a run-time dim.
      if (plan.data.dims.length === 0) { assert.equal(placement(sess, [y], feeds).runsOn, ['js']); continue; }
      parametric++;
      assert.equal(placement(sess, [y], feeds).runsOn, ['wasm'], `${rows} rows`);
    }
    assert.is(parametric, 2);
  });
});

test('a bad minWork is an InvalidArgumentError naming the option', () => {
  for (const bad of [-1, Number.NaN, { map: -3 }, { reduce: '8' }, { tiny: 1 }] as const) {
    assert.throws(() => wasmBackendWith({ minWork: bad as never }), (e: Error) => e instanceof tf.errors.InvalidArgumentError && /minWork/.test(e.message), String(JSON.stringify(bad)));
  }
});

test.run();
