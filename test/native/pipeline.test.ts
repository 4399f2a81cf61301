/**
 * The video-classification pipeline on the real decoder and model (the tiny golden checkpoint):
 * each sampling rule and view layout is checked against the same computation done by hand with
 * VideoReader + VideoImageProcessor + the model, so every stage of the plumbing is pinned.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideoReader } from '../../lib/decoder';
import { VideoMAEForVideoClassification } from '../../lib/model';
import { pipeline, VideoImageProcessor, type VideoClassifier } from '../../lib/pipeline';
import type { RawFrame } from '../../lib/pipeline/frames-input';
import { segmentPlan, uniformIndices } from '../../lib/pipeline/sampling';
import { TINY_MODEL, makeVideo, tempDir } from './pipeline-helpers';

let dir: string;
let video: string;
let shortVideo: string;
let classifier: VideoClassifier;
let model: VideoMAEForVideoClassification;
const processor = VideoImageProcessor.fromPretrained(TINY_MODEL);

beforeAll(async () => {
  dir = tempDir('videomae-pipeline-');
  video = makeVideo(path.join(dir, 'pattern.mp4'), { width: 48, height: 36, frames: 30 });
  shortVideo = makeVideo(path.join(dir, 'short.mp4'), { width: 32, height: 48, frames: 3 });
  classifier = await pipeline('video-classification', { model: TINY_MODEL });
  model = await VideoMAEForVideoClassification.fromPretrained(TINY_MODEL);
  model.eval();
}, 60_000);

afterAll(() => {
  classifier?.dispose();
  model?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

function softmax(row: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(row));
  const e = Array.from(row, (v) => Math.exp(v - max));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}

/** Scores by hand: decode these clips, process with `crops` views each, forward, mean of softmaxes. */
async function scoresByHand(clips: number[][], crops = 1): Promise<number[]> {
  const reader = await VideoReader.open(video);
  const views: Float32Array[] = [];
  let viewShape: number[] = [];
  for (const clip of clips) {
    const frames = await reader.getFramesAt(clip);
    const pixels = await processor.preprocess(
      { data: frames.data as Uint8Array, shape: frames.shape as [number, number, number, number] },
      { crops },
    );
    views.push(pixels.data);
    viewShape = pixels.shape.slice(1);
  }
  reader.close();
  const data = new Float32Array(views.reduce((n, v) => n + v.length, 0));
  views.reduce((offset, v) => (data.set(v, offset), offset + v.length), 0);
  const { logits } = await model.forward({ pixelValues: { data, shape: [views.length * crops, ...viewShape] } });
  const labels = logits.shape[1];
  const mean = new Array<number>(labels).fill(0);
  for (let v = 0; v < logits.shape[0]; v++)
    softmax(logits.data.subarray(v * labels, (v + 1) * labels)).forEach((p, i) => (mean[i] += p / logits.shape[0]));
  return mean;
}

function byLabel(predictions: Array<{ label: string; score: number }>): number[] {
  return classifier.labels.map((label) => predictions.find((p) => p.label === label)!.score);
}

function expectClose(a: number[], b: number[], tolerance = 1e-5): void {
  expect(a.length).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThan(tolerance));
}

describe('pipeline("video-classification")', () => {
  it('returns the top-5 labels sorted by score, with softmax scores summing to 1 over all labels', async () => {
    const predictions = await classifier(video);
    expect(predictions).toHaveLength(5);
    expect(new Set(predictions.map((p) => p.label))).toEqual(
      new Set(['ApplyEyeMakeup', 'Archery', 'BabyCrawling', 'BalanceBeam', 'BandMarching']),
    );
    for (let i = 1; i < predictions.length; i++) expect(predictions[i - 1].score).toBeGreaterThanOrEqual(predictions[i].score);
    expect(predictions.reduce((s, p) => s + p.score, 0)).toBeCloseTo(1, 5);
  });

  it('default uniform sampling = frames arange(n)·total // n of the whole video, centre crop', async () => {
    expect(uniformIndices(30, 4)).toEqual([0, 7, 15, 22]);
    expectClose(byLabel(await classifier(video)), await scoresByHand([[0, 7, 15, 22]]));
  });

  it('sampling "hf" with frameSamplingRate 2 looks at linspace(0, 7, 4) = frames 0, 2, 4, 7', async () => {
    expectClose(byLabel(await classifier(video, { sampling: 'hf', frameSamplingRate: 2 })), await scoresByHand([[0, 2, 4, 7]]));
  });

  it('clips × crops averages the softmax of 2 temporal segments × 3 spatial crops (VideoMAE testing)', async () => {
    const plan = segmentPlan(30, 4, 4, 2); // every 4th frame: 8 frames; segments start at 0 and 4
    expect(plan.clips).toEqual([
      [0, 4, 8, 12],
      [16, 20, 24, 28],
    ]);
    const multi = byLabel(await classifier(video, { clips: 2, crops: 3, topK: 5 }));
    expectClose(multi, await scoresByHand(plan.clips, 3));
  });

  it('classifies a Buffer holding the file and an array of RGBA frames exactly like the path', async () => {
    const fromPath = byLabel(await classifier(video));
    expectClose(byLabel(await classifier(fs.readFileSync(video))), fromPath, 1e-7);
    const reader = await VideoReader.open(video);
    const all = await reader.getFramesAt(Array.from({ length: 30 }, (_, i) => i));
    reader.close();
    const [, h, w] = all.shape;
    const frames: RawFrame[] = Array.from({ length: 30 }, (_, t) => {
      const rgba = new Uint8ClampedArray(h * w * 4).fill(255);
      for (let p = 0; p < h * w; p++) for (let c = 0; c < 3; c++) rgba[p * 4 + c] = all.data[(t * h * w + p) * 3 + c];
      return { data: rgba, width: w, height: h };
    });
    expectClose(byLabel(await classifier(frames)), fromPath, 1e-7);
  });

  it('classifies many inputs in one call (batched) with the same results as one by one', async () => {
    const results = await classifier([video, shortVideo, video], { topK: 2, onWarning: () => undefined });
    expect(results).toHaveLength(3);
    // Same labels; scores equal up to float32 GEMM rounding of a batch of 3 vs 1.
    const same = (a: (typeof results)[0], b: (typeof results)[0]) => {
      expect(a.map((p) => p.label)).toEqual(b.map((p) => p.label));
      expectClose(
        a.map((p) => p.score),
        b.map((p) => p.score),
        1e-6,
      );
    };
    same(results[0], await classifier(video, { topK: 2 }));
    same(results[2], results[0]);
    same(results[1], await classifier(shortVideo, { topK: 2, onWarning: () => undefined }));
  });

  it('concurrent calls on one classifier queue for the model instead of failing as busy', async () => {
    const [a, b, c] = await Promise.all([classifier(video), classifier(video, { crops: 3 }), classifier(fs.readFileSync(video))]);
    expect(a.map((p) => p.label)).toEqual(c.map((p) => p.label));
    expect(b).toHaveLength(5);
  });

  it('classifies a video shorter than the window by repeating frames, and says so', async () => {
    const warnings: string[] = [];
    const predictions = await classifier(shortVideo, { sampling: 'hf', onWarning: (m) => warnings.push(m) });
    expect(predictions).toHaveLength(5);
    expect(warnings).toEqual([`${shortVideo}: 3 frames is shorter than the 4-frame window; frames were repeated to classify it`]);
  });

  it('topK is capped at the number of labels; functionToApply "none" returns raw logits', async () => {
    expect(await classifier(video, { topK: 50 })).toHaveLength(5);
    const raw = await classifier(video, { functionToApply: 'none', topK: 1 });
    const { logits } = await model.forward({ pixelValues: await processor.preprocess(await decode(video, [0, 7, 15, 22])) });
    expect(raw[0].score).toBeCloseTo(Math.max(...Array.from(logits.data)), 5);
  });

  it('rejects bad options and inputs with ERR_VIDEOMAE_INVALID_ARG, a missing file with a decode/io error', async () => {
    await expect(classifier(video, { topK: 0 })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
      message: 'Expected a positive integer for topK but received 0',
    });
    await expect(classifier(video, { numFrames: 8 })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(classifier(video, { sampling: 'random' as 'hf' })).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(classifier(42 as unknown as string)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
    await expect(classifier(path.join(dir, 'missing.mp4'))).rejects.toMatchObject({
      code: expect.stringMatching(/ERR_VIDEOMAE_(IO|DECODE)/),
    });
  });

  it('a disposed classifier rejects with ERR_VIDEOMAE_CLOSED; dispose is idempotent', async () => {
    const other = await pipeline('video-classification', { model: TINY_MODEL });
    other.dispose();
    other.dispose();
    await expect(other(video)).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_CLOSED' });
  });
});

async function decode(file: string, indices: number[]) {
  const reader = await VideoReader.open(file);
  const frames = await reader.getFramesAt(indices);
  reader.close();
  return { data: frames.data as Uint8Array, shape: frames.shape as [number, number, number, number] };
}
