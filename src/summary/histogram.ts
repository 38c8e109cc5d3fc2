// TF's histogram summary: counts over fixed, exponentially spaced bucket edges (±1e-12·1.1^k
// up to 1e20, then ±DBL_MAX, and 0), with runs of empty buckets merged into one, as TF's
// Histogram::EncodeToProto does without preserve_zero_buckets.

let limits: Float64Array | undefined;

/** The right edges of TF's default buckets, ascending. */
export function defaultBucketLimits(): Float64Array {
  if (limits) return limits;
  const pos: number[] = [];
  for (let v = 1e-12; v < 1e20; v *= 1.1) pos.push(v);
  pos.push(Number.MAX_VALUE);
  const all = [...pos.map((v) => -v).reverse(), 0, ...pos];
  return (limits = Float64Array.from(all));
}

export interface Histogram {
  min: number; max: number; num: number; sum: number; sum_squares: number;
  bucket_limit: number[]; bucket: number[];
}

/** The first index whose limit is greater than v (std::upper_bound). */
function bucketOf(edges: Float64Array, v: number): number {
  let lo = 0, hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (edges[mid] > v) hi = mid; else lo = mid + 1;
  }
  return Math.min(lo, edges.length - 1);
}

/** The histogram of finite `values` (the caller rejects NaN and infinities). */
export function histogramOf(values: ArrayLike<number>): Histogram {
  const edges = defaultBucketLimits();
  const counts = new Float64Array(edges.length);
  let min = Number.MAX_VALUE, max = -Number.MAX_VALUE, sum = 0, sumSquares = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    counts[bucketOf(edges, v)]++;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
    sumSquares += v * v;
  }
  const bucket_limit: number[] = [], bucket: number[] = [];
  for (let i = 0; i < counts.length;) {
    let end = edges[i], count = counts[i];
    i++;
    if (count <= 0) {
      while (i < counts.length && counts[i] <= 0) { end = edges[i]; count = counts[i]; i++; }
    }
    bucket_limit.push(end);
    bucket.push(count);
  }
  return { min, max, num: values.length, sum, sum_squares: sumSquares, bucket_limit, bucket };
}
