/**
 * lib/hub/archive.ts against good archives (a node-tar .tar.gz and a zip of a UCF101-layout tree)
 * and crafted hostile ones (traversal, absolute paths, escaping links, devices, truncation, bombs).
 * Every refusal must be ERR_VIDEOMAE_ARCHIVE naming the entry and leave the folder that holds the
 * archive, the target and a sentinel folder exactly as they were: no target, no *.partial-*.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import * as tar from 'tar';
import { extractArchive, resolveLink, safeRelativePath, type ExtractOptions } from '../../lib/hub/archive';
import {
  S_IFCHR,
  S_IFLNK,
  deflatedZeros,
  gzip,
  incompressible,
  manyEntriesTar,
  paxEntry,
  tarArchive,
  tarHeader,
  ucf101Files,
  writeZeroBombTarGz,
  zerosCrc,
  zipArchive,
  type TarEntrySpec,
  type ZipEntrySpec,
} from '../helpers/crafted-archives';

const MiB = 1024 * 1024;
let root: string;
let target: string;
let outside: string;
let savedUmask: number;

beforeAll(() => {
  savedUmask = process.umask(0o022); // modes below are checked exactly
});
afterAll(() => {
  process.umask(savedUmask);
});
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-archive-'));
  fs.mkdirSync(path.join(root, 'archives'));
  // The sentinel: a folder beside the target that a successful attack would write into.
  outside = path.join(root, 'outside');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'keep.txt'), 'sentinel');
  target = path.join(root, 'dataset');
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

function save(name: string, data: Buffer): string {
  const file = path.join(root, 'archives', name);
  fs.writeFileSync(file, data);
  return file;
}

/** Every path under `dir` with what it is: file contents' hash and mode, link targets, folders. */
function snapshot(dir: string): Record<string, string> {
  const result: Record<string, string> = {};
  const walk = (relative: string): void => {
    const full = path.join(dir, relative);
    const stat = fs.lstatSync(full);
    if (stat.isSymbolicLink()) result[relative] = `link -> ${fs.readlinkSync(full)}`;
    else if (stat.isDirectory()) {
      result[relative] = 'dir';
      for (const name of fs.readdirSync(full).sort()) walk(path.join(relative, name));
    } else {
      const hash = crypto.createHash('sha256').update(fs.readFileSync(full)).digest('hex');
      result[relative] = `file ${(stat.mode & 0o7777).toString(8)} ${hash}`;
    }
  };
  walk('.');
  return result;
}

function filesUnder(dir: string): Record<string, Buffer> {
  const files: Record<string, Buffer> = {};
  for (const [relative, what] of Object.entries(snapshot(dir))) {
    if (what.startsWith('file')) files[relative.split(path.sep).join('/')] = fs.readFileSync(path.join(dir, relative));
  }
  return files;
}

async function failure(promise: Promise<unknown>): Promise<Error & { code?: string }> {
  return promise.then(
    () => {
      throw new Error('expected the extraction to fail');
    },
    (error: Error & { code?: string }) => error,
  );
}

/** Extracts, expects a refusal naming `entry`, and checks that nothing anywhere changed. */
async function expectRefused(archive: string, entry: string | RegExp, options?: ExtractOptions): Promise<Error> {
  const before = snapshot(root);
  const error = await failure(extractArchive(archive, target, options));
  expect(error).toMatchObject({ name: 'VideomaeError', code: 'ERR_VIDEOMAE_ARCHIVE' });
  if (typeof entry === 'string') expect(error.message).toContain(`entry ${JSON.stringify(entry)}`);
  else expect(error.message).toMatch(entry);
  expect(error.message).toContain(archive);
  expect(snapshot(root)).toEqual(before); // no target, no *.partial-*, sentinel untouched
  expect(fs.readdirSync(root).sort()).toEqual(['archives', 'outside']);
  return error;
}

describe('good archives', () => {
  function writeTree(dir: string, files: Record<string, Buffer>): void {
    for (const [name, data] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), data);
    }
  }

  it('extracts a .tar.gz made by node-tar with the exact bytes, and leaves no partial folder', async () => {
    const files = ucf101Files();
    const source = path.join(root, 'source');
    writeTree(source, files);
    fs.writeFileSync(path.join(source, 'UCF101_subset/prepare.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const archive = path.join(root, 'archives', 'UCF101_subset.tar.gz');
    await tar.c({ gzip: true, file: archive, cwd: source, portable: true }, ['UCF101_subset']);
    fs.rmSync(source, { recursive: true });

    const progress: number[] = [];
    const result = await extractArchive(archive, target, { onProgress: (bytes) => progress.push(bytes) });

    const expected = { ...files, 'UCF101_subset/prepare.sh': Buffer.from('#!/bin/sh\n') };
    const expectedBytes = Object.values(expected).reduce((sum, data) => sum + data.length, 0);
    expect(result).toEqual({ target, entries: expect.any(Number), bytes: expectedBytes });
    expect(result.entries).toBeGreaterThanOrEqual(Object.keys(expected).length);
    expect(filesUnder(target)).toEqual(expected);
    expect(fs.statSync(path.join(target, 'UCF101_subset/prepare.sh')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(target, 'UCF101_subset/train/Archery/v_Archery_g03_c01.avi')).mode & 0o777).toBe(0o644);
    expect(progress.at(-1)).toBe(expectedBytes);
    expect(fs.readdirSync(root).sort()).toEqual(['archives', 'dataset', 'outside']);
  });

  it('extracts a zip (stored and deflated entries, folder entries) with the exact bytes', async () => {
    const files = ucf101Files();
    const specs: ZipEntrySpec[] = [{ name: 'UCF101_subset/' }, { name: 'UCF101_subset/train/' }];
    for (const [index, [name, data]] of Object.entries(files).entries()) specs.push({ name, data, method: index % 2 ? 0 : 8 });
    const archive = save('UCF101_subset.zip', zipArchive(specs));
    const totals: Array<number | undefined> = [];
    const result = await extractArchive(archive, target, { onProgress: (_bytes, total) => totals.push(total) });
    const bytes = Object.values(files).reduce((sum, data) => sum + data.length, 0);
    expect(result).toEqual({ target, entries: specs.length, bytes });
    expect(filesUnder(target)).toEqual(files);
    expect(totals.every((total) => total === bytes)).toBe(true); // the zip's index states the total
  });

  it('sanitises modes: no setuid or group/other write, private files stay private', async () => {
    const archive = save(
      'modes.tar',
      tarArchive([
        { name: 'suid', data: 'a', mode: 0o4777 },
        { name: 'shared', data: 'b', mode: 0o666 },
        { name: 'private', data: 'c', mode: 0o600 },
        { name: 'locked', data: 'd', mode: 0o000 },
      ]),
    );
    await extractArchive(archive, target);
    const mode = (name: string): number => fs.statSync(path.join(target, name)).mode & 0o7777;
    expect([mode('suid'), mode('shared'), mode('private'), mode('locked')]).toEqual([0o755, 0o644, 0o600, 0o600]);
  });

  it('keeps links that stay inside, and a later file replaces an earlier one of the same name', async () => {
    const archive = save(
      'links.tar.gz',
      gzip(
        tarArchive([
          { name: './', type: 'directory' },
          { name: 'UCF101_subset/train/ApplyEyeMakeup/a.avi', data: 'old' },
          { name: 'UCF101_subset/train/ApplyEyeMakeup/a.avi', data: 'new clip' },
          { name: 'UCF101_subset/latest', type: 'symlink', linkname: 'train' },
          { name: 'UCF101_subset/val', type: 'symlink', linkname: '../UCF101_subset/train/./ApplyEyeMakeup' },
          { name: 'UCF101_subset/copy.avi', type: 'hardlink', linkname: 'UCF101_subset/train/ApplyEyeMakeup/a.avi' },
        ]),
      ),
    );
    const result = await extractArchive(archive, target);
    expect(result.entries).toBe(6);
    expect(fs.readFileSync(path.join(target, 'UCF101_subset/latest/ApplyEyeMakeup/a.avi'), 'utf8')).toBe('new clip');
    expect(fs.readFileSync(path.join(target, 'UCF101_subset/val/a.avi'), 'utf8')).toBe('new clip');
    expect(fs.readlinkSync(path.join(target, 'UCF101_subset/latest'))).toBe('train');
    const original = fs.statSync(path.join(target, 'UCF101_subset/train/ApplyEyeMakeup/a.avi'));
    expect(fs.statSync(path.join(target, 'UCF101_subset/copy.avi')).ino).toBe(original.ino);
  });

  it('reads long names from ustar prefixes and pax headers', async () => {
    const deep = `UCF101_subset/${'long-folder-name/'.repeat(8)}clip.avi`; // 150 bytes: ustar prefix + name
    const deeper = `UCF101_subset/${`${'x'.repeat(100)}/`.repeat(3)}clip.avi`; // only a pax header holds it
    const archive = save('long.tar', tarArchive([{ name: deep, data: 'a' }, paxEntry({ path: deeper }), { name: 'short', data: 'b' }]));
    await extractArchive(archive, target);
    expect(filesUnder(target)).toEqual({ [deep]: Buffer.from('a'), [deeper]: Buffer.from('b') });
  });

  it('decides the format by the magic bytes, not the name', async () => {
    const archive = save('mislabelled.zip', gzip(tarArchive([{ name: 'a.avi', data: 'clip' }])));
    await extractArchive(archive, target);
    expect(fs.readFileSync(path.join(target, 'a.avi'), 'utf8')).toBe('clip');
  });
});

describe('hostile tar entries', () => {
  const payload = 'pwned';
  const cases: Array<[string, () => TarEntrySpec[], string | RegExp]> = [
    ['a ../ name', () => [{ name: '../evil', data: payload }], '../evil'],
    ['an absolute name', () => [{ name: '/abs/evil', data: payload }], '/abs/evil'],
    ['a name climbing out through a folder', () => [{ name: 'a/../../evil', data: payload }], 'a/../../evil'],
    ['a name with backslashes', () => [{ name: 'a\\..\\..\\evil', data: payload }], 'a\\..\\..\\evil'],
    ['a drive letter', () => [{ name: 'C:/evil', data: payload }], 'C:/evil'],
    [
      // The classic link/passwd attack, but aimed at a name that does not exist in /etc, so that a
      // regression run as root creates a stray file there instead of clobbering /etc/passwd.
      'a symlink to /etc, then a file written through it',
      () => [
        { name: 'link', type: 'symlink', linkname: '/etc' },
        { name: 'link/videomae-archive-test-passwd', data: payload },
      ],
      'link',
    ],
    [
      // The same against the sentinel, where a regression would show in the snapshot.
      'a symlink to an absolute folder outside, then a file written through it',
      () => [
        { name: 'link', type: 'symlink', linkname: outside },
        { name: 'link/keep.txt', data: payload },
      ],
      'link',
    ],
    ['a symlink to ../..', () => [{ name: 'UCF101_subset/up', type: 'symlink', linkname: '../..' }], 'UCF101_subset/up'],
    [
      'a symlink that escapes only through a link that comes later',
      () => [
        { name: 'a', type: 'symlink', linkname: 'd1/d2/b/../..' },
        { name: 'd1/d2/b', type: 'symlink', linkname: '../../x' },
      ],
      'a',
    ],
    [
      'a file written through a link that points inside',
      () => [
        { name: 'UCF101_subset/train/a.avi', data: 'clip' },
        { name: 'data', type: 'symlink', linkname: 'UCF101_subset' },
        { name: 'data/train/evil.avi', data: payload },
      ],
      'data/train/evil.avi',
    ],
    ['a hardlink to /etc/passwd', () => [{ name: 'passwd', type: 'hardlink', linkname: '/etc/passwd' }], 'passwd'],
    ['a hardlink climbing out', () => [{ name: 'keep', type: 'hardlink', linkname: '../outside/keep.txt' }], 'keep'],
    ['a hardlink to nothing extracted before', () => [{ name: 'h', type: 'hardlink', linkname: 'later.avi' }], 'h'],
    [
      'a file that would overwrite a symlink',
      () => [
        { name: 'a', type: 'symlink', linkname: 'b' },
        { name: 'a', data: payload },
      ],
      'a',
    ],
    [
      'a file that would overwrite a hardlink',
      () => [
        { name: 'f', data: 'clip' },
        { name: 'h', type: 'hardlink', linkname: 'f' },
        { name: 'h', data: payload },
      ],
      'h',
    ],
    [
      'a folder in place of a file',
      () => [
        { name: 'f', data: 'clip' },
        { name: 'f/g', data: payload },
      ],
      'f/g',
    ],
    [
      'a pax header renaming a harmless entry to ../evil',
      () => [paxEntry({ path: '../evil' }), { name: 'harmless.avi', data: payload }],
      '../evil',
    ],
    [
      'a pax header pointing a harmless symlink out',
      () => [paxEntry({ linkpath: '../../outside' }), { name: 'link', type: 'symlink', linkname: 'inside' }],
      'link',
    ],
    [
      'a name longer than PATH_MAX',
      () => [paxEntry({ path: `${'d/'.repeat(2100)}f` }), { name: 'f', data: payload }],
      /entry "d\/d\/d.*longer than 4096 bytes/,
    ],
    [
      'a symlink loop',
      () => [
        { name: 'a', type: 'symlink', linkname: 'b' },
        { name: 'b', type: 'symlink', linkname: 'a' },
      ],
      'a',
    ],
    ['a character device', () => [{ name: 'dev/tty0', type: 'char' }], 'dev/tty0'],
    ['a block device', () => [{ name: 'dev/sda', type: 'block' }], 'dev/sda'],
    ['a FIFO', () => [{ name: 'pipe', type: 'fifo' }], 'pipe'],
  ];

  it.each(cases)('refuses %s', async (_what, specs, entry) => {
    const archive = save('hostile.tar.gz', gzip(tarArchive(specs())));
    await expectRefused(archive, entry);
  });

  it('refuses an entry type it does not know (GNU sparse)', async () => {
    const header = tarHeader({ name: 'sparse.avi', data: '' });
    header.write('S', 156); // type flag
    header.fill(' ', 148, 156);
    let sum = 0;
    for (const byte of header) sum += byte;
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    const archive = save('sparse.tar', Buffer.concat([header, Buffer.alloc(1024)]));
    await expectRefused(archive, 'sparse.avi');
  });
});

describe('damaged archives', () => {
  const big = incompressible(256 * 1024, 7);
  const goodTar = (): Buffer =>
    tarArchive([
      { name: 'UCF101_subset/a.avi', data: 'clip' },
      { name: 'UCF101_subset/big.avi', data: big },
    ]);

  it('refuses a truncated gzip', async () => {
    const whole = gzip(goodTar());
    const archive = save('cut.tar.gz', whole.subarray(0, Math.floor(whole.length / 2)));
    await expectRefused(archive, 'UCF101_subset/big.avi');
  });

  it('refuses a gzip with corrupted data', async () => {
    const whole = Buffer.from(gzip(goodTar()));
    whole.fill(0xa5, Math.floor(whole.length / 2), Math.floor(whole.length / 2) + 64);
    const archive = save('corrupt.tar.gz', whole);
    await expectRefused(archive, /entry "UCF101_subset\/big\.avi"|invalid|check/);
  });

  it('refuses a tar cut inside an entry and one cut before its end-of-archive blocks', async () => {
    const whole = goodTar();
    await expectRefused(save('cut.tar', whole.subarray(0, 512 * 20)), 'UCF101_subset/big.avi');
    await expectRefused(save('no-end.tar', whole.subarray(0, 1024)), /after entry "UCF101_subset\/a\.avi" without the end-of-archive/);
  });

  it('refuses what is not a tar, gzip or zip', async () => {
    await expectRefused(
      save('notes.tar.gz', Buffer.from('just some text, not an archive\n'.repeat(40))),
      /not a \.tar, \.tar\.gz or \.zip/,
    );
    await expectRefused(save('data.tar.bz2', Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(600)])), /starts with 425a6839/);
    await expectRefused(save('empty.tar', Buffer.alloc(0)), /starts with nothing/);
  });
});

describe('hostile zip entries', () => {
  it.each([
    ['a ../ name', [{ name: '../evil', data: 'x' }], '../evil'],
    ['an absolute name', [{ name: '/abs/evil', data: 'x' }], '/abs/evil'],
    ['backslashes (read as separators, then climbing)', [{ name: 'a\\..\\..\\evil', data: 'x' }], 'a/../../evil'],
    ['a symlink out', [{ name: 'link', data: '../../etc', mode: S_IFLNK | 0o777, method: 0 as const }], 'link'],
    [
      'a file written through a symlink',
      [
        { name: 'link', data: 'sub', mode: S_IFLNK | 0o777, method: 0 as const },
        { name: 'link/evil', data: 'x' },
      ],
      'link/evil',
    ],
    ['a character device', [{ name: 'dev/tty0', mode: S_IFCHR | 0o600 }], 'dev/tty0'],
  ] as Array<[string, ZipEntrySpec[], string]>)('refuses %s', async (_what, specs, entry) => {
    await expectRefused(save('hostile.zip', zipArchive([{ name: 'ok.avi', data: 'clip' }, ...specs])), entry);
  });

  it('refuses a truncated zip and one whose data runs past the end of the file', async () => {
    const whole = zipArchive([
      { name: 'a.avi', data: incompressible(4096) },
      { name: 'b.avi', data: 'clip' },
    ]);
    await expectRefused(save('cut.zip', whole.subarray(0, whole.length - 30)), /central directory/);
    // Keep the central directory but point the first entry's data past the end of the file.
    const moved = Buffer.from(whole);
    const central = moved.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    moved.writeUInt32LE(0xfffff, central + 20); // compressed size
    await expectRefused(save('overflow.zip', moved), 'a.avi');
  });

  it('refuses stored data whose CRC-32 does not match', async () => {
    const archive = save('crc.zip', zipArchive([{ name: 'a.avi', data: 'clip', method: 0, claimedCrc: 0x12345678 }]));
    await expectRefused(archive, 'a.avi');
  });

  it('refuses an entry that inflates to more than its stated size', async () => {
    const archive = save('liar.zip', zipArchive([{ name: 'small.avi', deflated: deflatedZeros(4 * MiB), claimedSize: 100 }]));
    await expectRefused(archive, 'small.avi');
  });
});

/** Tests that write up to a thousand files or tens of MB: generous on a busy two-core machine. */
const SLOW = 30_000;

describe('limits against bombs', () => {
  it(
    'refuses 10,000 tiny tar entries past maxEntries 1,000, naming the first one over',
    async () => {
      const archive = save('many.tar.gz', gzip(manyEntriesTar(10_000)));
      await expectRefused(archive, 'many/f01000', { maxEntries: 1000 });
    },
    SLOW,
  );

  it(
    'refuses 10,000 tiny zip entries past maxEntries 1,000 before writing anything',
    async () => {
      const specs = Array.from({ length: 10_000 }, (_, i) => ({
        name: `many/f${String(i).padStart(5, '0')}`,
        data: 'x',
        method: 0 as const,
      }));
      await expectRefused(save('many.zip', zipArchive(specs)), 'many/f01000', { maxEntries: 1000 });
    },
    SLOW,
  );

  it(
    'stops a gzip bomb expanding to 1 GiB after at most maxBytes (10 MB)',
    async () => {
      const archive = path.join(root, 'archives', 'bomb.tar.gz');
      writeZeroBombTarGz(archive, 'UCF101_subset/bomb.avi', 1024 * MiB);
      expect(fs.statSync(archive).size).toBeLessThan(8 * MiB);
      let written = 0;
      const started = Date.now();
      const options = { maxBytes: 10_000_000, onProgress: (bytes: number) => (written = bytes) };
      const error = await expectRefused(archive, 'UCF101_subset/bomb.avi', options);
      expect(error.message).toContain('past 10000000 uncompressed bytes (maxBytes)'); // not node-tar's ratio guard
      expect(written).toBeLessThanOrEqual(10_000_000); // the chunk that would cross the limit is never written
      expect(Date.now() - started).toBeLessThan(10_000);
    },
    SLOW,
  );

  it(
    'counts the bytes really written against maxBytes, in tar and zip',
    async () => {
      const clips = ['a', 'b', 'c'].map((name, i) => ({ name: `UCF101_subset/train/${name}.avi`, data: incompressible(MiB, i + 1) }));
      const options = { maxBytes: 2.5 * MiB };
      await expectRefused(save('big.tar', tarArchive(clips)), 'UCF101_subset/train/c.avi', options);
      await expectRefused(save('big.tar.gz', gzip(tarArchive(clips))), 'UCF101_subset/train/c.avi', options);
      await expectRefused(save('big.zip', zipArchive(clips)), 'UCF101_subset/train/c.avi', options);
      // Exactly at the limit is fine.
      const result = await extractArchive(save('fits.tar', tarArchive(clips)), target, { maxBytes: 3 * MiB });
      expect(result.bytes).toBe(3 * MiB);
    },
    SLOW,
  );

  it('stops a zip of honestly sized but highly compressed entries at maxBytes', async () => {
    const zeros = deflatedZeros(4 * MiB);
    const crc = zerosCrc(4 * MiB);
    const specs = ['a', 'b', 'c', 'd'].map((name) => ({ name: `${name}.bin`, deflated: zeros, claimedSize: 4 * MiB, claimedCrc: crc }));
    await expectRefused(save('zeros.zip', zipArchive(specs)), 'c.bin', { maxBytes: 10 * MiB });
  });
});

describe('atomicity and arguments', () => {
  const tarGz = (): string => save('ok.tar.gz', gzip(tarArchive([{ name: 'a.avi', data: 'clip' }])));

  it('refuses an existing target clearly and leaves it alone', async () => {
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'mine.txt'), 'keep me');
    const error = await failure(extractArchive(tarGz(), target));
    expect(error).toMatchObject({ code: 'ERR_VIDEOMAE_IO' });
    expect(error.message).toContain(`${target}: it already exists`);
    expect(fs.readdirSync(target)).toEqual(['mine.txt']);
    expect(fs.readdirSync(root).sort()).toEqual(['archives', 'dataset', 'outside']);
  });

  it.each(['tar.gz', 'zip'])('leaves nothing when the caller interrupts a %s extraction from onProgress', async (kind) => {
    const clips = ['a', 'b', 'c'].map((name, i) => ({ name: `UCF101_subset/${name}.avi`, data: incompressible(64 * 1024, i + 1) }));
    const archive = kind === 'zip' ? save('clips.zip', zipArchive(clips)) : save('clips.tar.gz', gzip(tarArchive(clips)));
    const before = snapshot(root);
    const interrupt = new Error('interrupted by the user');
    let calls = 0;
    const error = await failure(
      extractArchive(archive, target, {
        onProgress: () => {
          if (++calls === 2) throw interrupt;
        },
      }),
    );
    expect(error).toBe(interrupt); // the caller's own error, unwrapped
    expect(snapshot(root)).toEqual(before);
  });

  it('validates its options and reports a missing archive as an I/O error', async () => {
    await expect(extractArchive(tarGz(), target, { maxEntries: 0 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(extractArchive(tarGz(), target, { maxBytes: -1 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(extractArchive(path.join(root, 'missing.tar.gz'), target)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_IO' });
    expect(fs.readdirSync(root).sort()).toEqual(['archives', 'outside']);
  });
});

describe('path rules', () => {
  it('normalises harmless names and refuses every escape', () => {
    expect(safeRelativePath('./UCF101_subset//train/./a.avi')).toBe('UCF101_subset/train/a.avi');
    expect(safeRelativePath('./')).toBe('');
    for (const name of ['../x', 'a/../b', '/x', 'C:x', 'a\\b', 'a\0b']) {
      expect(() => safeRelativePath(name)).toThrow(expect.objectContaining({ code: 'ERR_VIDEOMAE_ARCHIVE' }));
    }
  });

  it('resolves link targets through the other links the way the kernel would', () => {
    const links = new Map([
      ['d/b', '../x/y'],
      ['loop', 'loop'],
    ]);
    expect(resolveLink(links, 'd/l', '../x')).toBe('x');
    expect(resolveLink(links, 'a', 'd/b/..')).toBe('x');
    expect(resolveLink(links, 'a', 'd/b/../../..')).toBeNull();
    expect(resolveLink(links, 'a', '/etc')).toBeNull();
    expect(resolveLink(links, 'a', 'loop/x')).toBeNull();
  });
});

describe('the crafted-archive helpers', () => {
  it('build a gzip bomb that is a valid gzip of a tar holding `size` zeros', () => {
    const file = path.join(root, 'small-bomb.tar.gz');
    writeZeroBombTarGz(file, 'z.bin', 2 * MiB);
    const tarBytes = zlib.gunzipSync(fs.readFileSync(file)); // checks the CRC-32 and length trailer
    expect(tarBytes.length).toBe(512 + 2 * MiB + 1024);
    expect(tarBytes.subarray(0, 5).toString()).toBe('z.bin');
    expect(tarBytes.subarray(512).every((byte) => byte === 0)).toBe(true);
    expect(zlib.inflateRawSync(deflatedZeros(2 * MiB)).equals(Buffer.alloc(2 * MiB))).toBe(true);
    expect(zerosCrc(2 * MiB)).toBe(zlib.crc32(Buffer.alloc(2 * MiB)) >>> 0);
  });
});
