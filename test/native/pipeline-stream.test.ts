/**
 * classifier.stream(): sliding windows over a live frame source. A paced source (it waits for each
 * prediction) gets every window classified, each equal to classifying that window's sampled frames;
 * a flooding source gets windows replaced, with the skipped windows and dropped frames accounted for.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideoReader } from '../../lib/decoder';
import { pipeline, type StreamFrame, type StreamPrediction, type VideoClassifier } from '../../lib/pipeline';
import { uniformIndices } from '../../lib/pipeline/sampling';
import { TINY_MODEL, makeVideo, tempDir } from './pipeline-helpers';

let dir: string;
let classifier: VideoClassifier;
let frames: StreamFrame[];

beforeAll(async () => {
  dir = tempDir('videomae-stream-');
  const video = makeVideo(path.join(dir, 'live.mp4'), { width: 48, height: 36, frames: 30 });
  const reader = await VideoReader.open(video);
  const decoded = await reader.getFramesAt(Array.from({ length: 30 }, (_, i) => i));
  const timestamps = reader.frameTimestamps();
  reader.close();
  const [, height, width] = decoded.shape;
  const bytes = height * width * 3;
  frames = Array.from({ length: 30 }, (_, i) => ({
    data: (decoded.data as Uint8Array).slice(i * bytes, (i + 1) * bytes),
    width,
    height,
    timestamp: timestamps[i],
  }));
  classifier = await pipeline('video-classification', { model: TINY_MODEL });
}, 60_000);

afterAll(() => {
  classifier?.dispose();
  fs.rmSync(dir, { recursive: true, force: true });
});

async function collect(source: AsyncIterable<StreamFrame>, options: Parameters<VideoClassifier['stream']>[1], onPrediction = () => {}) {
  const out: StreamPrediction[] = [];
  for await (const p of classifier.stream(source, options)) {
    out.push(p);
    onPrediction();
  }
  return out;
}

describe('classifier.stream', () => {
  it('classifies every window of a paced source: window 8, stride 5 → windows at frames 0, 5, …, 20', async () => {
    let release: () => void = () => {};
    async function* paced() {
      for (let i = 0; i < frames.length; i++) {
        yield frames[i];
        const received = i + 1;
        if (received >= 8 && (received - 8) % 5 === 0) await new Promise<void>((resolve) => (release = resolve));
      }
    }
    const predictions = await collect(paced(), { window: 8, stride: 5, topK: 5 }, () => release());
    expect(predictions.map((p) => p.startFrame)).toEqual([0, 5, 10, 15, 20]);
    for (const p of predictions) {
      expect(p.skippedWindows).toBe(0);
      expect(p.droppedFrames).toBe(0);
      expect(p.start).toBe(frames[p.startFrame].timestamp);
      expect(p.end).toBe(frames[p.startFrame + 7].timestamp);
      expect(p.latencyMs).toBeGreaterThanOrEqual(0);
      // The same as classifying the window's uniformly sampled frames (arange(4)·8 // 4 = 0, 2, 4, 6).
      const expected = await classifier(uniformIndices(8, 4).map((i) => frames[p.startFrame + i]));
      expect(p.predictions.map((q) => q.label)).toEqual(expected.map((q) => q.label));
      p.predictions.forEach((q, k) => expect(q.score).toBeCloseTo(expected[k].score, 6));
    }
  }, 60_000);

  it('never queues behind a flooding source: older due windows are replaced, and counted', async () => {
    const total = 300;
    async function* flood() {
      for (let i = 0; i < total; i++) yield { ...frames[i % frames.length], timestamp: i / 10 };
    }
    const predictions = await collect(flood(), { window: 4, stride: 1 });
    const due = total - 4 + 1;
    expect(predictions.length).toBeLessThan(due);
    expect(predictions.reduce((n, p) => n + p.skippedWindows, 0) + predictions.length).toBe(due);
    expect(predictions[predictions.length - 1].startFrame).toBe(total - 4); // the newest window is never lost
    let coveredUntil = -1;
    for (const p of predictions) {
      expect(p.startFrame).toBeGreaterThan(coveredUntil - 4 + 1); // strictly newer than the previous window
      expect(p.droppedFrames).toBe(Math.max(0, p.startFrame - coveredUntil - 1));
      coveredUntil = p.startFrame + 3;
    }
    expect(predictions.some((p) => p.droppedFrames > 0)).toBe(true);
  }, 60_000);

  it('stops reading the source when the consumer stops', async () => {
    let finished = false;
    let yielded = 0;
    async function* endless() {
      try {
        for (let i = 0; ; i++) {
          yielded++;
          yield { ...frames[i % frames.length], timestamp: i };
          await new Promise((resolve) => setImmediate(resolve));
        }
      } finally {
        finished = true;
      }
    }
    for await (const p of classifier.stream(endless(), { window: 4, stride: 4 })) {
      expect(p.predictions).toHaveLength(5);
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(finished).toBe(true);
    const after = yielded;
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(yielded).toBe(after);
  });

  it('rejects a frame without a timestamp and a non-iterable source with ERR_VIDEOMAE_INVALID_ARG', async () => {
    async function* bad() {
      yield frames[0];
      yield { data: frames[1].data, width: frames[1].width, height: frames[1].height } as StreamFrame;
    }
    await expect(collect(bad(), { window: 4 })).rejects.toMatchObject({
      code: 'ERR_VIDEOMAE_INVALID_ARG',
      message: expect.stringContaining('frames[1]'),
    });
    await expect(collect([] as unknown as AsyncIterable<StreamFrame>, {})).rejects.toMatchObject({ code: 'ERR_VIDEOMAE_INVALID_ARG' });
  });
});
