/**
 * Which frames a prediction looks at (presentation-order indices). Pure functions.
 *   'hf':      HF's VideoClassificationPipeline (PyAV path): np.linspace(0, n·rate − 1, n) cast
 *              to int64 (truncation), duplicates collapse, indices past the end are dropped.
 *   'uniform': transformers 5.x video processor: arange(n)·total // n, over the whole video.
 *   clips > 1: VideoMAE's test-time temporal segments (kinetics.py): every rate-th frame, then n
 *              consecutive ones starting at int(k·max(L − n, 0)/(clips − 1)) for clip k.
 * A video with fewer frames than a clip needs is padded by repeating its last frame ('hf',
 * segments) or by the uniform rule's natural repeats, and the caller warns about it.
 */

export interface ClipPlan {
  /** One index list per clip, each of exactly numFrames entries. */
  clips: number[][];
  /** True when frames had to be repeated because the video is shorter than the window. */
  padded: boolean;
}

/** np.linspace(0, n·rate − 1, n, dtype=int64). */
export function hfIndices(numFrames: number, rate: number): number[] {
  const stop = numFrames * rate - 1;
  if (numFrames === 1) return [0];
  const step = stop / (numFrames - 1);
  return Array.from({ length: numFrames }, (_, i) => Math.trunc(i === numFrames - 1 ? stop : i * step));
}

function padWithLast(indices: number[], numFrames: number): number[] {
  const out = indices.slice(0, numFrames);
  while (out.length < numFrames) out.push(out[out.length - 1]);
  return out;
}

/** HF pipeline frames of a video with `total` frames (the set HF would decode, padded if short). */
export function hfPlan(total: number, numFrames: number, rate: number): ClipPlan {
  const kept = [...new Set(hfIndices(numFrames, rate))].filter((i) => i < total).sort((a, b) => a - b);
  if (kept.length === 0) kept.push(0);
  return { clips: [padWithLast(kept, numFrames)], padded: kept.length < numFrames };
}

/** arange(n)·total // n. */
export function uniformIndices(total: number, numFrames: number): number[] {
  return Array.from({ length: numFrames }, (_, i) => Math.floor((i * total) / numFrames));
}

export function uniformPlan(total: number, numFrames: number): ClipPlan {
  return { clips: [uniformIndices(total, numFrames)], padded: total < numFrames };
}

/** VideoMAE's multi-clip testing: `clips` windows of numFrames frames at stride `rate`. */
export function segmentPlan(total: number, numFrames: number, rate: number, clips: number): ClipPlan {
  const strided: number[] = [];
  for (let i = 0; i < total; i += rate) strided.push(i);
  const step = clips > 1 ? Math.max((strided.length - numFrames) / (clips - 1), 0) : 0;
  const windows = Array.from({ length: clips }, (_, k) => {
    const start = Math.trunc(k * step);
    return padWithLast(strided.slice(start, start + numFrames), numFrames);
  });
  return { clips: windows, padded: strided.length < numFrames };
}

export type Sampling = 'uniform' | 'hf';

export interface PlanOptions {
  sampling: Sampling;
  numFrames: number;
  frameSamplingRate: number;
  clips: number;
}

export function planClips(total: number, o: PlanOptions): ClipPlan {
  if (o.sampling === 'hf') return hfPlan(total, o.numFrames, o.frameSamplingRate);
  if (o.clips > 1) return segmentPlan(total, o.numFrames, o.frameSamplingRate, o.clips);
  return uniformPlan(total, o.numFrames);
}
