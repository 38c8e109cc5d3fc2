// Graph collections by name (TF1 tf.get_collection / tf.add_to_collection) and TF1's standard
// keys, e.g. the batch-norm updates a training step must run: tf.GraphKeys.UPDATE_OPS.
import { getDefaultGraph } from './graph.js';
import { matchesScope } from './variables.js';

/** TF1's standard collection names (tf.GraphKeys). */
export const GraphKeys = {
  GLOBAL_VARIABLES: 'variables',
  TRAINABLE_VARIABLES: 'trainable_variables',
  LOCAL_VARIABLES: 'local_variables',
  MOVING_AVERAGE_VARIABLES: 'moving_average_variables',
  REGULARIZATION_LOSSES: 'regularization_losses',
  LOSSES: 'losses',
  UPDATE_OPS: 'update_ops',
  GLOBAL_STEP: 'global_step',
  SUMMARIES: 'summaries',
  TRAIN_OP: 'train_op',
} as const;

/**
 * The values in the default graph's collection `key`, optionally only those whose name `scope`
 * matches from the start as a regular expression (TF1 tf.get_collection).
 * @example tf.controlDependencies(tf.getCollection(tf.GraphKeys.UPDATE_OPS), () => opt.minimize(loss))
 */
export function getCollection<T = unknown>(key: string, scope?: string): T[] {
  const all = getDefaultGraph().getCollection<T>(key);
  if (scope === undefined) return all;
  return all.filter((v) => {
    const name = (v as { name?: unknown })?.name;
    return typeof name === 'string' && matchesScope(scope, name);
  });
}

/** Adds `value` to the default graph's collection `key` (TF1 tf.add_to_collection). */
export function addToCollection(key: string, value: unknown): void {
  getDefaultGraph().addToCollection(key, value);
}
