// Variable storage shared between a session and a device backend. A stamp per storage array,
// bumped whenever a session writes new values into it in place: a device keeps a variable's
// device copy with the stamp it saw and uploads again when the stamp moved. And the other way:
// a device that computed a variable's new value may leave it on the device (a deferred write
// back); whatever reads the storage in JS settles it first.
import type { TypedArray } from '../dtypes.js';

const stamps = new WeakMap<TypedArray, number>();
const deferred = new Map<TypedArray, () => void>();
/** Whether any device has read a stamp: until then no device holds a copy, and commits skip the bookkeeping. */
let tracking = false;

export function storageStamp(storage: TypedArray): number {
  tracking = true;
  return stamps.get(storage) ?? 0;
}

/** Marks `storage` as written in place from JS (newer than any device copy or deferred write back). */
export function bumpStorage(storage: TypedArray): void {
  // why: every committed variable write of every run comes here; a JS or wasm session pays nothing.
  if (!tracking) return;
  stamps.set(storage, (stamps.get(storage) ?? 0) + 1);
  deferred.delete(storage);
}

/** The storage's newest value is on a device: `settle` copies it in (replacing an older deferral). */
export function deferWriteBack(storage: TypedArray, settle: () => void): void {
  tracking = true;
  deferred.set(storage, settle);
}

/** Copies deferred device values into their storage: of the arrays given, or all. */
export function settleWriteBacks(only?: readonly (TypedArray | undefined)[]): void {
  if (!tracking || deferred.size === 0) return;
  for (const s of only ?? [...deferred.keys()]) {
    const settle = s && deferred.get(s);
    if (settle) { deferred.delete(s!); settle(); }
  }
}

/** Forgets a deferral (the storage is replaced or freed). */
export function dropWriteBack(storage: TypedArray | undefined): void {
  if (storage) deferred.delete(storage);
}
