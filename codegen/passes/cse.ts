// cse: merges nodes computing the same thing (same prim, inputs, attrs, shape, dtype).
// Sources with identity (inputs, variable reads, random, host calls) are never merged;
// small constants merge when their contents are equal, large ones when they are one array.
import type { NDArray } from '../../src/ndarray.js';
import { shapeText } from '../dims.js';
import { rewrite, type Node, type Program } from '../ir.js';

function key(n: Node): string | undefined {
  if (n.prim === 'input' || n.prim === 'read' || n.prim === 'host' || n.prim === 'random') return undefined;
  const a = n.attrs;
  // why: -0 and 0 are different constants (x + -0 is x, x + 0 is not when x is -0).
  const data = (v: NDArray) => Array.from(v.data, (x) => (Object.is(x, -0) ? '-0' : String(x))).join(',');
  const attrs = JSON.stringify({ ...a, value: a.value ? `${a.value.dtype}:${a.value.shape}:${data(a.value)}` : undefined });
  return `${n.prim}|${n.inputs.join(',')}|${attrs}|${shapeText(n.shape)}|${n.dtype}`;
}

const arrayIds = new WeakMap<NDArray, number>();
let nextArrayId = 0;
/** why: lowerings share large tables (conv2d's gather indices) by identity; comparing contents would cost more than it saves. */
function identityKey(n: Node): string {
  let id = arrayIds.get(n.attrs.value!);
  if (id === undefined) arrayIds.set(n.attrs.value!, (id = nextArrayId++));
  return `const#${id}|${shapeText(n.shape)}|${n.dtype}`;
}

export const cse = {
  name: 'cse',
  run(p: Program): Program {
    const seen = new Map<string, number>();
    return rewrite(p, (n, out) => {
      const k = n.attrs.value && n.attrs.value.size > 64 ? identityKey(n) : key(n);
      if (k !== undefined) {
        const hit = seen.get(k);
        if (hit !== undefined) return hit;
      }
      const id = out.add(n);
      if (k !== undefined) seen.set(k, id);
      return id;
    });
  },
};
