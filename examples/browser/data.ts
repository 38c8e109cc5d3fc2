// The example page's data, from seeded generators so the page, its test and the Node tutorial
// see the same numbers.
import { NDArray, normalSample, uniformStream } from 'tfgen/runtime';

/** The tutorial's seed: its sample of temperatures has mean ≈ 55.0 and std ≈ 20.0. */
export const TUTORIAL_SEED = 216;

export interface VisitsData {
  temps: number[];
  visits: number[];
  /** Mean and (population) standard deviation of the temperatures. */
  mean: number;
  std: number;
  /** The standardised temperatures and visits, split 800 / 100 / 100 as In [67]. */
  train: { X: number[]; y: number[] };
  valid: { X: number[]; y: number[] };
  test: { X: number[]; y: number[] };
}

/** In [65]–[67]: temperatures ~ N(55, 20), visits = 1000 − 5·temp + N(0, 100), standardised and split. */
export function hospitalVisits(seed = TUTORIAL_SEED): VisitsData {
  const u = uniformStream(seed);
  const normal = (mean: number, std: number, n: number) => Array.from({ length: n }, () => mean + std * normalSample(u));
  const temps = normal(55, 20, 1000);
  const noise = normal(0, 100, 1000);
  const visits = temps.map((t, i) => 1000 - 5 * t + noise[i]);
  const mean = temps.reduce((s, t) => s + t, 0) / temps.length;
  const std = Math.sqrt(temps.reduce((s, t) => s + (t - mean) ** 2, 0) / temps.length);
  const X = temps.map((t) => (t - mean) / std);
  const part = (a: number, z: number) => ({ X: X.slice(a, z), y: visits.slice(a, z) });
  return { temps, visits, mean, std, train: part(0, 800), valid: part(800, 900), test: part(900, 1000) };
}

export interface SpiralData {
  /** Points [n, 2]. */
  points: NDArray;
  /** One-hot labels [n, classes]. */
  oneHot: NDArray;
  classes: number[];
}

/** `perClass` points on each of `classes` noisy spiral arms in [−1, 1]² (a classic toy classification set). */
export function spiral(perClass: number, classes = 3, seed = 5): SpiralData {
  const u = uniformStream(seed);
  const n = perClass * classes;
  const points = new Float32Array(2 * n), oneHot = new Float32Array(classes * n), labels: number[] = [];
  for (let c = 0, i = 0; c < classes; c++) {
    for (let k = 0; k < perClass; k++, i++) {
      const r = k / perClass;
      const angle = (c * 2 * Math.PI) / classes + 4 * r + 0.2 * normalSample(u);
      points[2 * i] = r * Math.cos(angle);
      points[2 * i + 1] = r * Math.sin(angle);
      oneHot[classes * i + c] = 1;
      labels.push(c);
    }
  }
  return { points: new NDArray(points, [n, 2], 'float32'), oneHot: new NDArray(oneHot, [n, classes], 'float32'), classes: labels };
}
