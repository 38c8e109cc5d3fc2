// The checksums of the file formats summaries use: CRC-32C (Castagnoli) with TFRecord's
// masking, CRC-32 (PNG chunks) and Adler-32 (the zlib stream inside a PNG).

function crcTable(poly: number): Uint32Array {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? poly ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
}

let castagnoli: Uint32Array | undefined;
let ieee: Uint32Array | undefined;

function crcWith(table: Uint32Array, bytes: Uint8Array, start: number): number {
  let c = ~start >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

/** CRC-32C of `bytes` (reflected polynomial 0x82F63B78), continuing from `start`. */
export function crc32c(bytes: Uint8Array, start = 0): number {
  return crcWith((castagnoli ??= crcTable(0x82f63b78)), bytes, start);
}

/** CRC-32 as zlib and PNG compute it (reflected polynomial 0xEDB88320). */
export function crc32(bytes: Uint8Array, start = 0): number {
  return crcWith((ieee ??= crcTable(0xedb88320)), bytes, start);
}

/** TFRecord's masked CRC: rotate right by 15 bits and add a constant (so CRCs of CRCs stay strong). */
export function maskedCrc32c(bytes: Uint8Array): number {
  const c = crc32c(bytes);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

export function adler32(bytes: Uint8Array): number {
  let a = 1, b = 0;
  for (let i = 0; i < bytes.length; i++) {
    a = (a + bytes[i]) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}
