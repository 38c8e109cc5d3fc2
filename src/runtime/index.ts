// `tfgen/runtime`: what generated modules import. Small on purpose: no graph building,
// no compiler, no `new Function`.
export { NDArray } from '../ndarray.js';
export * as errors from '../errors.js';
export { DEFAULT_GRAPH_SEED, mixSeeds, uniformStream, normalSample } from './random.js';
export * from './kernel_lib.js';
export { instantiatePlan, hostCall, dimsForFeeds, dimValue } from './runner.js';
export { instantiateWasmPlan, wasmBytes, wasmCompiles } from './wasm_runner.js';
export type { PlanFactory, PlanRun, PlanHomes, PlanRuntime, HostFn, FailFn, OpKernels } from './runner.js';
export type { PlanData, PlanDim, PlanTensor, HostCallData, KernelData, OpDescription } from './plan_data.js';
export { CompiledModel, Session, TensorHandle, OperationHandle, VariableHandle, setFallbackCompiler, setGraphSessionFactory } from './model.js';
export type { ModelDescription, ModelPlan, FallbackCompiler, GraphFetches, GraphSessionFactory, Handle, StaticShape, RunOptions } from './model.js';
export type { HandleFetches } from './handle_fetches.js';
export type { NestedArray } from '../ndarray.js';
