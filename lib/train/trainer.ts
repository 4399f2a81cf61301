/**
 * Trainer: HF's training loop in TypeScript, one native trainStep call per micro-batch.
 *
 * Step arithmetic (docs/hf-semantics.md § "Trainer: learning-rate schedule" and the Trainer sections after it, up to
 * § "Trainer: evaluation, saving and best model"): an update = GA micro-batches (fewer for the
 * last group of an epoch); updates per epoch = ceil(batches / GA); max_steps = maxSteps, or
 * ceil(numTrainEpochs · updates per epoch). The loss is the exact sample mean over the group
 * (each micro-batch mean scaled by its share of the group's labels). The scheduler steps after the
 * update, so the logged learning_rate is the lr that update used. Decision points run
 * log → evaluate → best metric → save → rotate.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { VideomaeError, invalidArg } from '../errors';
import { evaluationReport, type EvaluationReport } from '../metrics/evaluation-report';
import { DefaultFlowCallback, type CallbackEvent, type CallbackEventName, type TrainerCallback } from './callbacks';
import {
  FILES,
  assertResumable,
  checkpointDir,
  latestCheckpoint,
  listCheckpoints,
  readJson,
  removeCheckpoint,
  removeStaleTemporaries,
  rotateCheckpoints,
  writeCheckpointAtomically,
  writeFileAtomically,
} from './checkpoint';
import { evaluationLoop, round, type EvaluationOutput } from './evaluation-loop';
import { HubPushSession, type HubPushReport, type TrainerPushOptions } from './hub-callback';
import type { Batch, BatchSource, EvalPrediction, OptimizerLike, TrainableModel } from './interfaces';
import { JsonLinesCallback, ProgressCallback } from './progress';
import { LrScheduler, warmupStepsFor, type SchedulerState } from './schedule';
import { installSignalGuard, type SignalGuard } from './signals';
import { newControl, stringifySorted, TrainerState, type LogEntry, type TrainerControl } from './trainer-state';
import { resolveTrainingArguments, trainingArgumentsToJson, type TrainingArguments, type TrainingArgumentsInput } from './training-args';
import { REPORT_FILE, writeTrainingReport } from '../report/html';
import type { PushResult } from '../hub/push';
import { withVideoDefaults } from './video-defaults';
import type { TrainerOptions } from './trainer-options';

import type { ProcessGroup } from '../distributed/process-group';

export type { LoaderFactory, TrainerOptions } from './trainer-options';

export interface TrainOutput {
  globalStep: number;
  trainingLoss: number;
  metrics: Record<string, number>;
  /** The signal (or 'stop' for trainer.stop()) that ended training early, or null. */
  interrupted: NodeJS.Signals | 'stop' | null;
  /** The checkpoint saved on interruption. */
  checkpoint: string | null;
  /** With pushToHub: what the pushes at each save did (train() waits for the running one, as HF). */
  hub?: HubPushReport;
}

export interface PredictionOutput {
  predictions: Float32Array;
  numLabels: number;
  labelIds: Int32Array;
  videoIds: Int32Array | null;
  metrics: Record<string, number>;
}

/** Running sums that make logs after a resume identical to an uninterrupted run's. */
interface LoopTotals {
  lossSinceLog: number;
  lastLoggedStep: number;
  totalLoss: number;
  gradNorm: number | null;
  lastLr: number;
}

/** rng_state.json: where in the data stream a checkpoint was taken (the data order is a function of seed and epoch). */
interface RngState {
  seed: number;
  epoch: number;
  batches_done_in_epoch: number;
  totals: LoopTotals;
  /** Ranks that trained (batches_done_in_epoch counts one rank's batches); absent: 1. */
  world_size?: number;
}

function isBatchSource(value: unknown): value is BatchSource {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as BatchSource).epoch === 'function' &&
    typeof (value as BatchSource).batchesPerEpoch === 'number'
  );
}

function numelOf(pixelValues: unknown): number {
  const shape = (pixelValues as { shape?: number[] })?.shape;
  return Array.isArray(shape) ? shape.reduce((a, b) => a * b, 1) : 0;
}

export class Trainer {
  readonly model: TrainableModel;
  readonly args: TrainingArguments;
  state = new TrainerState();
  control: TrainerControl = newControl();
  /** The last evaluation's full report (confusion matrix, per class), for report.html. */
  lastEvaluation: EvaluationReport | null = null;
  readonly timings = { trainSeconds: 0, evalSeconds: 0, saveSeconds: 0, dataWaitMs: 0 };

  private readonly callbacks: TrainerCallback[];
  private readonly options: TrainerOptions;
  private optimizer: OptimizerLike | null = null;
  private scheduler: LrScheduler | null = null;
  private stopReason: NodeJS.Signals | 'stop' | null = null;
  private inTraining = false;
  private parameterCount: number | null = null;
  private evalSource: BatchSource | null = null;
  private ownedSources: BatchSource[] = [];
  /** Where the data stream stands after the last update (saved in rng_state.json). */
  private position = { epoch: 0, batchesDone: 0 };
  /** Hub pushes (pushToHub, or a trainer.pushToHub() call): lib/train/hub-callback.ts. */
  private hubSession: HubPushSession | null = null;
  /** Data-parallel: the group, and a stop asked for on this rank that the ranks have not yet agreed on. */
  private readonly group: ProcessGroup | null;
  private pendingStop: NodeJS.Signals | 'stop' | null = null;

  constructor(options: TrainerOptions) {
    if (!options || typeof options !== 'object') throw invalidArg('options', 'an object with model and args', options);
    if (!options.model || typeof options.model.trainStep !== 'function')
      throw invalidArg('model', 'a VideoMAE classifier (with trainStep)', options.model);
    const resolved = withVideoDefaults(options);
    this.options = resolved;
    this.model = resolved.model;
    this.args = resolveTrainingArguments(options.args as TrainingArgumentsInput);
    this.group = options.processGroup && options.processGroup.worldSize > 1 ? options.processGroup : null;
    const defaults: TrainerCallback[] = [new DefaultFlowCallback()];
    // As HF: only the main process pushes and prints progress.
    if (this.args.pushToHub && this.isMainProcess) {
      this.hubSession = new HubPushSession(this);
      defaults.push(this.hubSession.callback);
    }
    if (!this.args.disableTqdm && this.isMainProcess)
      defaults.push(process.stderr.isTTY ? new ProgressCallback() : new JsonLinesCallback());
    this.callbacks = [...defaults, ...(options.callbacks ?? [])];
  }

  addCallback(callback: TrainerCallback): void {
    this.callbacks.push(callback);
  }

  /** Rank 0 (or the only process): the one that writes files (HF's is_world_process_zero). */
  get isMainProcess(): boolean {
    return this.group === null || this.group.rank === 0;
  }

  /** Ranks training together (1 without a process group). */
  get worldSize(): number {
    return this.group?.worldSize ?? 1;
  }

  /** Asks a running train() to stop after the current step and save a checkpoint. */
  stop(): void {
    this.requestStop('stop');
  }

  // Data-parallel ranks must stop at the same update: the request waits for update() to share it.
  private requestStop(reason: NodeJS.Signals | 'stop'): void {
    if (this.group) this.pendingStop ??= reason;
    else this.stopReason ??= reason;
  }

  // ---------------------------------------------------------------- data sources

  private sourceFor(dataset: unknown, train: boolean): BatchSource {
    if (isBatchSource(dataset)) return dataset;
    if (dataset === undefined || dataset === null)
      throw invalidArg(train ? 'trainDataset' : 'evalDataset', 'a dataset or a batch source', dataset);
    if (!this.options.createLoader)
      throw invalidArg(
        train ? 'trainDataset' : 'evalDataset',
        'a batch source (or pass createLoader to build one from a dataset)',
        dataset,
      );
    const source = this.options.createLoader(dataset, {
      train,
      batchSize: train ? this.args.perDeviceTrainBatchSize : this.args.perDeviceEvalBatchSize,
      seed: this.args.seed,
      workers: this.args.dataloaderNumWorkers,
      dropLast: train ? this.args.dataloaderDropLast : false,
      // Training shards are padded to equal length (every rank steps alike); eval shards are exact.
      ...(this.group ? { shard: { rank: this.group.rank, worldSize: this.group.worldSize, pad: train } } : {}),
    });
    this.ownedSources.push(source);
    return source;
  }

  private defaultEvalSource(): BatchSource {
    if (!this.evalSource) {
      if (this.options.evalDataset === undefined)
        throw new VideomaeError('evaluate() needs an evalDataset (pass one to the Trainer or to evaluate())', 'ERR_VIDEOMAE_INVALID_ARG');
      this.evalSource = this.sourceFor(this.options.evalDataset, false);
    }
    return this.evalSource;
  }

  // ---------------------------------------------------------------- callbacks

  private fire(event: CallbackEventName, extra: CallbackEvent = {}): void {
    for (const callback of this.callbacks) {
      const hook = callback[event];
      if (!hook) continue;
      const result = hook.call(callback, this.args, this.state, this.control, extra);
      if (result) Object.assign(this.control, result);
    }
  }

  private log(logs: LogEntry): LogEntry {
    logs.epoch = this.state.epoch;
    const entry = { ...logs, step: this.state.globalStep };
    this.state.logHistory.push(entry);
    this.fire('onLog', { logs: entry });
    this.control.shouldLog = false;
    return entry;
  }

  // ---------------------------------------------------------------- evaluation

  /** Evaluates on `dataset` (default: evalDataset); returns eval_* metrics and logs them. */
  async evaluate(dataset?: unknown, options: { metricKeyPrefix?: string } = {}): Promise<Record<string, number>> {
    const source = dataset === undefined ? this.defaultEvalSource() : this.sourceFor(dataset, false);
    const output = await this.runEvaluation(source, options.metricKeyPrefix ?? 'eval');
    const metrics = output.metrics;
    this.log(metrics);
    this.fire('onEvaluate', { metrics });
    this.control.shouldEvaluate = false;
    return metrics;
  }

  /** Predictions (logits) with test_* metrics; nothing is logged. */
  async predict(dataset: unknown, options: { metricKeyPrefix?: string } = {}): Promise<PredictionOutput> {
    const source = this.sourceFor(dataset, false);
    const output = await this.runEvaluation(source, options.metricKeyPrefix ?? 'test');
    this.fire('onPredict', { metrics: output.metrics });
    return { ...output.prediction, metrics: output.metrics };
  }

  private async runEvaluation(source: BatchSource, prefix: string): Promise<EvaluationOutput> {
    const started = performance.now();
    this.model.eval();
    try {
      const output = await evaluationLoop(this.model, source, { computeMetrics: this.options.computeMetrics, prefix, group: this.group });
      this.lastEvaluation = output.prediction.labelIds.length ? safeReport(output.prediction) : null;
      return output;
    } finally {
      if (this.inTraining) this.model.train();
      this.timings.evalSeconds += (performance.now() - started) / 1000;
    }
  }

  // ---------------------------------------------------------------- training

  async train(options: { resumeFromCheckpoint?: string | boolean } = {}): Promise<TrainOutput> {
    const args = this.args;
    const source = this.sourceFor(this.options.trainDataset, true);
    const ga = args.gradientAccumulationSteps;
    const batchesPerEpoch = source.batchesPerEpoch;
    if (!Number.isInteger(batchesPerEpoch) || batchesPerEpoch < 1)
      throw new VideomaeError(`the training data has no batches (batchesPerEpoch ${batchesPerEpoch})`, 'ERR_VIDEOMAE_DATASET');
    const updatesPerEpoch = Math.max(1, Math.ceil(batchesPerEpoch / ga));
    const maxSteps = args.maxSteps > 0 ? args.maxSteps : Math.ceil(args.numTrainEpochs * updatesPerEpoch);
    const numEpochs = args.maxSteps > 0 ? Math.ceil(maxSteps / updatesPerEpoch) : Math.ceil(args.numTrainEpochs);

    fs.mkdirSync(args.outputDir, { recursive: true });
    if (this.isMainProcess) removeStaleTemporaries(args.outputDir);
    if (args.gradientCheckpointing && 'gradientCheckpointing' in this.model) this.model.gradientCheckpointing = true;
    this.optimizer = await this.model.createOptimizer({
      lr: args.learningRate,
      betas: [args.adamBeta1, args.adamBeta2],
      eps: args.adamEpsilon,
      weightDecay: args.weightDecay,
    });
    this.scheduler = new LrScheduler(
      args.lrSchedulerType,
      args.learningRate,
      warmupStepsFor(maxSteps, args.warmupSteps, args.warmupRatio),
      maxSteps,
    );
    this.state = new TrainerState();
    Object.assign(this.state, {
      maxSteps,
      loggingSteps: args.loggingSteps,
      evalSteps: args.evalSteps,
      saveSteps: args.saveSteps,
      trainBatchSize: args.perDeviceTrainBatchSize,
      numTrainEpochs: numEpochs,
    });
    this.control = newControl();
    const totals: LoopTotals = { lossSinceLog: 0, lastLoggedStep: 0, totalLoss: 0, gradNorm: null, lastLr: 0 };
    let start = { epoch: 0, batchesDone: 0 };
    this.position = { ...start };
    const resume = options.resumeFromCheckpoint ?? args.resumeFromCheckpoint;
    if (resume) start = await this.resumeFrom(this.resolveResume(resume), totals, batchesPerEpoch, updatesPerEpoch);
    if (this.group) await this.attachGroup(this.group);

    const guard: SignalGuard | null =
      this.options.handleSignals === false
        ? null
        : installSignalGuard(
            (s) => this.requestStop(s),
            (l) => process.stderr.write(`${l}\n`),
          );
    this.stopReason = null;
    this.pendingStop = null;
    this.inTraining = true;
    const started = performance.now();
    let savedAtStep = -1;
    try {
      this.model.train();
      this.fire('onTrainBegin');
      for (let epoch = start.epoch; epoch < numEpochs && !this.control.shouldTrainingStop; epoch++) {
        const skip = epoch === start.epoch ? start.batchesDone : 0;
        savedAtStep = await this.trainEpoch(source, epoch, skip, totals, savedAtStep);
        if (this.stopReason) break;
      }
      const output = this.stopReason
        ? await this.finishInterrupted(totals, savedAtStep)
        : await this.finishTraining(source, totals, started);
      // Inside the signal guard: a second Ctrl-C still exits while a push is being waited for.
      if (this.hubSession) {
        await this.hubSession.waitForPushes();
        output.hub = this.hubSession.report();
      }
      return output;
    } finally {
      this.timings.trainSeconds += (performance.now() - started) / 1000;
      this.timings.dataWaitMs = source.stats?.dataWaitMs ?? this.timings.dataWaitMs;
      this.inTraining = false;
      guard?.dispose();
    }
  }

  private async attachGroup(group: ProcessGroup): Promise<void> {
    if (typeof this.model.attachProcessGroup !== 'function')
      throw invalidArg('model', 'a model with attachProcessGroup() for data-parallel training', this.model);
    const bucketCapMb = this.args.ddpBucketCapMb ?? undefined;
    await this.model.attachProcessGroup(group, bucketCapMb === undefined ? {} : { bucketCapMb });
  }

  private resolveResume(resume: string | boolean): string {
    if (resume === true) {
      const latest = latestCheckpoint(this.args.outputDir);
      if (!latest)
        throw new VideomaeError(
          `resumeFromCheckpoint is true but ${this.args.outputDir} holds no checkpoint-* folder`,
          'ERR_VIDEOMAE_CHECKPOINT',
        );
      return latest;
    }
    return resume as string;
  }

  /** One epoch; returns the step of the last checkpoint saved. */
  private async trainEpoch(source: BatchSource, epoch: number, skip: number, totals: LoopTotals, savedAtStep: number): Promise<number> {
    const ga = this.args.gradientAccumulationSteps;
    const batchesPerEpoch = source.batchesPerEpoch;
    this.control.shouldEpochStop = false;
    this.fire('onEpochBegin');
    const iterator = source.epoch(epoch)[Symbol.asyncIterator]();
    let index = 0;
    try {
      for (; index < skip; index++) {
        const r = await iterator.next();
        if (r.done) break;
        r.value.dispose?.();
      }
      while (index < batchesPerEpoch && !this.control.shouldTrainingStop && !this.control.shouldEpochStop) {
        const group: Batch[] = [];
        const groupSize = Math.min(ga, batchesPerEpoch - index);
        while (group.length < groupSize) {
          const r = await iterator.next();
          if (r.done) break;
          group.push(r.value);
        }
        if (!group.length) break;
        index += group.length;
        this.control.shouldLog = this.control.shouldEvaluate = this.control.shouldSave = false;
        this.fire('onStepBegin');
        await this.update(group, totals);
        this.state.epoch = epoch + index / batchesPerEpoch;
        this.position = index >= batchesPerEpoch ? { epoch: epoch + 1, batchesDone: 0 } : { epoch, batchesDone: index };
        this.fire('onStepEnd');
        savedAtStep = await this.maybeLogEvaluateSave(totals, savedAtStep);
        if (this.stopReason) return savedAtStep;
      }
    } finally {
      await iterator.return?.();
    }
    this.fire('onEpochEnd');
    return this.maybeLogEvaluateSave(totals, savedAtStep);
  }

  /** One optimizer update over a group of micro-batches. */
  private async update(group: Batch[], totals: LoopTotals): Promise<void> {
    const scheduler = this.scheduler as LrScheduler;
    const lr = scheduler.lr;
    const items = group.reduce((n, b) => n + b.labels.length, 0);
    const maxGradNorm = this.args.maxGradNorm > 0 ? this.args.maxGradNorm : Infinity;
    let updateLoss = 0;
    let gradNorm: number | undefined;
    this.parameterCount ??= this.model.numParameters();
    try {
      for (let i = 0; i < group.length; i++) {
        const batch = group[i];
        const lossScale = batch.labels.length / items;
        const last = i === group.length - 1;
        const inputs = { pixelValues: batch.pixelValues, labels: batch.labels };
        const result = await this.model.trainStep(
          batch.boolMaskedPos === undefined ? inputs : { ...inputs, boolMaskedPos: batch.boolMaskedPos },
          // Data-parallel: only the last micro-batch's backward all-reduces (DDP's no_sync for the others).
          this.group ? { lr, maxGradNorm, lossScale, step: last, sync: last } : { lr, maxGradNorm, lossScale, step: last },
        );
        updateLoss += result.loss * lossScale;
        if (result.gradNorm !== undefined) gradNorm = result.gradNorm;
        // Every rank runs the same shapes: the update's flos are this rank's times the world (HF sums them over ranks).
        this.state.totalFlos += 6 * this.parameterCount * numelOf(batch.pixelValues) * this.worldSize;
      }
    } finally {
      for (const batch of group) batch.dispose?.();
    }
    if (this.group) updateLoss = await this.agreeAfterUpdate(updateLoss);
    scheduler.step();
    this.state.globalStep += 1;
    totals.lossSinceLog += updateLoss;
    totals.totalLoss += updateLoss;
    totals.gradNorm = gradNorm ?? null;
    totals.lastLr = lr;
  }

  /**
   * One small all-reduce per update: the loss logged is the mean over ranks (HF gathers tr_loss),
   * and a stop asked for on any rank (a signal, trainer.stop()) stops every rank after this same update
   * (docs/hf-semantics.md § "Trainer: data parallel (DDP under torchrun)").
   */
  private async agreeAfterUpdate(updateLoss: number): Promise<number> {
    const group = this.group as ProcessGroup;
    const reason = this.pendingStop;
    const [lossSum, stops, sigints, sigterms] = await group.allReduceNumbers([
      updateLoss,
      reason ? 1 : 0,
      reason === 'SIGINT' ? 1 : 0,
      reason === 'SIGTERM' ? 1 : 0,
    ]);
    if (stops! > 0) this.stopReason ??= reason ?? (sigints! > 0 ? 'SIGINT' : sigterms! > 0 ? 'SIGTERM' : 'stop');
    return lossSum! / group.worldSize;
  }

  private async maybeLogEvaluateSave(totals: LoopTotals, savedAtStep: number): Promise<number> {
    const step = this.state.globalStep;
    if (this.control.shouldLog && step > totals.lastLoggedStep) {
      const logs: LogEntry = { loss: totals.lossSinceLog / (step - totals.lastLoggedStep) };
      if (totals.gradNorm !== null) logs.grad_norm = totals.gradNorm;
      logs.learning_rate = totals.lastLr;
      totals.lossSinceLog = 0;
      totals.lastLoggedStep = step;
      this.log(logs);
    }
    this.control.shouldLog = false;
    let newBest = false;
    if (this.control.shouldEvaluate) {
      const metrics = await this.evaluate();
      newBest = this.determineBestMetric(metrics);
      if (this.args.saveStrategy === 'best') this.control.shouldSave = newBest;
    }
    if (this.control.shouldSave && step !== savedAtStep) {
      await this.saveCheckpoint(totals);
      savedAtStep = step;
    }
    this.control.shouldSave = false;
    return savedAtStep;
  }

  /** Strict comparison: a tie keeps the earlier checkpoint (np.greater / np.less). */
  private determineBestMetric(metrics: Record<string, number>): boolean {
    const name = this.args.metricForBestModel;
    if (name === null) return false;
    const key = name.startsWith('eval_') ? name : `eval_${name}`;
    const value = metrics[key];
    if (value === undefined) {
      throw new VideomaeError(
        `metricForBestModel "${name}" is not among the evaluation metrics (${Object.keys(metrics).join(', ')}); pass computeMetrics that returns it`,
        'ERR_VIDEOMAE_INVALID_ARG',
      );
    }
    const best = this.state.bestMetric ?? (this.args.greaterIsBetter ? -Infinity : Infinity);
    const better = this.args.greaterIsBetter ? value > best : value < best;
    if (better) {
      this.state.bestMetric = value;
      this.state.bestGlobalStep = this.state.globalStep;
    }
    return better;
  }

  // ---------------------------------------------------------------- checkpoints

  private async saveCheckpoint(totals: LoopTotals): Promise<string> {
    if (!this.isMainProcess) return this.awaitMainCheckpoint();
    const started = performance.now();
    const args = this.args;
    const step = this.state.globalStep;
    const finalDir = checkpointDir(args.outputDir, step);
    const dir = await writeCheckpointAtomically(args.outputDir, step, async (tmp) => {
      await this.model.savePretrained(tmp, { preprocessorConfig: this.options.preprocessorConfig });
      await (this.optimizer as OptimizerLike).save(path.join(tmp, FILES.optimizer));
      fs.writeFileSync(path.join(tmp, FILES.scheduler), `${stringifySorted((this.scheduler as LrScheduler).state())}\n`);
      const rng: RngState = {
        seed: args.seed,
        epoch: this.position.epoch,
        batches_done_in_epoch: this.position.batchesDone,
        totals: { ...totals },
        world_size: this.worldSize,
      };
      fs.writeFileSync(path.join(tmp, FILES.rngState), `${stringifySorted(rng)}\n`);
      this.noteBestCheckpoint(step);
      this.storeCallbackStates();
      fs.writeFileSync(path.join(tmp, FILES.trainerState), this.state.serialize(this.control));
      fs.writeFileSync(path.join(tmp, FILES.trainingArgs), `${stringifySorted(this.trainingArgsJson())}\n`);
    });
    rotateCheckpoints(args.outputDir, args.saveTotalLimit, this.state.bestModelCheckpoint);
    // The other ranks wait here until the checkpoint is complete (they may read it: the best model at the end).
    if (this.group) await this.group.barrier();
    this.timings.saveSeconds += (performance.now() - started) / 1000;
    this.fire('onSave', { checkpoint: dir });
    this.control.shouldSave = false;
    return finalDir;
  }

  /** A rank other than 0 at a save: the same bookkeeping as rank 0, no files; returns once rank 0's checkpoint is complete. */
  private async awaitMainCheckpoint(): Promise<string> {
    const step = this.state.globalStep;
    const dir = checkpointDir(this.args.outputDir, step);
    await (this.group as ProcessGroup).barrier();
    this.noteBestCheckpoint(step);
    this.fire('onSave', { checkpoint: dir });
    this.control.shouldSave = false;
    return dir;
  }

  /** state.bestModelCheckpoint: the best step's folder, once it is this save's or still on disk (rotation may have removed it). */
  private noteBestCheckpoint(step: number): void {
    const bestStep = this.state.bestGlobalStep;
    if (bestStep !== null && (bestStep === step || fs.existsSync(checkpointDir(this.args.outputDir, bestStep))))
      this.state.bestModelCheckpoint = checkpointDir(this.args.outputDir, bestStep);
  }

  private storeCallbackStates(): void {
    for (const callback of this.callbacks) {
      if (callback.stateName && callback.saveState) this.state.statefulCallbacks[callback.stateName] = callback.saveState();
    }
  }

  private async resumeFrom(
    dir: string,
    totals: LoopTotals,
    batchesPerEpoch: number,
    updatesPerEpoch: number,
  ): Promise<{ epoch: number; batchesDone: number }> {
    assertResumable(dir);
    const saved = TrainerState.fromJson(readJson(path.join(dir, FILES.trainerState)), path.join(dir, FILES.trainerState));
    if (saved.globalStep > this.state.maxSteps) {
      throw new VideomaeError(
        `cannot resume from ${dir}: it is at step ${saved.globalStep}, beyond max_steps ${this.state.maxSteps}`,
        'ERR_VIDEOMAE_CHECKPOINT',
      );
    }
    await this.model.loadWeights(dir);
    await (this.optimizer as OptimizerLike).load(path.join(dir, FILES.optimizer));
    (this.scheduler as LrScheduler).load(readJson(path.join(dir, FILES.scheduler)) as unknown as SchedulerState);
    const rng = readJson(path.join(dir, FILES.rngState)) as unknown as RngState;
    Object.assign(this.state, {
      globalStep: saved.globalStep,
      epoch: saved.epoch,
      logHistory: saved.logHistory,
      bestMetric: saved.bestMetric,
      bestGlobalStep: saved.bestGlobalStep,
      bestModelCheckpoint: saved.bestModelCheckpoint,
      totalFlos: saved.totalFlos,
      statefulCallbacks: saved.statefulCallbacks,
    });
    for (const callback of this.callbacks) {
      const stored = callback.stateName ? saved.statefulCallbacks[callback.stateName] : undefined;
      if (stored && callback.loadState) callback.loadState(stored as Record<string, unknown>);
    }
    if (rng.totals) Object.assign(totals, rng.totals);
    else totals.lastLoggedStep = saved.globalStep;
    // Where the data stream continues: as recorded, else HF's arithmetic (whole epochs of updates, then updates × GA micro-batches).
    // A resume with another world size has other shards: the recorded per-rank position does not apply there.
    const recorded =
      Number.isInteger(rng.epoch) &&
      Number.isInteger(rng.batches_done_in_epoch) &&
      rng.batches_done_in_epoch < batchesPerEpoch &&
      (rng.world_size ?? 1) === this.worldSize;
    this.position = recorded
      ? { epoch: rng.epoch, batchesDone: rng.batches_done_in_epoch }
      : {
          epoch: Math.floor(saved.globalStep / updatesPerEpoch),
          batchesDone: Math.min(batchesPerEpoch, (saved.globalStep % updatesPerEpoch) * this.args.gradientAccumulationSteps),
        };
    return { ...this.position };
  }

  private async finishInterrupted(totals: LoopTotals, savedAtStep: number): Promise<TrainOutput> {
    let checkpoint: string | null = null;
    if (this.state.globalStep > 0) {
      checkpoint =
        savedAtStep === this.state.globalStep ? checkpointDir(this.args.outputDir, savedAtStep) : await this.saveCheckpoint(totals);
    }
    this.fire('onTrainEnd');
    return {
      globalStep: this.state.globalStep,
      trainingLoss: totals.totalLoss / Math.max(this.state.globalStep, 0.001),
      metrics: {},
      interrupted: this.stopReason,
      checkpoint,
    };
  }

  private async finishTraining(source: BatchSource, totals: LoopTotals, started: number): Promise<TrainOutput> {
    const args = this.args;
    const runtime = (performance.now() - started) / 1000;
    const samplesPerEpoch = source.numSamples ?? source.batchesPerEpoch * args.perDeviceTrainBatchSize;
    const numSamples =
      args.maxSteps > 0
        ? args.maxSteps * args.perDeviceTrainBatchSize * args.gradientAccumulationSteps * this.worldSize
        : samplesPerEpoch * args.numTrainEpochs;
    const trainingLoss = totals.totalLoss / Math.max(this.state.globalStep, 0.001);
    const metrics = this.log({
      train_runtime: round(runtime, 4),
      train_samples_per_second: round(numSamples / runtime, 3),
      train_steps_per_second: round(this.state.maxSteps / runtime, 3),
      total_flos: this.state.totalFlos,
      train_loss: trainingLoss,
    });
    this.fire('onTrainEnd');
    if (args.loadBestModelAtEnd && this.state.bestModelCheckpoint) {
      if (!fs.existsSync(this.state.bestModelCheckpoint)) {
        throw new VideomaeError(
          `the best checkpoint ${this.state.bestModelCheckpoint} is gone; cannot load the best model`,
          'ERR_VIDEOMAE_CHECKPOINT',
        );
      }
      await this.model.loadWeights(this.state.bestModelCheckpoint);
    }
    if (args.saveTotalLimit === 1 && this.state.bestModelCheckpoint && this.isMainProcess) {
      const best = path.resolve(this.state.bestModelCheckpoint);
      // removeCheckpoint, not fs.rmSync: this deletes the newest checkpoint, and a kill midway
      // must not leave a partly deleted checkpoint-<step> for --resume to pick.
      for (const dir of listCheckpoints(args.outputDir)) if (path.resolve(dir) !== best) removeCheckpoint(dir);
    }
    await this.saveModel(args.outputDir);
    if (this.isMainProcess) {
      // Atomic: a kill mid-write must not leave a truncated trainer_state.json.
      writeFileAtomically(path.join(args.outputDir, FILES.trainerState), this.state.serialize(this.control));
      if (this.options.writeReport !== false) this.writeReport();
    }
    // train() returns on every rank once rank 0's files are complete.
    if (this.group) await this.group.barrier();
    return { globalStep: this.state.globalStep, trainingLoss, metrics, interrupted: null, checkpoint: null };
  }

  /** HF's trainer.save_model(): weights, config, preprocessor config and training_args.json into `dir`. */
  async saveModel(dir: string = this.args.outputDir): Promise<void> {
    if (!this.isMainProcess) return; // HF's save_model: only the main process writes
    fs.mkdirSync(dir, { recursive: true });
    const tmp = path.join(dir, `.save.tmp-${process.pid}`);
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.mkdirSync(tmp);
    try {
      await this.model.savePretrained(tmp, { preprocessorConfig: this.options.preprocessorConfig });
      for (const name of fs.readdirSync(tmp)) fs.renameSync(path.join(tmp, name), path.join(dir, name));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
    writeFileAtomically(path.join(dir, FILES.trainingArgs), `${stringifySorted(this.trainingArgsJson())}\n`);
  }

  /** training_args.json: the arguments, plus the world size they ran with. */
  private trainingArgsJson(): Record<string, unknown> {
    return { ...trainingArgumentsToJson(this.args), world_size: this.worldSize };
  }

  /**
   * HF's trainer.push_to_hub(): saves the model into outputDir, writes the model card README.md,
   * waits for a running push and uploads outputDir (not its checkpoint-* folders) to hubModelId
   * (default: outputDir's name under the token's user), creating the repo when missing. Throws a
   * token-free VideomaeError when the push fails; the local files are never touched by a failure.
   */
  async pushToHub(options: TrainerPushOptions = {}): Promise<PushResult> {
    if (!this.isMainProcess)
      throw new VideomaeError(
        'pushToHub() runs on the main process (rank 0) only; check trainer.isMainProcess',
        'ERR_VIDEOMAE_INVALID_ARG',
      );
    this.hubSession ??= new HubPushSession(this);
    return this.hubSession.pushFinal(options);
  }

  /** Writes report.html into outputDir (on the main process; the other ranks write nothing), with an HTML fragment of `figures` if given; returns its path. */
  writeReport(figures?: string): string {
    if (!this.isMainProcess) return path.join(this.args.outputDir, REPORT_FILE);
    return writeTrainingReport(this.args.outputDir, {
      ...(figures ? { figures } : {}),
      args: this.args,
      state: this.state,
      evaluation: this.lastEvaluation,
      classNames: classNamesOf(this.model.config),
      timings: this.timings,
      numParameters: this.parameterCount ?? this.model.numParameters(),
    });
  }

  /** Releases the loaders this trainer created. */
  async close(): Promise<void> {
    for (const source of this.ownedSources.splice(0)) await source.close?.();
    this.evalSource = null;
  }
}

function safeReport(prediction: EvalPrediction): EvaluationReport | null {
  try {
    return evaluationReport(prediction);
  } catch {
    return null;
  }
}

export function classNamesOf(config: Record<string, unknown>): string[] {
  const id2label = (config.id2label ?? {}) as Record<string, string>;
  const ids = Object.keys(id2label)
    .map(Number)
    .filter((n) => Number.isInteger(n))
    .sort((a, b) => a - b);
  return ids.map((id) => String(id2label[id]));
}
