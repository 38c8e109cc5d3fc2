// A minimal PNG encoder for image summaries: 8-bit grayscale, RGB or RGBA, no filtering, the
// image data in stored (uncompressed) deflate blocks. Small images, no zlib needed, so it works
// wherever the library runs.
import { adler32, crc32 } from './checksums.js';

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const COLOR_TYPE: Record<number, number> = { 1: 0, 3: 2, 4: 6 };
const MAX_STORED = 65535;

/** PNG bytes of a height × width × channels (1, 3 or 4) uint8 image, row-major. */
export function encodePng(pixels: Uint8Array, height: number, width: number, channels: number): Uint8Array {
  const rowLen = width * channels + 1;
  const raw = new Uint8Array(height * rowLen);
  // why: each scanline starts with its filter type; 0 (none) keeps the encoder trivial.
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width * channels, (y + 1) * width * channels), y * rowLen + 1);
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr.set([8, COLOR_TYPE[channels], 0, 0, 0], 8);
  const parts = [Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', zlibStored(raw)), chunk('IEND', new Uint8Array(0))];
  return concat(parts);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A zlib stream of stored deflate blocks (RFC 1950/1951). */
function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / MAX_STORED));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78; out[1] = 0x01;
  let o = 2;
  for (let b = 0; b < blocks; b++) {
    const part = data.subarray(b * MAX_STORED, Math.min(data.length, (b + 1) * MAX_STORED));
    out[o] = b === blocks - 1 ? 1 : 0;
    out[o + 1] = part.length & 0xff; out[o + 2] = part.length >>> 8;
    out[o + 3] = ~part.length & 0xff; out[o + 4] = (~part.length >>> 8) & 0xff;
    out.set(part, o + 5);
    o += 5 + part.length;
  }
  new DataView(out.buffer).setUint32(o, adler32(data));
  return out;
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}
