/**
 * synthesizeDataset(): a UCF101-layout folder (`<output>/{train,val,test}/<Class>/<video>`) of
 * encoded videos whose classes differ only in motion over time. Frames are drawn and encoded
 * natively (native/core/synth: libav's mpeg4 encoder into .avi, like UCF101, and libx264 into .mp4).
 * The same options and seed always give the same pixels.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError, invalidArg } from '../errors';
import { nativeAs } from '../native/binding';

export type SynthCodec = 'mpeg4' | 'h264' | 'mixed';

export interface SynthesizeOptions {
  /** Folder to write; created if missing. Must not already hold a split folder unless `force`. */
  output: string;
  /** Number of classes (the first N motions of `synthMotions()`); default 10. */
  classes?: number;
  /** The motion classes by name (a subset of `synthMotions()`, in this order); overrides `classes`. */
  motions?: string[];
  /** Videos per class in each split; defaults 24 / 6 / 8. A split with 0 videos is not written. */
  train?: number;
  val?: number;
  test?: number;
  seed?: number;
  /** Frame size (even numbers); default 112×112. */
  width?: number;
  height?: number;
  fps?: number;
  /** Video length in seconds; default 2.8 (70 frames at 25 fps). */
  seconds?: number;
  /** 'mpeg4' (.avi), 'h264' (.mp4), or 'mixed' (alternating per video); default 'mixed'. */
  codec?: SynthCodec;
  /** Encoders running at once; default 2. */
  concurrency?: number;
  /** Overwrite existing split folders. */
  force?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface SynthesizedDataset {
  root: string;
  classes: string[];
  videos: { train: number; val: number; test: number };
  files: string[];
}

interface SynthVideoSpec {
  path: string;
  motion: string;
  width: number;
  height: number;
  fps: number;
  frames: number;
  codec: 'mpeg4' | 'h264';
  quality: number;
  seed: number;
}

interface SynthBinding {
  synthMotions(): string[];
  synthVideo(options: SynthVideoSpec): Promise<void>;
  synthRenderFrame(options: Omit<SynthVideoSpec, 'path' | 'fps' | 'frames' | 'codec' | 'quality'>, index: number): Uint8Array;
}

const SPLITS = ['train', 'val', 'test'] as const;

/** The motion class names, in order; a dataset with N classes uses the first N. */
export function synthMotions(): string[] {
  return nativeAs<SynthBinding>().synthMotions();
}

/** One frame of a synthetic scene as RGB24 (H×W×3), for inspection and tests. */
export function renderSynthFrame(options: { motion: string; width?: number; height?: number; seed?: number }, index: number): Uint8Array {
  return nativeAs<SynthBinding>().synthRenderFrame(
    { motion: options.motion, width: options.width ?? 112, height: options.height ?? 112, seed: options.seed ?? 0 },
    index,
  );
}

function checkInt(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isInteger(v) || v < min || v > max) throw invalidArg(name, `an integer in [${min}, ${max}]`, value);
  return v;
}

/** A per-video seed from (dataset seed, split, class, index): distinct and < 2^53. */
function videoSeed(seed: number, split: number, label: number, index: number): number {
  let h = BigInt(seed) & 0xffffffffffffn;
  for (const part of [split, label, index]) h = (h * 0x100000001b3n + BigInt(part) + 0x9e3779b9n) & 0x1fffffffffffffn;
  return Number(h);
}

function ucfName(motion: string, index: number, ext: string): string {
  const group = String(Math.floor(index / 4) + 1).padStart(2, '0');
  const clip = String((index % 4) + 1).padStart(2, '0');
  return `v_${motion}_g${group}_c${clip}.${ext}`;
}

async function runPool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function pickMotions(motions: string[], options: SynthesizeOptions): string[] {
  if (options.motions === undefined) return motions.slice(0, checkInt('classes', options.classes, 10, 2, motions.length));
  const picked = options.motions;
  const expected = `2 or more distinct names from ${motions.join(', ')}`;
  if (!Array.isArray(picked) || picked.length < 2 || new Set(picked).size !== picked.length) throw invalidArg('motions', expected, picked);
  for (const name of picked) if (!motions.includes(name)) throw invalidArg('motions', expected, name);
  return [...picked];
}

export async function synthesizeDataset(options: SynthesizeOptions): Promise<SynthesizedDataset> {
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'an object', options);
  if (typeof options.output !== 'string' || options.output.length === 0) throw invalidArg('output', 'a folder path', options.output);
  const motions = synthMotions();
  const classes = pickMotions(motions, options);
  const classCount = classes.length;
  const perClass = {
    train: checkInt('train', options.train, 24, 0, 100000),
    val: checkInt('val', options.val, 6, 0, 100000),
    test: checkInt('test', options.test, 8, 0, 100000),
  };
  const seed = checkInt('seed', options.seed, 0, 0, 2 ** 48 - 1);
  const width = checkInt('width', options.width, 112, 16, 4096);
  const height = checkInt('height', options.height, 112, 16, 4096);
  if (width % 2 || height % 2) throw invalidArg('width/height', 'even numbers', `${width}x${height}`);
  const fps = checkInt('fps', options.fps, 25, 1, 240);
  const seconds = options.seconds ?? 2.8;
  if (typeof seconds !== 'number' || !(seconds > 0) || seconds > 600)
    throw invalidArg('seconds', 'a number of seconds in (0, 600]', options.seconds);
  const codec = options.codec ?? 'mixed';
  if (!['mpeg4', 'h264', 'mixed'].includes(codec)) throw invalidArg('codec', '"mpeg4", "h264" or "mixed"', codec);
  const concurrency = checkInt('concurrency', options.concurrency, 2, 1, 64);
  const frames = Math.max(1, Math.round(seconds * fps));
  const root = path.resolve(options.output);

  const specs: SynthVideoSpec[] = [];
  SPLITS.forEach((split, splitIndex) => {
    if (perClass[split] === 0) return;
    const splitDir = path.join(root, split);
    if (fs.existsSync(splitDir)) {
      if (!options.force) throw new VideomaeError(`synthesize: ${splitDir} already exists (pass force to overwrite)`, 'ERR_VIDEOMAE_IO');
      fs.rmSync(splitDir, { recursive: true, force: true });
    }
    classes.forEach((motion, label) => {
      fs.mkdirSync(path.join(splitDir, motion), { recursive: true });
      for (let i = 0; i < perClass[split]; i++) {
        const videoCodec = codec === 'mixed' ? (i % 2 === 0 ? 'mpeg4' : 'h264') : codec;
        const file = path.join(splitDir, motion, ucfName(motion, i, videoCodec === 'mpeg4' ? 'avi' : 'mp4'));
        specs.push({
          path: file,
          motion,
          width,
          height,
          fps,
          frames,
          codec: videoCodec,
          quality: 3,
          seed: videoSeed(seed, splitIndex, label, i),
        });
      }
    });
  });
  let done = 0;
  await runPool(specs, concurrency, async (spec) => {
    await nativeAs<SynthBinding>().synthVideo(spec);
    options.onProgress?.(++done, specs.length);
  });
  return {
    root,
    classes,
    videos: { train: perClass.train * classCount, val: perClass.val * classCount, test: perClass.test * classCount },
    files: specs.map((s) => s.path),
  };
}
