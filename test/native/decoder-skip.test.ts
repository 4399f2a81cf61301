/**
 * The decoder skips unwanted disposable (non-reference) H.264 pictures. Frames it returns must
 * stay exactly the ffmpeg CLI's full decode, including frames that an earlier request on the
 * same reader let the decoder skip (the reader must seek back for them, not report them lost).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideoReader, decodeClip } from '../../lib';
import { frameCode, makeVideo, meanAbsDiff, referenceFrames, tempDir } from '../helpers/ffmpeg-videos';

const dir = tempDir('videomae-skip-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

// B-frames without a pyramid: every B picture is disposable; with one, some are references.
const flat = makeVideo(path.join(dir, 'flat.mp4'), {
  duration: 2,
  codec: ['-c:v', 'libx264', '-crf', '12', '-bf', '3', '-g', '25', '-x264-params', 'b-pyramid=0', '-pix_fmt', 'yuv420p'],
});
const pyramid = makeVideo(path.join(dir, 'pyramid.mkv'), {
  duration: 2,
  codec: ['-c:v', 'libx264', '-crf', '12', '-bf', '3', '-g', '25', '-pix_fmt', 'yuv420p'],
});

function expectExact(frames: { data: Uint8Array | Float32Array; shape: number[] }, indices: number[], reference: Uint8Array[]): void {
  const size = 48 * 64 * 3;
  indices.forEach((index, t) => {
    const ours = (frames.data as Uint8Array).subarray(t * size, (t + 1) * size);
    expect(frameCode(ours, 48, 64)).toBe(index);
    expect(meanAbsDiff(ours, reference[index] as Uint8Array)).toEqual({ mean: 0, max: 0 });
  });
}

describe.each([
  ['without a B-pyramid (mp4)', flat],
  ['with a B-pyramid (mkv)', pyramid],
])('H.264 %s', (_name, file) => {
  const reference = referenceFrames(file, 48, 64).frames;

  test('sparse requests, then the frames between them, equal the full decode', async () => {
    const reader = await VideoReader.open(file);
    try {
      // Sparse forward requests (the frames between targets are candidates for skipping), each
      // followed by one for the frames just after it, which the previous one may have skipped.
      const requests = [[0, 4, 8], [9, 10, 11], [13, 17, 21], [22, 23], [30, 37], [31, 32, 33, 34, 35, 36], [5, 6, 7], [49]];
      for (const indices of requests) expectExact(await reader.getFramesAt(indices), indices, reference);
    } finally {
      reader.close();
    }
  });

  test('a uniformly sampled clip equals the full decode', async () => {
    const clip = await decodeClip(file, { numFrames: 8, clip: { start: 0.3, end: 1.9 } });
    expectExact(clip, clip.indices, reference);
  });
});
