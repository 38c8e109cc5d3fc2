// What every MNIST example shares: where it writes (TensorBoard logs and the loss-curve SVG
// under examples/out), the options tests shrink, and the result it returns.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '../../src/index.js';

export const OUT = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'out');

export interface ExampleOptions {
  /** Training / test examples taken from the package's 10,000 digits (defaults 8000 / 2000). */
  train?: number;
  test?: number;
  /** Training steps (each a minibatch), and a wall-clock bound in seconds that stops earlier. */
  steps?: number;
  seconds?: number;
  batchSize?: number;
  /** Where logs/<name>/ and <name>_loss.svg go (default examples/out). */
  outDir?: string;
  print?: (line: string) => void;
}

export interface ExampleResult {
  testAccuracy: number;
  steps: number;
  trainSeconds: number;
  finalLoss: number;
  logdir: string;
  svgPath: string;
}

/** A fresh log directory for one example's run (old event files would add stale curves). */
export function logdirFor(name: string, opts: ExampleOptions): string {
  const dir = join(opts.outDir ?? OUT, 'logs', name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes the loss curves of `logdir` as `<name>_loss.svg` next to the logs. */
export function writeLossSvg(name: string, logdir: string, title: string, opts: ExampleOptions, yScale: 'linear' | 'log' = 'linear'): string {
  const file = join(opts.outDir ?? OUT, `${name}_loss.svg`);
  const series = tf.summary.readScalars(logdir);
  // why: smoothing lags far behind a short curve; TensorBoard's 0.6 suits a long one.
  const points = Math.max(0, ...series.map((s) => s.steps.length));
  writeFileSync(file, tf.summary.scalarCurvesSvg(series, { title, smoothing: points >= 40 ? 0.6 : 0, yScale }));
  return file;
}

/** The fraction of `predicted` equal to `labels` (argmax output vs digits). */
export function accuracyOf(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}
