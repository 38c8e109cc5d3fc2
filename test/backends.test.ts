// One list of op and training cases (test/_lib/backend_cases.ts) on every backend registered in
// Node: 'js' bit for bit against the interpreter, 'wasm' and 'gpu' at their stated tolerances;
// each case's kernels must run where COVERAGE says (a silent fallback fails, and so does coverage
// nobody listed). The gpu backend runs in gpu.js's 'cpu' mode, asked for explicitly (kernels in
// float64, rounded); `npm run test:gpu` runs this file under xvfb-run with TFGEN_GPU_MODE=headlessgl
// (real GLSL on Mesa llvmpipe). Either way the session must report the mode and kernel class asked for.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../src/index.js';
import { wasmUsable } from '../codegen/backend.js';
import { CAPABILITIES, CASES, COVERAGE, runCases, type CaseResult, type RunCasesOptions } from './_lib/backend_cases.js';
import { runCaseList, type BackendCase } from './_lib/backend_runner.js';
import { toleranceDiff, ulpDistance } from './_lib/tolerance.js';
import { withoutWebAssembly } from './_lib/no_wasm.js';

process.env.TFGEN_VERIFY ??= '1';

const GPU_MODE = (process.env.TFGEN_GPU_MODE ?? 'cpu') as tf.GpuMode;
const GPU_CLASS: Record<string, string> = { cpu: 'CPUKernel', headlessgl: 'HeadlessGLKernel' };
const gpu: RunCasesOptions = {
  sessionOptions: { gpu: { mode: GPU_MODE } },
  checkSession(sess) {
    const { mode, kernelClass } = sess.backendInfo;
    return mode === GPU_MODE && kernelClass === GPU_CLASS[GPU_MODE] ? undefined
      : `the gpu session runs mode ${mode} with ${kernelClass}, not ${GPU_MODE} with ${GPU_CLASS[GPU_MODE]}`;
  },
};
// why: gpu: {async: true} is the runAsync path WebGPU takes (gpu.js async kernels), here on the same mode.
const gpuAsync: RunCasesOptions = { ...gpu, async: true, sessionOptions: { gpu: { mode: GPU_MODE, async: true } } };
const BACKENDS: { label: string; name: string; opts: RunCasesOptions }[] = [
  { label: 'js', name: 'js', opts: {} }, { label: 'wasm', name: 'wasm', opts: {} },
  { label: `gpu ${GPU_MODE}`, name: 'gpu', opts: gpu }, { label: `gpu ${GPU_MODE} runAsync`, name: 'gpu', opts: gpuAsync },
];

const report = (r: CaseResult) => `${r.backend}: ${r.name}\n  ${r.failures.join('\n  ')}\n  kernels: ${r.kernels.map((k) => `${k.name}@${k.runsOn}`).join(', ')}`;

for (const { label, name, opts } of BACKENDS) {
  const results: CaseResult[] = [];
  for (const c of CASES) {
    test(`${label}: ${c.name}`, async () => {
      const [r] = await runCases(name, { ...opts, filter: (x) => x === c });
      results.push(r);
      if (r.status === 'skip') return;
      assert.is(r.status, 'pass', report(r));
    });
  }
  test(`${label}: every capability COVERAGE lists ran on the backend in some case, and nothing was skipped unannounced`, () => {
    assert.is(results.length, CASES.length, 'every case ran');
    const coverage = COVERAGE[name];
    // why: a registry entry no case exercises would let a backend claim coverage it never shows.
    const unseen = [...coverage.covers].filter((cap) => !results.some((r) => r.expected.some((e) =>
      e.needs.includes(cap) && e.needs.every((n) => coverage.covers.has(n)) && e.runsOn.includes(coverage.runsOn))));
    assert.equal(unseen, [], `COVERAGE.${name} lists capabilities no case ran on ${name}`);
    const skipped = results.filter((r) => r.status === 'skip').map((r) => r.name);
    assert.equal(skipped, name === 'gpu' ? ['IEEE specials through arithmetic and round: NaN, ±Infinity, -0, subnormals, ties'] : []);
  });
}

test('the case list has every family and states a need for every capability somewhere', () => {
  const families = new Set(CASES.map((c) => c.family));
  assert.equal([...families].sort(), ['broadcast', 'compare-cast', 'elementwise', 'gradient', 'matmul', 'movement', 'reduce', 'softmax', 'training']);
  const names = CASES.map((c) => c.name);
  assert.is(new Set(names).size, names.length, 'case names are unique');
  // why: every capability must be needed by some case, or COVERAGE could list it with nothing checking it.
  const needed = new Set(CASES.flatMap((c) => new tf.Graph().asDefault(() => c.build().kernels.flatMap((k) => k.needs))));
  assert.equal(CAPABILITIES.filter((cap) => !needed.has(cap)), []);
});

test('a silent fallback fails: without WebAssembly the wasm backend runs its kernels in JS and the cases say so', () => withoutWebAssembly(async () => {
  assert.is(wasmUsable(true), false);
  const [r] = await runCases('wasm', { filter: (c) => c.name === 'add, subtract, multiply, divide' });
  assert.is(r.status, 'fail');
  assert.match(r.failures.join('\n'), /kernel k0_map_\w+ runs on js, expected wasm \(needs \[f32-arith\], all in COVERAGE\.wasm\): a silent fallback/);
  assert.equal(r.kernels.map((k) => k.runsOn), ['js']);
}, () => wasmUsable(true)));

test('a silent fallback fails: a gpu session whose mode cannot run here, with fallback js, runs its kernels in JS and the cases say so', async () => {
  const warn = console.warn;
  console.warn = () => {};
  try {
    // why: Node has no navigator.gpu, so mode webgpu cannot run here (under xvfb-run either).
    const [r] = await runCases('gpu', { ...gpu, sessionOptions: { gpu: { mode: 'webgpu', fallback: 'js' } }, filter: (c) => c.name === 'matmul [5,7]·[7,3]' });
    assert.is(r.status, 'fail');
    assert.match(r.failures[0], /^kernel k0_matmul_MatMul runs on js, expected gpu \(needs \[matmul\], all in COVERAGE\.gpu\): a silent fallback$/);
    assert.match(r.failures[1], /the gpu session runs mode webgpu with undefined, not/);
  } finally {
    console.warn = warn;
  }
});

test('coverage nobody listed fails: a kernel on wasm whose needs COVERAGE lacks', async () => {
  const [r] = await runCases('wasm', {
    coverage: { runsOn: 'wasm', covers: new Set(['f32-arith']) },
    filter: (c) => c.name.startsWith('reduceSum and reduceMean of everything'),
  });
  assert.is(r.status, 'fail');
  assert.match(r.failures[0], /runs on wasm, but COVERAGE\.wasm lacks \[sum-full\]: if the backend covers that now, add it to COVERAGE/);
});

test('a wrong hand-computed value, a missing kernel, plans not shared and a throwing build are failures naming the case', async () => {
  const broken: BackendCase[] = [
    { name: 'wrong check', family: 'elementwise', tolerance: { wasm: 'exact', gpu: 'exact' }, build() {
      const x = tf.constant([1, 2], 'float32');
      return { runs: [{ fetches: [tf.add(x, x)] }], kernels: [], check: (v) => toleranceDiff(v[0], [2, 5], 'exact') };
    } },
    { name: 'op in no kernel', family: 'elementwise', tolerance: { wasm: 'exact', gpu: 'exact' }, build() {
      const x = tf.placeholder('float32', [2], 'x');
      const y = tf.reshape(x, [2, 1]);
      return { runs: [{ fetches: [tf.negative(y)], feeds: new Map([[x, new tf.NDArray(Float32Array.of(1, 2), [2], 'float32')]]) }], kernels: [{ op: y, needs: [] }] };
    } },
    { name: 'batch 1 gets a plan of its own', family: 'elementwise', tolerance: { wasm: 'exact', gpu: 'exact' }, build() {
      const x = tf.placeholder('float32', [null], 'x');
      const y = tf.negative(x);
      const run = (n: number) => ({ fetches: [y], feeds: new Map([[x, new tf.NDArray(new Float32Array(n), [n], 'float32')]]) });
      return { runs: [run(1), run(4), run(5)], kernels: [], samePlan: [[1, 2], [0, 1]] };
    } },
    { name: 'bad graph', family: 'elementwise', tolerance: { wasm: 'exact', gpu: { skip: 'not on gpu' } }, build() {
      return { runs: [{ fetches: [tf.add(tf.constant([1, 2]), tf.constant([1, 2, 3]))] }], kernels: [] };
    } },
  ];
  const rs = await runCaseList(broken, 'js');
  assert.equal(rs.map((r) => r.status), ['fail', 'fail', 'fail', 'fail']);
  assert.match(rs[0].failures[0], /^hand-computed check: element 1 is 4, expected 5/);
  assert.match(rs[1].failures[0], /^no compiled kernel holds op Reshape/);
  assert.equal(rs[2].failures, ['runs 0, 1 should share one plan (run-time dims) but were compiled separately']);
  assert.match(rs[3].failures[0], /^threw InvalidArgumentError: .*Add/);
  const [skipped] = await runCaseList(broken.slice(3), 'gpu');
  assert.equal([skipped.status, skipped.failures], ['skip', ['not on gpu']]);
});

test('tolerances: exact is Object.is; ulps and atol/rtol accept floats only; NaN and ±Infinity must match', () => {
  const f32 = (...v: number[]) => new tf.NDArray(Float32Array.from(v), [v.length], 'float32');
  const i32 = (...v: number[]) => new tf.NDArray(Int32Array.from(v), [v.length], 'int32');
  const next = (x: number) => new Float32Array(new Int32Array([new Int32Array(Float32Array.of(x).buffer)[0] + 1]).buffer)[0];
  assert.is(ulpDistance(1, next(next(1))), 2);
  assert.is(ulpDistance(-0, 0), 0);
  assert.is(ulpDistance(-1e-45, 1e-45), 2);
  assert.is(toleranceDiff(f32(1, NaN), f32(1, NaN), 'exact'), undefined);
  assert.match(toleranceDiff(f32(0), f32(-0), 'exact')!, /element 0 is 0, expected -0/);
  assert.is(toleranceDiff(f32(0), f32(-0), { ulps: 0 }), undefined);
  assert.is(toleranceDiff(f32(next(next(1))), f32(1), { ulps: 2 }), undefined);
  assert.match(toleranceDiff(f32(next(next(next(1)))), f32(1), { ulps: 2 })!, /3 ulps/);
  assert.is(toleranceDiff(f32(100.005), f32(100), { rtol: 1e-4 }), undefined);
  assert.ok(toleranceDiff(f32(100.02), f32(100), { rtol: 1e-4 }));
  assert.is(toleranceDiff(f32(1e-7), f32(0), { atol: 1e-6 }), undefined);
  assert.match(toleranceDiff(f32(3.4e38), f32(Infinity), { rtol: 1 })!, /expected Infinity/);
  assert.match(toleranceDiff(f32(0), f32(NaN), { atol: 1e9 })!, /expected NaN/);
  assert.is(toleranceDiff(f32(0, -1), f32(NaN, -Infinity), { atol: 0, nonFinite: 'any' }), undefined);
  assert.match(toleranceDiff(f32(NaN), f32(0), { atol: 1, nonFinite: 'any' })!, /NaN, expected 0/);
  assert.match(toleranceDiff(i32(0), i32(1), { nonFinite: 'any' })!, /expected 1/);
  assert.match(toleranceDiff(i32(3), i32(4), { atol: 5 })!, /element 0 is 3, expected 4/);
  assert.match(toleranceDiff(f32(1, 2), i32(1, 2), 'exact')!, /dtype float32, expected int32/);
  assert.match(toleranceDiff(f32(1, 2), new tf.NDArray(Float32Array.of(1, 2), [2, 1], 'float32'), 'exact')!, /shape \[2\], expected \[2,1\]/);
  assert.is(toleranceDiff(1.0000001, 1, { ulps: 1 }), undefined);
  assert.match(toleranceDiff(true, false, 'exact')!, /true, expected false/);
  const worst = { ulps: 0, abs: 0 };
  toleranceDiff(f32(next(1), 5), f32(1, 5), { ulps: 4 }, worst);
  assert.equal(worst, { ulps: 1, abs: next(1) - 1 });
});

test.run();
