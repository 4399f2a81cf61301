/**
 * What the Trainer needs from a model and from a data source. The real VideoMAE classifier
 * (lib/model) and DataLoader (lib/data) satisfy these; unit tests use small fakes that do real
 * arithmetic. Keeping the Trainer on interfaces is what lets its schedule/accumulation/resume logic
 * be tested in milliseconds.
 */
import type { ComputeMetrics, EvalPrediction } from '../metrics/eval-prediction';
import type { ProcessGroup } from '../distributed/process-group';

/** One micro-batch: pixels (B, T, C, H, W) as a NativeTensor or {data, shape}, labels (B). */
export interface Batch {
  pixelValues: unknown;
  labels: Int32Array | number[];
  /** Index of the source video of each clip (multi-clip evaluation aggregates per video). */
  videoIds?: number[];
  /** Pre-training: the (B, N) tube masks (labels then only count the clips). */
  boolMaskedPos?: unknown;
  /** Frees native memory early (NativeTensor batches). */
  dispose?(): void;
}

/** A sized, epoch-indexed source of batches (the DataLoader). Order is a function of (seed, epoch). */
export interface BatchSource {
  /** Micro-batches in one epoch. */
  readonly batchesPerEpoch: number;
  /** Number of samples (clips) per epoch, when known. */
  readonly numSamples?: number;
  epoch(epochIndex: number): AsyncIterable<Batch>;
  /** Loaders with worker pools release them here. */
  close?(): Promise<void> | void;
  cancel?(): void;
  /** Time spent waiting on data, for the report. */
  readonly stats?: { dataWaitMs?: number };
}

export interface TrainStepOptions {
  lr: number;
  /** Infinity disables clipping; the pre-clip norm is still returned. */
  maxGradNorm: number;
  /** The micro-batch mean loss is multiplied by this before backward (docs/hf-semantics.md § "Trainer: gradient accumulation and loss scaling"). */
  lossScale: number;
  /** Last micro-batch of the update: clip, AdamW step at lr, zero grads. */
  step: boolean;
  /** Data-parallel: this backward averages gradients over the ranks (the last micro-batch); false: local accumulation. */
  sync?: boolean;
}

export interface TrainStepResult {
  /** Unscaled mean cross-entropy of this micro-batch. */
  loss: number;
  /** Pre-clip global L2 gradient norm (only when step). */
  gradNorm?: number;
}

export interface ForwardResult {
  logits: { data: Float32Array | ArrayLike<number>; shape: number[] };
  loss?: number;
}

export interface OptimizerOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

export interface OptimizerLike {
  save(file: string): Promise<void> | void;
  load(file: string): Promise<void> | void;
}

export interface TrainableModel {
  /** HF config object (id2label, label2id, num_labels, …). */
  readonly config: Record<string, unknown> & { id2label?: Record<string, string> };
  train(): void;
  eval(): void;
  /** 'pretraining': a masked-autoencoder model; evaluation reports eval_loss only (no predictions to score). */
  readonly task?: 'classification' | 'pretraining';
  forward(inputs: { pixelValues: unknown; labels?: Int32Array | number[]; boolMaskedPos?: unknown }): Promise<ForwardResult>;
  /** Creates (or re-creates) the optimizer trainStep uses. */
  createOptimizer(options: OptimizerOptions): OptimizerLike | Promise<OptimizerLike>;
  trainStep(
    batch: { pixelValues: unknown; labels: Int32Array | number[]; boolMaskedPos?: unknown },
    options: TrainStepOptions,
  ): Promise<TrainStepResult>;
  /** Writes model.safetensors + config.json (+ preprocessor_config.json). */
  savePretrained(dir: string, options?: { preprocessorConfig?: Record<string, unknown> }): Promise<void>;
  /** Loads every parameter of a savePretrained folder into this live model. */
  loadWeights(dir: string): Promise<void>;
  numParameters(): number;
  gradientCheckpointing?: boolean;
  /** Data-parallel training: rank 0's weights everywhere, gradients averaged over the group from now on. */
  attachProcessGroup?(group: ProcessGroup, options?: { bucketCapMb?: number }): Promise<unknown>;
}

// ComputeMetrics and EvalPrediction (compute_metrics' signature and input) belong to metrics, which depends on nothing in train.
export type { ComputeMetrics, EvalPrediction };
