// The random streams of random ops: a small counter-based generator, identical in the reference
// interpreter and in generated code, so seeded runs give the same numbers on every path.

/** TF1's fallback graph seed when only an op seed is set. */
export const DEFAULT_GRAPH_SEED = 87654321;

/** Mixes two 32-bit seeds into one 32-bit state (splitmix-style finaliser). */
export function mixSeeds(a: number, b: number): number {
  let h = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A mulberry32 stream: uniform floats in [0, 1) with 32 bits of randomness each. */
export function uniformStream(seed: number): () => number {
  return streamOn({ s: seed >>> 0 });
}

/**
 * The mulberry32 stream whose position is `state.s` (advanced on each draw), so its owner can
 * save the position and put it back (a session undoes the draws of a run that failed).
 */
export function streamOn(state: { s: number }): () => number {
  return () => {
    const s = (state.s = (state.s + 0x6d2b79f5) >>> 0);
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal samples by Box–Muller from a uniform stream (one pair per two uniforms). */
export function normalSample(uniform: () => number): number {
  let u = uniform();
  while (u === 0) u = uniform();
  const v = uniform();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A stream's position `s`, and the run that last drew from it. */
interface StreamState { s: number; run: number; stream: () => number }

/**
 * A session's random streams by op (an Operation, or an op name in the runtime), each created on
 * its first draw from `seedOf`. why: a run that throws changes no state, random streams
 * included, so each run records the positions of the streams it draws from (on its first draw
 * from each) and `rewind` puts them back.
 */
export class SessionStreams<K> {
  private readonly streams = new Map<K, StreamState>();
  /** Streams drawn from in the current run, with their positions before it. */
  private readonly drawn: [StreamState, number][] = [];
  private runNo = 0;

  constructor(private readonly seedOf: (key: K) => number) {}

  /** Starts a run: the draws from here on are undone by `rewind`. */
  beginRun(): void {
    this.runNo++;
    this.drawn.length = 0;
  }

  /** Undoes the current run's draws (it failed). */
  rewind(): void {
    for (const [st, pos] of this.drawn) st.s = pos;
    this.drawn.length = 0;
  }

  /** The stream of `key`, its position recorded on the run's first draw from it. */
  stream(key: K): () => number {
    let st = this.streams.get(key);
    if (!st) {
      const state = { s: this.seedOf(key) >>> 0, run: -1 } as StreamState;
      state.stream = streamOn(state);
      this.streams.set(key, (st = state));
    }
    if (st.run !== this.runNo) {
      st.run = this.runNo;
      this.drawn.push([st, st.s]);
    }
    return st.stream;
  }

  clear(): void {
    this.streams.clear();
    this.drawn.length = 0;
  }
}
