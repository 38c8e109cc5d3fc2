// `node --import tsx bench/wasm_matmul.ts [--rounds=N]`: the wasm backend's matmul variants
// (register tiles, the exact mode) against tfjs wasm (XNNPACK) on W4's n×n products, engines
// taken in turn, round after round, so that a shared machine's load falls on all of them alike.
// Each sample is ~40 ms of calls; figures are medians over rounds of GFLOP/s by wall time and by
// this process's CPU time (what the kernel gets when it runs; the machine's other work only
// stretches the wall time). Prints a markdown table.
import * as tf from '../src/index.js';
import { wasmBackendWith } from '../codegen/backend.js';
import { jitCompiler } from '../codegen/jit.js';
import type { WasmOptions } from '../codegen/render/wasm.js';
import { loadTfjs, useBackend } from './lib/tfjs_loader.js';
import { uniformArray } from './lib/rng.js';

const rounds = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 7);
const SIZES = [128, 256, 512];
const VARIANTS: [string, WasmOptions][] = [
  ['tfgen wasm 4×8 (default, 11 live v128)', {}],
  ['tfgen wasm 2×16 (13 live v128)', { matmulTile: { mr: 2, nv: 4 } }],
  ['tfgen wasm 3×8 (9 live v128)', { matmulTile: { mr: 3, nv: 2 } }],
  ['tfgen wasm 4×12 (16 live v128: spills)', { matmulTile: { mr: 4, nv: 3 } }],
  ["tfgen wasm {matmul: 'f64'} (exact)", { matmul: 'f64' }],
];

interface Engine { name: string; call: () => void }

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const tfjs = await loadTfjs().catch(() => null);
  if (tfjs) await useBackend(tfjs.tf, 'wasm');
  const rows = new Map<string, string[]>();
  for (const n of SIZES) {
    const a = uniformArray(n * n, 41, -1, 1), b = uniformArray(n * n, 42, -1, 1);
    const engines: Engine[] = VARIANTS.map(([name, opts]) => {
      const g = new tf.Graph();
      const { pa, pb, prod } = g.asDefault(() => {
        const pa = tf.placeholder('float32', [n, n], 'a'), pb = tf.placeholder('float32', [n, n], 'b');
        return { pa, pb, prod: tf.matmul(pa, pb) };
      });
      const sess = new tf.Session({ graph: g, compiler: jitCompiler({ backend: wasmBackendWith(opts) }) });
      const feeds = new Map<tf.Tensor, Float32Array>([[pa, a], [pb, b]]);
      return { name, call: () => { sess.run(prod, feeds, { reuseOutputs: true }); } };
    });
    if (tfjs?.backends.includes('wasm')) {
      const t = tfjs.tf;
      const ta = t.tensor2d(a, [n, n]), tb = t.tensor2d(b, [n, n]);
      engines.push({ name: 'tfjs wasm (XNNPACK, dataSync per call)', call: () => { const c = t.matMul(ta, tb); c.dataSync(); c.dispose(); } });
    }
    const wall = engines.map(() => [] as number[]), cpu = engines.map(() => [] as number[]);
    const flop = 2 * n ** 3;
    for (const e of engines) for (let i = 0; i < 3; i++) e.call();
    for (let r = 0; r < rounds; r++) {
      engines.forEach((e, j) => {
        let reps = 0;
        const t0 = performance.now(), c0 = process.cpuUsage();
        while (performance.now() - t0 < 40) { e.call(); reps++; }
        const c1 = process.cpuUsage(c0), dt = performance.now() - t0;
        wall[j].push(flop * reps / (dt * 1e6));
        cpu[j].push(flop * reps / ((c1.user + c1.system) / 1e3 * 1e6));
      });
    }
    engines.forEach((e, j) => {
      if (!rows.has(e.name)) rows.set(e.name, []);
      rows.get(e.name)!.push(`${median(wall[j]).toFixed(1)} / ${median(cpu[j]).toFixed(1)}`);
    });
  }
  const lines = [`| engine (GFLOP/s: wall / CPU time) | ${SIZES.map((n) => `${n}`).join(' | ')} |`, `| --- |${SIZES.map(() => ' --- |').join('')}`];
  for (const [name, cells] of rows) lines.push(`| ${name} | ${cells.join(' | ')} |`);
  process.stdout.write(`${lines.join('\n')}\n\n${rounds} rounds; load average ${(await import('node:os')).loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
}

main().catch((e) => { console.error(e); process.exit(1); });
