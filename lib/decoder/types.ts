/** Public types of the video decoder. */

export interface VideoMetadata {
  /** Coded frame size (before rotation). */
  width: number;
  height: number;
  /** Display-matrix angle (counter-clockwise degrees, as ffprobe shows it): 0, 90, 180 or 270. autoRotate turns frames upright. */
  rotation: number;
  fps: number;
  /** Exact frame count (from a packet index, not the container header). */
  numFrames: number;
  durationSeconds: number;
  codec: string;
  pixelFormat: string;
  bitRate: number;
  streamIndex: number;
  hasAudio: boolean;
}

export type VideoSource = string | Uint8Array;

export interface OpenOptions {
  /** Video stream index; default: FFmpeg's best video stream. */
  stream?: number;
  /** Decoder threads for this video (0 = automatic: one for frames up to 0.1 megapixel, where threads cost more than they gain; FFmpeg's frame + slice threads above). */
  decoderThreads?: number;
}

export type OutputSize = { height: number; width: number } | { shortestEdge: number };
export type Interpolation = 'bilinear' | 'nearest' | 'bicubic' | 'area';
export type FrameLayout = 'THWC' | 'CTHW' | 'TCHW';

export interface FrameOptions {
  /** Output size after rotation; default the source size. shortestEdge follows pytorchvideo's short_side_scale. */
  size?: OutputSize;
  interpolation?: Interpolation;
  /** Apply the display-matrix rotation (default true). */
  autoRotate?: boolean;
  /** 'THWC' uint8 (default) or float32 'CTHW' / 'TCHW', (x - mean[c]) / std[c] on 0..255 values. */
  layout?: FrameLayout;
  mean?: number | [number, number, number];
  std?: number | [number, number, number];
  /**
   * A requested frame that cannot be decoded (corrupt data): 'error' (default) rejects with
   * ERR_VIDEOMAE_DECODE; 'skip' returns it black and counts it in `corruptFrames`.
   */
  onCorrupt?: 'error' | 'skip';
}

export interface DecodedFrames {
  /** Uint8Array for 'THWC', Float32Array for the float layouts. */
  data: Uint8Array | Float32Array;
  /** [T, H, W, 3] (THWC), [3, T, H, W] (CTHW) or [T, 3, H, W] (TCHW). */
  shape: number[];
  /** Requested frames that could not be decoded (only non-zero with onCorrupt: 'skip'). */
  corruptFrames: number;
}

export interface DecodedClip extends DecodedFrames {
  /** Presentation-order indices of the returned frames. */
  indices: number[];
}

export interface ClipRange {
  start: number;
  end: number;
}

export interface SampleClipRequest extends ClipRange {
  numFrames: number;
}

export interface DecodeClipOptions extends FrameOptions, OpenOptions {
  /** Frames to return, uniformly subsampled (UniformTemporalSubsample); default every frame. */
  numFrames?: number;
  /** Seconds [start, end) as pytorchvideo selects them; default the whole video. */
  clip?: ClipRange;
}

export interface DecodeClipsOptions extends DecodeClipOptions {
  /** Native decode threads (videos decoded at once); default the number of cores. */
  threads?: number;
}

/** One video of a batch: a source, or a source with its own clip / numFrames. */
export type ClipSource = VideoSource | { source: VideoSource; clip?: ClipRange; numFrames?: number };
