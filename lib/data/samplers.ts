/**
 * Clip samplers with pytorchvideo's semantics (docs/hf-semantics.md § "pytorchvideo: clip samplers"), in seconds:
 * - random: one clip per video per epoch, start uniform in [0, max(duration − D, 0)];
 * - uniform: consecutive clips [kD, (k+1)D), the trailing partial clip dropped, a video shorter
 *   than D still giving one clip (pytorchvideo HEAD: 1e-6 tolerance);
 * - constantClipsPerVideo: n clips with starts evenly spaced over [0, duration − D].
 * The random start comes from a generator seeded by (seed, epoch, video id), not from a global
 * state, so an epoch's clips do not depend on the order videos are visited in.
 */
import { invalidArg } from '../errors';

export type ClipSamplerSpec =
  { type: 'random' } | { type: 'uniform'; stride?: number } | { type: 'constantClipsPerVideo'; clipsPerVideo: number };

export interface ClipWindow {
  start: number;
  end: number;
  clipIndex: number;
  /**
   * The window as pytorchvideo computes it in exact Fractions: [index·stride, index·stride + duration)
   * on the binary values of stride and duration. `start`/`end` are those bounds rounded to doubles,
   * which can land on the other side of a frame's timestamp (k·D·fps a whole number); the decoder
   * turns this form into frame positions exactly. Absent where pytorchvideo's own arithmetic is not a
   * product of doubles (constantClipsPerVideo divides Fractions).
   */
  exact?: { index: number; stride: number; duration: number };
}

export interface ClipDurationOptions {
  numFrames: number;
  sampleRate: number;
  /** 'fps': each video's own fps; 'fixed': `fixedFps` for every video (the guide's 30). */
  from: 'fps' | 'fixed';
  fixedFps?: number;
}

/** clipDuration = numFrames × sampleRate / fps (the guide's formula). */
export function clipDuration(options: ClipDurationOptions, videoFps: number): number {
  const fps = options.from === 'fixed' ? (options.fixedFps ?? 30) : videoFps;
  if (!(fps > 0)) throw invalidArg('fps', 'a positive frame rate', fps);
  return (options.numFrames * options.sampleRate) / fps;
}

/** A 53-bit uniform generator (splitmix64) keyed by integers. */
export class SeededRandom {
  private state: bigint;
  constructor(...keys: number[]) {
    let s = 0x853c49e6748fea9bn;
    for (const k of keys) s = SeededRandom.mix(s ^ (BigInt(Math.floor(k)) & 0xffffffffffffffffn));
    this.state = s;
  }
  private static mix(z: bigint): bigint {
    z = (z + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & 0xffffffffffffffffn;
    z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & 0xffffffffffffffffn;
    return z ^ (z >> 31n);
  }
  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x9e3779b97f4a7c15n) & 0xffffffffffffffffn;
    return Number(SeededRandom.mix(this.state) >> 11n) / 2 ** 53;
  }
  /** Python's random.uniform(a, b) = a + (b − a)·random(). */
  uniform(a: number, b: number): number {
    return a + (b - a) * this.next();
  }
  /** Integer in [0, n). */
  below(n: number): number {
    return Math.min(n - 1, Math.floor(this.next() * n));
  }
}

export function validateSampler(sampler: ClipSamplerSpec): void {
  if (typeof sampler !== 'object' || sampler === null) throw invalidArg('clipSampler', 'a clip sampler', sampler);
  if (sampler.type === 'random') return;
  if (sampler.type === 'uniform') {
    if (sampler.stride !== undefined && !(sampler.stride > 0))
      throw invalidArg('clipSampler.stride', 'a positive number of seconds', sampler.stride);
    return;
  }
  if (sampler.type === 'constantClipsPerVideo') {
    if (!Number.isInteger(sampler.clipsPerVideo) || sampler.clipsPerVideo < 1)
      throw invalidArg('clipSampler.clipsPerVideo', 'a positive integer', sampler.clipsPerVideo);
    return;
  }
  throw invalidArg('clipSampler.type', '"random", "uniform" or "constantClipsPerVideo"', (sampler as { type?: unknown }).type);
}

const EPS = 1e-6;

/** The clips one video contributes to an epoch. `random` is only used by the random sampler. */
export function sampleClips(sampler: ClipSamplerSpec, duration: number, clipSeconds: number, random?: SeededRandom): ClipWindow[] {
  if (!(clipSeconds > 0)) throw invalidArg('clip duration', 'a positive number of seconds', clipSeconds);
  switch (sampler.type) {
    case 'random': {
      const start = (random ?? new SeededRandom(0)).uniform(0, Math.max(duration - clipSeconds, 0));
      return [{ start, end: start + clipSeconds, clipIndex: 0, exact: { index: 1, stride: start, duration: clipSeconds } }];
    }
    case 'uniform': {
      const stride = sampler.stride ?? clipSeconds;
      const clips: ClipWindow[] = [];
      for (let k = 0; ; k++) {
        const start = k * stride;
        clips.push({ start, end: start + clipSeconds, clipIndex: k, exact: { index: k, stride, duration: clipSeconds } });
        // last when the next clip would end past the video (pytorchvideo HEAD, eps 1e-6)
        if ((k + 1) * stride + clipSeconds - duration > EPS) break;
      }
      return clips;
    }
    case 'constantClipsPerVideo': {
      const maxStart = Math.max(duration - clipSeconds, 0);
      const step = maxStart / Math.max(sampler.clipsPerVideo - 1, 1);
      const clips: ClipWindow[] = [];
      for (let i = 0; i < sampler.clipsPerVideo; i++) {
        if (i > 0 && i * step > maxStart + 1e-9) break; // exact Fractions in pytorchvideo; allow rounding
        clips.push({ start: i * step, end: i * step + clipSeconds, clipIndex: i });
      }
      return clips;
    }
  }
}
