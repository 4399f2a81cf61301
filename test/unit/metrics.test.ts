import {
  accuracy,
  aggregateByVideo,
  argmaxRows,
  classificationMetrics,
  confusionMatrix,
  macroAverage,
  perClassMetrics,
  softmaxRows,
  topKAccuracy,
  weightedAverage,
} from '../../lib/metrics';

// 3 classes, 6 samples. true: 0 0 1 1 2 2 ; predicted: 0 1 1 1 0 2
const labels = [0, 0, 1, 1, 2, 2];
const logits = Float32Array.from(
  [
    [3, 1, 0],
    [1, 2, 0.5],
    [0, 5, 1],
    [0, 1, 0.9],
    [2, 0, 1.5],
    [0, 0, 4],
  ].flat(),
);

describe('classification metrics', () => {
  it('argmax takes the first maximum on ties (numpy)', () => {
    expect(Array.from(argmaxRows([1, 1, 0, 0, 2, 2], 3))).toEqual([0, 1]);
  });

  it('computes accuracy, the confusion matrix and per-class precision/recall/F1', () => {
    const predictions = argmaxRows(logits, 3);
    expect(Array.from(predictions)).toEqual([0, 1, 1, 1, 0, 2]);
    expect(accuracy(predictions, labels)).toBeCloseTo(4 / 6, 15);
    const matrix = confusionMatrix(predictions, labels, 3);
    expect(matrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    const per = perClassMetrics(matrix);
    expect(per.precision).toEqual([0.5, 2 / 3, 1]);
    expect(per.recall).toEqual([0.5, 1, 0.5]);
    expect(per.f1[0]).toBeCloseTo(0.5, 15);
    expect(per.f1[1]).toBeCloseTo(0.8, 15);
    expect(per.f1[2]).toBeCloseTo(2 / 3, 15);
    expect(per.support).toEqual([2, 2, 2]);
    expect(macroAverage(per).f1).toBeCloseTo((0.5 + 0.8 + 2 / 3) / 3, 15);
    expect(weightedAverage(per).precision).toBeCloseTo((0.5 + 2 / 3 + 1) / 3, 15);
  });

  it('weights the weighted average by support and gives 0 for classes never predicted (zero_division=0)', () => {
    const per = perClassMetrics(confusionMatrix([0, 0, 0, 0], [0, 0, 0, 1], 2));
    expect(per.precision).toEqual([0.75, 0]);
    expect(per.recall).toEqual([1, 0]);
    expect(weightedAverage(per).recall).toBeCloseTo(0.75, 15);
  });

  it('computes top-k accuracy', () => {
    expect(topKAccuracy(logits, 3, labels, 1)).toBeCloseTo(4 / 6, 15);
    // Row 4 (true 2): 2 > 1.5 > 0 → rank 1 → in top-2; row 1 (true 0): 2 > 1 → in top-2.
    expect(topKAccuracy(logits, 3, labels, 2)).toBe(1);
    expect(topKAccuracy(logits, 3, labels, 3)).toBe(1);
  });

  it('rejects mismatched shapes with the house error vocabulary', () => {
    expect(() => topKAccuracy([1, 2, 3], 2, [0], 1)).toThrow(/Expected 1 × 2 = 2 values for logits but received 3/);
  });

  it('aggregates clips per video by averaging softmax probabilities', () => {
    // video 7: two clips, one confidently class 1, one mildly class 0 → class 1 wins on mean softmax.
    const clipLogits = [2, 0, 0, 10, 0, 0];
    const agg = aggregateByVideo(clipLogits, 2, [1, 1, 0], [7, 7, 9]);
    const p = softmaxRows(clipLogits, 2);
    expect(Array.from(agg.videoIds)).toEqual([7, 9]);
    expect(Array.from(agg.clipsPerVideo)).toEqual([2, 1]);
    expect(agg.probabilities[1]).toBeCloseTo((p[1] + p[3]) / 2, 15);
    expect(Array.from(argmaxRows(agg.probabilities, 2))).toEqual([1, 0]);
    expect(() => aggregateByVideo([0, 0, 0, 0], 2, [0, 1], [3, 3])).toThrow(/one label per video/);
  });

  it('classificationMetrics returns clip and video metrics for compute_metrics', () => {
    const metrics = classificationMetrics({ topK: [2] })({
      predictions: logits,
      numLabels: 3,
      labelIds: Int32Array.from(labels),
      videoIds: Int32Array.from([0, 0, 1, 1, 2, 2]),
    });
    expect(metrics.accuracy).toBeCloseTo(4 / 6, 15);
    expect(metrics.top2_accuracy).toBe(1);
    // Mean softmax per video recovers both misclassified clips: videos 0, 1 and 2 are all right.
    expect(metrics.video_accuracy).toBe(1);
    expect(metrics.video_macro_f1).toBe(1);
    expect(Object.keys(metrics)).toEqual(expect.arrayContaining(['macro_f1', 'weighted_f1', 'video_macro_f1']));
  });
});
