// The backend seam: what a code generator implements. `render` turns a scheduled, memory-planned
// program into text; `instantiate` turns a plan's data (that text among it) into a run function.
// The JIT renders and instantiates in one process; the ahead-of-time writer renders, writes the
// same text into a module and leaves instantiation to the module's import of tfgen/runtime.
import type { DType } from '../src/dtypes.js';
import type { NDArray } from '../src/ndarray.js';
import type { KernelData, OpDescription, PlanData } from '../src/runtime/plan_data.js';
import { opSpec } from '../src/runtime/op_table.js';
import { InvalidArgumentError } from '../src/errors.js';
import { instantiatePlan, type OpKernels, type PlanFactory, type PlanRun } from '../src/runtime/runner.js';
import type { Dim } from './dims.js';
import type { MemoryPlan } from './plan_memory.js';
import { renderJs } from './render/js.js';
import { renderGpu, type RenderedGpu } from './render/gpu.js';
import type { GpuDevice } from '../src/runtime/gpu_device.js';
import { instantiateGpuPlan } from '../src/runtime/gpu_runner.js';
import { renderWasm, TINY_WORK, type RenderedWasm, type WasmOptions } from './render/wasm.js';
import { instantiateWasmPlan } from '../src/runtime/wasm_runner.js';
import { encodeModule } from './wasm/encode.js';
import type { Schedule } from './schedule.js';

/** A backend's rendering of one plan: the text plus what the text refers to by index. */
export interface RenderedPlan {
  readonly text: string;
  /** Values of the text's constants (`consts[i]`), in order. */
  readonly constants: readonly NDArray[];
  /** Host calls (`host[i]`): the op, and the node ids of its inputs and of the outputs it returns. */
  readonly hostCalls: readonly { op: OpDescription; inputs: readonly number[]; outputs: readonly number[] }[];
  /** Scratch float64 accumulators (lengths), bound after the planned buffers. */
  readonly scratch: readonly Dim[];
  readonly kernels: readonly KernelData[];
  /** Names of the ops the text's run-time errors name (`fail(name, message)`). */
  readonly errorOps: readonly string[];
  /** Buffers of embedded body plans (control flow), bound after the planned buffers, before scratch. */
  readonly embeddedBuffers?: readonly { dtype: DType; length: number }[];
  /** Ops the embedded body plans' run-time errors name. */
  readonly embeddedErrorOps?: readonly OpDescription[];
  /** The gpu backend's kernels (render/gpu.ts). */
  readonly gpu?: RenderedGpu;
  /** `run` returns a Promise (a device without synchronous readback: sess.runAsync runs it). */
  readonly async?: boolean;
  /** The wasm backend's module and memory regions (render/wasm.ts). */
  readonly wasm?: RenderedWasm;
}

export interface Backend {
  readonly name: string;
  render(schedule: Schedule, memory: MemoryPlan): RenderedPlan;
  /**
   * The run function of a plan rendered by this backend (development: may evaluate text).
   * `kernels` finds host calls' reference kernels (default: the op table); `dims` are the plan's
   * run-time dims (see dimsForFeeds in tfgen/runtime).
   */
  instantiate(data: PlanData, kernels?: OpKernels, dims?: readonly number[]): PlanRun;
}

/** The parameters of the JS plan factory, in order (the contract with generated modules). */
export const JS_FACTORY_PARAMS = ['bufs', 'consts', 'host', 'fail', 'lib', 'dims'] as const;

const factories = new WeakMap<PlanData, PlanFactory>();

export const jsBackend: Backend = {
  name: 'js',
  render: renderJs,
  instantiate(data, kernels = opSpec, dims = []) {
    let factory = factories.get(data);
    // why: development only; ahead-of-time modules contain the same text as a function instead.
    // One function per plan; each set of run-time dims gets its own buffers, not its own code.
    if (!factory) factories.set(data, (factory = new Function(...JS_FACTORY_PARAMS, data.text) as PlanFactory));
    return instantiatePlan(data, factory, kernels, dims);
  },
};

/** The JS plan factory's parameters, then the wasm state (exports, region offsets and views, trap). */
export const WASM_FACTORY_PARAMS = [...JS_FACTORY_PARAMS, 'wasm'] as const;

const wasmFactories = new WeakMap<PlanData, PlanFactory>();

let usable: boolean | undefined;
/**
 * Whether this realm compiles WebAssembly (a strict Content-Security-Policy without
 * 'wasm-unsafe-eval' refuses it); when not, the wasm backend renders every kernel in JS and says so once.
 */
export function wasmUsable(recheck = false): boolean {
  if (usable === undefined || recheck) {
    try {
      new WebAssembly.Module(encodeModule([]) as unknown as BufferSource);
      usable = true;
    } catch (e) {
      usable = false;
      console.warn(`tfgen: WebAssembly cannot be compiled here (${(e as Error).message}; a Content-Security-Policy needs 'wasm-unsafe-eval'): ` +
        `the wasm backend runs every kernel in JS.`);
    }
  }
  return usable;
}

/**
 * The wasm backend with options: `{sums: 'f64x2'}` accumulates full float32 sums and means in
 * four float64 partial sums (faster, within the tolerance of codegen/README.md) instead of the
 * reference's order. Use it as `jitCompiler({backend: wasmBackendWith({sums: 'f64x2'})})`.
 */
export function wasmBackendWith(opts: WasmOptions = {}): Backend {
  checkMinWork(opts.minWork);
  return {
    name: 'wasm',
    render: (s, m) => {
      if (wasmUsable()) return renderWasm(s, m, opts);
      const js = renderJs(s, m);
      return { ...js, kernels: js.kernels.map((k) => ({ ...k, runsOn: 'js' as const })) };
    },
    instantiate(data, kernels = opSpec, dims = []) {
      let factory = wasmFactories.get(data);
      if (!factory) wasmFactories.set(data, (factory = new Function(...WASM_FACTORY_PARAMS, data.text) as PlanFactory));
      return instantiateWasmPlan(data, factory, kernels, dims);
    },
  };
}

export const wasmBackend: Backend = wasmBackendWith();

/** minWork is a cutoff ≥ 0 (Infinity: every kernel in JS), for every kind or per kind. */
function checkMinWork(m: WasmOptions['minWork']): void {
  if (m === undefined) return;
  const ok = (v: unknown) => typeof v === 'number' && v >= 0;
  const kinds = Object.keys(TINY_WORK);
  const bad = typeof m === 'object' && m !== null
    ? Object.entries(m).find(([k, v]) => !kinds.includes(k) || !ok(v))
    : ok(m) ? undefined : ['', m];
  if (bad) {
    throw new InvalidArgumentError(`wasmBackendWith: minWork${bad[0] ? `.${bad[0]}` : ''} is ${String(bad[1])}; `
      + `give a number ≥ 0 (0: every covered kernel in wasm), or an object of such numbers by kind (${kinds.join(', ')}).`);
  }
}

/** The JS plan factory's parameters, then the gpu state (call, read, keep; src/runtime/gpu_runner.ts). */
export const GPU_FACTORY_PARAMS = [...JS_FACTORY_PARAMS, 'gpu'] as const;

const gpuFactories = new WeakMap<PlanData, PlanFactory>();

/**
 * The gpu backend on a device (a session's gpu.js instance). Without a device it only renders
 * (ahead of time); on a device that fell back ({fallback: 'js'}) every kernel renders in JS.
 */
export function gpuBackendFor(device: GpuDevice | null): Backend {
  return {
    name: 'gpu',
    render: (s, m) => {
      if (device && !device.gpu) {
        const js = renderJs(s, m);
        return { ...js, kernels: js.kernels.map((k) => ({ ...k, runsOn: 'js' as const })) };
      }
      return renderGpu(s, m, { async: device?.async === true });
    },
    instantiate(data, kernels = opSpec, dims = []) {
      let factory = gpuFactories.get(data);
      if (!factory) gpuFactories.set(data, (factory = new Function(...GPU_FACTORY_PARAMS, data.text) as PlanFactory));
      if (!device) throw new Error(`A gpu plan runs on a device: create the session with new tf.Session({backend: 'gpu', gpu: {mode}}).`);
      if (!device.gpu) return instantiatePlan(data, factory, kernels, dims, { state: null });
      return instantiateGpuPlan(data, factory, kernels, dims, device);
    },
  };
}

export const gpuBackend: Backend = gpuBackendFor(null);

const BACKENDS = new Map<string, Backend>([[jsBackend.name, jsBackend], [wasmBackend.name, wasmBackend], [gpuBackend.name, gpuBackend]]);

/** The backend of a name ('js'); throws naming the available ones. */
export function backendNamed(name: string): Backend {
  const b = BACKENDS.get(name);
  if (!b) throw new Error(`Unknown backend '${name}'; available: ${[...BACKENDS.keys()].map((k) => `'${k}'`).join(', ')}.`);
  return b;
}
