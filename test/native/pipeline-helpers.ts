/** Shared helpers of the pipeline/image tests: the reference Python (HF, PIL, PyAV), if any. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export { referencePython } from '../helpers/reference-python';

/** The shared tiny HF checkpoint (../shared relative to the repository root). */
export const TINY_MODEL = path.resolve(__dirname, '../../../shared/fixtures/videomae-tiny');

/** Writes a small test video with the ffmpeg CLI (moving test pattern, MPEG-4 part 2, yuv420p). */
export function makeVideo(file: string, o: { width: number; height: number; frames: number; fps?: number; pattern?: string }): string {
  const source = `${o.pattern ?? 'testsrc2'}=size=${o.width}x${o.height}:rate=${o.fps ?? 10}`;
  execFileSync('ffmpeg', ['-loglevel', 'error', '-y', '-f', 'lavfi', '-i', source, '-frames:v', String(o.frames), '-c:v', 'mpeg4', '-q:v', '2', '-pix_fmt', 'yuv420p', file]);
  return file;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}
