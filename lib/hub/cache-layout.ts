/**
 * Where a hub download's files go in the huggingface_hub cache (the layout hub-download.ts's header
 * describes: blobs/, snapshots/<commit>/, refs/<revision>), and the small writes that keep it the way
 * huggingface_hub expects. Pure file-system work, no network: kept apart from hub-download.ts so
 * that it is only about fetching. (cache.ts is the read side for model folders, with its own
 * cachedCommit.)
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

export const COMMIT_ID = /^[0-9a-f]{40}$/;

/** What these helpers need of a download's context (hub-download's Context has it). */
export interface CacheLayoutContext {
  /** <cache>/<models|datasets>--<owner>--<name>. */
  storage: string;
  /** Branch, tag or commit id, as asked for. */
  revision: string;
}

export function exists(p: string): boolean {
  return fs.existsSync(p); // follows symlinks: a dangling snapshot link counts as missing
}

/** snapshots/<commit>: the folder a revision's files are linked into. */
export function snapshotPath(ctx: CacheLayoutContext, commit: string): string {
  return path.join(ctx.storage, 'snapshots', commit);
}

/** blobs/<etag>: the bytes themselves. */
export function blobPath(ctx: CacheLayoutContext, etag: string): string {
  return path.join(ctx.storage, 'blobs', etag);
}

export function pointerPath(ctx: CacheLayoutContext, commit: string, file: string): string {
  return path.join(ctx.storage, 'snapshots', commit, ...file.split('/'));
}

/** The commit refs/<revision> names in the cache (or the revision itself when it is a commit id). */
export function cachedCommit(ctx: CacheLayoutContext): string | null {
  if (COMMIT_ID.test(ctx.revision)) return ctx.revision;
  try {
    const commit = fs.readFileSync(path.join(ctx.storage, 'refs', ...ctx.revision.split('/')), 'utf8').trim();
    return COMMIT_ID.test(commit) ? commit : null;
  } catch {
    return null;
  }
}

/** The answer from the cache alone: the files' snapshot paths (or the snapshot folder), or null. */
export function fromCache(ctx: CacheLayoutContext, files: string[] | undefined): string[] | string | null {
  const commit = cachedCommit(ctx);
  if (!commit) return null;
  if (!files) {
    const snapshot = snapshotPath(ctx, commit);
    return exists(snapshot) ? snapshot : null;
  }
  const paths = files.map((f) => pointerPath(ctx, commit, f));
  return paths.every(exists) ? paths : null;
}

/** Writes refs/<revision> (only when it changes), atomically, as huggingface_hub does for non-commit revisions. */
export function writeRef(ctx: CacheLayoutContext, commit: string): void {
  if (COMMIT_ID.test(ctx.revision)) return;
  const ref = path.join(ctx.storage, 'refs', ...ctx.revision.split('/'));
  if (exists(ref) && fs.readFileSync(ref, 'utf8').trim() === commit) return;
  fs.mkdirSync(path.dirname(ref), { recursive: true });
  const temp = `${ref}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  fs.writeFileSync(temp, commit);
  fs.renameSync(temp, ref);
}

/** snapshots/<commit>/<path> → a relative symlink to the blob (a copy where symlinks are not allowed). */
export function linkPointer(blob: string, pointer: string): void {
  fs.mkdirSync(path.dirname(pointer), { recursive: true });
  fs.rmSync(pointer, { force: true }); // a dangling link from an earlier, removed blob
  try {
    fs.symlinkSync(path.relative(path.dirname(pointer), blob), pointer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' && exists(pointer)) return; // another process linked it first
    if (code !== 'EPERM' && code !== 'EACCES') throw error;
    fs.copyFileSync(blob, pointer); // Windows without developer mode, as huggingface_hub
  }
}
