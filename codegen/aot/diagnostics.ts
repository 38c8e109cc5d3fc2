// Diagnostics of the ahead-of-time toolchain: `file:line:col: message`, the form editors and
// terminals turn into links. Errors stop a compile (exit code 1); warnings are printed.
import { relative } from 'node:path';

export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly file: string;
  /** 1-based; 0 when the problem has no position in the file (e.g. it exports nothing usable). */
  readonly line: number;
  readonly col: number;
  readonly message: string;
}

/** A compile that cannot go on; carries every error found (and warnings seen before them). */
export class CompileError extends Error {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    super(diagnostics.filter((d) => d.severity === 'error').map((d) => formatDiagnostic(d)).join('\n'));
    this.name = 'CompileError';
    this.diagnostics = diagnostics;
  }
}

export function error(file: string, line: number, col: number, message: string): Diagnostic {
  return { severity: 'error', file, line, col, message };
}

export function warning(file: string, line: number, col: number, message: string): Diagnostic {
  return { severity: 'warning', file, line, col, message };
}

/** `file:line:col: message` (warnings say so), the file relative to `cwd` when inside it. */
export function formatDiagnostic(d: Diagnostic, cwd = process.cwd()): string {
  const rel = relative(cwd, d.file);
  const file = rel && !rel.startsWith('..') ? rel : d.file;
  const where = d.line > 0 ? `${file}:${d.line}:${d.col}` : file;
  return `${where}: ${d.severity === 'warning' ? 'warning: ' : ''}${d.message}`;
}
