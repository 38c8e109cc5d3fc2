// tf.train.Saver: writes a session's variable values to one safetensors file keyed by variable op
// name (`w`, `w/Adam`), atomically (temp file in the same folder, then rename), and restores them
// all-or-nothing: the file is read and fully validated before any session state changes.
import {
  FailedPreconditionError, InternalError, InvalidArgumentError, NotFoundError, OpError, PermissionDeniedError,
  ResourceExhaustedError, UnimplementedError, UnknownError,
} from '../errors.js';
import type { Graph, Operation } from '../graph.js';
import type { NDArray } from '../ndarray.js';
import type { Session } from '../session.js';
import { fitsShape, formatShape } from '../shape.js';
import { globalVariables, Variable } from '../variables.js';
import { decodeSafetensors, encodeSafetensors, SAFETENSORS_DTYPE } from './safetensors.js';

type Fs = typeof import('node:fs');
type Path = typeof import('node:path');

export interface SaveOptions {
  /** Appended to the path as TF1 does (`model.ckpt-1000`): a step number or a variable holding it. */
  globalStep?: number | Variable;
}

export class Saver {
  /** Checkpoint key → variable. */
  private readonly entries: Map<string, Variable>;
  private readonly graph: Graph;

  /**
   * Saves and restores variables (TF1 tf.train.Saver). `varList` is a list (keys are the variables'
   * op names) or an object of checkpoint key → variable; by default all global variables now in
   * the default graph.
   * @example const saver = new tf.train.Saver(); saver.save(sess, 'model.safetensors')
   */
  constructor(varList?: readonly Variable[] | Readonly<Record<string, Variable>>) {
    const pairs: [string, Variable][] = varList === undefined
      ? globalVariables().map((v) => [v.op.name, v])
      : Array.isArray(varList)
        ? (varList as readonly Variable[]).map((v) => [v instanceof Variable ? v.op.name : '', v])
        : Object.entries(varList);
    if (!pairs.length) throw new InvalidArgumentError('No variables to save.');
    this.entries = new Map();
    for (const [key, v] of pairs) {
      if (!(v instanceof Variable)) {
        throw new InvalidArgumentError(`tf.train.Saver: ${String(v)} (key '${key}') is not a tf.Variable.`);
      }
      if (this.entries.has(key)) {
        throw new InvalidArgumentError(`tf.train.Saver: at least two variables have the same name: ${key}`);
      }
      if (v.graph !== pairs[0][1].graph) {
        throw new InvalidArgumentError(`tf.train.Saver: ${v.name} is from another graph than ${pairs[0][1].name}.`);
      }
      this.entries.set(key, v);
    }
    this.graph = pairs[0][1].graph;
  }

  /**
   * Writes the variables' values in `sess` to `path` (a safetensors file) and returns the path
   * written. Fails with FailedPreconditionError if a variable is not initialised; a failed save
   * leaves any file already at `path` untouched.
   */
  save(sess: Session, path: string, opts: SaveOptions = {}): string {
    this.checkSession(sess);
    let target = path;
    if (opts.globalStep !== undefined) {
      const step = opts.globalStep instanceof Variable ? sess.run(opts.globalStep) as number : opts.globalStep;
      target = `${path}-${step}`;
    }
    const values = sess._variableValues();
    const tensors = new Map<string, NDArray>();
    for (const [key, v] of this.entries) {
      const value = values.get(v.op);
      if (!value) {
        throw new FailedPreconditionError(`Attempting to use uninitialized value ${v.op.name} (saving checkpoint '${target}')`, v.op);
      }
      tensors.set(key, value);
    }
    const bytes = encodeSafetensors(tensors, { format: 'tfgen.checkpoint' });
    // why: a good checkpoint is only ever replaced by one that reads back with every saved name.
    writeAtomically(target, bytes, (written) => {
      const back = decodeSafetensors(written, { source: target, requireChecksum: true }).tensors;
      const missing = [...tensors.keys()].filter((k) => !back.has(k));
      if (missing.length || back.size !== tensors.size) {
        throw new InternalError(`Saving checkpoint '${target}': the written file does not read back (${missing.join(', ') || 'extra names'}); the previous file is kept.`);
      }
    });
    return target;
  }

  /**
   * Sets the variables in `sess` to the values stored at `path`. The whole file is checked first
   * (format, checksum, every variable present with its dtype and shape); on any problem it throws
   * (DataLossError, NotFoundError, InvalidArgumentError) and `sess` is unchanged.
   */
  restore(sess: Session, path: string): void {
    this.checkSession(sess);
    const { tensors } = decodeSafetensors(readFile(path), { source: path, requireChecksum: true });
    const values = new Map<Operation, NDArray>();
    for (const [key, v] of this.entries) {
      const value = tensors.get(key);
      if (!value) {
        const held = [...tensors.keys()].sort().join(', ') || 'nothing';
        throw new NotFoundError(`Key ${key} not found in checkpoint '${path}' (variable ${v.name}); it holds: ${held}.`, v.op);
      }
      if (value.dtype !== v.dtype) {
        throw new InvalidArgumentError(`Checkpoint '${path}': tensor '${key}' is ${value.dtype} (${SAFETENSORS_DTYPE[value.dtype as keyof typeof SAFETENSORS_DTYPE]}) but variable ${v.name} expects ${v.dtype}.`, v.op);
      }
      if (!fitsShape(value.shape, v.shape)) {
        throw new InvalidArgumentError(`Checkpoint '${path}': tensor '${key}' has shape ${formatShape(value.shape)} but variable ${v.name} expects shape ${formatShape(v.shape)}.`, v.op);
      }
      values.set(v.op, value);
    }
    sess._restoreVariables(values);
  }

  private checkSession(sess: Session): void {
    if (sess.graph !== this.graph) {
      throw new InvalidArgumentError(`tf.train.Saver: the session runs another graph than the saver's variables (${[...this.entries.values()][0].name}).`);
    }
  }
}

/** Node's fs and path, looked up only when a file is touched, so this module loads in browsers. */
function node(): { fs: Fs; path: Path } {
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') {
    throw new UnimplementedError('tf.train.Saver reads and writes files with node:fs; it needs Node.js 20.16 or later.');
  }
  return { fs: get('node:fs') as Fs, path: get('node:path') as Path };
}

function readFile(file: string): Uint8Array {
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
function writeAtomically(file: string, bytes: Uint8Array, verify: (written: Uint8Array) => void): void {
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

function fsError(e: NodeJS.ErrnoException, what: string): OpError {
  const msg = `${what}: ${e.message}`;
  if (e.code === 'ENOENT' || e.code === 'ENOTDIR') return new NotFoundError(msg);
  if (e.code === 'EACCES' || e.code === 'EPERM' || e.code === 'EROFS') return new PermissionDeniedError(msg);
  if (e.code === 'ENOSPC' || e.code === 'EDQUOT') return new ResourceExhaustedError(msg);
  return new UnknownError(msg);
}
