// `import * as tf from 'tfgen'`: the DSL. Names follow TF1's Python API in camelCase.
import './sugar.js';
import { jitCompiler } from '../codegen/jit.js';
import { gpuBackendFor, wasmBackend, wasmBackendWith } from '../codegen/backend.js';
import { InvalidArgumentError } from './errors.js';
import { GpuDevice } from './runtime/gpu_device.js';
import { Session, type WasmSessionOptions } from './session.js';
import type { PlanCompiler } from './plan.js';
import type { Graph } from './graph.js';
import { setGraphSessionFactory } from './runtime/model.js';

// why: the `tfgen` entry is the DSL plus the JIT: its sessions compile plans with it unless given
// another `compiler`. This is the one import from src/ into codegen/; `tfgen/runtime` leaves it out.
Session.defaultCompiler = jitCompiler();
Session.backendCompilers.set('wasm', jitCompiler({ backend: wasmBackend }));
// why: sessions asking for the same wasm numerics share one compiler (and its plan cache).
const WASM_CHOICES: { [K in keyof WasmSessionOptions]-?: readonly unknown[] | 'count' } = {
  sums: ['ordered', 'f64x2'], math: ['vector', 'exact'], matmul: ['f32', 'f64'], minWork: 'count',
};
const wasmCompilers = new Map<string, PlanCompiler>();
Session.backendFactories.set('wasm', (opts) => {
  const wasm = opts.wasm ?? {};
  for (const [key, value] of Object.entries(wasm)) {
    const allowed = WASM_CHOICES[key as keyof WasmSessionOptions];
    const ok = allowed === 'count' ? Number.isInteger(value) && (value as number) >= 0 : allowed?.includes(value);
    if (!ok) {
      const expected = !allowed ? `one of ${Object.keys(WASM_CHOICES).join(', ')}` : allowed === 'count' ? 'a non-negative integer' : allowed.map((v) => `'${v}'`).join(' or ');
      throw new InvalidArgumentError(`Session option wasm.${key} = ${JSON.stringify(value)}: ${allowed ? 'expected' : 'unknown option; expected'} ${expected}.`);
    }
  }
  const key = JSON.stringify(Object.keys(WASM_CHOICES).map((k) => wasm[k as keyof WasmSessionOptions]));
  let compiler = wasmCompilers.get(key);
  if (!compiler) wasmCompilers.set(key, (compiler = opts.wasm ? jitCompiler({ backend: wasmBackendWith(wasm) }) : Session.backendCompilers.get('wasm')!));
  return { compiler, info: { backend: 'wasm' } };
});
// why: each gpu session opens its own gpu.js device in the mode it asks for (checked, never a silent fallback).
Session.backendFactories.set('gpu', (opts) => {
  const device = GpuDevice.open(opts.gpu);
  return { compiler: jitCompiler({ backend: gpuBackendFor(device) }), info: device.info, release: () => device.close() };
});
// why: so an app written against tfgen/runtime's Session also runs a model file imported directly (development).
setGraphSessionFactory((graph) => new Session({ graph: graph as Graph }));

export type { DType, DTypeLike, TypedArray } from './dtypes.js';
export { DTYPES } from './dtypes.js';
export const float32 = 'float32', float64 = 'float64', int32 = 'int32', int64 = 'int64', int16 = 'int16', int8 = 'int8', uint8 = 'uint8', bool = 'bool', string = 'string';
/** TF1's other name of float64. */
export const double = 'float64';
/** The dtype a name stands for, TF1's aliases resolved (TF1 tf.as_dtype): asDtype('float') is 'float32'. */
export { checkDType as asDtype } from './dtypes.js';

export * as errors from './errors.js';
export { Graph, Operation, Tensor, getDefaultGraph, resetDefaultGraph, nameScope, controlDependencies } from './graph.js';
export { NDArray } from './ndarray.js';
export type { Shape, Dim } from './shape.js';
export type { TensorLike } from './ops/define_op.js';

export { constant, placeholder, identity, noOp } from './ops/sources.js';
export type { ConstantOptions } from './ops/sources.js';
export { Variable, assign, assignAdd, assignSub, globalVariables, trainableVariables, variablesInitializer, globalVariablesInitializer, initializeAllVariables, group } from './variables.js';
export { getVariable, variableScope, getVariableScope, VariableScope, AUTO_REUSE } from './variable_scope.js';
export type { GetVariableOptions, VariableScopeOptions, Reuse } from './variable_scope.js';
export {
  zerosInitializer, onesInitializer, constantInitializer, randomNormalInitializer, truncatedNormalInitializer,
  randomUniformInitializer, varianceScalingInitializer, glorotUniformInitializer, glorotNormalInitializer,
} from './initializers.js';
export type { Initializer, VarianceScalingOptions } from './initializers.js';
export type { VariableOptions } from './variables.js';
export {
  add, subtract, multiply, divide, maximum, minimum, pow, squaredDifference,
  equal, notEqual, less, lessEqual, greater, greaterEqual, logicalAnd, logicalOr, addN,
  floorDiv, floorDiv as floordiv, mod, mod as floormod, logicalXor,
} from './ops/math_binary.js';
export {
  negative, square, sqrt, exp, log, abs, sign, sigmoid, tanh, reciprocal, floor, logicalNot,
  rsqrt, ceil, round, sin, cos, log1p, expm1,
} from './ops/math_unary.js';
export { relu6, elu, selu, softplus, softsign } from './ops/activations.js';
export { reduceSum, reduceMean, reduceMax, reduceMin, reduceProd, reduceAll, reduceAny, argmax, argmin } from './ops/reduce.js';
export { matmul } from './ops/matmul.js';
export {
  shape, size, rank, reshape, fill, broadcastTo, zeros, ones, zerosLike, onesLike, cast, where, stopGradient, range,
} from './ops/array.js';
export { transpose, concat, slice, expandDims, squeeze } from './ops/movement.js';
export { pad } from './ops/padding.js';
export type { PadOptions } from './ops/padding.js';
export { stack, unstack, split, tile, reverse, reverse as reverseV2 } from './ops/stacking.js';
export type { UnstackOptions, SplitOptions } from './ops/stacking.js';
export { cumsum, cumprod } from './ops/scan.js';
export { clipByValue, clipByNorm, clipByGlobalNorm, globalNorm } from './ops/clip.js';
export type { ClipByNormOptions, ClipByGlobalNormOptions } from './ops/clip.js';
export type { ScanOptions } from './ops/scan.js';
export { oneHot, gather } from './ops/indexing.js';
export type { OneHotOptions } from './ops/indexing.js';
export { randomNormal, randomUniform, truncatedNormal } from './ops/random.js';
export type { RandomOptions, NormalOptions, UniformOptions } from './ops/random.js';
export type { ReduceOptions, ArgOptions } from './ops/reduce.js';
export type { MatmulOptions } from './ops/matmul.js';
export * as nn from './nn.js';
export * as losses from './losses.js';
export * as layers from './layers/index.js';
export { GraphKeys, getCollection, addToCollection } from './collections.js';
export { gradients } from './gradients.js';
export { cond } from './ops/cond.js';
export type { CondOptions } from './ops/cond.js';
export { whileLoop } from './ops/while_loop.js';
export type { WhileLoopOptions } from './ops/while_loop.js';
export { Session, ConfigProto } from './session.js';
export { InteractiveSession } from './interactive_session.js';
export { getDefaultSession } from './default_session.js';
export type { GpuMode, GpuOptions, BackendInfo } from './runtime/gpu_device.js';
export type { WasmSessionOptions } from './session.js';
export type { SessionOptions, Fetches, FeedDict, FeedValue, FetchValue, RunOptions } from './session.js';
export * as train from './train/index.js';
export { signature, isSignature } from './signature.js';
export type { Signature, SignatureSpec, SignatureResult } from './signature.js';
export * as summary from './summary/index.js';

/** Sets the graph-level random seed of the default graph (TF1 tf.set_random_seed). */
export { setRandomSeed } from './ops/random_seed.js';
