// `tfgen inspect <model>`: evaluates the model file, compiles each signature's plan (or the one
// asked for) and renders the report in the requested format.
import * as tf from '../../src/index.js';
import type { Signature } from '../../src/signature.js';
import { CompileError, error } from './diagnostics.js';
import { compilePlan } from './compile.js';
import { backendNamed } from '../backend.js';
import { inspectDot, inspectJson, inspectSvg, inspectText, type InspectFormat, type InspectedPlan } from './inspect.js';
import { evaluateModel } from './model_file.js';

export async function inspectModel(file: string, opts: { format: InspectFormat; signature?: string; backend?: string }): Promise<string> {
  // why: inspecting needs the graph, not the checker's verdict (compile reports type errors).
  const model = await evaluateModel(file, { typeCheck: false });
  const sigs = model.exports.filter((e) => e.kind === 'signature');
  const chosen = opts.signature === undefined ? sigs : sigs.filter((s) => s.name === opts.signature);
  if (opts.signature !== undefined && chosen.length === 0) {
    throw new CompileError([error(model.file, 0, 0, `no signature named '${opts.signature}'; the model exports ${sigs.map((s) => s.name).join(', ') || 'no signatures'}`)]);
  }
  const plans: InspectedPlan[] = chosen.map((s) => {
    const sig = s.value as Signature<Record<string, tf.Tensor>, Record<string, tf.Tensor | tf.Operation>>;
    const outs = [...sig.outputTensors.values()];
    const fetches = outs.filter((x): x is tf.Tensor => x instanceof tf.Tensor);
    const targets = outs.filter((x): x is tf.Operation => x instanceof tf.Operation);
    return { signature: s.name, plan: compilePlan(model.graph, fetches, targets, [...sig.inputTensors.values()],
      { file: model.file, ...(model.exportPositions.get(s.name) ?? { line: 0, col: 0 }), what: `signature ${s.name}` }, undefined, backendNamed(opts.backend ?? 'js')) };
  });
  switch (opts.format) {
    case 'json': return inspectJson(model, plans);
    case 'dot': return inspectDot(model, plans[0]);
    case 'svg': return inspectSvg(model, plans[0]);
    default: return inspectText(model, plans);
  }
}
