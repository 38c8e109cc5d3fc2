// TFRecord framing, the container of event files: each record is its length (uint64, little
// endian), the masked CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
import { DataLossError } from '../errors.js';
import { maskedCrc32c } from './checksums.js';

export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(16 + data.length);
  const v = new DataView(out.buffer);
  v.setBigUint64(0, BigInt(data.length), true);
  v.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  v.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/**
 * The records of a TFRecord file, checked against their CRCs (DataLossError naming `source` and
 * the offset on a mismatch). An incomplete last record (a writer still flushing) is left out.
 */
export function readRecords(bytes: Uint8Array, source = 'record file'): Uint8Array[] {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Uint8Array[] = [];
  let off = 0;
  while (off + 12 <= bytes.length) {
    if (v.getUint32(off + 8, true) !== maskedCrc32c(bytes.subarray(off, off + 8))) {
      throw new DataLossError(`${source}: corrupted record length at byte ${off} (CRC mismatch).`);
    }
    const len = Number(v.getBigUint64(off, true));
    if (off + 16 + len > bytes.length) break;
    const data = bytes.subarray(off + 12, off + 12 + len);
    if (v.getUint32(off + 12 + len, true) !== maskedCrc32c(data)) {
      throw new DataLossError(`${source}: corrupted record data at byte ${off} (CRC mismatch).`);
    }
    out.push(data);
    off += 16 + len;
  }
  return out;
}
