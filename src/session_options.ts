// The options of a Session and of one run (their own file: session.ts holds the behaviour).
import type { ConfigProto } from './config_proto.js';
import type { Graph } from './graph.js';
import type { PlanCompiler } from './plan.js';
import type { GpuOptions } from './runtime/gpu_device.js';

export interface SessionOptions {
  graph?: Graph;
  config?: ConfigProto;
  /**
   * 'js' (default): fused JS per plan; 'wasm': the kernels the wasm backend covers as WebAssembly
   * SIMD128, the others in JS inside the same plan (`tfgen inspect` lists which); 'gpu': the kernels
   * the gpu backend covers as gpu.js kernels (mode in `gpu`), the others in JS.
   */
  backend?: 'js' | 'wasm' | 'gpu';
  /** The gpu backend's gpu.js mode, class and fallback (backend 'gpu' only; see `sess.backendInfo`). */
  gpu?: GpuOptions;
  /** The wasm backend's numerics (backend 'wasm' only; codegen/README.md, "The wasm backend"). */
  wasm?: WasmSessionOptions;
  /** 'compiled' (default): generated, fused JS per plan; 'interpreter': op by op with the reference kernels (debugging, oracle). */
  executor?: 'compiled' | 'interpreter';
  /** What compiles this session's plans (default: `Session.defaultCompiler`; the `tfgen` entry sets the JIT). */
  compiler?: PlanCompiler | null;
}

/**
 * The wasm backend's choices of numerics and kernel placement. Defaults: `sums: 'ordered'` (the
 * reference's order, bit-identical), `math: 'vector'` (exp, log, tanh, … in wasm within 1 float32
 * ulp; 'exact' keeps them in JS), `matmul: 'f32'` (f32x4 accumulation within (K+2)·2⁻²⁴·Σ|aᵢₖbₖⱼ|;
 * 'f64' is bit-identical at about half the speed), `minWork`: kernels doing less work than this
 * stay in JS, where a call costs more than the loop (0: every covered kernel in wasm).
 */
export interface WasmSessionOptions {
  sums?: 'ordered' | 'f64x2';
  math?: 'vector' | 'exact';
  matmul?: 'f32' | 'f64';
  minWork?: number;
}

export interface RunOptions {
  /**
   * Return fetched arrays as views of the plan's own output buffers instead of copies: no
   * allocation per run, but each result is overwritten by the next run of the same fetches.
   */
  reuseOutputs?: boolean;
}
