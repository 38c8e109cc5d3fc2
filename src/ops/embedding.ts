// tf.nn.embedding_lookup for one (unsharded) embedding matrix: rows of params gathered by ids,
// named as TF1 names it. Its gradient is GatherV2's (a dense UnsortedSegmentSum here, where TF1
// makes IndexedSlices).
import { InvalidArgumentError } from '../errors.js';
import { nameScope, Tensor } from '../graph.js';
import { isTensorLikeObject, type TensorLike } from './define_op.js';
import { gather } from './indexing.js';
import { opArgs, type ArgSpec, type OptArgs } from './op_args.js';

export interface EmbeddingLookupOptions {
  /** 'mod' or 'div': how sharded params split ids; with one matrix both mean the same. */
  partitionStrategy?: string;
  name?: string;
  /** Accepted, as TF1 ignores it since 1.x (ids are always checked on the CPU). */
  validateIndices?: boolean;
  /** Not supported: clipping embeddings to a norm. */
  maxNorm?: number;
}
const ARGS: ArgSpec<EmbeddingLookupOptions> = {
  positional: ['partitionStrategy', 'name', 'validateIndices', 'maxNorm'],
  kinds: { partitionStrategy: 'string', name: 'string', validateIndices: 'boolean', maxNorm: 'number' },
};

/**
 * The rows of `params` selected by `ids` (any shape): result shape ids.shape + params.shape[1:]
 * (TF1 tf.nn.embedding_lookup). @example tf.nn.embeddingLookup(embeddings, wordIds)
 */
export function embeddingLookup(params: TensorLike | readonly TensorLike[], ids: TensorLike,
  ...args: OptArgs<[partitionStrategy: string, name: string, validateIndices: boolean, maxNorm: number], EmbeddingLookupOptions>): Tensor {
  const fn = 'tf.nn.embeddingLookup';
  const o = opArgs(fn, args, ARGS);
  if (o.partitionStrategy !== undefined && o.partitionStrategy !== 'mod' && o.partitionStrategy !== 'div') {
    throw new InvalidArgumentError(`${fn}: partitionStrategy must be 'mod' or 'div', got '${o.partitionStrategy}'.`);
  }
  if (o.maxNorm !== undefined) throw new InvalidArgumentError(`${fn}: maxNorm is not supported; clip the embeddings with tf.clipByNorm.`);
  // why: a JS array of tensors is TF1's list of shards; a nested array of numbers is one matrix.
  const list = Array.isArray(params) && params.some((p) => p instanceof Tensor || isTensorLikeObject(p)) ? params as readonly TensorLike[] : [params as TensorLike];
  if (list.length !== 1) {
    throw new InvalidArgumentError(`${fn}: sharded params (a list of ${list.length} tensors) are not supported; concatenate them into one matrix.`);
  }
  return nameScope(o.name ?? 'embedding_lookup', (scope) => gather(list[0], ids, 0, scope));
}
