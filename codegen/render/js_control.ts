// The JS text of a control-flow kernel (codegen/control_flow.ts): the op's function bodies are
// plans of their own, each instantiated once inside the parent's factory from its text, with its
// buffers and constants appended to the parent's; the kernel calls them in an `if` (If), a
// `while` (While) or once (Call). Results are copied out of the body plans' buffers, which the
// next call overwrites (and a loop feeds back in).
import { NDArray } from '../../src/ndarray.js';
import type { OpDescription, PlanData } from '../../src/runtime/plan_data.js';
import type { DType } from '../../src/dtypes.js';
import type { ControlPlans, Node } from '../ir.js';

// why: body plans read no variables; one empty list serves every call.
const NO_VARS_DECL = 'const NO_VARS = [];';

/** What a parent plan gathers from the body plans it embeds. */
export class EmbeddedPlans {
  /** Buffers of the body plans (their planned buffers, then their scratch), bound after the parent's. */
  readonly buffers: { dtype: DType; length: number }[] = [];
  readonly errorOps: OpDescription[] = [];
  /** Factory-level statements instantiating each body plan. */
  readonly statements: string[] = [];

  constructor(private readonly constants: NDArray[], private readonly firstBuffer: number) {}

  /** Binds a body plan into the parent; returns the name of its run function. */
  add(data: PlanData): string {
    const bufs = [...data.buffers.map((b) => ({ dtype: b.dtype, length: b.length as number })),
      ...data.scratch.map((length) => ({ dtype: 'float64' as DType, length: length as number }))];
    const bufIdx = bufs.map((b) => { this.buffers.push(b); return this.firstBuffer + this.buffers.length - 1; });
    const constIdx = data.constants.map((c) => { this.constants.push(new NDArray(c.data, c.shape as number[], c.dtype)); return this.constants.length - 1; });
    this.errorOps.push(...data.errorOps.filter((op) => !this.errorOps.some((o) => o.name === op.name)));
    const name = `sub${this.statements.length}`;
    this.statements.push(`const ${name} = (function (bufs, consts, host, fail, lib, dims) {\n${data.text}\n})([${bufIdx.map((i) => `bufs[${i}]`).join(', ')}], ` +
      `[${constIdx.map((i) => `consts[${i}]`).join(', ')}], [], fail, lib, []);`);
    return name;
  }

  /** A buffer of the parent for a loop's state; returns its `bufs` index. */
  buffer(dtype: DType, length: number): number {
    this.buffers.push({ dtype, length });
    return this.firstBuffer + this.buffers.length - 1;
  }

  /** Index of the parent's first scratch buffer, once every body plan is bound. */
  scratchBase(): number {
    return this.firstBuffer + this.buffers.length;
  }
}

/**
 * The statements of one control-flow kernel. `outs` are its nodes (one per used output,
 * `attrs.hostIndex` says which), `names` the variables they bind, `inputs` the input arrays.
 */
export function renderControl(control: ControlPlans, outs: readonly Node[], names: readonly string[], inputs: readonly string[], embed: EmbeddedPlans): string {
  const runs = control.plans.map((d) => embed.add(d));
  if (!embed.statements.includes(NO_VARS_DECL)) embed.statements.unshift(NO_VARS_DECL);
  const id = outs[0].id;
  const copyOut = (result: string) => outs.map((n, k) => `${names[k]} = ${result}[${n.attrs.hostIndex}].slice()`).join(', ');
  if (control.kind === 'call') return `  const cf${id} = ${runs[0]}([${inputs.join(', ')}], NO_VARS, rt);\n  const ${copyOut(`cf${id}`)};`;
  if (control.kind === 'if') {
    const args = `[${inputs.slice(1).join(', ')}]`;
    return `  let cf${id};\n  if (${inputs[0]}[0]) cf${id} = ${runs[0]}(${args}, NO_VARS, rt);\n  else cf${id} = ${runs[1]}(${args}, NO_VARS, rt);\n` +
      `  const ${copyOut(`cf${id}`)};`;
  }
  // While: inputs are [loop vars..., maximum iterations, captures...]; outputs the final vars and the trip count.
  const body = control.plans[1];
  const n = body.fetches.length;
  const vars = inputs.slice(0, n), max = inputs[n], caps = inputs.slice(n + 1);
  // why: two sets of state buffers, written in turn: a body result may be one of the body's inputs
  // (a variable passed through or swapped), so it is never copied into the set it is read from.
  const sets = [0, 1].map(() => body.fetches.map((f) => `bufs[${embed.buffer(f.dtype, (f.shape as number[]).reduce((x, y) => x * y, 1))}]`));
  embed.statements.push(`const cf${id}s = [[${sets[0].join(', ')}], [${sets[1].join(', ')}]];`);
  const finals = outs.map((o, k) => (o.attrs.hostIndex === n ? `${names[k]} = Int32Array.of(cf${id}n)` : `${names[k]} = cf${id}[${o.attrs.hostIndex}].slice()`));
  return [
    `  const cf${id} = [${[...vars, ...caps].join(', ')}];`,
    `  const cf${id}max = ${max}[0];`,
    `  let cf${id}n = 0;`,
    `  while (cf${id}n < cf${id}max && ${runs[0]}(cf${id}, NO_VARS, rt)[0][0]) {`,
    `    const r = ${runs[1]}(cf${id}, NO_VARS, rt), next = cf${id}s[cf${id}n & 1];`,
    `    for (let i = 0; i < ${n}; i++) { next[i].set(r[i]); cf${id}[i] = next[i]; }`,
    `    cf${id}n++;`,
    `  }`,
    `  const ${finals.join(', ')};`,
].join('\n');
}
