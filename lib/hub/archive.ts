/**
 * Safe, atomic extraction of dataset archives (.tar, .tar.gz/.tgz, .zip) such as the UCF101 subset
 * a user downloads from the hub. Archives come from strangers, so extraction trusts nothing in them:
 *
 * - node-tar and yauzl only *parse*; every file, folder and link is created here, by one writer
 *   (`SafeTree`) that checks each entry's name, type and link target before touching the disk;
 * - everything is written into a fresh `<target>.partial-<pid>-<random>` folder beside the target,
 *   renamed to the target only when the whole archive succeeded, and removed on any failure;
 * - the byte and entry limits count what is actually written, while it streams, so a bomb is
 *   stopped after at most `maxBytes` on disk whatever its headers claim.
 *
 * A refusal is a VideomaeError `ERR_VIDEOMAE_ARCHIVE` whose message names the entry.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { Header, Parser, type ReadEntry } from 'tar';
import * as yauzl from 'yauzl';
import { VideomaeError, invalidArg, isVideomaeError } from '../errors';

export interface ExtractOptions {
  /** Most uncompressed bytes written in all (default 20 GiB). */
  maxBytes?: number;
  /** Most entries (files, folders, links) in the archive (default 100,000). */
  maxEntries?: number;
  /**
   * Called as data is written: bytes so far and, when the archive's index states it (zip), the
   * expected total. Throwing from it interrupts the extraction, which then rethrows that error.
   */
  onProgress?: (bytes: number, total?: number) => void;
}

export interface ExtractResult {
  /** The absolute path of the extracted folder. */
  target: string;
  /** Archive entries extracted (files, folders and links). */
  entries: number;
  /** Uncompressed bytes written. */
  bytes: number;
}

export const DEFAULT_MAX_BYTES = 20 * 1024 ** 3;
export const DEFAULT_MAX_ENTRIES = 100_000;

/** How many symbolic links one path may pass through (Linux's own limit, ELOOP beyond it). */
const MAX_LINK_HOPS = 40;
/** Path components one link resolution may walk: real links need a handful; this bounds the work. */
const MAX_LINK_STEPS = 1024;
/** Longest entry name or link target (PATH_MAX): longer ones fail in the kernel anyway. */
const MAX_PATH_BYTES = 4096;

type ArchiveFormat = 'tar' | 'gzip' | 'zip';
type Kind = 'directory' | 'file' | 'hardlink' | 'symlink';

interface Limits {
  maxBytes: number;
  maxEntries: number;
}

/**
 * Extracts `archive` into the new folder `target` (which must not exist yet) and resolves with
 * what was written. The format is read from the file's first bytes, not from its name.
 */
export async function extractArchive(archive: string, target: string, options: ExtractOptions = {}): Promise<ExtractResult> {
  const limits = resolveLimits(options);
  const destination = path.resolve(target);
  await refuseExisting(archive, destination);
  const format = await detectFormat(archive);
  const partial = await makePartialFolder(archive, destination);
  const tree = new SafeTree(partial, limits, options.onProgress);
  try {
    if (format === 'zip') await extractZip(archive, tree);
    else await extractTar(archive, tree);
    await tree.finish();
    await refuseExisting(archive, destination);
    await renameInto(archive, partial, destination);
    return { target: destination, entries: tree.entries, bytes: tree.bytes };
  } catch (error) {
    await fs.promises.rm(partial, { recursive: true, force: true });
    throw tree.isCallerError(error) ? error : extractionError(archive, error);
  }
}

function resolveLimits(options: ExtractOptions): Limits {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) throw invalidArg('maxBytes', 'a non-negative integer', maxBytes);
  if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) throw invalidArg('maxEntries', 'a positive integer', maxEntries);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') {
    throw invalidArg('onProgress', 'a function', options.onProgress);
  }
  return { maxBytes, maxEntries };
}

/** Never merges into or replaces an existing folder: the caller decides whether to reuse it. */
async function refuseExisting(archive: string, destination: string): Promise<void> {
  const existing = await fs.promises.lstat(destination).catch(() => null);
  if (existing) {
    throw new VideomaeError(
      `Cannot extract ${archive} into ${destination}: it already exists (reuse it, or remove it to extract again)`,
      'ERR_VIDEOMAE_IO',
    );
  }
}

/** The private folder beside the target that receives everything until the final rename. */
async function makePartialFolder(archive: string, destination: string): Promise<string> {
  const partial = `${destination}.partial-${process.pid}-${crypto.randomBytes(6).toString('hex')}`;
  try {
    await fs.promises.mkdir(path.dirname(destination), { recursive: true });
    await fs.promises.mkdir(partial); // not recursive: fails rather than reuse a folder someone else made
  } catch (error) {
    throw extractionError(archive, error);
  }
  return partial;
}

/** rename(2) replaces an empty folder silently; a racing extraction that got there first wins. */
async function renameInto(archive: string, partial: string, destination: string): Promise<void> {
  try {
    await fs.promises.rename(partial, destination);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTEMPTY') throw error;
    await refuseExisting(archive, destination);
    throw error;
  }
}

/** Reads the magic bytes: gzip 1f 8b, zip "PK\3\4" (or an empty zip's "PK\5\6"), tar's ustar header. */
async function detectFormat(archive: string): Promise<ArchiveFormat> {
  const head = await readHead(archive, 512);
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && (head.readUInt32LE(0) === 0x04034b50 || head.readUInt32LE(0) === 0x06054b50)) return 'zip';
  if (head.length === 512 && isTarHeader(head)) return 'tar';
  throw new VideomaeError(
    `Cannot extract ${archive}: not a .tar, .tar.gz or .zip archive (it starts with ${head.subarray(0, 8).toString('hex') || 'nothing'})`,
    'ERR_VIDEOMAE_ARCHIVE',
  );
}

async function readHead(archive: string, length: number): Promise<Buffer> {
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(archive, 'r');
  } catch (error) {
    throw new VideomaeError(`Cannot open the archive ${archive}: ${(error as Error).message}`, 'ERR_VIDEOMAE_IO', { cause: error });
  }
  try {
    const buffer = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buffer, 0, length, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** POSIX ustar and GNU tar write "ustar" at offset 257; pre-POSIX (v7) tar only has a valid checksum. */
function isTarHeader(block: Buffer): boolean {
  if (block.toString('latin1', 257, 262) === 'ustar') return true;
  try {
    return new Header(block).cksumValid === true;
  } catch {
    return false;
  }
}

/** Library and parser errors become ERR_VIDEOMAE_ARCHIVE, file-system errors ERR_VIDEOMAE_IO. */
function extractionError(archive: string, error: unknown): unknown {
  if (isVideomaeError(error) && error.code !== 'ERR_VIDEOMAE_ARCHIVE') return error;
  const reason = error instanceof Error ? error.message : String(error);
  const code = isFsError(error) ? 'ERR_VIDEOMAE_IO' : 'ERR_VIDEOMAE_ARCHIVE';
  return new VideomaeError(`Cannot extract ${archive}: ${reason}`, code, { cause: error });
}

function isFsError(error: unknown): boolean {
  return typeof (error as NodeJS.ErrnoException | undefined)?.syscall === 'string';
}

function refusal(name: string, why: string): VideomaeError {
  return new VideomaeError(`entry ${quote(name)} ${why}`, 'ERR_VIDEOMAE_ARCHIVE');
}

/** A name as messages show it: JSON-quoted (so control characters are visible) and shortened. */
function quote(name: string): string {
  return JSON.stringify(name.length > 200 ? `${name.slice(0, 200)}...` : name);
}

/** A parser's complaint (corrupt data, truncation) tagged with the entry it was reading. */
function atEntry(error: unknown, name: string | undefined): unknown {
  if (isVideomaeError(error) || isFsError(error) || name === undefined) return error;
  const reason = error instanceof Error ? error.message : String(error);
  return new VideomaeError(`entry ${quote(name)}: ${reason}`, 'ERR_VIDEOMAE_ARCHIVE', { cause: error });
}

/**
 * An entry name as a relative POSIX path inside the target ('' for the root itself), refusing every
 * way a name can point elsewhere: absolute paths, any ".." segment, drive letters, and backslashes
 * (a separator on Windows, so "a\..\..\x" would climb there even though it is one name here).
 */
export function safeRelativePath(name: string): string {
  if (Buffer.byteLength(name) > MAX_PATH_BYTES) throw refusal(name, `has a name longer than ${MAX_PATH_BYTES} bytes`);
  if (name.includes('\0')) throw refusal(name, 'has a NUL byte in its name');
  if (name.includes('\\')) throw refusal(name, 'has a backslash in its name (a Windows separator)');
  if (name.startsWith('/')) throw refusal(name, 'is an absolute path');
  if (/^[A-Za-z]:/.test(name)) throw refusal(name, 'starts with a drive letter');
  const segments = name.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw refusal(name, 'has a ".." segment, which could climb out of the target');
  return segments.join('/');
}

/**
 * Where a symlink at `link` pointing to `target` ends up, following the archive's other links
 * (`links`, relative path → target) the way the kernel would, or null when the walk leaves the
 * root, is absolute, loops, or takes more than MAX_LINK_STEPS components. Components that are not
 * links are taken as folders: one that is really a file only makes the link dangle, it cannot
 * redirect it.
 */
export function resolveLink(links: ReadonlyMap<string, string>, link: string, target: string): string | null {
  if (isAbsoluteLike(target)) return null;
  const stack = link.split('/').slice(0, -1);
  const pending = target.split('/').reverse(); // the next component is the last element
  let hops = 0;
  for (let steps = 0; pending.length > 0; steps++) {
    if (steps > MAX_LINK_STEPS) return null;
    const component = pending.pop() as string;
    if (component === '' || component === '.') continue;
    if (component === '..') {
      if (stack.length === 0) return null;
      stack.pop();
      continue;
    }
    stack.push(component);
    const next = links.get(stack.join('/'));
    if (next === undefined) continue;
    if (++hops > MAX_LINK_HOPS || isAbsoluteLike(next)) return null;
    stack.pop();
    pending.push(...next.split('/').reverse());
  }
  return stack.join('/');
}

function isAbsoluteLike(target: string): boolean {
  return target.startsWith('/') || target.includes('\\') || /^[A-Za-z]:/.test(target);
}

/**
 * The only writer. It records what each path became (`kinds`) so that no entry can be written
 * through a link, over a link, or under a file, and it defers symlinks to `finish()`: while the
 * entries stream no link exists on disk, so nothing can follow one out of the folder (not even on
 * a case-insensitive file system where "A" and "a" meet), and at the end every link target is
 * resolved against all of the archive's links at once.
 */
class SafeTree {
  entries = 0;
  bytes = 0;
  /** Expected total bytes when the archive's index says it (zip). */
  total: number | undefined;
  private readonly kinds = new Map<string, Kind>([['', 'directory']]);
  private readonly links = new Map<string, string>();
  private readonly linkNames = new Map<string, string>();
  private readonly controller = new AbortController();
  private callerError: { error: unknown } | undefined;

  constructor(
    readonly root: string,
    readonly limits: Limits,
    private readonly onProgress?: (bytes: number, total?: number) => void,
  ) {}

  /** Stops every write in flight; later operations throw instead of touching the disk. */
  abort(): void {
    this.controller.abort();
  }

  isCallerError(error: unknown): boolean {
    return this.callerError !== undefined && this.callerError.error === error;
  }

  /** Counts one archive entry against maxEntries and returns its checked relative path. */
  begin(name: string): string {
    this.controller.signal.throwIfAborted();
    if (++this.entries > this.limits.maxEntries) {
      throw refusal(name, `is past the limit of ${this.limits.maxEntries} entries (maxEntries)`);
    }
    return safeRelativePath(name);
  }

  async directory(name: string): Promise<void> {
    const relative = this.begin(name);
    if (relative === '') return;
    if (this.kinds.get(relative) === 'directory') return;
    await this.place(relative, name, 'directory');
    await fs.promises.mkdir(this.absolute(relative), { recursive: true });
  }

  /** Streams one file's data into a new file, counting the bytes actually written. */
  async file(name: string, mode: number, data: AsyncIterable<Buffer> | Readable, expectedCrc?: number): Promise<void> {
    const relative = this.begin(name);
    if (relative === '') throw refusal(name, 'is a file in place of the root folder');
    const replacing = this.kinds.get(relative) === 'file';
    await this.place(relative, name, 'file');
    if (replacing) await fs.promises.rm(this.absolute(relative));
    const crc = expectedCrc !== undefined && CRC32 ? { value: 0 } : undefined;
    // 'wx' (O_CREAT | O_EXCL) never opens something that already exists, a link included.
    const out = fs.createWriteStream(this.absolute(relative), { flags: 'wx', mode: saneFileMode(mode) });
    await pipeline(data, this.meter(name, crc), out, { signal: this.controller.signal });
    if (crc && crc.value !== (expectedCrc as number) >>> 0) {
      throw refusal(name, 'is corrupt (its CRC-32 does not match the data)');
    }
  }

  /** A hard link may only name a file this archive wrote before it: never anything outside. */
  async hardlink(name: string, linkName: string): Promise<void> {
    const relative = this.begin(name);
    let source: string;
    try {
      source = safeRelativePath(linkName);
    } catch {
      throw refusal(name, `is a hard link to ${quote(linkName)}, outside the target`);
    }
    const kind = this.kinds.get(source);
    if (kind !== 'file' && kind !== 'hardlink') {
      throw refusal(name, `is a hard link to ${quote(linkName)}, which is not a file extracted before it`);
    }
    await this.place(relative, name, 'hardlink');
    await fs.promises.link(this.absolute(source), this.absolute(relative));
  }

  /** Records a symlink (created in finish()); refuses at once a target that already escapes. */
  async symlink(name: string, linkTarget: string): Promise<void> {
    const relative = this.begin(name);
    if (relative === '') throw refusal(name, 'is a link in place of the root folder');
    if (linkTarget === '' || linkTarget.includes('\0') || Buffer.byteLength(linkTarget) > MAX_PATH_BYTES) {
      throw refusal(name, 'is a link with an empty, invalid or overlong target');
    }
    this.refuseEscapingLink(relative, name, linkTarget);
    await this.place(relative, name, 'symlink');
    this.links.set(relative, linkTarget);
    this.linkNames.set(relative, name);
  }

  /** Checks every link against all the others, then creates them; nothing is written after this. */
  async finish(): Promise<void> {
    for (const [relative, linkTarget] of this.links) {
      this.refuseEscapingLink(relative, this.linkNames.get(relative) as string, linkTarget);
    }
    for (const [relative, linkTarget] of this.links) {
      this.controller.signal.throwIfAborted();
      try {
        await fs.promises.symlink(linkTarget, this.absolute(relative));
      } catch (error) {
        // EEXIST: another entry took the name under case folding or Unicode normalisation.
        throw refusal(this.linkNames.get(relative) as string, `cannot be created as a link: ${(error as Error).message}`);
      }
    }
  }

  private refuseEscapingLink(relative: string, name: string, linkTarget: string): void {
    if (resolveLink(this.links, relative, linkTarget) === null) {
      throw refusal(name, `is a link to ${quote(linkTarget)}, which does not resolve inside the target`);
    }
  }

  /**
   * Checks where an entry goes against what earlier entries became and creates its parent
   * folders. Replacing a file by a file is how tar appends updates; every other collision is refused.
   */
  private async place(relative: string, name: string, kind: Kind): Promise<void> {
    const missing = this.newAncestors(relative, name);
    const existing = this.kinds.get(relative);
    if (existing === 'symlink' || existing === 'hardlink') {
      throw refusal(name, `would overwrite the link ${quote(relative)} extracted before it`);
    }
    if (existing !== undefined && existing !== kind) {
      throw refusal(name, `would replace the ${existing} ${quote(relative)} extracted before it`);
    }
    this.controller.signal.throwIfAborted();
    if (missing.length > 0) await fs.promises.mkdir(this.absolute(missing[0]), { recursive: true });
    for (const folder of missing) this.kinds.set(folder, 'directory');
    this.kinds.set(relative, kind);
  }

  /**
   * The entry's ancestors not seen yet, deepest first, refusing when one is a link or a file. The
   * walk up stops at the first known folder: its own ancestors were checked when it was recorded.
   */
  private newAncestors(relative: string, name: string): string[] {
    const missing: string[] = [];
    for (let cut = relative.lastIndexOf('/'); cut > 0; cut = relative.lastIndexOf('/', cut - 1)) {
      const ancestor = relative.slice(0, cut);
      const existing = this.kinds.get(ancestor);
      if (existing === 'directory') break;
      if (existing === 'symlink') throw refusal(name, `would be written through the link ${quote(ancestor)}`);
      if (existing !== undefined) throw refusal(name, `would be written under ${quote(ancestor)}, which is a file`);
      missing.push(ancestor);
    }
    return missing;
  }

  private absolute(relative: string): string {
    return path.join(this.root, ...relative.split('/'));
  }

  /** A pass-through stage that enforces maxBytes on the bytes really flowing and reports progress. */
  private meter(name: string, crc: { value: number } | undefined): (chunks: AsyncIterable<Buffer>) => AsyncGenerator<Buffer> {
    const count = (chunk: Buffer): void => this.count(chunk, name, crc);
    return async function* (chunks) {
      for await (const chunk of chunks) {
        count(chunk);
        yield chunk;
      }
    };
  }

  private count(chunk: Buffer, name: string, crc: { value: number } | undefined): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) {
      throw refusal(name, `takes the archive past ${this.limits.maxBytes} uncompressed bytes (maxBytes)`);
    }
    if (crc && CRC32) crc.value = CRC32(chunk, crc.value);
    try {
      this.onProgress?.(this.bytes, this.total);
    } catch (error) {
      this.callerError = { error };
      throw error;
    }
  }
}

/** zlib.crc32 exists from Node 20.15; on older Nodes zip data is checked by sizes only. */
const CRC32: ((data: Buffer, value: number) => number) | undefined = (zlib as { crc32?: (data: Buffer, value: number) => number }).crc32;

/**
 * The archive's permission bits without setuid/setgid/sticky and without write access for group
 * and others, plus read/write for the owner (who must be able to replace or delete the file); the
 * umask applies on top. So 0644 and 0755 stay, 0600 stays private, 04777 becomes 0755.
 */
function saneFileMode(mode: number | undefined): number {
  return ((mode ?? 0o644) & 0o755) | 0o600;
}

// ---------------------------------------------------------------------------------------------
// tar and tar.gz: node-tar's Parser (it detects gzip itself) feeds SafeTree one entry at a time.

const TAR_FILE_TYPES = new Set(['File', 'OldFile', 'ContiguousFile']);
const TAR_DIRECTORY_TYPES = new Set(['Directory', 'GNUDumpDir']);
const TAR_SPECIAL_TYPES = new Map([
  ['CharacterDevice', 'character device'],
  ['BlockDevice', 'block device'],
  ['FIFO', 'FIFO'],
]);

/**
 * Streams the archive through the parser. Entries are handled strictly in order (the parser emits
 * the next one only after the current one's data is consumed), so memory stays bounded. The
 * archive must end with tar's end-of-archive block: an archive cut at an entry boundary is refused.
 * Reading stops at that block, so data appended after it (a trailing bomb) is never decompressed.
 */
function extractTar(archive: string, tree: SafeTree): Promise<void> {
  return new Promise((resolve, reject) => {
    const source = fs.createReadStream(archive);
    // strict: every warning (bad checksum, truncation, zlib error) is an error. node-tar also
    // aborts a gzip stream whose expansion passes 1000:1, which a real video archive never reaches.
    const parser = new Parser({ strict: true, brotli: false, zstd: false });
    let queue: Promise<void> = Promise.resolve();
    let failure: { error: unknown } | undefined;
    let stopped = false;
    let lastEntry: string | undefined;
    let sawNullBlock = false;

    /** Stops reading; the parser's abort releases the decompressor (its own error event is ignored). */
    const stop = (): void => {
      if (stopped) return;
      stopped = true;
      source.unpipe(parser);
      source.destroy();
      parser.abort(new Error('extraction stopped'));
    };
    /** The first failure wins; writes in flight are aborted and later entries skipped. */
    const fail = (error: unknown): void => {
      if (failure) return;
      failure = { error };
      tree.abort();
    };
    /** Settles once every queued entry has been handled, so nothing is written after it. */
    const finish = (): void => {
      stop();
      void queue.then(() => (failure ? reject(failure.error) : resolve()));
    };

    parser.on('entry', (entry: ReadEntry) => {
      lastEntry = entry.path;
      sawNullBlock = false;
      queue = queue
        .then(() => (failure ? void entry.resume() : addTarEntry(tree, entry)))
        .catch((error: unknown) => {
          fail(error);
          finish(); // the refused entry's data is never read, so the parser would wait for it forever
        });
    });
    parser.on('ignoredEntry', (entry: ReadEntry) => {
      fail(refusal(entry.path, entry.meta ? 'has an oversized extended header' : `has an unsupported type (${entry.type})`));
      finish();
    });
    parser.on('nullBlock', () => (sawNullBlock = true));
    parser.on('eof', finish);
    parser.on('end', () => {
      if (!sawNullBlock) fail(truncated(lastEntry));
      finish();
    });
    parser.on('error', (error: unknown) => {
      if (stopped) return;
      const data = error as { entry?: { path?: string }; header?: { path?: string } };
      fail(atEntry(error, data.entry?.path ?? data.header?.path ?? lastEntry));
      finish();
    });
    source.on('error', (error) => {
      fail(error);
      finish();
    });
    source.pipe(parser as unknown as NodeJS.WritableStream);
  });
}

function truncated(lastEntry: string | undefined): VideomaeError {
  const where = lastEntry === undefined ? '' : ` after entry ${quote(lastEntry)}`;
  return new VideomaeError(`the archive ends${where} without the end-of-archive marker (truncated?)`, 'ERR_VIDEOMAE_ARCHIVE');
}

async function addTarEntry(tree: SafeTree, entry: ReadEntry): Promise<void> {
  const type = String(entry.type);
  if (TAR_FILE_TYPES.has(type)) return tree.file(entry.path, entry.mode ?? 0o644, iterate(entry));
  entry.resume(); // no data of interest; let the parser move on
  if (TAR_DIRECTORY_TYPES.has(type)) return tree.directory(entry.path);
  if (type === 'SymbolicLink') return tree.symlink(entry.path, entry.linkpath ?? '');
  if (type === 'Link') return tree.hardlink(entry.path, entry.linkpath ?? '');
  const special = TAR_SPECIAL_TYPES.get(type);
  if (special) throw refusal(entry.path, `is a ${special} (device and FIFO entries are never extracted)`);
  throw refusal(entry.path, `has an unsupported type (${type})`);
}

/** node-tar's entries are Minipass streams; pipeline takes them as plain async iterables. */
async function* iterate(entry: ReadEntry): AsyncGenerator<Buffer> {
  for await (const chunk of entry) yield chunk as Buffer;
}

// ---------------------------------------------------------------------------------------------
// zip: yauzl reads the central directory; names are decoded (CP437 or UTF-8) and checked here.

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

interface ZipItem {
  entry: yauzl.Entry;
  name: string;
  kind: 'file' | 'directory' | 'symlink';
  mode: number;
}

/**
 * Two passes: first the whole central directory is read and checked (names, types, count, the
 * stated total for progress) before anything is written, then the entries are extracted in order.
 */
async function extractZip(archive: string, tree: SafeTree): Promise<void> {
  // decodeStrings: false so that a bad name reaches our checks (and our message) instead of
  // failing inside yauzl; sizes stay validated against the data while it inflates.
  const zip = await yauzl.openPromise(archive, { autoClose: false, decodeStrings: false, validateEntrySizes: true });
  try {
    const items = await listZip(zip, tree.limits.maxEntries);
    tree.total = items.reduce((sum, item) => sum + item.entry.uncompressedSize, 0);
    for (const item of items) await addZipEntry(zip, tree, item);
  } finally {
    zip.close();
  }
}

async function listZip(zip: yauzl.ZipFile, maxEntries: number): Promise<ZipItem[]> {
  const items: ZipItem[] = [];
  for await (const entry of zip.eachEntry()) {
    const name = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
    if (items.length >= maxEntries) throw refusal(name, `is past the limit of ${maxEntries} entries (maxEntries)`);
    safeRelativePath(name);
    if (entry.isEncrypted()) throw refusal(name, 'is encrypted');
    items.push({ entry, name, ...zipKind(entry, name) });
  }
  return items;
}

/** The Unix mode sits in the high half of the external attributes when the zip was made on Unix. */
function zipKind(entry: yauzl.Entry, name: string): Pick<ZipItem, 'kind' | 'mode'> {
  const unixMode = entry.versionMadeBy >> 8 === 3 ? entry.externalFileAttributes >>> 16 : 0;
  const type = unixMode & S_IFMT;
  if (type === S_IFLNK) return { kind: 'symlink', mode: unixMode };
  if (type === S_IFDIR || (name.endsWith('/') && type === 0)) return { kind: 'directory', mode: unixMode };
  if (type === 0 || type === S_IFREG) return { kind: 'file', mode: unixMode || 0o644 };
  throw refusal(name, `is a special file (mode ${type.toString(8)}: device, FIFO or socket entries are never extracted)`);
}

async function addZipEntry(zip: yauzl.ZipFile, tree: SafeTree, item: ZipItem): Promise<void> {
  try {
    if (item.kind === 'directory') return await tree.directory(item.name);
    const data = await zip.openReadStreamPromise(item.entry);
    if (item.kind === 'symlink') return await tree.symlink(item.name, await readLinkTarget(data, item.name));
    await tree.file(item.name, item.mode, data, item.entry.crc32);
  } catch (error) {
    throw tree.isCallerError(error) ? error : atEntry(error, item.name);
  }
}

async function readLinkTarget(data: Readable, name: string): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of data as AsyncIterable<Buffer>) {
    length += chunk.length;
    if (length > MAX_PATH_BYTES) throw refusal(name, `is a link whose target is longer than ${MAX_PATH_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
