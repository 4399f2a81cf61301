/**
 * The reference Python (transformers 5.x, torch, PIL, PyAV) that scripts/python-env.sh creates:
 * $VIDEOMAE_PYTHON, or the environment's default place. Tests never create it (CI's .ci/run does);
 * without it, Python-backed comparisons skip with a visible message.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

let cached: string | null | undefined;

export function referencePython(): string | null {
  if (cached !== undefined) return cached;
  const envDir =
    process.env.VIDEOMAE_PYTHON_ENV ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'videomae', 'python-env');
  const candidates = [process.env.VIDEOMAE_PYTHON, path.join(envDir, 'bin', 'python')].filter(
    (p): p is string => Boolean(p) && fs.existsSync(p as string),
  );
  cached = null;
  for (const python of candidates) {
    try {
      execFileSync(python, ['-c', 'import transformers, torch, PIL, av, numpy, safetensors'], { stdio: 'ignore', timeout: 120_000 });
      cached = python;
      break;
    } catch {
      // not usable: try the next one
    }
  }
  return cached;
}
