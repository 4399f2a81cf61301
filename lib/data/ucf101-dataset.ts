/**
 * Ucf101Dataset: the official UCF101 release — `classInd.txt` ("1 ApplyEyeMakeup"),
 * `trainlist0N.txt` ("ApplyEyeMakeup/v_..._g08_c01.avi 1") and `testlist0N.txt` (path only; the
 * label is its class folder). Split files are looked up in `<root>/ucfTrainTestlist/` then `<root>/`;
 * videos in `<root>/UCF-101/` then `<root>/`. Labels are classInd's order (0-based).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError, invalidArg } from '../errors';
import { LabelledVideoSet, labelMaps, type OnBadVideo, type VideoEntry } from './dataset';

export interface Ucf101Options {
  split: 'train' | 'test';
  /** Official fold 1, 2 or 3; default 1. */
  fold?: number;
  splitsDir?: string;
  videosDir?: string;
}

function datasetError(message: string): VideomaeError {
  return new VideomaeError(message, 'ERR_VIDEOMAE_DATASET');
}

function firstExisting(candidates: string[]): string {
  return candidates.find((c) => fs.existsSync(c)) ?? candidates[candidates.length - 1]!;
}

function readLines(file: string): string[] {
  if (!fs.existsSync(file)) throw datasetError(`UCF101 list ${file} does not exist`);
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

export function parseClassInd(file: string): string[] {
  const labels: string[] = [];
  for (const [n, line] of readLines(file).entries()) {
    const match = /^(\d+)\s+(\S+)$/.exec(line);
    if (!match || Number(match[1]) !== labels.length + 1)
      throw datasetError(`${file}:${n + 1}: expected "<${labels.length + 1}> <ClassName>", got "${line}"`);
    labels.push(match[2]!);
  }
  if (labels.length === 0) throw datasetError(`${file} lists no classes`);
  return labels;
}

export class Ucf101Dataset extends LabelledVideoSet {
  private constructor(root: string, labels: string[], videos: VideoEntry[]) {
    super(root, labels, videos);
  }

  protected get location(): string {
    return this.root;
  }

  /** Reads classInd and the split list; checks that every listed file exists (without opening it). */
  static scan(root: string, options: Ucf101Options): Ucf101Dataset {
    if (typeof root !== 'string' || root.length === 0) throw invalidArg('root', 'a dataset folder path', root);
    if (options?.split !== 'train' && options?.split !== 'test') throw invalidArg('split', '"train" or "test"', options?.split);
    const fold = options.fold ?? 1;
    if (![1, 2, 3].includes(fold)) throw invalidArg('fold', '1, 2 or 3', fold);
    const absRoot = path.resolve(root);
    if (!fs.existsSync(absRoot)) throw datasetError(`dataset root ${absRoot} does not exist`);
    const splitsDir = options.splitsDir
      ? path.resolve(options.splitsDir)
      : firstExisting([path.join(absRoot, 'ucfTrainTestlist'), absRoot]);
    const videosDir = options.videosDir ? path.resolve(options.videosDir) : firstExisting([path.join(absRoot, 'UCF-101'), absRoot]);
    const labels = parseClassInd(path.join(splitsDir, 'classInd.txt'));
    const { label2id } = labelMaps(labels);
    const listFile = path.join(splitsDir, `${options.split}list0${fold}.txt`);
    const videos: VideoEntry[] = [];
    for (const [n, line] of readLines(listFile).entries()) {
      const [relative, labelText] = line.split(/\s+/);
      const className = relative!.split('/')[0]!;
      const label = labelText !== undefined ? Number(labelText) - 1 : label2id[className];
      if (label === undefined || !Number.isInteger(label) || label < 0 || label >= labels.length)
        throw datasetError(`${listFile}:${n + 1}: no class for "${line}"`);
      const file = path.join(videosDir, relative!);
      if (!fs.existsSync(file)) throw datasetError(`${listFile}:${n + 1}: ${file} does not exist`);
      videos.push({ path: file, label, id: videos.length });
    }
    if (videos.length === 0) throw datasetError(`${listFile} lists no videos`);
    return new Ucf101Dataset(absRoot, labels, videos);
  }

  static async load(root: string, options: Ucf101Options & { onBadVideo?: OnBadVideo; threads?: number }): Promise<Ucf101Dataset> {
    return Ucf101Dataset.scan(root, options).load(options);
  }
}
