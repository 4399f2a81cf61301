/**
 * Live classification: predictions over a sliding window of a live frame sequence (webcam,
 * screen capture). The source is read as fast as it yields; the last `window` frames are kept;
 * every `stride` frames a window becomes due. One window is classified at a time, and at most one
 * due window waits: when the classifier falls behind, an older due window is replaced by the
 * newer one (its frames are dropped, and the next prediction says how many). Nothing queues
 * without bound: memory is `window` frames plus one prediction.
 */
import { performance } from 'node:perf_hooks';
import { invalidArg } from '../errors';
import { isRawFrame, type RawFrame } from './frames-input';
import type { ClassifyOptions } from './options';
import type { Prediction } from './postprocess';
import { uniformIndices } from './sampling';
import type { VideoClassificationPipeline } from './video-classification';

export interface StreamFrame extends RawFrame {
  /** Capture time in seconds (any origin). */
  timestamp: number;
}

export interface StreamOptions extends Pick<ClassifyOptions, 'topK' | 'crops' | 'functionToApply' | 'onWarning'> {
  /** Source frames a prediction covers (default: the model's num_frames); num_frames are sampled uniformly from them. */
  window?: number;
  /** Source frames between the starts of consecutive windows (default: window / 2, at least 1). */
  stride?: number;
}

export interface StreamPrediction {
  predictions: Prediction[];
  /** Timestamps of the window's first and last frame. */
  start: number;
  end: number;
  /** Index (in the source) of the window's first frame. */
  startFrame: number;
  /** Milliseconds from the arrival of the window's last frame to this prediction. */
  latencyMs: number;
  /** Source frames since the previous prediction that no classified window covered. */
  droppedFrames: number;
  /** Windows that became due but were replaced by newer ones because the classifier was busy. */
  skippedWindows: number;
}

interface DueWindow {
  frames: StreamFrame[];
  startFrame: number;
  readyAt: number;
}

function positiveInt(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw invalidArg(name, 'a positive integer', value);
  return value;
}

export async function* classifyStream(
  impl: VideoClassificationPipeline,
  frames: AsyncIterable<StreamFrame>,
  options: StreamOptions = {},
): AsyncGenerator<StreamPrediction> {
  if (!frames || typeof (frames as AsyncIterable<StreamFrame>)[Symbol.asyncIterator] !== 'function') {
    throw invalidArg('frames', 'an async iterable of { data, width, height, timestamp } frames', frames);
  }
  const numFrames = impl.model.config.numFrames;
  const window = positiveInt(options.window, 'window', numFrames);
  const stride = positiveInt(options.stride, 'stride', Math.max(1, Math.floor(window / 2)));
  const sample = uniformIndices(window, numFrames);
  const classifyOptions: ClassifyOptions = {
    topK: options.topK,
    crops: options.crops,
    functionToApply: options.functionToApply,
    onWarning: options.onWarning,
  };
  if (window < numFrames) {
    (options.onWarning ?? ((m: string) => process.emitWarning(m)))(
      `stream: a ${window}-frame window repeats frames to fill the model's ${numFrames}`,
    );
    classifyOptions.onWarning = () => undefined; // said once here, not per window
  }

  const ring: StreamFrame[] = [];
  let received = 0;
  // Shared with the pump (TypeScript cannot see closure writes to plain locals).
  const state: { due: DueWindow | null; skipped: number } = { due: null, skipped: 0 };
  let sourceDone = false;
  let sourceError: unknown;
  let stopped = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    const resolve = wake;
    wake = null;
    resolve?.();
  };

  const pump = (async () => {
    try {
      for await (const frame of frames) {
        if (stopped) break;
        if (!isRawFrame(frame) || typeof frame.timestamp !== 'number')
          throw invalidArg(`frames[${received}]`, '{ data, width, height, timestamp }', frame);
        ring.push(frame);
        if (ring.length > window) ring.shift();
        received++;
        if (received >= window && (received - window) % stride === 0) {
          if (state.due) state.skipped++;
          state.due = { frames: ring.slice(), startFrame: received - window, readyAt: performance.now() };
          notify();
        }
      }
    } catch (error) {
      sourceError = error;
    } finally {
      sourceDone = true;
      notify();
    }
  })();

  let coveredUntil = -1; // last source frame index inside a classified window
  try {
    for (;;) {
      if (sourceError !== undefined) throw sourceError;
      const current = state.due;
      if (!current) {
        if (sourceDone) break;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      state.due = null;
      const skippedWindows = state.skipped;
      state.skipped = 0;
      const predictions = (await impl.classify(
        sample.map((i) => current.frames[i]),
        classifyOptions,
      )) as Prediction[];
      const result: StreamPrediction = {
        predictions,
        start: current.frames[0].timestamp,
        end: current.frames[window - 1].timestamp,
        startFrame: current.startFrame,
        latencyMs: performance.now() - current.readyAt,
        droppedFrames: Math.max(0, current.startFrame - coveredUntil - 1),
        skippedWindows,
      };
      coveredUntil = current.startFrame + window - 1;
      yield result;
    }
  } finally {
    stopped = true;
    notify();
    void pump;
  }
}
