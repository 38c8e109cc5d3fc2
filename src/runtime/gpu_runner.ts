// Instantiates a gpu backend plan: builds its gpu.js kernels (sources from data.gpu, run-time
// dims filled in, every setting pinned) on the session's device, uploads the constants they read
// once, and hands the text `gpu` (call, read, keep). Results stay on the device between gpu
// kernels; `read` copies one into its plan buffer (before a JS kernel reads it, or when it is
// fetched or written); `keep` makes a gpu result the variable's device copy for the next run.
import type { TypedArray } from '../dtypes.js';
import { InternalError, OpError } from '../errors.js';
import { release, type DeviceValue, type GpuDevice } from './gpu_device.js';
import type { GpuKernelData, PlanData } from './plan_data.js';
import { dimValue, instantiatePlan, type OpKernels, type PlanFactory, type PlanRun } from './runner.js';
import { deferWriteBack, settleWriteBacks, storageStamp } from './storage_stamps.js';

/** What the plan text receives as `gpu`. */
export interface GpuState {
  /** Runs gpu kernel j; `arrays` are the plan arrays named by its args (host ones are uploaded). */
  call(j: number, arrays: readonly (TypedArray | undefined)[]): void | Promise<void>;
  /** Reads gpu kernel j's result of this run into its plan buffer. */
  read(j: number, into: TypedArray): void | Promise<void>;
  /** Kernel j's result becomes the device copy of the variable with storage `storage`; returns what `run` returns for the write. */
  keep(j: number, storage: TypedArray | undefined, into: TypedArray): TypedArray;
}

/** The source of a kernel with its holes (run-time dims) filled in. */
export function kernelSource(k: GpuKernelData, dims: readonly number[]): string {
  return k.source.replace(/\$(\d+)/g, (_, h: string) => {
    const { dim, int } = k.holes[Number(h)];
    const v = dimValue(dim, dims);
    return int ? String(v) : `${v}.0`;
  });
}

export function instantiateGpuPlan(data: PlanData, factory: PlanFactory, kernels: OpKernels | undefined, dims: readonly number[], device: GpuDevice): PlanRun {
  const specs = data.gpu?.kernels ?? [];
  // why: kernels are created at their first call, after an async device's probe has said its types.
  const runs: ReturnType<GpuDevice['kernel']>[] = [];
  const kernelAt = (j: number) => (runs[j] ??= device.kernel(kernelSource(specs[j], dims), {
    output: [dimValue(specs[j].output, dims)],
    argumentTypes: specs[j].args.map((a) => (a.from === 'host' ? 'Array' : device.deviceType)),
    pipeline: true,
    // why: a kept result lives on as a variable while its kernel runs again next run, so that
    // kernel hands out a new texture per call (immutable) instead of re-rendering the kept one.
    immutable: specs[j].keep,
    loopMaxIterations: Math.max(1, dimValue(specs[j].loopMax, dims)),
  }));
  const checked = new Uint8Array(specs.length);
  const constants = new Map<number, DeviceValue | Promise<DeviceValue>>();
  const constant = (index: number) => {
    let c = constants.get(index);
    if (!c) constants.set(index, (c = device.upload(data.constants[index].data as Float32Array)));
    return c;
  };
  const results: (DeviceValue | undefined)[] = new Array(specs.length);
  /** This run's uploads of feeds read by several gpu kernels (a mutable kernel each: its texture is reused every run). */
  const fed = new Map<number, DeviceValue | Promise<DeviceValue>>();
  const feedKernels = new Map<number, ReturnType<GpuDevice['kernel']>>();
  const feed = (index: number, a: TypedArray): DeviceValue | Promise<DeviceValue> => {
    let v = fed.get(index);
    if (v) return v;
    if (device.mode === 'cpu') v = Float32Array.from(a);
    else {
      let k = feedKernels.get(index);
      if (!k) feedKernels.set(index, (k = device.copyKernel(a.length, false)));
      v = k(a) as DeviceValue | Promise<DeviceValue>;
      device.checkClass(k, `the upload of feed ${data.feeds[index].name}`);
    }
    fed.set(index, v);
    return v;
  };
  const args = (j: number, arrays: readonly (TypedArray | undefined)[]) => specs[j].args.map((a, k) => {
    switch (a.from) {
      case 'host': return arrays[k];
      case 'feed': return feed(a.index, arrays[k]!);
      case 'device': return results[a.kernel];
      case 'constant': return constant(a.index);
      case 'variable': return device.variable(arrays[k]!);
    }
  });
  const ran = (j: number, v: DeviceValue) => {
    results[j] = v;
    if (!checked[j]) { device.checkClass(runs[j], `kernel ${specs[j].kernel}`); checked[j] = 1; }
  };
  /** Kernel j's result becomes the variable's device copy; returns the array the session commits. */
  const keep: GpuState['keep'] = (j, storage, into) => {
    if (!storage) { if (!device.async) device.read(results[j]!, into); return into; }
    const value = results[j]!, old = device.variables.get(storage);
    if (old && old.value !== value) release(old.value);
    if (device.async) {
      // why: read back already (awaited); the session commits it into the storage, which bumps its stamp once.
      device.variables.set(storage, { value, stamp: storageStamp(storage) + 1 });
      return into;
    }
    // why: the storage itself is returned (the session skips committing it into itself), its
    // new value copied in only when JS reads it: a training step reads back no weight.
    device.variables.set(storage, { value, stamp: storageStamp(storage) });
    deferWriteBack(storage, () => device.read(value, storage));
    return storage;
  };
  /**
   * gpu.js's own errors (a shader that does not compile or link, a lost context) become an
   * InternalError naming the kernel and the graph ops it computes; the run fails before the
   * session commits anything.
   */
  const failed = (j: number, e: unknown): never => {
    if (e instanceof OpError) throw e;
    const fused = data.kernels.find((k) => k.name === specs[j].kernel)?.ops ?? [];
    const ops = fused.length ? ` (ops ${fused.join(', ')})` : '';
    throw new InternalError(`gpu.js could not run kernel ${specs[j].kernel}${ops} in mode '${device.mode}': ${String((e as Error)?.message ?? e).split('\n')[0]}. ` +
      `The run was abandoned and no variable changed; use another mode, gpu: {fallback: 'js'} where the mode cannot run, or the 'js' backend.`);
  };
  const state: GpuState = device.async ? {
    async call(j, arrays) {
      await device.ready();
      try {
        const k = kernelAt(j);
        ran(j, await k(...await Promise.all(args(j, arrays))));
      } catch (e) { failed(j, e); }
    },
    read: (j, into) => device.readAsync(results[j]!, into),
    keep,
  } : {
    call(j, arrays) {
      try {
        const k = kernelAt(j);
        ran(j, k(...args(j, arrays)));
      } catch (e) { failed(j, e); }
    },
    read: (j, into) => device.read(results[j]!, into),
    keep,
  };
  const run = instantiatePlan(data, factory, kernels, dims, { state });
  // why: the text reads these variables' storage in JS (and the session copies refetched ones).
  const reads = [...new Set([...(data.gpu?.settle ?? []), ...data.refFetches.map((r) => r.variable)])];
  const settled: PlanRun = (feeds, vars, rt) => {
    settleWriteBacks(reads.map((i) => vars[i]));
    fed.clear();
    return run(feeds, vars, rt);
  };
  return Object.assign(settled, { settlesOwn: true as const });
}
