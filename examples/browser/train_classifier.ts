// The MLP classifier as the example page trains it, with no DOM (see train_linreg.ts).
import { NDArray, Session } from 'tfgen/runtime';
import { init, loss, predict, train } from './classifier.tf.js';
import { spiral } from './data.js';
import type { TrainOptions } from './train_linreg.js';

export interface ClassifierProgress {
  step: number;
  steps: number[];
  losses: number[];
  /** Predicted class of each grid cell (`grid` × `grid`, row by row from the top), for the regions plot. */
  regions: number[];
}

export interface ClassifierResult extends ClassifierProgress {
  /** Fraction of the training points classified right, and of a second sample of the spiral. */
  trainAccuracy: number;
  testAccuracy: number;
  /** What the session ran on (gpu backend: mode and gpu.js kernel class; null on js). */
  backendInfo: unknown;
}

export const GRID = 40;

/** Cell centres of a GRID × GRID grid over [−1, 1]², row by row from the top. */
export function gridPoints(): NDArray {
  const g = new Float32Array(2 * GRID * GRID);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      g[2 * (r * GRID + c)] = -1 + (2 * c + 1) / GRID;
      g[2 * (r * GRID + c) + 1] = 1 - (2 * r + 1) / GRID;
    }
  }
  return new NDArray(g, [GRID * GRID, 2], 'float32');
}

/** The classes a signature returned (typed as any fetched value in development: the model file's own types). */
const classesOf = (out: { classes: unknown }) => (out.classes as NDArray).data as Float64Array;

const accuracy = (classes: ArrayLike<number>, truth: readonly number[]) => truth.filter((t, i) => classes[i] === t).length / truth.length;

/** Full-batch Adam on 100 points per arm; the regions are redrawn every `chunk` steps. */
export function* trainClassifier(opts: TrainOptions = {}): Generator<ClassifierProgress, ClassifierResult> {
  const steps = opts.steps ?? 600, every = opts.every ?? 10, chunk = opts.chunk ?? 50;
  const data = spiral(100), held = spiral(100, 3, 11), grid = gridPoints();
  const sess = new Session(opts.session);
  sess.run(init);
  const progress: ClassifierProgress = { step: 0, steps: [], losses: [], regions: [] };
  const regions = () => Array.from(classesOf(predict({ X: grid }, sess)));
  for (let i = 0; i < steps; i++) {
    const [, batchLoss] = sess.run([train, loss], { X: data.points, labels: data.oneHot });
    if (i % every === 0) { progress.steps.push(i); progress.losses.push(batchLoss); }
    progress.step = i + 1;
    if ((i + 1) % chunk === 0 && i + 1 < steps) {
      progress.regions = regions();
      yield progress;
    }
  }
  progress.regions = regions();
  return {
    ...progress,
    trainAccuracy: accuracy(classesOf(predict({ X: data.points }, sess)), data.classes),
    testAccuracy: accuracy(classesOf(predict({ X: held.points }, sess)), held.classes),
    backendInfo: sess.backendInfo ?? null,
  };
}
