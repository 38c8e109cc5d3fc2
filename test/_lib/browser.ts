// Browser tests in Debian's Chromium (playwright-core): a tiny local server with per-page
// response headers (a Content-Security-Policy, say), pages bundled with esbuild (the DSL and its
// JIT, or compiled modules through the tfgen plugin), and what a page did read back afterwards.
// why: code run synchronously inside page.evaluate is exempt from the page's CSP (DevTools
// evaluation), so a page computes everything from its own scripts, publishes
// `window.__result` (or `window.__error`) and sets `window.__done`; the test only reads.
import { build, type Plugin } from 'esbuild';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { tfgen, type TfgenPluginOptions } from '../../codegen/aot/esbuild_plugin.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const CHROMIUM = '/usr/bin/chromium';

/** The strict policy of issue 9: no eval of any kind, WebAssembly included. */
export const STRICT_CSP = "default-src 'self'; script-src 'self'; object-src 'none'";

// why: Chromium on a machine without a GPU: SwiftShader for WebGL/WebGL2, and WebGPU only with
// --enable-unsafe-webgpu (measured; see the project's GPU notes).
export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--disable-quic', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
  '--enable-unsafe-webgpu', '--ignore-gpu-blocklist',
];

/** TFGEN_SKIP_BROWSER=1 skips the browser tests (said on stderr); otherwise a missing Chromium fails them. */
export const browserSkipped = (): boolean => {
  const skip = process.env.TFGEN_SKIP_BROWSER === '1';
  if (skip) console.warn('browser tests skipped (TFGEN_SKIP_BROWSER=1)');
  return skip;
};

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set TFGEN_SKIP_BROWSER=1 to skip them.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** One served file: its body and extra response headers. */
export interface Served { body: string | Uint8Array; headers?: Record<string, string> }
/**
 * A site: URL path ('/index.html') → file, then a folder on disk for the other paths, its
 * files served with `headers(path)`.
 */
export interface Site { files?: Record<string, Served>; dir?: string; headers?: (path: string) => Record<string, string> }

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.svg': 'image/svg+xml', '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream', '.map': 'application/json',
};

export interface SiteServer { readonly url: string; close(): Promise<void> }

/** Serves `site` on 127.0.0.1 at a free port; a folder's URL ('/', '/strict/') is its index.html. */
export async function serve(site: Site): Promise<SiteServer> {
  const lookup = (path: string): Served | undefined => {
    if (site.files && Object.hasOwn(site.files, path)) return site.files[path];
    if (!site.dir) return undefined;
    const file = normalize(join(site.dir, path));
    if (!file.startsWith(resolve(site.dir)) || !existsSync(file) || !statSync(file).isFile()) return undefined;
    return { body: readFileSync(file), headers: site.headers?.(path) };
  };
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    // why: a browser asks for /favicon.ico on its own; a 404 would be a console error of every page.
    if (path === '/favicon.ico') { res.writeHead(204).end(); return; }
    const file = lookup(path.endsWith('/') ? `${path}index.html` : path);
    if (!file) { res.writeHead(404).end(); return; }
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'text/html; charset=utf-8', 'cache-control': 'no-store', ...file.headers });
    res.end(file.body);
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}

/** `tfgen`, `tfgen/runtime`, … resolve to this checkout's sources (no build needed, any folder). */
export const tfgenSources: Plugin = {
  name: 'tfgen-sources',
  setup(b) {
    b.onResolve({ filter: /^tfgen(\/.*)?$/ }, (a) => {
      const sub = a.path.slice('tfgen'.length);
      const map: Record<string, string> = {
        '': 'src/index.ts', '/runtime': 'src/runtime/index.ts', '/runtime/ops': 'src/runtime/ops.ts',
        '/runtime/checkpoint': 'src/runtime/checkpoint.ts',
      };
      if (!(sub in map)) return { errors: [{ text: `tfgen${sub} is not for the browser` }] };
      return { path: join(REPO, map[sub]) };
    });
  },
};

export interface BundleOptions {
  /** Bundle model files through the tfgen plugin with these options (default: the model runs as DSL code). */
  compile?: TfgenPluginOptions;
  minify?: boolean;
}

/** One browser script (ES module) from `entry`, with tfgen from this checkout. */
export async function bundle(entry: string, opts: BundleOptions = {}): Promise<string> {
  const r = await build({
    entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'silent',
    minify: opts.minify ?? false, plugins: [...(opts.compile ? [tfgen(opts.compile)] : []), tfgenSources],
  });
  return r.outputFiles[0].text;
}

/** An HTML page that loads its scripts from its own origin (no inline code, so a strict CSP allows it). */
export const pageHtml = (...scripts: string[]): string =>
  `<!doctype html>\n<meta charset="utf-8">\n<title>tfgen test</title>\n${scripts.map((s) => `<script type="module" src="${s}"></script>`).join('\n')}\n`;

/** What one page load did. */
export interface PageRun<R> {
  result?: R;
  /** `window.__error`, set by the page when its own code failed. */
  error?: string;
  /** `securitypolicyviolation` events: directive and blocked URI ('eval', 'wasm-eval', …). */
  violations: string[];
  /** console.error lines and uncaught errors. */
  errors: string[];
  warnings: string[];
  page: Page;
}

/**
 * Opens `url` in a fresh context, waits for the page's `window.__done` and reads what it published.
 * The context is closed before returning unless `keep` (then close `run.page.context()`).
 */
export async function runPage<R = unknown>(browser: Browser, url: string, opts: { timeout?: number; keep?: boolean } = {}): Promise<PageRun<R>> {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors: string[] = [], warnings: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
    else if (m.type() === 'warning') warnings.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(`uncaught: ${e.message}`));
  // why: only a listener, installed before the page's scripts; the page's own code is what the CSP judges.
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.effectiveDirective} ${e.blockedURI}`));
  });
  try {
    await page.goto(url);
    await page.waitForFunction(() => (window as unknown as { __done?: boolean }).__done === true, null, { timeout: opts.timeout ?? 20000 })
      .catch((e: Error) => { throw new Error(`${url}: the page never set window.__done (${e.message.split('\n')[0]}); errors: ${errors.join(' | ') || 'none'}`); });
    const got = await page.evaluate(() => {
      const w = window as unknown as { __result?: unknown; __error?: string; __violations: string[] };
      return { result: w.__result, error: w.__error, violations: w.__violations };
    });
    return { result: got.result as R, error: got.error, violations: got.violations, errors, warnings, page };
  } finally {
    if (!opts.keep) await context.close();
  }
}

/** Page-side helper text: run `main` (sync or async), publish its value or its error, then set __done. */
export const PUBLISH = `
export async function publish(main) {
  try { window.__result = await main(); }
  catch (e) { window.__error = String(e && e.stack || e); }
  window.__done = true;
}
`;
