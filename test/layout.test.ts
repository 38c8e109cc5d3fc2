// Size discipline: no source file of the library or the compiler past 500 lines, and a line
// budget for src/ + codegen/ together, so growth is a decision rather than an accident.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const MAX_FILE_LINES = 500;
const BUDGET = 24_000;

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const lines = new Map(['src', 'codegen'].flatMap(sources).map((f) => [f, readFileSync(f, 'utf8').split('\n').length]));

test(`no file in src/ or codegen/ is longer than ${MAX_FILE_LINES} lines`, () => {
  const long = [...lines].filter(([, n]) => n > MAX_FILE_LINES).map(([f, n]) => `${f}: ${n}`);
  assert.equal(long, []);
});

test(`src/ + codegen/ stay within ${BUDGET} lines`, () => {
  const total = [...lines.values()].reduce((a, b) => a + b, 0);
  assert.ok(total > 1000 && total <= BUDGET, `${total} lines`);
});

test('src/ never imports codegen/ except the tfgen entry (src/index.ts wires the JIT)', () => {
  const back = [...lines.keys()].filter((f) => f.startsWith('src') && f !== join('src', 'index.ts'))
    .filter((f) => /from '(\.\.\/)+codegen\//.test(readFileSync(f, 'utf8')));
  assert.equal(back, []);
});

test('only the js backend evaluates text (new Function), nowhere else in src/ or codegen/', () => {
  const users = [...lines.keys()].filter((f) => /new Function\(/.test(readFileSync(f, 'utf8')));
  assert.equal(users, [join('codegen', 'backend.ts')]);
});

test.run();
