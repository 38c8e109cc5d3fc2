// W4: float32 matmul of two n×n matrices, the product returned to JS. Figure: GFLOP/s = 2n³ / time.
import * as tf from '../../src/index.js';
import { matmulTiled } from '../hand/w4_matmul.js';
import { consume, type Column, type Runner } from '../lib/harness.js';
import { uniformArray } from '../lib/rng.js';
import {
  GPUJS, gpuKernelMode, HAND, maxRelDiff, planKind, TFGEN, TFGEN_WASM, tfgenSession, tfjsCells, withPlan, type Ctx,
} from './common.js';

const diffNote = (out: ArrayLike<number>, ref: Float32Array): string =>
  `max rel. Δ vs hand-written ${maxRelDiff(out, ref).toExponential(1)}`;

function column(ctx: Ctx, n: number): Column {
  const a = uniformArray(n * n, 41, -1, 1), b = uniformArray(n * n, 42, -1, 1);
  const ref = new Float32Array(n * n);
  matmulTiled(a, b, ref, n);
  /** tfgen's cell on one backend (the JS backend by default). */
  const tfgenCell = (engine: string, backend?: 'wasm') => ({
    engine,
    make(): Runner {
      const g = new tf.Graph();
      const { pa, pb, prod } = g.asDefault(() => {
        const pa = tf.placeholder('float32', [n, n], 'a');
        const pb = tf.placeholder('float32', [n, n], 'b');
        return { pa, pb, prod: tf.matmul(pa, pb) };
      });
      const sess = tfgenSession(ctx, g, backend);
      const feeds = new Map<tf.Tensor, Float32Array>([[pa, a], [pb, b]]);
      const first = (sess.run(prod, feeds) as tf.NDArray).data;
      const wasmKernels = backend ? `; ${sess._planFor(prod, feeds)?.data.kernels.filter((k) => k.runsOn === 'wasm').length ?? 0} wasm kernel(s)` : '';
      const note = withPlan(planKind(ctx, sess, prod, feeds), diffNote(first, ref) + wasmKernels + '; reuseOutputs');
      return {
        run(reps: number) {
          // why: the hand-written kernel writes a preallocated output; tfgen's equivalent is
          // reuseOutputs (a fresh 1 MiB result per run costs ~4 ms here at 512: first touch of new memory).
          for (let i = 0; i < reps; i++) consume((sess.run(prod, feeds, { reuseOutputs: true }) as tf.NDArray).data[0]);
        },
        note: () => note,
        dispose: () => sess.close(),
      };
    },
  });
  return {
    workload: 'W4',
    label: `W4 matmul ${n}`,
    unit: 'GFLOP/s',
    higherIsBetter: true,
    metric: (ms) => (2 * n ** 3) / (ms * 1e6),
    engines: [
      tfgenCell(TFGEN),
      tfgenCell(TFGEN_WASM, 'wasm'),
      ...tfjsCells(ctx, (t) => {
        const ta = t.tensor2d(a, [n, n]), tb = t.tensor2d(b, [n, n]);
        const call = (): Float32Array => {
          const c = t.matMul(ta, tb);
          const v = c.dataSync() as Float32Array;
          c.dispose();
          return v;
        };
        const note = diffNote(call(), ref) + '; dataSync per call';
        return {
          run(reps) {
            for (let i = 0; i < reps; i++) consume(call()[0]);
          },
          note: () => note,
          dispose: () => {
            ta.dispose();
            tb.dispose();
          },
        };
      }),
      {
        engine: GPUJS,
        make(): Runner | string {
          if (!ctx.gpu) return `gpu.js did not load: ${ctx.gpuError ?? 'unknown error'}`;
          const gpu = new ctx.gpu.GPU();
          type This = { thread: { x: number; y: number }; constants: { n: number } };
          const kernel = gpu.createKernel(function (this: This, a: number[], b: number[]) {
            const size = this.constants.n;
            let s = 0;
            for (let k = 0; k < size; k++) s += a[this.thread.y * size + k] * b[k * size + this.thread.x];
            return s;
          }, { output: [n, n], constants: { n }, precision: 'single' });
          const rows = kernel(a, b) as Float32Array[];
          const flat = new Float32Array(n * n);
          rows.forEach((r, i) => flat.set(r, i * n));
          const mode = gpuKernelMode(kernel, gpu);
          const note = `mode ${mode}, 1 thread (sync call), output [${n}, ${n}]; ${diffNote(flat, ref)}`;
          return {
            run(reps) {
              for (let i = 0; i < reps; i++) consume((kernel(a, b) as Float32Array[])[0][0]);
            },
            note: () => note,
            dispose: () => gpu.destroy(),
          };
        },
      },
      {
        engine: HAND,
        make(): Runner {
          const c = new Float32Array(n * n);
          return {
            run(reps) {
              for (let i = 0; i < reps; i++) matmulTiled(a, b, c, n);
              consume(c[0]);
            },
            note: () => '4×4 register tile, output preallocated once',
          };
        },
      },
    ],
  };
}

export function w4Columns(ctx: Ctx): Column[] {
  return (ctx.quick ? [64, 128] : [128, 256, 512]).map((n) => column(ctx, n));
}
