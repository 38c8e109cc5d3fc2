// An MLP classifier's predict outputs classes (argmax of the logits over axis 1): its compiled
// plan takes the batch as a run-time dim, so `tfgen compile` accepts it and one module predicts
// any batch size, with the JIT's classes.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../codegen/aot/cli.js';
import * as tf from '../../src/index.js';
import { withFiles } from '../_lib/temp_dir.js';

const W1 = [[0.5, -1, 0.25], [1.5, 0.75, -0.5]], B1 = [0.1, -0.2, 0.05];
const W2 = [[1, -1, 0.5, 0], [-0.5, 2, 0.25, 1], [0.75, 0.5, -1, -0.25]], B2 = [0, 0.1, -0.1, 0.2];

/** The model, as DSL code run either from the model file or in this process. */
function build(t: typeof tf) {
  const X = t.placeholder(t.float32, [null, 2], 'X');
  const w1 = new t.Variable(t.constant(W1), { name: 'w1' }), b1 = new t.Variable(t.constant(B1), { name: 'b1' });
  const w2 = new t.Variable(t.constant(W2), { name: 'w2' }), b2 = new t.Variable(t.constant(B2), { name: 'b2' });
  const logits = t.add(t.matmul(t.nn.relu(t.add(t.matmul(X, w1), b1)), w2), b2, 'logits');
  return { X, logits, classes: t.argmax(logits, 1, 'classes') };
}

const MODEL = `import * as tf from 'tfgen';
const W1 = ${JSON.stringify(W1)}, B1 = ${JSON.stringify(B1)};
const W2 = ${JSON.stringify(W2)}, B2 = ${JSON.stringify(B2)};
// why: the test runs build() as compiled JS (types stripped); the model file gives it its type back.
${build.toString().replace(/^function build\(t\)/, 'function build(t: typeof tf)')}
const m = build(tf);
export const predict = tf.signature({ inputs: { X: m.X }, outputs: { classes: m.classes, logits: m.logits } });
`;

const quiet = () => ({ out: () => {}, err: (t: string) => { errors.push(t); } });
const errors: string[] = [];
const rows = (n: number) => Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i * 1.7) * 2);

test('a compiled classifier predicts classes for batch 3 and 5 (module and standalone), equal to the JIT', () => withFiles({
  'package.json': '{"type":"module"}', 'clf.tf.ts': MODEL,
}, async (dir) => {
  assert.is(await main(['compile', join(dir, 'clf.tf.ts'), '--out-dir', join(dir, 'out')], quiet()), 0, errors.join(''));
  assert.is(await main(['compile', join(dir, 'clf.tf.ts'), '--standalone', '--out-dir', join(dir, 'sa')], quiet()), 0, errors.join(''));
  // why: int32 indices are already int64 numbers; the cast needs no range-checking helper in the module.
  assert.not.match(readFileSync(join(dir, 'sa/clf.js'), 'utf8'), /int64Value|toI64/);
  const mod = await import(pathToFileURL(join(dir, 'out/clf.js')).href);
  const sa = await import(pathToFileURL(join(dir, 'sa/clf.js')).href);
  const g = new tf.Graph();
  const ref = g.asDefault(() => build(tf));
  using sess = new tf.Session({ graph: g });
  g.asDefault(() => sess.run(tf.globalVariablesInitializer()));
  const seen = new Set<number>();
  for (const n of [3, 5]) {
    const xs = rows(n);
    const want = sess.run([ref.classes, ref.logits], { X: new tf.NDArray(xs, [n, 2], 'float32') }) as tf.NDArray[];
    for (const [what, m] of [['module', mod], ['standalone', sa]] as const) {
      const out = m.predict({ X: xs.slice() });
      assert.equal(out.classes.shape, [n], `${what} classes at batch ${n}`);
      assert.ok(out.classes.data instanceof Float64Array, 'int64 classes, held as float64 numbers');
      assert.equal(Array.from(out.classes.data), Array.from(want[0].data), `${what} at batch ${n}`);
      assert.equal(Array.from(out.logits.data), Array.from(want[1].data), `${what} logits at batch ${n}`);
    }
    // Hand check: each class is the index of its row's largest logit.
    const logits = Array.from(want[1].data as Float32Array);
    for (let r = 0; r < n; r++) {
      const row = logits.slice(r * 4, r * 4 + 4);
      const c = row.indexOf(Math.max(...row));
      assert.is(want[0].data[r], c);
      seen.add(c);
    }
  }
  assert.ok(seen.size >= 2, 'the inputs reach more than one class');
}));

test.run();
