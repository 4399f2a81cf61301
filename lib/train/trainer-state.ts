/**
 * TrainerState and TrainerControl with HF's field names, serialized as trainer_state.json exactly
 * as transformers does (docs/hf-semantics.md § "Trainer: trainer_state.json"): snake_case keys sorted, indent 2, final newline.
 */
import { VideomaeError } from '../errors';

export type LogEntry = Record<string, number>;

export interface TrainerControl {
  shouldTrainingStop: boolean;
  shouldEpochStop: boolean;
  shouldSave: boolean;
  shouldEvaluate: boolean;
  shouldLog: boolean;
}

export function newControl(): TrainerControl {
  return { shouldTrainingStop: false, shouldEpochStop: false, shouldSave: false, shouldEvaluate: false, shouldLog: false };
}

export class TrainerState {
  epoch = 0;
  globalStep = 0;
  maxSteps = 0;
  loggingSteps = 500;
  evalSteps = 500;
  saveSteps = 500;
  trainBatchSize = 8;
  numTrainEpochs = 0;
  numInputTokensSeen = 0;
  totalFlos = 0;
  logHistory: LogEntry[] = [];
  bestMetric: number | null = null;
  bestGlobalStep: number | null = null;
  bestModelCheckpoint: string | null = null;
  /** State of stateful callbacks (EarlyStoppingCallback), by class name. */
  statefulCallbacks: Record<string, unknown> = {};

  toJson(control: TrainerControl): Record<string, unknown> {
    const json: Record<string, unknown> = {
      best_global_step: this.bestGlobalStep,
      best_metric: this.bestMetric,
      best_model_checkpoint: this.bestModelCheckpoint,
      epoch: this.epoch,
      eval_steps: this.evalSteps,
      global_step: this.globalStep,
      is_hyper_param_search: false,
      is_local_process_zero: true,
      is_world_process_zero: true,
      log_history: this.logHistory,
      logging_steps: this.loggingSteps,
      max_steps: this.maxSteps,
      num_input_tokens_seen: this.numInputTokensSeen,
      num_train_epochs: this.numTrainEpochs,
      save_steps: this.saveSteps,
      stateful_callbacks: {
        TrainerControl: {
          args: {
            should_epoch_stop: control.shouldEpochStop,
            should_evaluate: control.shouldEvaluate,
            should_log: control.shouldLog,
            should_save: control.shouldSave,
            should_training_stop: control.shouldTrainingStop,
          },
          attributes: {},
        },
        ...this.statefulCallbacks,
      },
      total_flos: this.totalFlos,
      train_batch_size: this.trainBatchSize,
      trial_name: null,
      trial_params: null,
    };
    return json;
  }

  /** trainer_state.json text: keys sorted at every level, indent 2, trailing newline (json.dumps(sort_keys=True)). */
  serialize(control: TrainerControl): string {
    return `${stringifySorted(this.toJson(control))}\n`;
  }

  static fromJson(json: Record<string, unknown>, where: string): TrainerState {
    const state = new TrainerState();
    const num = (key: string, fallback: number): number => {
      const value = json[key];
      if (value === undefined || value === null) return fallback;
      if (typeof value !== 'number') throw new VideomaeError(`${where}: ${key} is not a number`, 'ERR_VIDEOMAE_CHECKPOINT');
      return value;
    };
    state.epoch = num('epoch', 0);
    state.globalStep = num('global_step', 0);
    state.maxSteps = num('max_steps', 0);
    state.loggingSteps = num('logging_steps', 500);
    state.evalSteps = num('eval_steps', 500);
    state.saveSteps = num('save_steps', 500);
    state.trainBatchSize = num('train_batch_size', 8);
    state.numTrainEpochs = num('num_train_epochs', 0);
    state.numInputTokensSeen = num('num_input_tokens_seen', 0);
    state.totalFlos = num('total_flos', 0);
    state.bestMetric = json.best_metric === null || json.best_metric === undefined ? null : num('best_metric', 0);
    state.bestGlobalStep = json.best_global_step === null || json.best_global_step === undefined ? null : num('best_global_step', 0);
    state.bestModelCheckpoint = typeof json.best_model_checkpoint === 'string' ? json.best_model_checkpoint : null;
    if (!Array.isArray(json.log_history)) throw new VideomaeError(`${where}: log_history is not a list`, 'ERR_VIDEOMAE_CHECKPOINT');
    state.logHistory = json.log_history as LogEntry[];
    const callbacks = (json.stateful_callbacks ?? {}) as Record<string, unknown>;
    state.statefulCallbacks = Object.fromEntries(Object.entries(callbacks).filter(([name]) => name !== 'TrainerControl'));
    return state;
  }
}

/** JSON.stringify with object keys sorted recursively and indent 2 (Python's sort_keys=True, indent=2). */
export function stringifySorted(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    const obj = value as Record<string, unknown>;
    return Object.fromEntries(
      Object.keys(obj)
        .sort()
        .map((k) => [k, sortKeys(obj[k])]),
    );
  }
  if (typeof value === 'number' && !Number.isFinite(value)) return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  return value;
}
