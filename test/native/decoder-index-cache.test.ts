/**
 * Reopening a file reuses its frame index (packet scan and, for B-frame AVI, the display-order
 * pass) from a process-wide cache: the reopened reader must see exactly what a first open sees,
 * and a file rewritten at the same path must never be served its old index.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideoReader } from '../../lib';
import { frameCode, makeVideo, meanAbsDiff, referenceFrames, tempDir } from '../helpers/ffmpeg-videos';

let dir: string;
const bFrames = ['-c:v', 'mpeg4', '-q:v', '2', '-g', '10', '-bf', '2'];

beforeAll(() => {
  dir = tempDir('videomae-index-cache-');
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function everything(file: string) {
  const reader = await VideoReader.open(file);
  try {
    const n = reader.metadata.numFrames;
    const frames = await reader.getFramesAt(Array.from({ length: n }, (_, i) => n - 1 - i));
    return { metadata: reader.metadata, times: Array.from(reader.frameTimestamps()), data: frames.data as Uint8Array };
  } finally {
    reader.close();
  }
}

test('a reopened B-frame AVI gives the metadata, times and frames of the first open', async () => {
  const file = makeVideo(path.join(dir, 'reopen.avi'), { codec: bFrames });
  const first = await everything(file);
  const again = await everything(file);
  // Through another spelling of the same path (relative): the same file, the same entry.
  const relative = path.relative(process.cwd(), file);
  const third = await everything(relative);
  for (const other of [again, third]) {
    expect(other.metadata).toEqual(first.metadata);
    expect(other.times).toEqual(first.times);
    expect(Buffer.compare(Buffer.from(other.data), Buffer.from(first.data))).toBe(0);
  }
  const reference = referenceFrames(file, 48, 64);
  expect(first.metadata.numFrames).toBe(reference.frames.length);
  const size = 48 * 64 * 3;
  const n = first.metadata.numFrames;
  for (let k = 0; k < n; k += 7) {
    const ours = first.data.subarray((n - 1 - k) * size, (n - k) * size);
    expect(frameCode(ours, 48, 64)).toBe(k);
    expect(meanAbsDiff(ours, reference.frames[k] as Uint8Array).mean).toBeLessThan(0.5);
  }
});

test('a file rewritten at the same path is indexed again, never served the old index', async () => {
  const file = path.join(dir, 'rewritten.avi');
  makeVideo(file, { codec: bFrames, duration: 2 });
  const before = await everything(file);
  expect(before.metadata.numFrames).toBe(50);
  makeVideo(file, { codec: bFrames, duration: 1.2 });
  const after = await everything(file);
  expect(after.metadata.numFrames).toBe(30);
  expect(after.times).toHaveLength(30);
  const size = 48 * 64 * 3;
  expect(frameCode(after.data.subarray(29 * size, 30 * size), 48, 64)).toBe(0);
});
