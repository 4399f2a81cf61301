/** Shared helpers of the pipeline/image tests: the reference Python (HF, PIL, PyAV), if any. */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let cached: string | null | undefined;

/** A python with transformers 5.x, pillow and av: $VIDEOMAE_PYTHON, or scripts/python-env.sh's default place. */
export function referencePython(): string | null {
  if (cached !== undefined) return cached;
  const candidates = [
    process.env.VIDEOMAE_PYTHON,
    path.join(process.env.VIDEOMAE_PYTHON_ENV ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'videomae', 'python-env'), 'bin', 'python'),
  ].filter((p): p is string => Boolean(p) && fs.existsSync(p as string));
  cached = null;
  for (const python of candidates) {
    try {
      execFileSync(python, ['-c', 'import transformers, PIL, av, numpy'], { stdio: 'ignore', timeout: 60_000 });
      cached = python;
      break;
    } catch {
      // not usable: try the next one
    }
  }
  return cached;
}

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
