/**
 * Where `videomae train --data …` finds its UCF101-layout folder. `--data` may name:
 *
 * - a folder: used as it is (or the one folder inside it that holds `train/`);
 * - a local archive (`.tar`, `.tar.gz`/`.tgz`, `.zip`): extracted once, safely and atomically
 *   (lib/hub/archive.ts), into the package cache, keyed by the archive's path, size and mtime;
 * - `hf://datasets/<owner>/<name>[@<revision>]/<path in repo>`: the file is downloaded into the
 *   Hugging Face cache (lib/hub/hub-download.ts), then extracted like a local archive, keyed by its
 *   blob (its content hash), so a second run neither downloads nor extracts again. Without a path,
 *   the repository snapshot itself is the dataset folder.
 *
 * An archive such as the HF guide's `UCF101_subset.tar.gz` holds one top folder
 * (`UCF101_subset/train/…`): the dataset root is the folder that holds `train/`.
 */
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError, isVideomaeError } from '../errors';
import { extractArchive, type ExtractOptions } from './archive';
import { hubDownload, type HubDownloadOptions, type HubRepoType } from './hub-download';
import { isProcessAlive } from '../process-alive';
import { packageRoot } from '../native/binding';

export interface DatasetSourceOptions {
  /** Where extracted archives go (default: `$VIDEOMAE_CACHE` or `$XDG_CACHE_HOME/videomae` / `~/.cache/videomae`, + `datasets/`). */
  extractDir?: string;
  /** Passed to the hub download (cacheDir, hubUrl, accessToken, progress…). */
  hub?: Omit<HubDownloadOptions, 'repo' | 'repoType' | 'revision' | 'file' | 'files'>;
  /** Limits and progress of the extraction. */
  extract?: ExtractOptions;
  /** The split folder the dataset root must hold (default 'train'). */
  split?: string;
  /** Any layout (pre-training on unlabelled videos): the folder, or the extracted archive, as it is. */
  anyLayout?: boolean;
}

export interface HfUrl {
  repoType: HubRepoType;
  repo: string;
  revision: string;
  /** The file or folder inside the repository ('' for the whole repository). */
  path: string;
}

const ARCHIVE = /\.(tar|tar\.gz|tgz|zip)$/i;
const TYPE_PREFIX: Record<string, HubRepoType> = { datasets: 'dataset', models: 'model' };

/** Parses huggingface_hub's `hf://[datasets/|models/]<owner>/<name>[@<revision>][/<path>]` (a bare repo id is a model). */
export function parseHfUrl(url: string): HfUrl {
  const bad = (why: string) =>
    new VideomaeError(`${url}: ${why} (expected hf://datasets/<owner>/<name>[@<revision>]/<file>)`, 'ERR_VIDEOMAE_INVALID_ARG');
  if (!url.startsWith('hf://')) throw bad('not an hf:// URL');
  const parts = url.slice('hf://'.length).split('/').filter(Boolean);
  const repoType = TYPE_PREFIX[parts[0] ?? ''] ?? 'model';
  if (parts[0] && parts[0] in TYPE_PREFIX) parts.shift();
  if (parts.length < 2) throw bad('no <owner>/<name>');
  const [owner, nameAndRevision, ...rest] = parts as [string, string, ...string[]];
  const at = nameAndRevision.indexOf('@');
  const name = at >= 0 ? nameAndRevision.slice(0, at) : nameAndRevision;
  const revision = at >= 0 ? decodeURIComponent(nameAndRevision.slice(at + 1)) : 'main';
  if (!name || !revision) throw bad('an empty repository name or revision');
  if (rest.some((segment) => segment === '..' || segment === '.')) throw bad('a path that leaves the repository');
  return { repoType, repo: `${owner}/${name}`, revision, path: rest.join('/') };
}

/** The package cache (where libtorch is unpacked too): scripts/libtorch.js owns its location. */
function packageCache(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { cacheRoot } = require(path.join(packageRoot(), 'scripts', 'libtorch.js')) as { cacheRoot(): string };
  return cacheRoot();
}

/** The folder that holds `<split>/`: `dir` itself, or one level or two below it (an archive's top folder). */
export function findDatasetRoot(dir: string, shown = dir, split = 'train'): string {
  const hasTrain = (d: string) => fs.existsSync(path.join(d, split)) && fs.statSync(path.join(d, split)).isDirectory();
  if (hasTrain(dir)) return dir;
  const children = (d: string) =>
    fs
      .readdirSync(d, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== '__MACOSX')
      .map((e) => path.join(d, e.name));
  const found = children(dir).flatMap((child) => (hasTrain(child) ? [child] : children(child).filter(hasTrain)));
  if (found.length === 1) return found[0]!;
  const why =
    found.length === 0
      ? 'no folder in it holds train/'
      : `several folders hold train/: ${found.map((f) => path.relative(dir, f)).join(', ')}`;
  throw new VideomaeError(`${shown}: ${why} (expected <root>/train/<Class>/<video>)`, 'ERR_VIDEOMAE_DATASET');
}

/** Extracts `archive` under `extractDir/<key>` once; a later call (or a concurrent one) reuses it. */
async function extractOnce(archive: string, key: string, options: DatasetSourceOptions): Promise<string> {
  const target = path.join(options.extractDir ?? path.join(packageCache(), 'datasets'), key);
  if (fs.existsSync(target)) return target;
  fs.mkdirSync(path.dirname(target), { recursive: true });
  removeAbandonedPartials(target);
  process.stderr.write(`[videomae] extracting ${archive} into ${target}\n`);
  try {
    await extractArchive(archive, target, options.extract);
  } catch (error) {
    // Another process finished the same extraction first: its result is as good as ours.
    if (fs.existsSync(target) && !(isVideomaeError(error) && error.code === 'ERR_VIDEOMAE_ARCHIVE')) return target;
    throw error;
  }
  return target;
}

/** A killed extraction leaves `<target>.partial-<pid>-<random>`: remove those whose process is gone. */
function removeAbandonedPartials(target: string): void {
  const prefix = `${path.basename(target)}.partial-`;
  for (const name of fs.readdirSync(path.dirname(target))) {
    const pid = Number(name.startsWith(prefix) ? name.slice(prefix.length).split('-')[0] : NaN);
    if (Number.isInteger(pid) && !isProcessAlive(pid)) fs.rmSync(path.join(path.dirname(target), name), { recursive: true, force: true });
  }
}

function localArchiveKey(archive: string): string {
  const stat = fs.statSync(archive);
  const id = crypto
    .createHash('sha256')
    .update(`${fs.realpathSync(archive)}\0${stat.size}\0${stat.mtimeMs}`)
    .digest('hex');
  return `local-${id.slice(0, 32)}`;
}

/** A hub file's blob name is its content hash: the same archive extracts once, whatever its revision. */
function hubArchiveKey(snapshotFile: string, url: HfUrl): string {
  const blob = path.basename(fs.realpathSync(snapshotFile));
  return `${url.repoType}s--${url.repo.replace('/', '--')}--${blob}`;
}

/** Turns `--data` (folder, archive or hf:// URL) into a local dataset root holding `train/` (or `options.split`). */
export async function resolveDatasetSource(spec: string, options: DatasetSourceOptions = {}): Promise<string> {
  const root = (dir: string, shown: string, split?: string) => (options.anyLayout ? dir : findDatasetRoot(dir, shown, split));
  if (spec.startsWith('hf://')) {
    const url = parseHfUrl(spec);
    const base = { ...options.hub, repo: url.repo, repoType: url.repoType, revision: url.revision };
    if (!url.path) return root(await hubDownload(base), spec, options.split);
    const file = await hubDownload({ ...base, file: url.path });
    if (fs.statSync(file).isDirectory()) return root(file, spec, options.split);
    if (!ARCHIVE.test(url.path))
      throw new VideomaeError(`${spec}: not a folder or a .tar/.tar.gz/.tgz/.zip archive`, 'ERR_VIDEOMAE_DATASET');
    return root(await extractOnce(file, hubArchiveKey(file, url), options), spec, options.split);
  }
  if (!fs.existsSync(spec)) throw new VideomaeError(`${spec}: no such folder or archive`, 'ERR_VIDEOMAE_DATASET');
  if (fs.statSync(spec).isDirectory()) return root(spec, spec, options.split);
  if (!ARCHIVE.test(spec)) throw new VideomaeError(`${spec}: not a folder or a .tar/.tar.gz/.tgz/.zip archive`, 'ERR_VIDEOMAE_DATASET');
  return root(await extractOnce(spec, localArchiveKey(spec), options), spec, options.split);
}
