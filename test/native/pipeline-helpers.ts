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
