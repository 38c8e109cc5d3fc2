// Browser tests in Debian's Chromium (playwright-core): a tiny local server with per-page
// response headers (a Content-Security-Policy, say), pages bundled with esbuild (the DSL and its
// JIT, or compiled modules through the tfgen plugin), and what a page did read back afterwards.
// why: code run synchronously inside page.evaluate is exempt from the page's CSP (DevTools
// evaluation), so a page computes everything from its own scripts, publishes
// `window.__result` (or `window.__error`) and sets `window.__done`; the test only reads.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Test } from 'uvu';
import { tfgen, type TfgenPluginOptions } from '../../codegen/aot/esbuild_plugin.js';
import { tfgenSources } from '../../examples/browser/site.js';

export { REPO, serve, STRICT_CSP, tfgenSources, type Served, type Site, type SiteServer } from '../../examples/browser/site.js';

export const CHROMIUM = '/usr/bin/chromium';

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

/**
 * A browser test file's setup and teardown around `suite`'s tests. uvu's hooks swallow errors
 * (the file would report 0 passed and no reason), so an error of `setup` (no Chromium, a bundle
 * that does not build) is kept and thrown by `ready()` in every test. `ready()` is false when
 * the browser tests are skipped (TFGEN_SKIP_BROWSER=1).
 */
export function browserSuite(suite: Test, setup: () => Promise<void>, teardown: () => Promise<void>): () => boolean {
  let skipped = false, failure: unknown;
  suite.before(async () => {
    if (browserSkipped()) { skipped = true; return; }
    try { await setup(); } catch (e) { failure = e; }
  });
  suite.after(teardown);
  return () => {
    if (failure) throw failure;
    return !skipped;
  };
}

export function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need Debian's Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set TFGEN_SKIP_BROWSER=1 to skip them.`);
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

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
