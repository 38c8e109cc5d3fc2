// Checkpoint files on disk: Node's fs reached only when a file is touched (so tfgen loads in
// browsers), atomic writes (temp file in the same folder, flushed, checked, renamed) and fs
// errors as tf.errors classes.
import { FailedPreconditionError, InvalidArgumentError, NotFoundError, OpError, PermissionDeniedError, ResourceExhaustedError, UnimplementedError, UnknownError } from '../errors.js';

type Fs = typeof import('node:fs');
type Path = typeof import('node:path');

/** Node's fs and path, looked up only when a file is touched, so this module loads in browsers. */
export function node(): { fs: Fs; path: Path } {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') {
    throw new UnimplementedError('tf.train.Saver reads and writes files with node:fs; it needs Node.js 20.16 or later.');
  }
  return { fs: get('node:fs') as Fs, path: get('node:path') as Path };
}

/** A file or folder argument: a non-empty string without NUL bytes, else an InvalidArgumentError. */
export function checkPath(p: unknown, what: string): string {
  if (typeof p !== 'string' || !p || p.includes('\0')) {
    throw new InvalidArgumentError(`${what}: expected a non-empty path without NUL characters, got ${JSON.stringify(p ?? null)}.`);
  }
  return p;
}

export function readFile(file: string): Uint8Array {
  try {
    return node().fs.readFileSync(file);
  } catch (e) {
    if (e instanceof OpError) throw e;
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') throw new NotFoundError(`Failed to find checkpoint file '${file}'.`);
    throw fsError(err, `Cannot read checkpoint '${file}'`);
  }
}

/**
 * Writes `bytes` to a fresh temp file next to `file`, flushes it, checks it with `verify` (given
 * the bytes read back), then renames it over `file`; on any failure the temp file is removed.
 */
export function writeAtomically(file: string, bytes: Uint8Array, verify: (written: Uint8Array) => void): void {
  const { fs, path } = node();
  const dir = path.dirname(path.resolve(file));
  if (!fs.existsSync(dir)) throw new NotFoundError(`Parent directory of ${file} doesn't exist, can't save.`);
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 10)}`;
  let fd: number | undefined;
  let created = false;
  try {
    fd = fs.openSync(tmp, 'wx');
    created = true;
    for (let off = 0; off < bytes.length;) off += fs.writeSync(fd, bytes, off, bytes.length - off);
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fd = undefined;
    verify(fs.readFileSync(tmp));
    fs.renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) try { fs.closeSync(fd); } catch { /* already failing */ }
    if (created) try { fs.unlinkSync(tmp); } catch { /* already failing */ }
    if (e instanceof OpError) throw e;
    throw fsError(e as NodeJS.ErrnoException, `Cannot save checkpoint '${file}'`);
  }
}

export function fsError(e: NodeJS.ErrnoException, what: string): OpError {
  const msg = `${what}: ${e.message}`;
  if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return new NotFoundError(msg);
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS') return new PermissionDeniedError(msg);
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT') return new ResourceExhaustedError(msg);
  if (e.code === 'EISDIR' || e.code === 'ENOTEMPTY') return new FailedPreconditionError(msg);
  return new UnknownError(msg);
}
