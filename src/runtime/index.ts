// `tfgen/runtime`: what generated modules import. Small on purpose: no graph building,
// no compiler, no `new Function`.
export { NDArray } from '../ndarray.js';
export * as errors from '../errors.js';
export { DEFAULT_GRAPH_SEED, mixSeeds, uniformStream, normalSample } from './random.js';
export { fmaf } from './float32.js';
export { int64Value } from '../dtypes.js';
export { ipow } from './int32.js';
