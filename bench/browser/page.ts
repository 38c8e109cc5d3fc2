// The Chromium bench page (bundled by bench/browser.ts): runs W3–W5 on one group of engines from
// its own script (not inside page.evaluate), then publishes `window.__result` and sets
// `window.__done`. Groups: `cpu` = tfgen js, tfgen wasm, tfjs cpu, tfjs wasm; `webgl2`, `webgl`,
// `webgpu` = tfgen's gpu backend and gpu.js's own kernel in that mode, plus the per-call costs
// (dispatch, read back, upload) of the mode. Every gpu row asserts the kernel class that ran, so
// a silent fallback gives an error instead of a figure.
import * as tfc from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops.js';
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
import '@tensorflow/tfjs-backend-cpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../../src/index.js';
import { GpuDevice, type DeviceValue } from '../../src/runtime/gpu_device.js';
import { matmulTiled } from '../hand/w4_matmul.js';
import { fusedHypot } from '../hand/w3_fused.js';
import { uniform, uniformArray } from '../lib/rng.js';

type Mode = 'webgl2' | 'webgl' | 'webgpu';
const KERNEL_CLASS: Record<Mode, string> = { webgl2: 'WebGL2Kernel', webgl: 'WebGLKernel', webgpu: 'WebGPUKernel' };

/** One engine on one workload: a call (sync or async) and what it checked. */
interface Cell { engine: string; call: () => unknown; note: string; dispose?: () => unknown; before?: () => Promise<void> }
export interface CellResult { ms?: number; samples?: number; note?: string; error?: string }
export interface Row { work: string; unit: string; cells: Record<string, CellResult> }
export interface PageResult { group: string; rows: Row[]; overheads: string[]; info: Record<string, string>; ms: number }

const maybeAwait = async (v: unknown): Promise<unknown> => (v instanceof Promise ? await v : v);

/** ms of one sample: repeats `call` until ~`target` ms have passed (at least once). */
async function sample(call: () => unknown, target: number): Promise<number> {
  let reps = 0;
  const t0 = performance.now();
  let t = t0;
  while (reps === 0 || t - t0 < target) { await maybeAwait(call()); reps++; t = performance.now(); }
  return (t - t0) / reps;
}

/**
 * Sets up every engine of a row, warms each up (2 calls: a gpu kernel compiles on its first),
 * then takes ROUNDS rounds of one sample per engine, the order rotating, so load changes hit all
 * engines alike. Figure: median ms per call.
 */
const ROUNDS = 4, TARGET_MS = 80;
async function row(work: string, unit: string, makers: [string, () => Cell | Promise<Cell>][]): Promise<Row> {
  const cells: Record<string, CellResult> = {};
  const live: Cell[] = [];
  for (const [engine, make] of makers) {
    try {
      const c = await make();
      await c.before?.();
      await maybeAwait(c.call()); await maybeAwait(c.call());
      live.push(c);
    } catch (e) { cells[engine] = { error: String((e as Error).message ?? e).split('\n')[0] }; }
  }
  const times = new Map<Cell, number[]>(live.map((c) => [c, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (let i = 0; i < live.length; i++) {
      const c = live[(i + r) % live.length];
      await c.before?.();
      times.get(c)!.push(await sample(c.call, TARGET_MS));
    }
  }
  for (const c of live) {
    const t = times.get(c)!.sort((x, y) => x - y);
    cells[c.engine] = { ms: t[t.length >> 1], samples: t.length, note: c.note };
    await c.dispose?.();
  }
  return { work, unit, cells };
}

const maxAbs = (x: ArrayLike<number>, y: ArrayLike<number>) => { let m = 0; for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i])); return m; };
const maxRel = (x: ArrayLike<number>, y: ArrayLike<number>) => { let m = 0; for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i]))); return m; };

/** A tfgen session on `backend` ('gpu' in `mode`), asserting what it runs on. */
function session(graph: tf.Graph, backend: 'js' | 'wasm' | 'gpu', mode?: Mode): tf.Session {
  const sess = backend === 'gpu' ? new tf.Session({ graph, backend, gpu: { mode } }) : new tf.Session({ graph, backend });
  if (backend === 'gpu') {
    const info = sess.backendInfo;
    if (info.mode !== mode || info.kernelClass !== KERNEL_CLASS[mode!] || info.fallback) {
      throw new Error(`the session runs ${JSON.stringify(info)}, not ${mode} / ${KERNEL_CLASS[mode!]}`);
    }
  }
  return sess;
}

/** Runs on a session: runAsync on webgpu (no synchronous read back), run otherwise. */
const runner = (sess: tf.Session, async: boolean) => (f: tf.Fetches, feeds?: Map<tf.Tensor, Float32Array>) =>
  async ? sess.runAsync(f, feeds, { reuseOutputs: true }) : sess.run(f, feeds, { reuseOutputs: true });

/** Where the plan's kernels run, and that every one runs where the backend says. */
function kernelsNote(sess: tf.Session, f: tf.Fetches, feeds: Map<tf.Tensor, Float32Array> | undefined, on: string): string {
  const ks = sess._planFor(f, feeds)?.data.kernels ?? [];
  const n = ks.filter((k) => (k.runsOn ?? 'js') === on).length;
  if (on === 'gpu' && n !== ks.length) throw new Error(`only ${n} of ${ks.length} kernels run on the gpu`);
  const info = sess.backendInfo;
  return `${on === 'gpu' ? `backendInfo ${info.mode} / ${info.kernelClass} asserted; ` : ''}${n} of ${ks.length} kernels on ${on}`;
}

/** gpu.js's own kernel in `mode`; its class is checked after the first call (when gpu.js builds it). */
async function gpuJsKernel(mode: Mode, fn: string, output: number[], args: unknown[]): Promise<{ kernel: (...a: unknown[]) => unknown; gpu: { destroy(): void }; first: Float32Array | Float32Array[] }> {
  const GPU = (globalThis as unknown as { GPU: { GPU: new (o: object) => any } }).GPU.GPU;
  const gpu = new GPU({ mode });
  const kernel = gpu.createKernel(fn, { output, precision: 'single', tactic: 'precision', dynamicOutput: false });
  const first = (await maybeAwait(kernel(...args))) as Float32Array;
  const cls = kernel.kernel?.constructor;
  const ok = cls?.name === KERNEL_CLASS[mode] || (mode === 'webgpu' && cls?.mode === 'webgpu');
  if (!ok) throw new Error(`gpu.js ran ${cls?.name ?? 'no kernel'} (mode ${cls?.mode}) instead of ${KERNEL_CLASS[mode]}`);
  return { kernel, gpu, first };
}

// ---- W3: sqrt(a·a + b·b)·c + d, float32, fed each call, the result read back ----
function w3(n: number, engines: string[], mode?: Mode): [string, () => Cell | Promise<Cell>][] {
  const xs = [31, 32, 33, 34].map((s) => uniformArray(n, s, -1, 1));
  const ref = new Float32Array(n);
  fusedHypot(xs[0], xs[1], xs[2], xs[3], ref);
  const tfgenCell = (backend: 'js' | 'wasm' | 'gpu') => async (): Promise<Cell> => {
    const g = new tf.Graph();
    const { ph, out } = g.asDefault(() => {
      const ph = [0, 1, 2, 3].map((i) => tf.placeholder('float32', [n], 'abcd'[i]));
      const [a, b, c, d] = ph;
      return { ph, out: tf.add(tf.multiply(tf.sqrt(tf.add(tf.multiply(a, a), tf.multiply(b, b))), c), d) };
    });
    const sess = session(g, backend, mode);
    const run = runner(sess, mode === 'webgpu');
    const feeds = () => new Map(ph.map((p, i) => [p, xs[i]]));
    const first = ((await maybeAwait(run(out, feeds()))) as tf.NDArray).data as Float32Array;
    const note = `${kernelsNote(sess, out, feeds(), backend)}; max |Δ| vs hand-written JS ${maxAbs(first, ref).toExponential(1)}`;
    return { engine: '', call: () => run(out, feeds()), note, dispose: () => sess.close() };
  };
  const body: TfjsBody = (t) => {
    const [a, b, c, d] = xs.map((x) => t.tensor1d(x));
    const call = () => { const y = t.tidy(() => a.mul(a).add(b.mul(b)).sqrt().mul(c).add(d)); const v = y.dataSync(); y.dispose(); return v; };
    return { call, note: `tidy + dataSync per call; max |Δ| ${maxAbs(call(), ref).toExponential(1)}`, dispose: () => [a, b, c, d].forEach((x) => x.dispose()) };
  };
  const cells: Record<string, () => Cell | Promise<Cell>> = {
    'tfgen js': tfgenCell('js'), 'tfgen wasm': tfgenCell('wasm'), 'tfgen gpu': tfgenCell('gpu'),
    'tfjs cpu': tfjsCell('cpu', body), 'tfjs wasm': tfjsCell('wasm', body),
    'gpu.js': async () => {
      const src = 'function (a, b, c, d) { const i = this.thread.x; return Math.sqrt(a[i] * a[i] + b[i] * b[i]) * c[i] + d[i]; }';
      const { kernel, gpu, first } = await gpuJsKernel(mode!, src, [n], xs);
      return { engine: '', call: () => kernel(...xs), note: `${KERNEL_CLASS[mode!]} asserted; arrays in, array out per call; max |Δ| ${maxAbs(first as Float32Array, ref).toExponential(1)}`, dispose: () => gpu.destroy() };
    },
  };
  return engines.map((e) => [e, async () => ({ ...(await cells[e]()), engine: e })]);
}

// ---- tfjs cells: the backend is made active for each of its calls (tfjs has one global engine) ----
type TfjsBody = (t: typeof tfc) => { call: () => unknown; note: string; dispose?: () => void };
function tfjsCell(backend: 'cpu' | 'wasm', body: TfjsBody): () => Promise<Cell> {
  const make = async (): Promise<Cell> => {
    if (!(await tfc.setBackend(backend))) throw new Error(`tfjs backend ${backend} did not initialise`);
    const b = body(tfc);
    const call = () => { if (tfc.getBackend() !== backend) throw new Error('tfjs backend switched under a cell'); return b.call(); };
    // why: each cell's tensors are made and used only while its backend is active (no data moves between backends).
    const before = async () => { if (tfc.getBackend() !== backend) await tfc.setBackend(backend); };
    return { engine: '', call, note: b.note, dispose: async () => { await before(); b.dispose?.(); }, before };
  };
  return make;
}

// ---- W4: n×n float32 matmul, fed each call, the result read back ----
function w4(n: number, engines: string[], mode?: Mode): [string, () => Cell | Promise<Cell>][] {
  const a = uniformArray(n * n, 41, -1, 1), b = uniformArray(n * n, 42, -1, 1);
  const ref = new Float32Array(n * n);
  matmulTiled(a, b, ref, n);
  const tfgenCell = (backend: 'js' | 'wasm' | 'gpu') => async (): Promise<Cell> => {
    const g = new tf.Graph();
    const { pa, pb, out } = g.asDefault(() => {
      const pa = tf.placeholder('float32', [n, n], 'a'), pb = tf.placeholder('float32', [n, n], 'b');
      return { pa, pb, out: tf.matmul(pa, pb) };
    });
    const sess = session(g, backend, mode);
    const run = runner(sess, mode === 'webgpu');
    const feeds = () => new Map([[pa, a], [pb, b]]);
    const first = ((await maybeAwait(run(out, feeds()))) as tf.NDArray).data as Float32Array;
    const note = `${kernelsNote(sess, out, feeds(), backend)}; max rel. Δ vs hand-written JS ${maxRel(first, ref).toExponential(1)}`;
    return { engine: '', call: () => run(out, feeds()), note, dispose: () => sess.close() };
  };
  const body: TfjsBody = (t) => {
    const ta = t.tensor2d(a, [n, n]), tb = t.tensor2d(b, [n, n]);
    const call = () => { const y = t.matMul(ta, tb); const v = y.dataSync(); y.dispose(); return v; };
    return { call, note: `dataSync per call; max rel. Δ ${maxRel(call(), ref).toExponential(1)}`, dispose: () => { ta.dispose(); tb.dispose(); } };
  };
  const cells: Record<string, () => Cell | Promise<Cell>> = {
    'tfgen js': tfgenCell('js'), 'tfgen wasm': tfgenCell('wasm'), 'tfgen gpu': tfgenCell('gpu'),
    'tfjs cpu': tfjsCell('cpu', body), 'tfjs wasm': tfjsCell('wasm', body),
    'gpu.js': async () => {
      const src = `function (a, b) { let s = 0.0; for (let k = 0; k < ${n}; k++) { s += a[this.thread.y][k] * b[k][this.thread.x]; } return s; }`;
      const a2 = rows2d(a, n), b2 = rows2d(b, n);
      const { kernel, gpu, first } = await gpuJsKernel(mode!, src, [n, n], [a2, b2]);
      const flat = new Float32Array(n * n);
      (first as Float32Array[]).forEach((r, i) => flat.set(r, i * n));
      return { engine: '', call: () => kernel(a2, b2), note: `${KERNEL_CLASS[mode!]} asserted; arrays in, array out per call; max rel. Δ ${maxRel(flat, ref).toExponential(1)}`, dispose: () => gpu.destroy() };
    },
  };
  return engines.map((e) => [e, async () => ({ ...(await cells[e]()), engine: e })]);
}
const rows2d = (a: Float32Array, n: number) => Array.from({ length: n }, (_, i) => a.subarray(i * n, (i + 1) * n));

// ---- W5: one SGD step (lr 0.1) of an MLP 784-128-10, relu, mean softmax cross-entropy, batch 64 ----
const IN = 784, HID = 128, OUT = 10, BATCH = 64, NBATCH = 4;
function w5(engines: string[], mode?: Mode): [string, () => Cell | Promise<Cell>][] {
  const label = uniform(51);
  const batches = Array.from({ length: NBATCH }, (_, i) => {
    const y = new Float32Array(BATCH * OUT);
    for (let r = 0; r < BATCH; r++) y[r * OUT + Math.floor(label() * OUT)] = 1;
    return { x: uniformArray(BATCH * IN, 60 + i), y };
  });
  const glorot = (i: number, o: number, seed: number) => uniformArray(i * o, seed, -Math.sqrt(6 / (i + o)), Math.sqrt(6 / (i + o)));
  const w1 = glorot(IN, HID, 52), w2 = glorot(HID, OUT, 53);
  const lossesNote = (l: number[]) => `first losses ${l.map((v) => v.toFixed(5)).join(', ')}`;
  const tfgenCell = (backend: 'js' | 'wasm' | 'gpu') => async (): Promise<Cell> => {
    const g = new tf.Graph();
    const m = g.asDefault(() => {
      const X = tf.placeholder('float32', [null, IN], 'X'), Y = tf.placeholder('float32', [null, OUT], 'Y');
      const W1 = new tf.Variable(new tf.NDArray(w1.slice(), [IN, HID]), { name: 'W1' }), b1 = new tf.Variable(tf.zeros([HID]), { name: 'b1' });
      const W2 = new tf.Variable(new tf.NDArray(w2.slice(), [HID, OUT]), { name: 'W2' }), b2 = new tf.Variable(tf.zeros([OUT]), { name: 'b2' });
      const logits = tf.add(tf.matmul(tf.nn.relu(tf.add(tf.matmul(X, W1), b1)), W2), b2);
      const loss = tf.reduceMean(tf.nn.softmaxCrossEntropyWithLogits({ labels: Y, logits }));
      return { X, Y, loss, train: new tf.train.GradientDescentOptimizer(0.1).minimize(loss), init: tf.globalVariablesInitializer() };
    });
    const sess = session(g, backend, mode);
    const run = runner(sess, mode === 'webgpu');
    await maybeAwait(run(m.init));
    const feeds = batches.map((b) => new Map<tf.Tensor, Float32Array>([[m.X, b.x], [m.Y, b.y]]));
    let i = 0;
    const step = () => run([m.train, m.loss], feeds[i++ % NBATCH]);
    const losses: number[] = [];
    for (let s = 0; s < 3; s++) losses.push(((await maybeAwait(step())) as [null, number])[1]);
    return { engine: '', call: step, note: `${kernelsNote(sess, [m.train, m.loss], feeds[0], backend)}; ${lossesNote(losses)}`, dispose: () => sess.close() };
  };
  const body: TfjsBody = (t) => {
    const W1 = t.variable(t.tensor2d(w1, [IN, HID])), b1 = t.variable(t.zeros([HID]));
    const W2 = t.variable(t.tensor2d(w2, [HID, OUT])), b2 = t.variable(t.zeros([OUT]));
    const opt = t.train.sgd(0.1);
    let i = 0;
    const call = () => {
      const bt = batches[i++ % NBATCH];
      const xb = t.tensor2d(bt.x, [BATCH, IN]), yb = t.tensor2d(bt.y, [BATCH, OUT]);
      const loss = opt.minimize(() => t.losses.softmaxCrossEntropy(yb, t.add(t.matMul(t.relu(t.add(t.matMul(xb, W1), b1)), W2), b2)) as tfc.Scalar, true)!;
      const v = loss.dataSync()[0];
      loss.dispose(); xb.dispose(); yb.dispose();
      return v;
    };
    const losses = [call(), call(), call()];
    return { call, note: `train.sgd().minimize; ${lossesNote(losses)}`, dispose: () => { [W1, b1, W2, b2].forEach((v) => v.dispose()); opt.dispose(); } };
  };
  const cells: Record<string, () => Cell | Promise<Cell>> = {
    'tfgen js': tfgenCell('js'), 'tfgen wasm': tfgenCell('wasm'), 'tfgen gpu': tfgenCell('gpu'),
    'tfjs cpu': tfjsCell('cpu', body), 'tfjs wasm': tfjsCell('wasm', body),
  };
  return engines.filter((e) => e in cells).map((e) => [e, async () => ({ ...(await cells[e]()), engine: e })]);
}

/** ms per call of `fn` (sync or async): median of 5 samples of ≥ 60 ms after 2 warm-up calls. */
async function msPerCall(fn: () => unknown): Promise<number> {
  await maybeAwait(fn()); await maybeAwait(fn());
  const s: number[] = [];
  for (let i = 0; i < 5; i++) s.push(await sample(fn, 60));
  return s.sort((x, y) => x - y)[2];
}

/** The fixed per-call costs of one mode: a 1-element kernel's dispatch, read backs and uploads of 1, 64K and 1M floats. */
async function overheads(mode: Mode): Promise<string[]> {
  const device = GpuDevice.open({ mode });
  if (device.async) await device.ready();
  const async = device.async;
  const read = (v: DeviceValue, into: Float32Array) => (async ? device.readAsync(v, into) : device.read(v, into));
  const src = 'function (a0) { return a0[this.thread.x] + 1.0; }';
  const tiny = device.kernel(src, { output: [1], argumentTypes: [device.deviceType], pipeline: true, immutable: false });
  const tiny2 = device.kernel(src, { output: [1], argumentTypes: [device.deviceType], pipeline: true, immutable: false });
  device.checkClass(tiny, 'the dispatch kernel');
  const one = new Float32Array(1);
  let v = (await maybeAwait(device.upload(Float32Array.of(0)))) as DeviceValue;
  // why: GL calls queue up: 40 dispatches (ping-pong between two kernels) then one read back, minus one read back alone.
  const chain = await msPerCall(async () => {
    for (let i = 0; i < 20; i++) { v = (await maybeAwait(tiny(v))) as DeviceValue; v = (await maybeAwait(tiny2(v))) as DeviceValue; }
    await maybeAwait(read(v, one));
  });
  const read1 = await msPerCall(() => read(v, one));
  const lines = [
    `dispatch of a 1-element kernel (pipeline, texture in, texture out${async ? ', each awaited' : ''}): **${(((chain - read1) / 40) * 1000).toFixed(0)} µs**`,
    `read back of 1 float: **${(read1 * 1000).toFixed(0)} µs**`,
  ];
  for (const n of [1 << 16, 1 << 20]) {
    const a = uniformArray(n, 7, -1, 1), out = new Float32Array(n);
    const up = device.kernel('function (a0) { return a0[this.thread.x]; }', { output: [n], argumentTypes: ['Array'], pipeline: true, immutable: false });
    const t = (await maybeAwait(up(a))) as DeviceValue;
    device.checkClass(up, 'the upload kernel');
    const r = await msPerCall(() => read(t, out));
    if (out[0] !== a[0] || out[n - 1] !== a[n - 1]) throw new Error(`the ${n}-float round trip changed the values`);
    const u = await msPerCall(() => up(a));
    lines.push(`${n} floats (${(n * 4) >> 10} KiB): read back **${r.toFixed(2)} ms** (${((n * 4) / r / 1e6).toFixed(2)} GB/s); upload + copy kernel **${u.toFixed(2)} ms**`);
  }
  return lines;
}

async function info(): Promise<Record<string, string>> {
  const out: Record<string, string> = { userAgent: navigator.userAgent };
  const gl = document.createElement('canvas').getContext('webgl2');
  const dbg = gl?.getExtension('WEBGL_debug_renderer_info');
  if (gl && dbg) out.webglRenderer = String(gl.getParameter(dbg.UNMASKED_RENDERER_WEBGL));
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: { vendor: string; architecture: string; description: string } } | null> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  out.webgpuAdapter = adapter ? `${adapter.info?.vendor ?? '?'} / ${adapter.info?.architecture ?? '?'} ${adapter.info?.description ?? ''}`.trim() : 'none';
  return out;
}

async function main(): Promise<PageResult> {
  const t0 = performance.now();
  const group = new URLSearchParams(location.search).get('group') ?? 'cpu';
  setWasmPaths('/tfjs-wasm/');
  const rows: Row[] = [];
  let overheadLines: string[] = [];
  const meta = await info();
  if (group === 'cpu') {
    const engines = ['tfgen js', 'tfgen wasm', 'tfjs cpu', 'tfjs wasm'];
    if (!(await tfc.setBackend('wasm'))) throw new Error('tfjs wasm did not initialise');
    meta.tfjsWasm = `${tfc.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD' : 'no SIMD'}, ${tfc.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') ? 'threads' : '1 thread'}`;
    for (const [n, l] of [[1 << 18, '256K'], [1 << 20, '1M'], [1 << 22, '4M']] as const) rows.push(await row(`W3 ${l}`, 'ms', w3(n, engines)));
    for (const n of [128, 256, 512]) rows.push(await row(`W4 matmul ${n}`, 'ms', w4(n, engines)));
    rows.push(await row('W5 MLP step', 'ms', w5(engines)));
  } else {
    const mode = group as Mode;
    if (!(mode in KERNEL_CLASS)) throw new Error(`unknown group ${group}`);
    const engines = ['tfgen gpu', 'gpu.js'];
    for (const [n, l] of [[1 << 18, '256K'], [1 << 20, '1M']] as const) rows.push(await row(`W3 ${l}`, 'ms', w3(n, engines, mode)));
    for (const n of [128, 256]) rows.push(await row(`W4 matmul ${n}`, 'ms', w4(n, engines, mode)));
    rows.push(await row('W5 MLP step', 'ms', w5(engines, mode)));
    try { overheadLines = await overheads(mode); } catch (e) { overheadLines = [`failed: ${(e as Error).message}`]; }
  }
  return { group, rows, overheads: overheadLines, info: meta, ms: performance.now() - t0 };
}

const w = window as unknown as { __result?: PageResult; __error?: string; __done?: boolean };
main().then((r) => { w.__result = r; }, (e) => { w.__error = String((e as Error).stack ?? e); }).finally(() => { w.__done = true; });
