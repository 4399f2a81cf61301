/**
 * Video transforms declared as data and executed natively with ATen (native/core/data), with
 * pytorchvideo/torchvision semantics (docs/hf-semantics.md § "HF guide: transform chains" and
 * § "Transforms: pytorchvideo and torchvision semantics"). A clip enters as
 * float32 (C,T,H,W) 0..255 and leaves as (C,T,H',W'); the loader then collates (B,T,C,H,W).
 * Random transforms draw from a generator seeded per sample by (seed, epoch, sample index).
 */
import { invalidArg } from '../errors';
import { nativeAs } from '../native/binding';
import type { NativeTensor, TensorData, TypedArrayLike } from '../native/tensor';

export type VideoTransform =
  | { type: 'UniformTemporalSubsample'; numSamples: number }
  | { type: 'Div255' }
  | { type: 'Normalize'; mean: number[]; std: number[] }
  | { type: 'ShortSideScale'; size: number }
  | { type: 'RandomShortSideScale'; minSize: number; maxSize: number }
  | { type: 'Resize'; height?: number; width?: number; shortestEdge?: number; antialias?: boolean; roundToUint8?: boolean }
  | { type: 'RandomCrop'; height: number; width: number }
  | { type: 'CenterCrop'; height: number; width: number; offsetRounding?: 'round' | 'floor' }
  | { type: 'RandomHorizontalFlip'; p?: number };

const positiveInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;

/** Throws ERR_VIDEOMAE_INVALID_ARG naming the first bad transform field. */
export function validateTransforms(chain: VideoTransform[], name = 'transforms'): void {
  if (!Array.isArray(chain)) throw invalidArg(name, 'an array of transforms', chain);
  chain.forEach((t, i) => {
    const where = `${name}[${i}]`;
    if (typeof t !== 'object' || t === null) throw invalidArg(where, 'a transform object', t);
    const need = (field: string, value: unknown): void => {
      if (!positiveInt(value)) throw invalidArg(`${where}.${field}`, 'a positive integer', value);
    };
    switch (t.type) {
      case 'UniformTemporalSubsample':
        need('numSamples', t.numSamples);
        break;
      case 'Div255':
        break;
      case 'Normalize':
        if (!Array.isArray(t.mean) || t.mean.length === 0 || !t.mean.every((v) => Number.isFinite(v)))
          throw invalidArg(`${where}.mean`, 'an array of numbers', t.mean);
        if (!Array.isArray(t.std) || t.std.length !== t.mean.length || !t.std.every((v) => Number.isFinite(v) && v !== 0))
          throw invalidArg(`${where}.std`, `${t.mean.length} non-zero numbers`, t.std);
        break;
      case 'ShortSideScale':
        need('size', t.size);
        break;
      case 'RandomShortSideScale':
        need('minSize', t.minSize);
        need('maxSize', t.maxSize);
        if (t.maxSize < t.minSize) throw invalidArg(`${where}.maxSize`, `an integer >= minSize (${t.minSize})`, t.maxSize);
        break;
      case 'Resize':
        if (t.shortestEdge !== undefined) need('shortestEdge', t.shortestEdge);
        else {
          need('height', t.height);
          need('width', t.width);
        }
        break;
      case 'RandomCrop':
      case 'CenterCrop':
        need('height', t.height);
        need('width', t.width);
        break;
      case 'RandomHorizontalFlip':
        if (t.p !== undefined && !(t.p >= 0 && t.p <= 1)) throw invalidArg(`${where}.p`, 'a probability in [0, 1]', t.p);
        break;
      default:
        throw invalidArg(`${where}.type`, 'a known transform type', (t as { type?: unknown }).type);
    }
  });
}

/** The fields of a model's preprocessor_config.json that the presets read. */
export interface PreprocessorConfig {
  size?: number | { shortest_edge?: number; height?: number; width?: number };
  crop_size?: number | { height?: number; width?: number };
  image_mean?: number[];
  image_std?: number[];
  do_resize?: boolean;
  do_center_crop?: boolean;
  do_rescale?: boolean;
  do_normalize?: boolean;
}

export interface PreprocessorConstants {
  mean: number[];
  std: number[];
  /** The guide's resize_to: (s, s) for shortest_edge s, else (height, width). */
  resizeTo: [number, number];
  shortestEdge: number | undefined;
  crop: [number, number];
}

/** Reads mean/std/sizes like VideoMAEImageProcessor (a legacy int size means shortest_edge). */
export function preprocessorConstants(config: PreprocessorConfig): PreprocessorConstants {
  if (typeof config !== 'object' || config === null) throw invalidArg('preprocessor config', 'an object', config);
  const size = typeof config.size === 'number' ? { shortest_edge: config.size } : (config.size ?? { shortest_edge: 224 });
  const crop =
    typeof config.crop_size === 'number'
      ? { height: config.crop_size, width: config.crop_size }
      : (config.crop_size ?? { height: 224, width: 224 });
  const shortestEdge = size.shortest_edge;
  const resizeTo: [number, number] = shortestEdge !== undefined ? [shortestEdge, shortestEdge] : [size.height ?? 224, size.width ?? 224];
  return {
    mean: config.image_mean ?? [0.5, 0.5, 0.5],
    std: config.image_std ?? [0.5, 0.5, 0.5],
    resizeTo,
    shortestEdge,
    crop: [crop.height ?? 224, crop.width ?? 224],
  };
}

/**
 * The HF guide's train chain (docs/hf-semantics.md § "HF guide: transform chains"): subsample,
 * /255, normalize, random short side 256–320, random crop, flip.
 */
export function guideTrainTransforms(
  config: PreprocessorConfig,
  numFrames: number,
  options: { minSize?: number; maxSize?: number } = {},
): VideoTransform[] {
  const c = preprocessorConstants(config);
  return [
    { type: 'UniformTemporalSubsample', numSamples: numFrames },
    { type: 'Div255' },
    { type: 'Normalize', mean: c.mean, std: c.std },
    { type: 'RandomShortSideScale', minSize: options.minSize ?? 256, maxSize: options.maxSize ?? 320 },
    { type: 'RandomCrop', height: c.resizeTo[0], width: c.resizeTo[1] },
    { type: 'RandomHorizontalFlip', p: 0.5 },
  ];
}

/**
 * The HF guide's val/test chain (docs/hf-semantics.md § "HF guide: transform chains"): subsample,
 * /255, normalize, squash-resize to resize_to (antialias off by default: torchvision ≤ 0.16).
 */
export function guideValTransforms(config: PreprocessorConfig, numFrames: number, options: { antialias?: boolean } = {}): VideoTransform[] {
  const c = preprocessorConstants(config);
  return [
    { type: 'UniformTemporalSubsample', numSamples: numFrames },
    { type: 'Div255' },
    { type: 'Normalize', mean: c.mean, std: c.std },
    { type: 'Resize', height: c.resizeTo[0], width: c.resizeTo[1], antialias: options.antialias ?? false },
  ];
}

/**
 * The image processor's inference chain (docs/hf-semantics.md § "Image processor:
 * VideoMAEImageProcessor", torchvision backend): resize the shortest edge (antialiased, rounded
 * like a uint8 image), centre crop (floor offsets), rescale, normalize.
 * With `numFrames`, a UniformTemporalSubsample comes first.
 */
export function inferenceTransforms(config: PreprocessorConfig, numFrames?: number): VideoTransform[] {
  const c = preprocessorConstants(config);
  const chain: VideoTransform[] = [];
  if (numFrames !== undefined) chain.push({ type: 'UniformTemporalSubsample', numSamples: numFrames });
  if (config.do_resize !== false) {
    chain.push(
      c.shortestEdge !== undefined
        ? { type: 'Resize', shortestEdge: c.shortestEdge, antialias: true, roundToUint8: true }
        : { type: 'Resize', height: c.resizeTo[0], width: c.resizeTo[1], antialias: true, roundToUint8: true },
    );
  }
  if (config.do_center_crop !== false) chain.push({ type: 'CenterCrop', height: c.crop[0], width: c.crop[1], offsetRounding: 'floor' });
  if (config.do_rescale !== false) chain.push({ type: 'Div255' });
  if (config.do_normalize !== false) chain.push({ type: 'Normalize', mean: c.mean, std: c.std });
  return chain;
}

interface TransformBinding {
  dataApplyTransforms(
    input: TensorData<TypedArrayLike> | NativeTensor,
    chain: VideoTransform[],
    rng: { seed: number; epoch: number; sample: number },
  ): Promise<NativeTensor>;
}

/** Runs a chain on one float32 (C,T,H,W) clip natively; `rng` picks the per-sample random stream. */
export async function applyTransforms(
  clip: TensorData<TypedArrayLike> | NativeTensor,
  chain: VideoTransform[],
  rng: { seed?: number; epoch?: number; sample?: number } = {},
): Promise<NativeTensor> {
  validateTransforms(chain);
  return nativeAs<TransformBinding>().dataApplyTransforms(clip, chain, {
    seed: rng.seed ?? 0,
    epoch: rng.epoch ?? 0,
    sample: rng.sample ?? 0,
  });
}
