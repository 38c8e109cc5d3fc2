// The wasm backend: covered kernels (float32 elementwise chains) as WebAssembly SIMD128, the
// rest in JS inside the same plan. Elementwise float32 ops are IEEE single operations, so every
// value is compared exactly (Object.is) with the interpreter and the JS backend.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { WASM_ALL } from '../_lib/wasm_all.js';
import { wasmBackendWith, wasmUsable, type Backend } from '../../codegen/backend.js';
import { jitCompiler } from '../../codegen/jit.js';
import { compileProgram } from '../../codegen/pipeline.js';
import { Code, encodeModule, OP } from '../../codegen/wasm/encode.js';
import { opSpec } from '../../src/runtime/op_table.js';
import { layoutRegions } from '../../src/runtime/wasm_runner.js';

// why: the kernels below are small; the tiny-kernel rule is tested on its own (wasm_tiny.test.ts).
const wasmBackend = wasmBackendWith({ minWork: 0 });
import { fetchDiff, mulberry32, randomGraph } from '../_lib/random_graph.js';
import { property } from '../_lib/property.js';
import { withFiles } from '../_lib/temp_dir.js';
import { main } from '../../codegen/aot/cli.js';
import { join } from 'node:path';
import { withoutWebAssembly } from '../_lib/no_wasm.js';

process.env.TFGEN_VERIFY ??= '1';
const RUNS = Number(process.env.FC_RUNS ?? 300);

const wasmKernels = (plan: tf.Session['_planFor'] extends (...a: never[]) => infer R ? R : never) =>
  plan ? plan.data.kernels.filter((k) => k.runsOn === 'wasm').length : 0;

/** Values with the float32 edge cases: NaN, ±0, ±Infinity, subnormals, the largest finite. */
function edgyFloats(n: number, seed: number): Float32Array {
  const rng = mulberry32(seed);
  const special = [NaN, 0, -0, Infinity, -Infinity, 1e-40, -1e-45, 3.4028234663852886e38, 1, -1, 0.5, -0.5, 2.5, -1.5, -0.25];
  return Float32Array.from({ length: n }, () => (rng() < 0.15 ? special[Math.floor(rng() * special.length)] : (rng() - 0.5) * 10 ** Math.floor(rng() * 8 - 3)));
}

const CHAIN = 'random float32 elementwise chains: wasm equals the interpreter and the JS backend bit for bit (every length mod 4)';
test(CHAIN, () => {
  let covered = 0;
  property(CHAIN, RUNS, (p) => {
    const graph = new tf.Graph();
    const n = p.int(2, 41);
    const { fetch, feeds } = graph.asDefault(() => {
      const xs = [0, 1, 2].map((i) => tf.placeholder('float32', [n], `x${i}`));
      const vals: tf.Tensor[] = [...xs, tf.constant(p.int(0, 1) ? 0.3 : -2, 'float32')];
      const steps = p.int(1, 8);
      for (let s = 0; s < steps; s++) {
        const a = vals[p.int(0, vals.length - 1)], b = vals[p.int(0, vals.length - 1)];
        const ops = [() => tf.add(a, b), () => tf.subtract(a, b), () => tf.multiply(a, b), () => tf.divide(a, b), () => tf.minimum(a, b),
          () => tf.maximum(a, b), () => tf.negative(a), () => tf.abs(a), () => tf.sqrt(a), () => tf.floor(a), () => tf.ceil(a),
          () => tf.round(a), () => tf.reciprocal(a), () => tf.nn.relu(a)];
        const v = ops[p.int(0, ops.length - 1)]();
        vals.push(v);
      }
      const feeds = new Map(xs.map((x, i) => [x, new tf.NDArray(edgyFloats(n, p.int(0, 1e6) + i), [n], 'float32')]));
      return { fetch: vals[vals.length - 1], feeds };
    });
    const sw = new tf.Session({ graph, ...WASM_ALL }), sj = new tf.Session({ graph }), si = new tf.Session({ graph, executor: 'interpreter' });
    const got = sw.run(fetch, feeds), js = sj.run(fetch, feeds), ref = si.run(fetch, feeds);
    const d = fetchDiff(got, ref) ?? fetchDiff(got, js);
    if (d) throw new Error(`wasm ≠ reference for n=${n}: ${d}\nplan:\n${sw._planFor(fetch, feeds)?.source}`);
    covered += wasmKernels(sw._planFor(fetch, feeds));
  }, CHAIN);
  // why: a backend that covered nothing would pass the comparison.
  if (!process.env.FC_REPLAY) assert.ok(covered >= RUNS / 2, `only ${covered} wasm kernels in ${RUNS} plans`);
});

const GRAPHS = 'random graphs: the wasm backend\'s values and variables equal the interpreter\'s, bit for bit';
test(GRAPHS, () => {
  // why: transcendentals are within 1 ulp, not bit-identical (test/compiler/wasm_math.test.ts), and
  // matmuls accumulate in the reference's float64 order only in the exact mode (the default f32x4
  // one is tested at its bound in wasm_matmul.test.ts): here both take their exact paths.
  const exact = jitCompiler({ backend: wasmBackendWith({ minWork: 0, math: 'exact', matmul: 'f64' }) });
  let covered = 0, plans = 0;
  property(GRAPHS, RUNS, (p) => {
    const rg = randomGraph(p);
    const outs = [...rg.outputs.map((v) => v.t), ...rg.variables];
    const sw = new tf.Session({ graph: rg.graph, compiler: exact }), si = new tf.Session({ graph: rg.graph, executor: 'interpreter' });
    if (rg.init) { sw.run(rg.init); si.run(rg.init); }
    for (const feeds of rg.feeds) {
      let expected: unknown[] | Error, got: unknown[] | Error;
      try { expected = si.run(outs, feeds); } catch (e) { expected = e as Error; }
      try { got = sw.run(outs, feeds); } catch (e) { got = e as Error; }
      if (expected instanceof Error || got instanceof Error) {
        const same = expected instanceof Error && got instanceof Error && expected.constructor === got.constructor && expected.message === got.message;
        if (!same) throw new Error(`errors differ: wasm ${String(got)}; interpreter ${String(expected)}\n${rg.text}`);
        continue;
      }
      plans++;
      covered += wasmKernels(sw._planFor(outs, feeds));
      outs.forEach((t, k) => {
        const d = fetchDiff((got as unknown[])[k], (expected as unknown[])[k]);
        if (d) throw new Error(`wasm ≠ interpreted for fetch ${k} (${t.name}): ${d}\ngraph:\n${rg.text}\nplan:\n${sw._planFor(outs, feeds)?.source}`);
      });
    }
  }, GRAPHS);
  if (!process.env.FC_REPLAY) assert.ok(covered >= plans / 20, `only ${covered} wasm kernels in ${plans} plans`);
});

test('per-kernel fallback: a plan keeps uncovered kernels in JS and lists why', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [null, 6], 'x');
    const y = tf.add(tf.multiply(x, x), 1);
    const z = tf.reduceSum(tf.sin(y));
    const sess = new tf.Session({ ...WASM_ALL });
    const xs = Float32Array.from({ length: 18 }, (_, i) => i / 7 - 1);
    const [yv, zv] = sess.run([y, z], { x: new tf.NDArray(xs, [3, 6], 'float32') });
    const [yj, zj] = new tf.Session().run([y, z], { x: new tf.NDArray(xs, [3, 6], 'float32') });
    assert.is(fetchDiff(yv, yj), undefined);
    assert.is(zv, zj);
    const plan = sess._planFor([y, z], { x: new tf.NDArray(xs, [3, 6], 'float32') })!;
    const kinds = plan.data.kernels.map((k) => `${k.kind}:${k.runsOn}`);
    assert.equal(kinds, ['map:wasm', 'reduce:js'], plan.source);
    assert.match(Object.values(plan.data.wasm!.fallback)[0], /sin not covered/);
    assert.is(plan.data.backend, 'wasm');
  });
});

const BROADCAST = 'row and column broadcasts over [rows, cols]: wasm equals the interpreter bit for bit';
test(BROADCAST, () => {
  let covered = 0;
  property(BROADCAST, RUNS, (p) => {
    const graph = new tf.Graph();
    const r = p.int(2, 6), c = p.int(2, 11);
    const shapes = [[r, c], [c], [r, 1], [1, c]];
    const { fetch, feeds } = graph.asDefault(() => {
      const xs = shapes.map((sh, i) => tf.placeholder('float32', sh, `x${i}`));
      const vals: tf.Tensor[] = [xs[0]];
      const steps = p.int(1, 5);
      for (let s = 0; s < steps; s++) {
        const a = vals[p.int(0, vals.length - 1)], b = xs[p.int(0, xs.length - 1)];
        vals.push([() => tf.add(a, b), () => tf.multiply(b, a), () => tf.subtract(b, a), () => tf.maximum(a, b)][p.int(0, 3)]());
      }
      const feeds = new Map(xs.map((x, i) => [x, new tf.NDArray(edgyFloats(shapes[i][0] * (shapes[i][1] ?? 1), p.int(0, 1e6)), shapes[i], 'float32')]));
      return { fetch: vals[vals.length - 1], feeds };
    });
    const sw = new tf.Session({ graph, ...WASM_ALL }), si = new tf.Session({ graph, executor: 'interpreter' });
    const d = fetchDiff(sw.run(fetch, feeds), si.run(fetch, feeds));
    if (d) throw new Error(`wasm ≠ reference for [${r}, ${c}]: ${d}\nplan:\n${sw._planFor(fetch, feeds)?.source}`);
    covered += wasmKernels(sw._planFor(fetch, feeds));
  }, BROADCAST);
  if (!process.env.FC_REPLAY) assert.ok(covered >= RUNS / 2, `only ${covered} wasm kernels in ${RUNS} plans`);
});

const SUMS = 'full float32 sums and means of elementwise chains: ordered equals the reference bit for bit; f64x2 within its bound';
test(SUMS, () => {
  const f64x2 = jitCompiler({ backend: wasmBackendWith({ minWork: 0, sums: 'f64x2' }) });
  let covered = 0;
  property(SUMS, RUNS, (p) => {
    const graph = new tf.Graph();
    const n = p.int(2, 70);
    const { sum, mean, feeds, x } = graph.asDefault(() => {
      const x = tf.placeholder('float32', [n], 'x'), y = tf.placeholder('float32', [n], 'y');
      const v = [tf.multiply(x, y), tf.add(x, y), tf.sqrt(tf.abs(x)), x][p.int(0, 3)];
      const rng = mulberry32(p.int(0, 1e6));
      const scale = 10 ** p.int(-3, 6);
      const data = () => new tf.NDArray(Float32Array.from({ length: n }, () => (rng() - 0.3) * scale), [n], 'float32');
      return { sum: tf.reduceSum(v), mean: tf.reduceMean(v), feeds: new Map([[x, data()], [y, data()]]), x: v };
    });
    const sw = new tf.Session({ graph, ...WASM_ALL }), sf = new tf.Session({ graph, compiler: f64x2 }), si = new tf.Session({ graph, executor: 'interpreter' });
    const ref = si.run([sum, mean], feeds) as number[], got = sw.run([sum, mean], feeds) as number[], fast = sf.run([sum, mean], feeds) as number[];
    assert.equal(got.map(String), ref.map(String), `ordered: n=${n}`);
    const values = (si.run(x, feeds) as tf.NDArray).data;
    const abs = Array.from(values).reduce((a, b) => a + Math.abs(b), 0);
    [0, 1].forEach((k) => {
      const r = ref[k];
      const ulp = Math.abs(Math.fround(r) - Math.fround(r * (1 + 2 ** -23))) || 2 ** -149;
      const bound = ulp + n * 2 ** -52 * (k ? abs / n : abs);
      assert.ok(Math.abs(fast[k] - r) <= bound, `f64x2 n=${n}: ${fast[k]} vs ${r} (bound ${bound})`);
    });
    covered += wasmKernels(sw._planFor([sum, mean], feeds)) + wasmKernels(sf._planFor([sum, mean], feeds));
  }, SUMS);
  if (!process.env.FC_REPLAY) assert.ok(covered >= 2 * RUNS, `only ${covered} wasm kernels in ${2 * RUNS} plans`);
});

test('an unknown backend is an error naming the available ones', () => {
  assert.throws(() => new tf.Session({ backend: 'webgpu' as 'js' }), (e: Error) => e instanceof tf.errors.InvalidArgumentError && /'js', 'wasm'/.test(e.message));
});

test('a trap inside a wasm kernel is an InternalError naming it; variables are unchanged', () => {
  // why: a trap should never happen; this backend swaps the module for one whose kernels trap.
  const trapping: Backend = {
    ...wasmBackend,
    render(s, m) {
      const r = wasmBackend.render(s, m);
      const names = [...r.text.matchAll(/wx\.(\w+)\(/g)].map((x) => x[1]);
      const bytes = encodeModule([...new Set(names)].map((name) => ({ name, params: 0, locals: [], body: new Code().op(OP.unreachable) })));
      return { ...r, wasm: { ...r.wasm!, bytes } };
    },
  };
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const v = new tf.Variable(tf.constant([1, 2, 3, 4, 5], 'float32'), { name: 'v' });
    const step = tf.assign(v, tf.add(tf.multiply(v, 2), 1));
    const sess = new tf.Session({ compiler: jitCompiler({ backend: trapping }) });
    sess.run(v.initializer);
    assert.throws(() => sess.run(step), (e: Error) => e instanceof tf.errors.InternalError && /wasm kernel k\d+_map_\w+ trapped/.test(e.message));
    assert.equal([...(sess.run(v) as tf.NDArray).data], [1, 2, 3, 4, 5]);
    const ok = new tf.Session({ ...WASM_ALL });
    ok.run(v.initializer);
    ok.run(step);
    assert.equal([...(ok.run(v) as tf.NDArray).data], [3, 5, 7, 9, 11]);
  });
});

test('a wasm module that does not validate is an InternalError naming the kernels, before any run; variables are unchanged', () => {
  // why: it should never happen; this backend swaps the module for one whose kernel leaves an f32 on the stack.
  const invalid: Backend = {
    ...wasmBackend,
    render(s, m) {
      const r = wasmBackend.render(s, m);
      const names = [...new Set([...r.text.matchAll(/wx\.(\w+)\(/g)].map((x) => x[1]))];
      const bytes = encodeModule(names.map((name) => ({ name, params: 0, locals: [], body: new Code().op(OP.f32Const).f32(1) })));
      return { ...r, wasm: { ...r.wasm!, bytes } };
    },
  };
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const v = new tf.Variable(tf.constant([1, 2, 3, 4, 5], 'float32'), { name: 'v' });
    const step = tf.assign(v, tf.add(tf.multiply(v, 2), 1));
    const sess = new tf.Session({ compiler: jitCompiler({ backend: invalid }) });
    sess.run(v.initializer);
    assert.throws(() => sess.run(step), (e: Error) => e instanceof tf.errors.InternalError &&
      /^The wasm module of the plan with kernels k\d+_map_\w+ does not validate \(.*\)\. This is a bug of the wasm backend/.test(e.message));
    assert.equal([...(sess.run(v) as tf.NDArray).data], [1, 2, 3, 4, 5]);
  });
});

test('variables, constants and host results read by wasm kernels are copied in each run', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const v = new tf.Variable(tf.constant([1, 2, 3, 4, 5, 6], 'float32'), { name: 'v' });
    const c = tf.constant([0.5, 1.5, 2.5, 3.5, 4.5, 5.5], 'float32');
    const step = tf.assign(v, tf.add(tf.multiply(v, c), c));
    const sess = new tf.Session({ ...WASM_ALL }), ref = new tf.Session({ executor: 'interpreter' });
    sess.run(v.initializer); ref.run(v.initializer);
    for (let i = 0; i < 3; i++) { sess.run(step); ref.run(step); }
    assert.is(fetchDiff(sess.run(v), ref.run(v)), undefined);
  });
});

test('a plan too large for wasm memory is a ResourceExhaustedError when it is sized, before any run', () => {
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [null], 'x');
    const y = tf.add(tf.multiply(x, x), x);
    const data = compileProgram({ graph, schedule: [x.op, y.op.inputs[0].op, y.op], fetches: [y], targets: [],
      feeds: [{ tensor: x, shape: [8] }] } as never, { backend: wasmBackend, runtimeDims: true }).data;
    assert.ok(data.dims.length === 1 && data.kernels.some((k) => k.runsOn === 'wasm'), JSON.stringify(data.kernels));
    // 2^29 floats: a 2 GiB output and the 2 GiB staged feed are more than 4 GiB.
    assert.throws(() => wasmBackend.instantiate(data, opSpec, [2 ** 29]), (e: Error) => e instanceof tf.errors.ResourceExhaustedError && /more than wasm32's 4 GiB/.test(e.message));
  });
});

test('memory layout: 16-byte aligned regions, never a multiple of 64 MiB apart', () => {
  const n = 16 * 2 ** 20;
  const { at } = layoutRegions([{ bytesPer: 4, length: n }, { bytesPer: 4, length: n }, { bytesPer: 4, length: 3 }, { bytesPer: 8, length: 5 }]);
  assert.ok(at.every((o) => o % 16 === 0), String(at));
  for (let i = 0; i < at.length; i++) for (let j = i + 1; j < at.length; j++) assert.ok((at[j] - at[i]) % 2 ** 26 !== 0, `${at}`);
});

test('without WebAssembly (a strict CSP) the wasm backend runs every kernel in JS and says so once', () => withoutWebAssembly((warnings) => {
  assert.is(wasmUsable(true), false);
  const graph = new tf.Graph();
  graph.asDefault(() => {
    const x = tf.placeholder('float32', [8], 'x');
    const y = tf.sqrt(tf.add(tf.multiply(x, x), 1));
    const xs = new tf.NDArray(Float32Array.from({ length: 8 }, (_, i) => i - 3), [8], 'float32');
    const sess = new tf.Session({ ...WASM_ALL });
    assert.is(fetchDiff(sess.run(y, { x: xs }), new tf.Session({ executor: 'interpreter' }).run(y, { x: xs })), undefined);
    assert.equal(sess._planFor(y, { x: xs })!.data.kernels.map((k) => k.runsOn), ['js']);
    new tf.Session({ ...WASM_ALL }).run(tf.negative(y), { x: xs });
  });
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /wasm-unsafe-eval/);
}, () => wasmUsable(true)));

const MODEL = `import * as tf from 'tfgen';
export const X = tf.placeholder(tf.float32, [2, 3], 'X');
const W = new tf.Variable(tf.ones([3, 4]), { name: 'W' });
export const Z = tf.placeholder(tf.float32, [16, 16], 'Z');
const V = new tf.Variable(tf.ones([16, 16]), { name: 'V' });
export const predict = tf.signature({ inputs: { X }, outputs: { h: tf.nn.relu(tf.matmul(X, W)), s: tf.reduceSum(tf.multiply(X, X)) } });
export const large = tf.signature({ inputs: { Z }, outputs: { h: tf.nn.relu(tf.matmul(Z, V)), s: tf.reduceSum(tf.multiply(Z, Z)) } });
`;

test('tfgen inspect --backend wasm says where each kernel runs and why (tiny kernels in JS)', () => withFiles({ 'm.tf.ts': MODEL }, async (dir) => {
  const out: string[] = [], err: string[] = [];
  const io = { out: (t: string) => { out.push(t); }, err: (t: string) => { err.push(t); } };
  assert.is(await main(['inspect', join(dir, 'm.tf.ts'), '--backend', 'wasm'], io), 0, err.join(''));
  const text = out.join('');
  // why: 16·16·16 multiply-adds and 256 summed elements are above the cutoffs, 2·4·3 and 6 below.
  assert.match(text, /^ {2}kernel k\d+_map_MatMul_1_Relu_1 \(map, wasm\): MatMul_1, Relu_1$/m);
  assert.match(text, /^ {2}kernel k\d+_reduce_Mul_1_Sum_1 \(reduce, wasm\): Mul_1, Sum_1$/m);
  assert.match(text, /^ {2}kernel k\d+_map_MatMul_Relu \(map, js: tiny: 24 multiply-adds < 128 \(a call costs more than the loop\)\): MatMul, Relu$/m);
  assert.match(text, /^ {2}kernel k\d+_reduce_Mul_Sum \(reduce, js: tiny: 6 elements < 64 \(a call costs more than the loop\)\): Mul, Sum$/m);
}));

test.run();
