// Differential tests: compiled plans (the default executor) against the reference interpreter,
// on random graphs (test/_lib/random_graph.ts) — values and gradients, compared exactly: the
// generated code rounds every float32 op with Math.fround as the reference's typed-array stores
// do, and reductions and matmul accumulate in float64 in the reference's order.
// The backend is a dimension: the same graphs run on the wasm backend (fewer of them) at its
// stated tolerances (see `wasm` below), and count the kernels it ran so a fallback cannot pass.
// A failure prints fast-check's seed, the shrunk counterexample (the choices the generator made)
// and the graph as DSL code. Replay the whole run with the seed, or just that graph with its choices:
//   FC_SEED=<seed> node --import tsx test/compiler/differential.test.ts
//   FC_REPLAY='<counterexample>' FC_TEST='<start of the test name>' node --import tsx test/compiler/differential.test.ts
// (FC_RUNS=<n> changes the number of graphs).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { WASM_ALL } from '../_lib/wasm_all.js';
import type { CompiledPlan, PlanInput } from '../../src/plan.js';
import type { OpSpec } from '../../src/op_spec.js';
import { BINARY, REDUCE_KINDS, UNARY } from '../../src/prims.js';
import { ConcatV2, Pad, Slice, Transpose } from '../../src/ops/movement.js';
import { GatherV2, OneHot } from '../../src/ops/indexing.js';
import { SparseSoftmaxCrossEntropyWithLogits } from '../../src/ops/nn.js';
import { RandomStandardNormal, RandomUniform, TruncatedNormal } from '../../src/ops/random.js';
import { ApplyAdam } from '../../src/ops/training.js';
import { compileProgram } from '../../codegen/pipeline.js';
import { jitCompiler } from '../../codegen/jit.js';
import { wasmBackendWith } from '../../codegen/backend.js';
import {
  fetchDiff, FAMILIES, floatArray, mulberry32, randomGraph, seededPick, type Pick, type RandomGraph,
} from '../_lib/random_graph.js';
import { property } from '../_lib/property.js';
import { toleranceDiff, type Tolerance } from '../_lib/tolerance.js';

const RUNS = Number(process.env.FC_RUNS ?? 1500);
// why: the IR verifier runs between passes on every plan these tests compile.
process.env.TFGEN_VERIFY ??= '1';

interface Stats { graphs: number; plans: number; compiled: number; withGrads: number; sharedGraphs: number; batchGraphs: number; onBackend: number }
const newStats = (): Stats => ({ graphs: 0, plans: 0, compiled: 0, withGrads: 0, sharedGraphs: 0, batchGraphs: 0, onBackend: 0 });

/** The backend under test: its sessions, and the tolerance a plan of it is held to against the interpreter. */
interface Target {
  readonly name: string;
  session(graph: tf.Graph): tf.Session;
  /** `matmul`: the bound of the graph's matmuls when the backend's own matmul may change the order of the sums. */
  tolerance(plan: CompiledPlan | null, graph: tf.Graph, matmul?: Tolerance): Tolerance;
}

const js: Target = { name: 'js', session: (graph) => new tf.Session({ graph }), tolerance: () => 'exact' };

const MATMUL_OPS = new Set(['MatMul', 'BatchMatMul', 'BatchMatMulV2']);
/**
 * Op types whose lowering uses wasm's own exp/log (wasm/vector_math.ts, within 1 ulp); every other
 * op of a wasm kernel is a single IEEE float32 operation, an int32/bool operation or an ordered sum.
 */
const WASM_TRANSCENDENTAL_OPS = new Set(['Exp', 'Expm1', 'Log', 'Log1p', 'Tanh', 'Sigmoid', 'Softplus', 'Elu', 'Selu', 'Pow',
  'Softmax', 'LogSoftmax', 'SoftmaxCrossEntropyWithLogits', 'SparseSoftmaxCrossEntropyWithLogits']);
/**
 * The wasm backend: bit for bit while its kernels hold no transcendental (elementwise float32,
 * int32 and bool, sums in the reference's order); 2 float32 ulps once one does (its own
 * exp/log/tanh/sigmoid are within 1 ulp of the reference, measured equal on 2^28 inputs, so a
 * graph of them may differ by a rounding or two). Its default float32 matmul is held to the bound
 * the caller states (the LARGER family's), its 'f64' matmul is bit-identical.
 */
function wasmTarget(matmul: 'f32' | 'f64'): Target {
  return {
    name: 'wasm',
    session: (graph) => (matmul === 'f32' ? new tf.Session({ graph, ...WASM_ALL })
      : new tf.Session({ graph, compiler: jitCompiler({ backend: wasmBackendWith({ minWork: 0, matmul }) }) })),
    tolerance(plan, graph, bound) {
      const types = new Set(plan?.data.kernels.filter((k) => k.runsOn === 'wasm').flatMap((k) => k.ops.map((name) => graph.getOperationByName(name)?.type ?? '?')));
      const hasMatmul = [...types].some((t) => MATMUL_OPS.has(t));
      if (hasMatmul && matmul === 'f32') return bound ?? { ulps: 2 };
      return [...types].some((t) => WASM_TRANSCENDENTAL_OPS.has(t)) ? { ulps: 2 } : 'exact';
    },
  };
}
const wasm = wasmTarget('f32');

/**
 * The wasm backend with its bit-identical matmul ({matmul: 'f64'}), for graphs where a value
 * derived from a matmul meets a jump (floor, compares, where, relu's gradient) or IEEE specials:
 * there a float32 sum in another order may land on the other side, beyond any bound.
 */
const wasmExactMatmul = wasmTarget('f64');

const GPU_MODE = (process.env.TFGEN_GPU_MODE ?? 'cpu') as tf.GpuMode;
/**
 * The gpu backend in the gpu.js mode asked for (cpu in npm test: each kernel in float64, rounded
 * once; TFGEN_GPU_MODE=headlessgl under xvfb-run: GLSL on llvmpipe, about 2 minutes): float32 to
 * within a relative and absolute 1e-4 of the reference, on graphs without fed IEEE specials, and
 * any value where the reference's is NaN or ±Infinity (GLSL does not promise them).
 */
const gpu: Target = {
  name: 'gpu',
  session: (graph) => new tf.Session({ graph, backend: 'gpu', gpu: { mode: GPU_MODE } }),
  tolerance: (plan, _graph, bound) => (plan?.data.kernels.some((k) => k.runsOn === 'gpu') ? bound ?? { rtol: 1e-4, atol: 1e-4, nonFinite: 'any' } : 'exact'),
};

/** fetchDiff when exact (its messages), the tolerance otherwise. */
const differs = (got: unknown, want: unknown, tol: Tolerance) => (tol === 'exact' ? fetchDiff(got, want) : toleranceDiff(got, want, tol));
const ownKernels = (plan: CompiledPlan | null, target: Target) => (plan ? plan.data.kernels.filter((k) => (k.runsOn ?? 'js') === target.name).length : 0);

type Outcome = { value: unknown[] } | { error: Error };

function attempt(fn: () => unknown[]): Outcome {
  try {
    return { value: fn() };
  } catch (e) {
    return { error: e as Error };
  }
}

const isFloat = (t: tf.Tensor) => t.dtype === 'float32' || t.dtype === 'float64';

/** d(sum of the float outputs)/d(float placeholders), as tensors and as the code that built them. */
function gradientsOf(rg: RandomGraph): { grads: tf.Tensor[]; text: string } {
  const outs = rg.outputs.filter((v) => isFloat(v.t));
  if (!outs.length || !rg.floatInputs.length) return { grads: [], text: '' };
  return rg.graph.asDefault(() => {
    const one = outs.length === 1;
    const loss = one ? tf.reduceSum(outs[0].t) : tf.addN(outs.map((v) => tf.reduceSum(tf.cast(v.t, 'float64'))));
    const lossText = one ? `tf.reduceSum(${outs[0].name})`
      : `tf.addN([${outs.map((v) => `tf.reduceSum(tf.cast(${v.name}, 'float64'))`)}])`;
    const xs = rg.floatInputs;
    const all = tf.gradients(loss, xs.map((v) => v.t));
    const kept = all.flatMap((g, i) => (g ? [{ g, x: xs[i].name }] : []));
    return { grads: kept.map((k) => k.g), text: `gradients of ${lossText} w.r.t. [${kept.map((k) => k.x)}]` };
  });
}

/**
 * Runs the graph's fetches (values, then values + gradients) with both feed sets in a compiled
 * and an interpreting session; throws a readable report at the first difference.
 */
function checkGraph(rg: RandomGraph, stats: Stats, target: Target = js): void {
  stats.graphs++;
  const outs: (tf.Tensor | tf.Variable)[] = [...rg.outputs.map((v) => v.t), ...rg.variables];
  const { grads, text: gradText } = gradientsOf(rg);
  if (grads.length) stats.withGrads++;
  const sc = target.session(rg.graph);
  const si = new tf.Session({ graph: rg.graph, executor: 'interpreter' });
  let worst: Tolerance = 'exact';
  try {
    if (rg.init) { sc.run(rg.init); si.run(rg.init); }
    const runs: [string, (tf.Tensor | tf.Variable)[]][] = [['values', outs]];
    if (grads.length) runs.push(['values and gradients', [...outs, ...grads]]);
    for (const [what, fetches] of runs) {
      rg.feeds.forEach((feeds, fi) => {
        const expected = attempt(() => si.run(fetches, feeds));
        // why: reused output buffers must still hold this run's values (compared before the next run).
        const got = attempt(() => sc.run(fetches, feeds, { reuseOutputs: true }));
        const plan = sc._planFor(fetches, feeds);
        if (fi === 0) { stats.plans++; if (plan) stats.compiled++; stats.onBackend += ownKernels(plan, target); }
        const tol = target.tolerance(plan, rg.graph);
        if (tol !== 'exact') worst = tol;
        const report = (msg: string) => new Error(`${msg} [${target.name}, ${what}, feed set ${'AB'[fi]}]\n` +
          `graph:\n${rg.text}\n${grads.length ? `${gradText}\n` : ''}` +
          `plan: ${plan ? `${plan.kernelCount} kernels\n${plan.source}` : 'not compiled (interpreted)'}`);
        if ('error' in expected || 'error' in got) {
          const e = 'error' in expected ? expected.error : undefined, c = 'error' in got ? got.error : undefined;
          if (!e || !c || e.constructor !== c.constructor || e.message !== c.message) {
            throw report(`errors differ: compiled ${c ? `${c.constructor.name}: ${c.message}` : 'succeeded'}; ` +
              `interpreter ${e ? `${e.constructor.name}: ${e.message}` : 'succeeded'}`);
          }
          return;
        }
        fetches.forEach((t, k) => {
          const d = differs(got.value[k], expected.value[k], tol);
          if (d) throw report(`compiled ≠ interpreted for fetch ${k} (${t.name})${tol === 'exact' ? '' : ` at ${JSON.stringify(tol)}`}: ${d}`);
        });
      });
    }
    for (const v of rg.variables) {
      const d = differs(sc.run(v), si.run(v), worst);
      if (d) throw new Error(`compiled ≠ interpreted [${target.name}]: variable ${v.name} after the runs: ${d}\ngraph:\n${rg.text}`);
    }
  } finally {
    sc.close();
    si.close();
  }
}

const RANDOM_GRAPHS = 'random graphs: compiled values and gradients equal the interpreter\'s, bit for bit';
test(RANDOM_GRAPHS, () => {
  const stats = newStats();
  property(RANDOM_GRAPHS, RUNS, (p) => checkGraph(randomGraph(p), stats));
  if (process.env.FC_REPLAY) return;
  // why: a compiler that fell back to the interpreter everywhere would pass the comparison.
  assert.ok(stats.compiled >= 0.6 * stats.plans, `only ${stats.compiled} of ${stats.plans} plans compiled`);
  assert.ok(stats.withGrads >= 0.25 * stats.graphs, `only ${stats.withGrads} of ${stats.graphs} graphs had gradients`);
});

/**
 * A batch-polymorphic graph: placeholders [null, c] fed with several batch sizes, so one
 * session compiles one plan per feed shape and reuses it (elementwise chains with row and
 * column broadcasting, row reductions, softmax, and a matmul head).
 */
function batchGraph(p: Pick): { graph: tf.Graph; run: (sc: tf.Session, si: tf.Session, stats: Stats, target?: Target) => void } {
  const graph = new tf.Graph();
  return graph.asDefault(() => {
    const rng = mulberry32(p.int(0, 0x7fffffff));
    const dtype = p.int(0, 1) ? 'float64' : 'float32';
    const c = p.int(1, 4);
    const lines: string[] = [];
    const vals: { t: tf.Tensor; name: string; col: boolean }[] = [];
    const add = (t: tf.Tensor, code: string, col = false) => {
      const name = `v${vals.length}`;
      vals.push({ t, name, col });
      lines.push(`const ${name} = ${code};`);
      return vals[vals.length - 1];
    };
    const ps = Array.from({ length: p.int(1, 3) },
      () => add(tf.placeholder(dtype, [null, c]), `tf.placeholder('${dtype}', [null, ${c}])`));
    const row = () => Array.from({ length: c }, () => Math.round(rng() * 8 - 4) / 2);
    const steps = p.int(1, 6);
    for (let i = 0; i < steps; i++) {
      const a = vals[p.int(0, vals.length - 1)];
      switch (p.int(0, 5)) {
        case 0: {
          const f = (['negative', 'square', 'exp', 'tanh', 'sigmoid', 'abs'] as const)[p.int(0, 5)];
          add(tf[f](a.t), `tf.${f}(${a.name})`, a.col);
          break;
        }
        case 1: {
          const f = (['add', 'subtract', 'multiply', 'maximum', 'squaredDifference'] as const)[p.int(0, 4)];
          const kind = p.int(0, 2);
          if (kind === 0) {
            const b = vals[p.int(0, vals.length - 1)];
            add(tf[f](a.t, b.t), `tf.${f}(${a.name}, ${b.name})`, a.col && b.col);
          } else {
            const r = kind === 1 ? row() : [row()[0]];
            const k = tf.constant(r, { dtype });
            add(tf[f](a.t, k), `tf.${f}(${a.name}, tf.constant([${r}], {dtype: '${dtype}'}))`, a.col && r.length === 1);
          }
          break;
        }
        case 2: add(tf.nn.relu(a.t), `tf.nn.relu(${a.name})`, a.col); break;
        case 3: {
          const f = (['reduceSum', 'reduceMax', 'reduceMean'] as const)[p.int(0, 2)];
          add(tf[f](a.t, [1], true), `tf.${f}(${a.name}, [1], true)`, true);
          break;
        }
        case 4: {
          const b = vals[p.int(0, vals.length - 1)];
          const code = `tf.where(tf.greater(${a.name}, ${b.name}), ${a.name}, ${b.name})`;
          add(tf.where(tf.greater(a.t, b.t), a.t, b.t), code, a.col && b.col);
          break;
        }
        default: add(tf.nn.softmax(a.t), `tf.nn.softmax(${a.name})`, a.col);
      }
    }
    let out = vals[vals.length - 1];
    const head = p.int(0, 2);
    if (head === 1) out = add(tf.reduceSum(out.t, [0]), `tf.reduceSum(${out.name}, [0])`);
    else if (head === 2) {
      const k = out.col ? 1 : c, m = p.int(1, 3);
      const w = Array.from({ length: k * m }, () => Math.round(rng() * 8 - 4) / 4);
      const bias = Array.from({ length: m }, () => Math.round(rng() * 8 - 4) / 4);
      const mm = tf.matmul(out.t, tf.constant(w, { dtype, shape: [k, m] }));
      out = add(tf.nn.relu(tf.add(mm, tf.constant(bias, { dtype }))),
        `tf.nn.relu(tf.add(tf.matmul(${out.name}, tf.constant([${w}], {shape: [${k}, ${m}]})), tf.constant([${bias}])))`);
    }
    const [dx] = tf.gradients(tf.reduceSum(out.t), [ps[0].t]);
    const fetches = dx ? [out.t, dx] : [out.t];
    // why: sizes of at least 2 share one plan with the batch as a run-time dim; 1 gets its own.
    const batches = [p.int(1, 5), p.int(1, 7), p.int(2, 9)];
    batches.push(batches[0]);
    lines.push(`// fetch ${out.name}${dx ? ` and d(sum ${out.name})/d${ps[0].name}` : ''} with batch sizes ${batches}`);
    const run = (sc: tf.Session, si: tf.Session, stats: Stats, target = js) => {
      stats.graphs++;
      const plans = new Set<unknown>();
      for (const n of batches) {
        const feeds = new Map(ps.map((v) => [v.t, new tf.NDArray(floatArray(dtype, n * c, () => rng() * 6 - 3), [n, c], dtype)] as const));
        const expected = si.run(fetches, feeds) as unknown[];
        const got = sc.run(fetches, feeds) as unknown[];
        const plan = sc._planFor(fetches, feeds);
        const tol = target.tolerance(plan, graph);
        fetches.forEach((t, k) => {
          const d = differs(got[k], expected[k], tol);
          if (d) throw new Error(`batch ${n} [${target.name}]: compiled ≠ interpreted for ${t.name}: ${d}\n${lines.join('\n')}\n${plan?.source ?? 'not compiled'}`);
        });
        stats.plans++;
        stats.onBackend += ownKernels(plan, target);
        if (plan) stats.compiled++;
        if (n >= 2) plans.add(plan);
      }
      if (plans.size) stats.batchGraphs++;
      if (plans.size === 1 && [...plans][0] && (batches.filter((n) => n >= 2).length < 2 || (plans.values().next().value as { parametric?: boolean }).parametric)) stats.sharedGraphs++;
    };
    return { graph, run };
  });
}

const BATCH = 'unknown batch dims: one plan for every batch size of at least 2 (run-time dims), equal to the interpreter';
test(BATCH, () => {
  const stats = newStats();
  property(BATCH, Math.ceil(RUNS / 5), (p) => {
    const { graph, run } = batchGraph(p);
    using sc = new tf.Session({ graph });
    using si = new tf.Session({ graph, executor: 'interpreter' });
    run(sc, si, stats);
  });
  if (process.env.FC_REPLAY) return;
  assert.ok(stats.compiled >= 0.9 * stats.plans, `only ${stats.compiled} of ${stats.plans} plans compiled`);
  // why: these graphs use only ops that take run-time dims: the batch sizes share one plan.
  assert.ok(stats.sharedGraphs >= 0.9 * stats.batchGraphs, `only ${stats.sharedGraphs} of ${stats.batchGraphs} graphs ran their batch sizes ≥ 2 on one plan`);
});

/** Matmuls up to 70 with transposes, epilogues, reductions and gradients, on a target against the interpreter. */
function checkLarger(p: Pick, target: Target, stats: Stats): void {
    const graph = new tf.Graph();
    graph.asDefault(() => {
      const rng = mulberry32(p.int(0, 0x7fffffff));
      const dtype = p.int(0, 1) ? 'float64' : 'float32';
      const [m, k, n] = [p.int(1, 70), p.int(1, 70), p.int(1, 70)];
      const ta = p.int(0, 1) === 1, tb = p.int(0, 1) === 1;
      const a = tf.placeholder(dtype, [null, null], 'a'), b = tf.placeholder(dtype, [null, null], 'b');
      const bias = tf.placeholder(dtype, [n], 'bias');
      const mm = tf.matmul(a, b, { transposeA: ta, transposeB: tb });
      const epilogues = [() => mm, () => tf.add(mm, bias), () => tf.nn.relu(tf.add(mm, bias)),
        () => tf.sigmoid(tf.subtract(tf.multiply(mm, 0.5), bias))];
      const which = p.int(0, 3);
      const epilogue = epilogues[which]();
      const axis = p.int(0, 2);
      const reduced = axis === 2 ? tf.reduceSum(epilogue) : tf.reduceMean(epilogue, [axis]);
      // why: relu's gradient jumps at 0, where a matmul whose sums run in another order may land on the other side.
      const grads = target === js || which !== 2 ? tf.gradients(tf.reduceSum(epilogue), [a, b, bias]).filter((t): t is tf.Tensor => t !== null) : [];
      const fetches = [epilogue, reduced, ...grads];
      const value = () => Math.round(rng() * 64 - 32) / 16 + rng() / 7;
      const arr = (r: number, c: number) => new tf.NDArray(floatArray(dtype, r * c, value), [r, c], dtype);
      const feeds = new Map([
        [a, ta ? arr(k, m) : arr(m, k)], [b, tb ? arr(n, k) : arr(k, n)], [bias, new tf.NDArray(floatArray(dtype, n, rng), [n], dtype)],
      ]);
      using sc = target.session(graph);
      using si = new tf.Session({ graph, executor: 'interpreter' });
      const expected = si.run(fetches, feeds) as unknown[];
      const got = sc.run(fetches, feeds) as unknown[];
      const plan = sc._planFor(fetches, feeds);
      assert.ok(plan, 'compiled');
      stats.plans++;
      stats.onBackend += ownKernels(plan, target);
      // why: the wasm matmul's float32 sums are within (K+2)·2⁻²⁴·Σ|ab| of the reference (codegen/README.md),
      // bias+relu within (K+3)·2⁻²⁴·(Σ|ab|+|bias|); K is the longest contraction here (the gradients
      // contract over m and n, |d epilogue| ≤ 1), each operand below 2.2, a bias below 1.
      const K = Math.max(m, k, n), atol = (K + 3) * 2 ** -24 * (K * 2.2 * 2.2 + 1);
      const tol = target.tolerance(plan, graph, { atol, ulps: 2 });
      // the sum of all m·n elements adds their errors
      const sumTol = target.tolerance(plan, graph, { atol: atol * m * n, ulps: 2 });
      fetches.forEach((t, i) => {
        const d = differs(got[i], expected[i], i === 1 && axis === 2 ? sumTol : tol);
        if (d) throw new Error(`${target.name} ${dtype} [${m},${k}]·[${k},${n}] ta=${ta} tb=${tb}: ${t.name}: ${d}`);
      });
    });
}

const LARGER = 'larger shapes: blocked matmuls with transposes and epilogues, and reductions, equal the interpreter';
test(LARGER, () => {
  property(LARGER, Math.ceil(RUNS / 75), (p) => checkLarger(p, js, newStats()));
});

/** A small dense model trained a few steps by each optimizer, compiled against interpreted. */
function checkOptimizers(dtypes: readonly ('float32' | 'float64')[], target = js, stats = newStats()): void {
  const makers: [string, () => tf.train.Optimizer][] = [
    ['GradientDescent', () => new tf.train.GradientDescentOptimizer(0.05)],
    ['Momentum', () => new tf.train.MomentumOptimizer(0.05, 0.9)],
    ['Momentum (Nesterov)', () => new tf.train.MomentumOptimizer(0.05, 0.9, { useNesterov: true })],
    ['Adam', () => new tf.train.AdamOptimizer(0.05)],
    ['RMSProp', () => new tf.train.RMSPropOptimizer(0.05, { momentum: 0.5 })],
    ['RMSProp (centered)', () => new tf.train.RMSPropOptimizer(0.05, { centered: true })],
    ['Adagrad', () => new tf.train.AdagradOptimizer(0.1)],
  ];
  for (const dtype of dtypes) {
    for (const [name, make] of makers) {
      const graph = new tf.Graph();
      graph.asDefault(() => {
        const rng = mulberry32(7);
        const x = tf.placeholder(dtype, [null, 3]);
        const y = tf.placeholder(dtype, [null, 2]);
        const w = new tf.Variable(tf.constant([0.1, -0.2, 0.3, 0.4, -0.5, 0.6], { dtype, shape: [3, 2] }), { name: 'w' });
        const b = new tf.Variable(tf.zeros([2], dtype), { name: 'b' });
        const loss = tf.reduceMean(tf.squaredDifference(tf.nn.relu(tf.add(tf.matmul(x, w), b)), y));
        const train = make().minimize(loss);
        using sc = target.session(graph);
        using si = new tf.Session({ graph, executor: 'interpreter' });
        const init = tf.globalVariablesInitializer();
        let tol: Tolerance = 'exact';
        sc.run(init);
        si.run(init);
        for (let step = 0; step < 4; step++) {
          const n = 5;
          const arr = (k: number) => new tf.NDArray(floatArray(dtype, n * k, () => rng() * 4 - 2), [n, k], dtype);
          const feeds = new Map([[x, arr(3)], [y, arr(2)]]);
          const expected = si.run([loss, train, w, b], feeds) as unknown[];
          const got = sc.run([loss, train, w, b], feeds) as unknown[];
          const plan = sc._planFor([loss, train, w, b], feeds);
          stats.plans++;
          stats.onBackend += ownKernels(plan, target);
          // why: a few steps of float32 matmul sums in another order move the weights by a few ulps each.
          tol = target.tolerance(plan, graph, { rtol: 1e-4, atol: 1e-5 });
          ['loss', 'train', 'w (start of run)', 'b (start of run)'].forEach((what, k) => {
            const d = differs(got[k], expected[k], tol);
            if (d) assert.unreachable(`${target.name}: ${name} ${dtype} step ${step}: ${what}: ${d}`);
          });
        }
        for (const v of [w, b]) {
          const d = differs(sc.run(v), si.run(v), tol);
          if (d) assert.unreachable(`${target.name}: ${name} ${dtype}: final ${v.name}: ${d}`);
        }
      });
    }
  }
}

test('optimizers: compiled training steps equal interpreted ones, bit for bit', () => {
  checkOptimizers(['float32', 'float64']);
});

// ---- the wasm backend: the same families, fewer runs, at its stated tolerances ----
// The general and batch graphs run its exact matmul (their matmuls feed jumps); the larger
// graphs and the optimizer steps its default float32 matmul at the bound.

const WASM_GRAPHS = 'random graphs on the wasm backend: values and gradients equal the interpreter\'s at its stated tolerances';
test(WASM_GRAPHS, () => {
  const stats = newStats();
  property(WASM_GRAPHS, Math.ceil(RUNS / 5), (p) => checkGraph(randomGraph(p), stats, wasmExactMatmul), WASM_GRAPHS);
  if (process.env.FC_REPLAY) return;
  assert.ok(stats.compiled >= 0.6 * stats.plans, `only ${stats.compiled} of ${stats.plans} plans compiled`);
  // why: a backend that ran every kernel in JS would pass the comparison (about a third of these
  // plans have a wasm kernel today; many graphs are int32 or bool, which stay in JS).
  assert.ok(stats.onBackend >= 0.2 * stats.plans, `only ${stats.onBackend} wasm kernels in ${stats.plans} plans`);
});

const WASM_BATCH = 'unknown batch dims on the wasm backend: equal to the interpreter at its stated tolerances';
test(WASM_BATCH, () => {
  const stats = newStats();
  property(WASM_BATCH, Math.ceil(RUNS / 25), (p) => {
    const { graph, run } = batchGraph(p);
    using sc = wasmExactMatmul.session(graph);
    using si = new tf.Session({ graph, executor: 'interpreter' });
    run(sc, si, stats, wasmExactMatmul);
  }, WASM_BATCH);
  if (process.env.FC_REPLAY) return;
  assert.ok(stats.onBackend >= 0.5 * stats.plans, `only ${stats.onBackend} wasm kernels in ${stats.plans} plans`);
});

const WASM_LARGER = 'larger shapes on the wasm backend: matmuls, epilogues, reductions and gradients within the matmul bound';
test(WASM_LARGER, () => {
  const stats = newStats();
  property(WASM_LARGER, Math.ceil(RUNS / 75), (p) => checkLarger(p, wasm, stats), WASM_LARGER);
  // why: the float32 half of the graphs has wasm kernels (float64 stays in JS).
  if (!process.env.FC_REPLAY) assert.ok(stats.onBackend >= 0.25 * stats.plans, `only ${stats.onBackend} wasm kernels in ${stats.plans} plans`);
});

// ---- the gpu backend: a few graphs, at its float32 tolerance ----

const GPU_GRAPHS = 'random graphs on the gpu backend: values and gradients within its float32 tolerance of the interpreter\'s';
test(GPU_GRAPHS, () => {
  const stats = newStats();
  property(GPU_GRAPHS, Math.ceil(RUNS / 25), (p) => checkGraph(randomGraph(p, { specials: false }), stats, gpu), GPU_GRAPHS);
  if (process.env.FC_REPLAY) return;
  assert.ok(stats.onBackend >= 0.2 * stats.plans, `only ${stats.onBackend} gpu kernels in ${stats.plans} plans`);
});

const GPU_LARGER = 'larger shapes on the gpu backend: matmuls, epilogues, reductions and gradients within the matmul bound';
test(GPU_LARGER, () => {
  const stats = newStats();
  property(GPU_LARGER, Math.ceil(RUNS / 150), (p) => checkLarger(p, gpu, stats), GPU_LARGER);
  if (!process.env.FC_REPLAY) assert.ok(stats.onBackend >= 0.25 * stats.plans, `only ${stats.onBackend} gpu kernels in ${stats.plans} plans`);
});

test('optimizers on the gpu backend: training steps equal interpreted ones at its float32 tolerance', () => {
  const stats = newStats();
  checkOptimizers(['float32'], gpu, stats);
  assert.ok(stats.onBackend >= stats.plans, `only ${stats.onBackend} gpu kernels in ${stats.plans} plans`);
});

test('optimizers on the wasm backend: training steps equal interpreted ones at its stated tolerances', () => {
  const stats = newStats();
  checkOptimizers(['float32', 'float64'], wasm, stats);
  assert.ok(stats.onBackend >= stats.plans, `only ${stats.onBackend} wasm kernels in ${stats.plans} plans`);
});

/** What only some ops lower to: required in the coverage run once one of those ops has a lowering. */
const GATED: Record<string, readonly OpSpec[]> = {
  transpose: [Transpose], slice: [Slice], concat: [ConcatV2], pad: [Pad], gather: [GatherV2],
  'kernel:movement': [Transpose, Slice, ConcatV2, Pad, GatherV2],
  random: [RandomUniform, RandomStandardNormal, TruncatedNormal],
  fma: [ApplyAdam],
};
/** Ops the generator makes that may run as host calls: `host` is required while one has no lowering. */
const MAYBE_HOST: readonly OpSpec[] = [
  RandomUniform, RandomStandardNormal, TruncatedNormal, OneHot, SparseSoftmaxCrossEntropyWithLogits,
];

test('fixed-seed run: every primitive, reduction kind, kernel kind, op type and op family is compiled and checked', () => {
  const seen = new Set<string>();
  const families = new Set<string>();
  const compiledOps = new Set<string>(), builtOps = new Set<string>();
  const previous = tf.Session.defaultCompiler;
  if (!previous) return assert.unreachable('the tfgen entry installs the JIT compiler');
  // why: record what each compiled plan contains, then compile it as usual.
  tf.Session.defaultCompiler = ((input: PlanInput) => {
    try {
      const { program, schedule } = compileProgram(input);
      for (const op of [...input.schedule, ...input.feeds.map((f) => f.tensor.op)]) compiledOps.add(op.type);
      for (const n of program.nodes) {
        seen.add(n.prim);
        if (n.prim === 'reduce') seen.add(`reduce:${n.attrs.kind}`);
      }
      for (const k of schedule.kernels) {
        if (k.kind === 'map' && k.epilogueOf !== undefined) seen.add('kernel:matmul+epilogue');
        else if (k.kind === 'reduce' && k.body.length) seen.add('kernel:reduce+fused');
        else seen.add(`kernel:${k.kind}`);
      }
    } catch {
      // not compilable: the session interprets it (counted by the properties above)
    }
    return previous(input);
  });
  try {
    const stats = newStats();
    for (let seed = 1; seed <= 400; seed++) {
      const rg = randomGraph(seededPick(seed));
      for (const f of rg.families) families.add(f);
      for (const op of rg.graph.getOperations()) builtOps.add(op.type);
      checkGraph(rg, stats);
    }
    const g = seededPick(1);
    for (let i = 0; i < 20; i++) {
      const { graph, run } = batchGraph(g);
      using sc = new tf.Session({ graph });
      using si = new tf.Session({ graph, executor: 'interpreter' });
      run(sc, si, stats);
    }
    checkOptimizers(['float32']);
  } finally {
    tf.Session.defaultCompiler = previous;
  }
  const required = [
    'input', 'const', 'read', ...UNARY, ...BINARY, 'where', 'cast', 'reduce', 'matmul', 'reshape',
    ...REDUCE_KINDS.map((k) => `reduce:${k}`),
    'kernel:map', 'kernel:reduce', 'kernel:reduce+fused', 'kernel:matmul', 'kernel:matmul+epilogue', 'kernel:alias',
    ...Object.keys(GATED).filter((prim) => GATED[prim].some((spec) => spec.lower)),
    ...(MAYBE_HOST.some((spec) => !spec.lower) ? ['host', 'kernel:host'] : []),
  ];
  const missing = required.filter((x) => !seen.has(x));
  assert.equal(missing, [], `never compiled in the fixed-seed run: ${missing.join(', ')}`);
  // every op type of the generated graphs (incl. gradient graphs) ran in a compiled plan, value-checked
  const neverCompiled = [...builtOps].filter((t) => !compiledOps.has(t));
  assert.equal(neverCompiled, [], `op types never run by a compiled plan: ${neverCompiled.join(', ')}`);
  const unusedFamilies = Object.keys(FAMILIES).filter((f) => !families.has(f));
  assert.equal(unusedFamilies, [], `op families never generated: ${unusedFamilies.join(', ')}`);
});

test.run();
