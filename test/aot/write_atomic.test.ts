// Outputs are written all or nothing: a failure while writing leaves the old files and no temps.
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeAtomically } from '../../codegen/aot/write_atomic.js';
import { withFiles } from '../_lib/temp_dir.js';

test('all files replaced together', () => withFiles({ 'out/a.js': 'old a', 'out/a.d.ts': 'old d' }, (dir) => {
  writeAtomically([{ path: join(dir, 'out/a.js'), contents: 'new a' }, { path: join(dir, 'out/a.d.ts'), contents: new TextEncoder().encode('new d') }]);
  assert.is(readFileSync(join(dir, 'out/a.js'), 'utf8'), 'new a');
  assert.is(readFileSync(join(dir, 'out/a.d.ts'), 'utf8'), 'new d');
  assert.equal(readdirSync(join(dir, 'out')).sort(), ['a.d.ts', 'a.js']);
}));

test('a failure on the second file leaves the first target untouched and removes temps', () => withFiles({ 'out/a.js': 'old a', 'blocker': 'a file, not a folder' }, (dir) => {
  assert.throws(() => writeAtomically([{ path: join(dir, 'out/a.js'), contents: 'new a' }, { path: join(dir, 'blocker/b.js'), contents: 'b' }]));
  assert.is(readFileSync(join(dir, 'out/a.js'), 'utf8'), 'old a');
  assert.equal(readdirSync(join(dir, 'out')), ['a.js']);
  writeFileSync(join(dir, 'x'), '');
  assert.equal(readdirSync(dir).sort(), ['blocker', 'out', 'x']);
}));

test.run();
