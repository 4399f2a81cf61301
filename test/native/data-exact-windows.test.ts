/**
 * Clip windows in pytorchvideo's exact arithmetic: its uniform sampler gives clip k the window
 * [k·D, (k+1)·D) as Fractions of the double D, and its random sampler [start, start + D). Where
 * k·D·fps is a whole number in exact arithmetic (D = 16/30 s at 25 fps: every third boundary), the
 * doubles k·D and k·D + D can round to the other side of a frame's timestamp; the loader must take
 * the frames pytorchvideo takes (13 frames for clip 2 here, not 14).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VideoFolderDataset } from '../../lib/data/folder-dataset';
import { DataLoader } from '../../lib/data/loader';
import { synthesizeDataset } from '../../lib/data/synth';

let root: string;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'videomae-exact-'));
  // 2.5 s at 25 fps (time base 1/25 in AVI): 63 frames, four clips of 16/30 s; the first video is used.
  await synthesizeDataset({
    output: root,
    classes: 2,
    train: 1,
    val: 0,
    test: 0,
    width: 32,
    height: 32,
    seconds: 2.5,
    seed: 2,
    codec: 'mpeg4',
  });
}, 60000);
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

/** x = num / den exactly (the binary value of a double). */
function exactRational(x: number): [bigint, bigint] {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exponent = Number((bits >> 52n) & 0x7ffn);
  const mantissa = (bits & ((1n << 52n) - 1n)) | (exponent === 0 ? 0n : 1n << 52n);
  const shift = exponent - 1075;
  return shift >= 0 ? [mantissa << BigInt(shift), 1n] : [mantissa, 1n << BigInt(-shift)];
}

/** ceil(k·d·fps) in exact arithmetic: the first frame index at or after time k·d. */
function ceilFrames(k: number, d: number, fps: number): number {
  const [num, den] = exactRational(d);
  const scaled = BigInt(k) * num * BigInt(fps);
  return Number((scaled + den - 1n) / den);
}

test('uniform clips take exactly the frames of [k·D, (k+1)·D) in Fractions', async () => {
  const dataset = await VideoFolderDataset.load(root, { split: 'train' });
  expect(dataset.info.get(dataset.videos[0]!.id)).toMatchObject({ fps: 25, numFrames: 63 });
  const loader = new DataLoader(dataset, {
    batchSize: 1,
    clipSampler: 'uniform',
    numFrames: 4,
    sampleRate: 4,
    clipDurationFrom: 'fixed',
    fixedFps: 30,
    transforms: [],
  });
  const plan = loader.planSamples(0).filter((s) => s.videoId === dataset.videos[0]!.id);
  expect(plan).toHaveLength(4);
  const d = 16 / 30;
  const counts: number[] = [];
  for (const [k, sample] of plan.entries()) {
    expect(sample.exact).toEqual({ index: k, stride: d, duration: d });
    const clip = (await loader.loadSample(sample, 0))!;
    counts.push(clip.shape[1]!); // (C, T, H, W)
    clip.dispose();
  }
  const expected = [0, 1, 2, 3].map((k) => ceilFrames(k + 1, d, 25) - ceilFrames(k, d, 25));
  expect(counts).toEqual(expected);
  // The case that rounding gets wrong: 3·D·25 is 40 minus a few ulps, so clip 2 is frames 27..39.
  expect(expected[2]).toBe(13);
  expect(ceilFrames(1, 2 * d + d, 25)).toBe(41); // the double end bound 2·D + D (rounded) would take frame 40 too
  loader.close();
});
