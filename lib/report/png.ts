/**
 * A minimal PNG encoder (8-bit RGB, no interlace) so the report can embed frames without an image
 * dependency: every row uses filter 0 (none), since report frames are small and compression
 * ratio does not matter; node:zlib does the deflate.
 */
import * as zlib from 'node:zlib';
import { invalidArg } from '../errors';

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
// The PNG format stores dimensions as 31-bit unsigned integers.
const MAX_DIMENSION = 0x7fffffff;
const COLOR_TYPE_RGB = 2;
const BYTES_PER_PIXEL = 3;

// CRC-32 (ISO 3309, reflected polynomial 0xEDB88320), as PNG chunks require; one table of the
// 256 byte remainders, built once, makes it one lookup per byte.
const CRC_TABLE = ((): Uint32Array => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 of the bytes, continuing from `previous` (the CRC of the bytes before them) when given. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  // The CRC covers the type and the data, not the length.
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

function header(width: number, height: number): Buffer {
  const data = Buffer.alloc(13);
  data.writeUInt32BE(width, 0);
  data.writeUInt32BE(height, 4);
  data[8] = 8; // bit depth
  data[9] = COLOR_TYPE_RGB;
  // bytes 10..12: compression 0 (deflate), filter method 0, interlace 0 (none)
  return data;
}

/** The scanlines as PNG wants them: each row prefixed with its filter-type byte (0 = none). */
function scanlines(width: number, height: number, rgb: Uint8Array): Buffer {
  const stride = width * BYTES_PER_PIXEL;
  const raw = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) raw.set(rgb.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  return raw;
}

function checkDimension(name: string, value: number): void {
  if (!(Number.isSafeInteger(value) && value >= 1 && value <= MAX_DIMENSION))
    throw invalidArg(name, `an integer in [1, ${MAX_DIMENSION}]`, value);
}

/** Encodes `rgb` (height rows of width pixels, R G B bytes each, row-major) as a PNG file. */
export function encodePng(width: number, height: number, rgb: Uint8Array): Buffer {
  checkDimension('width', width);
  checkDimension('height', height);
  // The tag, not instanceof: a Buffer or a Uint8Array from another realm (jest, Electron) is as good.
  if (Object.prototype.toString.call(rgb) !== '[object Uint8Array]') throw invalidArg('rgb', 'a Uint8Array', rgb);
  const expected = width * height * BYTES_PER_PIXEL;
  if (rgb.length !== expected) throw invalidArg('rgb.length', `${expected} bytes (${width} × ${height} × 3)`, rgb.length);
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header(width, height)),
    chunk('IDAT', zlib.deflateSync(scanlines(width, height, rgb))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
