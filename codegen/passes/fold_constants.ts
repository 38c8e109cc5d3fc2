// fold_constants: a pure node whose inputs are all constants becomes a constant, computed by
// the small evaluator (passes/evaluate.ts) that mirrors the renderer's expressions.
import { isElementwise } from '../../src/prims.js';
import { numel, rewrite, type Node, type Program } from '../ir.js';
import { evaluateNode } from './evaluate.js';

const FOLDABLE = (n: Node) => isElementwise(n.prim) || n.prim === 'reduce' || n.prim === 'transpose' || n.prim === 'slice' || n.prim === 'concat' || n.prim === 'pad';
// why: folding a huge constant trades a loop at run time for a huge literal in the plan.
const MAX_FOLD = 1 << 16;

export const foldConstants = {
  name: 'fold_constants',
  run(p: Program): Program {
    return rewrite(p, (n, out) => {
      const ins = n.inputs.map((i) => out.nodes[i]);
      if (!FOLDABLE(n) || !ins.length || !ins.every((x) => x.prim === 'const') || !(typeof numel(n.shape) === 'number' && (numel(n.shape) as number) <= MAX_FOLD)) return out.add(n);
      const value = evaluateNode(n, ins.map((x) => x.attrs.value!));
      if (!value) return out.add(n);
      return out.add({ prim: 'const', inputs: [], shape: n.shape, dtype: n.dtype, attrs: { value }, origin: n.origin });
    });
  },
};
