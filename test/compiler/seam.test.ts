// The backend seam: a compiled plan is data (JSON-able apart from typed arrays), bound to a
// session by names; a plan that went through JSON and a fresh instantiation (as a precompiled
// module's plan does) runs through the same session path with the JIT's numbers; host calls
// find their kernels by op type; the parts of src/ load without the compiler.
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { allocate } from '../../src/dtypes.js';
import { bindPlan, type PlanCompiler, type PlanInput } from '../../src/plan.js';
import type { PlanData } from '../../src/runtime/plan_data.js';
import { instantiatePlan, type PlanFactory } from '../../src/runtime/runner.js';
import { opSpec, opTypes } from '../../src/runtime/op_table.js';
import { JS_FACTORY_PARAMS, jsBackend } from '../../codegen/backend.js';
import { compileProgram } from '../../codegen/pipeline.js';
import { PRELUDE } from '../../codegen/render/js_exprs.js';
import * as kernelLib from '../../src/runtime/kernel_lib.js';
import { opsNotStandalone } from '../../codegen/plan_data.js';
import { planMemory } from '../../codegen/plan_memory.js';
import { verifyMemory } from '../../codegen/verify.js';
import { fetchDiff, mulberry32 } from '../_lib/random_graph.js';

/** The fed shapes of a plan input, by tensor (what bindPlan sizes the plan for). */
const shapesOf = (input: PlanInput) => (t: tf.Tensor) => input.feeds.find((f) => f.tensor === t)?.shape;

/** PlanData → JSON text, typed arrays as {dtype, values} (what a module writer might do). */
function toJson(data: PlanData): string {
  return JSON.stringify({ ...data, constants: data.constants.map((c) => ({ ...c, data: Array.from(c.data) })) });
}

function fromJson(text: string): PlanData {
  const raw = JSON.parse(text) as Omit<PlanData, 'constants'> & { constants: { dtype: tf.DType; shape: number[]; data: number[] }[] };
  const restore = (dtype: tf.DType, values: number[]) => {
    const a = allocate(dtype, values.length);
    values.forEach((v, i) => { a[i] = v; });
    return a;
  };
  return { ...raw, constants: raw.constants.map((c) => ({ ...c, data: restore(c.dtype, c.data) })) };
}

/** A small training step with host calls (a seeded random op, the sparse cross-entropy) and an Adam update. */
function mlpStep() {
  const g = new tf.Graph();
  return g.asDefault(() => {
    const rng = mulberry32(5);
    const x = tf.placeholder('float32', [4, 3], 'x');
    const labels = tf.placeholder('int32', [4], 'labels');
    const init = (r: number, c: number) => tf.constant(Array.from({ length: r * c }, () => rng() - 0.5), { shape: [r, c] });
    const w = new tf.Variable(init(3, 5), { name: 'w' }), b = new tf.Variable(tf.zeros([5]), { name: 'b' });
    const noisy = tf.add(x, tf.multiply(tf.randomUniform([4, 3], { seed: 7 }), 0.01));
    const logits = tf.add(tf.matmul(noisy, w), b, 'logits');
    const loss = tf.reduceMean(tf.nn.sparseSoftmaxCrossEntropyWithLogits({ labels, logits }), undefined, false, 'loss');
    const train = new tf.train.AdamOptimizer(0.05).minimize(loss);
    const feeds = new Map<tf.Tensor, tf.NDArray>([
      [x, new tf.NDArray(Float32Array.from({ length: 12 }, () => rng() * 2 - 1), [4, 3], 'float32')],
      [labels, new tf.NDArray(Int32Array.of(0, 3, 1, 4), [4], 'int32')],
    ]);
    return { g, x, labels, w, b, loss, train, feeds, initOp: tf.globalVariablesInitializer() };
  });
}

test('a plan is data: after a JSON round trip and a fresh instantiation it runs in a session with the JIT\'s numbers', () => {
  const m = mlpStep();
  let data: PlanData | undefined;
  // why: a compiler that serves the plan from JSON, as a precompiled module serves its plans.
  const fromText: PlanCompiler = (input: PlanInput) => {
    data = fromJson(toJson(compileProgram(input).data));
    const factory = new Function(...JS_FACTORY_PARAMS, data.text) as PlanFactory;
    const d = data;
    return bindPlan(d, (dims) => instantiatePlan(d, factory, opSpec, dims), input.graph, shapesOf(input));
  };
  using viaData = new tf.Session({ graph: m.g, compiler: fromText });
  using jit = new tf.Session({ graph: m.g });
  using interp = new tf.Session({ graph: m.g, executor: 'interpreter' });
  for (const s of [viaData, jit, interp]) s.run(m.initOp);
  for (let step = 0; step < 3; step++) {
    const results = [viaData, jit, interp].map((s) => s.run([m.loss, m.w, m.train], m.feeds) as unknown[]);
    for (let i = 0; i < 2; i++) {
      const d = fetchDiff(results[0][i], results[2][i]) ?? fetchDiff(results[1][i], results[2][i]);
      if (d) assert.unreachable(`step ${step}, fetch ${i}: ${d}`);
    }
  }
  assert.ok(viaData._planFor([m.loss, m.w, m.train], m.feeds), 'the plan served from data is used');
  assert.ok(data);
  assert.equal(data.feeds.map((f) => f.name), ['x:0', 'labels:0']);
  assert.equal(data.fetches.map((f) => f.name), ['loss:0', 'w:0']);
  assert.equal(data.targets, [m.train.name]);
  assert.equal(data.variables.map((v) => v.name).sort(), ['b', 'b/Adam', 'b/Adam_1', 'beta1_power', 'beta2_power', 'w', 'w/Adam', 'w/Adam_1']);
  assert.equal(data.hostCalls.map((h) => h.op.type), ['RandomUniform', 'SparseSoftmaxCrossEntropyWithLogits']);
  assert.equal(data.randomOps, ['random_uniform/RandomUniform']);
  assert.equal(JSON.parse(JSON.stringify(data.hostCalls[0].op)), data.hostCalls[0].op, 'a host call holds a plain op description');
  assert.ok(data.kernels.length >= 3 && data.kernels.every((k) => data!.text.includes(`// ${k.name}: ${k.ops.join(', ')}`)), 'kernels name their ops');
});

test('a session takes a precompiled plan\'s feeds in the plan\'s order', () => {
  const m = mlpStep();
  const reversed: PlanCompiler = (input) => {
    const flipped = { ...input, feeds: [...input.feeds].reverse() };
    const data = compileProgram(flipped).data;
    return bindPlan(data, (dims) => jsBackend.instantiate(data, opSpec, dims), input.graph, shapesOf(input));
  };
  using s = new tf.Session({ graph: m.g, compiler: reversed });
  using interp = new tf.Session({ graph: m.g, executor: 'interpreter' });
  s.run(m.initOp);
  interp.run(m.initOp);
  assert.equal(s._planFor(m.loss, m.feeds)!.data.feeds.map((f) => f.name), ['labels:0', 'x:0']);
  assert.is(s.run(m.loss, m.feeds), interp.run(m.loss, m.feeds));
});

test('opsNotStandalone lists the ops a plan calls reference kernels for; a fully lowered plan has none', () => {
  const m = mlpStep();
  const input = (fetches: tf.Tensor[], targets: tf.Operation[] = []) => {
    let seen: PlanInput | undefined;
    using probe = new tf.Session({ graph: m.g, compiler: (i) => { seen = i; return null; } });
    probe.run(m.initOp);
    probe.run([...fetches, ...targets], m.feeds);
    return seen!;
  };
  const withHost = compileProgram(input([m.loss])).data;
  assert.equal(opsNotStandalone(withHost).map((o) => `${o.type} ${o.name}`), [
    'RandomUniform random_uniform/RandomUniform',
    'SparseSoftmaxCrossEntropyWithLogits SparseSoftmaxCrossEntropyWithLogits/SparseSoftmaxCrossEntropyWithLogits',
  ]);
  assert.match(opsNotStandalone(withHost)[0].location ?? '', /seam\.test\.ts:\d+:\d+/);
  const lowered = m.g.asDefault(() => tf.nn.relu(tf.matmul(m.x, m.w)));
  assert.equal(opsNotStandalone(compileProgram(input([lowered])).data), []);
});

test('a plan with host calls instantiated without the op table fails naming the op and what to do', () => {
  const m = mlpStep();
  let data: PlanData | undefined;
  using s = new tf.Session({ graph: m.g, compiler: (i) => { data = compileProgram(i).data; return null; } });
  s.run(m.initOp);
  s.run(m.loss, m.feeds);
  const factory = new Function(...JS_FACTORY_PARAMS, data!.text) as PlanFactory;
  assert.throws(() => instantiatePlan(data!, factory), (e: Error) => e instanceof tf.errors.InvalidArgumentError
    && /reference kernel of RandomUniform \(op 'random_uniform\/RandomUniform'\).*tfgen\/runtime\/ops/.test(e.message));
});

test('binding plan data to a graph without its names fails with NotFoundError naming the op', () => {
  const m = mlpStep();
  let data: PlanData | undefined;
  using s = new tf.Session({ graph: m.g, compiler: (i) => { data = compileProgram(i).data; return null; } });
  s.run(m.initOp);
  s.run(m.loss, m.feeds);
  const other = new tf.Graph();
  other.asDefault(() => tf.placeholder('float32', [4, 3], 'x'));
  assert.throws(() => bindPlan(data!, (dims) => jsBackend.instantiate(data!, opSpec, dims), other, () => [4, 3]), (e: Error) => e instanceof tf.errors.NotFoundError
    && /A compiled plan refers to op '[^']+', which is not in this session's graph/.test(e.message));
});

test('the memory verifier catches a buffer overwritten while its value is still to be read', () => {
  const g = new tf.Graph();
  g.asDefault(() => {
    const x = tf.placeholder('float32', [3], 'x');
    const a = tf.exp(x), b = tf.sqrt(a);
    const y = tf.add(tf.reduceSum(a), tf.reduceSum(b));
    let captured: PlanInput | undefined;
    using s = new tf.Session({ compiler: (i) => { captured = i; return null; } });
    s.run(y, { x: [1, 2, 3] });
    const c = compileProgram(captured!, { verify: true });
    verifyMemory(c.schedule, c.memory);
    const broken = planMemory(c.schedule);
    const slots = [...broken.slotOf.values()];
    assert.ok(new Set(slots).size > 1, 'the plan uses several buffers');
    for (const id of broken.slotOf.keys()) broken.slotOf.set(id, 0);
    assert.throws(() => verifyMemory(c.schedule, broken), /overwritten in b0/);
  });
});

test('an op module loads on its own (no hidden registration): src/ops/math_binary.ts builds an Add', () => {
  const code = "const m = await import('./src/ops/math_binary.ts'); const t = m.add(2, 3); console.log(t.name, t.op.inputs.map((i) => i.op.type).join());";
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { encoding: 'utf8' });
  assert.is(out.trim(), 'Add:0 Const,Const');
});

test('the op table holds every op spec src/ defines (a new op module must be listed in it)', async () => {
  const root = new URL('../../src/', import.meta.url);
  const files = (readdirSync(root, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.startsWith('runtime'));
  const missing: string[] = [];
  let defined = 0;
  for (const file of files) {
    const mod = await import(new URL(file, root).href) as Record<string, unknown>;
    for (const v of Object.values(mod)) {
      const spec = v as { type?: unknown; infer?: unknown; reference?: unknown };
      if (!spec || typeof spec !== 'object' || typeof spec.type !== 'string' || typeof spec.reference !== 'function' || typeof spec.infer !== 'function') continue;
      defined++;
      if (opSpec(spec.type) !== spec) missing.push(`${spec.type} (${file})`);
    }
  }
  assert.ok(defined > 80, `${defined} op specs`);
  assert.equal([...new Set(missing)], [], 'add these modules to OP_MODULES in src/runtime/op_table.ts');
  assert.is(opSpec('MatMul')?.type, 'MatMul');
  assert.is(opSpec('NoSuchOp'), undefined);
  assert.ok(opTypes().length >= 80);
});

test('every helper the JS prelude takes from `lib` is in the factory\'s lib (src/runtime/kernel_lib.ts)', () => {
  const used = [...new Set([...PRELUDE.matchAll(/lib\.(\w+)/g)].map((m) => m[1]))];
  assert.ok(used.length >= 3, used.join());
  assert.equal(used.filter((name) => typeof (kernelLib as Record<string, unknown>)[name] !== 'function'), []);
});

test.run();
