// The global step (TF1 tf.train.get_or_create_global_step): a non-trainable integer variable
// `global_step`, starting at 0, that minimize({globalStep}) advances once per training step.
import { InvalidArgumentError } from '../errors.js';
import { getDefaultGraph, nameScope, Tensor, type Graph } from '../graph.js';
import { zerosInitializer } from '../initializers.js';
import { getVariable } from '../variable_scope.js';
import { GLOBAL_VARIABLES, Variable } from '../variables.js';

/** The collection holding the global step (TF1 tf.GraphKeys.GLOBAL_STEP). */
export const GLOBAL_STEP = 'global_step';

// why: int64 as TF1's (exact to 2⁵³ here, far beyond any training loop).
const STEP_DTYPE = 'int64';

/** The graph's global step variable, or null when there is none (TF1 tf.train.get_global_step). */
export function getGlobalStep(graph: Graph = getDefaultGraph()): Variable | null {
  const steps = graph.getCollection<Variable>(GLOBAL_STEP);
  if (steps.length > 1) throw new InvalidArgumentError(`Multiple tensors in global_step collection: ${steps.map(String).join(', ')}.`);
  if (steps.length === 1) return steps[0];
  return null;
}

/** Creates the global step; fails if the graph has one already (TF1 tf.train.create_global_step). */
export function createGlobalStep(graph: Graph = getDefaultGraph()): Variable {
  if (getGlobalStep(graph)) throw new InvalidArgumentError('"global_step" already exists.');
  return graph.asDefault(() => nameScope('', () => getVariable(GLOBAL_STEP, [], {
    dtype: STEP_DTYPE, initializer: zerosInitializer(), trainable: false, collections: [GLOBAL_VARIABLES, GLOBAL_STEP],
  })));
}

/**
 * The graph's global step, created when missing (TF1 tf.train.get_or_create_global_step).
 * @example const step = tf.train.getOrCreateGlobalStep(); opt.minimize(loss, {globalStep: step})
 */
export function getOrCreateGlobalStep(graph: Graph = getDefaultGraph()): Variable {
  return getGlobalStep(graph) ?? createGlobalStep(graph);
}

/** @internal The step as a tensor for the decay schedules, which accept a Variable, a Tensor or a number. */
export function stepTensor(step: Variable | Tensor | number | null | undefined, fn: string): Tensor | number {
  if (step === null || step === undefined) throw new InvalidArgumentError(`global_step is required for ${fn}.`);
  return step instanceof Variable ? step.value() : step;
}
