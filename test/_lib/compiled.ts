// Compiled plans against the reference interpreter: equal results (bit for bit), and the plan
// really compiled, with no reference-kernel (host) call left in it unless allowed.
import * as assert from 'uvu/assert';
import * as tf from '../../src/index.js';
import { fetchDiff } from './random_graph.js';

/** Runs fetches in both executors (after `init`), asserts equal results; returns the compiled plan. */
export function compiledEqualsInterpreter(fetches: tf.Tensor[], feeds: Map<tf.Tensor, unknown> = new Map(),
  opts: { init?: tf.Operation; allowHost?: boolean } = {}): tf.NDArray[] {
  const graph = fetches[0].graph;
  using sc = new tf.Session({ graph });
  using si = new tf.Session({ graph, executor: 'interpreter' });
  if (opts.init) { sc.run(opts.init); si.run(opts.init); }
  const got = sc.run(fetches, feeds as tf.FeedDict) as tf.NDArray[];
  const want = si.run(fetches, feeds as tf.FeedDict) as tf.NDArray[];
  fetches.forEach((t, i) => { const d = fetchDiff(got[i], want[i]); if (d) assert.unreachable(`${t.name}: ${d}`); });
  const plan = sc._planFor(fetches, feeds as tf.FeedDict);
  if (!plan) return assert.unreachable('the plan was not compiled') as never;
  if (!opts.allowHost) assert.not.match(plan.source, /host\[/, 'no reference kernel inside the plan');
  return got;
}
