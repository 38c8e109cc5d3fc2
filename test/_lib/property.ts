// fast-check properties over generator choices (a `Pick`), with replay: a failure prints the seed
// and the shrunk choices; FC_SEED=<seed> replays the run, FC_REPLAY='<choices>' with
// FC_TEST='<start of the test name>' replays one counterexample, FC_RUNS=<n> sets the count.
// why not fast-check's `path`: fc.gen() draws values inside the property, so a path cannot be walked.
import * as fc from 'fast-check';
import type { Pick } from './random_graph.js';

const fcPick = (g: fc.GeneratorValue): Pick => ({ int: (min, max) => g(fc.integer, { min, max }) });

/** The choices of a printed counterexample, replayed in order (the generator's simplest choice after them). */
function replayPick(values: readonly number[]): Pick {
  let i = 0;
  return { int: (min, max) => Math.min(max, Math.max(min, values[i++] ?? min)) };
}

/** fast-check's property over generator choices, or one replayed counterexample (FC_REPLAY, FC_TEST). */
export function property(name: string, numRuns: number, check: (p: Pick) => void, replayDefault = 'random graphs'): void {
  const replay = process.env.FC_REPLAY;
  if (replay && name.startsWith(process.env.FC_TEST ?? replayDefault)) {
    const parsed = JSON.parse(replay) as number[] | number[][];
    check(replayPick((Array.isArray(parsed[0]) ? parsed[0] : parsed) as number[]));
    return;
  }
  const seed = process.env.FC_SEED;
  // why: includeErrorInReport puts our report (the graph as code, the plan) into the failure message.
  const params = { numRuns, includeErrorInReport: true, seed: seed ? Number(seed) : undefined };
  fc.assert(fc.property(fc.gen(), (g) => check(fcPick(g))), params);
}
