// Builds the example page into examples/out/browser/: the page script bundled twice with the
// tfgen esbuild plugin (the two model files become compiled modules, no compiler in the bundle):
// app.js for the JS backend, app-gpu.js for the gpu backend; main.js (which loads one of them),
// index.html, style.css and gpu.js's browser build copied. `npm run browser-example` builds and
// serves it.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { tfgen } from '../../codegen/aot/esbuild_plugin.js';
import { tfgenSources } from './site.js';

const HERE = dirname(fileURLToPath(import.meta.url));
export const OUT = resolve(HERE, '../out/browser');

/**
 * Writes `outDir`/app.js and app-gpu.js (the page on each backend), main.js, index.html,
 * style.css and gpu-browser.min.js; with `node`, also the two trainings as `train_linreg.js` /
 * `train_classifier.js` (the JS backend's compiled code, no DOM), which the test runs in Node for
 * the reference numbers. Returns the bundles' sizes in bytes.
 */
export async function buildExample(outDir = OUT, opts: { node?: boolean; minify?: boolean } = {}): Promise<{ js: number; gpu: number }> {
  mkdirSync(outDir, { recursive: true });
  const sizes = { js: 0, gpu: 0 };
  for (const backend of ['js', 'gpu'] as const) {
    const name = backend === 'js' ? 'app' : 'app-gpu';
    const entries = [{ in: join(HERE, 'page.ts'), out: name }];
    if (opts.node && backend === 'js') entries.push({ in: join(HERE, 'train_linreg.ts'), out: 'train_linreg' }, { in: join(HERE, 'train_classifier.ts'), out: 'train_classifier' });
    const r = await build({
      entryPoints: entries, outdir: outDir, bundle: true, format: 'esm', platform: 'browser', minify: opts.minify ?? true,
      // why: inside this repository tfgen/runtime is its own source (an app uses the package).
      plugins: [tfgen({ backend }), tfgenSources], metafile: true, logLevel: 'warning',
    });
    sizes[backend] = r.metafile.outputs[Object.keys(r.metafile.outputs).find((k) => k.endsWith(`${name}.js`))!].bytes;
  }
  for (const f of ['index.html', 'style.css', 'main.js']) copyFileSync(join(HERE, f), join(outDir, f));
  copyFileSync(join(HERE, '../../node_modules/gpu.js/dist/gpu-browser.min.js'), join(outDir, 'gpu-browser.min.js'));
  return sizes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const sizes = await buildExample();
  console.log(`${OUT}: app.js ${sizes.js} bytes, app-gpu.js ${sizes.gpu} bytes`);
}
