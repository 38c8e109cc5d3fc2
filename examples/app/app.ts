// A small app that predicts with the linear-regression model. It imports the model file
// itself: run directly (tsx) it builds the graph and runs it with the JIT; bundled with the
// tfgen esbuild plugin (build.ts), the import is the compiled, standalone module instead.
import { predict } from '../linreg/linreg.tf.js';

export function forecast(temps: readonly number[]): number[] {
  const { sold } = predict({ X: temps });
  return Array.from((sold as { data: Float32Array }).data, (v) => Math.round(v * 10) / 10);
}

const temps = [45, 60, 75, 90];
const line = forecast(temps).map((s, i) => `${temps[i]} °F → ${s}`).join(', ');
const doc = (globalThis as { document?: { body: { textContent: string } } }).document;
if (doc) doc.body.textContent = line;
else console.log(line);
