/**
 * checkpoint-<step>/ folders in HF's layout (docs/hf-semantics.md § "Trainer: checkpoint folders") and their life cycle:
 * atomic creation (everything is written into checkpoint-<step>.tmp-<pid>, then renamed, so a
 * kill -9 mid-save leaves either the previous set of checkpoints or a complete new one), atomic
 * deletion (renamed to checkpoint-<step>.del-<pid> before anything inside is removed), discovery
 * of the newest complete checkpoint, and rotation under saveTotalLimit (the best and the newest
 * are always kept). Invariant: a folder named checkpoint-<step> is always complete.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError } from '../errors';
import { isProcessAlive } from '../process-alive';

export const CHECKPOINT_PREFIX = 'checkpoint';
export const FILES = {
  trainerState: 'trainer_state.json',
  trainingArgs: 'training_args.json',
  scheduler: 'scheduler.json',
  rngState: 'rng_state.json',
  optimizer: 'optimizer.safetensors',
  model: 'model.safetensors',
  config: 'config.json',
} as const;

const FINAL_NAME = /^checkpoint-(\d+)$/;
// tmp: being written; old: a same-step checkpoint being replaced; del: being deleted.
const TEMP_NAME = /^(checkpoint-\d+)\.(tmp|old|del)-(\d+)$/;

export function checkpointDir(outputDir: string, step: number): string {
  return path.join(outputDir, `${CHECKPOINT_PREFIX}-${step}`);
}

export function stepOf(dir: string): number | null {
  const match = FINAL_NAME.exec(path.basename(dir));
  return match ? Number(match[1]) : null;
}

/** Complete checkpoints in outputDir (temp folders and folders without trainer_state.json are ignored), oldest step first. */
export function listCheckpoints(outputDir: string): string[] {
  if (!fs.existsSync(outputDir)) return [];
  return fs
    .readdirSync(outputDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && FINAL_NAME.test(e.name) && fs.existsSync(path.join(outputDir, e.name, FILES.trainerState)))
    .map((e) => path.join(outputDir, e.name))
    .sort((a, b) => (stepOf(a) ?? 0) - (stepOf(b) ?? 0));
}

export function latestCheckpoint(outputDir: string): string | null {
  const all = listCheckpoints(outputDir);
  return all.length ? all[all.length - 1] : null;
}

/**
 * Removes temp folders left behind by a killed process (any whose pid is no longer running).
 * A `.old-<pid>` folder whose checkpoint-<step> is missing was killed between the two renames of
 * a same-step replacement: it was a complete checkpoint, so it is renamed back instead.
 */
export function removeStaleTemporaries(outputDir: string): string[] {
  if (!fs.existsSync(outputDir)) return [];
  const removed: string[] = [];
  for (const name of fs.readdirSync(outputDir)) {
    const match = TEMP_NAME.exec(name);
    if (!match) continue;
    const pid = Number(match[3]);
    if (pid !== process.pid && isProcessAlive(pid)) continue;
    const finalDir = path.join(outputDir, match[1]);
    if (match[2] === 'old' && !fs.existsSync(finalDir)) {
      fs.renameSync(path.join(outputDir, name), finalDir);
      continue;
    }
    fs.rmSync(path.join(outputDir, name), { recursive: true, force: true });
    removed.push(name);
  }
  return removed;
}

/**
 * Deletes a checkpoint folder so that a kill -9 midway cannot leave a partly deleted folder under
 * its final name: fs.rmSync unlinks file by file (model.safetensors before trainer_state.json), and
 * such a remnant is listed as complete and picked by --resume, which then fails. The folder is
 * renamed (atomic) to checkpoint-<step>.del-<pid> first; removeStaleTemporaries clears remnants.
 */
export function removeCheckpoint(dir: string): void {
  const doomed = `${dir}.del-${process.pid}`;
  fs.rmSync(doomed, { recursive: true, force: true });
  fs.renameSync(dir, doomed);
  fs.rmSync(doomed, { recursive: true, force: true });
}

/**
 * Creates checkpoint-<step> atomically: `write(tmpDir)` fills a temp folder, which is then
 * renamed into place (replacing an older folder of the same step).
 */
export async function writeCheckpointAtomically(outputDir: string, step: number, write: (dir: string) => Promise<void>): Promise<string> {
  const finalDir = checkpointDir(outputDir, step);
  const tmpDir = `${finalDir}.tmp-${process.pid}`;
  fs.rmSync(tmpDir, { recursive: true, force: true });
  fs.mkdirSync(tmpDir, { recursive: true });
  try {
    await write(tmpDir);
    syncDir(tmpDir);
  } catch (error) {
    fs.rmSync(tmpDir, { recursive: true, force: true });
    throw error;
  }
  if (fs.existsSync(finalDir)) {
    const oldDir = `${finalDir}.old-${process.pid}`;
    fs.renameSync(finalDir, oldDir);
    fs.renameSync(tmpDir, finalDir);
    fs.rmSync(oldDir, { recursive: true, force: true });
  } else {
    fs.renameSync(tmpDir, finalDir);
  }
  syncDir(outputDir);
  return finalDir;
}

/** fsync every file of a folder and the folder itself, so the rename publishes durable data. */
function syncDir(dir: string): void {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const fd = fs.openSync(path.join(dir, entry.name), 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  }
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } catch {
    // Some file systems refuse fsync on directories; the rename is still atomic.
  } finally {
    fs.closeSync(fd);
  }
}

/** Writes a file via a temp name + rename (for files written straight into outputDir). */
export function writeFileAtomically(file: string, content: string): void {
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Checks that a folder holds everything a resume needs; throws ERR_VIDEOMAE_CHECKPOINT naming what is missing. */
export function assertResumable(dir: string): void {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    throw new VideomaeError(`cannot resume from ${dir}: no such checkpoint folder`, 'ERR_VIDEOMAE_CHECKPOINT');
  }
  const required = [FILES.trainerState, FILES.model, FILES.config, FILES.optimizer, FILES.scheduler, FILES.rngState];
  const missing = required.filter((f) => !fs.existsSync(path.join(dir, f)));
  if (missing.length) throw new VideomaeError(`cannot resume from ${dir}: missing ${missing.join(', ')}`, 'ERR_VIDEOMAE_CHECKPOINT');
}

export function readJson(file: string): Record<string, unknown> {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (error) {
    throw new VideomaeError(`cannot read ${file}: ${(error as Error).message}`, 'ERR_VIDEOMAE_CHECKPOINT', { cause: error });
  }
}

/**
 * Deletes the oldest checkpoints beyond `limit`, never the best one nor the newest one (so with
 * limit 1 and a best that is not the newest, two remain — as transformers does).
 */
export function rotateCheckpoints(outputDir: string, limit: number | null, bestCheckpoint: string | null): string[] {
  if (limit === null) return [];
  const all = listCheckpoints(outputDir);
  if (all.length <= limit) return [];
  const newest = all[all.length - 1];
  const protectedDirs = new Set([newest, bestCheckpoint ? path.resolve(bestCheckpoint) : ''].map((d) => path.resolve(d)));
  const keep = Math.max(limit, [...protectedDirs].filter((d) => all.some((c) => path.resolve(c) === d)).length);
  let excess = all.length - keep;
  const deleted: string[] = [];
  for (const dir of all) {
    if (excess <= 0) break;
    if (protectedDirs.has(path.resolve(dir))) continue;
    removeCheckpoint(dir);
    deleted.push(dir);
    excess -= 1;
  }
  return deleted;
}
