// `tfgen/runtime/checkpoint` (apart from tfgen/runtime, which stays small): checkpoints of a runtime Session: the same safetensors files tf.train.Saver writes and reads
// (keys are the variables' op names), so a model trained with a compiled module can be restored
// in development, baked into a standalone predictor (`tfgen compile --weights`), and back.
import { FailedPreconditionError, InvalidArgumentError } from '../errors.js';
import { NDArray } from '../ndarray.js';
import { decodeSafetensors, encodeSafetensors } from '../train/safetensors.js';
import { readFile, writeAtomically } from '../train/files.js';
import type { Session } from './model.js';

/**
 * Writes every variable of the session's model to `path` (atomically: a failed save leaves any
 * file already there untouched). Fails when a variable is not initialised.
 * @example saveCheckpoint(sess, 'out/linreg.safetensors')
 */
export function saveCheckpoint(sess: Session, path: string): string {
  const model = sess._model();
  const tensors = new Map<string, NDArray>();
  for (const v of model.variables) {
    const value = sess._state.get(v.name);
    if (!value) throw new FailedPreconditionError(`Attempting to use uninitialized value ${v.name} (saving checkpoint '${path}')`);
    tensors.set(v.name, value);
  }
  const bytes = encodeSafetensors(tensors, { format: 'tfgen.checkpoint' });
  writeAtomically(path, bytes, (written) => void decodeSafetensors(written, { source: path, requireChecksum: true }));
  return path;
}

/** Sets the session's variables from `path`, all or none (names, dtypes and shapes checked first). */
export function restoreCheckpoint(sess: Session, path: string): void {
  const model = sess._model();
  const { tensors } = decodeSafetensors(readFile(path), { source: path });
  for (const v of model.variables) {
    const a = tensors.get(v.name);
    if (!a) throw new InvalidArgumentError(`Checkpoint '${path}' has no value for variable ${v.name}.`);
    if (a.dtype !== v.dtype || a.shape.join(',') !== v.shape.join(',')) {
      throw new InvalidArgumentError(`Cannot restore ${v.name}: expected ${v.dtype} [${v.shape.join(', ')}], got ${a.dtype} [${a.shape.join(', ')}] in '${path}'.`);
    }
  }
  for (const v of model.variables) sess._state.set(v.name, tensors.get(v.name)!);
}
