/**
 * TrainingArguments: HF's names in camelCase, HF's defaults (docs/hf-semantics.md § "Trainer: TrainingArguments defaults"), validated
 * with a zod schema. Every wrong field gives one "Expected … for <field> but received …" line;
 * HF's cross-field rules (best model needs matching eval/save strategies, …) are checked after.
 */
import * as path from 'node:path';
import { z } from 'zod';
import { VideomaeError, invalidArg } from '../errors';
import { isRepoId } from '../hub/cache';

export type IntervalStrategy = 'no' | 'steps' | 'epoch';
export type SaveStrategy = IntervalStrategy | 'best';
export type LrSchedulerType = 'linear' | 'cosine' | 'constant' | 'constant_with_warmup';
/** What is pushed when (HF's HubStrategy): see lib/train/hub-callback.ts. */
export type HubStrategy = 'end' | 'every_save' | 'checkpoint' | 'all_checkpoints';

/** What the user may pass (everything but outputDir optional). */
export interface TrainingArgumentsInput {
  outputDir: string;
  learningRate?: number;
  perDeviceTrainBatchSize?: number;
  perDeviceEvalBatchSize?: number;
  numTrainEpochs?: number;
  maxSteps?: number;
  /** transformers 4.x name; ignored when warmupSteps > 0. */
  warmupRatio?: number;
  /** ≥ 1: a step count; below 1: a ratio of the total steps (transformers 5.x). */
  warmupSteps?: number;
  lrSchedulerType?: LrSchedulerType;
  weightDecay?: number;
  adamBeta1?: number;
  adamBeta2?: number;
  adamEpsilon?: number;
  /** 0 disables clipping (grad_norm is still computed and logged). */
  maxGradNorm?: number;
  gradientAccumulationSteps?: number;
  loggingStrategy?: IntervalStrategy;
  loggingSteps?: number;
  loggingFirstStep?: boolean;
  evalStrategy?: IntervalStrategy;
  /** Defaults to loggingSteps, as in HF. */
  evalSteps?: number;
  saveStrategy?: SaveStrategy;
  saveSteps?: number;
  saveTotalLimit?: number;
  loadBestModelAtEnd?: boolean;
  /** Defaults to "loss" when loadBestModelAtEnd; "eval_" is prefixed when missing. */
  metricForBestModel?: string;
  /** Defaults to !metricForBestModel.endsWith("loss"). */
  greaterIsBetter?: boolean;
  seed?: number;
  bf16?: boolean;
  gradientCheckpointing?: boolean;
  dataloaderNumWorkers?: number;
  dataloaderDropLast?: boolean;
  /** A checkpoint folder, or true for the newest checkpoint-* in outputDir. */
  resumeFromCheckpoint?: string | boolean;
  device?: string;
  /** No progress bar / JSON-lines output from the trainer itself. */
  disableTqdm?: boolean;
  /** Push to the Hugging Face Hub at each save (per hubStrategy); trainer.pushToHub() pushes the final model. */
  pushToHub?: boolean;
  /** "user/name" or "name" (then under the token's user); defaults to outputDir's basename, as HF. */
  hubModelId?: string | null;
  hubStrategy?: HubStrategy;
  /** Defaults to HF_TOKEN, then the token file `videomae login` writes. Never written to training_args.json. */
  hubToken?: string | null;
  /** null: the hub's default visibility. */
  hubPrivateRepo?: boolean | null;
  /** Push at every save even while the previous push is still running (queued); HF skips that save by default. */
  hubAlwaysPush?: boolean;
  /** The branch to push to (created when missing); null: main. */
  hubRevision?: string | null;
  /** Data-parallel: seconds a rendezvous or collective may wait for the other ranks (HF's ddp_timeout, 1800). */
  ddpTimeout?: number;
  /** Data-parallel: gradient bucket size in MiB for the all-reduce (HF's ddp_bucket_cap_mb; null: DDP's 25). */
  ddpBucketCapMb?: number | null;
}

/** Fully resolved arguments: every default filled, derived values computed. */
export interface TrainingArguments extends Required<
  Omit<
    TrainingArgumentsInput,
    | 'saveTotalLimit'
    | 'metricForBestModel'
    | 'greaterIsBetter'
    | 'resumeFromCheckpoint'
    | 'hubModelId'
    | 'hubToken'
    | 'hubPrivateRepo'
    | 'hubRevision'
    | 'ddpBucketCapMb'
  >
> {
  saveTotalLimit: number | null;
  metricForBestModel: string | null;
  greaterIsBetter: boolean | null;
  resumeFromCheckpoint: string | boolean | null;
  hubModelId: string | null;
  hubToken: string | null;
  hubPrivateRepo: boolean | null;
  hubRevision: string | null;
  ddpBucketCapMb: number | null;
}

const DEFAULTS = {
  learningRate: 5e-5,
  perDeviceTrainBatchSize: 8,
  perDeviceEvalBatchSize: 8,
  numTrainEpochs: 3,
  maxSteps: -1,
  warmupRatio: 0,
  warmupSteps: 0,
  lrSchedulerType: 'linear' as LrSchedulerType,
  weightDecay: 0,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  adamEpsilon: 1e-8,
  maxGradNorm: 1,
  gradientAccumulationSteps: 1,
  loggingStrategy: 'steps' as IntervalStrategy,
  loggingSteps: 500,
  loggingFirstStep: false,
  evalStrategy: 'no' as IntervalStrategy,
  saveStrategy: 'steps' as SaveStrategy,
  saveSteps: 500,
  loadBestModelAtEnd: false,
  seed: 42,
  bf16: false,
  gradientCheckpointing: false,
  dataloaderNumWorkers: 0,
  dataloaderDropLast: false,
  device: 'cpu',
  disableTqdm: false,
  pushToHub: false,
  hubModelId: null,
  hubStrategy: 'every_save' as HubStrategy,
  hubToken: null,
  hubPrivateRepo: null,
  hubAlwaysPush: false,
  hubRevision: null,
  ddpTimeout: 1800,
  ddpBucketCapMb: null,
};

/** Per field: the schema and the words used in its error message. */
const FIELDS = {
  outputDir: [z.string().min(1), 'a non-empty string (folder)'],
  learningRate: [z.number().finite().min(0), 'a finite number >= 0'],
  perDeviceTrainBatchSize: [z.number().int().min(1), 'an integer >= 1'],
  perDeviceEvalBatchSize: [z.number().int().min(1), 'an integer >= 1'],
  numTrainEpochs: [z.number().finite().positive(), 'a number > 0'],
  maxSteps: [
    z
      .number()
      .int()
      .refine((v) => v === -1 || v > 0),
    '-1 or an integer >= 1',
  ],
  warmupRatio: [z.number().min(0).max(1), 'a number in [0, 1]'],
  warmupSteps: [
    z
      .number()
      .finite()
      .min(0)
      .refine((v) => v < 1 || Number.isInteger(v)),
    'an integer >= 1 or a ratio in [0, 1)',
  ],
  lrSchedulerType: [
    z.enum(['linear', 'cosine', 'constant', 'constant_with_warmup']),
    'one of linear, cosine, constant, constant_with_warmup',
  ],
  weightDecay: [z.number().finite().min(0), 'a finite number >= 0'],
  adamBeta1: [z.number().min(0).lt(1), 'a number in [0, 1)'],
  adamBeta2: [z.number().min(0).lt(1), 'a number in [0, 1)'],
  adamEpsilon: [z.number().finite().min(0), 'a finite number >= 0'],
  maxGradNorm: [z.number().min(0), 'a number >= 0 (0 disables clipping)'],
  gradientAccumulationSteps: [z.number().int().min(1), 'an integer >= 1'],
  loggingStrategy: [z.enum(['no', 'steps', 'epoch']), 'one of no, steps, epoch'],
  loggingSteps: [z.number().int().min(1), 'an integer >= 1'],
  loggingFirstStep: [z.boolean(), 'a boolean'],
  evalStrategy: [z.enum(['no', 'steps', 'epoch']), 'one of no, steps, epoch'],
  evalSteps: [z.number().int().min(1), 'an integer >= 1'],
  saveStrategy: [z.enum(['no', 'steps', 'epoch', 'best']), 'one of no, steps, epoch, best'],
  saveSteps: [z.number().int().min(1), 'an integer >= 1'],
  saveTotalLimit: [z.number().int().min(1).nullable(), 'an integer >= 1'],
  loadBestModelAtEnd: [z.boolean(), 'a boolean'],
  metricForBestModel: [z.string().min(1).nullable(), 'a metric name such as "accuracy" or "loss"'],
  greaterIsBetter: [z.boolean().nullable(), 'a boolean'],
  seed: [
    z
      .number()
      .int()
      .min(0)
      .max(2 ** 32 - 1),
    'an integer in [0, 2^32)',
  ],
  bf16: [z.boolean(), 'a boolean'],
  gradientCheckpointing: [z.boolean(), 'a boolean'],
  dataloaderNumWorkers: [z.number().int().min(0), 'an integer >= 0'],
  dataloaderDropLast: [z.boolean(), 'a boolean'],
  resumeFromCheckpoint: [z.union([z.string().min(1), z.boolean()]).nullable(), 'a checkpoint folder or a boolean'],
  device: [z.string().regex(/^(cpu|cuda(:\d+)?|mps)$/), '"cpu", "cuda", "cuda:<index>" or "mps"'],
  disableTqdm: [z.boolean(), 'a boolean'],
  pushToHub: [z.boolean(), 'a boolean'],
  hubModelId: [z.string().refine(isRepoId).nullable(), 'a hub repository id like "user/name" or "name"'],
  hubStrategy: [z.enum(['end', 'every_save', 'checkpoint', 'all_checkpoints']), 'one of end, every_save, checkpoint, all_checkpoints'],
  // Only an empty string can fail here, so the message never repeats a token.
  hubToken: [z.string().min(1).nullable(), 'a Hugging Face access token (a non-empty string)'],
  hubPrivateRepo: [z.boolean().nullable(), 'a boolean'],
  hubAlwaysPush: [z.boolean(), 'a boolean'],
  hubRevision: [z.string().min(1).nullable(), 'a branch name'],
  ddpTimeout: [z.number().int().min(1), 'an integer number of seconds >= 1'],
  ddpBucketCapMb: [z.number().positive().nullable(), 'a number of MiB > 0'],
} as const satisfies Record<keyof TrainingArgumentsInput, readonly [z.ZodType, string]>;

type FieldName = keyof typeof FIELDS;

const shape: Record<string, z.ZodType> = {};
for (const [name, [fieldSchema]] of Object.entries(FIELDS)) shape[name] = name === 'outputDir' ? fieldSchema : fieldSchema.optional();
const schema = z.object(shape).strict();

function fieldErrors(input: unknown): string[] {
  const result = schema.safeParse(input);
  if (result.success) return [];
  const lines: string[] = [];
  const seen = new Set<string>();
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) lines.push(`Unknown training argument ${key} (known: ${Object.keys(FIELDS).join(', ')})`);
      continue;
    }
    const name = String(issue.path[0] ?? '');
    if (seen.has(name)) continue;
    seen.add(name);
    const words = (FIELDS as Record<string, readonly [z.ZodType, string]>)[name]?.[1] ?? 'a valid value';
    lines.push(invalidArg(name, words, (input as Record<string, unknown>)[name]).message);
  }
  return lines;
}

function crossFieldErrors(a: TrainingArguments): string[] {
  const errors: string[] = [];
  if (a.loadBestModelAtEnd) {
    if (a.evalStrategy === 'no') errors.push('loadBestModelAtEnd requires an evalStrategy other than "no"');
    else if (a.saveStrategy !== 'best' && a.saveStrategy !== a.evalStrategy) {
      errors.push(
        `loadBestModelAtEnd requires saveStrategy to match evalStrategy, but saveStrategy is "${a.saveStrategy}" and evalStrategy is "${a.evalStrategy}"`,
      );
    } else if (a.saveStrategy === 'steps' && a.saveSteps % a.evalSteps !== 0) {
      errors.push(`loadBestModelAtEnd requires saveSteps to be a round multiple of evalSteps, but found ${a.saveSteps} and ${a.evalSteps}`);
    }
  }
  if (a.saveStrategy === 'best' && a.evalStrategy === 'no') errors.push('saveStrategy "best" requires an evalStrategy other than "no"');
  // HF names the repo after the output folder when hubModelId is unset; say so now, not at the first save.
  const repoName = path.basename(path.resolve(a.outputDir));
  if (a.pushToHub && a.hubModelId === null && !isRepoId(repoName))
    errors.push(`pushToHub requires a hubModelId here: the output folder's name "${repoName}" is not a valid hub repository name`);
  return errors;
}

/** Validates and fills defaults. Throws ERR_VIDEOMAE_INVALID_ARG listing every problem, one per line. */
export function resolveTrainingArguments(input: TrainingArgumentsInput): TrainingArguments {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw invalidArg('args', 'an object of training arguments', input);
  const clean = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const errors = fieldErrors(clean);
  if (errors.length) throw new VideomaeError(`Invalid training arguments:\n  ${errors.join('\n  ')}`, 'ERR_VIDEOMAE_INVALID_ARG');
  const merged = { ...DEFAULTS, ...clean } as TrainingArgumentsInput & typeof DEFAULTS;
  const loadBest = merged.loadBestModelAtEnd;
  const metric = merged.metricForBestModel ?? (loadBest || merged.saveStrategy === 'best' ? 'loss' : null);
  const args: TrainingArguments = {
    ...merged,
    evalSteps: merged.evalSteps ?? merged.loggingSteps,
    saveTotalLimit: merged.saveTotalLimit ?? null,
    metricForBestModel: metric,
    greaterIsBetter: merged.greaterIsBetter ?? (metric === null ? null : !metric.endsWith('loss')),
    resumeFromCheckpoint: merged.resumeFromCheckpoint ?? null,
    hubModelId: merged.hubModelId ?? null,
    hubToken: merged.hubToken ?? null,
    hubPrivateRepo: merged.hubPrivateRepo ?? null,
    hubRevision: merged.hubRevision ?? null,
  };
  const crossErrors = crossFieldErrors(args);
  if (crossErrors.length) throw new VideomaeError(`Invalid training arguments:\n  ${crossErrors.join('\n  ')}`, 'ERR_VIDEOMAE_INVALID_ARG');
  return args;
}

/** Names of all known arguments (for the CLI and the checkpoint reader). */
export const TRAINING_ARGUMENT_NAMES = Object.keys(FIELDS) as FieldName[];

export function camelToSnake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

export function snakeToCamel(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** HF's TrainingArguments.to_dict writes every *_token field as this placeholder, set or not. */
export const HUB_TOKEN_PLACEHOLDER = '<HUB_TOKEN>';

/** training_args.json content: HF's snake_case names, keys sorted; the hub token replaced by its placeholder. */
export function trainingArgumentsToJson(args: TrainingArguments): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(args).sort((x, y) => camelToSnake(x).localeCompare(camelToSnake(y)))) {
    out[camelToSnake(key)] = key === 'hubToken' ? HUB_TOKEN_PLACEHOLDER : (args as unknown as Record<string, unknown>)[key];
  }
  return out;
}

/** Reads training_args.json content back (unknown HF keys are ignored). */
export function trainingArgumentsFromJson(json: Record<string, unknown>): TrainingArguments {
  const known = new Set<string>(TRAINING_ARGUMENT_NAMES);
  const input: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(json)) {
    const name = snakeToCamel(key);
    // A saved file never holds the token (only its placeholder): it comes from the environment again.
    if (known.has(name) && value !== null && name !== 'hubToken') input[name] = value;
  }
  return resolveTrainingArguments(input as unknown as TrainingArgumentsInput);
}
