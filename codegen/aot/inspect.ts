// `tfgen inspect`: a model's graph (ops, dtypes, shapes, exports) and, per signature, its plan
// (fused kernels and the ops each holds, buffers and their reuse, the generated code), as text,
// JSON, Graphviz dot, or SVG laid out by graphviz (through @viz-js/viz): ops are boxes, tensors
// edges labelled with their shapes, and a plan's fused kernels clusters around their ops.
import type { PlanData, PlanDim } from '../../src/runtime/plan_data.js';
import type { Graph, Operation, Tensor } from '../../src/graph.js';
import { formatDims } from '../../src/shape.js';
import type { EvaluatedModel } from './model_file.js';

export type InspectFormat = 'text' | 'dot' | 'svg' | 'json';

/** A signature's compiled plan, as inspect shows it. */
export interface InspectedPlan {
  readonly signature: string;
  readonly plan: PlanData;
}

/** A plan dim as text: `7`, `D0`, `3·D0·D1`. */
const dimText = (d: PlanDim): string => (typeof d === 'number' ? String(d) : [...(d.c === 1 && d.d.length ? [] : [String(d.c)]), ...d.d.map((k) => `D${k}`)].join('·'));

const tensorLabel = (t: Tensor) => `${t.dtype} ${formatDims(t.shape)}`;

function opsOf(graph: Graph, only?: ReadonlySet<string>): Operation[] {
  const ops = graph.getOperations();
  return only ? ops.filter((o) => only.has(o.name)) : ops;
}

/** Graph ops a plan needs: every op a kernel holds, plus feeds, variables and host calls. */
function planOps(p: PlanData): Set<string> {
  const s = new Set<string>();
  for (const k of p.kernels) for (const o of k.ops) s.add(o);
  for (const f of [...p.feeds, ...p.fetches]) s.add(f.name.split(':')[0]);
  for (const v of p.variables) s.add(v.name);
  for (const h of p.hostCalls) s.add(h.op.name);
  for (const t of p.targets) s.add(t);
  return s;
}

export function inspectText(model: EvaluatedModel, plans: readonly InspectedPlan[]): string {
  const out: string[] = [];
  const ops = model.graph.getOperations();
  out.push(`${model.file}: ${ops.length} ops`);
  out.push('exports:');
  for (const e of model.exports) {
    if (e.kind === 'signature') {
      const ins = [...e.value.inputTensors].map(([k, t]) => `${k}: ${tensorLabel(t)}`).join(', ');
      const outs = [...e.value.outputTensors].map(([k, t]) => `${k}: ${'dtype' in t ? tensorLabel(t) : 'operation'}`).join(', ');
      out.push(`  ${e.name}  signature ({${ins}}) → {${outs}}`);
    } else if (e.kind === 'operation') out.push(`  ${e.name}  operation ${e.value.name} (${e.value.type})`);
    else if (e.kind === 'variable') out.push(`  ${e.name}  variable ${e.value.op.name} ${tensorLabel(e.value.op.outputs[0])}`);
    else if (e.kind === 'value') out.push(`  ${e.name}  value ${JSON.stringify(e.value)}`);
    else out.push(`  ${e.name}  tensor ${e.value.name} ${tensorLabel(e.value)}`);
  }
  out.push('graph:');
  const width = Math.max(...ops.map((o) => o.name.length), 4);
  for (const op of ops) {
    const ins = [...op.inputs.map((t) => t.name), ...op.controlInputs.map((c) => `^${c.name}`)].join(', ');
    const outs = op.outputs.map(tensorLabel).join(', ') || '(no outputs)';
    out.push(`  ${op.name.padEnd(width)}  ${op.type}(${ins}) → ${outs}`);
  }
  for (const { signature, plan } of plans) {
    out.push('', `plan of signature ${signature}: ${plan.kernels.length} kernels, ${plan.buffers.length} buffers, ${plan.hostCalls.length} host calls`);
    const dims = plan.dims.map((d, i) => `D${i} = ${plan.feeds[d.feed].name} dim ${d.axis}`);
    if (dims.length) out.push(`  run-time dims: ${dims.join(', ')}`);
    out.push(`  feeds: ${plan.feeds.map((f) => `${f.name} ${f.dtype} [${f.shape.map(dimText).join(',')}]`).join(', ') || '(none)'}`);
    out.push(`  fetches: ${plan.fetches.map((f) => `${f.name} ${f.dtype} [${f.shape.map(dimText).join(',')}]`).join(', ')}`);
    if (plan.variables.length) out.push(`  variables: ${plan.variables.map((v) => `${v.name}${v.read ? '' : ' (written only)'}`).join(', ')}`);
    for (const k of plan.kernels) {
      // why: the wasm and gpu backends fall back to JS per kernel; say where each runs and why.
      // A wasm kernel with a fallback note runs a part in JS (a matmul's epilogue).
      const note = plan.wasm?.fallback[k.name] ?? plan.gpu?.fallback[k.name];
      const where = k.runsOn === 'wasm' || k.runsOn === 'gpu' ? `, ${k.runsOn}${note ? `; ${note}` : ''}` : k.runsOn === 'js' ? `, js: ${note ?? 'not covered'}` : '';
      out.push(`  kernel ${k.name} (${k.kind}${where}): ${k.ops.join(', ')}`);
    }
    out.push(`  buffers: ${plan.buffers.map((b, i) => `b${i} ${b.dtype}[${dimText(b.length)}]`).join(', ') || '(none)'}`);
    for (const h of plan.hostCalls) out.push(`  host call ${h.op.name} (${h.op.type}): its reference kernel`);
    out.push('  code:', ...plan.text.split('\n').map((l) => `    ${l}`));
  }
  return out.join('\n') + '\n';
}

export function inspectJson(model: EvaluatedModel, plans: readonly InspectedPlan[]): string {
  const ops = model.graph.getOperations().map((op) => ({
    name: op.name, type: op.type,
    inputs: op.inputs.map((t) => t.name), controlInputs: op.controlInputs.map((c) => c.name),
    outputs: op.outputs.map((t) => ({ name: t.name, dtype: t.dtype, shape: t.shape })),
    location: op.location ?? null,
  }));
  const exports = model.exports.map((e) => ({
    name: e.name, kind: e.kind,
    target: e.kind === 'signature'
      ? { inputs: Object.fromEntries([...e.value.inputTensors].map(([k, t]) => [k, t.name])), outputs: Object.fromEntries([...e.value.outputTensors].map(([k, t]) => [k, t.name])) }
      : e.kind === 'variable' ? e.value.op.name : e.kind === 'value' ? e.value : e.value.name,
  }));
  const planJson = plans.map(({ signature, plan }) => ({
    signature,
    plan: { ...plan, constants: plan.constants.map((c) => ({ dtype: c.dtype, shape: c.shape, data: Array.from(c.data) })) },
  }));
  return JSON.stringify({ file: model.file, exports, ops, plans: planJson }, null, 2) + '\n';
}

const q = (s: string) => JSON.stringify(s);

/** Graphviz dot: ops as boxes, tensors as edges with shapes, each plan's kernels as clusters. */
export function inspectDot(model: EvaluatedModel, plan?: InspectedPlan): string {
  const only = plan ? planOps(plan.plan) : undefined;
  const ops = opsOf(model.graph, only);
  const shown = new Set(ops.map((o) => o.name));
  const lines = [
    'digraph model {',
    '  graph [rankdir=TB, fontname="Helvetica", fontsize=11, labeljust=l, nodesep=0.3, ranksep=0.35];',
    '  node [shape=box, style="rounded,filled", fillcolor="#f4f6fa", color="#5b6b8c", fontname="Helvetica", fontsize=11];',
    '  edge [color="#7a869a", fontname="Helvetica", fontsize=9, fontcolor="#44506a", arrowsize=0.6];',
  ];
  const exported = new Map<string, string>();
  for (const e of model.exports) {
    if (e.kind === 'tensor') exported.set(e.value.op.name, e.name);
    else if (e.kind === 'operation') exported.set(e.value.name, e.name);
    else if (e.kind === 'variable') exported.set(e.value.op.name, e.name);
  }
  const nodeLine = (op: Operation) => {
    const style = op.type === 'Placeholder' ? ', fillcolor="#e3f1e4", color="#4f8a55"'
      : op.type === 'VariableV2' ? ', fillcolor="#fdf1dc", color="#b5862f"'
        : op.type === 'Const' ? ', fillcolor="#eeeeee", color="#999999"' : '';
    const exp = exported.get(op.name);
    const label = `${op.name}${op.type === op.name ? '' : `\\n${op.type}`}${exp && exp !== op.name ? `\\nexport ${exp}` : ''}`;
    return `${q(op.name)} [label="${label.replace(/"/g, '\\"')}"${style}${exp ? ', penwidth=2' : ''}];`;
  };
  const inCluster = new Set<string>();
  if (plan) {
    // why: softmax and friends span several kernels; an op is drawn once, in its first kernel's
    // cluster, and a later kernel holding only ops already drawn joins that cluster's label.
    const clusters: { names: string[]; members: string[] }[] = [];
    const clusterOf = new Map<string, number>();
    for (const k of plan.plan.kernels) {
      const ops = k.ops.filter((o) => shown.has(o));
      const fresh = ops.filter((o) => !inCluster.has(o));
      if (fresh.length) {
        fresh.forEach((o) => { inCluster.add(o); clusterOf.set(o, clusters.length); });
        clusters.push({ names: [`${k.name} (${k.kind})`], members: fresh });
      } else if (ops.length) clusters[clusterOf.get(ops[0])!].names.push(`${k.name} (${k.kind})`);
    }
    clusters.forEach((c, i) => {
      lines.push(`  subgraph cluster_k${i} {`, `    label=${q(c.names.join('\n'))}; style="rounded,dashed"; color="#c05a3c"; fontcolor="#c05a3c";`);
      for (const o of c.members) lines.push(`    ${nodeLine(model.graph.getOperationByName(o)!)}`);
      lines.push('  }');
    });
  }
  for (const op of ops) if (!inCluster.has(op.name)) lines.push(`  ${nodeLine(op)}`);
  /** The drawn op a tensor comes from, looking through undrawn identities (a variable's `read`). */
  const drawnSource = (t: Tensor): Tensor | undefined => {
    let x: Tensor | undefined = t;
    while (x && !shown.has(x.op.name)) x = x.op.type === 'Identity' ? x.op.inputs[0] : undefined;
    return x;
  };
  const edgeLabel = (t: Tensor) => q(` ${formatDims(t.shape)}${t.dtype === 'float32' ? '' : ` ${t.dtype}`}`);
  for (const op of ops) {
    for (const t of op.inputs) {
      const src = drawnSource(t);
      if (src) lines.push(`  ${q(src.op.name)} -> ${q(op.name)} [label=${edgeLabel(t)}];`);
    }
    for (const c of op.controlInputs) if (shown.has(c.name)) lines.push(`  ${q(c.name)} -> ${q(op.name)} [style=dashed, arrowhead=odot];`);
  }
  if (plan) {
    // the signature's outputs, as sinks below the ops that compute them
    const sig = model.exports.find((e) => e.kind === 'signature' && e.name === plan.signature);
    const outs = sig?.kind === 'signature' ? [...sig.value.outputTensors] : [];
    for (const [key, t] of outs) {
      if (!('valueIndex' in t)) continue;
      lines.push(`  ${q(`out:${key}`)} [label=${q(`${key}`)}, shape=oval, style=filled, fillcolor="#e6eefc", color="#3d6bc4"];`);
      lines.push(`  ${q(t.op.name)} -> ${q(`out:${key}`)} [label=${edgeLabel(t)}];`);
    }
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}

export async function inspectSvg(model: EvaluatedModel, plan?: InspectedPlan): Promise<string> {
  const { instance } = await import('@viz-js/viz');
  const viz = await instance();
  return viz.renderString(inspectDot(model, plan), { format: 'svg', engine: 'dot' });
}
