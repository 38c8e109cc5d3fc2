// A stamp per variable storage array, bumped whenever a session writes new values into it in
// place. A device backend keeps a variable's device copy with the stamp it expects and uploads
// again when the stamp moved (the variable was written by JS code: another plan, the
// interpreter gives new storage anyway, a restore gives new storage too).
import type { TypedArray } from '../dtypes.js';

const stamps = new WeakMap<TypedArray, number>();

export function storageStamp(storage: TypedArray): number {
  return stamps.get(storage) ?? 0;
}

/** Marks `storage` as written in place. */
export function bumpStorage(storage: TypedArray): void {
  stamps.set(storage, (stamps.get(storage) ?? 0) + 1);
}
