// tf.train.Saver: writes a session's variable values to one safetensors file keyed by variable op
// name (`w`, `w/Adam`), atomically (temp file in the same folder, then rename), and restores them
// all-or-nothing: the file is read and fully validated before any session state changes.
import { FailedPreconditionError, InternalError, InvalidArgumentError, NotFoundError } from '../errors.js';
import type { Graph, Operation } from '../graph.js';
import type { NDArray } from '../ndarray.js';
import type { Session } from '../session.js';
import { fitsShape, formatShape } from '../shape.js';
import { globalVariables, Variable } from '../variables.js';
import { decodeSafetensors, encodeSafetensors, SAFETENSORS_DTYPE } from './safetensors.js';
import { checkPath, node, readFile, writeAtomically } from './files.js';
import { updateCheckpointState } from './checkpoint_state.js';
import { checkOptions, isOptionsObject } from '../ops/op_args.js';

export interface SaveOptions {
  /** Appended to the path as TF1 does (`model.ckpt-1000`): a step number or a variable holding it. */
  globalStep?: number | Variable;
  /** Name of the state file beside the checkpoint (TF1 latest_filename); default 'checkpoint'. */
  latestFilename?: string;
  /** Record the checkpoint in the state file and drop checkpoints past `maxToKeep` (default true). */
  writeState?: boolean;
}

export interface SaverOptions {
  /**
   * How many recent checkpoints this saver keeps (TF1 max_to_keep, default 5): saving one more
   * deletes the oldest file. 0 or null keeps every file and records only the latest.
   */
  maxToKeep?: number | null;
  /** Write every path in the state file relative to its folder, absolute ones too (default false). */
  saveRelativePaths?: boolean;
}

const SAVER_OPTIONS = { kinds: { maxToKeep: 'value', saveRelativePaths: 'boolean' } } as const;
const SAVE_OPTIONS = { kinds: { globalStep: 'value', latestFilename: 'string', writeState: 'boolean' } } as const;

type VarList = readonly Variable[] | Readonly<Record<string, Variable>>;

/** Whether the Saver's first argument is its options (a plain object holding no Variable). */
function isSaverOptions(x: unknown): x is SaverOptions {
  return isOptionsObject(x) && Object.keys(x).length > 0 && Object.values(x).every((v) => !(v instanceof Variable));
}

export class Saver {
  /** Checkpoint key → variable. */
  private readonly entries: Map<string, Variable>;
  private readonly graph: Graph;
  private readonly maxToKeep: number;
  private readonly relativePaths: boolean;
  /** Checkpoints this saver wrote and keeps, oldest first (TF1 last_checkpoints). */
  private kept: string[] = [];

  /**
   * Saves and restores variables (TF1 tf.train.Saver). `varList` is a list (keys are the variables'
   * op names) or an object of checkpoint key → variable; by default all global variables now in
   * the default graph. Options may follow it or stand alone: `new tf.train.Saver({maxToKeep: 3})`.
   * @example const saver = new tf.train.Saver(); saver.save(sess, 'ckpt/model', {globalStep: 100})
   */
  constructor(varList?: VarList | SaverOptions, options?: SaverOptions) {
    let opts: unknown = options;
    if (isSaverOptions(varList)) {
      if (options !== undefined) throw new InvalidArgumentError('tf.train.Saver: options are given twice (as the first and the second argument).');
      opts = varList;
      varList = undefined;
    }
    const o = checkOptions<SaverOptions>('tf.train.Saver', opts, SAVER_OPTIONS);
    const keep = o.maxToKeep === undefined ? 5 : o.maxToKeep === null ? 0 : o.maxToKeep;
    if (!Number.isInteger(keep) || (keep as number) < 0) {
      throw new InvalidArgumentError(`tf.train.Saver: maxToKeep must be a non-negative integer or null, got ${String(o.maxToKeep)}.`);
    }
    this.maxToKeep = keep as number;
    this.relativePaths = o.saveRelativePaths === true;
    const list = varList as VarList | undefined;
    const pairs: [string, Variable][] = list === undefined
      ? globalVariables().map((v) => [v.op.name, v])
      : Array.isArray(list)
        ? (list as readonly Variable[]).map((v) => [v instanceof Variable ? v.op.name : '', v])
        : Object.entries(list);
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

  /** The checkpoints this saver keeps, oldest first (TF1 last_checkpoints). */
  get lastCheckpoints(): string[] {
    return [...this.kept];
  }

  /**
   * Takes over checkpoints written earlier (by another process, say) as kept, oldest first, so
   * later saves delete them past `maxToKeep` (TF1 recover_last_checkpoints).
   */
  recoverLastCheckpoints(paths: readonly string[]): void {
    this.kept = [...paths];
  }

  /**
   * Writes the variables' values in `sess` to `path` (a safetensors file; with `globalStep`,
   * `path-<step>`) and returns the path written. Then records it in the folder's `checkpoint`
   * state file and deletes this saver's oldest checkpoint past `maxToKeep`. Fails with
   * FailedPreconditionError if a variable is not initialised; a failed save leaves any file
   * already at the path, and the state file, untouched.
   */
  save(sess: Session, path: string, options: SaveOptions | number | Variable = {}): string {
    this.checkSession(sess);
    checkPath(path, 'Saver.save');
    const opts = typeof options === 'number' || options instanceof Variable ? { globalStep: options }
      : checkOptions<SaveOptions>('Saver.save', options, SAVE_OPTIONS);
    let target = path;
    if (opts.globalStep !== undefined) {
      const step = opts.globalStep instanceof Variable ? sess.run(opts.globalStep) : opts.globalStep;
      if (!Number.isInteger(step)) throw new InvalidArgumentError(`Saver.save: globalStep must be an integer (or a variable holding one), got ${String(step)}.`);
      target = `${path}-${step as number}`;
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
    if (opts.writeState !== false) this.recordCheckpoint(target, opts.latestFilename ?? 'checkpoint');
    return target;
  }

  /** TF1's order: remember the new checkpoint, update the state file, then delete the oldest kept. */
  private recordCheckpoint(target: string, latestFilename: string): void {
    const { fs, path } = node();
    const kept = this.maxToKeep > 0 ? [...this.kept.filter((p) => p !== target), target] : [];
    const dropped = kept.splice(0, Math.max(0, kept.length - this.maxToKeep));
    // why: the list changes only once the state file is written (a failed write keeps both as they were).
    updateCheckpointState(path.dirname(target), target, kept, latestFilename, this.relativePaths);
    this.kept = kept;
    for (const old of dropped) {
      // why: a checkpoint already gone (deleted by hand) is not an error, as in TF1.
      try { fs.rmSync(old, { force: true }); } catch { /* kept on disk; nothing refers to it */ }
    }
  }

  /**
   * Sets the variables in `sess` to the values stored at `path`. The whole file is checked first
   * (format, checksum, every variable present with its dtype and shape); on any problem it throws
   * (DataLossError, NotFoundError, InvalidArgumentError) and `sess` is unchanged.
   */
  restore(sess: Session, path: string | null): void {
    this.checkSession(sess);
    if (path === null || path === undefined) {
      // why: `saver.restore(sess, tf.train.latestCheckpoint(dir))` with no checkpoint there passes null.
      throw new InvalidArgumentError(`Saver.restore: can't load a checkpoint from ${JSON.stringify(path ?? null)}; give a path (tf.train.latestCheckpoint gives null when a folder has no checkpoint).`);
    }
    checkPath(path, 'Saver.restore');
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
