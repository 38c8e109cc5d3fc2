// `tfgen/runtime/gpu`: what a module compiled with `--backend gpu` imports besides tfgen/runtime:
// the gpu backend's runtime (device and plan instantiation). Kept apart so tfgen/runtime stays
// small for the js and wasm backends. It does not import gpu.js: the app supplies it
// (`new Session({gpu: {mode, GPU}})`; in Node it is required lazily when not given).
import { GpuDevice } from './gpu_device.js';
import { instantiateGpuPlan } from './gpu_runner.js';
import type { GpuRuntime } from './model.js';

export const gpuRuntime: GpuRuntime = {
  open: (opts) => GpuDevice.open(opts),
  instantiate: (data, factory, kernels, dims, device) => instantiateGpuPlan(data, factory, kernels, dims, device as GpuDevice),
};

export { GpuDevice, GPU_MODES } from './gpu_device.js';
export type { BackendInfo, GpuMode, GpuOptions } from './gpu_device.js';
