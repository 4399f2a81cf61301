/** Argument checks for the decoder API (before anything reaches native code). */
import { invalidArg } from '../errors';
import type { ClipRange, ClipSource, DecodeClipsOptions, FrameOptions, OpenOptions, VideoSource } from './types';

const MAX_SIDE = 32768;
const INTERPOLATIONS = ['bilinear', 'nearest', 'bicubic', 'area'];
const LAYOUTS = ['THWC', 'CTHW', 'TCHW'];

function isInt(value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

export function checkSource(source: unknown, name = 'source'): VideoSource {
  if (typeof source === 'string' && source.length > 0) return source;
  if (source instanceof Uint8Array || (ArrayBuffer.isView(source) && source.constructor.name === 'Buffer')) return source as Uint8Array;
  throw invalidArg(name, 'a file path or a Buffer holding a whole video file', source);
}

export function checkOpenOptions(options: unknown): OpenOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'an object', options);
  const { stream, decoderThreads } = options as OpenOptions;
  if (stream !== undefined && !isInt(stream, 0)) throw invalidArg('options.stream', 'a non-negative integer stream index', stream);
  if (decoderThreads !== undefined && !isInt(decoderThreads, 0, 256)) {
    throw invalidArg('options.decoderThreads', 'an integer in [0, 256]', decoderThreads);
  }
  return options as OpenOptions;
}

function checkTriple(value: unknown, name: string, nonZero: boolean): void {
  if (value === undefined) return;
  const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && (!nonZero || v !== 0);
  if (ok(value)) return;
  if (Array.isArray(value) && value.length === 3 && value.every(ok)) return;
  throw invalidArg(name, nonZero ? 'a non-zero number or 3 of them' : 'a finite number or 3 of them', value);
}

export function checkFrameOptions(options: unknown): FrameOptions {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'an object', options);
  const o = options as FrameOptions;
  if (o.size !== undefined) {
    const size = o.size as Record<string, unknown>;
    if (typeof size !== 'object' || size === null) throw invalidArg('options.size', '{ height, width } or { shortestEdge }', size);
    if ('shortestEdge' in size) {
      if (!isInt(size.shortestEdge, 1, MAX_SIDE))
        throw invalidArg('options.size.shortestEdge', `an integer in [1, ${MAX_SIDE}]`, size.shortestEdge);
    } else {
      if (!isInt(size.height, 1, MAX_SIDE)) throw invalidArg('options.size.height', `an integer in [1, ${MAX_SIDE}]`, size.height);
      if (!isInt(size.width, 1, MAX_SIDE)) throw invalidArg('options.size.width', `an integer in [1, ${MAX_SIDE}]`, size.width);
    }
  }
  if (o.interpolation !== undefined && !INTERPOLATIONS.includes(o.interpolation)) {
    throw invalidArg('options.interpolation', `one of ${INTERPOLATIONS.join(', ')}`, o.interpolation);
  }
  if (o.autoRotate !== undefined && typeof o.autoRotate !== 'boolean') throw invalidArg('options.autoRotate', 'a boolean', o.autoRotate);
  if (o.layout !== undefined && !LAYOUTS.includes(o.layout)) throw invalidArg('options.layout', `one of ${LAYOUTS.join(', ')}`, o.layout);
  if ((o.mean !== undefined || o.std !== undefined) && (o.layout ?? 'THWC') === 'THWC') {
    throw invalidArg('options.layout', "'CTHW' or 'TCHW' when mean/std are given", o.layout ?? 'THWC');
  }
  checkTriple(o.mean, 'options.mean', false);
  checkTriple(o.std, 'options.std', true);
  if (o.onCorrupt !== undefined && o.onCorrupt !== 'error' && o.onCorrupt !== 'skip') {
    throw invalidArg('options.onCorrupt', "'error' or 'skip'", o.onCorrupt);
  }
  return o;
}

export function checkIndices(indices: unknown, numFrames: number): number[] {
  const list = Array.isArray(indices)
    ? indices
    : ArrayBuffer.isView(indices)
      ? Array.from(indices as unknown as ArrayLike<number>)
      : undefined;
  if (list === undefined) throw invalidArg('indices', 'an array of frame indices', indices);
  for (const index of list) {
    if (!isInt(index, 0, numFrames - 1)) throw invalidArg('indices', `integers in [0, ${numFrames - 1}]`, index);
  }
  return list as number[];
}

export function checkSeconds(seconds: unknown): number[] {
  const list = Array.isArray(seconds)
    ? seconds
    : ArrayBuffer.isView(seconds)
      ? Array.from(seconds as unknown as ArrayLike<number>)
      : undefined;
  if (list === undefined) throw invalidArg('seconds', 'an array of times in seconds', seconds);
  for (const s of list) if (typeof s !== 'number' || !Number.isFinite(s)) throw invalidArg('seconds', 'finite numbers', s);
  return list as number[];
}

export function checkClipRange(clip: unknown, name: string): ClipRange {
  const c = clip as ClipRange;
  if (typeof clip !== 'object' || clip === null) throw invalidArg(name, '{ start, end } in seconds', clip);
  if (typeof c.start !== 'number' || !Number.isFinite(c.start) || c.start < 0)
    throw invalidArg(`${name}.start`, 'a finite number of seconds >= 0', c.start);
  if (typeof c.end !== 'number' || !Number.isFinite(c.end) || c.end <= c.start)
    throw invalidArg(`${name}.end`, 'a finite number of seconds after start', c.end);
  return c;
}

export function checkNumFrames(value: unknown, name: string, required: boolean): void {
  if (value === undefined && !required) return;
  if (!isInt(value, 1, 1_000_000)) throw invalidArg(name, 'a positive integer', value);
}

export function checkDecodeClipOptions(options: unknown, requireFrames: boolean): DecodeClipsOptions {
  if (typeof options !== 'object' || options === null) {
    if (options === undefined && !requireFrames) return {};
    throw invalidArg('options', 'an object with numFrames', options);
  }
  const o = options as DecodeClipsOptions;
  checkFrameOptions(o);
  checkOpenOptions(o);
  checkNumFrames(o.numFrames, 'options.numFrames', requireFrames);
  if (o.clip !== undefined) checkClipRange(o.clip, 'options.clip');
  if (o.threads !== undefined && !isInt(o.threads, 1, 1024)) throw invalidArg('options.threads', 'a positive integer', o.threads);
  return o;
}

export function checkClipSource(entry: unknown, index: number): ClipSource {
  if (typeof entry === 'object' && entry !== null && !ArrayBuffer.isView(entry) && 'source' in entry) {
    const e = entry as { source: unknown; clip?: unknown; numFrames?: unknown };
    checkSource(e.source, `sources[${index}].source`);
    if (e.clip !== undefined) checkClipRange(e.clip, `sources[${index}].clip`);
    checkNumFrames(e.numFrames, `sources[${index}].numFrames`, false);
    return entry as ClipSource;
  }
  return checkSource(entry, `sources[${index}]`);
}
