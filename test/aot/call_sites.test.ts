// Call sites: sess.run calls in code importing a model resolve to plan requests by name;
// unresolvable ones are warnings with the reason, fetches the model lacks are errors.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { findCallSites, modelModulePaths } from '../../codegen/aot/call_sites.js';
import { formatDiagnostic } from '../../codegen/aot/diagnostics.js';
import { checkerProject } from '../../codegen/aot/type_check.js';
import { withFiles } from '../_lib/temp_dir.js';

const MODEL = `import * as tf from 'tfgen';
export const X = tf.placeholder(tf.float32, [null], 'X');
export const Y = tf.placeholder(tf.float32, [null], 'Y');
export const w = new tf.Variable(0, { name: 'w' });
export const loss = tf.reduceMean(tf.square(X.mul(w).sub(Y)));
export const train = new tf.train.GradientDescentOptimizer(0.1).minimize(loss);
export const init = tf.globalVariablesInitializer();
`;

const APP = `import * as tf from 'tfgen';
import { X, Y, loss, train as step, init } from './model.tf.js';
import * as m from './model.tf.js';

const sess = new tf.Session();
sess.run(init);
const fetches = [step, loss] as const;
for (let i = 0; i < 3; i++) sess.run(fetches, { X: [1, 2], Y: [2, 4] });
sess.run({ l: loss, w: m.w }, new Map([[X, [1]], [Y, [2]]]));
sess.run('w:0');
const pick = () => loss;
sess.run(pick(), { X: [1], Y: [2] });
let feeds = { X: [1] };
sess.run(loss, feeds);
sess.run({ nope: m.lossTypo }, { X: [1], Y: [2] });
const notASession = { run: (x: unknown) => x };
notASession.run(loss);
`;

test('resolved sites become plan requests; others warn; unknown exports are errors', () =>
  withFiles({ 'model.tf.ts': MODEL, 'app.ts': APP }, (dir) => {
    const project = checkerProject();
    const sf = project.addSourceFileAtPath(join(dir, 'app.ts'));
    const exportsOf = new Set(['X', 'Y', 'w', 'loss', 'train', 'init']);
    const r = findCallSites([sf], modelModulePaths(join(dir, 'model.tf.ts'), join(dir, 'out')), exportsOf);
    const short = (site: string) => site.slice(dir.length + 1);
    assert.equal(r.requests.map((q) => ({ ...q, site: short(q.site) })), [
      { site: 'app.ts:6:1', fetches: [{ export: 'init' }], feeds: [] },
      { site: 'app.ts:8:29', fetches: [{ export: 'train' }, { export: 'loss' }], feeds: [{ name: 'X' }, { name: 'Y' }] },
      { site: 'app.ts:9:1', fetches: [{ export: 'loss' }, { export: 'w' }], feeds: [{ export: 'X' }, { export: 'Y' }] },
      { site: 'app.ts:10:1', fetches: [{ name: 'w:0' }], feeds: [] },
    ]);
    assert.equal(r.diagnostics.map((d) => formatDiagnostic(d, dir)), [
      'app.ts:12:1: warning: sess.run not precompiled: `pick()` is not an export of the model, a tensor name, or a const of them; this run compiles at run time (an error under --strict)',
      'app.ts:14:1: warning: sess.run not precompiled: the feeds `feeds` are not an object literal or a Map of [key, value] pairs; this run compiles at run time (an error under --strict)',
      "app.ts:15:18: sess.run fetches 'lossTypo' is not exported by the model",
    ]);
  }));

test('the compiled module counts as the model too; files not importing it are skipped', () =>
  withFiles({
    'model.tf.ts': MODEL,
    'app.ts': "import { Session } from 'tfgen/runtime';\nimport { loss } from './out/model.js';\nconst s = new Session();\ns.run(loss, { X: [1], Y: [1] });\n",
    'other.ts': "import * as tf from 'tfgen';\nconst s = new tf.Session();\ns.run(tf.constant(1));\n",
  }, (dir) => {
    const project = checkerProject();
    const sfs = ['app.ts', 'other.ts'].map((f) => project.addSourceFileAtPath(join(dir, f)));
    const r = findCallSites(sfs, modelModulePaths(join(dir, 'model.tf.ts'), join(dir, 'out')), new Set(['loss']));
    assert.equal(r.requests.map((q) => [q.site.slice(dir.length + 1), q.fetches, q.feeds]), [['app.ts:4:1', [{ export: 'loss' }], [{ name: 'X' }, { name: 'Y' }]]]);
    assert.equal(r.diagnostics, []);
  }));

test('a plain JavaScript importer: its sess.run sites resolve as a TypeScript one\'s (they were skipped, silently)', () =>
  withFiles({
    'model.tf.ts': MODEL,
    'app.js': "import { Session } from 'tfgen/runtime';\nimport { init, loss, train } from './model.tf.js';\nconst sess = new Session();\nsess.run(init);\nsess.run([train, loss], { X: [1], Y: [2] });\n",
  }, (dir) => {
    const project = checkerProject();
    const sf = project.addSourceFileAtPath(join(dir, 'app.js'));
    const r = findCallSites([sf], modelModulePaths(join(dir, 'model.tf.ts'), join(dir, 'out')), new Set(['X', 'Y', 'w', 'loss', 'train', 'init']));
    assert.equal(r.requests.map((q) => [q.site.slice(dir.length + 1), q.fetches, q.feeds]), [
      ['app.js:4:1', [{ export: 'init' }], []],
      ['app.js:5:1', [{ export: 'train' }, { export: 'loss' }], [{ name: 'X' }, { name: 'Y' }]],
    ]);
    assert.equal(r.diagnostics, []);
  }));

test.run();
