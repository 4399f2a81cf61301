/**
 * User-supplied frames (canvas ImageData, webcam buffers): RGBA or RGB typed arrays of one size,
 * packed into one (T, H, W, C) uint8 block for the native processor. Pure TypeScript.
 */
import { invalidArg } from '../errors';
import type { FrameTensor } from './image-processor';

export interface RawFrame {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
}

export function isRawFrame(value: unknown): value is RawFrame {
  if (typeof value !== 'object' || value === null) return false;
  const f = value as Partial<RawFrame>;
  return ArrayBuffer.isView(f.data) && typeof f.width === 'number' && typeof f.height === 'number';
}

/** Channels of a frame from its byte count: 4 (RGBA) or 3 (RGB). */
export function frameChannels(frame: RawFrame, name: string): 3 | 4 {
  if (!Number.isInteger(frame.width) || !Number.isInteger(frame.height) || frame.width < 1 || frame.height < 1) {
    throw invalidArg(`${name}.width/height`, 'positive integers', `${frame.width}x${frame.height}`);
  }
  const pixels = frame.width * frame.height;
  if (frame.data.length === pixels * 4) return 4;
  if (frame.data.length === pixels * 3) return 3;
  throw invalidArg(`${name}.data`, `${pixels * 4} (RGBA) or ${pixels * 3} (RGB) bytes for ${frame.width}x${frame.height}`, frame.data);
}

/** Selected frames packed as (T, H, W, C); all frames must share size and channel count. */
export function packFrames(frames: RawFrame[], indices: number[], name = 'frames'): FrameTensor {
  const first = frames[0];
  const channels = frameChannels(first, `${name}[0]`);
  const frameBytes = first.width * first.height * channels;
  const data = new Uint8Array(indices.length * frameBytes);
  indices.forEach((index, t) => {
    const frame = frames[index];
    if (frame.width !== first.width || frame.height !== first.height || frameChannels(frame, `${name}[${index}]`) !== channels) {
      throw invalidArg(
        `${name}[${index}]`,
        `a ${first.width}x${first.height} frame with ${channels} channels like ${name}[0]`,
        `${frame.width}x${frame.height}`,
      );
    }
    data.set(frame.data, t * frameBytes);
  });
  return { data, shape: [indices.length, first.height, first.width, channels] };
}
