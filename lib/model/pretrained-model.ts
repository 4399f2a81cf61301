/**
 * VideoMAEPreTrainedModel: what HF's VideoMAEPreTrainedModel is to its heads — the native model
 * handle and everything that does not depend on the head: modes, parameters and gradients, the
 * optimizer, data-parallel attachment, device moves, savePretrained, dispose. The heads are
 * VideoMAEForVideoClassification (./videomae.ts) and VideoMAEForPreTraining (./pretraining.ts).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ProcessGroup } from '../distributed/process-group';
import { VideomaeError, invalidArg } from '../errors';
import { nativeAs } from '../native/binding';
import type { NativeTensor, TensorData } from '../native/tensor';
import { nativeModelConfig, saveConfig, serializeJsonSorted, type VideoMAEConfig } from './config';
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

export function binding(): ModelBinding {
  return nativeAs<ModelBinding>();
}

export function checkDevice(device: unknown): string {
  if (typeof device !== 'string' || !DEVICE_PATTERN.test(device)) throw invalidArg('device', "'auto', 'cpu', 'cuda' or 'cuda:N'", device);
  return device;
}

export function checkDtype(dtype: unknown): string {
  if (dtype !== 'float32' && dtype !== 'bfloat16' && dtype !== 'float16')
    throw invalidArg('dtype', "'float32', 'bfloat16' or 'float16'", dtype);
  return dtype;
}

export function checkSeed(seed: unknown): number {
  if (!(typeof seed === 'number' && Number.isSafeInteger(seed) && seed >= 0)) throw invalidArg('seed', 'a non-negative integer', seed);
  return seed;
}

function isNativeTensorLike(value: unknown): value is NativeTensor {
  return typeof value === 'object' && value !== null && (value as { constructor?: { name?: string } }).constructor?.name === 'NativeTensor';
}

export function checkPixels(pixels: unknown, config: VideoMAEConfig): NativeTensorInput {
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

/** trainStep's options checked and completed for the native call (shared by both heads). */
export function nativeStepOptions(options: TrainStepOptions): {
  lr: number;
  maxGradNorm: number;
  lossScale: number;
  step: boolean;
  bf16: boolean;
  sync: boolean;
} {
  if (typeof options !== 'object' || options === null || !(typeof options.lr === 'number' && options.lr >= 0))
    throw invalidArg('lr', 'a number >= 0', options?.lr);
  const lossScale = options.lossScale ?? 1;
  if (!(typeof lossScale === 'number' && lossScale > 0)) throw invalidArg('lossScale', 'a number > 0', lossScale);
  const maxGradNorm = options.maxGradNorm ?? 0;
  if (!(typeof maxGradNorm === 'number' && maxGradNorm >= 0)) throw invalidArg('maxGradNorm', 'a number >= 0', maxGradNorm);
  return { lr: options.lr, maxGradNorm, lossScale, step: options.step ?? true, bf16: Boolean(options.bf16), sync: options.sync ?? true };
}

export abstract class VideoMAEPreTrainedModel {
  readonly config: VideoMAEConfig;
  loadReport: LoadReport = { missingKeys: [], unexpectedKeys: [], mismatchedKeys: [] };
  protected handle_: NativeVideoMAEHandle | null;
  protected training_ = false;
  protected checkpointing_ = false;
  protected optimizer_: AdamWOptimizer | null = null;

  protected constructor(config: VideoMAEConfig, handle: NativeVideoMAEHandle) {
    this.config = config;
    this.handle_ = handle;
  }

  /** A native model of `config`'s shape with the weights of folder `dir` and its load report (the handle is disposed again when loading fails). */
  protected static async openNative(
    dir: string,
    config: VideoMAEConfig,
    options: FromPretrainedOptions,
    preTraining: boolean,
  ): Promise<{ handle: NativeVideoMAEHandle; loadReport: LoadReport }> {
    const handle = VideoMAEPreTrainedModel.newHandle(config, options, preTraining);
    try {
      const report = await handle.loadCheckpoint(path.resolve(dir), {
        ignoreMismatchedSizes: options.ignoreMismatchedSizes ?? false,
        seed: checkSeed(options.seed ?? 42),
      });
      return {
        handle,
        loadReport: { missingKeys: report.missingKeys, unexpectedKeys: report.unexpectedKeys, mismatchedKeys: report.mismatchedKeys },
      };
    } catch (error) {
      handle.dispose();
      throw error;
    }
  }

  /** A native model of `config`'s shape with HF's random init for options.seed (default 42). */
  protected static async createNative(
    config: VideoMAEConfig,
    options: FromConfigOptions,
    preTraining: boolean,
  ): Promise<NativeVideoMAEHandle> {
    const handle = VideoMAEPreTrainedModel.newHandle(config, options, preTraining);
    try {
      await handle.initialize(checkSeed(options.seed ?? 42));
    } catch (error) {
      handle.dispose();
      throw error;
    }
    return handle;
  }

  private static newHandle(config: VideoMAEConfig, options: FromConfigOptions, preTraining: boolean): NativeVideoMAEHandle {
    return new (binding().NativeVideoMAE)(
      { ...nativeModelConfig(config), preTraining },
      { device: checkDevice(options.device ?? 'auto'), dtype: checkDtype(options.dtype ?? 'float32') },
    );
  }

  /** Folder checks shared by the heads' fromPretrained. */
  protected static checkFolder(dir: unknown): string {
    if (typeof dir !== 'string' || dir === '') throw invalidArg('dir', 'a model folder path', dir);
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
      throw new VideomaeError(`model folder not found: ${dir}`, 'ERR_VIDEOMAE_IO');
    return dir;
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

  protected get handle(): NativeVideoMAEHandle {
    if (!this.handle_) throw new VideomaeError('the model was disposed', 'ERR_VIDEOMAE_CLOSED');
    return this.handle_;
  }
}
