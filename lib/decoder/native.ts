/** The decoder's view of the native addon (native/bindings/video_*.cpp). */
import { nativeAs } from '../native/binding';
import type {
  ClipSource,
  DecodeClipOptions,
  DecodedClip,
  DecodedFrames,
  FrameOptions,
  OpenOptions,
  VideoMetadata,
  VideoSource,
} from './types';

export interface NativeVideoReader {
  metadata(): VideoMetadata;
  frameTimestamps(): Float64Array;
  outputSize(options?: FrameOptions): [number, number];
  clipIndices(start: number, end: number, duration?: number): number[];
  frameIndicesPlayedAt(seconds: number[]): number[];
  getFramesAt(indices: number[], options?: FrameOptions): Promise<DecodedFrames>;
  close(): void;
  readonly closed: boolean;
}

export interface DecoderBinding {
  openVideo(source: VideoSource, options?: OpenOptions): Promise<NativeVideoReader>;
  decodeClip(source: VideoSource, options: DecodeClipOptions): Promise<DecodedClip>;
  decodeClips(sources: ClipSource[], options: DecodeClipOptions & { threads?: number }): Promise<Array<DecodedClip | Error>>;
}

export function decoderBinding(): DecoderBinding {
  return nativeAs<DecoderBinding>();
}
