/**
 * The seam between the Trainer (which only knows lib/train/interfaces) and the concrete VideoMAE
 * model (lib/model) and video data pipeline (lib/data). The Trainer and its unit tests never load
 * the native addon; the CLI and applications pass `trainableModel(model)` and `createVideoLoader`.
 */
import { VideomaeError } from '../errors';
import { VideoFolderDataset } from '../data/folder-dataset';
import { DataLoader } from '../data/loader';
import { guideTrainTransforms, guideValTransforms, preprocessorConstants, type PreprocessorConfig } from '../data/transforms';
import { configToJson, parseConfig } from '../model/config';
import type { NativeVideoMAEHandle } from '../model/native';
import type { ProcessGroup } from '../distributed/process-group';
import type { ShardSpec } from '../distributed/shard';
import { VideoMAEForVideoClassification, type Device, type ModelDtype, type VideoMAEPreTrainedModel } from '../model/videomae';
import type {
  Batch,
  BatchSource,
  ForwardResult,
  OptimizerLike,
  OptimizerOptions,
  TrainableModel,
  TrainStepOptions,
  TrainStepResult,
} from './interfaces';

/** Loads folder `dir` into a live model: every key must be present, used and of the same shape (a resume, the best model). */
export async function loadWeightsExactly(model: VideoMAEPreTrainedModel, dir: string, what: string): Promise<void> {
  const handle = (model as unknown as { handle: NativeVideoMAEHandle }).handle;
  const report = await handle.loadCheckpoint(dir, { ignoreMismatchedSizes: false, seed: 42 });
  const problems = [
    ...report.missingKeys.map((k) => `missing ${k}`),
    ...report.unexpectedKeys.map((k) => `unexpected ${k}`),
    ...report.mismatchedKeys.map((m) => `mismatched ${m.key}`),
  ];
  if (problems.length)
    throw new VideomaeError(`${dir} does not match ${what}: ${problems.slice(0, 5).join(', ')}`, 'ERR_VIDEOMAE_CHECKPOINT');
}

/**
 * What both heads share as the Trainer's model: the HF config view, modes, the optimizer, saving,
 * strict loading, gradient checkpointing, data-parallel attachment and disposal.
 */
export abstract class TrainableHead<Model extends VideoMAEPreTrainedModel> {
  constructor(
    readonly model: Model,
    protected readonly options: { bf16?: boolean } = {},
  ) {}

  /** What loadWeights' errors call this model. */
  protected abstract readonly role: string;

  /** The HF config.json view (snake_case: num_frames, id2label, …). */
  get config(): Record<string, unknown> & { id2label?: Record<string, string> } {
    return configToJson(this.model.config) as Record<string, unknown> & { id2label?: Record<string, string> };
  }

  train(): void {
    this.model.train();
  }

  eval(): void {
    this.model.eval();
  }

  createOptimizer(options: OptimizerOptions): OptimizerLike {
    const optimizer = this.model.createOptimizer(options);
    return { save: (file) => optimizer.saveState(file), load: (file) => optimizer.loadState(file) };
  }

  /** The model treats maxGradNorm 0 as "no clipping" and then reports no norm; a huge bound clips
   * nothing (coefficient min(1, bound / norm) = 1) and still reports the norm, as transformers 5.x logs it. */
  protected stepOptions(options: TrainStepOptions) {
    const maxGradNorm = Number.isFinite(options.maxGradNorm) ? options.maxGradNorm : Number.MAX_VALUE;
    return {
      lr: options.lr,
      maxGradNorm,
      lossScale: options.lossScale,
      step: options.step,
      bf16: Boolean(this.options.bf16),
      sync: options.sync ?? true,
    };
  }

  savePretrained(dir: string, options?: { preprocessorConfig?: Record<string, unknown> }): Promise<void> {
    return this.model.savePretrained(dir, options);
  }

  /** Every parameter (q/v biases included) from a savePretrained folder, copied into the live model. */
  async loadWeights(dir: string): Promise<void> {
    await loadWeightsExactly(this.model, dir, this.role);
  }

  numParameters(): number {
    return this.model.numParameters();
  }

  get gradientCheckpointing(): boolean {
    return this.model.gradientCheckpointing;
  }

  set gradientCheckpointing(on: boolean) {
    this.model.gradientCheckpointing = on;
  }

  attachProcessGroup(group: ProcessGroup, options: { bucketCapMb?: number } = {}): Promise<unknown> {
    return this.model.attachProcessGroup(group, options);
  }

  dispose(): void {
    this.model.dispose();
  }
}

/** A VideoMAEForVideoClassification seen through the Trainer's interface. */
export class TrainableVideoMAE extends TrainableHead<VideoMAEForVideoClassification> implements TrainableModel {
  protected readonly role = 'the model being trained';

  async forward(inputs: { pixelValues: unknown; labels?: Int32Array | number[] }): Promise<ForwardResult> {
    return this.model.forward(inputs as Parameters<VideoMAEForVideoClassification['forward']>[0], { bf16: Boolean(this.options.bf16) });
  }

  async trainStep(batch: { pixelValues: unknown; labels: Int32Array | number[] }, options: TrainStepOptions): Promise<TrainStepResult> {
    return this.model.trainStep(batch as Parameters<VideoMAEForVideoClassification['trainStep']>[0], this.stepOptions(options));
  }
}

export interface ModelLoadOptions {
  device: string;
  dtype: ModelDtype;
  id2label?: Record<string, string>;
  numLabels?: number;
  ignoreMismatchedSizes?: boolean;
  seed?: number;
}

export async function loadPretrained(dir: string, options: ModelLoadOptions): Promise<TrainableVideoMAE> {
  const model = await VideoMAEForVideoClassification.fromPretrained(dir, {
    device: options.device as Device,
    dtype: options.dtype,
    id2label: options.id2label as Record<number, string> | undefined,
    numLabels: options.numLabels,
    ignoreMismatchedSizes: options.ignoreMismatchedSizes,
    seed: options.seed,
  });
  return new TrainableVideoMAE(model, { bf16: options.dtype === 'bfloat16' });
}

/** A new model from an HF config.json object (e.g. a preset), initialised with `seed`. */
export async function modelFromConfig(
  config: Record<string, unknown>,
  options: { seed: number; device: string; dtype: ModelDtype },
): Promise<TrainableVideoMAE> {
  const model = await VideoMAEForVideoClassification.fromConfig(parseConfig(config), {
    seed: options.seed,
    device: options.device as Device,
    dtype: options.dtype,
  });
  return new TrainableVideoMAE(model, { bf16: options.dtype === 'bfloat16' });
}

export type LabelledDataset = VideoFolderDataset;

export async function loadFolderSplit(root: string, split: string, labels?: string[]): Promise<VideoFolderDataset> {
  return VideoFolderDataset.load(root, { split, labels, onBadVideo: 'skip' });
}

export interface LoaderOptions {
  train: boolean;
  batchSize: number;
  seed: number;
  workers: number;
  dropLast: boolean;
  numFrames: number;
  preprocessor: Record<string, unknown>;
  /** Keep the guide's random horizontal flip in training (default true); off for classes that differ by direction. */
  flip?: boolean;
  /**
   * Training augmentation: 'guide' (default) is the guide's random short-side scale + random crop;
   * 'none' trains on the val/test transform (plain resize), for data that is already varied and
   * whose objects a random crop could cut out (the synthetic demo set).
   */
  augmentation?: 'guide' | 'none';
  /** Data-parallel: this rank's share of each epoch (lib/distributed/shard.ts). */
  shard?: ShardSpec;
  /** Clip duration = numFrames × 4 / fps: each video's own fps ('fps', the default) or `fixedFps` ('fixed'; the guide's 30). */
  clipDurationFrom?: 'fps' | 'fixed';
  fixedFps?: number;
}

/** The loader as the Trainer sees it: NativeTensor batches freed as soon as a step has used them. */
class LoaderSource implements BatchSource {
  constructor(
    private readonly loader: DataLoader,
    readonly numSamples: number,
  ) {}

  get batchesPerEpoch(): number {
    return this.loader.batchesPerEpoch ?? 0;
  }

  get stats(): { dataWaitMs: number } {
    return this.loader.stats;
  }

  async *epoch(epochIndex: number): AsyncGenerator<Batch> {
    for await (const batch of this.loader.epoch(epochIndex)) {
      yield { pixelValues: batch.pixelValues, labels: batch.labels, videoIds: batch.videoIds, dispose: () => batch.pixelValues.dispose() };
    }
  }

  cancel(): void {
    this.loader.cancel();
  }

  close(): void {
    this.loader.close();
  }
}

/** The guide's train chain, its short-side range 256–320 scaled with the model's size (224 → 256–320, 112 → 128–160). */
function trainTransforms(preprocessor: PreprocessorConfig, numFrames: number) {
  const [size] = preprocessorConstants(preprocessor).resizeTo;
  return guideTrainTransforms(preprocessor, numFrames, {
    minSize: Math.round((size * 256) / 224),
    maxSize: Math.round((size * 320) / 224),
  });
}

/** Train: one random clip per video, shuffled, guide train augmentation (or none); eval: uniform clips in order, guide val transform. */
export function createVideoLoader(dataset: VideoFolderDataset, options: LoaderOptions): BatchSource {
  const preprocessor = options.preprocessor as unknown as PreprocessorConfig;
  const loader = new DataLoader(dataset, {
    batchSize: options.batchSize,
    shuffle: options.train,
    seed: options.seed,
    dropLast: options.dropLast,
    ...(options.workers > 0 ? { workers: options.workers } : {}),
    clipSampler: options.train ? 'random' : 'uniform',
    numFrames: options.numFrames,
    ...(options.shard ? { shard: options.shard } : {}),
    ...(options.clipDurationFrom ? { clipDurationFrom: options.clipDurationFrom } : {}),
    ...(options.fixedFps !== undefined ? { fixedFps: options.fixedFps } : {}),
    transforms:
      options.train && options.augmentation !== 'none'
        ? trainTransforms(preprocessor, options.numFrames).filter((t) => options.flip !== false || t.type !== 'RandomHorizontalFlip')
        : guideValTransforms(preprocessor, options.numFrames),
  });
  return new LoaderSource(loader, dataset.videos.length);
}
