/**
 * The Hugging Face hub cache, read the way huggingface_hub lays it out:
 *   <cache>/models--<org>--<name>/refs/<revision>      a file holding the commit hash
 *   <cache>/models--<org>--<name>/snapshots/<commit>/  the files of that commit
 * <cache> is $HF_HUB_CACHE, else $HUGGINGFACE_HUB_CACHE (legacy), else $HF_HOME/hub, with HF_HOME
 * defaulting to $XDG_CACHE_HOME/huggingface or ~/.cache/huggingface. Pure TypeScript.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const COMMIT_HASH = /^[0-9a-f]{40}$/;
/** What a hub repository id looks like ("org/name" or a legacy bare "name"). */
const REPO_ID = /^[A-Za-z0-9][\w.-]*(\/[\w.-]+)?$/;

export function isRepoId(value: string): boolean {
  return REPO_ID.test(value) && !value.includes('..') && !value.endsWith('.');
}

/** Python's os.path.expanduser for the current user: `~` and `~/…` only. */
export function expandUser(p: string): string {
  return p === '~' || p.startsWith('~/') ? path.join(os.homedir(), p.slice(1)) : p;
}

/** $HF_HOME, else $XDG_CACHE_HOME/huggingface, else ~/.cache/huggingface. */
export function hfHome(env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(expandUser(env.HF_HOME || path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'huggingface')));
}

/** The hub cache folder for these environment variables (process.env by default). */
export function hubCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  const explicit = env.HF_HUB_CACHE || env.HUGGINGFACE_HUB_CACHE;
  if (explicit) return path.resolve(expandUser(explicit));
  return path.join(hfHome(env), 'hub');
}

/** "org/name" → "models--org--name". */
export function repoFolderName(repoId: string): string {
  return ['models', ...repoId.split('/')].join('--');
}

/** The commit a revision (branch, tag or commit hash) points to in the cache, or null. */
export function cachedCommit(repoDir: string, revision: string): string | null {
  if (COMMIT_HASH.test(revision)) return revision;
  const ref = path.join(repoDir, 'refs', revision);
  if (!fs.existsSync(ref)) return null;
  const commit = fs.readFileSync(ref, 'utf8').trim();
  return COMMIT_HASH.test(commit) ? commit : null;
}

/** The snapshot folder of repoId@revision in the cache if it is there (with a config.json), else null. */
export function findCachedSnapshot(repoId: string, options: { revision?: string; cacheDir?: string } = {}): string | null {
  const repoDir = path.join(options.cacheDir ?? hubCacheDir(), repoFolderName(repoId));
  const commit = cachedCommit(repoDir, options.revision ?? 'main');
  if (!commit) return null;
  const snapshot = path.join(repoDir, 'snapshots', commit);
  return fs.existsSync(path.join(snapshot, 'config.json')) ? snapshot : null;
}
