import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideoReader } from '../../lib/decoder';
import { makeVideo, meanAbsDiff, referenceFrames, tempDir } from '../helpers/ffmpeg-videos';

// Packed RGB24 rows whose byte width is not a multiple of swscale's vector size used to be
// overrun by swscale's SIMD stores (heap corruption, then a crash) — widths like 40 and 56.
describe('frames whose RGB rows are not vector-aligned', () => {
  const dir = tempDir('videomae-odd-widths-');
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([40, 42, 56, 62])('decode width %i exactly like the ffmpeg CLI, many times over', async (width) => {
    const file = makeVideo(path.join(dir, `w${width}.avi`), { width, height: 36, duration: 0.2, codec: ['-c:v', 'mpeg4', '-q:v', '2'] });
    const reference = referenceFrames(file, 36, width);
    const reader = await VideoReader.open(file);
    try {
      const frames = await reader.getFramesAt([0, 1, 2, 3, 4]);
      expect(frames.shape).toEqual([5, 36, width, 3]);
      const frameBytes = 36 * width * 3;
      for (let i = 0; i < 5; i++) {
        const diff = meanAbsDiff((frames.data as Uint8Array).subarray(i * frameBytes, (i + 1) * frameBytes), reference.frames[i]!);
        expect(diff.mean).toBeLessThanOrEqual(0.5);
        expect(diff.max).toBeLessThanOrEqual(8);
      }
      for (let i = 0; i < 100; i++) {
        const resized = await reader.getFramesAt([i % 5], { size: { height: 27, width: width - 3 } });
        expect(resized.shape).toEqual([1, 27, width - 3, 3]);
      }
    } finally {
      reader.close();
    }
  });
});
