// The compiler pipeline, one ordered list of stages: lower → simplify → fold_constants → cse →
// simplify → dce → schedule (fusion) → memory → render, then the plan's data. The only place
// that orders them. Each stage is verified after it runs (TFGEN_VERIFY=1 or `verify`) and its
// result written as text (TFGEN_DUMP=dir or `dump`): NN_<stage>.ir / .txt, and the rendered text.
import { jsBackend, type Backend, type RenderedPlan } from './backend.js';
import type { Program } from './ir.js';
import { Specialise } from './dims.js';
import { lowerGraph, type LowerInput, type LoweredProgram, type RefFetch } from './lower.js';
import { cse } from './passes/cse.js';
import { dce } from './passes/dce.js';
import { foldConstants } from './passes/fold_constants.js';
import { simplify } from './passes/simplify.js';
import { buildPlanData } from './plan_data.js';
import { planMemory, type MemoryPlan } from './plan_memory.js';
import { printMemory, printProgram, printSchedule } from './print.js';
import { scheduleKernels, type Schedule } from './schedule.js';
import { verify, verifyMemory, verifySchedule } from './verify.js';
import type { PlanData } from '../src/runtime/plan_data.js';

export interface Pass { readonly name: string; run(p: Program): Program }

/** The IR passes, in order (between lowering and scheduling). */
export const PASSES: readonly Pass[] = [simplify, foldConstants, cse, simplify, dce];

export interface CompileOptions {
  /** Folder to write each stage's result (also from env TFGEN_DUMP). */
  dump?: string;
  /** Verify each stage's result (also from env TFGEN_VERIFY=1). */
  verify?: boolean;
  /** The code generator ('js' by default). */
  backend?: Backend;
  /**
   * Unknown placeholder dims become run-time dims: one plan for every batch size. Where an op
   * cannot take them (codegen/lower_dims.ts), the plan is compiled on the fed shapes instead.
   */
  runtimeDims?: boolean;
}

/** What the stages build, filled in stage by stage. */
interface CompileState {
  readonly input: LowerInput;
  readonly runtimeDims: boolean;
  refFetches: RefFetch[];
  dims: LoweredProgram['dims'];
  dimChecks: LoweredProgram['dimChecks'];
  sizeLimits: LoweredProgram['sizeLimits'];
  /** Variables (indices) whose start-of-run value an executed op reads, as lowered (see CompiledProgram). */
  readVariables: number[];
  program: Program;
  schedule: Schedule;
  memory: MemoryPlan;
  rendered: RenderedPlan;
}

export interface Stage {
  readonly name: string;
  /** File extension of its dump. */
  readonly ext: string;
  run(s: CompileState): void;
  check(s: CompileState): void;
  print(s: CompileState): string;
}

const passStage = (pass: Pass): Stage => ({
  name: pass.name, ext: 'ir',
  run: (s) => { s.program = pass.run(s.program); },
  check: (s) => verify(s.program, pass.name),
  print: (s) => printProgram(s.program),
});

/** Every stage, in order, for one backend. */
export function stages(backend: Backend): Stage[] {
  return [
    {
      name: 'lower', ext: 'ir',
      run: (s) => {
        const lowered = lowerGraph(s.input, { runtimeDims: s.runtimeDims });
        s.program = lowered;
        s.refFetches = lowered.refFetches;
        s.dims = lowered.dims;
        s.dimChecks = lowered.dimChecks;
        s.sizeLimits = lowered.sizeLimits;
        // why: before passes drop unused reads: a read only inside a control dependency must still
        // find the variable initialised, as the interpreter does.
        s.readVariables = [...new Set(lowered.nodes.filter((n) => n.prim === 'read').map((n) => n.attrs.variable!))].sort((a, b) => a - b);
      },
      check: (s) => verify(s.program, 'lower'),
      print: (s) => printProgram(s.program),
    },
    ...PASSES.map(passStage),
    {
      name: 'schedule', ext: 'txt',
      run: (s) => { s.schedule = scheduleKernels(s.program); },
      check: (s) => verifySchedule(s.schedule),
      print: (s) => printSchedule(s.schedule),
    },
    {
      name: 'memory', ext: 'txt',
      run: (s) => { s.memory = planMemory(s.schedule); },
      check: (s) => verifyMemory(s.schedule, s.memory),
      print: (s) => printMemory(s.memory),
    },
    {
      name: 'render', ext: backend.name,
      run: (s) => { s.rendered = backend.render(s.schedule, s.memory); },
      check: (s) => {
        const expected = s.schedule.kernels.filter((k) => k.kind !== 'alias').length;
        if (s.rendered.kernels.length !== expected) throw new Error(`verify after render: ${s.rendered.kernels.length} kernels rendered, ${expected} scheduled`);
      },
      print: (s) => s.rendered.text,
    },
  ];
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
  /** The plan as data, for the session and for module writers. */
  data: PlanData;
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
  if (opts.runtimeDims) {
    try {
      return compileOnce(input, opts, true);
    } catch (e) {
      // why: something in this plan needs concrete shapes (codegen/README.md lists what): specialise.
      if (!(e instanceof Specialise)) throw e;
    }
  }
  return compileOnce(input, opts, false);
}

function compileOnce(input: LowerInput, opts: CompileOptions, runtimeDims: boolean): CompiledProgram {
  const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ?? {};
  const dump = opts.dump ?? env.TFGEN_DUMP;
  const check = opts.verify ?? env.TFGEN_VERIFY === '1';
  const backend = opts.backend ?? jsBackend;
  const write = dump ? dumpWriter(`${dump}/plan${String(++dumpCount).padStart(3, '0')}`) : undefined;
  const s = { input, runtimeDims } as CompileState;
  stages(backend).forEach((stage, i) => {
    stage.run(s);
    if (check) stage.check(s);
    write?.(`${String(i).padStart(2, '0')}_${stage.name}.${stage.ext}`, stage.print(s) + '\n');
  });
  const data = buildPlanData(backend.name, s);
  return { program: s.program, refFetches: s.refFetches, readVariables: s.readVariables, schedule: s.schedule, memory: s.memory, rendered: s.rendered, data };
}
