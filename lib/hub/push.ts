/**
 * Pushing a folder to a Hugging Face model repository through @huggingface/hub, the way
 * huggingface_hub's create_repo(exist_ok=True) + upload_folder do: create the repo when missing
 * (409 "already exists" is success), create the branch when one is named, then one commit with
 * every file (regular files inline, large ones through LFS or xet as the library negotiates).
 * Files are handed to the library as file: URLs, so nothing is read into memory up front.
 * No token ever reaches a message: errors pass through redactTokens.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { VideomaeError, invalidArg } from '../errors';
import { isRepoId } from './cache';
import { describeFailure, getToken, hubEndpoint, hubOffline, tokenPath, whoami } from './token';

type HubModule = typeof import('@huggingface/hub');

/**
 * What a pushed folder never includes: HF Trainer's ignore_patterns (`_*`, `checkpoint-*`), hidden
 * files (.git, .cache, staging folders) and the temporaries of the package's atomic writes.
 */
export const DEFAULT_IGNORE = ['_*', 'checkpoint-*', '.*', '*.tmp-*', '*.old-*'];

export interface PushToHubOptions {
  /** The local folder whose files are uploaded. */
  folder: string;
  /** "user/name", or "name" for the token's own namespace. */
  repo: string;
  /** Defaults to HF_TOKEN, then the token file (`videomae login`). */
  token?: string;
  /** Visibility of a repo created here; an existing repo keeps its own. */
  private?: boolean;
  /** Branch to commit to (created from main when missing); default main. */
  revision?: string;
  commitMessage?: string;
  commitDescription?: string;
  /** Defaults to $HF_ENDPOINT, else the public Hub. */
  hubUrl?: string;
  /** Folder inside the repo the files go to (e.g. "last-checkpoint"); default the root. */
  pathInRepo?: string;
  /** fnmatch patterns on paths relative to `folder` (`*` crosses "/"); default DEFAULT_IGNORE. */
  ignore?: string[];
  /** Upload exactly these paths (relative to `folder`) instead of listing it. */
  files?: string[];
  /** Skip the create-repo call (the caller already made sure it exists). */
  skipCreateRepo?: boolean;
  fetch?: typeof fetch;
}

export interface PushResult {
  /** The full "user/name". */
  repo: string;
  revision: string;
  commit: { oid: string; url: string };
  /** Paths as committed in the repo. */
  files: string[];
  repoUrl: string;
}

function loadHub(): HubModule {
  // Loaded on first use: @huggingface/hub is large and most commands never talk to the hub.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('@huggingface/hub') as HubModule;
}

/** Python's fnmatch.fnmatchcase: `*` and `?` match any character, "/" included; `[...]` a class. */
export function fnmatch(name: string, pattern: string): boolean {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') re += '.*';
    else if (c === '?') re += '.';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) re += '\\[';
      else {
        const body = pattern.slice(i + 1, end).replace(/\\/g, '\\\\');
        re += `[${body.startsWith('!') ? `^${body.slice(1)}` : body}]`;
        i = end;
      }
    } else re += c.replace(/[.+^${}()|\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`, 's').test(name);
}

/** Every regular file under `folder` (relative, "/"-separated, sorted) that no ignore pattern matches. */
export function listFolderFiles(folder: string, ignore: string[] = DEFAULT_IGNORE): string[] {
  const out: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      // huggingface_hub matches patterns on file paths; a folder pattern ("checkpoint-*") matches its files.
      if (ignore.some((p) => fnmatch(rel, p) || fnmatch(`${rel}/`, p))) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full, rel);
      else if (entry.isFile()) out.push(rel);
    }
  };
  walk(folder, '');
  return out.sort();
}

/** The token to push with, or a clear error saying how to get one. */
export function pushToken(explicit?: string | null): string {
  const token = explicit ?? getToken();
  if (!token)
    throw new VideomaeError(
      `pushing to the Hugging Face Hub needs a token: set HF_TOKEN, run \`videomae login\` (it writes ${tokenPath()}) or pass hubToken`,
      'ERR_VIDEOMAE_INVALID_ARG',
    );
  return token;
}

interface HubCall {
  token: string;
  hubUrl: string;
  fetch?: typeof fetch;
}

/** "name" → "<token's user>/name" (HF's create_repo does this on the server; @huggingface/hub wants the full id). */
export async function fullRepoId(repo: string, call: HubCall): Promise<string> {
  if (!isRepoId(repo)) throw invalidArg('repo', 'a hub repository id like "user/name" or "name"', repo);
  if (repo.includes('/')) return repo;
  const me = await whoami({ token: call.token, hubUrl: call.hubUrl, ...(call.fetch ? { fetch: call.fetch } : {}) });
  return `${me.name}/${repo}`;
}

function statusOf(hub: HubModule, error: unknown): number | undefined {
  return error instanceof hub.HubApiError ? error.statusCode : undefined;
}

/** A failed hub call as one token-free VideomaeError. */
function hubFailure(what: string, error: unknown, token: string): VideomaeError {
  if (error instanceof VideomaeError) return new VideomaeError(`${what}: ${describeFailure(error, token)}`, error.code, { cause: error });
  const status = statusOf(loadHub(), error);
  const detail = describeFailure(error, token);
  const code = status === 401 || status === 403 ? 'ERR_VIDEOMAE_INVALID_ARG' : 'ERR_VIDEOMAE_IO';
  return new VideomaeError(`${what}${status ? ` (HTTP ${status})` : ''}: ${detail}`, code);
}

/** create_repo(exist_ok=True), plus the branch when `revision` names one other than main. */
export async function ensureRepo(
  repoId: string,
  options: HubCall & { private?: boolean; revision?: string },
): Promise<{ repoUrl: string; created: boolean }> {
  if (hubOffline()) throw new VideomaeError(`HF_HUB_OFFLINE is set: not creating ${repoId} on ${options.hubUrl}`, 'ERR_VIDEOMAE_IO');
  const hub = loadHub();
  const common = { accessToken: options.token, hubUrl: options.hubUrl, ...(options.fetch ? { fetch: options.fetch } : {}) };
  let created = true;
  try {
    await hub.createRepo({
      repo: { type: 'model', name: repoId },
      ...common,
      ...(options.private !== undefined ? { private: options.private } : {}),
    });
  } catch (error) {
    if (statusOf(hub, error) !== 409) throw hubFailure(`cannot create the model repository ${repoId}`, error, options.token);
    created = false;
  }
  if (options.revision && options.revision !== 'main') {
    try {
      await hub.createBranch({ repo: { type: 'model', name: repoId }, branch: options.revision, ...common });
    } catch (error) {
      if (statusOf(hub, error) !== 409) throw hubFailure(`cannot create the branch ${options.revision} of ${repoId}`, error, options.token);
    }
  }
  return { repoUrl: `${options.hubUrl}/${repoId}`, created };
}

/** Uploads `folder` (or `files` of it) to `repo` in one commit; see the file comment. */
export async function pushToHub(options: PushToHubOptions): Promise<PushResult> {
  if (!options || typeof options.folder !== 'string' || !fs.existsSync(options.folder) || !fs.statSync(options.folder).isDirectory())
    throw invalidArg('folder', 'an existing folder', options?.folder);
  const token = pushToken(options.token);
  const hubUrl = (options.hubUrl ?? hubEndpoint()).replace(/\/+$/, '');
  if (hubOffline()) throw new VideomaeError(`HF_HUB_OFFLINE is set: not pushing ${options.folder} to ${hubUrl}`, 'ERR_VIDEOMAE_IO');
  const call: HubCall = { token, hubUrl, ...(options.fetch ? { fetch: options.fetch } : {}) };
  const repoId = await fullRepoId(options.repo, call);
  const revision = options.revision ?? 'main';
  const local = options.files ?? listFolderFiles(options.folder, options.ignore ?? DEFAULT_IGNORE);
  if (!local.length) throw new VideomaeError(`nothing to push: ${options.folder} holds no files to upload`, 'ERR_VIDEOMAE_IO');
  for (const file of local) {
    if (!fs.existsSync(path.join(options.folder, file)))
      throw new VideomaeError(`cannot push ${file}: no such file in ${options.folder}`, 'ERR_VIDEOMAE_IO');
  }
  const prefix = (options.pathInRepo ?? '').replace(/^\/+|\/+$/g, '');
  const remote = local.map((file) => (prefix ? `${prefix}/${file}` : file));
  const { repoUrl } = options.skipCreateRepo
    ? { repoUrl: `${hubUrl}/${repoId}` }
    : await ensureRepo(repoId, { ...call, ...(options.private !== undefined ? { private: options.private } : {}), revision });
  const hub = loadHub();
  try {
    const result = await hub.commit({
      repo: { type: 'model', name: repoId },
      accessToken: token,
      hubUrl,
      branch: revision,
      title: options.commitMessage ?? 'Upload model',
      ...(options.commitDescription ? { description: options.commitDescription } : {}),
      operations: local.map((file, i) => ({
        operation: 'addOrUpdate' as const,
        path: remote[i],
        content: pathToFileURL(path.resolve(options.folder, file)),
      })),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    if (!result) throw new Error('the hub did not confirm the commit');
    return { repo: repoId, revision, commit: { oid: result.commit.oid, url: result.commit.url }, files: remote, repoUrl };
  } catch (error) {
    throw hubFailure(`cannot push ${options.folder} to ${repoId}@${revision}`, error, token);
  }
}

/**
 * The license of the model a run started from, as HF's TrainingSummary infers it (the hub's
 * "license:…" tag), or null when the hub cannot say (offline, unknown repo, no such tag).
 */
export async function baseModelLicense(
  baseModel: string,
  options: { token?: string; hubUrl?: string; fetch?: typeof fetch } = {},
): Promise<string | null> {
  if (hubOffline() || !isRepoId(baseModel)) return null;
  try {
    const info = await loadHub().modelInfo({
      name: baseModel,
      additionalFields: ['tags'],
      hubUrl: (options.hubUrl ?? hubEndpoint()).replace(/\/+$/, ''),
      ...(options.token ? { accessToken: options.token } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    });
    const tags = (info as { tags?: unknown }).tags;
    const tag = Array.isArray(tags) ? tags.find((t): t is string => typeof t === 'string' && t.startsWith('license:')) : undefined;
    return tag ? tag.slice('license:'.length) : null;
  } catch {
    return null; // best effort, like HF: the card simply has no license line
  }
}
