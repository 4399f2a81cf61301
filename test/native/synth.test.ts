import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { renderSynthFrame, synthesizeDataset, synthMotions } from '../../lib/data/synth';

function ffprobe(file: string): { codec: string; frames: number; fps: string; width: number; height: number } {
  const out = execFileSync(
    'ffprobe',
    [
      '-v',
      'error',
      '-select_streams',
      'v:0',
      '-count_frames',
      '-show_entries',
      'stream=codec_name,nb_read_frames,r_frame_rate,width,height',
      '-of',
      'json',
      file,
    ],
    { encoding: 'utf8' },
  );
  const s = JSON.parse(out).streams[0];
  return { codec: s.codec_name, frames: Number(s.nb_read_frames), fps: s.r_frame_rate, width: s.width, height: s.height };
}

function differingBytes(a: Uint8Array, b: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) n++;
  return n;
}

describe('synthetic action dataset', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-synth-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('lists twelve motion classes in a fixed order', () => {
    const motions = synthMotions();
    expect(motions).toHaveLength(12);
    expect(motions.slice(0, 4)).toEqual(['MoveRight', 'MoveLeft', 'MoveUp', 'MoveDown']);
  });

  test('a seed always renders the same pixels, another seed other pixels', () => {
    const a = renderSynthFrame({ motion: 'Orbit', seed: 7 }, 3);
    expect(a.length).toBe(112 * 112 * 3);
    expect(differingBytes(a, renderSynthFrame({ motion: 'Orbit', seed: 7 }, 3))).toBe(0);
    expect(differingBytes(a, renderSynthFrame({ motion: 'Orbit', seed: 8 }, 3))).toBeGreaterThan(1000);
  });

  test('classes differ only in motion: opposite directions share frame 0 and then diverge', () => {
    for (const [a, b] of [
      ['MoveRight', 'MoveLeft'],
      ['MoveUp', 'MoveDown'],
      ['RotateClockwise', 'RotateCounterClockwise'],
    ]) {
      const first = (m: string, i: number): Uint8Array => renderSynthFrame({ motion: m!, seed: 11 }, i);
      expect(differingBytes(first(a!, 0), first(b!, 0))).toBe(0);
      expect(differingBytes(first(a!, 6), first(b!, 6))).toBeGreaterThan(50);
    }
  });

  test('moving classes change over time, Still does not', () => {
    expect(differingBytes(renderSynthFrame({ motion: 'Still', seed: 3 }, 0), renderSynthFrame({ motion: 'Still', seed: 3 }, 20))).toBe(0);
    for (const motion of synthMotions().filter((m) => m !== 'Still')) {
      const frames = [0, 4, 8, 12].map((i) => renderSynthFrame({ motion, seed: 5 }, i));
      const changes = frames.slice(1).map((f, i) => differingBytes(frames[i]!, f));
      expect(Math.max(...changes)).toBeGreaterThan(100);
    }
  });

  // the object is bright (value >= 0.85) over a dark background (value <= ~0.46 with clutter)
  function objectPixels(frame: Uint8Array): { count: number; x: number; y: number } {
    let count = 0,
      sx = 0,
      sy = 0;
    for (let i = 0; i < frame.length / 3; i++) {
      if (Math.max(frame[i * 3]!, frame[i * 3 + 1]!, frame[i * 3 + 2]!) < 160) continue;
      count++;
      sx += i % 64;
      sy += Math.floor(i / 64);
    }
    return { count, x: sx / count, y: sy / count };
  }

  test('a move stays in view and goes one way over a 32-frame clip (no wrap-around)', () => {
    const directions: Record<string, [number, number]> = { MoveRight: [1, 0], MoveLeft: [-1, 0], MoveDown: [0, 1], MoveUp: [0, -1] };
    for (const [motion, [dx, dy]] of Object.entries(directions)) {
      for (const seed of [1, 2, 3]) {
        const path = Array.from({ length: 32 }, (_, i) => objectPixels(renderSynthFrame({ motion, width: 64, height: 64, seed }, i)));
        for (const p of path) expect(p.count).toBeGreaterThan(20);
        const along = path.map((p) => p.x * dx + p.y * dy);
        for (let i = 4; i < 32; i += 4) expect(along[i]!).toBeGreaterThan(along[i - 4]!);
        expect(along[31]! - along[0]!).toBeGreaterThan(0.2 * 64);
      }
    }
  });

  test('grow and shrink start from the same size and change its area by more than 1.8x over 32 frames', () => {
    for (const seed of [1, 2, 3]) {
      const area = (motion: string, i: number): number => objectPixels(renderSynthFrame({ motion, width: 64, height: 64, seed }, i)).count;
      expect(area('Grow', 0)).toBe(area('Shrink', 0));
      expect(area('Grow', 31) / area('Grow', 0)).toBeGreaterThan(1.8);
      expect(area('Shrink', 31) / area('Shrink', 0)).toBeLessThan(1 / 1.8);
    }
  });

  test('picks the classes by name, in the order given', async () => {
    const out = path.join(dir, 'named');
    const result = await synthesizeDataset({
      output: out,
      motions: ['Grow', 'MoveLeft'],
      train: 1,
      val: 0,
      test: 0,
      seconds: 0.2,
      width: 32,
      height: 32,
    });
    expect(result.classes).toEqual(['Grow', 'MoveLeft']);
    expect(fs.readdirSync(path.join(out, 'train')).sort()).toEqual(['Grow', 'MoveLeft']);
    await expect(synthesizeDataset({ output: out, motions: ['Grow', 'Jump'], force: true })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
    });
    await expect(synthesizeDataset({ output: out, motions: ['Grow', 'Grow'], force: true })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
    });
    await expect(synthesizeDataset({ output: out, motions: ['Grow'], force: true })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
    });
  });

  test('writes a UCF101-layout folder of mpeg4 .avi and h264 .mp4 videos', async () => {
    const out = path.join(dir, 'ds');
    const result = await synthesizeDataset({ output: out, classes: 3, train: 2, val: 1, test: 0, seconds: 1, width: 64, height: 48 });
    expect(result.classes).toEqual(['MoveRight', 'MoveLeft', 'MoveUp']);
    expect(result.videos).toEqual({ train: 6, val: 3, test: 0 });
    expect(fs.readdirSync(out).sort()).toEqual(['train', 'val']);
    expect(fs.readdirSync(path.join(out, 'train')).sort()).toEqual(['MoveLeft', 'MoveRight', 'MoveUp']);
    const files = fs.readdirSync(path.join(out, 'train', 'MoveLeft')).sort();
    expect(files).toEqual(['v_MoveLeft_g01_c01.avi', 'v_MoveLeft_g01_c02.mp4']);
    expect(ffprobe(path.join(out, 'train', 'MoveLeft', files[0]!))).toEqual({
      codec: 'mpeg4',
      frames: 25,
      fps: '25/1',
      width: 64,
      height: 48,
    });
    expect(ffprobe(path.join(out, 'train', 'MoveLeft', files[1]!))).toEqual({
      codec: 'h264',
      frames: 25,
      fps: '25/1',
      width: 64,
      height: 48,
    });
  });

  test('refuses to overwrite an existing split unless forced', async () => {
    const out = path.join(dir, 'again');
    const options = { output: out, classes: 2, train: 1, val: 0, test: 0, seconds: 0.2, width: 32, height: 32 };
    await synthesizeDataset(options);
    await expect(synthesizeDataset(options)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_IO' });
    await expect(synthesizeDataset({ ...options, force: true })).resolves.toMatchObject({ videos: { train: 2 } });
  });

  test('rejects bad options with argument errors', async () => {
    await expect(synthesizeDataset({ output: dir, classes: 13 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(synthesizeDataset({ output: dir, width: 33 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(synthesizeDataset({ output: '' })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  });
});
