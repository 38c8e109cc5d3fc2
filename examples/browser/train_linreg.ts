// The seed's linear regression as the example page trains it, with no DOM: a generator that runs
// a chunk of steps and yields the progress so far, so the page draws between chunks and a test
// (or Node) runs it straight through. Every sess.run here is a call site the esbuild plugin
// precompiles (one model per file: a model's compile reads the call sites of its importers).
import { Session, type NDArray } from 'tfgen/runtime';
import { hospitalVisits, type VisitsData } from './data.js';
import { avgLoss, b, init, m, predict, trainOneStep } from './linreg.tf.js';

/** How long to train, how often to record the loss and to yield, and the session's options (its gpu.js mode). */
export interface TrainOptions { steps?: number; every?: number; chunk?: number; session?: ConstructorParameters<typeof Session>[0] }

export interface LinregProgress {
  step: number;
  /** Training loss every `every` steps (the batch's, before its step), and the steps they belong to. */
  steps: number[];
  losses: number[];
  m: number;
  b: number;
}

export interface LinregResult extends LinregProgress {
  testLoss: number;
  /** Predicted visits at 30, 55 and 80 °F (the temperatures standardised first). */
  predicted: number[];
  /** What the session ran on (gpu backend: mode and gpu.js kernel class; null on js). */
  backendInfo: unknown;
}

export const ASK_TEMPS = [30, 55, 80];

/** In [74]: 5000 steps over batches of 100 of the training set, cycling; then the test loss and predictions. */
export function* trainLinreg(data: VisitsData = hospitalVisits(), opts: TrainOptions = {}): Generator<LinregProgress, LinregResult> {
  const steps = opts.steps ?? 5000, every = opts.every ?? 50, chunk = opts.chunk ?? 250;
  const sess = new Session(opts.session);
  sess.run(init);
  const batches = Math.floor(data.train.X.length / 100);
  const progress: LinregProgress = { step: 0, steps: [], losses: [], m: 0, b: 0 };
  for (let i = 0; i < steps; i++) {
    const a = 100 * (i % batches);
    const [, batchLoss, mv, bv] = sess.run([trainOneStep, avgLoss, m, b], { X: data.train.X.slice(a, a + 100), y: data.train.y.slice(a, a + 100) });
    if (i % every === 0) { progress.steps.push(i); progress.losses.push(batchLoss); }
    progress.step = i + 1;
    [progress.m, progress.b] = [mv, bv];
    if ((i + 1) % chunk === 0 && i + 1 < steps) yield progress;
  }
  const [mv, bv, testLoss] = sess.run([m, b, avgLoss], { X: data.test.X, y: data.test.y });
  const { visits } = predict({ X: ASK_TEMPS.map((t) => (t - data.mean) / data.std) }, sess);
  return { ...progress, m: mv, b: bv, testLoss, predicted: Array.from((visits as NDArray).data), backendInfo: sess.backendInfo ?? null };
}
