// The development path: compiles a session's plan with the pipeline into plan data and
// instantiates it with its backend (js: `new Function`; never used by ahead-of-time modules).
import type { PlanCompiler } from '../src/plan.js';
import { bindPlan } from '../src/plan.js';
import { jsBackend } from './backend.js';
import { NotCompilable } from './lower.js';
import { compileProgram, type CompileOptions } from './pipeline.js';

export function jitCompiler(opts: CompileOptions = {}): PlanCompiler {
  const backend = opts.backend ?? jsBackend;
  return (input) => {
    let compiled;
    try {
      compiled = compileProgram(input, { ...opts, backend });
    } catch (e) {
      if (e instanceof NotCompilable) return null;
      throw e;
    }
    return bindPlan(compiled.data, backend.instantiate(compiled.data), input.graph);
  };
}
