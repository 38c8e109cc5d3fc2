// The example's data: temperatures (°F) and ice creams sold, noisy around 1.2·t + 10, from a
// seeded generator so every run prints the same numbers.
import { normalSample, uniformStream } from 'tfgen/runtime';

export function iceCreamData(n: number, seed = 7): { temps: Float32Array; sold: Float32Array } {
  const u = uniformStream(seed);
  const temps = new Float32Array(n), sold = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    temps[i] = 40 + 50 * u();
    sold[i] = 1.2 * temps[i] + 10 + 4 * normalSample(u);
  }
  return { temps, sold };
}
