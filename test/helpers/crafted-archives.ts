/**
 * Archives written byte by byte, for tests of lib/hub/archive.ts. Real writers (node-tar, zip tools)
 * refuse to produce most of what an attacker would send (".." names, devices, escaping links), so
 * the tar headers and the zip records are laid out here by hand, following POSIX ustar and PKWARE's
 * APPNOTE. Everything is deterministic (fixed mtimes, no randomness).
 */
import * as fs from 'node:fs';
import * as zlib from 'node:zlib';

const BLOCK = 512;
const MiB = 1024 * 1024;

export type TarType = 'file' | 'hardlink' | 'symlink' | 'char' | 'block' | 'directory' | 'fifo' | 'pax';
const TAR_TYPE_FLAG: Record<TarType, string> = {
  file: '0',
  hardlink: '1',
  symlink: '2',
  char: '3',
  block: '4',
  directory: '5',
  fifo: '6',
  pax: 'x', // a POSIX extended header: its records override the next entry's fields
};

export interface TarEntrySpec {
  name: string;
  type?: TarType;
  /** File contents (files only). */
  data?: Buffer | string;
  /** Overrides the size field (defaults to the data's length). */
  size?: number;
  mode?: number;
  linkname?: string;
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, 'utf8');
  if (bytes.length > length) throw new Error(`tar field too long: ${value}`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeString(block, offset, length, value.toString(8).padStart(length - 1, '0'));
}

/** One 512-byte ustar header; names longer than 100 bytes are split into prefix + name. */
export function tarHeader(spec: TarEntrySpec): Buffer {
  const type = spec.type ?? 'file';
  const size = spec.size ?? (type === 'file' || type === 'pax' ? Buffer.byteLength(spec.data ?? '') : 0);
  const block = Buffer.alloc(BLOCK);
  let name = spec.name;
  let prefix = '';
  if (Buffer.byteLength(name) > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    name = name.slice(cut + 1);
  }
  writeString(block, 0, 100, name);
  writeOctal(block, 100, 8, spec.mode ?? (type === 'directory' ? 0o755 : 0o644));
  writeOctal(block, 108, 8, 1000); // uid
  writeOctal(block, 116, 8, 1000); // gid
  writeOctal(block, 124, 12, size);
  writeOctal(block, 136, 12, 1_700_000_000); // mtime
  block.fill(' ', 148, 156); // checksum is computed with its own field as spaces
  writeString(block, 156, 1, TAR_TYPE_FLAG[type]);
  writeString(block, 157, 100, spec.linkname ?? '');
  writeString(block, 257, 6, 'ustar\0');
  writeString(block, 263, 2, '00');
  writeString(block, 265, 32, 'user');
  writeString(block, 297, 32, 'user');
  writeOctal(block, 329, 8, 0); // devmajor
  writeOctal(block, 337, 8, 0); // devminor
  writeString(block, 345, 155, prefix);
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return block;
}

/**
 * A pax extended header entry whose records ("path", "linkpath", …) apply to the entry after it;
 * this is how tar stores names longer than the 255 bytes a ustar header holds.
 */
export function paxEntry(records: Record<string, string>): TarEntrySpec {
  let data = '';
  for (const [key, value] of Object.entries(records)) {
    const body = ` ${key}=${value}\n`;
    let length = Buffer.byteLength(body) + 1;
    while (String(length).length + Buffer.byteLength(body) !== length) length = String(length).length + Buffer.byteLength(body);
    data += `${length}${body}`;
  }
  return { name: 'PaxHeader', type: 'pax', data };
}

/** Header, data, and zero padding to the next block. */
export function tarEntry(spec: TarEntrySpec): Buffer {
  const data = Buffer.from(spec.data ?? '');
  const padding = (BLOCK - (data.length % BLOCK)) % BLOCK;
  return Buffer.concat([tarHeader(spec), data, Buffer.alloc(padding)]);
}

/** A whole tar: the entries, then the two zero blocks that mark the end of the archive. */
export function tarArchive(specs: TarEntrySpec[]): Buffer {
  return Buffer.concat([...specs.map(tarEntry), Buffer.alloc(2 * BLOCK)]);
}

export function gzip(data: Buffer): Buffer {
  return zlib.gzipSync(data, { level: 6 }); // Node's gzip header has mtime 0: deterministic
}

/** A small UCF101-layout tree (class folders under train/val/test) with a few bytes per video. */
export function ucf101Files(): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  const classes = ['ApplyEyeMakeup', 'ApplyLipstick', 'Archery'];
  for (const split of ['train', 'val', 'test']) {
    for (const [index, label] of classes.entries()) {
      for (const clip of ['a', 'b']) {
        const name = `UCF101_subset/${split}/${label}/v_${label}_g0${index + 1}_c0${clip === 'a' ? 1 : 2}.avi`;
        files[name] = Buffer.from(`RIFF ${split} ${label} ${clip} \u0000\u0001\u00ff`, 'latin1');
      }
    }
  }
  return files;
}

/** Deterministic bytes that gzip cannot shrink (xorshift32), for limits that must count real data. */
export function incompressible(length: number, seed = 1): Buffer {
  const out = Buffer.alloc(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/** A tar of `count` one-byte files, f00000 … (each entry is 1 KiB of tar). */
export function manyEntriesTar(count: number): Buffer {
  const specs: TarEntrySpec[] = [];
  for (let i = 0; i < count; i++) specs.push({ name: `many/f${String(i).padStart(5, '0')}`, data: 'x' });
  return tarArchive(specs);
}

/**
 * A .tar.gz whose one entry, `name`, is `size` zero bytes (a multiple of 1 MiB): a gzip bomb that
 * expands to `size` from about size/230 bytes. It is the stream `gzip -1` would make, assembled
 * without holding `size` bytes anywhere: zlib deflates one MiB of zeros once, ending with a full
 * flush so that the compressed piece is self-contained, and that piece is repeated size/MiB times
 * (a full flush resets the compressor, so every later MiB compresses to the same bytes). The gzip
 * trailer carries the true CRC-32 and length, so a decoder finds nothing wrong until it is stopped.
 * Level 1 keeps the ratio under node-tar's own 1000:1 guard, so that the byte limit is what stops it.
 */
export function writeZeroBombTarGz(file: string, name: string, size: number): void {
  if (size % MiB !== 0) throw new Error('bomb size must be a multiple of 1 MiB');
  const header = tarHeader({ name, size });
  const zeros = Buffer.alloc(MiB);
  const end = Buffer.alloc(2 * BLOCK);
  const flush = { level: 1, finishFlush: zlib.constants.Z_FULL_FLUSH };
  const headerPart = zlib.deflateRawSync(header, flush);
  const zerosPart = zlib.deflateRawSync(zeros, flush);
  const endPart = zlib.deflateRawSync(end, { level: 1 }); // the final deflate block
  let crc = zlib.crc32(header);
  for (let done = 0; done < size; done += MiB) crc = zlib.crc32(zeros, crc);
  crc = zlib.crc32(end, crc);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc >>> 0, 0);
  trailer.writeUInt32LE((header.length + size + end.length) % 2 ** 32, 4);
  const gzipHeader = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]); // deflate, no name, mtime 0, Unix
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, gzipHeader);
    fs.writeSync(fd, headerPart);
    for (let done = 0; done < size; done += MiB) fs.writeSync(fd, zerosPart);
    fs.writeSync(fd, endPart);
    fs.writeSync(fd, trailer);
  } finally {
    fs.closeSync(fd);
  }
}

export interface ZipEntrySpec {
  name: string;
  data?: Buffer | string;
  /** Unix mode including the type bits (S_IFREG 0o100000, S_IFDIR 0o040000, S_IFLNK 0o120000, …). */
  mode?: number;
  /** 0 stored, 8 deflated (default: deflated when there is data). */
  method?: 0 | 8;
  /** Precompressed deflate data to store instead of deflating `data` (for bombs). */
  deflated?: Buffer;
  /** Overrides the uncompressed size and CRC recorded in the headers (lies). */
  claimedSize?: number;
  claimedCrc?: number;
}

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
export const S_IFLNK = 0o120000;
export const S_IFCHR = 0o020000;

/**
 * A zip archive as a Unix zip tool writes it: local headers with the data, a central directory
 * that records the Unix mode in the external attributes (version made by 3 = Unix), and the end
 * record. Names are flagged UTF-8. No zip64, no data descriptors.
 */
export function zipArchive(specs: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const spec of specs) {
    const name = Buffer.from(spec.name, 'utf8');
    const data = Buffer.from(spec.data ?? '');
    const isDirectory = spec.name.endsWith('/');
    const method = spec.deflated ? 8 : (spec.method ?? (data.length > 0 ? 8 : 0));
    const body = spec.deflated ?? (method === 8 ? zlib.deflateRawSync(data) : data);
    const crc = spec.claimedCrc ?? zlib.crc32(data);
    const size = spec.claimedSize ?? data.length;
    const mode = spec.mode ?? (isDirectory ? S_IFDIR | 0o755 : S_IFREG | 0o644);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(method, 8);
    local.writeUInt16LE(0, 10); // time 00:00
    local.writeUInt16LE(0x21, 12); // date 1980-01-01
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by Unix, zip 2.0
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(method, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(0x21, 14);
    central.writeUInt32LE(crc >>> 0, 16);
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((mode << 16) | (isDirectory ? 0x10 : 0)) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += local.length + name.length + body.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(specs.length, 8);
  end.writeUInt16LE(specs.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** Raw deflate data for `size` zeros (a multiple of 1 MiB), assembled like the gzip bomb above. */
export function deflatedZeros(size: number): Buffer {
  if (size % MiB !== 0) throw new Error('size must be a multiple of 1 MiB');
  const piece = zlib.deflateRawSync(Buffer.alloc(MiB), { level: 9, finishFlush: zlib.constants.Z_FULL_FLUSH });
  const final = zlib.deflateRawSync(Buffer.alloc(0));
  return Buffer.concat([...Array.from({ length: size / MiB }, () => piece), final]);
}

/** CRC-32 of `size` zero bytes (a multiple of 1 MiB). */
export function zerosCrc(size: number): number {
  const zeros = Buffer.alloc(MiB);
  let crc = 0;
  for (let done = 0; done < size; done += MiB) crc = zlib.crc32(zeros, crc);
  return crc >>> 0;
}
