/**
 * Trainer callbacks, HF's TrainerCallback in camelCase. Each hook gets (args, state, control,
 * extra) and may change `control` in place (HF's callbacks return it; ours may also return a
 * partial control that is merged). DefaultFlowCallback decides when to log/evaluate/save/stop,
 * exactly as transformers' (docs/hf-semantics.md § "Trainer: evaluation, saving and best model").
 */
import type { TrainingArguments } from './training-args';
import type { LogEntry, TrainerControl, TrainerState } from './trainer-state';

export interface CallbackEvent {
  /** The log entry (onLog), the eval metrics (onEvaluate), the checkpoint folder (onSave). */
  logs?: LogEntry;
  metrics?: Record<string, number>;
  checkpoint?: string;
}

type Hook = (args: TrainingArguments, state: TrainerState, control: TrainerControl, event: CallbackEvent) => void | Partial<TrainerControl>;

export interface TrainerCallback {
  onTrainBegin?: Hook;
  onEpochBegin?: Hook;
  onStepBegin?: Hook;
  onStepEnd?: Hook;
  onEpochEnd?: Hook;
  onLog?: Hook;
  onEvaluate?: Hook;
  onPredict?: Hook;
  onSave?: Hook;
  onTrainEnd?: Hook;
  /** Stateful callbacks are saved in trainer_state.json under this name and restored on resume. */
  stateName?: string;
  saveState?(): Record<string, unknown>;
  loadState?(state: Record<string, unknown>): void;
}

export type CallbackEventName = Exclude<keyof TrainerCallback, 'stateName' | 'saveState' | 'loadState'>;

export class DefaultFlowCallback implements TrainerCallback {
  onStepEnd(args: TrainingArguments, state: TrainerState, control: TrainerControl): void {
    const step = state.globalStep;
    if (step === 1 && args.loggingFirstStep) control.shouldLog = true;
    if (args.loggingStrategy === 'steps' && step % args.loggingSteps === 0) control.shouldLog = true;
    const evalStep = args.evalStrategy === 'steps' && step % args.evalSteps === 0;
    if (evalStep) control.shouldEvaluate = true;
    if (args.saveStrategy === 'steps' && step % args.saveSteps === 0) control.shouldSave = true;
    if (step >= state.maxSteps) {
      control.shouldTrainingStop = true;
      // The last step always gets a checkpoint under "steps" saving and (5.x) an evaluation under "steps" evaluation.
      if (args.saveStrategy === 'steps') control.shouldSave = true;
      if (args.evalStrategy === 'steps' && !evalStep) control.shouldEvaluate = true;
    }
  }

  onEpochEnd(args: TrainingArguments, _state: TrainerState, control: TrainerControl): void {
    if (args.loggingStrategy === 'epoch') control.shouldLog = true;
    if (args.evalStrategy === 'epoch') control.shouldEvaluate = true;
    if (args.saveStrategy === 'epoch') control.shouldSave = true;
  }
}

/**
 * Stops training when the metric for the best model has not improved (by more than threshold)
 * for `patience` evaluations. Needs loadBestModelAtEnd and a metricForBestModel, as in HF.
 */
export class EarlyStoppingCallback implements TrainerCallback {
  readonly stateName = 'EarlyStoppingCallback';
  private patienceCounter = 0;

  constructor(
    readonly patience = 1,
    readonly threshold = 0,
  ) {}

  onTrainBegin(args: TrainingArguments): void {
    if (!args.loadBestModelAtEnd || args.metricForBestModel === null || args.evalStrategy === 'no') {
      throw new Error('EarlyStoppingCallback requires loadBestModelAtEnd, a metricForBestModel and an evalStrategy other than "no"');
    }
  }

  onEvaluate(args: TrainingArguments, state: TrainerState, control: TrainerControl, event: CallbackEvent): void {
    const name = args.metricForBestModel ?? 'loss';
    const key = name.startsWith('eval_') ? name : `eval_${name}`;
    const value = event.metrics?.[key];
    if (value === undefined) return;
    const better = args.greaterIsBetter ? value > (state.bestMetric ?? -Infinity) : value < (state.bestMetric ?? Infinity);
    if (state.bestMetric === null || (better && Math.abs(value - state.bestMetric) > this.threshold)) this.patienceCounter = 0;
    else this.patienceCounter += 1;
    if (this.patienceCounter >= this.patience) control.shouldTrainingStop = true;
  }

  saveState(): Record<string, unknown> {
    return {
      args: { early_stopping_patience: this.patience, early_stopping_threshold: this.threshold },
      attributes: { early_stopping_patience_counter: this.patienceCounter },
    };
  }

  loadState(state: Record<string, unknown>): void {
    const attributes = (state.attributes ?? {}) as Record<string, unknown>;
    if (typeof attributes.early_stopping_patience_counter === 'number') this.patienceCounter = attributes.early_stopping_patience_counter;
  }
}
