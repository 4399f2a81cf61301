/**
 * Multi-clip evaluation: a video's prediction is the class with the highest softmax probability
 * averaged over its clips (the usual multi-view protocol of the VideoMAE paper).
 */
import { invalidArg } from '../errors';
import { softmaxRows } from './classification';

export interface VideoAggregate {
  /** Mean softmax per video, row-major [numVideos, numLabels]. */
  probabilities: Float64Array;
  labels: Int32Array;
  videoIds: Int32Array;
  clipsPerVideo: Int32Array;
}

/** Groups clips by video id (in first-seen order) and averages their softmax. */
export function aggregateByVideo(
  logits: ArrayLike<number>,
  numLabels: number,
  labels: ArrayLike<number>,
  videoIds: ArrayLike<number>,
): VideoAggregate {
  if (videoIds.length !== labels.length) throw invalidArg('videoIds', `${labels.length} ids (one per clip)`, videoIds.length);
  const probs = softmaxRows(logits, numLabels);
  const rowOf = new Map<number, number>();
  const order: number[] = [];
  for (let i = 0; i < videoIds.length; i++) {
    if (!rowOf.has(videoIds[i])) {
      rowOf.set(videoIds[i], order.length);
      order.push(i);
    }
  }
  const out: VideoAggregate = {
    probabilities: new Float64Array(order.length * numLabels),
    labels: new Int32Array(order.length),
    videoIds: new Int32Array(order.length),
    clipsPerVideo: new Int32Array(order.length),
  };
  for (let i = 0; i < videoIds.length; i++) {
    const row = rowOf.get(videoIds[i]) as number;
    if (out.clipsPerVideo[row] > 0 && out.labels[row] !== labels[i]) {
      throw invalidArg(
        'labels',
        `one label per video (video ${videoIds[i]} has clips labelled ${out.labels[row]} and ${labels[i]})`,
        labels[i],
      );
    }
    out.labels[row] = labels[i];
    out.videoIds[row] = videoIds[i];
    out.clipsPerVideo[row]++;
    for (let c = 0; c < numLabels; c++) out.probabilities[row * numLabels + c] += probs[i * numLabels + c];
  }
  for (let row = 0; row < order.length; row++) {
    for (let c = 0; c < numLabels; c++) out.probabilities[row * numLabels + c] /= out.clipsPerVideo[row];
  }
  return out;
}
