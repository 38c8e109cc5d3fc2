// The generated ES module: each plan's rendered text as a named function (the JS backend's plan
// factory, the same text the JIT instantiates), the plans' data as literals, and the model
// file's exports as handles and signature functions. A normal module imports tfgen/runtime
// only; a standalone one imports nothing (its tiny runtime and kernel library are bundled in).
// No eval, no new Function; the same input gives the same bytes (nothing here reads the clock,
// the environment or absolute paths).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import type { DType, TypedArray } from '../../src/dtypes.js';
import type { PlanData } from '../../src/runtime/plan_data.js';
import { GPU_FACTORY_PARAMS, JS_FACTORY_PARAMS, WASM_FACTORY_PARAMS } from '../backend.js';
import { ValueTable } from './values_text.js';

export interface ModulePlan {
  /** `signature NAME`, `init`, or the `file:line:col` of the call site (relative). */
  readonly origin: string;
  readonly data: PlanData;
  /** A wasm plan's JS fallback: the JS backend's plan of the same run (where WebAssembly cannot be compiled). */
  readonly fallback?: PlanData;
}

export interface ModuleVariable {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** A value baked in (a checkpoint, or for standalone modules the initial value). */
  readonly value?: TypedArray;
}

export type ModuleExport =
  | { name: string; kind: 'tensor'; tensor: string; dtype: DType; shape: readonly (number | null)[] | null }
  | { name: string; kind: 'variable'; variable: string; dtype: DType; shape: readonly (number | null)[] | null; initializer: string }
  | { name: string; kind: 'operation'; op: string }
  | { name: string; kind: 'signature'; plans: readonly number[]; inputs: Record<string, string>; outputs: Record<string, string> }
  | { name: string; kind: 'value'; value: unknown };

export interface ModuleInput {
  /** The model file as the header names it (relative, for byte-identical output anywhere). */
  readonly source: string;
  /** File name of the module (the sidecar is named after it). */
  readonly moduleName: string;
  /** The backend of the plans ('js' or 'wasm'); default 'js'. */
  readonly backend?: string;
  readonly standalone: boolean;
  readonly strict: boolean;
  readonly plans: readonly ModulePlan[];
  readonly variables: readonly ModuleVariable[];
  readonly initPlan: number | null;
  readonly seeds: Readonly<Record<string, number | null>>;
  readonly exports: readonly ModuleExport[];
  /** Inline the values however large (no sidecar file). */
  readonly inlineAll?: boolean;
}

export interface ModuleOutput {
  readonly text: string;
  /** Bytes of the sidecar weights file, when the values were too large to inline. */
  readonly sidecar: Uint8Array | null;
  readonly sidecarName: string;
}

const json = (x: unknown) => JSON.stringify(x);

function planComment(i: number, p: ModulePlan): string {
  const d = p.data;
  const lines = [
    `/**`,
    ` * Plan ${i} (${p.origin}): fetches ${d.fetches.map((f) => f.name).join(', ') || '-'}${d.targets.length ? `; runs ${d.targets.join(', ')}` : ''}; feeds ${d.feeds.map((f) => f.name).join(', ') || '-'}.`,
    ...d.kernels.map((k) => ` * ${k.name}: ${k.ops.join(', ')}`),
    ...d.hostCalls.map((h) => ` * host call: ${h.op.name} (${h.op.type}, reference kernel)`),
    ` */`,
  ];
  return lines.join('\n');
}

/**
 * The plan's data without its text (the text is the factory) and with constants as expressions;
 * a wasm plan's module bytes as base64: 1.37 characters per byte against 2.9 for a byte-array
 * literal (a module with 1 KB of wasm: 15% larger with literals, 1.7% smaller gzipped).
 * A plan whose kernels all stay in JS has no module.
 */
function planDataText(d: PlanData, values: ValueTable): string {
  const { text: _text, constants, wasm, ...rest } = d;
  void _text;
  const consts = constants.map((c) => `{ dtype: ${json(c.dtype)}, shape: ${json(c.shape)}, data: ${values.ref(c.data, c.dtype)} }`);
  const fields = Object.entries(rest).map(([k, v]) => `${k}: ${json(v)}`);
  if (wasm && hasWasmKernels(d)) fields.push(`wasm: { bytes: wasmBytes(${json(Buffer.from(wasm.bytes).toString('base64'))}), staged: ${json(wasm.staged)}, fallback: ${json(wasm.fallback)} }`);
  return `{ ${fields.join(', ')}, constants: [${consts.join(', ')}] }`;
}

const hasWasmKernels = (d: PlanData) => d.kernels.some((k) => k.runsOn === 'wasm');

/** The factory function of a plan's text: the JS factory, or the wasm one (its last parameter the wasm state). */
function factoryText(name: string, d: PlanData): string {
  const params = d.backend === 'wasm' ? WASM_FACTORY_PARAMS : d.backend === 'gpu' ? GPU_FACTORY_PARAMS : JS_FACTORY_PARAMS;
  return `function ${name}(${params.join(', ')}) {\n${d.text}\n}`;
}

export async function writeModule(m: ModuleInput): Promise<ModuleOutput> {
  const values = new ValueTable();
  const sidecarName = m.moduleName.replace(/\.m?js$/, '') + '.weights.bin';
  const head = `// Generated by tfgen compile${m.standalone ? ' --standalone' : ''}${m.strict ? ' --strict' : ''} from ${m.source} (backend ${m.backend ?? 'js'}). Do not edit: compile again instead.`;
  const factories = m.plans.map((p, i) => [
    `${planComment(i, p)}\n${factoryText(`plan${i}`, p.data)}`,
    ...(p.fallback ? [`/** Plan ${i} on the JS backend: runs where WebAssembly cannot be compiled (a CSP without 'wasm-unsafe-eval'). */\n${factoryText(`plan${i}js`, p.fallback)}`] : []),
  ].join('\n\n'));
  const body = m.standalone ? await standaloneBody(m, values) : normalBody(m, values);
  const blob = values.blobStatement(sidecarName, m.inlineAll === true);
  const parts = [head, ...body.imports, blob.text, ...factories, ...body.defs].filter((s) => s !== '');
  return { text: parts.join('\n\n') + '\n', sidecar: blob.sidecar, sidecarName };
}

function normalBody(m: ModuleInput, values: ValueTable): { imports: string[]; defs: string[] } {
  const hostCalls = m.plans.some((p) => p.data.hostCalls.length > 0);
  const usesWasm = m.plans.some((p) => hasWasmKernels(p.data));
  // why: the gpu runtime is a module of its own (tfgen/runtime stays small); gpu.js itself comes from the app.
  const usesGpu = m.plans.some((p) => p.data.kernels.some((k) => k.runsOn === 'gpu'));
  const imports = [[
    `import { CompiledModel${usesWasm ? ', wasmBytes' : ''} } from 'tfgen/runtime';`,
    ...(hostCalls ? [`import { opSpec } from 'tfgen/runtime/ops';`] : []),
    ...(usesGpu ? [`import { gpuRuntime } from 'tfgen/runtime/gpu';`] : []),
  ].join('\n')];
  const plans = m.plans.map((p, i) => {
    const fallback = p.fallback ? `, fallback: { factory: plan${i}js, data: ${planDataText(p.fallback, values)} }` : '';
    return `    { origin: ${json(p.origin)}, factory: plan${i}, data: ${planDataText(p.data, values)}${fallback} },`;
  });
  const vars = m.variables.map((v) => `    { name: ${json(v.name)}, dtype: ${json(v.dtype)}, shape: ${json(v.shape)}${v.value ? `, initial: ${values.ref(v.value, v.dtype)}` : ''} },`);
  const signatures = m.exports.filter((e) => e.kind === 'signature').map((e) => `    ${json(e.name)}: { inputs: ${json(e.inputs)}, outputs: ${json(e.outputs)}, plans: ${json(e.plans)} },`);
  const model = [
    'export const model = new CompiledModel({',
    `  source: ${json(m.source)},`,
    ...(m.strict ? [] : ['  moduleUrl: import.meta.url,']),
    `  strict: ${m.strict},`,
    '  plans: [', ...plans, '  ],',
    '  variables: [', ...vars, '  ],',
    `  initPlan: ${m.initPlan},`,
    `  seeds: ${json(m.seeds)},`,
    '  signatures: {', ...signatures, '  },',
    `}${hostCalls || usesGpu ? `, ${hostCalls ? 'opSpec' : 'undefined'}` : ''}${usesGpu ? ', { gpu: gpuRuntime }' : ''});`,
  ].join('\n');
  const handles = m.exports.map((e) => {
    switch (e.kind) {
      case 'tensor': return `export const ${e.name} = model.tensor(${json(e.tensor)}, ${json(e.dtype)}, ${json(e.shape)});`;
      case 'variable': return `export const ${e.name} = model.variable(${json(e.variable)}, ${json(e.dtype)}, ${json(e.shape)}, ${json(e.initializer)});`;
      case 'operation': return `export const ${e.name} = model.operation(${json(e.op)});`;
      case 'signature': return `export const ${e.name} = model.signature(${json(e.name)});`;
      case 'value': return `export const ${e.name} = ${json(e.value)};`;
    }
  });
  return { imports, defs: [model, handles.join('\n')] };
}

/**
 * The kernel library and the standalone runtime, bundled once per process from their sources,
 * each as a block `const NAME = (() => { …; return { exports }; })();` (no module helpers).
 */
let standaloneParts: Promise<{ lib: string; runtime: string }> | undefined;

function bundleRuntime(): Promise<{ lib: string; runtime: string }> {
  const one = async (path: string, name: string) => {
    const r = await build({
      entryPoints: [fileURLToPath(new URL(path, import.meta.url))], bundle: true, write: false, format: 'esm',
      platform: 'neutral', target: 'es2022', legalComments: 'none', logLevel: 'silent', charset: 'utf8',
    });
    const code = r.outputFiles[0].text.trim();
    const m = /\nexport \{([^}]*)\};?$/.exec(code);
    if (!m) throw new Error(`bundling ${path}: no export list at its end`);
    const members = m[1].split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
      const [local, exported] = s.split(/\s+as\s+/);
      return exported ? `${exported}: ${local}` : local;
    });
    const body = code.slice(0, m.index).split('\n').map((l) => (l ? `  ${l}` : l)).join('\n');
    return `const ${name} = (() => {\n${body}\n  return { ${members.join(', ')} };\n})();`;
  };
  return (standaloneParts ??= Promise.all([one(runtimeFile('kernel_lib'), 'lib'), one(runtimeFile('standalone'), 'standalone')]).then(([lib, runtime]) => ({ lib, runtime })));
}

/** src/runtime/<name>.ts from the sources, or .js in the built package. */
function runtimeFile(name: string): string {
  return import.meta.url.endsWith('.ts') ? `../../src/runtime/${name}.ts` : `../../src/runtime/${name}.js`;
}

async function standaloneBody(m: ModuleInput, values: ValueTable): Promise<{ imports: string[]; defs: string[] }> {
  const { lib, runtime } = await bundleRuntime();
  const usesLib = m.plans.some((p) => /\blib\./.test(p.data.text));
  const sigs = m.exports.filter((e): e is Extract<ModuleExport, { kind: 'signature' }> => e.kind === 'signature');
  const varValue = new Map(m.variables.map((v) => [v.name, v]));
  const defs = [`// The standalone runtime (src/runtime/standalone.ts) and kernel library, bundled.\n${runtime}${usesLib ? `\n${lib}` : ''}`];
  // why: the plans of a signature share its variables; each baked value is written once.
  const varRef = new Map<string, string>();
  for (const s of sigs) {
    for (const id of s.plans) {
      for (const v of m.plans[id].data.variables) {
        if (varRef.has(v.name)) continue;
        const val = varValue.get(v.name)?.value;
        if (!val) throw new Error(`standalone module: variable ${v.name} has no baked value`);
        varRef.set(v.name, `v${varRef.size}`);
        defs.push(`/** ${v.name} */\nconst v${varRef.size - 1} = ${values.ref(val, v.dtype)};`);
      }
    }
  }
  for (const s of sigs) {
    const first = m.plans[s.plans[0]].data;
    const inputs = Object.entries(s.inputs).map(([k, t]) => [k, first.feeds.findIndex((f) => f.name === t)]);
    const specs = s.plans.map((id) => {
      const d = m.plans[id].data;
      const outputs = Object.entries(s.outputs).map(([k, t]) => [k, d.fetches.findIndex((f) => f.name === t)]);
      return `{ ${[
        `outputs: ${json(outputs)}`,
        `feeds: ${json(d.feeds.map((f) => ({ name: f.name, dtype: f.dtype, shape: f.shape })))}`,
        `fetches: ${json(d.fetches.map((f) => ({ dtype: f.dtype, shape: f.shape })))}`,
        `dims: ${json(d.dims)}`,
        `buffers: ${json(d.buffers.map((b) => [b.dtype, b.length]))}`, `scratch: ${json(d.scratch)}`,
        `consts: [${d.constants.map((c) => values.ref(c.data, c.dtype)).join(', ')}]`,
        `vars: [${d.variables.map((v) => varRef.get(v.name)).join(', ')}]`,
        `factory: plan${id}`,
      ].join(', ')} }`;
    });
    defs.push(`export const ${s.name} = standalone.signature(${json(s.name)}, ${json(inputs)}, [\n  ${specs.join(',\n  ')},\n], ${usesLib ? 'lib' : 'null'});`);
  }
  for (const e of m.exports) if (e.kind === 'value') defs.push(`export const ${e.name} = ${json(e.value)};`);
  return { imports: [], defs };
}
