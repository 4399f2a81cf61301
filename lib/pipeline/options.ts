/** Validation and defaults of the classifier's call options (pure). */
import { invalidArg } from '../errors';
import type { FunctionToApply } from './postprocess';
import type { Sampling } from './sampling';

export interface ClassifyOptions {
  /** How many labels to return (default 5, at most the number of labels). */
  topK?: number;
  /** Frames per clip (default: the model's num_frames; the model needs exactly that many). */
  numFrames?: number;
  /** Stride between sampled frames for 'hf' (default 1, as HF) and for clips > 1 (default 4, as VideoMAE). */
  frameSamplingRate?: number;
  /** 'uniform' (default): spread over the whole video; 'hf': HF pipeline's first numFrames × rate frames. */
  sampling?: Sampling;
  /** Temporal views (VideoMAE multi-view testing), default 1. */
  clips?: number;
  /** Spatial views along the long side (3 = left/centre/right), default 1 (centre crop). */
  crops?: number;
  /** 'softmax' (default), 'sigmoid' or 'none' (raw logits), applied per view before averaging. */
  functionToApply?: FunctionToApply;
  /** Called with warnings (e.g. a video shorter than the window); default process.emitWarning. */
  onWarning?: (message: string) => void;
}

export interface ResolvedOptions {
  topK: number;
  numFrames: number;
  frameSamplingRate: number;
  sampling: Sampling;
  clips: number;
  crops: number;
  functionToApply: FunctionToApply;
  onWarning: (message: string) => void;
}

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalidArg(name, 'a positive integer', value);
  return value;
}

export function resolveOptions(options: ClassifyOptions, modelFrames: number): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw invalidArg('options', 'an object', options);
  const sampling = options.sampling ?? 'uniform';
  if (sampling !== 'uniform' && sampling !== 'hf') throw invalidArg('sampling', '"uniform" or "hf"', sampling);
  const functionToApply = options.functionToApply ?? 'softmax';
  if (!['softmax', 'sigmoid', 'none'].includes(functionToApply))
    throw invalidArg('functionToApply', '"softmax", "sigmoid" or "none"', functionToApply);
  const clips = positiveInt(options.clips, 'clips', 1);
  if (sampling === 'hf' && clips > 1) throw invalidArg('clips', '1 with sampling "hf" (HF samples one clip)', clips);
  const numFrames = positiveInt(options.numFrames, 'numFrames', modelFrames);
  if (numFrames !== modelFrames)
    throw invalidArg('numFrames', `${modelFrames} (the model's num_frames: its position table has that many frames)`, numFrames);
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function')
    throw invalidArg('onWarning', 'a function', options.onWarning);
  return {
    topK: positiveInt(options.topK, 'topK', 5),
    numFrames,
    frameSamplingRate: positiveInt(options.frameSamplingRate, 'frameSamplingRate', clips > 1 ? 4 : 1),
    sampling,
    clips,
    crops: positiveInt(options.crops, 'crops', 1),
    functionToApply,
    onWarning: options.onWarning ?? ((message) => process.emitWarning(message, { code: 'VIDEOMAE_SHORT_VIDEO' })),
  };
}
