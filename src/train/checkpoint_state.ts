// The `checkpoint` state file beside a Saver's checkpoints, in TF1's text format (a
// CheckpointState protocol buffer as text): the latest checkpoint and the ones still kept,
//   model_checkpoint_path: "model.ckpt-100"
//   all_model_checkpoint_paths: "model.ckpt-90"
//   all_model_checkpoint_paths: "model.ckpt-100"
// Paths are relative to the state file's folder unless absolute. Written atomically.
import { DataLossError, NotFoundError } from '../errors.js';
import { checkPath, node, readFile, writeAtomically } from './files.js';

export interface CheckpointState {
  /** The latest checkpoint (joined with the folder when stored relative). */
  modelCheckpointPath: string;
  /** Every checkpoint kept, oldest first, the latest last. */
  allModelCheckpointPaths: string[];
}

/** A string as a protocol-buffer text literal: UTF-8 bytes, C escapes, other bytes in octal. */
function quote(s: string): string {
  let out = '"';
  for (const b of new TextEncoder().encode(s)) {
    const c = String.fromCharCode(b);
    if (c === '"' || c === "'" || c === '\\') out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (b < 0x20 || b >= 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

/** The string of a text-format literal (`"…"` or `'…'`), or undefined if it is not one. */
function unquote(lit: string): string | undefined {
  const q = lit[0];
  if ((q !== '"' && q !== "'") || lit.length < 2 || lit[lit.length - 1] !== q) return undefined;
  const bytes: number[] = [];
  const body = lit.slice(1, -1);
  const simple: Record<string, number> = { n: 10, r: 13, t: 9, '"': 34, "'": 39, '\\': 92, a: 7, b: 8, f: 12, v: 11, '?': 63 };
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === q) return undefined;
    if (c !== '\\') { bytes.push(...new TextEncoder().encode(c)); continue; }
    const e = body[++i];
    if (e === undefined) return undefined;
    if (e in simple) bytes.push(simple[e]);
    else if (/[0-7]/.test(e)) {
      const oct = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      bytes.push(parseInt(oct, 8) & 0xff);
      i += oct.length - 1;
    } else if (e === 'x' && /^[0-9a-fA-F]{1,2}/.test(body.slice(i + 1))) {
      const hex = /^[0-9a-fA-F]{1,2}/.exec(body.slice(i + 1))![0];
      bytes.push(parseInt(hex, 16));
      i += hex.length;
    } else return undefined;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** The state file's text. */
export function formatCheckpointState(model: string, all: readonly string[]): string {
  return [`model_checkpoint_path: ${quote(model)}`, ...all.map((p) => `all_model_checkpoint_paths: ${quote(p)}`)].join('\n') + '\n';
}

/** Parses the state file's text (paths as stored); DataLossError naming the line on anything else. */
export function parseCheckpointState(text: string, source: string): CheckpointState {
  let model: string | undefined;
  const all: string[] = [];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const m = /^([a-z_]+)\s*:\s*(.*)$/.exec(line);
    const fail = (why: string): never => { throw new DataLossError(`${source}:${i + 1}: ${why}: ${JSON.stringify(raw)}`); };
    if (!m) fail('not a `field: value` line');
    const [, field, value] = m!;
    // why: TF 1.14+ also records timestamps; they are numbers this reader does not need.
    if (field === 'all_model_checkpoint_timestamps' || field === 'last_preserved_timestamp') {
      if (!Number.isFinite(Number(value))) fail(`${field} is not a number`);
      return;
    }
    if (field !== 'model_checkpoint_path' && field !== 'all_model_checkpoint_paths') fail(`unknown field '${field}'`);
    const s = unquote(value);
    if (s === undefined) fail('the value is not a quoted string');
    if (field === 'model_checkpoint_path') model = s;
    else all.push(s!);
  });
  if (model === undefined) throw new DataLossError(`${source}: no model_checkpoint_path.`);
  return { modelCheckpointPath: model, allModelCheckpointPaths: all };
}

/**
 * The checkpoint state recorded in `checkpointDir` (TF1 tf.train.get_checkpoint_state), with
 * relative paths joined to the folder; null when there is no state file. A malformed state file
 * is a DataLossError (TF1 logs it and returns None: here a corrupt file is never mistaken for none).
 */
export function getCheckpointState(checkpointDir: string, latestFilename = 'checkpoint'): CheckpointState | null {
  checkPath(checkpointDir, 'tf.train.getCheckpointState');
  checkPath(latestFilename, 'tf.train.getCheckpointState latestFilename');
  const { path } = node();
  const file = path.join(checkpointDir, latestFilename);
  let bytes: Uint8Array;
  try {
    bytes = readFile(file);
  } catch (e) {
    if (e instanceof NotFoundError) return null;
    throw e;
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new DataLossError(`${file}: the checkpoint state file is not UTF-8 text.`);
  }
  const state = parseCheckpointState(text, file);
  const resolve = (p: string) => (path.isAbsolute(p) ? p : path.join(checkpointDir, p));
  return { modelCheckpointPath: resolve(state.modelCheckpointPath), allModelCheckpointPaths: state.allModelCheckpointPaths.map(resolve) };
}

/**
 * The path of the latest checkpoint saved in `checkpointDir` (TF1 tf.train.latest_checkpoint), or
 * null when there is no state file or the checkpoint it names no longer exists.
 * @example saver.restore(sess, tf.train.latestCheckpoint('ckpt')!)
 */
export function latestCheckpoint(checkpointDir: string, latestFilename = 'checkpoint'): string | null {
  checkPath(checkpointDir, 'tf.train.latestCheckpoint');
  const state = getCheckpointState(checkpointDir, latestFilename);
  if (!state) return null;
  return node().fs.existsSync(state.modelCheckpointPath) ? state.modelCheckpointPath : null;
}

/**
 * Records `model` as the latest checkpoint and `all` as the kept ones in the state file of the
 * folder `dir`. Paths are written relative to `dir` unless absolute (or always, with `relative`).
 */
export function updateCheckpointState(dir: string, model: string, all: readonly string[], latestFilename = 'checkpoint', relative = false): void {
  const { path } = node();
  const stored = (p: string) => (path.isAbsolute(p) && !relative ? p : path.relative(path.resolve(dir), path.resolve(p)));
  const kept = [...all];
  // why: TF1 lists the latest checkpoint last among the kept ones, adding it when missing.
  if (kept[kept.length - 1] !== model) kept.push(model);
  const text = formatCheckpointState(stored(model), kept.map(stored));
  const file = path.join(dir, latestFilename);
  writeAtomically(file, new TextEncoder().encode(text), (written) => {
    parseCheckpointState(new TextDecoder().decode(written), file);
  });
}
