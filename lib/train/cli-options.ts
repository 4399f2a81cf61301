/**
 * Command-line flags for every TrainingArguments field, generated from the argument list:
 * `--learning-rate 1e-4`, `--per-device-train-batch-size 4`, `--load-best-model-at-end`, …
 * (HF's names in kebab-case). Values are parsed here and validated by the TrainingArguments schema.
 */
import type { Command } from 'commander';
import { invalidArg } from '../errors';
import { TRAINING_ARGUMENT_NAMES, type TrainingArgumentsInput } from './training-args';

const BOOLEAN = new Set([
  'loggingFirstStep',
  'loadBestModelAtEnd',
  'greaterIsBetter',
  'bf16',
  'gradientCheckpointing',
  'dataloaderDropLast',
  'disableTqdm',
  'pushToHub',
  'hubPrivateRepo',
  'hubAlwaysPush',
]);
const STRING = new Set([
  'outputDir',
  'lrSchedulerType',
  'loggingStrategy',
  'evalStrategy',
  'saveStrategy',
  'metricForBestModel',
  'device',
  'hubModelId',
  'hubStrategy',
  'hubRevision',
]);
/** Flags the train command defines itself, and hubToken: a token on a command line lands in shell history and `ps` (HF_TOKEN or `videomae login` instead). */
const SKIPPED = new Set(['outputDir', 'resumeFromCheckpoint', 'hubToken']);

export function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

function parseNumber(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n)) throw invalidArg(`--${flag}`, 'a number', value);
    return n;
  };
}

export function addTrainingArgumentOptions(command: Command, defaults: Partial<TrainingArgumentsInput>): Command {
  for (const name of TRAINING_ARGUMENT_NAMES) {
    if (SKIPPED.has(name)) continue;
    const flag = kebab(name);
    const def = (defaults as Record<string, unknown>)[name];
    const note = def === undefined ? '' : ` (default ${String(def)})`;
    if (BOOLEAN.has(name)) {
      command.option(`--${flag}`, `TrainingArguments.${name}${note}`);
      command.option(`--no-${flag}`, `turn ${flag} off`);
    } else if (STRING.has(name)) {
      command.option(`--${flag} <value>`, `TrainingArguments.${name}${note}`);
    } else {
      command.option(`--${flag} <n>`, `TrainingArguments.${name}${note}`, parseNumber(flag));
    }
  }
  return command;
}

/** The TrainingArguments fields present in commander's parsed options, over `defaults`. */
export function trainingArgumentsFromOptions(
  options: Record<string, unknown>,
  defaults: Partial<TrainingArgumentsInput>,
): Partial<TrainingArgumentsInput> {
  const picked: Record<string, unknown> = { ...defaults };
  for (const name of TRAINING_ARGUMENT_NAMES) {
    if (!SKIPPED.has(name) && options[name] !== undefined) picked[name] = options[name];
  }
  return picked as Partial<TrainingArgumentsInput>;
}

/** No data to evaluate on: no evaluation, no best model, and saves by epoch rather than "best" (the CLIs' rule for a missing val split). */
export function withoutEvaluation(args: TrainingArgumentsInput): void {
  Object.assign(args, {
    evalStrategy: 'no',
    loadBestModelAtEnd: false,
    saveStrategy: args.saveStrategy === 'best' ? 'epoch' : args.saveStrategy,
  });
}

/** The HF guide's clip timing: clip_duration = num_frames × sample_rate / fps with fps fixed at 30, whatever a video's own rate. */
export const GUIDE_CLIP_FPS = 30;

/**
 * `--clip-fps N|video` as DataLoader options: N (default the guide's 30) fixes the fps of the clip
 * duration (a 25 fps video then gives clips of 13–14 frames before subsampling, as in the guide);
 * `video` uses each video's own fps (clips of exactly num_frames × 4 frames).
 */
export function parseClipFps(value: unknown): { clipDurationFrom: 'fps' } | { clipDurationFrom: 'fixed'; fixedFps: number } {
  if (value === undefined) return { clipDurationFrom: 'fixed', fixedFps: GUIDE_CLIP_FPS };
  if (value === 'video') return { clipDurationFrom: 'fps' };
  const fps = typeof value === 'string' && value.trim() !== '' ? Number(value) : typeof value === 'number' ? value : NaN;
  if (!Number.isFinite(fps) || fps <= 0) throw invalidArg('--clip-fps', 'a positive frame rate or "video"', value);
  return { clipDurationFrom: 'fixed', fixedFps: fps };
}
