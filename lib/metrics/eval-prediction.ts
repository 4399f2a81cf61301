/** What compute_metrics receives (HF's EvalPrediction, plus the clip → video map): metrics' own input type, so metrics depend on nothing in train. */
export interface EvalPrediction {
  /** Logits, row-major [numSamples, numLabels]. */
  predictions: Float32Array;
  numLabels: number;
  labelIds: Int32Array;
  videoIds: Int32Array | null;
}

export type ComputeMetrics = (prediction: EvalPrediction) => Record<string, number>;
