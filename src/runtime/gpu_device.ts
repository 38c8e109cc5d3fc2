// The gpu backend's device: one gpu.js `GPU` instance in the mode the user chose, checked to
// really run that mode (gpu.js itself falls back silently: to webasm when headless-gl has no
// display, to its CPU kernels when a shader fails to build). It uploads constants and
// variables, keeps each variable's device copy between runs and reads results back.
// gpu.js is loaded lazily: in Node through require (an optional dependency), in a browser from
// the `GPU` option or a global `GPU` (a page loading gpu-browser.min.js itself).
import type { TypedArray } from '../dtypes.js';
import { FailedPreconditionError, InternalError, InvalidArgumentError, UnavailableError } from '../errors.js';
import { storageStamp } from './storage_stamps.js';

export const GPU_MODES = ['webgl2', 'webgl', 'webgpu', 'headlessgl', 'cpu'] as const;
export type GpuMode = (typeof GPU_MODES)[number];

export interface GpuOptions {
  /** The gpu.js mode (default: 'headlessgl' in Node, 'webgl2' in a browser). 'cpu' builds kernels with `new Function`: only when asked for. */
  mode?: GpuMode;
  /** gpu.js's `GPU` class, or an instance of it (default: require('gpu.js') in Node, `globalThis.GPU` in a browser). */
  GPU?: unknown;
  /** 'js': when the mode cannot run here, run every kernel on tfgen's JS kernels and say so once (default: an error). */
  fallback?: 'js';
  /**
   * Plans run only through sess.runAsync, awaiting each kernel (gpu.js asyncMode: on webgl2 a
   * readback that does not block the page). Always on for 'webgpu', which has no synchronous readback.
   */
  async?: boolean;
}

/** What a session runs on (`sess.backendInfo`). */
export interface BackendInfo {
  readonly backend: string;
  /** The gpu.js mode and the kernel class that really ran a probe kernel in it. */
  readonly mode?: GpuMode;
  readonly kernelClass?: string;
  readonly precision?: 'single';
  /** Why the plans run on tfgen's JS kernels instead (only with `fallback: 'js'`). */
  readonly fallback?: string;
}

const KERNEL_CLASS: Record<GpuMode, string> = {
  webgl2: 'WebGL2Kernel', webgl: 'WebGLKernel', headlessgl: 'HeadlessGLKernel', cpu: 'CPUKernel', webgpu: 'WebGPUKernel',
};

type GpuJs = any;
type KernelRun = ((...args: unknown[]) => any) & { kernel: any };

/** A device value: a gpu.js texture (GL, WebGPU) or a Float32Array (gpu.js 'cpu' mode). */
export type DeviceValue = { toArray(): Float32Array | Promise<Float32Array>; delete?(): void; type?: string } | Float32Array;

function loadGpuClass(given: unknown): GpuJs {
  if (given) return given;
  const g = globalThis as { GPU?: unknown; process?: { getBuiltinModule?: (id: string) => unknown } };
  const mod = g.process?.getBuiltinModule?.('node:module') as { createRequire(url: string): (id: string) => any } | undefined;
  if (mod) {
    try {
      const lib = mod.createRequire(import.meta.url)('gpu.js');
      return lib.GPU ?? lib;
    } catch (e) {
      throw new UnavailableError(`The gpu backend needs gpu.js, which cannot be loaded here (${(e as Error).message.split('\n')[0]}): npm install gpu.js.`);
    }
  }
  // why: a browser with WebGPU has a global `GPU` of its own (the WebGPU interface, not constructible); gpu.js's has createKernel.
  if (typeof (g.GPU as { prototype?: { createKernel?: unknown } } | undefined)?.prototype?.createKernel === 'function') return g.GPU;
  throw new UnavailableError(`The gpu backend needs gpu.js: load gpu-browser.min.js in the page (a global GPU) or pass {gpu: {GPU}} to the Session.`);
}

const runsInNode = () => typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node === 'string';

/** What is missing for a mode that gpu.js refused, and what to do. */
function whyNot(mode: GpuMode, inNode: boolean, detail: string): string {
  if (mode === 'headlessgl') {
    if (!inNode) return `'headlessgl' runs in Node only; in a browser use 'webgl2', 'webgl' or 'webgpu'.`;
    const display = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.DISPLAY;
    return display === undefined || display === ''
      ? `headless-gl has no X display: run under Xvfb (xvfb-run -a node …), with the gl package built (npm install gl; needs libxi-dev and a C++ toolchain).`
      : `headless-gl could not create a context on display ${display}: check that the gl package is built (npm install gl; needs libxi-dev) and the display is reachable.`;
  }
  if (mode === 'webgpu') return inNode
    ? `gpu.js's webgpu mode needs navigator.gpu, which Node does not have here: use it in a browser (Chromium needs --enable-unsafe-webgpu without a real GPU).`
    : `this browser has no WebGPU adapter (navigator.gpu missing): enable WebGPU (Chromium: --enable-unsafe-webgpu) or use 'webgl2'.`;
  if (inNode) return `'${mode}' runs in a browser only; in Node use 'headlessgl' (under xvfb-run) or 'cpu'.`;
  return `this browser gives no ${mode === 'webgl2' ? 'WebGL2' : 'WebGL'} context (${detail}).`;
}

export class GpuDevice {
  readonly info: BackendInfo;
  /** The gpu.js instance; null when plans fall back to JS kernels. */
  readonly gpu: GpuJs | null;
  readonly mode: GpuMode;
  /** Variables' device copies by session storage array, valid while the storage's stamp matches. */
  readonly variables = new WeakMap<TypedArray, { value: DeviceValue; stamp: number }>();
  private readonly uploads = new Map<number, KernelRun>();

  /** Whether kernels answer with Promises (sess.runAsync only). */
  readonly async: boolean;
  private probed: Promise<void> | null = null;

  private owned = false;

  private constructor(mode: GpuMode, gpu: GpuJs | null, info: BackendInfo, async: boolean) {
    this.mode = mode;
    this.gpu = gpu;
    this.info = info;
    this.async = async;
  }

  /** Frees the gpu.js instance this device created (its kernels, textures and GL context); one passed in stays the caller's. */
  close(): void {
    if (this.owned && this.gpu) void Promise.resolve(this.gpu.destroy?.()).catch(() => undefined);
    this.owned = false;
  }

  /** Opens gpu.js in the requested mode; throws (or, with fallback 'js', falls back and says so) when it cannot run here. */
  static open(opts: GpuOptions = {}): GpuDevice {
    const inNode = runsInNode();
    const mode = opts.mode ?? (inNode ? 'headlessgl' : 'webgl2');
    if (!(GPU_MODES as readonly string[]).includes(mode)) {
      throw new InvalidArgumentError(`Unknown gpu mode '${String(mode)}'; use one of ${GPU_MODES.map((m) => `'${m}'`).join(', ')}.`);
    }
    try {
      const GPU = loadGpuClass(opts.GPU);
      const owned = typeof GPU === 'function';
      const gpu = owned ? new GPU({ mode }) : GPU;
      if (gpu.mode !== mode) throw new UnavailableError(`The GPU instance given runs mode '${gpu.mode}', not '${mode}'.`);
      const device = new GpuDevice(mode, gpu, { backend: 'gpu', mode, kernelClass: KERNEL_CLASS[mode], precision: 'single' }, mode === 'webgpu' || opts.async === true);
      // why: an async device (WebGPU) answers its probe with a Promise: it runs with the first runAsync.
      device.owned = owned;
      if (!device.async) device.probe();
      return device;
    } catch (e) {
      const reason = e instanceof UnavailableError || e instanceof InternalError ? e.message
        : `gpu.js cannot run mode '${mode}' here: ${whyNot(mode, inNode, (e as Error).message)}`;
      if (opts.fallback !== 'js') throw e instanceof UnavailableError || e instanceof InternalError ? e : new UnavailableError(reason);
      console.warn(`tfgen: ${reason} Running every kernel on tfgen's JS kernels instead (fallback: 'js').`);
      return new GpuDevice(mode, null, { backend: 'gpu', mode, fallback: reason }, false);
    }
  }

  /** Runs one tiny kernel and checks the kernel class that ran it (sync devices). */
  private probe(): void {
    const k = this.probeKernel();
    this.probeChecks(k, k(new Float32Array([1, 2])) as DeviceValue, (v, out) => this.read(v, out));
  }

  /** The probe of an async device, once, before its first kernel; a device that cannot run says what is missing. */
  ready(): Promise<void> {
    return (this.probed ??= (async () => {
      const k = this.probeKernel();
      let v: DeviceValue;
      try {
        v = await (k(new Float32Array([1, 2])) as Promise<DeviceValue>);
      } catch (e) {
        throw new UnavailableError(`gpu.js cannot run mode '${this.mode}' here (${(e as Error).message}): ${whyNot(this.mode, runsInNode(), '')}`);
      }
      await this.probeChecks(k, v, (d, into) => this.readAsync(d, into));
    })());
  }

  private probeKernel(): KernelRun {
    return this.kernel('function (a0) { return a0[this.thread.x] * 2.0; }', { output: [2], argumentTypes: ['Array'], pipeline: true });
  }

  private probeChecks(k: KernelRun, v: DeviceValue, read: (v: DeviceValue, into: Float32Array) => void | Promise<void>): void | Promise<void> {
    this.checkClass(k, 'the probe kernel');
    // why: the argumentType of a kernel result is what this gpu.js build and mode call it ('ArrayTexture(1)' on GL).
    this.resultType = v instanceof Float32Array ? 'Array' : v.type ?? 'ArrayTexture(1)';
    const out = new Float32Array(2);
    const check = () => {
      if (out[0] !== 2 || out[1] !== 4) throw new InternalError(`gpu.js mode '${this.mode}' computed [${out[0]}, ${out[1]}] for 2·[1, 2]: this device does not compute correctly.`);
    };
    const r = read(v, out);
    return r instanceof Promise ? r.then(check) : check();
  }

  /** A gpu.js kernel from a source string, with every setting pinned (no inference on the first call). */
  kernel(source: string, settings: { output: number[]; argumentTypes: string[]; pipeline: boolean; immutable?: boolean; loopMaxIterations?: number }): KernelRun {
    return this.gpu.createKernel(source, {
      precision: 'single', tactic: 'precision', dynamicOutput: false, dynamicArguments: false, asyncMode: this.async, ...settings,
    }) as KernelRun;
  }

  /** Throws when gpu.js replaced a kernel by another class (its silent fallback). */
  checkClass(k: KernelRun, what: string): void {
    const cls = k.kernel?.constructor;
    const want = KERNEL_CLASS[this.mode];
    const ok = cls?.name === want || (this.mode === 'webgpu' && cls?.mode === 'webgpu');
    if (!ok) {
      throw new InternalError(`gpu.js ran ${what} with ${cls?.name ?? 'no kernel'} instead of ${want} (mode '${this.mode}')` +
        `${k.kernel?.fallbackReason ? `: ${k.kernel.fallbackReason}` : ''}. The run was abandoned and no variable changed; use another mode or the 'js' backend.`);
    }
  }

  private resultType = 'ArrayTexture(1)';

  /** The argumentType of a device value (a texture; gpu.js's 'cpu' mode passes arrays), as the probe's result says. */
  get deviceType(): string {
    return this.resultType;
  }

  /** A kernel copying `length` floats from JS onto the device; `immutable`: a new texture each call (else one, reused). */
  copyKernel(length: number, immutable: boolean): KernelRun {
    return this.kernel('function (a0) { return a0[this.thread.x]; }', { output: [length], argumentTypes: ['Array'], pipeline: true, immutable });
  }

  /** A Float32Array's device copy (a texture; in 'cpu' mode the array itself); a Promise of it on an async device. */
  upload(a: Float32Array): DeviceValue | Promise<DeviceValue> {
    if (this.mode === 'cpu') return Float32Array.from(a);
    let k = this.uploads.get(a.length);
    if (!k) this.uploads.set(a.length, (k = this.copyKernel(a.length, true)));
    const v = k(a) as DeviceValue | Promise<DeviceValue>;
    this.checkClass(k, 'an upload');
    return v;
  }

  /** A variable's device copy: the one kept from the last gpu run, or a fresh upload when written from JS since. */
  variable(storage: TypedArray): DeviceValue | Promise<DeviceValue> {
    const kept = this.variables.get(storage);
    const stamp = storageStamp(storage);
    if (kept && kept.stamp === stamp) return kept.value;
    release(kept?.value);
    this.variables.delete(storage);
    const value = this.upload(storage as Float32Array);
    const store = (v: DeviceValue) => { this.variables.set(storage, { value: v, stamp }); return v; };
    return value instanceof Promise ? value.then(store) : store(value);
  }

  /** Reads a device value into `into` on an async device. */
  async readAsync(v: DeviceValue, into: TypedArray): Promise<void> {
    store(v instanceof Float32Array ? v : await v.toArray(), into);
  }

  /** Reads a device value into `into` (synchronous modes only). */
  read(v: DeviceValue, into: TypedArray): void {
    if (v instanceof Float32Array) { store(v, into); return; }
    const a = v.toArray();
    if (a instanceof Promise) throw new FailedPreconditionError(`gpu.js mode '${this.mode}' reads results back asynchronously: use sess.runAsync(…) instead of sess.run(…).`);
    store(a, into);
  }
}

/** Copies device floats into a plan array; into int32 as the JS backend's cast does (wrapping; ±Infinity to the extremes, where a plain set gives 0). */
function store(from: ArrayLike<number>, into: TypedArray): void {
  if (!(into instanceof Int32Array)) { into.set(from as Float32Array); return; }
  for (let i = 0; i < into.length; i++) { const v = from[i]; into[i] = v === Infinity ? 2147483647 : v === -Infinity ? -2147483648 : v | 0; }
}

/** Frees a device value (a texture; arrays are garbage collected). */
export function release(v: DeviceValue | undefined): void {
  if (v && !(v instanceof Float32Array)) v.delete?.();
}
