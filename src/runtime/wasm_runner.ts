// Instantiates a wasm backend plan: lays its buffers and staged regions out in one wasm memory
// (16-byte aligned, a 64-byte gap after each so that equal-sized arrays are never a whole
// power-of-two apart: arrays exactly 64 MiB apart ran up to a third slower), instantiates the
// plan's module on it and hands the text its exports, region offsets and views. The memory is
// sized once per set of run-time dims and never grows, so the views stay valid (a fetched array
// of a `reuseOutputs` run is such a view: valid as long as it is referenced, overwritten by the
// plan's next run).
// Resident variables: the run's `homes` are the regions of the variables its wasm
// kernels read; a session moves a variable into its home once (`moveIntoHomes`), then keeps it
// there: JS kernels and the session read it through that view, writes commit into it, and the
// run copies it in no more. A variable already living in another plan's wasm memory stays there
// (that plan keeps it without copies; this one copies it into its region each run).
import { storageFor, type TypedArray } from '../dtypes.js';
import { InternalError, ResourceExhaustedError } from '../errors.js';
import type { PlanData } from './plan_data.js';
import { dimValue, instantiatePlan, type OpKernels, type PlanFactory, type PlanRun } from './runner.js';

const PAGE = 65536;
const MAX_PAGES = 65536; // 4 GiB, wasm32's limit
const GAP = 64;

// why: keyed by the bytes, not the plan data: a compiled module's runtime completes a copy of its data per instance.
const modules = new WeakMap<Uint8Array, WebAssembly.Module>();

let compiles: boolean | undefined;
/**
 * Whether this realm compiles WebAssembly (a strict Content-Security-Policy without
 * 'wasm-unsafe-eval' refuses it, as does a realm without WebAssembly); probed once with an empty
 * module. When not, a compiled module's wasm plans run their JS fallback, and this says so once.
 */
export function wasmCompiles(recheck = false): boolean {
  if (compiles === undefined || recheck) {
    try {
      new WebAssembly.Module(new Uint8Array([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]));
      compiles = true;
    } catch (e) {
      compiles = false;
      console.warn(`tfgen: WebAssembly cannot be compiled here (${(e as Error).message}; a Content-Security-Policy needs 'wasm-unsafe-eval'): ` +
        `the wasm plans run their JS fallback.`);
    }
  }
  return compiles;
}

/** A compiled module's wasm bytes, written as base64 (1.33 characters per byte). */
export function wasmBytes(base64: string): Uint8Array {
  if (typeof atob === 'function') return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new Uint8Array((globalThis as unknown as { Buffer: { from(s: string, e: string): Uint8Array } }).Buffer.from(base64, 'base64'));
}

/** The buffers of the memories made here (never grown, so never detached). */
const wasmBuffers = new WeakSet<ArrayBufferLike>();

/** Whether an array lives in the wasm memory of some plan. */
export function inWasmMemory(a: TypedArray): boolean {
  return wasmBuffers.has(a.buffer);
}

/**
 * Moves the variables a plan's wasm kernels read into their regions of its memory (copying each
 * value once), unless one is there already or lives in another plan's wasm memory. Updates `vars`
 * in place and returns the indices moved: the caller stores those views as the variables' storage.
 */
export function moveIntoHomes(run: PlanRun, vars: (TypedArray | undefined)[]): number[] {
  const homes = run.homes?.variables;
  const moved: number[] = [];
  if (!homes) return moved;
  homes.forEach((home, i) => {
    const cur = vars[i];
    if (!home || !cur || cur === home || cur.length !== home.length || inWasmMemory(cur)) return;
    home.set(cur as never);
    vars[i] = home;
    moved.push(i);
  });
  return moved;
}

/** What the plan text receives as `wasm`. */
export interface WasmState {
  exports: Record<string, (...args: number[]) => void>;
  /** Byte offsets of the planned buffers, and of the staged regions with their views. */
  at: number[];
  stagedAt: number[];
  staged: TypedArray[];
  trap(kernel: string, e: unknown): never;
}

/** Byte offsets of `lengths` regions of the given element sizes, and the memory size they need. */
export function layoutRegions(regions: readonly { bytesPer: number; length: number }[]): { at: number[]; bytes: number } {
  const at: number[] = [];
  let end = 0;
  for (const r of regions) {
    const start = Math.ceil(end / 16) * 16;
    at.push(start);
    end = start + r.bytesPer * r.length + GAP;
  }
  return { at, bytes: end };
}

export function instantiateWasmPlan(data: PlanData, factory: PlanFactory, kernels?: OpKernels, dims: readonly number[] = []): PlanRun {
  const wasm = data.wasm;
  if (!wasm || !data.kernels.some((k) => k.runsOn === 'wasm')) return instantiatePlan(data, factory, kernels, dims);
  const regions = [...data.buffers, ...wasm.staged].map((r) => ({ ctor: storageFor(r.dtype), length: dimValue(r.length, dims) }));
  const { at, bytes } = layoutRegions(regions.map((r) => ({ bytesPer: r.ctor.BYTES_PER_ELEMENT, length: r.length })));
  const pages = Math.ceil(bytes / PAGE);
  const tooLarge = () => new ResourceExhaustedError(`The plan needs ${bytes} bytes of wasm memory (${data.buffers.length} buffers for ` +
    `feeds ${data.feeds.map((f) => f.name).join(', ') || '(none)'}), more than ${pages > MAX_PAGES ? "wasm32's 4 GiB" : 'could be allocated'}: ` +
    `feed smaller batches or use the 'js' backend.`);
  if (pages > MAX_PAGES) throw tooLarge();
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  } catch (e) {
    if (e instanceof RangeError) throw tooLarge();
    throw e;
  }
  let module = modules.get(wasm.bytes);
  if (!module) {
    try {
      module = new WebAssembly.Module(wasm.bytes as unknown as BufferSource);
    } catch (e) {
      // why: WebAssembly compiles here (probed before rendering), so a module that does not validate is a bug of ours.
      const names = data.kernels.filter((k) => k.runsOn === 'wasm').map((k) => k.name).join(', ');
      throw new InternalError(`The wasm module of the plan with kernels ${names} does not validate (${(e as Error).message}). ` +
        `This is a bug of the wasm backend; the plan was not run. Use the 'js' backend meanwhile.`);
    }
    modules.set(wasm.bytes, module);
  }
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  type View = new (buffer: ArrayBuffer, byteOffset: number, length: number) => TypedArray;
  const views = regions.map((r, j) => new (r.ctor as unknown as View)(memory.buffer, at[j], r.length));
  const nb = data.buffers.length;
  wasm.staged.forEach((r, j) => {
    const m = /^c(\d+)$/.exec(r.name);
    if (m) views[nb + j].set(data.constants[Number(m[1])].data as never);
  });
  const state: WasmState = {
    exports: instance.exports as WasmState['exports'],
    at: at.slice(0, nb),
    stagedAt: at.slice(nb),
    staged: views.slice(nb),
    trap(kernel, e) {
      if (e instanceof WebAssembly.RuntimeError) {
        throw new InternalError(`The wasm kernel ${kernel} trapped (${e.message}). This is a bug of the wasm backend; the run was abandoned ` +
          `and no variable changed. Use the 'js' backend for this graph meanwhile.`);
      }
      throw e;
    },
  };
  wasmBuffers.add(memory.buffer);
  const run = instantiatePlan(data, factory, kernels, dims, { buffers: views.slice(0, nb), state });
  const home = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => {
    const j = wasm.staged.findIndex((r) => r.name === `${prefix}${i}`);
    return j < 0 ? undefined : views[nb + j];
  });
  return Object.assign(run, { homes: { variables: home('r', data.variables.length) } });
}
