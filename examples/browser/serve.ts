// npm run browser-example: builds the example page and serves it on http://127.0.0.1:8080 (or
// PORT) with the strict Content-Security-Policy; open that address in a browser. Ctrl-C stops it.
import { buildExample, OUT } from './build.js';
import { serve, STRICT_CSP } from './site.js';

const sizes = await buildExample();
const server = await serve({ dir: OUT, headers: () => ({ 'content-security-policy': STRICT_CSP }) }, Number(process.env.PORT ?? 8080));
console.log(`built ${OUT} (app.js ${sizes.js} bytes, app-gpu.js ${sizes.gpu} bytes); serving ${server.url}/ with "Content-Security-Policy: ${STRICT_CSP}"`);
