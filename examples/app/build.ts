// Bundles examples/app/app.ts with the tfgen esbuild plugin, for Node and for the browser:
// the model file compiles to a standalone module with the trained weights baked in (run
// `npm run demo` first for examples/out/linreg.safetensors). Writes examples/out/app/.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tfgen } from 'tfgen/esbuild';

const plugin = tfgen({ standalone: true, weights: 'examples/out/linreg.safetensors' });
mkdirSync('examples/out/app', { recursive: true });
for (const [platform, outfile] of [['node', 'examples/out/app/app.node.mjs'], ['browser', 'examples/out/app/app.browser.js']] as const) {
  const r = await build({
    entryPoints: ['examples/app/app.ts'], bundle: true, format: 'esm', platform, minify: platform === 'browser',
    outfile, plugins: [plugin], metafile: true, logLevel: 'warning',
  });
  console.log(`${outfile}: ${Object.values(r.metafile.outputs)[0].bytes} bytes`);
}
writeFileSync('examples/out/app/index.html', '<!doctype html>\n<meta charset="utf-8">\n<title>tfgen forecast</title>\n<body>\n<script type="module" src="app.browser.js"></script>\n');
