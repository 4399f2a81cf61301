/**
 * The native VideoMAE image processor: HF's VideoMAEImageProcessor (PIL backend) for whole clips.
 * Frames in: (T, H, W, 3|4) uint8 (RGB, or RGBA with alpha ignored). Out: (views, T, 3, h, w)
 * float32, one view per crop (HF's single centre crop by default).
 */
import { invalidArg } from '../errors';
import { nativeAs } from '../native/binding';
import type { TensorData } from '../native/tensor';
import { cropBoxes, shortestEdgeSize, type CropBox } from './crops';
import { DEFAULT_PROCESSOR_CONFIG, loadProcessorConfig, type ImageProcessorConfig } from './processor-config';

/** Packed frames: `data` holds T·H·W·C bytes, `shape` is [T, H, W, C] with C = 3 or 4. */
export interface FrameTensor {
  data: Uint8Array;
  shape: [number, number, number, number];
}

interface NativeProcessOptions {
  doResize: boolean;
  shortestEdge: number;
  cropHeight: number;
  cropWidth: number;
  crops: CropBox[];
  doRescale: boolean;
  rescaleFactor: number;
  doNormalize: boolean;
  mean: number[];
  std: number[];
}

interface ImageBinding {
  preprocessVideo(frames: FrameTensor, options: NativeProcessOptions): Promise<TensorData<Float32Array>>;
  resizeFrames(frames: FrameTensor, size: { height: number; width: number }): Promise<TensorData<Uint8Array>>;
}

function checkFrames(frames: FrameTensor, name: string): void {
  const shape = frames?.shape;
  if (!frames || !(frames.data instanceof Uint8Array || ArrayBuffer.isView(frames.data)) || !Array.isArray(shape) || shape.length !== 4) {
    throw invalidArg(name, '{ data: Uint8Array, shape: [T, H, W, 3 | 4] }', frames);
  }
  if (shape[3] !== 3 && shape[3] !== 4) throw invalidArg(`${name}.shape[3]`, '3 (RGB) or 4 (RGBA)', shape[3]);
  if (shape.slice(0, 3).some((d) => !Number.isInteger(d) || d < 1)) throw invalidArg(`${name}.shape`, 'positive integers', shape);
  const needed = shape[0] * shape[1] * shape[2] * shape[3];
  if (frames.data.length !== needed) throw invalidArg(`${name}.data`, `${needed} bytes for shape [${shape.join(', ')}]`, frames.data);
}

export class VideoImageProcessor {
  readonly config: ImageProcessorConfig;

  constructor(config: Partial<ImageProcessorConfig> = {}) {
    this.config = { ...DEFAULT_PROCESSOR_CONFIG, ...config };
  }

  /** The processor of a checkpoint folder (its preprocessor_config.json). */
  static fromPretrained(dir: string, imageSize?: number): VideoImageProcessor {
    return new VideoImageProcessor(loadProcessorConfig(dir, imageSize));
  }

  /** (height, width) of a frame after the resize step. */
  resizedSize(height: number, width: number): [number, number] {
    return this.config.doResize ? shortestEdgeSize(height, width, this.config.shortestEdge) : [height, width];
  }

  /** Frames → normalised pixels (views, T, 3, h, w); `crops` > 1 gives VideoMAE's spatial views. */
  async preprocess(frames: FrameTensor, options: { crops?: number } = {}): Promise<TensorData<Float32Array>> {
    checkFrames(frames, 'frames');
    const crops = options.crops ?? 1;
    if (!Number.isInteger(crops) || crops < 1) throw invalidArg('crops', 'a positive integer', crops);
    const c = this.config;
    const [height, width] = this.resizedSize(frames.shape[1], frames.shape[2]);
    const [cropHeight, cropWidth] = c.doCenterCrop ? [c.cropHeight, c.cropWidth] : [height, width];
    return nativeAs<ImageBinding>().preprocessVideo(frames, {
      doResize: c.doResize,
      shortestEdge: c.shortestEdge,
      cropHeight,
      cropWidth,
      crops: cropBoxes(height, width, cropHeight, cropWidth, crops),
      doRescale: c.doRescale,
      rescaleFactor: c.rescaleFactor,
      doNormalize: c.doNormalize,
      mean: c.mean,
      std: c.std,
    });
  }
}

/** PIL-exact BILINEAR resize of every frame (the processor's first step), → (T, h, w, 3) uint8. */
export function resizeFrames(frames: FrameTensor, size: { height: number; width: number }): Promise<TensorData<Uint8Array>> {
  checkFrames(frames, 'frames');
  for (const key of ['height', 'width'] as const) {
    if (!Number.isInteger(size?.[key]) || size[key] < 1) throw invalidArg(`size.${key}`, 'a positive integer', size?.[key]);
  }
  return nativeAs<ImageBinding>().resizeFrames(frames, size);
}
