/**
 * Learning-rate schedules exactly as transformers' optimization.py (docs/hf-semantics.md § "Trainer: learning-rate schedule"):
 * a LambdaLR whose step count s is the number of scheduler.step() calls so far, stepped once per
 * optimizer update after the update, so update k (1-based) uses lr = base · λ(k − 1) and the very
 * first update of a warmup schedule uses lr 0.
 */
import { VideomaeError } from '../errors';
import type { LrSchedulerType } from './training-args';

/** W from the arguments: warmupSteps ≥ 1 is a count, < 1 a ratio (5.x); else the 4.x warmupRatio. */
export function warmupStepsFor(totalSteps: number, warmupSteps: number, warmupRatio: number): number {
  if (warmupSteps >= 1) return Math.floor(warmupSteps);
  const ratio = warmupSteps > 0 ? warmupSteps : warmupRatio;
  return Math.ceil(totalSteps * ratio);
}

/** The multiplier λ(s) of each schedule. */
export function lrLambda(type: LrSchedulerType, step: number, warmup: number, total: number): number {
  const inWarmup = step < warmup;
  const warm = step / Math.max(1, warmup);
  switch (type) {
    case 'constant':
      return 1;
    case 'constant_with_warmup':
      return inWarmup ? warm : 1;
    case 'linear':
      return inWarmup ? warm : Math.max(0, (total - step) / Math.max(1, total - warmup));
    case 'cosine': {
      if (inWarmup) return warm;
      // num_cycles 0.5: half a cosine from 1 to 0 over the steps after warmup.
      const progress = (step - warmup) / Math.max(1, total - warmup);
      return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * 2 * 0.5 * progress)));
    }
    default:
      throw new VideomaeError(`unknown lrSchedulerType ${String(type)}`, 'ERR_VIDEOMAE_INVALID_ARG');
  }
}

/** scheduler.json: the LambdaLR state (step count) plus what defines the schedule. */
export interface SchedulerState {
  type: LrSchedulerType;
  base_lrs: number[];
  last_epoch: number;
  _step_count: number;
  warmup_steps: number;
  total_steps: number;
  _last_lr: number[];
}

export class LrScheduler {
  private steps = 0;

  constructor(
    readonly type: LrSchedulerType,
    readonly baseLr: number,
    readonly warmupSteps: number,
    readonly totalSteps: number,
  ) {}

  /** The lr the next optimizer update uses. */
  get lr(): number {
    return this.baseLr * lrLambda(this.type, this.steps, this.warmupSteps, this.totalSteps);
  }

  /** Number of step() calls so far (= LambdaLR.last_epoch). */
  get stepCount(): number {
    return this.steps;
  }

  step(): void {
    this.steps += 1;
  }

  state(): SchedulerState {
    return {
      type: this.type,
      base_lrs: [this.baseLr],
      last_epoch: this.steps,
      _step_count: this.steps + 1,
      warmup_steps: this.warmupSteps,
      total_steps: this.totalSteps,
      _last_lr: [this.lr],
    };
  }

  /** Restores the step count; the schedule itself must match the one being resumed. */
  load(state: SchedulerState): void {
    if (!Number.isInteger(state.last_epoch) || state.last_epoch < 0) {
      throw new VideomaeError(`scheduler state has an invalid last_epoch ${String(state.last_epoch)}`, 'ERR_VIDEOMAE_CHECKPOINT');
    }
    this.steps = state.last_epoch;
  }
}
