/**
 * VideoMAEForVideoClassification: HF's video classifier running in libtorch (native addon).
 * Checkpoints are HF model folders (config.json + model.safetensors | shards | pytorch_model.bin)
 * and savePretrained() writes folders that Python transformers loads with the same logits.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProcessGroup } from '../distributed/process-group';
import { VideomaeError, invalidArg } from '../errors';
import { nativeAs } from '../native/binding';
import type { NativeTensor, TensorData, TypedArrayLike } from '../native/tensor';
import {
  defaultConfig,
  loadConfig,
  nativeModelConfig,
  saveConfig,
  serializeJsonSorted,
  withLabels,
  type ProblemType,
  type VideoMAEConfig,
} from './config';
import type { ModelBinding, NativeTensorInput, NativeVideoMAEHandle } from './native';
import { AdamWOptimizer, normaliseAdamWOptions, type AdamWOptions } from './optimizer';

export type Device = 'auto' | 'cpu' | 'cuda' | `cuda:${number}`;
export type ModelDtype = 'float32' | 'bfloat16' | 'float16';

export interface LoadReport {
  missingKeys: string[];
  unexpectedKeys: string[];
  mismatchedKeys: Array<{ key: string; checkpointShape: number[]; modelShape: number[] }>;
}

export interface FromPretrainedOptions {
  device?: Device;
  dtype?: ModelDtype;
  id2label?: Record<number, string>;
  numLabels?: number;
  ignoreMismatchedSizes?: boolean;
  /** Seed for the parameters the checkpoint lacks (e.g. a new classifier). Default 42. */
  seed?: number;
}

export interface FromConfigOptions {
  seed?: number;
  device?: Device;
  dtype?: ModelDtype;
}

/** Labels: class indices (number[] / Int32Array / BigInt64Array), regression targets, or multi-hot rows. */
export type Labels = number[] | number[][] | Int32Array | BigInt64Array | Float32Array | TensorData<TypedArrayLike>;

export interface ModelInputs {
  /** (B, T, C, H, W) float32, as HF's image processor produces. */
  pixelValues: TensorData<Float32Array> | NativeTensor;
  labels?: Labels;
}

export interface ForwardOutput {
  logits: TensorData<Float32Array>;
  loss?: number;
  lastHiddenState?: TensorData<Float32Array>;
}

export interface TrainStepOptions {
  lr: number;
  /** Clip the total gradient norm to this (HF max_grad_norm); 0/undefined: no clipping. */
  maxGradNorm?: number;
  /** Multiplies the loss before backward (1 / gradient accumulation steps). */
  lossScale?: number;
  /** false: only accumulate gradients (a non-final micro-batch). */
  step?: boolean;
  /** bfloat16 autocast. */
  bf16?: boolean;
  /**
   * With a process group attached: whether this backward averages the gradients over the ranks
   * (default true); false only accumulates locally (DDP's no_sync(), for non-final micro-batches).
   */
  sync?: boolean;
}

/** What attachProcessGroup() set up. */
export interface GradientSyncInfo {
  /** Gradient bytes all-reduced per synchronised step (every trainable parameter, float32). */
  bytesPerSync: number;
  numBuckets: number;
}

const DEVICE_PATTERN = /^(auto|cpu|cuda|cuda:\d+)$/;

function binding(): ModelBinding {
  return nativeAs<ModelBinding>();
}

function checkDevice(device: unknown): string {
  if (typeof device !== 'string' || !DEVICE_PATTERN.test(device)) throw invalidArg('device', "'auto', 'cpu', 'cuda' or 'cuda:N'", device);
  return device;
}

function checkDtype(dtype: unknown): string {
  if (dtype !== 'float32' && dtype !== 'bfloat16' && dtype !== 'float16')
    throw invalidArg('dtype', "'float32', 'bfloat16' or 'float16'", dtype);
  return dtype;
}

function checkSeed(seed: unknown): number {
  if (!(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0)) throw invalidArg('seed', 'a non-negative integer', seed);
  return seed;
}

function isNativeTensorLike(value: unknown): value is NativeTensor {
  return typeof value === 'object' && value !== null && (value as { constructor?: { name?: string } }).constructor?.name === 'NativeTensor';
}

function checkPixels(pixels: unknown, config: VideoMAEConfig): NativeTensorInput {
  if (isNativeTensorLike(pixels)) return pixels;
  const t = pixels as TensorData<Float32Array> | undefined;
  if (typeof t !== 'object' || t === null || !ArrayBuffer.isView(t.data) || !Array.isArray(t.shape)) {
    throw invalidArg('pixelValues', '{ data: Float32Array, shape: [B, T, C, H, W] } or a NativeTensor', pixels);
  }
  if (t.data.constructor.name !== 'Float32Array') throw invalidArg('pixelValues.data', 'a Float32Array', t.data);
  if (t.shape.length !== 5)
    throw invalidArg('pixelValues.shape', `[B, ${config.numFrames}, ${config.numChannels}, H, W] (5 dimensions)`, t.shape);
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (count !== t.data.length) throw invalidArg('pixelValues.data', `${count} elements for shape [${t.shape.join(', ')}]`, t.data.length);
  return t;
}

function labelsToTensor(labels: Labels, config: VideoMAEConfig): TensorData<TypedArrayLike> {
  const regression = config.problemType === 'regression' || (config.numLabels === 1 && !config.problemType);
  if (Array.isArray(labels)) {
    if (labels.length === 0) throw invalidArg('labels', 'a non-empty array', labels);
    if (Array.isArray(labels[0])) {
      const rows = labels as number[][];
      return { data: Float32Array.from(rows.flat()), shape: [rows.length, rows[0].length] };
    }
    const flat = labels as number[];
    if (!flat.every((v) => typeof v === 'number' && Number.isFinite(v))) throw invalidArg('labels', 'finite numbers', labels);
    if (regression || config.problemType === 'multi_label_classification') return { data: Float32Array.from(flat), shape: [flat.length] };
    if (!flat.every(Number.isInteger)) throw invalidArg('labels', 'integer class indices', labels);
    return { data: Int32Array.from(flat), shape: [flat.length] };
  }
  if (ArrayBuffer.isView(labels)) {
    const data = labels as TypedArrayLike;
    return { data, shape: [data.length] };
  }
  if (typeof labels === 'object' && labels !== null && ArrayBuffer.isView((labels as TensorData<TypedArrayLike>).data))
    return labels as TensorData<TypedArrayLike>;
  throw invalidArg('labels', 'number[], Int32Array, BigInt64Array, Float32Array or { data, shape }', labels);
}

export class VideoMAEForVideoClassification {
  readonly config: VideoMAEConfig;
  loadReport: LoadReport = { missingKeys: [], unexpectedKeys: [], mismatchedKeys: [] };
  private handle_: NativeVideoMAEHandle | null;
  private training_ = false;
  private checkpointing_ = false;
  private optimizer_: AdamWOptimizer | null = null;

  private constructor(config: VideoMAEConfig, handle: NativeVideoMAEHandle) {
    this.config = config;
    this.handle_ = handle;
  }

  /** Loads a HF model folder (like `from_pretrained`); `numLabels`/`id2label` replace the head's labels. */
  static async fromPretrained(dir: string, options: FromPretrainedOptions = {}): Promise<VideoMAEForVideoClassification> {
    if (typeof dir !== 'string' || dir === '') throw invalidArg('dir', 'a model folder path', dir);
    const device = checkDevice(options.device ?? 'auto');
    const dtype = checkDtype(options.dtype ?? 'float32');
    const seed = checkSeed(options.seed ?? 42);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
      throw new VideomaeError(`model folder not found: ${dir}`, 'ERR_VIDEOMAE_IO');
    let config = loadConfig(dir);
    if (options.numLabels !== undefined || options.id2label !== undefined) config = withLabels(config, options);
    config.architectures = ['VideoMAEForVideoClassification'];
    const handle = new (binding().NativeVideoMAE)(nativeModelConfig(config), { device, dtype });
    try {
      const report = await handle.loadCheckpoint(path.resolve(dir), {
        ignoreMismatchedSizes: options.ignoreMismatchedSizes ?? false,
        seed,
      });
      const model = new VideoMAEForVideoClassification(config, handle);
      model.loadReport = { missingKeys: report.missingKeys, unexpectedKeys: report.unexpectedKeys, mismatchedKeys: report.mismatchedKeys };
      return model;
    } catch (error) {
      handle.dispose();
      throw error;
    }
  }

  /** A randomly initialised model (HF's init), deterministic for a given seed. */
  static async fromConfig(
    config: Partial<VideoMAEConfig> | VideoMAEConfig,
    options: FromConfigOptions = {},
  ): Promise<VideoMAEForVideoClassification> {
    const full = defaultConfig(config);
    full.architectures = ['VideoMAEForVideoClassification'];
    const handle = new (binding().NativeVideoMAE)(nativeModelConfig(full), {
      device: checkDevice(options.device ?? 'auto'),
      dtype: checkDtype(options.dtype ?? 'float32'),
    });
    try {
      await handle.initialize(checkSeed(options.seed ?? 42));
    } catch (error) {
      handle.dispose();
      throw error;
    }
    return new VideoMAEForVideoClassification(full, handle);
  }

  private get handle(): NativeVideoMAEHandle {
    if (!this.handle_) throw new VideomaeError('the model was disposed', 'ERR_VIDEOMAE_CLOSED');
    return this.handle_;
  }

  get device(): string {
    return this.handle.device();
  }

  get training(): boolean {
    return this.training_;
  }

  /** Recompute each encoder layer in backward instead of keeping its activations. */
  get gradientCheckpointing(): boolean {
    return this.checkpointing_;
  }

  set gradientCheckpointing(on: boolean) {
    this.handle.setGradientCheckpointing(Boolean(on));
    this.checkpointing_ = Boolean(on);
  }

  train(mode = true): this {
    this.handle.setTraining(mode);
    this.training_ = mode;
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  private rememberProblemType(problemType: string | undefined): void {
    if (problemType && !this.config.problemType) this.config.problemType = problemType as ProblemType;
  }

  async forward(inputs: ModelInputs, options: { outputHiddenStates?: boolean; bf16?: boolean } = {}): Promise<ForwardOutput> {
    if (typeof inputs !== 'object' || inputs === null) throw invalidArg('inputs', '{ pixelValues, labels? }', inputs);
    const pixels = checkPixels(inputs.pixelValues, this.config);
    const labels = inputs.labels === undefined ? null : labelsToTensor(inputs.labels, this.config);
    const out = await this.handle.forward(pixels, labels, {
      outputHiddenStates: Boolean(options.outputHiddenStates),
      bf16: Boolean(options.bf16),
    });
    this.rememberProblemType(out.problemType);
    const result: ForwardOutput = { logits: out.logits };
    if (out.loss !== undefined) result.loss = out.loss;
    if (out.lastHiddenState) result.lastHiddenState = out.lastHiddenState;
    return result;
  }

  /** Forward + backward in the current mode; gradients accumulate until zeroGrad(). */
  async forwardBackward(
    inputs: Required<ModelInputs>,
    options: { lossScale?: number; bf16?: boolean; sync?: boolean } = {},
  ): Promise<{ loss: number; logits: TensorData<Float32Array> }> {
    const pixels = checkPixels(inputs?.pixelValues, this.config);
    if (inputs.labels === undefined) throw invalidArg('labels', 'labels for a backward pass', undefined);
    const out = await this.handle.forwardBackward(pixels, labelsToTensor(inputs.labels, this.config), {
      lossScale: options.lossScale ?? 1,
      bf16: Boolean(options.bf16),
      sync: options.sync ?? true,
    });
    this.rememberProblemType(out.problemType);
    return { loss: out.loss, logits: out.logits as TensorData<Float32Array> };
  }

  /**
   * One fused training micro-step in C++: forward (train mode) + backward of loss × lossScale;
   * with `step` (default) also clip to maxGradNorm, AdamW with `lr`, zero the gradients.
   * Returns the unscaled loss and, when clipping, the norm before clipping.
   */
  async trainStep(inputs: Required<ModelInputs>, options: TrainStepOptions): Promise<{ loss: number; gradNorm?: number }> {
    const pixels = checkPixels(inputs?.pixelValues, this.config);
    if (inputs.labels === undefined) throw invalidArg('labels', 'labels for a training step', undefined);
    if (typeof options !== 'object' || options === null || !(typeof options.lr === 'number' && options.lr >= 0))
      throw invalidArg('lr', 'a number >= 0', options?.lr);
    const lossScale = options.lossScale ?? 1;
    if (!(typeof lossScale === 'number' && lossScale > 0)) throw invalidArg('lossScale', 'a number > 0', lossScale);
    const maxGradNorm = options.maxGradNorm ?? 0;
    if (!(typeof maxGradNorm === 'number' && maxGradNorm >= 0)) throw invalidArg('maxGradNorm', 'a number >= 0', maxGradNorm);
    const out = await this.handle.trainStep(pixels, labelsToTensor(inputs.labels, this.config), {
      lr: options.lr,
      maxGradNorm,
      lossScale,
      step: options.step ?? true,
      bf16: Boolean(options.bf16),
      sync: options.sync ?? true,
    });
    this.rememberProblemType(out.problemType);
    return out.gradNorm === undefined ? { loss: out.loss } : { loss: out.loss, gradNorm: out.gradNorm };
  }

  /** The accumulated gradient of a parameter (a copy), or null when it has none. */
  getGradient(name: string): TensorData<Float32Array> | null {
    return this.handle.getGradient(name);
  }

  /** A copy of a parameter's values (float32). */
  getParameter(name: string): TensorData<Float32Array> {
    return this.handle.getParameter(name);
  }

  /** Parameter names (HF checkpoint names), shapes and whether AdamW decays them. */
  namedParameters(): Array<{ name: string; shape: number[]; weightDecay: boolean }> {
    return this.handle.namedParameters();
  }

  zeroGrad(): void {
    this.handle.zeroGrad();
  }

  /** torch.nn.utils.clip_grad_norm_: returns the total norm before clipping. */
  clipGradNorm(maxNorm: number): number {
    if (!(typeof maxNorm === 'number' && maxNorm > 0)) throw invalidArg('maxNorm', 'a number > 0', maxNorm);
    return this.handle.clipGradNorm(maxNorm);
  }

  /** AdamW (torch.optim.AdamW semantics) with HF's no-decay group; used by trainStep too. */
  createOptimizer(options: Partial<AdamWOptions> = {}): AdamWOptimizer {
    const o = normaliseAdamWOptions(options);
    this.handle.createOptimizer({ lr: o.lr, beta1: o.betas[0], beta2: o.betas[1], eps: o.eps, weightDecay: o.weightDecay });
    this.optimizer_ = new AdamWOptimizer(() => this.handle, o);
    return this.optimizer_;
  }

  get optimizer(): AdamWOptimizer | null {
    return this.optimizer_;
  }

  /**
   * Data-parallel training (DDP): copies rank 0's parameters to every rank, then hooks libtorch's
   * c10d Reducer onto the parameters so that each synchronised backward (trainStep/forwardBackward
   * with sync, the default) leaves the mean gradient over all ranks, all-reduced in buckets while
   * the backward still runs. Every rank must call it, and then step in lockstep. Move the model
   * to its device first.
   */
  async attachProcessGroup(
    group: ProcessGroup,
    options: { bucketCapMb?: number; firstBucketCapMb?: number } = {},
  ): Promise<GradientSyncInfo> {
    const bucketCapMb = options.bucketCapMb ?? 25;
    const firstBucketCapMb = options.firstBucketCapMb ?? 1;
    if (!(bucketCapMb > 0)) throw invalidArg('bucketCapMb', 'a number of MiB > 0', bucketCapMb);
    if (!(firstBucketCapMb > 0)) throw invalidArg('firstBucketCapMb', 'a number of MiB > 0', firstBucketCapMb);
    await this.handle.broadcastParameters(group.native, 0);
    return this.handle.attachProcessGroup(group.native, { bucketCapMb, firstBucketCapMb });
  }

  /** Back to local gradients. */
  detachProcessGroup(): void {
    this.handle.detachProcessGroup();
  }

  async to(device: Device): Promise<this> {
    await this.handle.to(checkDevice(device));
    return this;
  }

  /** Writes config.json + model.safetensors (+ preprocessor_config.json) into `dir`. */
  async savePretrained(dir: string, options: { preprocessorConfig?: Record<string, unknown> } = {}): Promise<void> {
    if (typeof dir !== 'string' || dir === '') throw invalidArg('dir', 'a folder path', dir);
    fs.mkdirSync(dir, { recursive: true });
    await this.handle.saveWeights(path.join(path.resolve(dir), 'model.safetensors'));
    saveConfig(dir, this.config);
    if (options.preprocessorConfig)
      fs.writeFileSync(path.join(dir, 'preprocessor_config.json'), serializeJsonSorted(options.preprocessorConfig));
  }

  numParameters(): number {
    return this.handle.numParameters();
  }

  /** Frees the native model now. Idempotent. */
  dispose(): void {
    if (!this.handle_) return;
    this.handle_.dispose();
    this.handle_ = null;
  }
}

/** Reads every tensor of a safetensors file (float types as float32). */
export function readSafetensors(file: string): Promise<Record<string, TensorData<TypedArrayLike>>> {
  return binding().readSafetensors(file);
}
