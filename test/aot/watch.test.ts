// tfgen compile --watch: compiles, then compiles again when the model file or one of its
// imports changes (a child process, stopped at the end).
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFiles } from '../_lib/temp_dir.js';

const until = async (cond: () => boolean, what: string, ms = 60_000) => {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

test('recompiles on a change of the model file and of its import', () => withFiles({
  'm.tf.ts': "import * as tf from 'tfgen';\nimport { K } from './k.js';\nexport const X = tf.placeholder(tf.float32, [2], 'X');\nexport const y = X.mul(K);\n",
  'k.ts': 'export const K = 2;\n',
}, async (dir) => {
  const child = spawn(process.execPath, [join(process.cwd(), 'bin/tfgen.mjs'), 'compile', join(dir, 'm.tf.ts'), '--watch', '--out-dir', join(dir, 'out')], { cwd: process.cwd(), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  try {
    const out1 = join(dir, 'out/m.js');
    await until(() => out.includes('watching for changes'), 'the first compile');
    assert.match(readFileSync(out1, 'utf8'), /new Float32Array\(\[2\]\)|mul/);
    writeFileSync(join(dir, 'k.ts'), 'export const K = 3;\n');
    await until(() => (out.match(/1 compiled/g) ?? []).length >= 2, 'a compile after the import changed');
    writeFileSync(join(dir, 'm.tf.ts'), "import * as tf from 'tfgen';\nexport const X = tf.placeholder(tf.float32, [2], 'X');\nexport const z = X.add(1);\n");
    await until(() => (out.match(/1 compiled/g) ?? []).length >= 3 && readFileSync(out1, 'utf8').includes('export const z'), 'a compile after the model changed');
    assert.ok(existsSync(join(dir, 'out/m.d.ts')));
  } finally {
    child.kill();
  }
}));

test.run();
