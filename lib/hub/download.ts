/**
 * Downloading a checkpoint into the hub cache through @huggingface/hub (loaded only when a
 * download is needed). Fetches what a VideoMAE classifier needs: config.json, the weights
 * (model.safetensors, else pytorch_model.bin) and preprocessor_config.json when the repo has one.
 * Not exercised against the real hub here (no network on the build machines): the tests drive it
 * through a fake `fetch` that serves the hub's API.
 * Files land in the standard cache layout, so Python's huggingface_hub shares them.
 */
import * as path from 'node:path';
import { VideomaeError } from '../errors';
import { hubDownload, resolveHubCommit } from './hub-download';
import { describeFailure, hubEndpoint, implicitToken } from './token';

export interface DownloadOptions {
  revision?: string;
  cacheDir?: string;
  /** Defaults to the token in effect: $HF_TOKEN, else the one `videomae login` saved. */
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
 * each file at that commit), restricted to the files a classifier needs. The transfer itself is
 * hubDownload's (resumable, verified, with a progress bar on a terminal).
 */
export async function downloadToCache(repoId: string, options: DownloadOptions & { cacheDir: string }): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const hub = require('@huggingface/hub') as HubModule;
  const request = {
    repo: repoId,
    repoType: 'model' as const,
    cacheDir: options.cacheDir,
    ...(options.accessToken ? { accessToken: options.accessToken } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  };
  const commit = await resolveHubCommit({ ...request, revision: options.revision ?? 'main' });
  const accessToken = options.accessToken ?? implicitToken();
  const listed: string[] = [];
  try {
    for await (const entry of hub.listFiles({
      repo: { type: 'model', name: repoId },
      revision: commit,
      hubUrl: hubEndpoint(),
      ...(accessToken ? { accessToken } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }))
      listed.push(entry.path);
  } catch (error) {
    throw new VideomaeError(
      `model ${repoId}@${commit}: listing its files failed (${describeFailure(error, accessToken)})`,
      'ERR_VIDEOMAE_IO',
      {
        cause: error,
      },
    );
  }
  const files = filesToFetch(listed);
  if (!files)
    throw new VideomaeError(
      `${repoId}: the repository lacks config.json or weights (model.safetensors / pytorch_model.bin)`,
      'ERR_VIDEOMAE_CHECKPOINT',
    );
  const [first] = await hubDownload({ ...request, revision: commit, files });
  return path.dirname(first);
}
