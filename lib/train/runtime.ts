/**
 * The seam between the Trainer (which only knows lib/train/interfaces) and the concrete
 * VideoMAE model (lib/model) and video data pipeline (lib/data), used by the CLI. Kept in one
 * file so that the Trainer and its tests never load the native addon.
 */
import * as path from 'node:path';
import { VideomaeError } from '../errors';
import type { BatchSource, TrainableModel } from './interfaces';

export interface LoadedModel extends TrainableModel {
  dispose?(): void;
}

export interface ModelLoadOptions {
  device: string;
  dtype: 'float32' | 'bfloat16';
  id2label?: Record<string, string>;
  numLabels?: number;
  ignoreMismatchedSizes?: boolean;
}

export interface LabelledDataset {
  readonly labels: string[];
  readonly videos: unknown[];
}

export interface LoaderOptions {
  train: boolean;
  batchSize: number;
  seed: number;
  workers: number;
  dropLast: boolean;
  numFrames: number;
  preprocessor: Record<string, unknown>;
}

interface ModelModule {
  VideoMAEForVideoClassification: {
    fromPretrained(dir: string, options: ModelLoadOptions): Promise<LoadedModel>;
    fromConfig(config: Record<string, unknown>, options: { seed: number; device?: string; dtype?: string }): Promise<LoadedModel> | LoadedModel;
  };
}

interface DataModule {
  VideoFolderDataset: { load(root: string, options: { split?: string; labels?: string[]; onBadVideo?: 'skip' | 'error' }): Promise<LabelledDataset> };
  DataLoader: new (dataset: LabelledDataset, options: Record<string, unknown>) => BatchSource;
  trainTransforms?(preprocessor: Record<string, unknown>): unknown;
  evalTransforms?(preprocessor: Record<string, unknown>): unknown;
}

function load<T>(name: 'model' | 'data'): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(path.join(__dirname, '..', name)) as T;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(path.join('lib', name))) {
      throw new VideomaeError(`this build of videomae has no ${name} module (lib/${name})`, 'ERR_VIDEOMAE_UNSUPPORTED', { cause: error });
    }
    throw error;
  }
}

export async function loadPretrained(dir: string, options: ModelLoadOptions): Promise<LoadedModel> {
  return load<ModelModule>('model').VideoMAEForVideoClassification.fromPretrained(dir, options);
}

export async function modelFromConfig(config: Record<string, unknown>, options: { seed: number; device: string; dtype: string }): Promise<LoadedModel> {
  return load<ModelModule>('model').VideoMAEForVideoClassification.fromConfig(config, options);
}

export async function loadFolderSplit(root: string, split: string, labels?: string[]): Promise<LabelledDataset> {
  return load<DataModule>('data').VideoFolderDataset.load(root, { split, labels, onBadVideo: 'skip' });
}

/** Train: random clip per video, shuffled, train augmentation; eval: uniform clips, in order. */
export function createVideoLoader(dataset: LabelledDataset, options: LoaderOptions): BatchSource {
  const data = load<DataModule>('data');
  return new data.DataLoader(dataset, {
    batchSize: options.batchSize,
    shuffle: options.train,
    seed: options.seed,
    dropLast: options.dropLast,
    workers: options.workers,
    clipSampler: options.train ? 'random' : 'uniform',
    numFrames: options.numFrames,
    transforms: options.train ? data.trainTransforms?.(options.preprocessor) : data.evalTransforms?.(options.preprocessor),
  });
}
