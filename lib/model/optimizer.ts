/** AdamW over a model's parameters (HF Trainer's two groups); state saves/loads for resume. */
import { invalidArg } from '../errors';
import type { NativeVideoMAEHandle } from './native';

export interface AdamWOptions {
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
}

export const DEFAULT_ADAMW: AdamWOptions = { lr: 5e-5, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0 };

export function normaliseAdamWOptions(options: Partial<AdamWOptions> = {}): AdamWOptions {
  const merged = { ...DEFAULT_ADAMW, ...options };
  if (!(typeof merged.lr === 'number' && merged.lr >= 0)) throw invalidArg('lr', 'a number >= 0', merged.lr);
  if (!Array.isArray(merged.betas) || merged.betas.length !== 2 || !merged.betas.every((b) => typeof b === 'number' && b >= 0 && b < 1)) {
    throw invalidArg('betas', 'two numbers in [0, 1)', merged.betas);
  }
  if (!(typeof merged.eps === 'number' && merged.eps >= 0)) throw invalidArg('eps', 'a number >= 0', merged.eps);
  if (!(typeof merged.weightDecay === 'number' && merged.weightDecay >= 0))
    throw invalidArg('weightDecay', 'a number >= 0', merged.weightDecay);
  return merged;
}

export class AdamWOptimizer {
  readonly options: AdamWOptions;

  /** @internal created by model.createOptimizer() */
  constructor(
    private readonly handle: () => NativeVideoMAEHandle,
    options: AdamWOptions,
  ) {
    this.options = options;
  }

  /** One AdamW update of every parameter that has a gradient; `lr` overrides the initial rate (schedules). */
  async step(options: { lr?: number } = {}): Promise<void> {
    if (options.lr !== undefined && !(typeof options.lr === 'number' && options.lr >= 0))
      throw invalidArg('lr', 'a number >= 0', options.lr);
    await this.handle().optimizerStep(options.lr === undefined ? {} : { lr: options.lr });
  }

  /** Writes exp_avg / exp_avg_sq / step of every parameter to a safetensors file. */
  async saveState(file: string): Promise<void> {
    if (typeof file !== 'string' || file === '') throw invalidArg('file', 'a file path', file);
    await this.handle().saveOptimizer(file);
  }

  /** Restores a state written by saveState (validated against the model before anything changes). */
  async loadState(file: string): Promise<void> {
    if (typeof file !== 'string' || file === '') throw invalidArg('file', 'a file path', file);
    await this.handle().loadOptimizer(file);
  }
}
