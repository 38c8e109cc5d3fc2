// A compiled plan as data: what a session (JIT or precompiled module) needs to run it, by
// tensor and variable name, plus the rendered text of its backend. JSON-able apart from the
// typed arrays of constants, so the ahead-of-time writer can put it in a module as it is.
import type { DType, TypedArray } from '../dtypes.js';
import type { Attrs } from '../op_spec.js';

/** A dim of a plan's shape: a number, or c times the product of run-time dims `dims[d[0]]·dims[d[1]]·…`. */
export type PlanDim = number | { readonly c: number; readonly d: readonly number[] };

export interface PlanTensor {
  /** Tensor name in the graph, `op:index`. */
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly PlanDim[];
}

/** What a host call (or an error) knows of its graph op: no live Operation. */
export interface OpDescription {
  readonly type: string;
  readonly name: string;
  readonly attrs: Attrs;
  /** Where the op was created in the user's source (`file:line:col`), when recorded. */
  readonly location?: string;
}

export interface HostCallData {
  readonly op: OpDescription;
  /** Dtype and shape of each input the call receives (typed arrays at run time). */
  readonly inputs: readonly { dtype: DType; shape: readonly PlanDim[] }[];
  /** Which outputs of the op the plan uses, in the order the call returns them. */
  readonly outputs: readonly number[];
  /** Index into `randomOps` of the stream the op draws from, or null. */
  readonly stream: number | null;
}

/** One fused kernel: its name in the text, its kind and the graph ops it computes. */
export interface KernelData {
  readonly name: string;
  readonly kind: string;
  readonly ops: readonly string[];
  /** Which code runs the kernel in a plan of a backend that falls back per kernel ('wasm' or 'js'); absent for the js backend. */
  readonly runsOn?: 'wasm' | 'gpu' | 'js';
}

/** Where a gpu kernel's argument comes from at run time (src/runtime/gpu_runner.ts). */
export type GpuArgData = { /** The array's name in the plan text (b3, f0, r1, c2, h7). */ readonly name: string } & (
  /** A typed array of the run (a feed, a host call's result, a JS kernel's buffer): uploaded by gpu.js on each call. */
  | { readonly from: 'host' }
  /** Feed `index`, read by several gpu kernels: uploaded once per run, then a device value. */
  | { readonly from: 'feed'; readonly index: number }
  /** The result of gpu kernel `kernel` of this plan (a texture in the GL and WebGPU modes). */
  | { readonly from: 'device'; readonly kernel: number }
  /** Constant `index` of the plan, uploaded once when the plan is instantiated. */
  | { readonly from: 'constant'; readonly index: number }
  /** Variable `index` of the plan: its device copy, uploaded again only when written from JS. */
  | { readonly from: 'variable'; readonly index: number });

/** One gpu.js kernel (JSON-able; a run-time dim is a hole `$k` in `source`). */
export interface GpuKernelData<D = PlanDim> {
  /** The plan text's kernel it computes (a reduction kernel with several results has one gpu kernel each). */
  readonly kernel: string;
  /** `function (a0, a1, …) { … }`: gpu.js translates it (GLSL, WGSL) without eval outside its 'cpu' mode. */
  readonly source: string;
  /** `$k` in `source` is holes[k]: an integer literal when `int`, else a float literal. */
  readonly holes: readonly { readonly dim: D; readonly int: boolean }[];
  /** Output element count (one thread each), and the longest loop (gpu.js's loopMaxIterations). */
  readonly output: D;
  readonly loopMax: D;
  readonly args: readonly GpuArgData[];
  /** The node computed, and the plan buffer a read back fills. */
  readonly node: number;
  readonly outName: string;
  /** Whether the result becomes a variable's device copy (written to a variable). */
  readonly keep: boolean;
}

export interface PlanData {
  /** The backend whose `instantiate` runs `text` ('js'). */
  readonly backend: string;
  /** The rendered text (for 'js': the body of the plan factory, see codegen/README.md). */
  readonly text: string;
  /** Fed tensors, in the order `run` takes them. */
  readonly feeds: readonly PlanTensor[];
  /** Fetched tensors, in the order `run` returns them; `inPlanBuffer`: the value lives in a plan buffer. */
  readonly fetches: readonly (PlanTensor & { inPlanBuffer: boolean })[];
  /** Target operations run for their effect (by name). */
  readonly targets: readonly string[];
  /** Variables (VariableV2 op names), in the order `run` takes their storage; `read`: read from session state. */
  readonly variables: readonly { name: string; dtype: DType; shape: readonly number[]; read: boolean }[];
  /** Values written to variables, returned after the fetches and committed in order. */
  readonly writes: readonly { variable: number; shape: readonly PlanDim[]; mayAliasState: boolean }[];
  /** Fetched variables: their start-of-run value, or (uninitialised then) the value written. */
  readonly refFetches: readonly { output: number; variable: number; written: boolean }[];
  /** Random ops (by name) whose session streams host calls draw from. */
  readonly randomOps: readonly string[];
  /** Ops named by run-time errors of the text (a gather's index out of range). */
  readonly errorOps: readonly OpDescription[];
  readonly kernels: readonly KernelData[];
  /** The planned buffers (`bufs` of the factory), then scratch float64 accumulators after them. */
  readonly buffers: readonly { dtype: DType; length: PlanDim }[];
  readonly scratch: readonly PlanDim[];
  readonly constants: readonly { dtype: DType; shape: readonly number[]; data: TypedArray }[];
  readonly hostCalls: readonly HostCallData[];
  /**
   * Run-time dims (`D0`, `D1`, … in the text; the factory's `dims`): where each is read from, a
   * fed tensor's axis, and its smallest value the plan serves (2 where the plan took it to differ
   * from 1, as the gradients' broadcast bookkeeping does). Empty for a plan on concrete shapes.
   */
  readonly dims: readonly { feed: number; axis: number; atLeast: number }[];
  /**
   * Further fed dims that must equal a run-time dim. With `op` the graph needs them equal (a
   * mismatch is an error naming both tensors); without, a mismatch needs another plan.
   */
  readonly dimChecks: readonly { feed: number; axis: number; dim: number; op?: string }[];
  /** Element counts with run-time dims (one per distinct count), checked against a typed array's limit before a run. */
  readonly sizeLimits: readonly { size: PlanDim; dtype: DType; op: { name: string; type: string } }[];
  /**
   * The wasm backend's module: its bytes, the regions of wasm memory after the planned buffers
   * (arrays the text copies in: `name` is f<feed>, r<variable>, c<constant> or h<node>), and why
   * each kernel left in JS is not covered.
   */
  /** `run` returns a Promise of its results (sess.runAsync runs the plan; sess.run refuses it). */
  readonly async?: true;
  /** The gpu backend's kernels (in call order) and why each kernel left in JS is not covered. */
  readonly gpu?: {
    readonly kernels: readonly GpuKernelData[];
    readonly fallback: Readonly<Record<string, string>>;
    /** Variables whose storage the text reads in JS: deferred device write backs to settle before a run. */
    readonly settle: readonly number[];
  };
  readonly wasm?: { readonly bytes: Uint8Array; readonly staged: readonly { name: string; dtype: DType; length: PlanDim }[]; readonly fallback: Readonly<Record<string, string>> };
}
