// The development path: compiles a session's plan with the pipeline into plan data and
// instantiates it with its backend (js: `new Function`; never used by ahead-of-time modules).
import type { PlanCompiler } from '../src/plan.js';
import { bindPlan } from '../src/plan.js';
import { opSpec } from '../src/runtime/op_table.js';
import { jsBackend } from './backend.js';
import { NotCompilable } from './lower.js';
import { compileProgram, type CompileOptions } from './pipeline.js';

export function jitCompiler(opts: CompileOptions = {}): PlanCompiler {
  const backend = opts.backend ?? jsBackend;
  return (input) => {
    let compiled;
    try {
      compiled = compileProgram(input, { runtimeDims: true, ...opts, backend });
    } catch (e) {
      if (e instanceof NotCompilable) return null;
      throw e;
    }
    // why: the JIT has the live graph: an op type missing from the op table still runs here
    // (the op table test names it; a precompiled module would fail to instantiate).
    const live = new Map(input.schedule.map((op) => [op.type, op.spec]));
    const kernels = (type: string) => opSpec(type) ?? live.get(type);
    const shapes = new Map(input.feeds.map((f) => [f.tensor, f.shape]));
    return bindPlan(compiled.data, (dims) => backend.instantiate(compiled.data, kernels, dims), input.graph, (t) => shapes.get(t));
  };
}
