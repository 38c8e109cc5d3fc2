// Builds the example page into examples/out/browser/: the page script bundled with the tfgen
// esbuild plugin (the two model files become compiled modules; no compiler in the bundle),
// index.html and style.css copied. `npm run browser-example` builds and serves it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tfgen } from '../../codegen/aot/esbuild_plugin.js';
import { tfgenSources } from './site.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const OUT = resolve(HERE, '../out/browser');

/**
 * Writes `outDir`/app.js (the page), index.html and style.css; with `node`, also the two
 * trainings as `train_linreg.js` / `train_classifier.js` (same compiled code, no DOM), which
 * the test runs in Node for the reference numbers. Returns the bundle's size in bytes.
 */
export async function buildExample(outDir = OUT, opts: { node?: boolean; minify?: boolean } = {}): Promise<number> {
  mkdirSync(outDir, { recursive: true });
  const entries = [{ in: join(HERE, 'page.ts'), out: 'app' }];
  if (opts.node) entries.push({ in: join(HERE, 'train_linreg.ts'), out: 'train_linreg' }, { in: join(HERE, 'train_classifier.ts'), out: 'train_classifier' });
  const r = await build({
    entryPoints: entries, outdir: outDir, bundle: true, format: 'esm', platform: 'browser', minify: opts.minify ?? true,
    // why: inside this repository tfgen/runtime is its own source (an app uses the package).
    plugins: [tfgen(), tfgenSources], metafile: true, logLevel: 'warning',
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(join(HERE, f), join(outDir, f));
  return r.metafile.outputs[Object.keys(r.metafile.outputs).find((k) => k.endsWith('app.js'))!].bytes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const bytes = await buildExample();
  console.log(`${OUT}/app.js: ${bytes} bytes`);
}
