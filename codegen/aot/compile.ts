// `tfgen compile`: model file → generated module + .d.ts (+ sidecar weights). The steps, in
// order: evaluate the model file; find the sess.run call sites of the sources; list the plans
// (signatures, call sites, the variable initializers); compile each with the pipeline into plan
// data (the one builder codegen has); bake checkpoint values; write the module and declarations
// all or nothing. `compileModel` is shared by the CLI and the esbuild plugin.
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import * as tf from '../../src/index.js';
import type { DType, TypedArray } from '../../src/dtypes.js';
import { buildSchedule } from '../../src/prune.js';
import { formatDims } from '../../src/shape.js';
import { decodeSafetensors } from '../../src/train/safetensors.js';
import type { PlanData } from '../../src/runtime/plan_data.js';
import { mixSeeds, DEFAULT_GRAPH_SEED } from '../../src/runtime/random.js';
import { backendNamed, jsBackend, type Backend } from '../backend.js';
import { compileProgram } from '../pipeline.js';
import type { Leaf, PlanRequest } from './call_sites.js';
import { CompileError, error, warning, type Diagnostic } from './diagnostics.js';
import { renderDts, type DtsExport } from './dts.js';
import { evaluateModel, type EvaluatedModel } from './model_file.js';
import { writeModule, type ModuleExport, type ModulePlan, type ModuleVariable } from './module_writer.js';
import { writeAtomically, type OutputFile } from './write_atomic.js';

export interface CompileOptions {
  /** Output folder (default: beside the model file). */
  outDir?: string;
  backend?: string;
  /** A safetensors checkpoint whose values are baked into the module. */
  weights?: string;
  standalone?: boolean;
  strict?: boolean;
  /** Inline every baked value, however large (bundler plugins: no sidecar file to ship). */
  inlineAll?: boolean;
  /** Type-check .ts model files first (default true). */
  typeCheck?: boolean;
}

export interface CompiledModule {
  readonly model: EvaluatedModel;
  readonly files: readonly OutputFile[];
  readonly plans: readonly ModulePlan[];
  readonly warnings: readonly Diagnostic[];
  /** Every file the result depends on (for watch modes). */
  readonly inputs: readonly string[];
}

type Element = tf.Tensor | tf.Operation;

/** Compiles one model file (not written yet: see writeAtomically). Throws CompileError. */
export async function compileModel(file: string, sources: readonly string[], opts: CompileOptions): Promise<CompiledModule> {
  const model = await evaluateModel(file, { typeCheck: opts.typeCheck !== false });
  const warnings: Diagnostic[] = [...model.warnings];
  const outDir = resolve(opts.outDir ?? dirname(model.file));
  const stem = basename(model.file).replace(/\.tf\.(ts|mts|js|mjs)$/, '');
  const rel = (p: string) => relative(outDir, p).split('\\').join('/');

  // call sites (normal modules only: a standalone module has signatures only)
  let requests: readonly PlanRequest[] = [];
  if (sources.length && !opts.standalone) {
    // why: ts-morph (TypeScript) is loaded only for call-site analysis or type checks.
    const [{ findCallSites, modelModulePaths }, { checkerProject }] = await Promise.all([import('./call_sites.js'), import('./type_check.js')]);
    const project = checkerProject();
    const sfs = sources.map((s) => project.addSourceFileAtPath(resolve(s)));
    const found = findCallSites(sfs, modelModulePaths(model.file, outDir), new Set(model.exports.map((e) => e.name)));
    const errors = found.diagnostics.filter((d) => d.severity === 'error');
    if (errors.length) throw new CompileError([...warnings, ...found.diagnostics]);
    warnings.push(...found.diagnostics);
    requests = found.requests;
  }

  const g = model.graph;
  const byExport = new Map(model.exports.map((e) => [e.name, e]));
  const element = (leaf: Leaf, site: string): Element => {
    if ('export' in leaf) {
      const e = byExport.get(leaf.export)!;
      if (e.kind === 'signature') throw siteError(site, `sess.run cannot fetch the signature '${leaf.export}'; call it instead`);
      if (e.kind === 'value') throw siteError(site, `sess.run cannot fetch '${leaf.export}', a plain value the model exports, not a tensor`);
      return e.kind === 'variable' ? e.value.ref : e.value;
    }
    try {
      return g.asGraphElement(leaf.name);
    } catch {
      throw siteError(site, `sess.run names '${leaf.name}', which is not in the graph of ${basename(model.file)}`);
    }
  };
  const feedTensor = (leaf: Leaf, site: string): tf.Tensor => {
    const el = 'name' in leaf && !leaf.name.includes(':') ? element({ name: `${leaf.name}:0` }, site) : element(leaf, site);
    if (!(el instanceof tf.Tensor)) throw siteError(site, `sess.run feeds ${el.name}, an operation; feed tensors`);
    return el;
  };

  const backend = backendNamed(opts.backend ?? 'js');
  if (opts.standalone && backend !== jsBackend) {
    throw new CompileError([...warnings, error(model.file, 0, 0, `a standalone module runs the JS backend only so far; compile without --standalone for --backend ${backend.name} (the module then imports tfgen/runtime, which runs its plans)`)]);
  }
  const plans: ModulePlan[] = [];
  const keys = new Map<string, number[]>();
  /** The plans of a fetch/feed set: one with run-time dims, plus one for unknown dims fed 1. */
  const addPlan = (origin: string, where: Where, fetched: readonly Element[], feeds: readonly tf.Tensor[]): number[] => {
    const tensors = [...new Set(fetched.filter((x): x is tf.Tensor => x instanceof tf.Tensor))];
    const targets = [...new Set(fetched.filter((x): x is tf.Operation => x instanceof tf.Operation))];
    const feedList = [...new Set(feeds)];
    const key = `${tensors.map((t) => t.name).sort()}|${targets.map((t) => t.name).sort()}|${feedList.map((t) => t.name).sort()}`;
    const seen = keys.get(key);
    if (seen !== undefined) return seen;
    const ids: number[] = [];
    const plan = (o: string, unknownAs?: number): ModulePlan => {
      const data = compilePlan(g, tensors, targets, feedList, where, unknownAs, backend);
      // why: where WebAssembly cannot be compiled (a CSP without 'wasm-unsafe-eval') or the gpu
      // device cannot open (no GL, with gpu: {fallback: 'js'}) the module runs the JS backend's
      // plan of the same run instead, so it carries that plan too.
      const offJs = data.kernels.some((k) => k.runsOn !== undefined && k.runsOn !== 'js');
      return { origin: o, data, ...(offJs ? { fallback: compilePlan(g, tensors, targets, feedList, where, unknownAs, jsBackend) } : {}) };
    };
    plans.push(plan(origin));
    ids.push(plans.length - 1);
    // why: a run-time dim is at least 2 (broadcasting and gradients differ at 1), and one sample is
    // the commonest predict; that case gets a plan specialised on 1.
    if (feedList.some((t) => t.shape?.includes(null))) {
      plans.push(plan(`${origin} (unknown dims fed 1)`, 1));
      ids.push(plans.length - 1);
    }
    keys.set(key, ids);
    return ids;
  };

  const exportsOut: ModuleExport[] = [];
  const dtsExports: DtsExport[] = [];
  for (const e of model.exports) {
    if (e.kind === 'signature') {
      const sig = e.value;
      const feeds = [...sig.inputTensors.values()];
      const pos = model.exportPositions.get(e.name) ?? { line: 0, col: 0 };
      const planIds = addPlan(`signature ${e.name}`, { file: model.file, ...pos, what: `signature ${e.name}` }, [...sig.outputTensors.values()], feeds);
      const outputs: Record<string, string> = {};
      for (const [k, t] of sig.outputTensors) outputs[k] = t.name;
      const inputs: Record<string, string> = {};
      for (const [k, t] of sig.inputTensors) inputs[k] = t.name;
      exportsOut.push({ name: e.name, kind: 'signature', plans: planIds, inputs, outputs });
      dtsExports.push({
        name: e.name, kind: 'signature',
        inputs: [...sig.inputTensors].map(([k, t]) => [k, { dtype: t.dtype, shape: t.shape }]),
        outputs: [...sig.outputTensors].map(([k, t]) => [k, t instanceof tf.Tensor ? { dtype: t.dtype, shape: t.shape } : null]),
      });
    } else if (e.kind === 'tensor') {
      exportsOut.push({ name: e.name, kind: 'tensor', tensor: e.value.name, dtype: e.value.dtype, shape: e.value.shape });
      dtsExports.push({ name: e.name, kind: 'tensor', tensor: { dtype: e.value.dtype, shape: e.value.shape } });
    } else if (e.kind === 'variable') {
      const t = e.value.op.outputs[0];
      exportsOut.push({ name: e.name, kind: 'variable', variable: e.value.op.name, dtype: t.dtype, shape: t.shape, initializer: e.value.initializer.name });
      dtsExports.push({ name: e.name, kind: 'variable', tensor: { dtype: t.dtype, shape: t.shape } });
    } else if (e.kind === 'value') {
      exportsOut.push({ name: e.name, kind: 'value', value: e.value });
      dtsExports.push({ name: e.name, kind: 'value', value: e.value });
    } else {
      exportsOut.push({ name: e.name, kind: 'operation', op: e.value.name });
      dtsExports.push({ name: e.name, kind: 'operation' });
    }
  }
  if (opts.standalone && !exportsOut.some((e) => e.kind === 'signature')) {
    throw new CompileError([...warnings, error(model.file, 0, 0, 'a standalone module holds signatures only, and this model exports none: add `export const predict = tf.signature({inputs: {…}, outputs: {…}})`')]);
  }
  for (const r of requests) {
    const [, path, pos] = /^(.*):(\d+:\d+)$/.exec(r.site)!;
    addPlan(`${rel(path)}:${pos}`, siteWhere(r.site, 'sess.run'), r.fetches.map((f) => element(f, r.site)), r.feeds.map((f) => feedTensor(f, r.site)));
  }

  // variables: every one a plan touches, with baked values when asked
  const allVars = tf.globalVariables(g);
  const used = new Set(plans.flatMap((p) => p.data.variables.map((v) => v.name)));
  const varOps = allVars.filter((v) => used.has(v.op.name) || !opts.standalone);
  let baked: Map<string, TypedArray> | undefined;
  if (opts.weights) baked = checkpointValues(opts.weights, varOps, warnings);
  else if (opts.standalone && varOps.length) baked = initialValues(g, varOps, model.file, warnings);
  const variables: ModuleVariable[] = varOps.map((v) => {
    const t = v.op.outputs[0];
    return { name: v.op.name, dtype: t.dtype as DType, shape: t.shape as number[], value: baked?.get(v.op.name) };
  });
  let initPlan: number | null = null;
  if (!opts.standalone && varOps.length && !baked) [initPlan] = addPlan('variable initializers', { file: model.file, line: 0, col: 0, what: 'the variable initializers' }, varOps.map((v) => v.initializer), []);

  if (opts.standalone) {
    const hosted = plans.flatMap((p) => p.data.hostCalls.map((h) => `${h.op.name} (${h.op.type}${h.op.location ? `, defined at ${h.op.location}` : ''})`));
    if (hosted.length) {
      throw new CompileError([...warnings, error(model.file, 0, 0, `cannot compile standalone: these ops have no lowering and need tfgen/runtime's reference kernels: ${hosted.join(', ')}; compile without --standalone`)]);
    }
  }

  const seeds: Record<string, number | null> = {};
  for (const p of plans) for (const name of p.data.randomOps) seeds[name] = streamSeed(g.getOperationByName(name), g);

  // why: the extension says the module kind, as TypeScript's do: a .tf.mts/.tf.mjs model gives
  // .mjs/.d.mts, an ES module wherever it lands (a .js one needs package.json "type": "module").
  const esmOnly = /\.tf\.m[tj]s$/.test(model.file);
  const moduleName = `${stem}${esmOnly ? '.mjs' : '.js'}`;
  const written = await writeModule({
    source: rel(model.file), moduleName, backend: backend.name, standalone: opts.standalone === true, strict: opts.strict === true,
    plans, variables, initPlan, seeds, exports: exportsOut, inlineAll: opts.inlineAll === true,
  });
  const files: OutputFile[] = [
    { path: join(outDir, moduleName), contents: written.text },
    { path: join(outDir, `${stem}${esmOnly ? '.d.mts' : '.d.ts'}`), contents: renderDts({ source: rel(model.file), exports: dtsExports, standalone: opts.standalone === true }) },
  ];
  if (written.sidecar) files.push({ path: join(outDir, written.sidecarName), contents: written.sidecar });
  const inputs = [...model.inputs, ...sources.map((s) => resolve(s)), ...(opts.weights ? [resolve(opts.weights)] : [])];
  return { model, files, plans, warnings, inputs };
}

/** Where a plan comes from, for its diagnostics. */
export interface Where { file: string; line: number; col: number; what: string }

function siteWhere(site: string, what: string): Where {
  const m = /^(.*):(\d+):(\d+)$/.exec(site)!;
  return { file: m[1], line: Number(m[2]), col: Number(m[3]), what };
}

function siteError(site: string, message: string): CompileError {
  const m = /^(.*):(\d+):(\d+)$/.exec(site)!;
  return new CompileError([error(m[1], Number(m[2]), Number(m[3]), message)]);
}

/**
 * The plan data of one fetch/feed set, compiled by the pipeline (the JIT's own path). Unknown
 * placeholder dims become run-time dims (refused if an op cannot take them), or with
 * `unknownAs` the plan is specialised on that size.
 */
export function compilePlan(graph: tf.Graph, fetches: readonly tf.Tensor[], targets: readonly tf.Operation[], feeds: readonly tf.Tensor[], at: Where, unknownAs?: number,
  backend: Backend = jsBackend): PlanData {
  const fed = new Map(feeds.map((t) => [t, null as never]));
  const schedule = buildSchedule({ tensors: fetches, targets }, fed);
  const fail = (message: string) => new CompileError([error(at.file, at.line, at.col, `${at.what}: ${message}`)]);
  const shapes = feeds.map((t) => {
    if (t.shape === null) throw fail(`${t.name} has an unknown rank; give the placeholder a shape (its dims may be null)`);
    return t.shape.map((d) => d ?? unknownAs ?? SAMPLE_DIM);
  });
  const data = compileProgram({ graph, schedule, fetches, targets, feeds: feeds.map((tensor, i) => ({ tensor, shape: shapes[i] })) },
    { backend, runtimeDims: unknownAs === undefined }).data;
  // why: the pipeline specialises a plan on the sample size where an op cannot take run-time
  // dims; a module must not ship that plan as if it took any size.
  if (unknownAs === undefined) data.feeds.forEach((f) => {
    const t = feeds.find((x) => x.name === f.name)!;
    t.shape!.forEach((d, axis) => {
      if (d === null && typeof f.shape[axis] === 'number') {
        throw fail(`${t.name} has shape ${formatDims(t.shape)}, but an op of this plan cannot take a run-time size for its dim ${axis} ` +
          `(slices, pads, host calls and some shape arithmetic specialise on concrete sizes); give the placeholder that dim`);
      }
    });
  });
  return data;
}

/** The size an unknown placeholder dim is compiled with; the plan takes it as a run-time dim. */
const SAMPLE_DIM = 7;

/** The seed of a random op's stream as a Session computes it (null: fresh randomness). */
function streamSeed(op: tf.Operation, g: tf.Graph): number | null {
  const opSeed = op.attrs.seed2 as number | null | undefined;
  const graphSeed = 'seed' in op.attrs ? (op.attrs.seed as number | null) : g.seed;
  if (graphSeed === null && (opSeed === null || opSeed === undefined)) return null;
  return mixSeeds(graphSeed ?? DEFAULT_GRAPH_SEED, opSeed ?? op.id);
}

function checkpointValues(path: string, vars: readonly tf.Variable[], warnings: Diagnostic[]): Map<string, TypedArray> {
  const file = resolve(path);
  let decoded;
  try {
    decoded = decodeSafetensors(new Uint8Array(readFileSync(file)), { source: path });
  } catch (e) {
    throw new CompileError([...warnings, error(file, 0, 0, (e as Error).message)]);
  }
  const problems: Diagnostic[] = [];
  const out = new Map<string, TypedArray>();
  for (const v of vars) {
    const t = v.op.outputs[0];
    const a = decoded.tensors.get(v.op.name);
    const expected = `${t.dtype} [${(t.shape ?? []).join(', ')}]`;
    if (!a) problems.push(error(file, 0, 0, `the checkpoint has no value for variable '${v.op.name}' (${expected}); it holds ${[...decoded.tensors.keys()].join(', ') || 'nothing'}`));
    else if (a.dtype !== t.dtype || a.shape.join(',') !== (t.shape ?? []).join(',')) {
      problems.push(error(file, 0, 0, `variable '${v.op.name}' is ${expected} in the model but ${a.dtype} [${a.shape.join(', ')}] in the checkpoint`));
    } else out.set(v.op.name, a.data);
  }
  // why: entries the module does not use (optimizer slots, a step counter) are normal in a training checkpoint.
  if (problems.length) throw new CompileError([...warnings, ...problems]);
  return out;
}

/** Initial values, computed now by running the initializers (a standalone module bakes them). */
function initialValues(g: tf.Graph, vars: readonly tf.Variable[], file: string, warnings: Diagnostic[]): Map<string, TypedArray> {
  const unseeded = g.getOperations().filter((op) => 'seed2' in op.attrs && streamSeed(op, g) === null);
  if (unseeded.length) {
    warnings.push(warning(file, 0, 0, `standalone module without --weights bakes initial values drawn by unseeded random ops (${unseeded.map((o) => o.name).join(', ')}): they differ on every compile; seed them or pass --weights`));
  }
  using sess = new tf.Session({ graph: g });
  sess.run(vars.map((v) => v.initializer));
  const values = sess._variableValues();
  return new Map(vars.map((v) => [v.op.name, values.get(v.op)!.data.slice()]));
}

/** A path as progress lines show it: relative to the working folder when inside it. */
function shown(p: string): string {
  const r = relative(process.cwd(), p);
  return r.startsWith('..') ? p : r;
}

export interface CompileRun {
  readonly failed: number;
  readonly inputs: readonly string[];
}

/** Compiles and writes each model file, reporting progress; the CLI's compile command. */
export async function compileFiles(models: readonly string[], sources: readonly string[], opts: CompileOptions,
  progress: (line: string) => void, report: (d: Diagnostic) => void): Promise<CompileRun> {
  const start = performance.now();
  let failed = 0, warned = 0;
  const inputs = new Set<string>(sources.map((s) => resolve(s)));
  for (const file of models) {
    const t0 = performance.now();
    inputs.add(resolve(file));
    try {
      const r = await compileModel(file, sources, opts);
      writeAtomically(r.files);
      for (const w of r.warnings) report(w);
      warned += r.warnings.length;
      r.inputs.forEach((i) => inputs.add(i));
      const kernels = r.plans.reduce((n, p) => n + p.data.kernels.length, 0);
      progress(`${file} → ${r.files.map((f) => shown(f.path)).join(', ')} (${r.plans.length} plans, ${kernels} kernels) in ${Math.round(performance.now() - t0)} ms`);
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      failed++;
      for (const d of e.diagnostics) report(d);
      warned += e.diagnostics.filter((d) => d.severity === 'warning').length;
      progress(`${file}: failed in ${Math.round(performance.now() - t0)} ms (previous outputs left as they were)`);
    }
  }
  const ok = models.length - failed;
  progress(`${ok} compiled, ${failed} failed, ${warned} warning${warned === 1 ? '' : 's'} in ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return { failed, inputs: [...inputs] };
}
