// Which lowering for conv2d: the deep-MNIST tutorial's second convolution (batch 50, 14×14×32
// → 64, 5×5 SAME), tfgen's compiled im2col gather + tiled matmul against two hand-written direct
// convolutions (a dot product per output, and a row of 64 accumulators per output pixel).
// Prints ms per forward conv (median of a few runs); not part of `npm run bench`.
//   node --import tsx bench/conv2d_lowering.ts
import * as tf from '../src/index.js';

const N = 50, H = 14, W = 14, C = 32, K = 5, OC = 64, PAD = 2;
const x = Float32Array.from({ length: N * H * W * C }, (_, i) => Math.sin(i) * 0.5);
const w = Float32Array.from({ length: K * K * C * OC }, (_, i) => Math.cos(i) * 0.1);
const out = new Float32Array(N * H * W * OC);

function directDot(): void {
  for (let n = 0; n < N; n++) for (let oy = 0; oy < H; oy++) for (let ox = 0; ox < W; ox++) {
    for (let oc = 0; oc < OC; oc++) {
      let s = 0;
      for (let ky = 0; ky < K; ky++) {
        const iy = oy + ky - PAD;
        if (iy < 0 || iy >= H) continue;
        for (let kx = 0; kx < K; kx++) {
          const ix = ox + kx - PAD;
          if (ix < 0 || ix >= W) continue;
          const xb = ((n * H + iy) * W + ix) * C, wb = (ky * K + kx) * C * OC + oc;
          for (let c = 0; c < C; c++) s += x[xb + c] * w[wb + c * OC];
        }
      }
      out[((n * H + oy) * W + ox) * OC + oc] = s;
    }
  }
}

const acc = new Float64Array(OC);
function directRow(): void {
  for (let n = 0; n < N; n++) for (let oy = 0; oy < H; oy++) for (let ox = 0; ox < W; ox++) {
    acc.fill(0);
    for (let ky = 0; ky < K; ky++) {
      const iy = oy + ky - PAD;
      if (iy < 0 || iy >= H) continue;
      for (let kx = 0; kx < K; kx++) {
        const ix = ox + kx - PAD;
        if (ix < 0 || ix >= W) continue;
        const xb = ((n * H + iy) * W + ix) * C, wb = (ky * K + kx) * C * OC;
        for (let c = 0; c < C; c++) {
          const xv = x[xb + c], r = wb + c * OC;
          for (let oc = 0; oc < OC; oc++) acc[oc] += xv * w[r + oc];
        }
      }
    }
    const ob = ((n * H + oy) * W + ox) * OC;
    for (let oc = 0; oc < OC; oc++) out[ob + oc] = acc[oc];
  }
}

const g = new tf.Graph();
const { sess, y, feeds } = g.asDefault(() => {
  const xp = tf.placeholder('float32', [N, H, W, C]);
  const wp = tf.placeholder('float32', [K, K, C, OC]);
  const feeds = new Map<tf.Tensor, unknown>([[xp, new tf.NDArray(x, [N, H, W, C], 'float32')], [wp, new tf.NDArray(w, [K, K, C, OC], 'float32')]]);
  return { sess: new tf.Session({ graph: g }), y: tf.nn.conv2d(xp, wp, 1, 'SAME'), feeds };
});
const tfgen = () => { sess.run(y, feeds as tf.FeedDict, { reuseOutputs: true }); };

function median(fn: () => void, runs: number): number {
  fn();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    fn();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[runs >> 1];
}

const macs = N * H * W * OC * K * K * C;
for (const [name, fn] of [['tfgen im2col + matmul', tfgen], ['direct, dot per output', directDot], ['direct, row of accumulators', directRow]] as const) {
  const ms = median(fn, 5);
  console.log(`${name.padEnd(30)} ${ms.toFixed(0).padStart(5)} ms  ${(2 * macs / ms / 1e6).toFixed(2)} GFLOP/s`);
}
