/**
 * What a Trainer is made from (its options), apart from the Trainer itself so that the modules
 * that prepare options (video-defaults.ts) need not import the Trainer.
 */
import type { ProcessGroup } from '../distributed/process-group';
import type { ShardSpec } from '../distributed/shard';
import type { VideoMAEForPreTraining } from '../model/pretraining';
import type { VideoMAEForVideoClassification } from '../model/videomae';
import type { BatchSource, ComputeMetrics, TrainableModel } from './interfaces';
import type { TrainerCallback } from './callbacks';
import type { TrainingArguments, TrainingArgumentsInput } from './training-args';

/** Builds a BatchSource from a dataset object (the CLI passes one that makes lib/data DataLoaders). */
export type LoaderFactory = (
  dataset: unknown,
  options: { train: boolean; batchSize: number; seed: number; workers: number; dropLast: boolean; shard?: ShardSpec },
) => BatchSource;

export interface TrainerOptions {
  /** The package's VideoMAEForVideoClassification or VideoMAEForPreTraining, or anything implementing TrainableModel. */
  model: TrainableModel | VideoMAEForVideoClassification | VideoMAEForPreTraining;
  args: TrainingArgumentsInput | TrainingArguments;
  trainDataset?: unknown;
  evalDataset?: unknown;
  computeMetrics?: ComputeMetrics;
  callbacks?: TrainerCallback[];
  /** Saved as preprocessor_config.json next to every model.safetensors. */
  preprocessorConfig?: Record<string, unknown>;
  createLoader?: LoaderFactory;
  /** Stop on SIGINT/SIGTERM after the current step (default true). */
  handleSignals?: boolean;
  /** Write report.html into outputDir at the end of train() (default true). */
  writeReport?: boolean;
  /** With the default video loaders: keep the guide's random horizontal flip (default true; turn it off when classes differ by direction). */
  horizontalFlip?: boolean;
  /**
   * Data-parallel training (DDP) over this group (initProcessGroup()): every rank runs the same
   * Trainer; loaders made by createLoader read the rank's shard; gradients are averaged; logs,
   * checkpoints, the model and the report are written by rank 0 only.
   */
  processGroup?: ProcessGroup | null;
}
