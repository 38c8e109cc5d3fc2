// simplify: algebraic identities as one table of rules, each `(node, nodes) → replacement id`
// or undefined. x·1, x+(−0), (y+0)+0, x−0, −(−x), reshape of reshape, transpose of transpose, identity
// transpose, no-op reshape/broadcast/cast. After it no rule applies to any node.
import { sameDims } from '../dims.js';
import { rewrite, type Node, type Program } from '../ir.js';

type Rule = (n: Node, at: (id: number) => Node) => number | { replace: Node } | undefined;

function isConstValue(n: Node, v: number): boolean {
  const val = n.attrs.value;
  return n.prim === 'const' && !!val && Array.from(val.data).every((x) => Object.is(x, v));
}

const sameShape = sameDims;

/** The operand that survives `x op c` when the constant side is neutral and does not broadcast x. */
function neutral(n: Node, at: (id: number) => Node, value: number, commutative: boolean): number | undefined {
  const [a, b] = n.inputs.map(at);
  if (isConstValue(b, value) && sameShape(a.shape, n.shape) && a.dtype === n.dtype) return a.id;
  if (commutative && isConstValue(a, value) && sameShape(b.shape, n.shape) && b.dtype === n.dtype) return b.id;
  return undefined;
}

const RULES: Record<string, Rule> = {
  mulByOne: (n, at) => (n.prim === 'mul' ? neutral(n, at, 1, true) : undefined),
  // why: -0 + 0 is +0, so only x + (-0) is x for floats (ints have one zero); x - 0 is always x.
  addZero: (n, at) => (n.prim === 'add' ? neutral(n, at, n.dtype === 'float32' || n.dtype === 'float64' ? -0 : 0, true) : undefined),
  // why: y + 0 is never -0, so adding +0 to it again changes nothing (gradients of reductions over
  // no axes stack these: the linear-regression step added 0 twice per element).
  zeroAfterZero: (n, at) => {
    if (n.prim !== 'add' || (n.dtype !== 'float32' && n.dtype !== 'float64')) return undefined;
    const x = neutral(n, at, 0, true);
    if (x === undefined) return undefined;
    const inner = at(x);
    return inner.prim === 'add' && inner.inputs.some((i) => isConstValue(at(i), 0)) ? x : undefined;
  },
  subZero: (n, at) => (n.prim === 'sub' ? neutral(n, at, 0, false) : undefined),
  doubleNegation: (n, at) => (n.prim === 'neg' && at(n.inputs[0]).prim === 'neg' ? at(n.inputs[0]).inputs[0] : undefined),
  noopReshape: (n, at) => ((n.prim === 'reshape' || n.prim === 'copy') && sameShape(at(n.inputs[0]).shape, n.shape) ? n.inputs[0] : undefined),
  noopCast: (n, at) => (n.prim === 'cast' && at(n.inputs[0]).dtype === n.dtype ? n.inputs[0] : undefined),
  reshapeOfReshape: (n, at) => {
    const x = at(n.inputs[0]);
    return n.prim === 'reshape' && x.prim === 'reshape' ? { replace: { ...n, inputs: [x.inputs[0]] } } : undefined;
  },
  transposeOfTranspose: (n, at) => {
    const x = at(n.inputs[0]);
    if (n.prim !== 'transpose' || x.prim !== 'transpose') return undefined;
    const perm = n.attrs.perm!.map((p) => x.attrs.perm![p]);
    if (perm.every((p, i) => p === i)) return x.inputs[0];
    return { replace: { ...n, inputs: [x.inputs[0]], attrs: { ...n.attrs, perm } } };
  },
  identityTranspose: (n) => (n.prim === 'transpose' && n.attrs.perm!.every((p, i) => p === i) ? n.inputs[0] : undefined),
};

export const simplify = {
  name: 'simplify',
  run(p: Program): Program {
    return rewrite(p, (n, out) => {
      let cur: Node = n;
      for (let guard = 0; guard < 8; guard++) {
        let changed = false;
        for (const rule of Object.values(RULES)) {
          const r = rule(cur, (id) => out.nodes[id]);
          if (r === undefined) continue;
          if (typeof r === 'number') return r;
          cur = r.replace;
          changed = true;
        }
        if (!changed) break;
      }
      return out.add(cur);
    });
  },
};
