/**
 * hubDownload: files of a hub repository (model or dataset) into the huggingface_hub cache, laid
 * out as huggingface_hub writes it, so Python and Node share downloads:
 *   <cache>/<models|datasets>--<owner>--<name>/blobs/<etag>                 the bytes (etag: sha256 for LFS, git blob id otherwise)
 *   <cache>/<models|datasets>--<owner>--<name>/snapshots/<commit>/<path>    relative symlink → ../../blobs/<etag>
 *   <cache>/<models|datasets>--<owner>--<name>/refs/<revision>              the commit the revision named
 *
 * Metadata comes through @huggingface/hub (modelInfo/datasetInfo for the commit, pathsInfo and
 * listFiles for etags and sizes). The bytes are fetched with plain `fetch` rather than its
 * downloadFileToCacheDir, which differs from huggingface_hub where it matters here: it names
 * snapshots after each file's last commit instead of the revision's commit, writes no refs, and
 * cannot resume. Here a transfer goes to blobs/<etag>.incomplete and continues with
 * `Range: bytes=N-` after a cut (within the call, and in a later call), is checked against the
 * size (and the sha256 for LFS files) before it becomes the blob, and is locked against a
 * concurrent download of the same blob by another process.
 *
 * The cache folder's paths and writes are in cache-layout.ts, that lock in blob-lock.ts, the
 * terminal progress bar in progress-bar.ts; this file is the fetching.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { VideomaeError, invalidArg } from '../errors';
import { sleep, withBlobLock } from './blob-lock';
import { hubCacheDir, isRepoId } from './cache';
import { COMMIT_ID, blobPath, cachedCommit, exists, fromCache, linkPointer, pointerPath, snapshotPath, writeRef } from './cache-layout';
import { ProgressBar } from './progress-bar';
import { describeFailure, envFlag, hubEndpoint, hubOffline, implicitToken, redactTokens } from './token';

export type HubRepoType = 'model' | 'dataset';

export interface HubDownloadProgress {
  /** The repository path being transferred. */
  file: string;
  /** Bytes of it on disk so far (a resumed transfer starts above 0). */
  bytes: number;
  total: number;
}

export interface HubDownloadOptions {
  /** "owner/name". */
  repo: string;
  /** One repository path: the answer is its local path. */
  file?: string;
  /** Several repository paths: the answer is their local paths. Neither: the whole snapshot. */
  files?: string[];
  /** Default 'model'. */
  repoType?: HubRepoType;
  /** Branch, tag or commit id; default 'main'. */
  revision?: string;
  /** Default: $HF_HUB_CACHE, else $HF_HOME/hub, else ~/.cache/huggingface/hub. */
  cacheDir?: string;
  /** Default: $HF_ENDPOINT, else the public Hub. */
  hubUrl?: string;
  /** Default: the token in effect ($HF_TOKEN, else the token file), unless HF_HUB_DISABLE_IMPLICIT_TOKEN. */
  accessToken?: string;
  /** A fetch to use instead of the global one (proxies, tests). */
  fetch?: typeof fetch;
  /** Called as bytes arrive. */
  onProgress?: (progress: HubDownloadProgress) => void;
  /** A progress bar on stderr; default: when stderr is a TTY and HF_HUB_DISABLE_PROGRESS_BARS is unset. */
  progress?: boolean;
  /** How many times an interrupted transfer is resumed before giving up (default 5, as huggingface_hub). */
  retries?: number;
  signal?: AbortSignal;
}

type HubModule = typeof import('@huggingface/hub');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const loadHub = (): HubModule => require('@huggingface/hub') as HubModule; // only when the network is used

const ETAG = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;
const PATHS_INFO_BATCH = 100;

/** Everything one call needs, checked once. */
interface Context {
  repo: string;
  type: HubRepoType;
  revision: string;
  storage: string;
  cacheDir: string;
  hubUrl: string;
  token: string | undefined;
  fetch: typeof fetch;
  label: string;
  options: HubDownloadOptions;
}

/** A file to put in the snapshot: where it comes from and what its blob is called. */
interface Entry {
  path: string;
  etag: string;
  size: number;
}

/** A repository path or revision that cannot climb out of the cache folder. */
function safeRelative(value: string): boolean {
  return (
    typeof value === 'string' &&
    value.length > 0 &&
    !value.startsWith('/') &&
    !/[\\\0]/.test(value) &&
    !/^[A-Za-z]:/.test(value) &&
    value.split('/').every((part) => part !== '' && part !== '.' && part !== '..')
  );
}

function context(options: HubDownloadOptions): Context {
  if (typeof options?.repo !== 'string' || !isRepoId(options.repo))
    throw invalidArg('repo', 'a hub repository id like "owner/name"', options?.repo);
  const type = options.repoType ?? 'model';
  if (type !== 'model' && type !== 'dataset') throw invalidArg('repoType', '"model" or "dataset"', type);
  const revision = options.revision ?? 'main';
  if (!safeRelative(revision)) throw invalidArg('revision', 'a branch, tag or commit id', revision);
  const cacheDir = path.resolve(options.cacheDir ?? hubCacheDir());
  const folder = [`${type}s`, ...options.repo.split('/')].join('--'); // huggingface_hub's repo_folder_name
  return {
    repo: options.repo,
    type,
    revision,
    storage: path.join(cacheDir, folder),
    cacheDir,
    hubUrl: (options.hubUrl ?? hubEndpoint()).replace(/\/+$/, ''),
    token: options.accessToken ?? implicitToken(),
    fetch: options.fetch ?? fetch,
    label: `${type} ${options.repo}@${revision}`,
    options,
  };
}

function credentials(ctx: Context) {
  return {
    hubUrl: ctx.hubUrl,
    ...(ctx.token ? { accessToken: ctx.token } : {}),
    ...(ctx.options.fetch ? { fetch: ctx.options.fetch } : {}),
  };
}

/** An HTTP answer that is not the bytes asked for. */
class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpStatusError) return error.status;
  const status = (error as { statusCode?: unknown })?.statusCode; // @huggingface/hub's HubApiError
  return typeof status === 'number' ? status : undefined;
}

/** A VideomaeError (ERR_VIDEOMAE_IO) saying what failed and why, without the token. */
function hubFailure(ctx: Context, subject: string, error: unknown): VideomaeError {
  if (error instanceof VideomaeError) return error;
  const status = statusOf(error);
  let why: string;
  if (status === 401 || status === 403)
    why = `the hub refused access (${status}: the repository is private or gated, or the token is wrong; log in with \`videomae login\` or set HF_TOKEN)`;
  else if (status === 404) why = 'not found on the hub';
  else if (status) why = `the hub answered ${status}`;
  else why = `could not reach ${ctx.hubUrl}`;
  return new VideomaeError(`${subject}: ${why} (${describeFailure(error, ctx.token)})`, 'ERR_VIDEOMAE_IO', { cause: error });
}

/** huggingface_hub falls back to the cache when the hub cannot be asked, not when it says no. */
function hubUnreachable(error: unknown): boolean {
  const status = statusOf(error);
  return status === undefined || status >= 500;
}

function checkToken(ctx: Context): void {
  // @huggingface/hub rejects other tokens with a TypeError that would read like a network failure.
  if (ctx.token && !ctx.token.startsWith('hf_'))
    throw new VideomaeError('the access token is not a Hugging Face token (they start with "hf_")', 'ERR_VIDEOMAE_INVALID_ARG');
}

// ---- the transfer -------------------------------------------------------------------------------

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

function fileUrl(ctx: Context, commit: string, file: string): string {
  const prefix = ctx.type === 'dataset' ? 'datasets/' : '';
  return `${ctx.hubUrl}/${prefix}${ctx.repo}/resolve/${commit}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/**
 * One GET into `incomplete`, from where it stops: `Range: bytes=N-` when N bytes are there (a 200
 * answer means the server ignored it, so the file starts over). The token goes only in the
 * Authorization header; fetch drops it when the hub redirects to another origin (the CDN).
 */
async function fetchInto(ctx: Context, url: string, incomplete: string, entry: Entry, report: (bytes: number) => void): Promise<void> {
  let have = sizeOf(incomplete);
  if (have > entry.size) {
    fs.rmSync(incomplete, { force: true });
    have = 0;
  }
  if (have === entry.size) {
    if (!exists(incomplete)) fs.writeFileSync(incomplete, ''); // an empty file: nothing to fetch
    return;
  }
  const headers: Record<string, string> = {};
  if (ctx.token) headers.Authorization = `Bearer ${ctx.token}`;
  if (have > 0) headers.Range = `bytes=${have}-`;
  const response = await ctx.fetch(url, { headers, redirect: 'follow', ...(ctx.options.signal ? { signal: ctx.options.signal } : {}) });
  if (response.status === 416) {
    // The partial file does not fit what the hub serves: start over on the next attempt.
    fs.rmSync(incomplete, { force: true });
    throw new Error('the hub refused to resume (416), starting over');
  }
  if (!response.ok) {
    const text = redactTokens((await response.text().catch(() => '')).slice(0, 200), ctx.token);
    throw new HttpStatusError(response.status, `HTTP ${response.status}${text ? `: ${text}` : ''}`);
  }
  let append = false;
  if (response.status === 206) {
    const start = /^bytes (\d+)-/.exec(response.headers.get('content-range') ?? '');
    if (!start || Number(start[1]) !== have) {
      await response.body?.cancel();
      fs.rmSync(incomplete, { force: true });
      throw new Error(`the hub resumed at the wrong offset (${response.headers.get('content-range')}), starting over`);
    }
    append = true;
  }
  if (!response.body) throw new Error('the hub sent no body');
  let bytes = append ? have : 0;
  report(bytes);
  // Each chunk is on disk before the next is read, so a cut keeps everything received for the resume.
  const out = await fs.promises.open(incomplete, append ? 'a' : 'w');
  try {
    for await (const chunk of Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>)) {
      await out.write(chunk as Uint8Array);
      bytes += (chunk as Uint8Array).length;
      report(bytes);
    }
  } finally {
    await out.close();
  }
}

/** Whether another attempt may help: cut connections and server errors, not 4xx, aborts or disk errors. */
function retryable(error: unknown, signal: AbortSignal | undefined): boolean {
  if (signal?.aborted) return false;
  const status = statusOf(error);
  if (status !== undefined) return status >= 500 || status === 429;
  return !(error as NodeJS.ErrnoException).syscall; // fs errors (ENOSPC, EACCES) carry a syscall
}

async function sha256Of(file: string): Promise<string> {
  const hash = crypto.createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

/** Downloads entry into blobs/<etag>, resuming a partial blobs/<etag>.incomplete. */
async function downloadBlob(ctx: Context, commit: string, entry: Entry, blob: string): Promise<void> {
  const incomplete = `${blob}.incomplete`;
  const retries = ctx.options.retries ?? 5;
  const showBar = ctx.options.progress ?? (Boolean(process.stderr.isTTY) && !envFlag(process.env.HF_HUB_DISABLE_PROGRESS_BARS));
  const bar = showBar ? new ProgressBar(entry.path, entry.size, sizeOf(incomplete)) : null;
  let last = 0;
  const report = (bytes: number) => {
    last = bytes;
    bar?.update(bytes);
    ctx.options.onProgress?.({ file: entry.path, bytes, total: entry.size });
  };
  const url = fileUrl(ctx, commit, entry.path);
  fs.mkdirSync(path.dirname(blob), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    try {
      await fetchInto(ctx, url, incomplete, entry, report);
      break;
    } catch (error) {
      if (attempt >= retries || !retryable(error, ctx.options.signal)) {
        if (bar) process.stderr.write('\n');
        const subject = `${ctx.label}: downloading ${entry.path}`;
        if (ctx.options.signal?.aborted)
          throw new VideomaeError(`${subject} was cancelled; the next download resumes from where it stopped`, 'ERR_VIDEOMAE_CANCELLED', {
            cause: error,
          });
        if (statusOf(error) !== undefined) throw hubFailure(ctx, subject, error);
        const kept = sizeOf(incomplete);
        const resume =
          kept > 0 ? `; ${kept} of ${entry.size} bytes are kept in ${incomplete} and the next download resumes from there` : '';
        const tries = attempt === 0 ? '1 attempt' : `${attempt + 1} attempts`;
        throw new VideomaeError(`${subject} failed after ${tries} (${describeFailure(error, ctx.token)})${resume}`, 'ERR_VIDEOMAE_IO', {
          cause: error,
        });
      }
      await sleep(Math.min(8000, 200 * 2 ** attempt));
    }
  }
  bar?.update(last, true);
  const size = sizeOf(incomplete);
  const corrupt =
    size !== entry.size
      ? `${size} bytes instead of ${entry.size}`
      : entry.etag.length === 64 && (await sha256Of(incomplete)) !== entry.etag
        ? `its sha256 is not ${entry.etag}`
        : null;
  if (corrupt) {
    fs.rmSync(incomplete, { force: true });
    throw new VideomaeError(
      `${ctx.label}: the download of ${entry.path} is corrupt (${corrupt}); it was removed, try again`,
      'ERR_VIDEOMAE_IO',
    );
  }
  fs.renameSync(incomplete, blob);
}

// ---- metadata -----------------------------------------------------------------------------------

/** The commit ctx.revision names on the hub; writes refs/<revision>. */
async function resolveCommit(ctx: Context): Promise<string> {
  if (COMMIT_ID.test(ctx.revision)) return ctx.revision;
  const hub = loadHub();
  const query = { name: ctx.repo, revision: ctx.revision, additionalFields: ['sha' as const], ...credentials(ctx) };
  const info = ctx.type === 'model' ? await hub.modelInfo(query) : await hub.datasetInfo(query);
  const commit = (info as { sha?: unknown }).sha;
  if (typeof commit !== 'string' || !COMMIT_ID.test(commit))
    throw new VideomaeError(`${ctx.label}: the hub did not say which commit this is`, 'ERR_VIDEOMAE_IO');
  writeRef(ctx, commit);
  return commit;
}

function toEntry(
  ctx: Context,
  info: { path: string; type: string; oid?: string; size: number; lfs?: { oid: string; size: number } },
): Entry {
  const etag = info.lfs?.oid ?? info.oid ?? '';
  const size = info.lfs?.size ?? info.size;
  // A hub answer names files on disk: it must not be able to climb out of the cache.
  if (!safeRelative(info.path) || !ETAG.test(etag) || !Number.isSafeInteger(size) || size < 0)
    throw new VideomaeError(
      `${ctx.label}: the hub described ${JSON.stringify(info.path)} in a way that cannot be stored`,
      'ERR_VIDEOMAE_IO',
    );
  return { path: info.path, etag, size };
}

/** Etags and sizes of `files` at commit (paths-info, in batches); a missing or non-file path is an error. */
async function describeFiles(ctx: Context, commit: string, files: string[]): Promise<Entry[]> {
  const hub = loadHub();
  const found = new Map<string, Entry>();
  for (let i = 0; i < files.length; i += PATHS_INFO_BATCH) {
    const batch = files.slice(i, i + PATHS_INFO_BATCH);
    const infos = await hub.pathsInfo({ repo: { type: ctx.type, name: ctx.repo }, paths: batch, revision: commit, ...credentials(ctx) });
    for (const info of infos) if (info.type === 'file') found.set(info.path, toEntry(ctx, info));
  }
  const missing = files.filter((f) => !found.has(f));
  if (missing.length > 0)
    throw new VideomaeError(`${ctx.label}: no file ${missing.join(', ')} in the repository (commit ${commit})`, 'ERR_VIDEOMAE_IO');
  return files.map((f) => found.get(f)!);
}

async function listAllFiles(ctx: Context, commit: string): Promise<Entry[]> {
  const entries: Entry[] = [];
  for await (const info of loadHub().listFiles({
    repo: { type: ctx.type, name: ctx.repo },
    revision: commit,
    recursive: true,
    ...credentials(ctx),
  }))
    if (info.type === 'file') entries.push(toEntry(ctx, info));
  return entries;
}

// ---- the entry points ---------------------------------------------------------------------------

/** Puts `entries` into snapshots/<commit>, fetching only the blobs the cache lacks. */
async function fill(ctx: Context, commit: string, entries: Entry[]): Promise<void> {
  for (const entry of entries) {
    const pointer = pointerPath(ctx, commit, entry.path);
    if (exists(pointer)) continue;
    const blob = blobPath(ctx, entry.etag);
    if (!exists(blob)) {
      await withBlobLock(ctx, entry.etag, async () => {
        if (!exists(blob)) await downloadBlob(ctx, commit, entry, blob); // it may have arrived while we waited
      });
    }
    linkPointer(blob, pointer);
  }
}

function checkFiles(options: HubDownloadOptions): string[] | undefined {
  if (options.file !== undefined && options.files !== undefined) throw invalidArg('file', 'either file or files, not both', options.file);
  const files = options.file !== undefined ? [options.file] : options.files;
  if (files === undefined) return undefined;
  if (!Array.isArray(files) || files.length === 0) throw invalidArg('files', 'a non-empty array of repository paths', files);
  for (const f of files) if (!safeRelative(f)) throw invalidArg('file', 'a relative path inside the repository', f);
  return files;
}

/**
 * The commit `revision` names for this repository (asking the hub; from refs/ when offline or the
 * hub cannot be reached), recorded in refs/<revision>. For callers that list the repository before
 * choosing files.
 */
export async function resolveHubCommit(options: Omit<HubDownloadOptions, 'file' | 'files'>): Promise<string> {
  const ctx = context(options);
  if (!hubOffline()) {
    checkToken(ctx);
    try {
      return await resolveCommit(ctx);
    } catch (error) {
      if (!hubUnreachable(error) || !cachedCommit(ctx)) throw hubFailure(ctx, ctx.label, error);
    }
  }
  const cached = cachedCommit(ctx);
  if (!cached)
    throw new VideomaeError(`${ctx.label}: HF_HUB_OFFLINE is set and this revision is not in the cache ${ctx.storage}`, 'ERR_VIDEOMAE_IO');
  return cached;
}

/**
 * Downloads `file` (→ its path), `files` (→ their paths) or, with neither, every file of the
 * revision (→ the snapshot folder) into the hub cache, and answers with paths under
 * snapshots/<commit>/. What is already cached is not fetched again. With HF_HUB_OFFLINE=1 the answer
 * comes from the cache alone, or is an ERR_VIDEOMAE_IO error; when the hub cannot be reached (not
 * when it refuses), a cached answer is used too, as huggingface_hub does.
 */
export function hubDownload(options: HubDownloadOptions & { file: string; files?: undefined }): Promise<string>;
export function hubDownload(options: HubDownloadOptions & { files: string[]; file?: undefined }): Promise<string[]>;
export function hubDownload(options: HubDownloadOptions & { file?: undefined; files?: undefined }): Promise<string>;
export async function hubDownload(options: HubDownloadOptions): Promise<string | string[]> {
  const ctx = context(options);
  const files = checkFiles(options);
  const answer = (result: string | string[]) => (options.file !== undefined && Array.isArray(result) ? result[0] : result);
  if (hubOffline()) {
    const cached = fromCache(ctx, files);
    if (cached) return answer(cached);
    const what = files ? files.join(', ') : 'the snapshot';
    throw new VideomaeError(`${ctx.label}: HF_HUB_OFFLINE is set and ${what} is not in the cache ${ctx.storage}`, 'ERR_VIDEOMAE_IO');
  }
  checkToken(ctx);
  let commit: string;
  try {
    commit = await resolveCommit(ctx);
  } catch (error) {
    const cached = hubUnreachable(error) ? fromCache(ctx, files) : null;
    if (cached) return answer(cached);
    throw hubFailure(ctx, ctx.label, error);
  }
  const snapshot = snapshotPath(ctx, commit);
  try {
    const missing = files?.filter((f) => !exists(pointerPath(ctx, commit, f)));
    const entries = !files ? await listAllFiles(ctx, commit) : missing!.length > 0 ? await describeFiles(ctx, commit, missing!) : [];
    await fill(ctx, commit, entries);
  } catch (error) {
    throw hubFailure(ctx, ctx.label, error);
  }
  if (!files) {
    fs.mkdirSync(snapshot, { recursive: true }); // an empty repository still has a snapshot
    return snapshot;
  }
  return answer(files.map((f) => pointerPath(ctx, commit, f)));
}
