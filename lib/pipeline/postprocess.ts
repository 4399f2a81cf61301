/** Logits of one or more views → HF's output: top-k `{ label, score }`, highest first. Pure. */

export type FunctionToApply = 'softmax' | 'sigmoid' | 'none';

export interface Prediction {
  label: string;
  score: number;
}

function softmax(row: Float32Array | number[]): number[] {
  let max = -Infinity;
  for (const v of row) max = Math.max(max, v);
  const exps = Array.from(row, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}

function apply(row: Float32Array, fn: FunctionToApply): number[] {
  if (fn === 'softmax') return softmax(row);
  if (fn === 'sigmoid') return Array.from(row, (v) => 1 / (1 + Math.exp(-v)));
  return Array.from(row);
}

/**
 * Scores of a video from its views' logits (views × labels, row-major): the function applied per
 * view, then averaged over views (VideoMAE's multi-view merge: softmax per view, mean).
 */
export function viewScores(logits: Float32Array, views: number, labels: number, fn: FunctionToApply): number[] {
  const total = new Array<number>(labels).fill(0);
  for (let v = 0; v < views; v++) {
    const scores = apply(logits.subarray(v * labels, (v + 1) * labels), fn);
    for (let i = 0; i < labels; i++) total[i] += scores[i] / views;
  }
  return total;
}

/** The k best labels, highest score first (ties: lower label id first). */
export function topK(scores: number[], k: number, id2label: (id: number) => string): Prediction[] {
  const order = scores.map((score, id) => ({ score, id })).sort((a, b) => b.score - a.score || a.id - b.id);
  return order.slice(0, Math.min(k, scores.length)).map(({ score, id }) => ({ label: id2label(id), score }));
}
