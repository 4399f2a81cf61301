/**
 * Downloading a checkpoint into the hub cache through @huggingface/hub (loaded only when a
 * download is needed). Fetches what a VideoMAE classifier needs: config.json, the weights
 * (model.safetensors, else pytorch_model.bin) and preprocessor_config.json when the repo has one.
 * Not exercised against the real hub here (no network on the build machines): the tests drive it
 * through a fake `fetch` that serves the hub's API.
 * Files land in the standard cache layout, so Python's huggingface_hub shares them.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError } from '../errors';
import { repoFolderName } from './cache';

export interface DownloadOptions {
  revision?: string;
  cacheDir?: string;
  /** Defaults to $HF_TOKEN. */
  accessToken?: string;
  /** A fetch to use instead of the global one (proxies, tests). */
  fetch?: typeof fetch;
}

type HubModule = typeof import('@huggingface/hub');

/** The files to fetch from a repo listing: config, one set of weights, the processor config if any. */
export function filesToFetch(repoFiles: string[]): string[] | null {
  const has = new Set(repoFiles);
  const weights = ['model.safetensors', 'pytorch_model.bin'].find((f) => has.has(f));
  if (!has.has('config.json') || !weights) return null;
  return ['config.json', weights, ...(has.has('preprocessor_config.json') ? ['preprocessor_config.json'] : [])];
}

/**
 * Downloads repoId@revision's model files into the cache; returns the snapshot folder. Like
 * huggingface_hub's snapshot_download (pin the revision's commit, write refs/<revision>, fetch
 * each file at that commit), restricted to the files a classifier needs.
 */
export async function downloadToCache(repoId: string, options: DownloadOptions & { cacheDir: string }): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hub = require('@huggingface/hub') as HubModule;
  const accessToken = options.accessToken ?? process.env.HF_TOKEN;
  const revision = options.revision ?? 'main';
  const credentials = { ...(accessToken ? { accessToken } : {}), ...(options.fetch ? { fetch: options.fetch } : {}) };
  const info = await hub.modelInfo({ name: repoId, additionalFields: ['sha'], revision, ...credentials });
  const commit = (info as { sha?: string }).sha;
  if (!commit) throw new VideomaeError(`${repoId}@${revision}: the hub did not say which commit this is`, 'ERR_VIDEOMAE_IO');
  const repoDir = path.join(options.cacheDir, repoFolderName(repoId));
  if (revision !== commit) {
    fs.mkdirSync(path.join(repoDir, 'refs'), { recursive: true });
    fs.writeFileSync(path.join(repoDir, 'refs', revision), commit);
  }
  const listed: string[] = [];
  for await (const entry of hub.listFiles({ repo: { type: 'model', name: repoId }, revision: commit, ...credentials }))
    listed.push(entry.path);
  const files = filesToFetch(listed);
  if (!files)
    throw new VideomaeError(
      `${repoId}: the repository lacks config.json or weights (model.safetensors / pytorch_model.bin)`,
      'ERR_VIDEOMAE_CHECKPOINT',
    );
  for (const file of files) {
    await hub.downloadFileToCacheDir({
      repo: { type: 'model', name: repoId },
      path: file,
      revision: commit,
      cacheDir: options.cacheDir,
      ...credentials,
    });
  }
  return path.join(repoDir, 'snapshots', commit);
}
