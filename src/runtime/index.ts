// `tfgen/runtime`: what generated modules import. Small on purpose: no graph building,
// no compiler, no `new Function`.
export { NDArray } from '../ndarray.js';
export * as errors from '../errors.js';
export { DEFAULT_GRAPH_SEED, mixSeeds, uniformStream, normalSample } from './random.js';
export { fmaf } from './float32.js';
export { int64Value } from '../dtypes.js';
export { ipow } from './int32.js';
export { instantiatePlan, hostCall } from './runner.js';
export type { PlanFactory, PlanRun, PlanRuntime, HostFn, FailFn, OpKernels } from './runner.js';
export type { PlanData, PlanDim, PlanTensor, HostCallData, KernelData, OpDescription } from './plan_data.js';
