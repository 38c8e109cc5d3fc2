// What the example page and the browser tests share: a tiny static server for 127.0.0.1 with
// per-file response headers (a Content-Security-Policy, say), and an esbuild resolver that maps
// `tfgen`, `tfgen/runtime`, … to this checkout's sources (no build needed, from any folder).
import type { Plugin } from 'esbuild';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** The strict policy of the example page and the CSP tests: no eval of any kind, WebAssembly included. */
export const STRICT_CSP = "default-src 'self'; script-src 'self'; object-src 'none'";

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
export async function serve(site: Site, port = 0): Promise<SiteServer> {
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
  await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
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
        '/runtime/checkpoint': 'src/runtime/checkpoint.ts', '/runtime/gpu': 'src/runtime/gpu.ts',
      };
      if (!(sub in map)) return { errors: [{ text: `tfgen${sub} is not for the browser` }] };
      return { path: join(REPO, map[sub]) };
    });
  },
};
