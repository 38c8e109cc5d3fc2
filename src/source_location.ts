// Where in the user's code an op was created: the first stack frame outside tfgen itself.
// why: URL arithmetic only (no node:path), so this also loads in browsers.
import { setUserFrameTest } from './errors.js';

const rootUrl = new URL('..', import.meta.url).href; // the package folder (or dist/)
const ownPrefixes = ['src/', 'codegen/'].flatMap((d) => {
  const url = rootUrl + d;
  return url.startsWith('file://') ? [url, decodeURIComponent(url.slice('file://'.length))] : [url];
});

/** Maps a position (1-based line and column) in generated code back to `file:line:col` of its source. */
export type PositionMapper = (line: number, col: number) => string | undefined;

const mappers = new Map<string, PositionMapper>();

/**
 * Registers (or with null removes) the mapper for code evaluated under the file name `file`.
 * why: a model file is bundled and evaluated at build time; its ops must point to the user's
 * source, not to the bundle.
 */
export function setPositionMapper(file: string, mapper: PositionMapper | null): void {
  if (mapper) mappers.set(file, mapper);
  else mappers.delete(file);
}

export function creationSite(site: object): string | undefined {
  const stack = (site as { stack?: string }).stack;
  if (!stack) return undefined;
  for (const line of stack.split('\n').slice(1)) {
    const file = userFile(line);
    if (!file) continue;
    const mapper = mappers.get(file.path);
    if (mapper) {
      const mapped = mapper(Number(file.line), Number(file.column));
      if (mapped) return mapped;
    }
    return `${file.path}:${file.line}:${file.column}`;
  }
  return undefined;
}

/** The file, line and column of a stack frame in the user's code (not tfgen's, Node's or a package's). */
function userFile(frame: string): { path: string; line: string; column: string } | undefined {
  const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(frame);
  if (!m) return undefined;
  const file = m[1].startsWith('file://') ? decodeURIComponent(m[1].slice('file://'.length)) : m[1];
  if (file.startsWith('node:') || file.includes('/node_modules/')) return undefined;
  if (ownPrefixes.some((p) => m[1].startsWith(p) || file.startsWith(p))) return undefined;
  return { path: file, line: m[2], column: m[3] };
}

// why: printed errors show the user's frames; generated plan code (new Function) is tfgen's too.
setUserFrameTest((frame) => !frame.includes('(eval at ') && userFile(frame) !== undefined);
