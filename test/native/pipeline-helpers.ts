/** Shared helpers of the pipeline/image tests: the reference Python (HF, PIL, PyAV), if any. */
import { execFileSync } from 'node:child_process';

export { referencePython } from '../helpers/reference-python';

/** The tiny golden HF checkpoint (test/fixtures/videomae-tiny). */
export { tinyFixture as TINY_MODEL } from './model-helpers';
export { tempDir } from '../helpers/ffmpeg-videos';

/** Writes a small test video with the ffmpeg CLI (moving test pattern, MPEG-4 part 2, yuv420p). */
export function makeVideo(file: string, o: { width: number; height: number; frames: number; fps?: number; pattern?: string }): string {
  const source = `${o.pattern ?? 'testsrc2'}=size=${o.width}x${o.height}:rate=${o.fps ?? 10}`;
  execFileSync('ffmpeg', [
    '-loglevel',
    'error',
    '-y',
    '-f',
    'lavfi',
    '-i',
    source,
    '-frames:v',
    String(o.frames),
    '-c:v',
    'mpeg4',
    '-q:v',
    '2',
    '-pix_fmt',
    'yuv420p',
    file,
  ]);
  return file;
}
