/**
 * UnlabelledVideoDataset: every video under a folder, in any layout (class folders, splits or none
 * are just folders), for self-supervised pre-training. Files are walked recursively in code-point
 * order; all get label 0 (the pre-training loss needs none).
 */
import * as path from 'node:path';
import { VideomaeError, invalidArg } from '../errors';
import { LabelledVideoSet, VIDEO_EXTENSIONS, type OnBadVideo, type VideoEntry } from './dataset';
import { isDirectory, walkSorted } from './folder-dataset';

export interface UnlabelledVideoOptions {
  /** Extensions (without dot) to treat as videos; default VIDEO_EXTENSIONS. */
  extensions?: string[];
  /** Only files under this subfolder (e.g. 'train', so a held-out split stays unseen). */
  subfolder?: string;
}

export class UnlabelledVideoDataset extends LabelledVideoSet {
  private constructor(
    root: string,
    private readonly folder: string,
    videos: VideoEntry[],
  ) {
    super(root, ['video'], videos);
  }

  protected get location(): string {
    return this.folder;
  }

  /** Lists the videos without opening any. Throws ERR_VIDEOMAE_DATASET when the folder holds none. */
  static scan(root: string, options: UnlabelledVideoOptions = {}): UnlabelledVideoDataset {
    if (typeof root !== 'string' || root.length === 0) throw invalidArg('root', 'a folder of videos', root);
    const absRoot = path.resolve(root);
    const folder = options.subfolder ? path.join(absRoot, options.subfolder) : absRoot;
    if (!isDirectory(folder)) throw new VideomaeError(`${folder} does not exist or is not a folder`, 'ERR_VIDEOMAE_DATASET');
    const extensions = new Set((options.extensions ?? VIDEO_EXTENSIONS).map((e) => e.replace(/^\./, '').toLowerCase()));
    const files: string[] = [];
    walkSorted(folder, extensions, files);
    if (files.length === 0)
      throw new VideomaeError(`${folder} holds no video files (${[...extensions].join(', ')})`, 'ERR_VIDEOMAE_DATASET');
    return new UnlabelledVideoDataset(
      absRoot,
      folder,
      files.map((file, id) => ({ path: file, label: 0, id })),
    );
  }

  /** scan() then load() (reads every header; unreadable files are skipped by default). */
  static async load(
    root: string,
    options: UnlabelledVideoOptions & { onBadVideo?: OnBadVideo; threads?: number } = {},
  ): Promise<UnlabelledVideoDataset> {
    return UnlabelledVideoDataset.scan(root, options).load(options);
  }
}
