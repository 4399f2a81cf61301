/**
 * VideoMAEForPreTraining: HF's masked-autoencoder pre-training model running in libtorch. The
 * encoder sees only the visible tokens (10 % of them at the default ratio 0.9), the decoder
 * reconstructs the masked tubelets; the loss is the MSE against HF's targets (per-patch normalised
 * pixels with norm_pix_loss). Checkpoints are HF folders that transformers' VideoMAEForPreTraining
 * loads; a VideoMAEForVideoClassification.fromPretrained of one reports the decoder keys as
 * unexpected and the classifier as new, as HF does.
 *
 *   const model = await VideoMAEForPreTraining.fromConfig(config, { seed: 0 });
 *   const mask = model.tubeMask({ maskRatio: 0.9, seed: 0, sampleIndices: [0, 1] });
 *   const { loss } = await model.trainStep({ pixelValues, boolMaskedPos: mask }, { lr: 1.5e-4 });
 */
import { invalidArg } from '../errors';
import type { NativeTensor, TensorData, TypedArrayLike } from '../native/tensor';
import { defaultConfig, loadConfig, type VideoMAEConfig } from './config';
import type { NativeVideoMAEHandle } from './native';
import {
  checkPixels,
  nativeStepOptions,
  VideoMAEPreTrainedModel,
  type FromConfigOptions,
  type FromPretrainedOptions,
  type TrainStepOptions,
} from './pretrained-model';
import { maskGrid, tubeMaskBatch } from './tube-masking';

/** (B, N) with 1/true = masked: a Uint8Array/number[]/boolean[] of B·N values row by row, { data, shape }, or a NativeTensor. */
export type BoolMaskedPos = TensorData<Uint8Array | Int32Array> | NativeTensor | Uint8Array | Array<number | boolean>;

export interface PreTrainingInputs {
  /** (B, T, C, H, W) float32, normalised as HF's image processor does. */
  pixelValues: TensorData<Float32Array> | NativeTensor;
  boolMaskedPos: BoolMaskedPos;
}

export interface PreTrainingOutput {
  /** The MSE over the masked tubelets. */
  loss: number;
  /** (B, masked, tubelet·patch·patch·C) reconstructions. */
  logits: TensorData<Float32Array>;
  /** HF's targets for them (normalised per patch with norm_pix_loss, else un-normalised pixels). */
  targets: TensorData<Float32Array>;
}

export class VideoMAEForPreTraining extends VideoMAEPreTrainedModel {
  private constructor(config: VideoMAEConfig, handle: NativeVideoMAEHandle) {
    super(config, handle);
  }

  /** Loads a HF pre-training folder (e.g. MCG-NJU/videomae-base's layout); parameters it lacks are initialised with `seed`. */
  static async fromPretrained(
    dir: string,
    options: Omit<FromPretrainedOptions, 'numLabels' | 'id2label'> = {},
  ): Promise<VideoMAEForPreTraining> {
    VideoMAEPreTrainedModel.checkFolder(dir);
    const config = loadConfig(dir);
    config.architectures = ['VideoMAEForPreTraining'];
    const { handle, loadReport } = await VideoMAEPreTrainedModel.openNative(dir, config, options, true);
    const model = new VideoMAEForPreTraining(config, handle);
    model.loadReport = loadReport;
    return model;
  }

  /** A randomly initialised pre-training model (HF's init: mask_token zero), deterministic for a seed. */
  static async fromConfig(
    config: Partial<VideoMAEConfig> | VideoMAEConfig,
    options: FromConfigOptions = {},
  ): Promise<VideoMAEForPreTraining> {
    const full = defaultConfig(config);
    full.architectures = ['VideoMAEForPreTraining'];
    return new VideoMAEForPreTraining(full, await VideoMAEPreTrainedModel.createNative(full, options, true));
  }

  /** Tokens per clip: (num_frames / tubelet) × patches per frame. */
  get sequenceLength(): number {
    return maskGrid(this.config).sequenceLength;
  }

  /** Tube masks for a batch (lib/model/tube-masking.ts): one per clip, from (seed, sample index). */
  tubeMask(options: { maskRatio?: number; seed: number; sampleIndices: number[] }): TensorData<Uint8Array> {
    if (!Array.isArray(options?.sampleIndices) || options.sampleIndices.length === 0)
      throw invalidArg('sampleIndices', 'a non-empty array of clip indices', options?.sampleIndices);
    return tubeMaskBatch(this.config, { maskRatio: options.maskRatio ?? 0.9, seed: options.seed, sampleIndices: options.sampleIndices });
  }

  private maskTensor(mask: BoolMaskedPos, batch: number | undefined): TensorData<TypedArrayLike> | NativeTensor {
    const n = this.sequenceLength;
    if (typeof mask === 'object' && mask !== null && 'shape' in mask && !ArrayBuffer.isView(mask)) return mask as TensorData<Uint8Array>;
    const values = ArrayBuffer.isView(mask) ? (mask as Uint8Array) : Array.isArray(mask) ? Uint8Array.from(mask, (v) => (v ? 1 : 0)) : null;
    if (!values || values.length % n !== 0 || values.length === 0)
      throw invalidArg('boolMaskedPos', `(B, ${n}) values: ${n} per clip, 1 = masked`, mask);
    const rows = values.length / n;
    if (batch !== undefined && rows !== batch) throw invalidArg('boolMaskedPos', `${batch} rows of ${n} (one per clip)`, `${rows} rows`);
    return { data: values, shape: [rows, n] };
  }

  /** Reconstruction loss, reconstructions and targets (eval mode unless train() was called; no gradients). */
  async forward(inputs: PreTrainingInputs, options: { bf16?: boolean; outputHiddenStates?: boolean } = {}): Promise<PreTrainingOutput> {
    if (typeof inputs !== 'object' || inputs === null) throw invalidArg('inputs', '{ pixelValues, boolMaskedPos }', inputs);
    const pixels = checkPixels(inputs.pixelValues, this.config);
    const out = await this.handle.forward(pixels, this.maskTensor(inputs.boolMaskedPos, batchOf(pixels)), {
      outputHiddenStates: Boolean(options.outputHiddenStates),
      bf16: Boolean(options.bf16),
    });
    return { loss: out.loss as number, logits: out.logits, targets: out.targets as TensorData<Float32Array> };
  }

  /**
   * One fused training micro-step in C++: forward (train mode) + backward of loss × lossScale;
   * with `step` (default) also clip, AdamW with `lr`, zero the gradients.
   */
  async trainStep(inputs: PreTrainingInputs, options: TrainStepOptions): Promise<{ loss: number; gradNorm?: number }> {
    if (typeof inputs !== 'object' || inputs === null) throw invalidArg('inputs', '{ pixelValues, boolMaskedPos }', inputs);
    const pixels = checkPixels(inputs.pixelValues, this.config);
    const out = await this.handle.trainStep(pixels, this.maskTensor(inputs.boolMaskedPos, batchOf(pixels)), nativeStepOptions(options));
    return out.gradNorm === undefined ? { loss: out.loss } : { loss: out.loss, gradNorm: out.gradNorm };
  }

  /** Forward + backward in the current mode; gradients accumulate until zeroGrad(). */
  async forwardBackward(
    inputs: PreTrainingInputs,
    options: { lossScale?: number; bf16?: boolean; sync?: boolean } = {},
  ): Promise<{ loss: number }> {
    const pixels = checkPixels(inputs?.pixelValues, this.config);
    const out = await this.handle.forwardBackward(pixels, this.maskTensor(inputs.boolMaskedPos, batchOf(pixels)), {
      lossScale: options.lossScale ?? 1,
      bf16: Boolean(options.bf16),
      sync: options.sync ?? true,
    });
    return { loss: out.loss };
  }
}

function batchOf(pixels: TensorData<Float32Array> | NativeTensor | { shape?: number[] }): number | undefined {
  return (pixels as { shape?: number[] }).shape?.[0];
}
