/**
 * Classification metrics over logits, in plain TypeScript: accuracy, top-k accuracy, confusion
 * matrix, per-class precision / recall / F1 with macro and weighted averages (sklearn's
 * definitions, zero_division = 0). Predictions are the first maximum of each row (numpy argmax).
 */
import { invalidArg } from '../errors';

export interface PerClassMetrics {
  precision: number[];
  recall: number[];
  f1: number[];
  support: number[];
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

function checkShapes(logits: ArrayLike<number>, numLabels: number, labels: ArrayLike<number>): number {
  if (!Number.isInteger(numLabels) || numLabels < 1) throw invalidArg('numLabels', 'an integer >= 1', numLabels);
  if (logits.length !== labels.length * numLabels) {
    throw invalidArg('logits', `${labels.length} × ${numLabels} = ${labels.length * numLabels} values`, logits.length);
  }
  return labels.length;
}

/** Index of the first maximum of each row. */
export function argmaxRows(logits: ArrayLike<number>, numLabels: number): Int32Array {
  const rows = Math.floor(logits.length / numLabels);
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < numLabels; c++) if (logits[r * numLabels + c] > logits[r * numLabels + best]) best = c;
    out[r] = best;
  }
  return out;
}

export function accuracy(predictions: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predictions.length !== labels.length)
    throw invalidArg('predictions', `${labels.length} predictions (one per label)`, predictions.length);
  if (labels.length === 0) return 0;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) correct++;
  return correct / labels.length;
}

/**
 * Fraction of rows whose label is among the k highest scores. Ties rank by class index (the
 * lower index first), so k = 1 agrees with argmax accuracy.
 */
export function topKAccuracy(logits: ArrayLike<number>, numLabels: number, labels: ArrayLike<number>, k: number): number {
  const n = checkShapes(logits, numLabels, labels);
  if (!Number.isInteger(k) || k < 1) throw invalidArg('k', 'an integer >= 1', k);
  if (n === 0) return 0;
  let hits = 0;
  for (let r = 0; r < n; r++) {
    const label = labels[r];
    const score = logits[r * numLabels + label];
    let rank = 0;
    for (let c = 0; c < numLabels; c++) {
      const other = logits[r * numLabels + c];
      if (other > score || (other === score && c < label)) rank++;
    }
    if (rank < k) hits++;
  }
  return hits / n;
}

/** matrix[true][predicted] counts. */
export function confusionMatrix(predictions: ArrayLike<number>, labels: ArrayLike<number>, numLabels: number): number[][] {
  const matrix = Array.from({ length: numLabels }, () => new Array<number>(numLabels).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const t = labels[i];
    const p = predictions[i];
    if (t < 0 || t >= numLabels || p < 0 || p >= numLabels)
      throw invalidArg('labels', `class indices in [0, ${numLabels})`, t < 0 || t >= numLabels ? t : p);
    matrix[t][p]++;
  }
  return matrix;
}

export function perClassMetrics(matrix: number[][]): PerClassMetrics {
  const k = matrix.length;
  const result: PerClassMetrics = { precision: [], recall: [], f1: [], support: [] };
  for (let c = 0; c < k; c++) {
    const tp = matrix[c][c];
    let predicted = 0;
    let actual = 0;
    for (let i = 0; i < k; i++) {
      predicted += matrix[i][c];
      actual += matrix[c][i];
    }
    const precision = predicted ? tp / predicted : 0;
    const recall = actual ? tp / actual : 0;
    result.precision.push(precision);
    result.recall.push(recall);
    result.f1.push(precision + recall ? (2 * precision * recall) / (precision + recall) : 0);
    result.support.push(actual);
  }
  return result;
}

export function macroAverage(metrics: PerClassMetrics): AveragedMetrics {
  const mean = (xs: number[]): number => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
  return { precision: mean(metrics.precision), recall: mean(metrics.recall), f1: mean(metrics.f1) };
}

export function weightedAverage(metrics: PerClassMetrics): AveragedMetrics {
  const total = metrics.support.reduce((a, b) => a + b, 0);
  const weighted = (xs: number[]): number => (total ? xs.reduce((a, x, i) => a + x * metrics.support[i], 0) / total : 0);
  return { precision: weighted(metrics.precision), recall: weighted(metrics.recall), f1: weighted(metrics.f1) };
}

/** Row-wise softmax (max-subtracted, in float64). */
export function softmaxRows(logits: ArrayLike<number>, numLabels: number): Float64Array {
  const out = new Float64Array(logits.length);
  for (let r = 0; r * numLabels < logits.length; r++) {
    let max = -Infinity;
    for (let c = 0; c < numLabels; c++) max = Math.max(max, logits[r * numLabels + c]);
    let sum = 0;
    for (let c = 0; c < numLabels; c++) sum += out[r * numLabels + c] = Math.exp(logits[r * numLabels + c] - max);
    for (let c = 0; c < numLabels; c++) out[r * numLabels + c] /= sum;
  }
  return out;
}
