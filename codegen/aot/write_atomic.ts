// Writing a compile's outputs all or nothing: every file goes to a temp file beside its target
// first, and only when all are written are they renamed over the targets (a rename within one
// folder is atomic). A failure before that removes the temps and leaves old outputs untouched.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface OutputFile {
  readonly path: string;
  readonly contents: string | Uint8Array;
}

let counter = 0;

export function writeAtomically(files: readonly OutputFile[]): void {
  const temps: { tmp: string; path: string }[] = [];
  try {
    for (const f of files) {
      mkdirSync(dirname(f.path), { recursive: true });
      const tmp = `${f.path}.tmp-${process.pid}-${++counter}`;
      temps.push({ tmp, path: f.path });
      writeFileSync(tmp, f.contents);
    }
  } catch (e) {
    for (const t of temps) rmSync(t.tmp, { force: true });
    throw e;
  }
  for (const t of temps) renameSync(t.tmp, t.path);
}
