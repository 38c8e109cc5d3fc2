// Model-file evaluation: exports captured from the real DSL, op locations in the user's
// source, clock/random reads warned about, and every bad file reported at file:line:col.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { CompileError, formatDiagnostic } from '../../codegen/aot/diagnostics.js';
import { evaluateModel } from '../../codegen/aot/model_file.js';
import * as tf from '../../src/index.js';
import { withFiles } from '../_lib/temp_dir.js';

const LINEAR = `import * as tf from 'tfgen';
import { scale } from './helper.js';

export const X = tf.placeholder(tf.float32, [null], 'X');
export const w = new tf.Variable(scale, { name: 'w' });
export const y = X.mul(w).add(1);
export const step = tf.assignAdd(w, 1);
export const predict = tf.signature({ inputs: { X }, outputs: { y } });
export const notAGraphThing = 42; // a plain value: exported as it is
`;

async function diagnostics(files: Record<string, string>, entry = 'm.tf.ts'): Promise<string[]> {
  return withFiles(files, async (dir) => {
    try {
      await evaluateModel(join(dir, entry));
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      return e.diagnostics.map((d) => formatDiagnostic(d, dir));
    }
    throw new Error('expected a CompileError');
  });
}

test('exports are captured by kind, with the graph of the DSL instance the compiler uses', () =>
  withFiles({ 'm.tf.ts': LINEAR, 'helper.ts': 'export const scale = 2;\n' }, async (dir) => {
    const m = await evaluateModel(join(dir, 'm.tf.ts'));
    assert.equal(m.exports.map((e) => `${e.name}:${e.kind}`).sort(), ['X:tensor', 'notAGraphThing:value', 'predict:signature', 'step:tensor', 'w:variable', 'y:tensor']);
    const y = m.exports.find((e) => e.name === 'y')!.value as tf.Tensor;
    assert.ok(y instanceof tf.Tensor, 'a Tensor of this very module instance');
    assert.is(y.graph, m.graph);
    assert.is.not(m.graph, tf.getDefaultGraph(), 'a model builds its own graph');
    assert.equal(m.warnings, []);
    assert.equal(m.inputs.map((p) => p.slice(dir.length + 1)).sort(), ['helper.ts', 'm.tf.ts']);
    // ops point to the user's source line, not to the bundle
    assert.is(y.op.location, `${join(dir, 'm.tf.ts')}:6:27`);
    using sess = new tf.Session({ graph: m.graph });
    sess.run((m.exports.find((e) => e.name === 'w')!.value as tf.Variable).initializer);
    assert.equal([...(sess.run(y, { X: [1, 2] }) as tf.NDArray).data], [3, 5]);
  }));

test('reading the clock or Math.random while building warns at the call', () =>
  withFiles({
    'm.tf.ts': `import * as tf from 'tfgen';
export const noise = tf.constant(Math.random());
export const stamp = tf.constant(Date.now() % 1000);
const d = new Date(0); // a fixed date reads no clock
export const fixed = tf.constant(d.getTime());
`,
  }, async (dir) => {
    const m = await evaluateModel(join(dir, 'm.tf.ts'));
    const w = m.warnings.map((d) => formatDiagnostic(d, dir));
    assert.is(w.length, 2, w.join("\n"));
    assert.match(w[0], /^m\.tf\.ts:2:39: warning: Math\.random\(\) called while building the graph/);
    assert.match(w[1], /^m\.tf\.ts:3:39: warning: Date\.now\(\) read the clock while building the graph/);
  }));

test('a syntax error is reported by esbuild at file:line:col', async () => {
  const d = await diagnostics({ 'm.tf.ts': "import * as tf from 'tfgen';\nexport const a = tf.constant([1, 2];\n" });
  assert.equal(d, ['m.tf.ts:2:36: Expected ")" but found ";"']);
});

test('a type error is reported by the checker at file:line:col', async () => {
  const d = await diagnostics({ 'm.tf.ts': "import * as tf from 'tfgen';\nexport const a = tf.constant([1, 2]);\nexport const b = a.mul('x');\n" });
  assert.equal(d, ["m.tf.ts:3:24: Argument of type '\"x\"' is not assignable to parameter of type 'TensorLike'."]);
});

test('a throw while building maps back to the line that threw, also in an imported file', async () => {
  const d = await diagnostics({
    'm.tf.ts': "import * as tf from 'tfgen';\nimport { layer } from './layer.js';\n\nexport const out = layer(tf.constant([1, 2]));\n",
    'layer.ts': "import * as tf from 'tfgen';\nexport function layer(x: tf.Tensor) {\n  return tf.matmul(x, x);\n}\n",
  });
  assert.is(d.length, 1);
  assert.match(d[0], /^layer\.ts:3:13: InvalidArgumentError while building the graph: MatMul 'MatMul': .* must be 2-dimensional/);
});

test('a file that exports nothing usable, or exports from two graphs, is an error', async () => {
  const none = await diagnostics({ 'm.tf.ts': "import * as tf from 'tfgen';\nconst a = tf.constant(1);\nexport const n = 3;\n" });
  assert.equal(none.length, 1);
  assert.match(none[0], /^m\.tf\.ts: exports nothing usable: export the tensors/);
  const two = await diagnostics({
    'm.tf.ts': "import * as tf from 'tfgen';\nexport const a = tf.constant(1);\nconst g = new tf.Graph();\nexport const b = g.asDefault(() => tf.constant(2));\n",
  });
  assert.equal(two, ["m.tf.ts:4:14: export 'b' belongs to another graph than the file's other exports; a model file builds one graph"]);
});

test('a missing file is a diagnostic, not a crash', async () => {
  const d = await diagnostics({}, 'nope.tf.ts');
  assert.is(d.length, 1);
  assert.match(d[0], /nope\.tf\.ts.*Could not resolve|nope\.tf\.ts: /);
});

test.run();
