// The gpu backend: covered kernels (float32 elementwise chains, reductions, matmuls with their
// epilogues) as gpu.js kernels, the rest in JS inside the same plan. In plain Node this runs the
// kernel sources on gpu.js's 'cpu' mode (asked for explicitly); `npm run test:gpu` runs the same
// file under xvfb-run with TFGEN_GPU_MODE=headlessgl (real GLSL on Mesa llvmpipe). Each case
// asserts the kernel class that ran and that its kernels ran on the gpu, so a silent fallback fails.
// Values are compared with the JS backend at the float32 tolerance stated per op.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { mulberry32 } from '../_lib/random_graph.js';

process.env.TFGEN_VERIFY ??= '1';
const MODE = (process.env.TFGEN_GPU_MODE ?? 'cpu') as tf.GpuMode;
const CLASS: Record<string, string> = { cpu: 'CPUKernel', headlessgl: 'HeadlessGLKernel' };

const gpuSession = (graph: tf.Graph) => new tf.Session({ graph, backend: 'gpu', gpu: { mode: MODE } });
const rand = (n: number, seed: number, scale = 1) => { const r = mulberry32(seed); return Float32Array.from({ length: n }, () => (r() - 0.5) * 2 * scale); };
const dataOf = (v: unknown): Float32Array => (typeof v === 'number' ? Float32Array.of(v) : Array.isArray(v) ? Float32Array.from(v) : (v as tf.NDArray).data as Float32Array);

/** |gpu − js| ≤ tol(i) for every element, with the worst case in the message. */
function close(what: string, got: unknown, want: unknown, tol: (i: number, ref: number) => number) {
  const g = dataOf(got), w = dataOf(want);
  assert.is(g.length, w.length, `${what}: length`);
  for (let i = 0; i < w.length; i++) {
    if (!(Math.abs(g[i] - w[i]) <= tol(i, w[i]))) assert.unreachable(`${what}[${i}]: gpu ${g[i]}, js ${w[i]} (tolerance ${tol(i, w[i])})`);
  }
}
const rel = (r: number, abs = 0) => (_: number, ref: number) => r * Math.abs(ref) + abs;

type Plan = NonNullable<ReturnType<tf.Session['_planFor']>>;
function onGpu(sess: tf.Session, fetches: tf.Fetches, feeds?: tf.FeedDict): Plan {
  const plan = sess._planFor(fetches, feeds);
  assert.ok(plan, 'compiled');
  return plan!;
}

test(`backendInfo reports mode '${MODE}' and the kernel class that ran the probe`, () => {
  const sess = gpuSession(new tf.Graph());
  assert.equal(sess.backendInfo, { backend: 'gpu', mode: MODE, kernelClass: CLASS[MODE], precision: 'single' });
  assert.equal(new tf.Session({ graph: new tf.Graph() }).backendInfo, { backend: 'js' });
});

test('elementwise chains with broadcasts fuse into one gpu kernel; float32 within 4 ulp (arithmetic) and 2e-6 relative (exp, log, tanh, sigmoid)', () => {
  const g = new tf.Graph();
  const { out, feeds } = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [7, 13], 'x');
    const row = tf.placeholder(tf.float32, [13], 'row');
    const col = tf.placeholder(tf.float32, [7, 1], 'col');
    const a = x.mul(row).sub(col).div(tf.abs(row).add(1.5));
    const b = tf.maximum(tf.minimum(a, 2), -2).neg();
    const c = tf.where(tf.greater(x, 0), tf.nn.relu(b).add(tf.sqrt(tf.abs(x))), tf.exp(x).mul(tf.tanh(col)));
    const d = tf.log(tf.abs(c).add(1)).add(tf.sigmoid(x));
    return { out: [a, b, d], feeds: { x: rand(91, 1, 3), row: rand(13, 2), col: rand(7, 3) } };
  });
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  const want = js.run(out, feeds), got = gpu.run(out, feeds);
  // why: x·row − col cancels; its error is relative to the operands (|x·row| + |col| ≤ 4), not to the result.
  close('a', got[0], want[0], rel(2 ** -21, 2 ** -20));
  close('b', got[1], want[1], rel(2 ** -21, 2 ** -20));
  close('d', got[2], want[2], rel(2e-6, 1e-6));
  const plan = onGpu(gpu, out, feeds);
  assert.ok(plan.data.kernels.every((k) => k.runsOn === 'gpu'), JSON.stringify(plan.data.gpu?.fallback));
  assert.ok(plan.data.gpu!.kernels.every((k) => /^function \(/.test(k.source)), 'each kernel is a gpu.js source string');
});

test('round (half to even) is exact; expm1 and log1p keep their digits near 0 (within 1e-5 relative)', () => {
  const g = new tf.Graph();
  const xs = Float32Array.from([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 3.5, 0.49999997, -3.7, 1e-7, -3e-6, 2e-4, 0.3, -0.7, 1.25, 5]);
  const { out, feeds } = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [16], 'x');
    return { out: [tf.round(x), tf.expm1(x), tf.log1p(tf.abs(x))], feeds: { x: xs } };
  });
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  const want = js.run(out, feeds), got = gpu.run(out, feeds);
  close('round', got[0], want[0], () => 0);
  assert.equal(Array.from(got[0].data.slice(0, 7)), [-2, -2, -0, 0, 2, 2, 4]);
  close('expm1', got[1], want[1], rel(1e-5));
  close('log1p', got[2], want[2], rel(1e-5));
  assert.ok(onGpu(gpu, out, feeds).data.kernels.every((k) => k.runsOn === 'gpu'));
});

test('bool results (compares), casts to int32 (truncating, wrapping as the JS backend, NaN to 0), int32 and bool inputs into casts and where: exact', () => {
  const g = new tf.Graph();
  const xs = Float32Array.from([1.7, -1.7, 2.5, -0, 3e9, -3e9, NaN, Infinity, 0.5, -2, 16777217, 1]);
  const { out, feeds } = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [12], 'x'), y = tf.placeholder(tf.float32, [12], 'y');
    const k = tf.placeholder(tf.int32, [12], 'k'), mask = tf.placeholder(tf.bool, [12], 'mask');
    const cmp = tf.logicalAnd(tf.greater(x, y), tf.notEqual(x, 0));
    return {
      out: [cmp, tf.lessEqual(x, y), tf.cast(x, 'int32'), tf.add(tf.cast(k, 'float32'), 0.5), tf.where(mask, tf.multiply(x, 2), tf.cast(k, 'float32')), tf.cast(tf.greater(x, 1), 'int32')],
      feeds: { x: xs, y: Float32Array.from([1, -1, 2.5, 0, 0, 0, 1, 8, 0.25, -3, 0, 2]),
        k: Int32Array.from([3, -4, 2147483647, -2147483648, 0, 16777217, 5, 6, 7, 8, 9, 10]), mask: Uint8Array.from([1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0]) },
    };
  });
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  const want = js.run(out, feeds), got = gpu.run(out, feeds);
  got.forEach((v: tf.NDArray, i: number) => {
    assert.is(v.dtype, want[i].dtype);
    assert.equal(Array.from(v.data), Array.from(want[i].data), `output ${i} (${v.dtype})`);
  });
  assert.equal(Array.from(got[2].data), [1, -1, 2, 0, -1294967296, 1294967296, 0, 2147483647, 0, -2, 16777216, 1]);
  const plan = onGpu(gpu, out, feeds);
  assert.ok(plan.data.kernels.every((k) => k.runsOn === 'gpu'), JSON.stringify(plan.data.gpu!.fallback));
});

test('reductions (sum, mean, max, min over rows, columns, all): within n·2^-24·Σ|x|; all and any of bools exact', () => {
  const g = new tf.Graph();
  const x0 = rand(37 * 23, 4, 2);
  const { out, feeds } = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [37, 23], 'x');
    const sq = tf.square(x);
    return {
      out: [tf.reduceSum(sq, 0), tf.reduceMean(x, 1), tf.reduceMax(x, 0), tf.reduceMin(x, 1), tf.reduceSum(x), tf.reduceMean(sq, [0, 1], true)],
      feeds: { x: x0 },
    };
  });
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  const want = js.run(out, feeds), got = gpu.run(out, feeds);
  const sumAbs = x0.reduce((a, v) => a + v * v + Math.abs(v), 0);
  got.forEach((v: unknown, i: number) => close(`reduction ${i}`, v, want[i], () => 37 * 23 * 2 ** -24 * sumAbs));
  close('max is exact', got[2], want[2], () => 0);
  // why: all and any of bools (a fed mask and a compare fused into the loop) are exact.
  const g2 = new tf.Graph();
  const { logic, lf } = g2.asDefault(() => {
    const m = tf.placeholder(tf.bool, [3, 4], 'm'), v = tf.placeholder(tf.float32, [3, 4], 'v');
    return { logic: [tf.reduceAll(m, 1), tf.reduceAny(m, 0), tf.reduceAll(tf.greater(v, -2)), tf.reduceAny(tf.logicalAnd(m, tf.greater(v, 0.5)), 1)],
      lf: { m: Uint8Array.from([1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0]), v: rand(12, 16, 3) } };
  });
  const g2s = gpuSession(g2);
  const lw = new tf.Session({ graph: g2 }).run(logic, lf), lg = g2s.run(logic, lf);
  assert.ok(onGpu(g2s, logic, lf).data.kernels.every((k) => k.runsOn === 'gpu'), JSON.stringify(onGpu(g2s, logic, lf).data.gpu!.fallback));
  lg.forEach((v: unknown, i: number) => assert.equal(typeof v === 'boolean' ? v : Array.from((v as tf.NDArray).data), typeof lw[i] === 'boolean' ? lw[i] : Array.from(lw[i].data), `logic ${i}`));
  assert.equal(Array.from(lg[0].data), [1, 0, 0]);
  assert.ok(onGpu(gpu, out, feeds).data.kernels.every((k) => k.runsOn === 'gpu'));
});

test('matmul (all four transposes) and relu(x·W + b) as one kernel: within K·2^-24·Σ|a||b|', () => {
  const g = new tf.Graph();
  const { out, feeds } = g.asDefault(() => {
    const a = tf.placeholder(tf.float32, [9, 17], 'a'), b = tf.placeholder(tf.float32, [17, 5], 'b');
    const at = tf.placeholder(tf.float32, [17, 9], 'at'), bt = tf.placeholder(tf.float32, [5, 17], 'bt');
    const bias = tf.placeholder(tf.float32, [5], 'bias');
    return {
      out: [tf.nn.relu(tf.matmul(a, b).add(bias)), tf.matmul(at, b, { transposeA: true }), tf.matmul(a, bt, { transposeB: true }), tf.matmul(at, bt, { transposeA: true, transposeB: true })],
      feeds: { a: rand(153, 5), b: rand(85, 6), at: rand(153, 7), bt: rand(85, 8), bias: rand(5, 9) },
    };
  });
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  const want = js.run(out, feeds), got = gpu.run(out, feeds);
  got.forEach((v: unknown, i: number) => close(`matmul ${i}`, v, want[i], () => 17 * 2 ** -24 * 17 + 1e-7));
  const plan = onGpu(gpu, out, feeds);
  assert.ok(plan.data.kernels.some((k) => k.name.includes('MatMul') && k.name.includes('Relu') && k.runsOn === 'gpu'), 'fused epilogue on the gpu');
});

/** A 12-16-3 MLP with Adam on a softmax cross-entropy loss. */
function mlp(g: tf.Graph) {
  return g.asDefault(() => {
    tf.setRandomSeed(7);
    const x = tf.placeholder(tf.float32, [null, 12], 'x');
    const y = tf.placeholder(tf.float32, [null, 3], 'y');
    const h = tf.layers.dense(x, 16, { activation: tf.nn.relu });
    const logits = tf.layers.dense(h, 3);
    const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: y, logits }));
    const train = new tf.train.AdamOptimizer(0.01).minimize(loss);
    return { x, y, loss, train, init: tf.globalVariablesInitializer(), vars: tf.trainableVariables() };
  });
}

test('an MLP trained with Adam: losses and weights after 8 steps within 1e-4 of the JS backend (variables stay on the device)', () => {
  const g = new tf.Graph();
  const m = mlp(g);
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  js.run(m.init);
  gpu._restoreVariables(new Map([...js._variableValues()].map(([v, a]) => [v, new tf.NDArray(a.data.slice(), a.shape, a.dtype)])));
  const labels = Float32Array.from({ length: 8 * 3 }, (_, i) => (i % 3 === Math.floor(i / 3) % 3 ? 1 : 0));
  const feeds = { x: rand(8 * 12, 10), y: labels };
  for (let s = 0; s < 8; s++) {
    const [lj] = js.run([m.loss, m.train], feeds), [lg] = gpu.run([m.loss, m.train], feeds);
    close(`loss at step ${s}`, lg, lj, rel(1e-4, 1e-6));
  }
  for (const v of m.vars) close(v.name, gpu.run(v), js.run(v), rel(1e-4, 1e-5));
  const plan = onGpu(gpu, [m.loss, m.train], feeds);
  const onJs = plan.data.kernels.filter((k) => k.runsOn === 'js');
  assert.ok(plan.data.gpu!.kernels.length >= 8, `${plan.data.gpu!.kernels.length} gpu kernels`);
  assert.ok(plan.data.gpu!.kernels.some((k) => k.keep), 'variable writes keep their device copy');
  const xReaders = plan.data.gpu!.kernels.filter((k) => k.args.some((a) => a.from === 'feed' && plan.data.feeds[a.index].name === 'x:0'));
  assert.ok(xReaders.length >= 2, 'x (read by the forward matmul and the kernel gradient) is uploaded once per run');
  for (const k of onJs) assert.type(plan.data.gpu!.fallback[k.name], 'string', `${k.name} says why it runs in JS`);
});

test('variable writes stay on the device: a training step reads back only the loss; JS reads (fetch, Saver values, refetch, another plan) settle them', () => {
  const g = new tf.Graph();
  const m = mlp(g);
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  js.run(m.init);
  const copyOf = (sess: tf.Session) => new Map([...sess._variableValues()].map(([v, a]) => [v, new tf.NDArray(a.data.slice(), a.shape, a.dtype)]));
  gpu._restoreVariables(copyOf(js));
  const feeds = { x: rand(4 * 12, 30), y: Float32Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? 1 : 0)) };
  const w0 = m.vars[0];
  for (let s = 0; s < 3; s++) { js.run([m.loss, m.train], feeds); gpu.run([m.loss, m.train], feeds); }
  const plan = onGpu(gpu, [m.loss, m.train], feeds);
  assert.equal(plan.source.match(/gpu\.read\(/g)?.length, 1, 'one read back: the loss');
  assert.ok((plan.source.match(/gpu\.keep\(/g)?.length ?? 0) >= 8, 'writes kept on the device');
  // The Saver's path (the session's storage, settled), then a refetch with a step in the same run.
  const saved = gpu._variableValues(), want = js._variableValues();
  for (const [v, a] of want) close(`saved ${v.name}`, saved.get(v), a, rel(1e-4, 1e-5));
  const [wg] = gpu.run([w0, m.train], feeds), [wj] = js.run([w0, m.train], feeds);
  close('refetched kernel (its start-of-run value)', wg, wj, rel(1e-4, 1e-5));
  // An interpreted run of the same session's graph reads the settled storage too.
  const interp = new tf.Session({ graph: g, executor: 'interpreter' });
  interp._restoreVariables(copyOf(gpu));
  close('loss from the settled weights', interp.run(m.loss, feeds), js.run(m.loss, feeds), rel(1e-4, 1e-6));
});

test('two writes of one variable in a run (assign(v, v) created before assignAdd(v, x)): the interpreter\'s last write is kept (no deferred write back for it)', () => {
  const g = new tf.Graph();
  g.asDefault(() => {
    const v = new tf.Variable(tf.constant([-4, 1, 2, 3]), { name: 'v' });
    const x = tf.placeholder('float32', [4], 'x');
    const same = tf.assign(v, v);
    const fetches = [tf.assignAdd(v, x), same, v];
    const values = (sess: tf.Session) => {
      sess.run(v.initializer);
      const seen: number[][] = [];
      for (const d of [[1.25, 0.5, -1, 2], [1, 1, 1, 1], [0.5, -2, 4, 8]]) {
        const r = sess.run(fetches, { x: Float32Array.from(d) }) as tf.NDArray[];
        seen.push(...r.map((a) => [...a.data]), [...(sess.run(v) as tf.NDArray).data]);
      }
      return seen;
    };
    const sess = gpuSession(g);
    const got = values(sess);
    assert.equal(got, values(new tf.Session({ graph: g, executor: 'interpreter' })));
    assert.ok(sess._planFor(fetches, { x: new Float32Array(4) })!.data.kernels.some((k) => k.runsOn === 'gpu'));
  });
});

test('a variable written from JS after gpu runs is uploaded again (its device copy is not stale)', () => {
  const g = new tf.Graph();
  const { w, step, reset, total } = g.asDefault(() => {
    const w = new tf.Variable(tf.constant(rand(6, 11)), { name: 'w' });
    const step = tf.assign(w, w.mul(0.5).add(1));
    const reset = tf.assign(w, tf.constant([1, 2, 3, 4, 5, 6]));
    return { w, step, reset, total: tf.reduceSum(w.mul(w)) };
  });
  const gpu = gpuSession(g);
  gpu.run(w.initializer);
  gpu.run(step); gpu.run(step);
  gpu.run(reset); // a constant write: no gpu kernel, the session writes the storage in place
  assert.equal(onGpu(gpu, reset).data.gpu!.kernels.length, 0);
  gpu.run(step);
  close('after reset and a step', gpu.run(w), [1.5, 2, 2.5, 3, 3.5, 4], () => 0);
  close('sum of squares', gpu.run(total), 1.5 ** 2 + 4 + 2.5 ** 2 + 9 + 3.5 ** 2 + 16, rel(2 ** -22));
  const saved = new Map([...gpu._variableValues()].map(([v, a]) => [v, new tf.NDArray(a.data.slice(), a.shape, a.dtype)]));
  gpu.run(step);
  gpu._restoreVariables(saved);
  gpu.run(step);
  close('after restore and a step', gpu.run(w), [1.75, 2, 2.25, 2.5, 2.75, 3], () => 0);
});

test('transpose (2-d and 3-d), slice, pad and concat run on the gpu and copy exactly', () => {
  const g = new tf.Graph();
  const { out, feeds } = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [3, 4, 5], 'x'), m = tf.placeholder(tf.float32, [6, 7], 'm');
    const e = tf.exp(m);
    return {
      out: [tf.transpose(e), tf.transpose(x, [2, 0, 1]), tf.slice(x, [1, 0, 2], [2, 3, 2]), tf.pad(e, [[1, 2], [0, 3]], { constantValues: -1.5 }),
        tf.concat([e, tf.square(m), m], 1), tf.concat([x, tf.negative(x)], 0)],
      feeds: { x: rand(60, 13), m: rand(42, 14) },
    };
  });
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  const want = js.run(out, feeds), got = gpu.run(out, feeds);
  got.forEach((v: tf.NDArray, i: number) => { assert.equal(v.shape, want[i].shape); close(`movement ${i}`, v, want[i], rel(i === 0 || i >= 3 ? 2e-6 : 0)); });
  const plan = onGpu(gpu, out, feeds);
  assert.ok(plan.data.kernels.every((k) => k.runsOn === 'gpu'), JSON.stringify(plan.data.gpu!.fallback));
});

test('argmax and argmin (int64 and int32 indices) over any axis on the gpu; the first index wins ties', () => {
  const g = new tf.Graph();
  const { out, feeds } = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [3, 4, 5], 'x');
    const ties = tf.placeholder(tf.float32, [2, 6], 't');
    return {
      out: [tf.argmax(x, 0), tf.argmax(x, 1), tf.argmin(x, 2), tf.argmax(ties, 1), tf.argmin(ties, 1, { outputType: 'int32' })],
      feeds: { x: rand(60, 15), t: Float32Array.from([1, 3, 3, 0, 3, 1, -2, -2, 5, -2, 5, 0]) },
    };
  });
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  const want = js.run(out, feeds), got = gpu.run(out, feeds);
  got.forEach((v: tf.NDArray, i: number) => { assert.is(v.dtype, want[i].dtype); assert.equal(Array.from(v.data), Array.from(want[i].data), `arg ${i}`); });
  assert.equal(Array.from(got[3].data), [1, 2]);
  assert.equal(Array.from(got[4].data), [3, 0]);
  const plan = onGpu(gpu, out, feeds);
  assert.ok(plan.data.kernels.every((k) => k.runsOn === 'gpu'), JSON.stringify(plan.data.gpu!.fallback));
});

test('a JS kernel reading a gpu result reads it back first; gather (int32 indices) stays in JS with a reason', () => {
  const g = new tf.Graph();
  const { out, feeds } = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [4, 6], 'x');
    const h = tf.exp(x).mul(2);
    const cls = tf.argmax(h, 1);
    const picked = tf.gather(h, tf.constant([3, 0], { dtype: 'int32' }));
    return { out: [cls, picked, tf.reduceSum(picked)], feeds: { x: rand(24, 12) } };
  });
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  const want = js.run(out, feeds), got = gpu.run(out, feeds);
  assert.equal(Array.from(got[0].data), Array.from(want[0].data));
  close('gathered', got[1], want[1], rel(2e-6));
  close('sum of gathered', got[2], want[2], rel(1e-6));
  const plan = onGpu(gpu, out, feeds);
  assert.ok(plan.source.includes('gpu.read('), 'reads back before the JS kernels');
  assert.ok(plan.data.kernels.some((k) => k.name.includes('ArgMax') && k.runsOn === 'gpu'), 'argmax on the gpu');
  assert.match(Object.values(plan.data.gpu!.fallback).join('; '), /gather not covered/);
});

test('run-time dims: one gpu plan serves batches of 3 and 5 (holes filled when sized)', () => {
  const g = new tf.Graph();
  const { out, x } = g.asDefault(() => {
    const x = tf.placeholder(tf.float32, [null, 4], 'x');
    return { x, out: tf.reduceMean(tf.square(x.sub(tf.reduceMean(x, 0)))) };
  });
  const js = new tf.Session({ graph: g }), gpu = gpuSession(g);
  for (const n of [3, 5]) close(`batch ${n}`, gpu.run(out, { x: rand(4 * n, n) }), js.run(out, { x: rand(4 * n, n) }), rel(1e-6));
  const plan = onGpu(gpu, out, { x: rand(12, 1) });
  assert.ok(plan.parametric);
  assert.ok(plan.data.gpu!.kernels.some((k) => k.holes.length > 0));
  assert.is(x.name, 'x:0');
});

test('bad gpu options: unknown mode, gpu option without the gpu backend, modes that cannot run here; nothing changes', () => {
  const g = new tf.Graph();
  g.asDefault(() => tf.constant(1));
  const ops = g.getOperations().length;
  assert.throws(() => new tf.Session({ graph: g, backend: 'gpu', gpu: { mode: 'opengl' as tf.GpuMode } }),
    (e: Error) => e instanceof tf.errors.InvalidArgumentError && /Unknown gpu mode 'opengl'; use one of 'webgl2', 'webgl', 'webgpu', 'headlessgl', 'cpu'/.test(e.message));
  assert.throws(() => new tf.Session({ graph: g, gpu: { mode: 'cpu' } }),
    (e: Error) => e instanceof tf.errors.InvalidArgumentError && /gpu option applies to backend 'gpu' only/.test(e.message));
  assert.throws(() => new tf.Session({ graph: g, backend: 'gpu', gpu: { mode: 'webgl2' } }),
    (e: Error) => e instanceof tf.errors.UnavailableError && /'webgl2' runs in a browser only; in Node use 'headlessgl' \(under xvfb-run\) or 'cpu'/.test(e.message));
  if (!process.env.DISPLAY) {
    assert.throws(() => new tf.Session({ graph: g, backend: 'gpu', gpu: { mode: 'headlessgl' } }),
      (e: Error) => e instanceof tf.errors.UnavailableError && /no X display: run under Xvfb \(xvfb-run -a/.test(e.message));
  }
  assert.is(g.getOperations().length, ops);
});

test("fallback 'js': a mode that cannot run runs every kernel in JS, said once and in backendInfo", () => {
  const g = new tf.Graph();
  const y = g.asDefault(() => tf.exp(tf.constant([1, 2, 3])).add(1));
  const warn = console.warn, warnings: string[] = [];
  console.warn = (m: string) => { warnings.push(m); };
  let sess: tf.Session;
  try {
    sess = new tf.Session({ graph: g, backend: 'gpu', gpu: { mode: 'webgl2', fallback: 'js' } });
  } finally { console.warn = warn; }
  assert.is(warnings.length, 1);
  assert.match(warnings[0], /Running every kernel on tfgen's JS kernels/);
  assert.is(sess.backendInfo.kernelClass, undefined);
  assert.match(sess.backendInfo.fallback!, /browser only/);
  close('values', sess.run(y), new tf.Session({ graph: g }).run(y), () => 0);
  assert.ok(onGpu(sess, y).data.kernels.every((k) => k.runsOn === 'js'));
});

/** A stand-in gpu.js instance: kernels of class `cls` doubling their first argument, the result passed through `result`. */
function fakeGpu(mode: string, cls: string, result: (out: Float32Array) => unknown) {
  const Kernel = { [cls]: class {} }[cls];
  return {
    mode,
    createKernel(_src: string, settings: { output: number[] }) {
      const run = ((a: unknown) => result(Float32Array.from({ length: settings.output[0] }, (_, i) => (a instanceof Float32Array ? 2 * a[i] : 2)))) as unknown as { kernel: object };
      run.kernel = new Kernel();
      return run;
    },
  };
}

test("a gpu.js error while running a kernel (a shader that does not compile) is an InternalError naming the kernel and its ops; no variable changes", () => {
  // why: the probe kernel (a doubling) works; the plan's kernels fail on their first call, as gpu.js does when a shader does not build.
  const gpu = fakeGpu('webgl2', 'WebGL2Kernel', (a) => a);
  const GPU = { mode: 'webgl2', createKernel(src: string, settings: { output: number[] }) {
    const probe = gpu.createKernel(src, settings);
    if (/\bthis\.thread\.x\b/.test(src) && settings.output[0] !== 2) {
      return Object.assign(() => { throw new Error('Error compiling fragment shader: ERROR: 0:42: syntax error\nmore lines'); }, { kernel: probe.kernel });
    }
    return probe;
  } };
  const g = new tf.Graph();
  g.asDefault(() => {
    const v = new tf.Variable(tf.constant([1, 2, 3, 4, 5, 6, 7, 8]), { name: 'v' });
    const x = tf.placeholder('float32', [8], 'x');
    const step = tf.assign(v, tf.add(tf.multiply(v, x), x));
    const sess = new tf.Session({ graph: g, backend: 'gpu', gpu: { mode: 'webgl2', GPU } });
    sess.run(v.initializer);
    assert.throws(() => sess.run(step, { x: new Float32Array(8).fill(2) }),
      (e: Error) => e instanceof tf.errors.InternalError && /gpu\.js could not run kernel k\d+_map\w* \(ops [^)]*Mul[^)]*\) in mode 'webgl2': Error compiling fragment shader: ERROR: 0:42: syntax error\. The run was abandoned and no variable changed/.test(e.message)
        && !e.message.includes('more lines'));
    assert.equal([...(sess.run(v) as tf.NDArray).data], [1, 2, 3, 4, 5, 6, 7, 8]);
  });
});

test('closing a gpu session destroys the gpu.js instance it created (its GL context), not one passed in', () => {
  let destroyed = 0;
  const instance = fakeGpu('webgl2', 'WebGL2Kernel', (a) => a);
  class FakeGPU {
    mode: string;
    constructor(o: { mode: string }) { this.mode = o.mode; }
    createKernel(src: string, settings: { output: number[] }) { return instance.createKernel(src, settings); }
    destroy() { destroyed++; return Promise.resolve(); }
  }
  const own = new tf.Session({ graph: new tf.Graph(), backend: 'gpu', gpu: { mode: 'webgl2', GPU: FakeGPU } });
  assert.is(own.backendInfo.kernelClass, 'WebGL2Kernel');
  own.close(); own.close();
  assert.is(destroyed, 1);
  const given = Object.assign(instance, { destroy: () => { destroyed += 10; } });
  new tf.Session({ graph: new tf.Graph(), backend: 'gpu', gpu: { mode: 'webgl2', GPU: given } }).close();
  assert.is(destroyed, 1);
});

test('a kernel class other than the mode asked for is an error (gpu.js replacing kernels silently)', () => {
  assert.throws(() => new tf.Session({ graph: new tf.Graph(), backend: 'gpu', gpu: { mode: 'webgl2', GPU: fakeGpu('webgl2', 'CPUKernel', (a) => a) } }),
    (e: Error) => e instanceof tf.errors.InternalError && /ran the probe kernel with CPUKernel instead of WebGL2Kernel/.test(e.message));
});

test("sess.run on mode 'webgpu' says to use runAsync, changing nothing; runAsync probes the device and runs", async () => {
  const g = new tf.Graph();
  const { w, step } = g.asDefault(() => {
    const w = new tf.Variable(tf.constant([1, 2, 3]), { name: 'w' });
    return { w, step: tf.assign(w, tf.exp(w).mul(w)) };
  });
  const fake = fakeGpu('webgpu', 'WebGPUKernel', (a) => Promise.resolve(a));
  const sess = new tf.Session({ graph: g, backend: 'gpu', gpu: { mode: 'webgpu', GPU: fake } });
  assert.equal(sess.backendInfo, { backend: 'gpu', mode: 'webgpu', kernelClass: 'WebGPUKernel', precision: 'single' });
  sess.run(w.initializer);
  assert.throws(() => sess.run(step), (e: Error) => e instanceof tf.errors.FailedPreconditionError && /reads results back asynchronously \(webgpu\): use sess\.runAsync/.test(e.message));
  assert.equal(Array.from(sess.run(w).data), [1, 2, 3]);
  await sess.runAsync(step);
  assert.not.equal(Array.from(sess.run(w).data), [1, 2, 3], 'runAsync committed the write');
  const broken = new tf.Session({ graph: g, backend: 'gpu', gpu: { mode: 'webgpu', GPU: fakeGpu('webgpu', 'WebGPUKernel', () => Promise.reject(new Error('no adapter'))) } });
  broken.run(w.initializer);
  try {
    await broken.runAsync(step);
    assert.unreachable('a device without an adapter runs');
  } catch (e) {
    assert.ok(e instanceof tf.errors.UnavailableError, String(e));
    assert.match((e as Error).message, /no adapter.*--enable-unsafe-webgpu/);
  }
  assert.equal(Array.from(broken.run(w).data), [1, 2, 3]);
});

test('gpu: {async: true}: plans run through runAsync (awaiting each kernel) with the values of the sync path; run() refuses', async () => {
  const g = new tf.Graph();
  const m = mlp(g);
  const sync = gpuSession(g), asyncSess = new tf.Session({ graph: g, backend: 'gpu', gpu: { mode: MODE, async: true } });
  sync.run(m.init);
  asyncSess._restoreVariables(new Map([...sync._variableValues()].map(([v, a]) => [v, new tf.NDArray(a.data.slice(), a.shape, a.dtype)])));
  const feeds = { x: rand(5 * 12, 20), y: Float32Array.from({ length: 15 }, (_, i) => (i % 3 === 0 ? 1 : 0)) };
  assert.throws(() => asyncSess.run([m.loss, m.train], feeds), (e: Error) => e instanceof tf.errors.FailedPreconditionError && /use sess\.runAsync/.test(e.message));
  for (let s = 0; s < 3; s++) {
    const [ls] = sync.run([m.loss, m.train], feeds), [la] = await asyncSess.runAsync([m.loss, m.train], feeds);
    close(`loss at step ${s}`, la, ls, () => 0);
  }
  for (const v of m.vars) close(v.name, await asyncSess.runAsync(v), sync.run(v), () => 0);
  const plan = onGpu(asyncSess, [m.loss, m.train], feeds);
  assert.ok(plan.data.async && /return async function run/.test(plan.source) && /await gpu\.call/.test(plan.source));
});

test.run();
