// Model files (`*.tf.ts`, `*.tf.mts`, `*.tf.js`) are evaluated at build time: esbuild bundles
// the file (tfgen itself external), the bundle runs through node:vm against the very DSL module
// the compiler uses, and its exports are captured: Tensors, Operations, Variables, Graphs and
// signatures. Reading the clock or Math.random while the graph is built is reported (the
// graph, and so the generated module, must not depend on them). Every problem is a Diagnostic
// at `file:line:col` of the user's source (esbuild's, the type checker's, or a throw mapped
// back through the bundle's source map).
import { build, buildSync, type BuildOptions, type BuildResult, type Message } from 'esbuild';
import { readFileSync } from 'node:fs';
import { createRequire, SourceMap, type SourceMapPayload } from 'node:module';
import { dirname, resolve } from 'node:path';
import vm from 'node:vm';
import * as tf from '../../src/index.js';
import * as runtime from '../../src/runtime/index.js';
import { isSignature, type Signature } from '../../src/signature.js';
import { setPositionMapper } from '../../src/source_location.js';
import { CompileError, error, warning, type Diagnostic } from './diagnostics.js';

export const MODEL_FILE = /\.tf\.(ts|mts|js|mjs)$/;

export type ModelExport =
  | { name: string; kind: 'tensor'; value: tf.Tensor }
  | { name: string; kind: 'operation'; value: tf.Operation }
  | { name: string; kind: 'variable'; value: tf.Variable }
  | { name: string; kind: 'signature'; value: Signature<Record<string, tf.Tensor>, Record<string, tf.Tensor | tf.Operation>> }
  /** A plain JSON value (a batch size, class names): exported as it is. */
  | { name: string; kind: 'value'; value: unknown };

export interface EvaluatedModel {
  readonly file: string;
  readonly graph: tf.Graph;
  /** The usable exports, in the file's export order. */
  readonly exports: readonly ModelExport[];
  readonly warnings: readonly Diagnostic[];
  /** The files the bundle read (the model file and its own imports), for watch modes. */
  readonly inputs: readonly string[];
  /** Where each export is declared in the model file (for diagnostics about it). */
  readonly exportPositions: ReadonlyMap<string, { line: number; col: number }>;
}

export interface EvaluateOptions {
  /** Run the TypeScript checker over .ts/.mts model files first (default true). */
  typeCheck?: boolean;
}

/** Evaluates a model file; throws a CompileError listing `file:line:col` errors. */
export async function evaluateModel(path: string, opts: EvaluateOptions = {}): Promise<EvaluatedModel> {
  const file = resolve(path);
  const bundled = await bundle(file, false);
  if (opts.typeCheck !== false && /\.m?ts$/.test(file)) {
    // why: TypeScript is most of the compiler's start-up time; loaded only when asked for.
    const { typeCheck } = await import('./type_check.js');
    const errors = typeCheck([file]);
    if (errors.length) throw new CompileError(errors);
  }
  return evaluateBundled(file, bundled);
}

/**
 * The same, synchronously and without the type checker (for compiling a missing plan at run
 * time, inside a synchronous sess.run).
 */
export function evaluateModelSync(path: string): EvaluatedModel {
  const file = resolve(path);
  return evaluateBundled(file, bundle(file, true));
}

function evaluateBundled(file: string, bundled: Bundled): EvaluatedModel {
  const warnings: Diagnostic[] = [];
  const graph = new tf.Graph();
  const vmFile = `${file}.bundle.cjs`;
  const map = new SourceMap(bundled.map);
  const toSource = (line: number, col: number): { file: string; line: number; col: number } | undefined => {
    // why: line 1 of the evaluated text is the wrapper; SourceMap positions are 0-based.
    const e = map.findEntry(line - 2, col - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number };
    if (!e || e.originalSource === undefined || e.originalLine === undefined) return undefined;
    const src = e.originalSource.startsWith('file://') ? new URL(e.originalSource).pathname : resolve(dirname(file), e.originalSource);
    return { file: src, line: e.originalLine + 1, col: (e.originalColumn ?? 0) + 1 };
  };
  const sourceOf = (stack: string | undefined) => {
    for (const frame of (stack ?? '').split('\n')) {
      const m = /([^()\s]+):(\d+):(\d+)\)?\s*$/.exec(frame);
      if (m && m[1] === vmFile) return toSource(Number(m[2]), Number(m[3]));
    }
    return undefined;
  };
  setPositionMapper(vmFile, (line, col) => {
    const s = toSource(line, col);
    return s && `${s.file}:${s.line}:${s.col}`;
  });

  const nondeterministic = (what: string) => {
    const site = sourceOf(new Error().stack);
    const key = `${what}@${site?.line}:${site?.col}`;
    if (warnings.some((w) => `${w.message}@${w.line}:${w.col}` === key)) return;
    warnings.push(warning(site?.file ?? file, site?.line ?? 0, site?.col ?? 0,
      `${what} while building the graph: the generated module would bake in this value and differ on every compile; use a seeded op (tf.randomNormal(shape, {seed})) or a constant`));
  };
  const moduleObj = { exports: {} as Record<string, unknown> };
  try {
    const fn = vm.runInThisContext(`(function (exports, require, module, __filename, __dirname, Math, Date, performance, crypto) {\n${bundled.code}\n})`, { filename: vmFile });
    graph.asDefault(() => fn(moduleObj.exports, modelRequire(file), moduleObj, file, dirname(file),
      instrumentedMath(nondeterministic), instrumentedDate(nondeterministic), instrumentedPerformance(nondeterministic), instrumentedCrypto(nondeterministic)));
  } catch (e) {
    const err = e as Error;
    const at = sourceOf(err?.stack);
    const msg = err instanceof tf.errors.OpError ? err.shortMessage : String(err?.message ?? err);
    throw new CompileError([...warnings, error(at?.file ?? file, at?.line ?? 0, at?.col ?? 0, `${err?.name ?? 'Error'} while building the graph: ${msg}`)]);
  }
  const exports = captureExports(file, moduleObj.exports, graph, bundled.exportPositions, warnings);
  return { file, graph: exports.graph, exports: exports.list, warnings, inputs: bundled.inputs, exportPositions: bundled.exportPositions };
}

interface Bundled { code: string; map: SourceMapPayload; inputs: string[]; exportPositions: Map<string, { line: number; col: number }> }

function bundle(file: string, sync: true): Bundled;
function bundle(file: string, sync: false): Promise<Bundled>;
function bundle(file: string, sync: boolean): Bundled | Promise<Bundled> {
  const options = {
    entryPoints: [file], bundle: true, write: false, format: 'cjs', platform: 'node', target: 'node20',
    sourcemap: 'external', outfile: `${file}.bundle.cjs`, metafile: true, logLevel: 'silent',
    external: ['tfgen', 'tfgen/*'],
  } satisfies BuildOptions;
  const failed = (e: unknown): never => {
    const messages = (e as { errors?: Message[] }).errors;
    if (!messages) throw e;
    throw new CompileError(messages.map((m) => esbuildDiagnostic(m, file)));
  };
  if (sync) {
    try {
      return bundled(file, buildSync(options));
    } catch (e) {
      return failed(e);
    }
  }
  return build(options).then((r) => bundled(file, r), failed);
}

function bundled(file: string, r: BuildResult<{ write: false; metafile: true }>): Bundled {
  const code = r.outputFiles.find((f) => f.path.endsWith('.cjs'))!.text;
  const map = JSON.parse(r.outputFiles.find((f) => f.path.endsWith('.map'))!.text) as SourceMapPayload;
  const cwd = process.cwd();
  const inputs = Object.keys(r.metafile!.inputs).map((p) => resolve(cwd, p));
  return { code, map, inputs, exportPositions: exportPositions(readFileSync(file, 'utf8')) };
}

function esbuildDiagnostic(m: Message, file: string): Diagnostic {
  const loc = m.location;
  return error(loc ? resolve(loc.file) : file, loc?.line ?? 0, loc ? loc.column + 1 : 0, m.text);
}


/** Where each `export const|let|function|class NAME` is written (for diagnostics about exports). */
function exportPositions(text: string): Map<string, { line: number; col: number }> {
  const out = new Map<string, { line: number; col: number }>();
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    const m = /^(\s*export\s+(?:const|let|var|function|class)\s+)([A-Za-z_$][\w$]*)/.exec(l);
    if (m) out.set(m[2], { line: i + 1, col: m[1].length + 1 });
  });
  return out;
}

/** `require` inside the bundle: tfgen is the compiler's own DSL instance; Node built-ins are real. */
function modelRequire(file: string): (id: string) => unknown {
  const real = createRequire(file);
  return (id: string) => {
    if (id === 'tfgen') return tf;
    if (id === 'tfgen/runtime') return runtime;
    return real(id);
  };
}

function captureExports(file: string, raw: Record<string, unknown>, evalGraph: tf.Graph, positions: Bundled['exportPositions'], warnings: Diagnostic[]) {
  const list: ModelExport[] = [];
  let graph: tf.Graph | undefined;
  const at = (name: string) => positions.get(name) ?? { line: 0, col: 0 };
  const graphOf = (name: string, g: tf.Graph) => {
    graph ??= g;
    if (g !== graph) {
      const p = at(name);
      throw new CompileError([...warnings, error(file, p.line, p.col, `export '${name}' belongs to another graph than the file's other exports; a model file builds one graph`)]);
    }
  };
  const graphs: tf.Graph[] = [];
  for (const [name, value] of Object.entries(raw)) {
    if (name === 'default' || name === '__esModule') continue;
    if (value instanceof tf.Tensor) { graphOf(name, value.graph); list.push({ name, kind: 'tensor', value }); }
    else if (value instanceof tf.Operation) { graphOf(name, value.graph); list.push({ name, kind: 'operation', value }); }
    else if (value instanceof tf.Variable) { graphOf(name, value.op.graph); list.push({ name, kind: 'variable', value }); }
    else if (isSignature(value)) { graphOf(name, value.graph); list.push({ name, kind: 'signature', value: value as never }); }
    else if (value instanceof tf.Graph) graphs.push(value);
    else if (isJsonValue(value)) list.push({ name, kind: 'value', value });
  }
  if (!list.some((e) => e.kind !== 'value')) {
    throw new CompileError([...warnings, error(file, 0, 0,
      'exports nothing usable: export the tensors, operations, variables and signatures the app uses, e.g. `export const predict = tf.signature({inputs: {X}, outputs: {y}})`')]);
  }
  return { list, graph: graph ?? graphs[0] ?? evalGraph };
}

function isJsonValue(v: unknown, depth = 0): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (depth > 8 || typeof v !== 'object') return false;
  if (Array.isArray(v)) return v.every((x) => isJsonValue(x, depth + 1));
  return Object.getPrototypeOf(v) === Object.prototype && Object.values(v).every((x) => isJsonValue(x, depth + 1));
}

type Report = (what: string) => void;

function instrumentedMath(report: Report): Math {
  const m = Object.create(Math) as Math;
  m.random = () => { report('Math.random() called'); return Math.random(); };
  return m;
}

function instrumentedDate(report: Report): DateConstructor {
  const Real = Date;
  // why: a subclass keeps `instanceof Date`, Date.parse, Date.UTC working; only the clock reads report.
  class ModelDate extends Real {
    constructor(...args: unknown[]) {
      if (args.length === 0) report('new Date() read the clock');
      super(...(args as []));
    }
    static override now(): number { report('Date.now() read the clock'); return Real.now(); }
  }
  return ModelDate as DateConstructor;
}

function instrumentedPerformance(report: Report): Performance {
  const p = Object.create(performance) as Performance;
  p.now = () => { report('performance.now() read the clock'); return performance.now(); };
  return p;
}

function instrumentedCrypto(report: Report): Crypto {
  const c = Object.create(globalThis.crypto) as Crypto;
  c.getRandomValues = <T extends ArrayBufferView | null>(a: T): T => { report('crypto.getRandomValues() called'); return globalThis.crypto.getRandomValues(a as never) as T; };
  c.randomUUID = () => { report('crypto.randomUUID() called'); return globalThis.crypto.randomUUID(); };
  return c;
}
