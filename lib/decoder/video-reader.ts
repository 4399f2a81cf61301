/**
 * VideoReader: frame-accurate access to one video (a path or the bytes of a whole file), and the
 * one-shot decodeClip / decodeClips (many videos through the native decode pool).
 * Frames are addressed by presentation-order index; see frameTimestamps().
 */
import { VideomaeError, invalidArg } from '../errors';
import { decoderBinding, type NativeVideoReader } from './native';
import type {
  ClipSource,
  DecodeClipOptions,
  DecodeClipsOptions,
  DecodedClip,
  DecodedFrames,
  FrameOptions,
  OpenOptions,
  SampleClipRequest,
  VideoMetadata,
  VideoSource,
} from './types';
import {
  checkClipRange,
  checkClipSource,
  checkDecodeClipOptions,
  checkFrameOptions,
  checkIndices,
  checkNumFrames,
  checkOpenOptions,
  checkSeconds,
  checkSource,
} from './validate';

/** UniformTemporalSubsample's indices: torch.linspace(0, n-1, count) in float32, truncated. */
export function uniformTemporalSubsample(n: number, count: number): number[] {
  if (!Number.isInteger(n) || n < 1) throw invalidArg('n', 'a positive integer', n);
  if (!Number.isInteger(count) || count < 1) throw invalidArg('count', 'a positive integer', count);
  const f = Math.fround;
  const end = f(n - 1);
  const step = count > 1 ? f(end / f(count - 1)) : 0;
  const halfway = Math.floor(count / 2);
  const result: number[] = [];
  for (let i = 0; i < count; i += 1) {
    let value = count === 1 ? 0 : i < halfway ? f(step * i) : f(end - f(step * (count - 1 - i)));
    value = Math.min(Math.max(value, 0), end);
    result.push(Math.trunc(value));
  }
  return result;
}

export class VideoReader {
  /** Metadata of the decoded stream (numFrames is exact). */
  readonly metadata: VideoMetadata;
  private handle: NativeVideoReader | undefined;
  private timestamps: Float64Array | undefined;

  private constructor(handle: NativeVideoReader) {
    this.handle = handle;
    this.metadata = Object.freeze(handle.metadata());
  }

  /** Opens a video file, or a Buffer holding a whole video file (read in memory, no temp file). */
  static async open(source: VideoSource, options?: OpenOptions): Promise<VideoReader> {
    const checked = checkSource(source);
    const handle = await decoderBinding().openVideo(checked, checkOpenOptions(options));
    return new VideoReader(handle);
  }

  get closed(): boolean {
    return this.handle === undefined;
  }

  private native(operation: string): NativeVideoReader {
    if (!this.handle) throw new VideomaeError(`${operation}: the video reader is closed`, 'ERR_VIDEOMAE_CLOSED');
    return this.handle;
  }

  /** Presentation times (seconds) of every frame, in presentation order. */
  frameTimestamps(): Float64Array {
    if (!this.timestamps) this.timestamps = this.native('frameTimestamps').frameTimestamps();
    return this.timestamps.slice();
  }

  /** The (height, width) frames will have with these options. */
  outputSize(options?: FrameOptions): { height: number; width: number } {
    const [height, width] = this.native('outputSize').outputSize(checkFrameOptions(options));
    return { height, width };
  }

  /** RGB frames at presentation-order indices (any order, repeats allowed). */
  async getFramesAt(indices: ArrayLike<number>, options?: FrameOptions): Promise<DecodedFrames> {
    const handle = this.native('getFramesAt');
    const list = checkIndices(indices, this.metadata.numFrames);
    return handle.getFramesAt(list, checkFrameOptions(options));
  }

  /** Presentation-order indices of the frames displayed at these times. */
  frameIndicesPlayedAt(seconds: ArrayLike<number>): number[] {
    const list = checkSeconds(Array.isArray(seconds) ? seconds : Array.from(seconds));
    const indices = this.native('getFramesPlayedAt').frameIndicesPlayedAt(list);
    indices.forEach((index, i) => {
      if (index < 0) throw invalidArg('seconds', `times within the video (0 to ${this.metadata.durationSeconds} s)`, list[i]);
    });
    return indices;
  }

  /** The frames whose display interval [pts, next pts) contains each time. */
  async getFramesPlayedAt(seconds: ArrayLike<number>, options?: FrameOptions): Promise<DecodedFrames> {
    return this.getFramesAt(this.frameIndicesPlayedAt(seconds), options);
  }

  /**
   * Indices of the frames pytorchvideo's PyAV backend returns for the clip [start, end) seconds:
   * ceil(start/tb) <= pts - start_pts < ceil(end/tb), exact on the binary values. With
   * `duration` instead of `end`, the end is start + duration summed exactly (as Fractions are).
   */
  clipIndices(clip: { start: number; end: number } | { start: number; duration: number }): number[] {
    if ('duration' in clip) {
      if (typeof clip.duration !== 'number' || !Number.isFinite(clip.duration) || clip.duration <= 0) {
        throw invalidArg('clip.duration', 'a positive number of seconds', clip.duration);
      }
      checkClipRange({ start: clip.start, end: clip.start + clip.duration }, 'clip');
      return this.native('clipIndices').clipIndices(clip.start, 0, clip.duration);
    }
    const range = checkClipRange(clip, 'clip');
    return this.native('clipIndices').clipIndices(range.start, range.end);
  }

  /**
   * pytorchvideo's clip [start, end) then UniformTemporalSubsample(numFrames). Rejects with
   * ERR_VIDEOMAE_DECODE when no frame lies in the clip.
   */
  async sampleClip(request: SampleClipRequest, options?: FrameOptions): Promise<DecodedClip> {
    if (typeof request !== 'object' || request === null) throw invalidArg('request', '{ start, end, numFrames }', request);
    checkNumFrames(request.numFrames, 'request.numFrames', true);
    const candidates = this.clipIndices(checkClipRange(request, 'request'));
    if (candidates.length === 0) {
      throw new VideomaeError(`sampleClip: no frame of the video lies in [${request.start}, ${request.end}) s`, 'ERR_VIDEOMAE_DECODE');
    }
    const indices = uniformTemporalSubsample(candidates.length, request.numFrames).map((k) => candidates[k] as number);
    const frames = await this.getFramesAt(indices, options);
    return { ...frames, indices };
  }

  /** Frees the decoder. Idempotent; an operation in flight finishes first and then frees it. */
  close(): void {
    this.handle?.close();
    this.handle = undefined;
  }
}

/** Opens, decodes `numFrames` uniformly sampled frames of the clip (or the whole video), closes. */
export async function decodeClip(source: VideoSource, options: DecodeClipOptions): Promise<DecodedClip> {
  const checked = checkSource(source);
  return decoderBinding().decodeClip(checked, checkDecodeClipOptions(options, true));
}

/**
 * Many videos at once through the native decode pool (`threads` videos in parallel, default the
 * number of cores, one decoder thread each); the JS thread stays free. Each entry of the result
 * is the clip or the VideomaeError of that video, in the order of `sources`.
 */
export async function decodeClips(sources: ClipSource[], options: DecodeClipsOptions): Promise<Array<DecodedClip | VideomaeError>> {
  if (!Array.isArray(sources)) throw invalidArg('sources', 'an array of video sources', sources);
  const checked = sources.map((entry, i) => checkClipSource(entry, i));
  const opts = checkDecodeClipOptions(options, false);
  if (opts.numFrames === undefined && checked.some((e) => typeof e !== 'object' || ArrayBuffer.isView(e) || e.numFrames === undefined)) {
    throw invalidArg('options.numFrames', 'a positive integer (or numFrames on every source)', opts.numFrames);
  }
  return (await decoderBinding().decodeClips(checked, opts)) as Array<DecodedClip | VideomaeError>;
}
