/** Bad input never crashes the process: each case rejects with a clear code, or reports corruption. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideoReader, decodeClip } from '../../lib';
import { frameCode, makeVideo, tempDir } from '../helpers/ffmpeg-videos';
import { execFileSync } from 'node:child_process';

let dir: string;
let avi: string;
let mp4: string;
let one: string;

beforeAll(() => {
  dir = tempDir('videomae-decoder-bad-');
  avi = makeVideo(path.join(dir, 'good.avi'), { codec: ['-c:v', 'mpeg4', '-q:v', '2', '-g', '10'] });
  mp4 = makeVideo(path.join(dir, 'good.mp4'), { codec: ['-c:v', 'libx264', '-crf', '12', '-bf', '3', '-g', '12', '-pix_fmt', 'yuv420p'] });
  one = makeVideo(path.join(dir, 'one.mp4'), { codec: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p'], output: ['-frames:v', '1'] });
}, 60_000);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Buffer | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

test('missing file, directory → ERR_VIDEOMAE_IO; empty or text file → ERR_VIDEOMAE_DECODE', async () => {
  await expect(VideoReader.open(path.join(dir, 'nope.mp4'))).rejects.toMatchObject({
    code: 'ERR_VIDEOMAE_IO',
    message: expect.stringContaining('nope.mp4'),
  });
  await expect(VideoReader.open(dir)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_IO' });
  await expect(VideoReader.open(write('empty.mp4', ''))).rejects.toMatchObject({
    code: 'ERR_VIDEOMAE_DECODE',
    message: expect.stringContaining('empty'),
  });
  await expect(VideoReader.open(write('text.mp4', 'hello, this is not a video\n'.repeat(50)))).rejects.toMatchObject({
    code: 'ERR_VIDEOMAE_DECODE',
  });
  await expect(VideoReader.open(Buffer.alloc(0))).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_DECODE' });
  await expect(VideoReader.open(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
});

test('an audio-only file and an unknown codec → ERR_VIDEOMAE_UNSUPPORTED', async () => {
  const wav = path.join(dir, 'audio.wav');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'sine=d=0.5', wav]);
  await expect(VideoReader.open(wav)).rejects.toMatchObject({
    code: 'ERR_VIDEOMAE_UNSUPPORTED',
    message: expect.stringContaining('no video stream'),
  });
  // The same AVI with its codec tag replaced by one no decoder knows.
  const unknown = write('unknown.avi', Buffer.from(fs.readFileSync(avi).toString('latin1').split('FMP4').join('ZQZQ'), 'latin1'));
  await expect(VideoReader.open(unknown)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_UNSUPPORTED' });
});

test('absurd dimensions are refused at open', async () => {
  const y4m = write('huge.y4m', Buffer.concat([Buffer.from('YUV4MPEG2 W100000 H100000 F25:1 C420jpeg\nFRAME\n'), Buffer.alloc(4096)]));
  await expect(VideoReader.open(y4m)).rejects.toMatchObject({ code: expect.stringMatching(/^ERR_VIDEOMAE_(DECODE|UNSUPPORTED)$/) });
});

test('a truncated mp4 (no moov) is refused; a truncated avi indexes only the frames it holds', async () => {
  const bytes = fs.readFileSync(mp4);
  await expect(VideoReader.open(bytes.subarray(0, Math.floor(bytes.length * 0.6)))).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_DECODE' });
  const cut = fs.readFileSync(avi);
  const reader = await VideoReader.open(write('cut.avi', cut.subarray(0, Math.floor(cut.length * 0.6))));
  const n = reader.metadata.numFrames;
  expect(n).toBeGreaterThan(10);
  expect(n).toBeLessThan(50);
  const all = Array.from({ length: n }, (_, i) => i);
  const frames = await reader.getFramesAt(all);
  all.forEach((i) => expect(frameCode((frames.data as Uint8Array).subarray(i * 48 * 64 * 3), 48, 64)).toBe(i));
  reader.close();
});

test('a corrupt stretch mid-stream is an error, or with onCorrupt "skip" a count of black frames', async () => {
  const bytes = Buffer.from(fs.readFileSync(avi));
  let seed = 7;
  for (let i = Math.floor(bytes.length / 2); i < Math.floor(bytes.length / 2) + 400; i += 1) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    bytes[i] = seed & 0xff;
  }
  const reader = await VideoReader.open(bytes);
  const all = Array.from({ length: reader.metadata.numFrames }, (_, i) => i);
  await expect(reader.getFramesAt(all)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_DECODE', message: expect.stringMatching(/frame \d+/) });
  const skipped = await reader.getFramesAt(all, { onCorrupt: 'skip' });
  expect(skipped.corruptFrames).toBeGreaterThan(0);
  let black = 0;
  const size = 48 * 64 * 3;
  all.forEach((i) => {
    const frame = (skipped.data as Uint8Array).subarray(i * size, (i + 1) * size);
    if (frame.every((v) => v === 0)) black += 1;
  });
  expect(black).toBe(skipped.corruptFrames);
  // Frames before the damage decode exactly.
  const early = await reader.getFramesAt([0, 5]);
  expect(frameCode(early.data as Uint8Array, 48, 64)).toBe(0);
  reader.close();
});

test('indices out of range, NaN times and bad options → ERR_VIDEOMAE_INVALID_ARG', async () => {
  const reader = await VideoReader.open(mp4);
  await expect(reader.getFramesAt([50])).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  await expect(reader.getFramesAt([-1])).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  await expect(reader.getFramesAt([1.5])).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  await expect(reader.getFramesPlayedAt([Number.NaN])).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  await expect(reader.sampleClip({ start: Number.NaN, end: 1, numFrames: 4 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  await expect(reader.getFramesAt([0], { size: { height: 0, width: 10 } })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  await expect(reader.getFramesAt([0], { interpolation: 'lanczos' as 'area' })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  await expect(decodeClip(mp4, { numFrames: 0 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  await expect(VideoReader.open(mp4, { stream: 3 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  reader.close();
});

test('RSS stays flat over 1,000 failed opens and 10,000 decodes', async () => {
  const text = write('junk.avi', 'not a video at all\n'.repeat(20));
  const reader = await VideoReader.open(one);
  const cycle = async (opens: number, decodes: number) => {
    for (let i = 0; i < opens; i += 1) {
      await VideoReader.open(i % 2 === 0 ? text : path.join(dir, `missing-${i}.mp4`)).catch(() => undefined);
    }
    for (let i = 0; i < decodes; i += 1) await reader.getFramesAt([0], { size: { height: 16, width: 16 } });
  };
  await cycle(100, 1000); // warm up allocators and caches
  global.gc?.();
  const before = process.memoryUsage().rss;
  await cycle(900, 9000);
  global.gc?.();
  const growth = (process.memoryUsage().rss - before) / (1 << 20);
  expect(growth).toBeLessThan(40);
  reader.close();
}, 60_000);
