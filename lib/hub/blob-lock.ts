/**
 * A cross-process lock on one blob of the hub cache, so that two processes downloading the same
 * file (two CLI runs, a CLI run and a training job) never write the same blobs/<etag>.incomplete at
 * once: the second waits, then finds the blob there. Kept apart from hub-download.ts because it is
 * about sharing the cache folder safely, not about fetching.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isProcessAlive } from '../process-alive';

/** What the lock needs of a download's context (hub-download's Context has it). */
export interface BlobLockContext {
  /** The hub cache folder. */
  cacheDir: string;
  /** <cache>/<models|datasets>--<owner>--<name>. */
  storage: string;
  /** Aborting it stops the wait for the lock. */
  options: { signal?: AbortSignal };
}

/** Also the pause between download attempts in hub-download.ts. */
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs fn holding <cache>/.locks/<repo folder>/<etag>.videomae.lock (created exclusively, holding our
 * pid; a lock whose process is gone is taken over). Not huggingface_hub's flock file: Node has no
 * flock, and this must never delete a lock Python holds.
 */
export async function withBlobLock<T>(ctx: BlobLockContext, etag: string, fn: () => Promise<T>): Promise<T> {
  const lock = path.join(ctx.cacheDir, '.locks', path.basename(ctx.storage), `${etag}.videomae.lock`);
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  for (;;) {
    try {
      fs.writeFileSync(lock, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    if (lockIsStale(lock)) fs.rmSync(lock, { force: true });
    else await sleep(100);
    ctx.options.signal?.throwIfAborted();
  }
  try {
    return await fn();
  } finally {
    fs.rmSync(lock, { force: true });
  }
}

function lockIsStale(lock: string): boolean {
  let pid: number;
  try {
    const text = fs.readFileSync(lock, 'utf8');
    pid = Number(text);
    // Empty: its writer may be between open and write; give it a moment before calling it stale.
    if (!text) return Date.now() - fs.statSync(lock).mtimeMs > 5000;
  } catch {
    return false; // just released: try again
  }
  if (!Number.isInteger(pid) || pid <= 0) return true;
  return !isProcessAlive(pid);
}
