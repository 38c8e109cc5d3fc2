// `import 'tfgen/jit-fallback'` (Node, development): a run a compiled module has no plan for is
// compiled at run time instead of failing. The model file the module came from is evaluated once
// (synchronously, as sess.run is), the missing plan compiled by the same pipeline, instantiated by
// the JS backend. Modules compiled with --strict never use it.
import { fileURLToPath } from 'node:url';
import { setFallbackCompiler, type CompiledModel, type FallbackCompiler } from '../../src/runtime/model.js';
import { opSpec } from '../../src/runtime/op_table.js';
import { jsBackend } from '../backend.js';
import { compilePlan } from './compile.js';
import { evaluateModelSync, type EvaluatedModel } from './model_file.js';

const models = new WeakMap<CompiledModel, EvaluatedModel>();

export const jitFallback: FallbackCompiler = (model, fetches, targets, feeds) => {
  if (!model.moduleUrl) return null;
  let m = models.get(model);
  if (!m) {
    m = evaluateModelSync(fileURLToPath(new URL(model.source, model.moduleUrl)));
    models.set(model, m);
  }
  const g = m.graph;
  const data = compilePlan(g, fetches.map((n) => g.getTensorByName(n)), targets.map((n) => g.getOperationByName(n)),
    feeds.map((f) => g.getTensorByName(f.name)), { file: m.file, line: 0, col: 0, what: 'a plan compiled at run time' });
  return { data, instantiate: (dims) => jsBackend.instantiate(data, opSpec, dims), origin: 'compiled at run time' };
};

setFallbackCompiler(jitFallback);
