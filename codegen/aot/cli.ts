// The `tfgen` command line: `compile` (model files → modules + .d.ts) and `inspect` (a model's
// graph and plans). Exit codes: 0 ok, 1 compile errors, 2 bad usage. `main` takes the argument
// list and output streams so tests run it in process.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { parseArgs } from 'node:util';
import { compileFiles, type CompileOptions } from './compile.js';
import { CompileError, formatDiagnostic } from './diagnostics.js';
import { inspectModel } from './inspect_command.js';
import { MODEL_FILE } from './model_file.js';

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const stdio: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export const USAGE = `Usage: tfgen <command> [options]

Commands:
  compile <files…>   Compile model files (*.tf.ts, *.tf.mts, *.tf.js) into ES modules with .d.ts.
                     Other .ts/.js files given are read for sess.run call sites to precompile.
  inspect <model>    Show a model's graph, its plans (fused kernels, buffers) and generated code.

compile options:
  --out-dir DIR      Where to write <name>.js and <name>.d.ts (default: beside each model file)
  --backend B        js (default), wasm (WebAssembly SIMD kernels where covered) or gpu (gpu.js
                     kernels; the app supplies gpu.js: new Session({gpu: {mode, GPU}})), JS
                     inside the same plan elsewhere; the module also carries the JS plans, run
                     where WebAssembly cannot be compiled (a CSP without 'wasm-unsafe-eval') or,
                     with gpu: {fallback: 'js'}, where the gpu mode cannot open
  --weights FILE     A checkpoint (.safetensors, from tf.train.Saver) whose values the module bakes in
  --standalone       A module without any import: signatures only, weights baked in
  --strict           A run-time miss (no precompiled plan) is an error instead of a JIT compile
  --watch            Compile again whenever a model file, one of its imports or a source changes
  --skip-typecheck   Do not run the TypeScript checker over .ts model files (faster; the build still fails on syntax errors)

inspect options:
  --signature NAME   Show the plan of one signature (default: every signature)
  --backend B        js (default), wasm or gpu: which kernels run as WebAssembly or gpu.js kernels, and why the others stay in JS
  --format F         text (default), json, dot or svg (graphviz; ops as boxes, kernels as clusters)
  --out FILE         Write to FILE instead of standard output

Examples:
  tfgen compile examples/linreg/linreg.tf.ts --out-dir examples/out
  tfgen compile model.tf.ts train.ts --out-dir build          # also precompile train.ts's sess.run calls
  tfgen compile model.tf.ts --standalone --weights ckpt/model.safetensors --out-dir dist
  tfgen inspect model.tf.ts --signature predict --format svg --out predict.svg

Exit codes: 0 ok, 1 compile errors, 2 bad usage.
`;

class UsageError extends Error {}

export async function main(argv: readonly string[], io: Io = stdio): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.out(USAGE);
      return command === undefined ? 2 : 0;
    }
    if (command === 'compile') return await compileCommand(rest, io);
    if (command === 'inspect') return await inspectCommand(rest, io);
    throw new UsageError(`unknown command '${command}'`);
  } catch (e) {
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.err(`tfgen: ${(e as Error).message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof CompileError) {
      for (const d of e.diagnostics) io.err(formatDiagnostic(d) + '\n');
      return 1;
    }
    throw e;
  }
}

type Options = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** Flags by name (unknown flags throw ERR_PARSE_ARGS_UNKNOWN_OPTION: a usage error). */
function parse(args: readonly string[], options: Options): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  const r = parseArgs({ args: [...args], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
  return { values: r.values as Record<string, string | boolean | undefined>, positionals: r.positionals };
}

function checkFiles(files: readonly string[]): void {
  const missing = files.filter((f) => !existsSync(f));
  if (missing.length) throw new UsageError(`no such file: ${missing.join(', ')}`);
}

async function compileCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, {
    'out-dir': { type: 'string' }, backend: { type: 'string' }, weights: { type: 'string' },
    standalone: { type: 'boolean' }, strict: { type: 'boolean' }, watch: { type: 'boolean' }, 'skip-typecheck': { type: 'boolean' },
  });
  if (values.help) { io.out(USAGE); return 0; }
  const models = positionals.filter((f) => MODEL_FILE.test(f));
  const sources = positionals.filter((f) => !MODEL_FILE.test(f));
  if (models.length === 0) throw new UsageError(positionals.length ? `no model file among ${positionals.join(', ')} (model files end in .tf.ts, .tf.mts or .tf.js)` : 'compile needs at least one model file');
  checkFiles(positionals);
  if (values.weights !== undefined) checkFiles([values.weights as string]);
  const backend = (values.backend as string | undefined) ?? 'js';
  if (backend !== 'js' && backend !== 'wasm' && backend !== 'gpu') throw new UsageError(`unknown backend '${backend}'; available: js, wasm, gpu`);
  if (backend !== 'js' && values.standalone === true) throw new UsageError(`--standalone runs the JS backend only so far; drop --standalone for --backend ${backend} (the module then imports tfgen/runtime, which runs its plans)`);
  const opts: CompileOptions = {
    outDir: values['out-dir'] as string | undefined,
    backend,
    weights: values.weights as string | undefined,
    standalone: values.standalone === true,
    strict: values.strict === true,
    typeCheck: values['skip-typecheck'] !== true,
  };
  const once = async () => {
    const r = await compileFiles(models, sources, opts, (line) => io.out(line + '\n'), (d) => io.err(formatDiagnostic(d) + '\n'));
    return r;
  };
  const first = await once();
  if (!values.watch) return first.failed ? 1 : 0;
  return watchLoop(first.inputs, once, io);
}

/** --watch: compile again on any change of an input; runs until the process is stopped. */
async function watchLoop(initial: readonly string[], once: () => Promise<{ inputs: readonly string[] }>, io: Io): Promise<number> {
  let watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  const arm = (files: readonly string[]) => {
    for (const w of watchers) w.close();
    watchers = files.filter((f) => existsSync(f)).map((f) => watch(f, () => {
      clearTimeout(timer);
      // why: editors write a file in several steps; one compile per burst of changes.
      timer = setTimeout(async () => arm((await once()).inputs), 50);
    }));
  };
  arm(initial);
  io.out('watching for changes (Ctrl-C to stop)\n');
  return new Promise<number>(() => {});
}

async function inspectCommand(args: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parse(args, { signature: { type: 'string' }, format: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' } });
  if (values.help) { io.out(USAGE); return 0; }
  if (positionals.length !== 1) throw new UsageError('inspect takes one model file');
  const backend = (values.backend as string | undefined) ?? 'js';
  if (backend !== 'js' && backend !== 'wasm' && backend !== 'gpu') throw new UsageError(`unknown backend '${backend}'; available: js, wasm, gpu`);
  const format = (values.format as string | undefined) ?? 'text';
  if (!['text', 'json', 'dot', 'svg'].includes(format)) throw new UsageError(`unknown format '${format}'; use text, json, dot or svg`);
  checkFiles(positionals);
  const text = await inspectModel(positionals[0], { format: format as 'text', signature: values.signature as string | undefined, backend });
  if (values.out) {
    const { writeAtomically } = await import('./write_atomic.js');
    writeAtomically([{ path: values.out as string, contents: text }]);
  } else io.out(text);
  return 0;
}
