/**
 * What lets `new Trainer({ model, args, trainDataset, evalDataset })` take the package's own
 * VideoMAEForVideoClassification and VideoFolderDataset directly, as HF's Trainer takes a model and
 * datasets: the model is seen through TrainableVideoMAE, datasets become native DataLoaders with
 * the guide's train/val transforms, and metrics default to the classification set. A
 * VideoMAEForPreTraining is seen through TrainableVideoMAEPreTraining, with loaders that add tube
 * masks (ratio 0.9, VideoMAE's default) and no metrics but eval_loss.
 */
import { classificationMetrics } from '../metrics/evaluation-report';
import { VideoMAEForVideoClassification } from '../model/videomae';
import { VideoMAEForPreTraining } from '../model/pretraining';
import { createPreTrainingLoader, TrainableVideoMAEPreTraining } from './pretraining-runtime';
import type { BatchSource, TrainableModel } from './interfaces';
import { defaultPreprocessorConfig } from './model-presets';
import { parseClipFps } from './cli-options';
import { createVideoLoader, TrainableVideoMAE, type LabelledDataset } from './runtime';
import type { TrainerOptions } from './trainer-options';

function withPreTrainingDefaults(options: TrainerOptions, model: VideoMAEForPreTraining): TrainerOptions & { model: TrainableModel } {
  const bf16 = Boolean((options.args as { bf16?: boolean }).bf16);
  const imageSize = model.config.imageSize;
  const preprocessor = options.preprocessorConfig ?? defaultPreprocessorConfig(Array.isArray(imageSize) ? imageSize[0] : imageSize);
  const createLoader =
    options.createLoader ??
    ((dataset: unknown, o: { train: boolean; batchSize: number; seed: number; workers: number; dropLast: boolean }): BatchSource =>
      createPreTrainingLoader(dataset as LabelledDataset, {
        ...o,
        numFrames: model.config.numFrames,
        preprocessor,
        config: model.config,
        maskRatio: 0.9,
      }));
  return { ...options, model: new TrainableVideoMAEPreTraining(model, { bf16 }), preprocessorConfig: preprocessor, createLoader };
}

export function withVideoDefaults(options: TrainerOptions): TrainerOptions & { model: TrainableModel } {
  if (options.model instanceof VideoMAEForPreTraining) return withPreTrainingDefaults(options, options.model);
  if (!(options.model instanceof VideoMAEForVideoClassification)) return options as TrainerOptions & { model: TrainableModel };
  const bf16 = Boolean((options.args as { bf16?: boolean }).bf16);
  const model = new TrainableVideoMAE(options.model, { bf16 });
  const imageSize = options.model.config.imageSize;
  const preprocessor = options.preprocessorConfig ?? defaultPreprocessorConfig(Array.isArray(imageSize) ? imageSize[0] : imageSize);
  const numFrames = options.model.config.numFrames;
  const createLoader =
    options.createLoader ??
    ((dataset: unknown, o: { train: boolean; batchSize: number; seed: number; workers: number; dropLast: boolean }): BatchSource =>
      // The guide's clip length (num_frames × 4 / 30 s whatever a video's fps), as `videomae train` uses.
      createVideoLoader(dataset as LabelledDataset, {
        ...o,
        numFrames,
        preprocessor,
        flip: options.horizontalFlip ?? true,
        ...parseClipFps(undefined),
      }));
  return {
    ...options,
    model,
    preprocessorConfig: preprocessor,
    createLoader,
    computeMetrics: options.computeMetrics ?? classificationMetrics(),
  };
}
