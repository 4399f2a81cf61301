/**
 * What the pipeline uses of the decoder (lib/decoder) and the model (lib/model): the minimal
 * interfaces, so this folder states its contract with them in one place.
 */
import type { Device } from '../model';
import type { TensorData } from '../native/tensor';

export interface VideoMetadataLike {
  width: number;
  height: number;
  fps: number;
  numFrames: number;
  durationSeconds: number;
}

export interface FrameRequest {
  autoRotate?: boolean;
  layout?: 'THWC';
}

export interface VideoReaderLike {
  readonly metadata: VideoMetadataLike;
  getFramesAt(indices: number[], options?: FrameRequest): Promise<{ data: Uint8Array | Float32Array; shape: number[] }>;
  close(): void | Promise<void>;
}

export interface VideoReaderClass {
  open(source: string | Uint8Array): Promise<VideoReaderLike>;
}

/** The parts of lib/model's VideoMAEConfig the pipeline reads. */
export interface ClassifierConfig {
  numFrames: number;
  imageSize: number | [number, number];
  numLabels: number;
  id2label: Record<number, string>;
}

export interface ClassifierModel {
  readonly config: ClassifierConfig;
  eval(): unknown;
  forward(inputs: {
    pixelValues: TensorData<Float32Array>;
  }): Promise<{ logits: TensorData<Float32Array> | { data: Float32Array; shape: number[] } }>;
  dispose(): void;
}

export interface ClassifierModelClass {
  fromPretrained(dir: string, options?: { device?: Device; dtype?: 'float32' }): Promise<ClassifierModel>;
}
