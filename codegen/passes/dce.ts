// dce: drops nodes that no output or variable write needs, keeping nodes with an effect (run-time
// checks, host calls) and what they read. After it, every node is an ancestor of an output, a write
// or an effect.
import { hasEffect } from '../../src/prims.js';
import { rewrite, type Program } from '../ir.js';

export const dce = {
  name: 'dce',
  run(p: Program): Program {
    const live = new Uint8Array(p.nodes.length);
    const stack = [...p.outputs, ...p.writes.map((w) => w.node), ...p.nodes.filter((n) => hasEffect(n.prim)).map((n) => n.id)];
    while (stack.length) {
      const id = stack.pop()!;
      if (live[id]) continue;
      live[id] = 1;
      for (const i of p.nodes[id].inputs) stack.push(i);
    }
    return rewrite(p, (n, out) => (live[n.id] ? out.add(n) : -2));
  },
};
