/**
 * Live classification benchmark: a simulated camera (synthetic RGBA frames at a fixed rate)
 * feeds classifier.stream(); we measure the latency from the last frame of each window to its
 * prediction and the sustainable input rate (stride ÷ seconds per window, measured back to back).
 * Default model: a randomly initialised VideoMAE-base (16 frames, 224², hidden 768 — the size the
 * hub checkpoints have; weights do not change the cost); `model` names a folder to use instead.
 * There is no Python peer: HF has no streaming API.
 */
import * as os from 'node:os';
import { performance } from 'node:perf_hooks';
import { VideoReader } from '../../lib/decoder';
import { VideoMAEForVideoClassification, defaultConfig } from '../../lib/model';
import { VideoImageProcessor } from '../../lib/pipeline/image-processor';
import { classifyStream, type StreamFrame, type StreamPrediction } from '../../lib/pipeline/stream';
import { VideoClassificationPipeline } from '../../lib/pipeline/video-classification';
import { resolveModel } from '../../lib/hub';
import { info } from '../../lib/info';
import type { BenchReport } from '../common/report';

export interface StreamBenchOptions {
  /** Model folder or hub id; default a random VideoMAE-base. */
  model?: string;
  /** Camera frame rate of the live run (default 30). */
  fps?: number;
  /** Camera frame size (default 640x480, RGBA as a canvas/webcam gives). */
  width?: number;
  height?: number;
  /** Source frames per window (default 2 × num_frames: 16 frames sampled from ~1 s at 30 fps) and stride (default window / 2). */
  window?: number;
  stride?: number;
  /** Length of the live run in seconds (default: 10, or long enough for ~5 windows back to back). */
  seconds?: number;
  /** Windows timed back to back for the sustainable rate (default 3). */
  windows?: number;
}

export interface StreamBenchResult {
  machine: { cpu: string; cores: number; torchThreads: number; note: string };
  model: string;
  settings: {
    fps: number;
    width: number;
    height: number;
    window: number;
    stride: number;
    seconds: number;
    numFrames: number;
    imageSize: number;
  };
  /** Back to back: seconds per window (preprocess + forward) and the input rate that keeps up. */
  secondsPerWindow: number;
  sustainableFps: number;
  /** The live run at `fps`. */
  live: {
    predictions: number;
    skippedWindows: number;
    droppedFrames: number;
    framesIn: number;
    latencyMs: { mean: number; p50: number; p95: number; max: number };
  };
}

function syntheticFrames(width: number, height: number, count: number): Uint8ClampedArray[] {
  return Array.from({ length: count }, (_, t) => {
    const data = new Uint8ClampedArray(width * height * 4);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 4;
        data[i] = (x + t * 8) & 255;
        data[i + 1] = (y * 2) & 255;
        data[i + 2] = ((x ^ y) + t * 16) & 255;
        data[i + 3] = 255;
      }
    }
    return data;
  });
}

/** A camera: yields frames on a drift-free schedule (a late consumer does not slow the clock). */
async function* camera(
  frames: Uint8ClampedArray[],
  width: number,
  height: number,
  fps: number,
  seconds: number,
): AsyncGenerator<StreamFrame> {
  const start = performance.now();
  const total = Math.round(fps * seconds);
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / fps;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    yield { data: frames[i % frames.length], width, height, timestamp: i / fps };
  }
}

async function loadPipeline(model: string | undefined): Promise<{ impl: VideoClassificationPipeline; name: string }> {
  if (model) {
    const dir = await resolveModel(model);
    const m = await VideoMAEForVideoClassification.fromPretrained(dir);
    m.eval();
    const size = m.config.imageSize;
    return {
      impl: new VideoClassificationPipeline(m, VideoImageProcessor.fromPretrained(dir, Array.isArray(size) ? size[0] : size), VideoReader),
      name: dir,
    };
  }
  const m = await VideoMAEForVideoClassification.fromConfig(defaultConfig({ numLabels: 101 }));
  m.eval();
  const imagenet = { mean: [0.485, 0.456, 0.406] as [number, number, number], std: [0.229, 0.224, 0.225] as [number, number, number] };
  const processor = new VideoImageProcessor({ shortestEdge: 224, cropHeight: 224, cropWidth: 224, ...imagenet });
  return { impl: new VideoClassificationPipeline(m, processor, VideoReader), name: 'VideoMAE-base (random weights), 16x224x224' };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export async function runStreamBench(options: StreamBenchOptions = {}): Promise<StreamBenchResult> {
  const { fps = 30, width = 640, height = 480, windows = 3 } = options;
  const { impl, name } = await loadPipeline(options.model);
  try {
    const numFrames = impl.model.config.numFrames;
    const size = impl.model.config.imageSize;
    const window = options.window ?? numFrames * 2;
    const stride = options.stride ?? Math.max(1, Math.floor(window / 2));
    const frames = syntheticFrames(width, height, Math.min(window, 32));
    const sample = Array.from({ length: numFrames }, (_, i) => frames[Math.floor((i * window) / numFrames) % frames.length]);
    const raw = sample.map((data) => ({ data, width, height }));
    await impl.classify(raw); // warm-up: allocator, thread pool, weights in cache
    const started = performance.now();
    for (let i = 0; i < windows; i++) await impl.classify(raw);
    const secondsPerWindow = (performance.now() - started) / 1000 / windows;

    const seconds = options.seconds ?? Math.max(10, Math.ceil(5 * secondsPerWindow));
    const predictions: StreamPrediction[] = [];
    for await (const p of classifyStream(impl, camera(frames, width, height, fps, seconds), { window, stride })) predictions.push(p);
    const latencies = predictions.map((p) => p.latencyMs).sort((a, b) => a - b);
    const last = predictions[predictions.length - 1];
    const framesIn = Math.round(fps * seconds);
    return {
      machine: {
        cpu: os.cpus()[0]?.model ?? 'unknown',
        cores: os.availableParallelism(),
        torchThreads: info().cpu.threads,
        note: 'shared machine: timings are noisy',
      },
      model: name,
      settings: { fps, width, height, window, stride, seconds, numFrames, imageSize: Array.isArray(size) ? size[0] : size },
      secondsPerWindow,
      sustainableFps: stride / secondsPerWindow,
      live: {
        predictions: predictions.length,
        skippedWindows: predictions.reduce((n, p) => n + p.skippedWindows, 0),
        // frames before the first window and between classified windows, plus those after the last one
        droppedFrames: predictions.reduce((n, p) => n + p.droppedFrames, 0) + (last ? framesIn - (last.startFrame + window) : framesIn),
        framesIn,
        latencyMs: {
          mean: latencies.reduce((a, b) => a + b, 0) / Math.max(latencies.length, 1),
          p50: percentile(latencies, 0.5),
          p95: percentile(latencies, 0.95),
          max: latencies[latencies.length - 1] ?? NaN,
        },
      },
    };
  } finally {
    impl.dispose();
  }
}

/** The rows `npm run bench` prints (no peer: HF has no streaming classification). */
export function streamBenchReport(result: StreamBenchResult): BenchReport {
  const s = result.settings;
  const where = `${s.numFrames}x${s.imageSize}² model, ${s.width}x${s.height} camera`;
  return {
    name: 'stream',
    rows: [
      {
        case: `window ${s.window} / stride ${s.stride}, ${where}: sustainable input rate`,
        unit: 'fps',
        higherIsBetter: true,
        ours: result.sustainableFps,
        peers: {},
      },
      {
        case: `live at ${s.fps} fps, ${where}: latency last frame → prediction (p50)`,
        unit: 'ms',
        higherIsBetter: false,
        ours: result.live.latencyMs.p50,
        peers: {},
      },
    ],
    notes: [
      `${result.model}; ${result.secondsPerWindow.toFixed(2)} s per window back to back; live run: ${result.live.predictions} predictions, ${result.live.skippedWindows} windows skipped, ${result.live.droppedFrames}/${result.live.framesIn} frames never classified`,
    ],
    details: result,
  };
}
