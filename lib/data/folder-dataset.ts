/**
 * VideoFolderDataset: the UCF101-subset layout `root/<split>/<Class>/<video>` of the HF guide
 * (pytorchvideo's Ucf101 over a folder): labels are the sorted class-folder names, files are
 * walked recursively in sorted order, any video extension FFmpeg reads is accepted.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError, invalidArg } from '../errors';
import { LabelledVideoSet, VIDEO_EXTENSIONS, codePointCompare, labelMaps, type OnBadVideo, type VideoEntry } from './dataset';

export interface VideoFolderOptions {
  /** Split subfolder ('train', 'val', 'test', ...); omit when `root` itself holds the class folders. */
  split?: string;
  /** Use these labels (in this order) instead of the split's sorted folder names, e.g. the train split's. */
  labels?: string[];
  /** Extensions (without dot) to treat as videos; default VIDEO_EXTENSIONS. */
  extensions?: string[];
}

function datasetError(message: string): VideomaeError {
  return new VideomaeError(message, 'ERR_VIDEOMAE_DATASET');
}

export function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Every video file under `dir`, depth first, entries in code-point order (also used by unlabelled-dataset.ts). */
export function walkSorted(dir: string, extensions: Set<string>, out: string[]): void {
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => codePointCompare(a.name, b.name));
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory() || (entry.isSymbolicLink() && isDirectory(full))) walkSorted(full, extensions, out);
    else if (extensions.has(path.extname(entry.name).slice(1).toLowerCase())) out.push(full);
  }
}

export class VideoFolderDataset extends LabelledVideoSet {
  readonly split: string | undefined;

  private constructor(root: string, split: string | undefined, labels: string[], videos: VideoEntry[]) {
    super(root, labels, videos);
    this.split = split;
  }

  protected get location(): string {
    return this.split ? path.join(this.root, this.split) : this.root;
  }

  /** Lists the split without opening any file. Throws ERR_VIDEOMAE_DATASET for a missing or empty split or class. */
  static scan(root: string, options: VideoFolderOptions = {}): VideoFolderDataset {
    if (typeof root !== 'string' || root.length === 0) throw invalidArg('root', 'a dataset folder path', root);
    if (options.split !== undefined && (typeof options.split !== 'string' || options.split.length === 0 || options.split.includes('/')))
      throw invalidArg('split', 'a split folder name', options.split);
    const absRoot = path.resolve(root);
    if (!isDirectory(absRoot)) throw datasetError(`dataset root ${absRoot} does not exist or is not a folder`);
    const dir = options.split === undefined ? absRoot : path.join(absRoot, options.split);
    if (!isDirectory(dir)) {
      const present = fs
        .readdirSync(absRoot)
        .filter((n) => isDirectory(path.join(absRoot, n)))
        .sort(codePointCompare);
      throw datasetError(`split folder ${dir} does not exist (folders in ${absRoot}: ${present.join(', ') || 'none'})`);
    }
    const folders = fs
      .readdirSync(dir)
      .filter((n) => isDirectory(path.join(dir, n)))
      .sort(codePointCompare);
    if (folders.length === 0) throw datasetError(`${dir} has no class folders (expected <split>/<Class>/<video>)`);
    const labels = options.labels ? [...options.labels] : folders;
    const { label2id } = labelMaps(labels);
    const extensions = new Set((options.extensions ?? VIDEO_EXTENSIONS).map((e) => e.replace(/^\./, '').toLowerCase()));
    const videos: VideoEntry[] = [];
    for (const folder of folders) {
      const label = label2id[folder];
      if (label === undefined) throw datasetError(`class folder ${path.join(dir, folder)} is not one of the labels (${labels.join(', ')})`);
      const files: string[] = [];
      walkSorted(path.join(dir, folder), extensions, files);
      if (files.length === 0) throw datasetError(`class folder ${path.join(dir, folder)} has no videos`);
      for (const file of files) videos.push({ path: file, label, id: videos.length });
    }
    return new VideoFolderDataset(absRoot, options.split, labels, videos);
  }

  /** scan() then load(). */
  static async load(
    root: string,
    options: VideoFolderOptions & { onBadVideo?: OnBadVideo; threads?: number } = {},
  ): Promise<VideoFolderDataset> {
    return VideoFolderDataset.scan(root, options).load(options);
  }
}
