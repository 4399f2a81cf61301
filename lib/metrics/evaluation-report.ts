/**
 * The full classification report (per clip and, with video ids, per video) and the flat metric
 * dictionary the Trainer logs as eval_* keys.
 */
import type { EvalPrediction } from './eval-prediction';
import {
  accuracy,
  argmaxRows,
  confusionMatrix,
  macroAverage,
  perClassMetrics,
  topKAccuracy,
  weightedAverage,
  type AveragedMetrics,
  type PerClassMetrics,
} from './classification';
import { aggregateByVideo } from './video';

export interface ClassificationReport {
  numSamples: number;
  accuracy: number;
  topK: Record<number, number>;
  confusionMatrix: number[][];
  perClass: PerClassMetrics;
  macro: AveragedMetrics;
  weighted: AveragedMetrics;
}

export interface EvaluationReport {
  clip: ClassificationReport;
  /** Present when the prediction carries video ids. */
  video: ClassificationReport | null;
}

export function classificationReport(
  scores: ArrayLike<number>,
  numLabels: number,
  labels: ArrayLike<number>,
  topK: number[] = [5],
): ClassificationReport {
  const predictions = argmaxRows(scores, numLabels);
  const matrix = confusionMatrix(predictions, labels, numLabels);
  const perClass = perClassMetrics(matrix);
  const ks = topK.filter((k) => k < numLabels);
  return {
    numSamples: labels.length,
    accuracy: accuracy(predictions, labels),
    topK: Object.fromEntries(ks.map((k) => [k, topKAccuracy(scores, numLabels, labels, k)])),
    confusionMatrix: matrix,
    perClass,
    macro: macroAverage(perClass),
    weighted: weightedAverage(perClass),
  };
}

export function evaluationReport(prediction: EvalPrediction, topK: number[] = [5]): EvaluationReport {
  const { predictions, numLabels, labelIds, videoIds } = prediction;
  const clip = classificationReport(predictions, numLabels, labelIds, topK);
  if (!videoIds) return { clip, video: null };
  const videos = aggregateByVideo(predictions, numLabels, labelIds, videoIds);
  return { clip, video: classificationReport(videos.probabilities, numLabels, videos.labels, topK) };
}

/** Flat metrics for compute_metrics: accuracy, top-k, macro/weighted P/R/F1, and video_* counterparts. */
export function flattenReport(report: EvaluationReport): Record<string, number> {
  const flat = (r: ClassificationReport, prefix: string): Record<string, number> => ({
    [`${prefix}accuracy`]: r.accuracy,
    ...Object.fromEntries(Object.entries(r.topK).map(([k, v]) => [`${prefix}top${k}_accuracy`, v])),
    [`${prefix}macro_precision`]: r.macro.precision,
    [`${prefix}macro_recall`]: r.macro.recall,
    [`${prefix}macro_f1`]: r.macro.f1,
    [`${prefix}weighted_precision`]: r.weighted.precision,
    [`${prefix}weighted_recall`]: r.weighted.recall,
    [`${prefix}weighted_f1`]: r.weighted.f1,
  });
  return { ...flat(report.clip, ''), ...(report.video ? flat(report.video, 'video_') : {}) };
}

/** A ready-made compute_metrics: every metric of the report, per clip and per video. */
export function classificationMetrics(options: { topK?: number[] } = {}): (prediction: EvalPrediction) => Record<string, number> {
  return (prediction) => flattenReport(evaluationReport(prediction, options.topK));
}
