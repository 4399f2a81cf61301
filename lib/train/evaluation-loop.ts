/**
 * The evaluation loop: forward in eval mode over every batch, gathering logits, labels and video
 * ids. eval_loss is the per-sample mean of the batch-mean losses (each batch weighted by its true
 * size, as accelerate's gather_for_metrics does — docs/hf-semantics.md § "Trainer: logged values and eval_loss").
 */
import { VideomaeError } from '../errors';
import { gatherEvaluation, type LocalPredictions } from '../distributed/gather';
import type { ProcessGroup } from '../distributed/process-group';
import type { BatchSource, ComputeMetrics, EvalPrediction, TrainableModel } from './interfaces';

export interface EvaluationOutput {
  prediction: EvalPrediction;
  /** `<prefix>_loss`, `<prefix>_<metric>`, runtime and speed, as HF names them. */
  metrics: Record<string, number>;
  numBatches: number;
}

export function batchSize(labels: Int32Array | number[]): number {
  return labels.length;
}

export async function evaluationLoop(
  model: TrainableModel,
  source: BatchSource,
  /** With `group`: `source` is this rank's unpadded shard, and the metrics are over all ranks' rows. */
  options: { computeMetrics?: ComputeMetrics; prefix: string; shouldStop?: () => boolean; group?: ProcessGroup | null },
): Promise<EvaluationOutput> {
  const started = performance.now();
  const logits: number[] = [];
  const labels: number[] = [];
  const videoIds: number[] = [];
  let hasVideoIds = true;
  let numLabels = 0;
  let lossSum = 0;
  let lossCount = 0;
  let numBatches = 0;
  for await (const batch of source.epoch(0)) {
    try {
      const inputs = { pixelValues: batch.pixelValues, labels: batch.labels };
      const result = await model.forward(batch.boolMaskedPos === undefined ? inputs : { ...inputs, boolMaskedPos: batch.boolMaskedPos });
      const n = batchSize(batch.labels);
      if (model.task === 'pretraining') {
        // Reconstructions are not predictions to score: only the loss (weighted by clips) counts.
        lossSum += (result.loss ?? 0) * n;
        lossCount += n;
        numBatches++;
        continue;
      }
      const [rows, cols] = result.logits.shape;
      if (rows !== n || cols === undefined) {
        throw new VideomaeError(
          `model returned logits of shape [${result.logits.shape.join(', ')}] for a batch of ${n}`,
          'ERR_VIDEOMAE_MODEL',
        );
      }
      numLabels = cols;
      for (let i = 0; i < rows * cols; i++) logits.push(result.logits.data[i]);
      for (let i = 0; i < n; i++) labels.push(batch.labels[i]);
      if (batch.videoIds && batch.videoIds.length === n) videoIds.push(...batch.videoIds);
      else hasVideoIds = false;
      if (result.loss !== undefined) {
        lossSum += result.loss * n;
        lossCount += n;
      }
      numBatches++;
    } finally {
      batch.dispose?.();
    }
    if (options.shouldStop?.()) break;
  }
  let collected: LocalPredictions = {
    logits: Float32Array.from(logits),
    labels: Int32Array.from(labels),
    videoIds: hasVideoIds && labels.length ? Int32Array.from(videoIds) : null,
    numLabels,
    lossSum,
    lossCount,
    numBatches,
  };
  if (options.group && options.group.worldSize > 1) collected = await gatherEvaluation(options.group, collected);
  const prediction: EvalPrediction = {
    predictions: collected.logits,
    numLabels: collected.numLabels,
    labelIds: collected.labels,
    videoIds: collected.videoIds,
  };
  const { prefix } = options;
  const metrics: Record<string, number> = {};
  if (collected.lossCount) metrics[`${prefix}_loss`] = collected.lossSum / collected.lossCount;
  if (options.computeMetrics && prediction.labelIds.length) {
    for (const [key, value] of Object.entries(options.computeMetrics(prediction))) {
      metrics[key.startsWith(`${prefix}_`) ? key : `${prefix}_${key}`] = value;
    }
  }
  const runtime = (performance.now() - started) / 1000;
  metrics[`${prefix}_runtime`] = round(runtime, 4);
  // Pre-training collects no predictions: its clips are those the loss counted.
  const samples = prediction.labelIds.length || collected.lossCount;
  metrics[`${prefix}_samples_per_second`] = round(samples / runtime, 3);
  metrics[`${prefix}_steps_per_second`] = round(collected.numBatches / runtime, 3);
  return { prediction, metrics, numBatches: collected.numBatches };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
