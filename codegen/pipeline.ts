// The compiler pipeline, in order: lower → simplify → fold_constants → cse → dce →
// schedule (fusion) → plan_memory → render. The only place that orders passes.
// With `dump` set (or TFGEN_DUMP=dir), the IR text after each pass is written there.
import type { Program } from './ir.js';
import { lowerGraph, type LowerInput, type RefFetch } from './lower.js';
import { cse } from './passes/cse.js';
import { dce } from './passes/dce.js';
import { foldConstants } from './passes/fold_constants.js';
import { simplify } from './passes/simplify.js';
import { planMemory, type MemoryPlan } from './plan_memory.js';
import { printProgram } from './print.js';
import { renderJs, type RenderedPlan } from './render/js.js';
import { scheduleKernels, type Schedule } from './schedule.js';
import { verify } from './verify.js';

export interface Pass { readonly name: string; run(p: Program): Program }

export const PASSES: readonly Pass[] = [simplify, foldConstants, cse, simplify, dce];

export interface CompileOptions {
  /** Folder to write the IR after each pass (also from env TFGEN_DUMP). */
  dump?: string;
  /** Run the IR verifier between passes (also from env TFGEN_VERIFY=1). */
  verify?: boolean;
}

export interface CompiledProgram {
  program: Program;
  refFetches: RefFetch[];
  /**
   * Variables (indices into program.variables) whose start-of-run value an executed op reads,
   * before passes drop unused reads: a read only inside a control dependency must still find
   * the variable initialised, as the interpreter does.
   */
  readVariables: number[];
  schedule: Schedule;
  memory: MemoryPlan;
  rendered: RenderedPlan;
}

let dumpCount = 0;

/** Node's fs, looked up only when dumping, so the JIT also loads in browsers. */
function dumpWriter(dir: string): (name: string, text: string) => void {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') return () => {};
  const fs = get('node:fs') as typeof import('node:fs');
  fs.mkdirSync(dir, { recursive: true });
  return (name, text) => fs.writeFileSync(`${dir}/${name}`, text);
}

export function compileProgram(input: LowerInput, opts: CompileOptions = {}): CompiledProgram {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const dump = opts.dump ?? env.TFGEN_DUMP;
  const check = opts.verify ?? env.TFGEN_VERIFY === '1';
  const lowered = lowerGraph(input);
  const readVariables = [...new Set(lowered.nodes.filter((n) => n.prim === 'read').map((n) => n.attrs.variable!))].sort((a, b) => a - b);
  let p: Program = lowered;
  const write = dump ? dumpWriter(`${dump}/plan${String(++dumpCount).padStart(3, '0')}`) : undefined;
  const after = (name: string, i: number) => {
    if (check) verify(p, name);
    write?.(`${String(i).padStart(2, '0')}_${name}.ir`, printProgram(p) + '\n');
  };
  after('lower', 0);
  PASSES.forEach((pass, i) => {
    p = pass.run(p);
    after(pass.name, i + 1);
  });
  const schedule = scheduleKernels(p);
  const memory = planMemory(schedule);
  const rendered = renderJs(schedule, memory);
  write?.('plan.js', rendered.source);
  return { program: p, refFetches: lowered.refFetches, readVariables, schedule, memory, rendered };
}
