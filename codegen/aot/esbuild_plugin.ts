// `import { tfgen } from 'tfgen/esbuild'`: an esbuild plugin that compiles model files
// (`*.tf.ts`, `*.tf.mts`, `*.tf.js`) while bundling. Importing a model file gives the generated
// module instead of the model's source: no graph building and no compiler in the bundle. The
// `sess.run` call sites of the files that import a model get precompiled plans; the model's
// own imports are reported as watch files, so `esbuild --watch` / `context.watch()` recompile.
import type { Plugin, PartialMessage } from 'esbuild';
import { dirname, resolve } from 'node:path';
import { compileModel, type CompileOptions } from './compile.js';
import { CompileError, type Diagnostic } from './diagnostics.js';
import { MODEL_FILE } from './model_file.js';

export interface TfgenPluginOptions {
  /** A checkpoint whose values are baked into every compiled model (see `tfgen compile --weights`). */
  weights?: string;
  /** Standalone modules: signatures only, no import of tfgen/runtime. */
  standalone?: boolean;
  /** A run-time miss (no precompiled plan) throws instead of compiling at run time. */
  strict?: boolean;
  /** More files whose sess.run call sites to precompile (the importers of a model are always read). */
  sources?: readonly string[];
  /** Type-check .ts model files (default false: esbuild itself never type-checks; run tsc for that). */
  typeCheck?: boolean;
  /** 'js' (default), 'wasm' or 'gpu' (see `tfgen compile --backend`). */
  backend?: 'js' | 'wasm' | 'gpu';
}

const toMessage = (d: Diagnostic): PartialMessage => ({
  text: d.message,
  location: d.line > 0 ? { file: d.file, line: d.line, column: d.col - 1 } : { file: d.file },
});

/** `a/m.tf.ts` and the `a/m.tf.js` an import names both mean `a/m.tf`. */
const stripExt = (p: string) => p.replace(/\.(ts|mts|js|mjs)$/, '');

export function tfgen(options: TfgenPluginOptions = {}): Plugin {
  return {
    name: 'tfgen',
    setup(build) {
      const importers = new Map<string, Set<string>>();
      build.onResolve({ filter: MODEL_FILE }, (args) => {
        if (!args.importer) return undefined;
        // why: remember who imports each model so its call sites are precompiled; esbuild's
        // own resolution still decides the path (return nothing).
        const key = stripExt(resolve(args.resolveDir, args.path));
        let set = importers.get(key);
        if (!set) importers.set(key, (set = new Set()));
        set.add(args.importer);
        return undefined;
      });
      build.onLoad({ filter: MODEL_FILE }, async (args) => {
        const sources = new Set([...(options.sources ?? []), ...(importers.get(stripExt(args.path)) ?? [])]);
        const opts: CompileOptions = { outDir: dirname(args.path), standalone: options.standalone, strict: options.strict, weights: options.weights, inlineAll: true, typeCheck: options.typeCheck === true, backend: options.backend };
        try {
          const r = await compileModel(args.path, [...sources].filter((s) => !MODEL_FILE.test(s)), opts);
          const js = r.files.find((f) => /\.m?js$/.test(f.path))!;
          return {
            contents: js.contents as string,
            loader: 'js',
            resolveDir: dirname(args.path),
            watchFiles: [...r.inputs],
            warnings: r.warnings.map(toMessage),
          };
        } catch (e) {
          if (!(e instanceof CompileError)) throw e;
          return {
            errors: e.diagnostics.filter((d) => d.severity === 'error').map(toMessage),
            warnings: e.diagnostics.filter((d) => d.severity === 'warning').map(toMessage),
            watchFiles: [args.path],
          };
        }
      });
    },
  };
}
