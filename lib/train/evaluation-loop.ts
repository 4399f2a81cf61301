/**
 * The evaluation loop: forward in eval mode over every batch, gathering logits, labels and video
 * ids. eval_loss is the per-sample mean of the batch-mean losses (each batch weighted by its true
 * size, as accelerate's gather_for_metrics does — docs/hf-semantics.md § "Trainer: logged values and eval_loss").
 */
import { VideomaeError } from '../errors';
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
  options: { computeMetrics?: ComputeMetrics; prefix: string; shouldStop?: () => boolean },
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
      const result = await model.forward({ pixelValues: batch.pixelValues, labels: batch.labels });
      const n = batchSize(batch.labels);
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
  const prediction: EvalPrediction = {
    predictions: Float32Array.from(logits),
    numLabels,
    labelIds: Int32Array.from(labels),
    videoIds: hasVideoIds && labels.length ? Int32Array.from(videoIds) : null,
  };
  const { prefix } = options;
  const metrics: Record<string, number> = {};
  if (lossCount) metrics[`${prefix}_loss`] = lossSum / lossCount;
  if (options.computeMetrics && labels.length) {
    for (const [key, value] of Object.entries(options.computeMetrics(prediction))) {
      metrics[key.startsWith(`${prefix}_`) ? key : `${prefix}_${key}`] = value;
    }
  }
  const runtime = (performance.now() - started) / 1000;
  metrics[`${prefix}_runtime`] = round(runtime, 4);
  metrics[`${prefix}_samples_per_second`] = round(labels.length / runtime, 3);
  metrics[`${prefix}_steps_per_second`] = round(numBatches / runtime, 3);
  return { prediction, metrics, numBatches };
}

export function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
