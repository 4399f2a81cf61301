/**
 * VideoMAEForVideoClassification: HF's video classifier running in libtorch (native addon).
 * Checkpoints are HF model folders (config.json + model.safetensors | shards | pytorch_model.bin)
 * and savePretrained() writes folders that Python transformers loads with the same logits.
 */
import { invalidArg } from '../errors';
import type { NativeTensor, TensorData, TypedArrayLike } from '../native/tensor';
import { defaultConfig, loadConfig, withLabels, type ProblemType, type VideoMAEConfig } from './config';
import type { NativeVideoMAEHandle } from './native';
import {
  binding,
  checkPixels,
  nativeStepOptions,
  VideoMAEPreTrainedModel,
  type FromConfigOptions,
  type FromPretrainedOptions,
  type TrainStepOptions,
} from './pretrained-model';

export {
  VideoMAEPreTrainedModel,
  type Device,
  type ModelDtype,
  type LoadReport,
  type FromPretrainedOptions,
  type FromConfigOptions,
  type GradientSyncInfo,
  type TrainStepOptions,
} from './pretrained-model';

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

export class VideoMAEForVideoClassification extends VideoMAEPreTrainedModel {
  private constructor(config: VideoMAEConfig, handle: NativeVideoMAEHandle) {
    super(config, handle);
  }

  /** Loads a HF model folder (like `from_pretrained`); `numLabels`/`id2label` replace the head's labels. */
  static async fromPretrained(dir: string, options: FromPretrainedOptions = {}): Promise<VideoMAEForVideoClassification> {
    VideoMAEPreTrainedModel.checkFolder(dir);
    let config = loadConfig(dir);
    if (options.numLabels !== undefined || options.id2label !== undefined) config = withLabels(config, options);
    config.architectures = ['VideoMAEForVideoClassification'];
    const { handle, loadReport } = await VideoMAEPreTrainedModel.openNative(dir, config, options, false);
    const model = new VideoMAEForVideoClassification(config, handle);
    model.loadReport = loadReport;
    return model;
  }

  /** A randomly initialised model (HF's init), deterministic for a given seed. */
  static async fromConfig(
    config: Partial<VideoMAEConfig> | VideoMAEConfig,
    options: FromConfigOptions = {},
  ): Promise<VideoMAEForVideoClassification> {
    const full = defaultConfig(config);
    full.architectures = ['VideoMAEForVideoClassification'];
    return new VideoMAEForVideoClassification(full, await VideoMAEPreTrainedModel.createNative(full, options, false));
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
    const out = await this.handle.trainStep(pixels, labelsToTensor(inputs.labels, this.config), nativeStepOptions(options));
    this.rememberProblemType(out.problemType);
    return out.gradNorm === undefined ? { loss: out.loss } : { loss: out.loss, gradNorm: out.gradNorm };
  }
}

/** Reads every tensor of a safetensors file (float types as float32). */
export function readSafetensors(file: string): Promise<Record<string, TensorData<TypedArrayLike>>> {
  return binding().readSafetensors(file);
}
