// Helpers for table-driven op tests: build in a fresh graph, run, compare, expect errors.
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';

/** What a case builds: the tensor to fetch, optionally with feeds. */
export type Built = tf.Tensor | [tf.Tensor, Map<tf.Tensor, unknown>];

/** Runs fn with a fresh graph as the default graph. */
export function fresh<T>(fn: (g: tf.Graph) => T): T {
  const g = new tf.Graph();
  return g.asDefault(() => fn(g));
}

/** Runs the fetches once in a new session of their graph (compiled, or the interpreter). */
export function run(t: tf.Tensor | tf.Tensor[], feeds?: tf.FeedDict, executor?: 'interpreter'): any {
  using sess = new tf.Session({ graph: (Array.isArray(t) ? t[0] : t).graph, executor });
  return sess.run(t, feeds);
}

/** A value case: name, build, the expected value (plain JS) and dtype (default float32). */
export type ValueCase = [string, () => Built, unknown, tf.DType?];

/** One test per case: the fetched value and the result dtype. */
export function valueTests(test: (name: string, fn: () => void) => void, cases: readonly ValueCase[]): void {
  for (const [name, build, expected, dtype] of cases) {
    test(`value: ${name}`, () => {
      const { t, v } = evaluate(build);
      assert.equal(plain(v), expected);
      assert.is(t.dtype, dtype ?? 'float32');
    });
  }
}

/** Builds in a fresh graph and runs once; returns the tensor and its fetched value. */
export function evaluate(build: () => Built): { t: tf.Tensor; v: tf.FetchValue } {
  return fresh(() => {
    const b = build();
    const [t, feeds] = Array.isArray(b) ? b : [b, undefined];
    using sess = new tf.Session();
    return { t, v: sess.run(t, feeds as tf.FeedDict | undefined) as tf.FetchValue };
  });
}

/** A fetched value as nested JS arrays (scalars as they are). */
export function plain(v: tf.FetchValue): unknown {
  return v instanceof tf.NDArray ? v.toArray() : v;
}

/** Asserts fn throws an instance of cls whose message matches every pattern. */
export function throwsClass<E extends Error>(fn: () => unknown, cls: new (...a: any[]) => E, ...patterns: (RegExp | string)[]): E {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  if (caught === undefined) assert.unreachable(`expected ${cls.name} to be thrown`);
  if (!(caught instanceof cls)) {
    const err = caught as Error;
    return assert.unreachable(`expected ${cls.name}, got ${err?.constructor?.name}: ${err?.message}`) as never;
  }
  for (const p of patterns) {
    const ok = typeof p === 'string' ? caught.message.includes(p) : p.test(caught.message);
    assert.ok(ok, `message ${JSON.stringify(caught.message)} should match ${String(p)}`);
  }
  return caught;
}

/** Builds and runs; the error may come from graph building or from the run. */
export function buildAndRun(build: () => Built): void {
  evaluate(build);
}

/** A placeholder and its feed in one step: `[p, feeds] = fed('float32', [null, 2], value)`. */
export function feed(feeds: Map<tf.Tensor, unknown>, dtype: tf.DType, shape: (number | null)[] | null, value: unknown): tf.Tensor {
  const p = tf.placeholder(dtype, shape);
  feeds.set(p, value);
  return p;
}

/** The fetched value (plain JS) on the compiled and the interpreted executor, asserted equal. */
export function runBoth(t: tf.Tensor, feeds?: tf.FeedDict): unknown {
  const compiled = plain(run(t, feeds));
  const interpreted = plain(run(t, feeds, 'interpreter'));
  assert.equal(compiled, interpreted, `${t.name}: compiled equals interpreter`);
  return compiled;
}
