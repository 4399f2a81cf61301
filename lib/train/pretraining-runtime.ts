/**
 * The seam between the Trainer and VideoMAEForPreTraining: the model seen through the Trainer's
 * interface (task 'pretraining': evaluation reports eval_loss only), and batch sources that add a
 * tube mask to every clip — a new one each epoch for training (seed, epoch, video), a fixed one for
 * evaluation so that eval losses are comparable from one evaluation to the next.
 */
import { VideomaeError } from '../errors';
import type { VideoDataset } from '../data/dataset';
import type { VideoFolderDataset } from '../data/folder-dataset';
import { parseConfig, type VideoMAEConfig } from '../model/config';
import { VideoMAEForPreTraining, type BoolMaskedPos } from '../model/pretraining';
import { tubeMaskBatch } from '../model/tube-masking';
import type { Device, ModelDtype } from '../model/pretrained-model';
import type { Batch, BatchSource, ForwardResult, TrainableModel, TrainStepOptions, TrainStepResult } from './interfaces';
import { createVideoLoader, TrainableHead, type LoaderOptions } from './runtime';

export class TrainableVideoMAEPreTraining extends TrainableHead<VideoMAEForPreTraining> implements TrainableModel {
  readonly task = 'pretraining' as const;
  protected readonly role = 'the model being pre-trained';

  private mask(inputs: { boolMaskedPos?: unknown }): BoolMaskedPos {
    if (inputs.boolMaskedPos === undefined)
      throw new VideomaeError('a pre-training batch needs boolMaskedPos (use createPreTrainingLoader)', 'ERR_VIDEOMAE_INVALID_ARG');
    return inputs.boolMaskedPos as BoolMaskedPos;
  }

  async forward(inputs: { pixelValues: unknown; boolMaskedPos?: unknown }): Promise<ForwardResult> {
    const out = await this.model.forward(
      { pixelValues: inputs.pixelValues as never, boolMaskedPos: this.mask(inputs) },
      { bf16: Boolean(this.options.bf16) },
    );
    return { logits: out.logits, loss: out.loss };
  }

  async trainStep(batch: { pixelValues: unknown; boolMaskedPos?: unknown }, options: TrainStepOptions): Promise<TrainStepResult> {
    return this.model.trainStep({ pixelValues: batch.pixelValues as never, boolMaskedPos: this.mask(batch) }, this.stepOptions(options));
  }
}

export async function preTrainingModelFromConfig(
  config: Record<string, unknown>,
  options: { seed: number; device: string; dtype: ModelDtype },
): Promise<TrainableVideoMAEPreTraining> {
  const model = await VideoMAEForPreTraining.fromConfig(parseConfig(config), {
    seed: options.seed,
    device: options.device as Device,
    dtype: options.dtype,
  });
  return new TrainableVideoMAEPreTraining(model, { bf16: options.dtype === 'bfloat16' });
}

export async function loadPreTraining(
  dir: string,
  options: { device: string; dtype: ModelDtype; seed?: number },
): Promise<TrainableVideoMAEPreTraining> {
  const model = await VideoMAEForPreTraining.fromPretrained(dir, {
    device: options.device as Device,
    dtype: options.dtype,
    seed: options.seed ?? 42,
  });
  return new TrainableVideoMAEPreTraining(model, { bf16: options.dtype === 'bfloat16' });
}

export interface PreTrainingLoaderOptions extends LoaderOptions {
  config: VideoMAEConfig;
  /** Share of each frame's patches masked (VideoMAE's default 0.9). */
  maskRatio: number;
}

/** A video loader whose batches carry tube masks: per (seed, epoch, video) in training, per (seed, video) in evaluation. */
export function createPreTrainingLoader(dataset: VideoDataset, options: PreTrainingLoaderOptions): BatchSource {
  const inner = createVideoLoader(dataset as VideoFolderDataset, options);
  const masks = (videoIds: number[], epoch: number) =>
    tubeMaskBatch(options.config, {
      maskRatio: options.maskRatio,
      seed: options.seed,
      sampleIndices: videoIds,
      ...(options.train ? { epoch } : {}),
    });
  return {
    get batchesPerEpoch() {
      return inner.batchesPerEpoch;
    },
    numSamples: inner.numSamples,
    get stats() {
      return inner.stats;
    },
    async *epoch(epochIndex: number): AsyncGenerator<Batch> {
      for await (const batch of inner.epoch(epochIndex)) {
        const ids = batch.videoIds ?? Array.from(batch.labels, (_, i) => i);
        yield { ...batch, boolMaskedPos: masks(ids, epochIndex) };
      }
    },
    cancel: () => inner.cancel?.(),
    close: () => inner.close?.(),
  };
}
