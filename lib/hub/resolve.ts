/**
 * Model resolution: what `--model` / `pipeline({ model })` may name.
 *   1. a local folder (config.json + weights), used as it is;
 *   2. a hub id ("org/name"), found in the Hugging Face cache ($HF_HUB_CACHE / $HF_HOME/hub);
 *   3. otherwise downloaded into that cache through @huggingface/hub (unless offline:
 *      `download: false` or HF_HUB_OFFLINE=1).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError, invalidArg } from '../errors';
import { findCachedSnapshot, hubCacheDir, isRepoId } from './cache';
import { downloadToCache, type DownloadOptions } from './download';
import { hubOffline } from './token';

export interface ResolveModelOptions extends DownloadOptions {
  /** Allow downloading when the model is not in the cache (default: true unless HF_HUB_OFFLINE is set). */
  download?: boolean;
}

function checkModelFolder(dir: string, what: string): string {
  if (!fs.existsSync(path.join(dir, 'config.json'))) {
    throw new VideomaeError(`${what}: ${dir} has no config.json (not a Hugging Face model folder)`, 'ERR_VIDEOMAE_CHECKPOINT');
  }
  return dir;
}

/** The local folder holding `model`'s files (config.json, weights, preprocessor_config.json). */
export async function resolveModel(model: string, options: ResolveModelOptions = {}): Promise<string> {
  if (typeof model !== 'string' || model.length === 0) throw invalidArg('model', 'a model folder or a hub id like "org/name"', model);
  if (fs.existsSync(model) && fs.statSync(model).isDirectory()) return checkModelFolder(path.resolve(model), `model ${model}`);
  if (!isRepoId(model)) throw new VideomaeError(`model ${model}: no such folder`, 'ERR_VIDEOMAE_IO');
  const cacheDir = options.cacheDir ?? hubCacheDir();
  const cached = findCachedSnapshot(model, { revision: options.revision, cacheDir });
  if (cached) return cached;
  const where = `neither a folder nor in the Hugging Face cache ${cacheDir} (revision ${options.revision ?? 'main'})`;
  if (options.download === false || (options.download === undefined && hubOffline())) {
    throw new VideomaeError(`model ${model}: ${where}, and downloading is off`, 'ERR_VIDEOMAE_IO');
  }
  try {
    return checkModelFolder(await downloadToCache(model, { ...options, cacheDir }), `model ${model}`);
  } catch (error) {
    // Checkpoint and argument errors stand as they are; a failed transfer says where we looked first.
    if (error instanceof VideomaeError && error.code !== 'ERR_VIDEOMAE_IO') throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new VideomaeError(`model ${model}: ${where}, and downloading it failed (${detail})`, 'ERR_VIDEOMAE_IO', { cause: error });
  }
}
