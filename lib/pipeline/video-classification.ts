/**
 * The video-classification pipeline: input (path, Buffer, frames) → sampled clips → native
 * image processor (one tensor of clips × crops views) → model → per-view scores averaged → top-k.
 * Decoding and preprocessing of the next inputs run (natively, off the JS thread) while the model
 * works on the current batch.
 */
import { VideomaeError, invalidArg } from '../errors';
import type { ClassifierModel, VideoReaderClass } from './backends';
import { isRawFrame, packFrames, type RawFrame } from './frames-input';
import type { FrameTensor, VideoImageProcessor } from './image-processor';
import { resolveOptions, type ClassifyOptions, type ResolvedOptions } from './options';
import { topK, viewScores, type Prediction } from './postprocess';
import { planClips, type ClipPlan } from './sampling';

export type VideoInput = string | Buffer | RawFrame[];

/** Pixel views of one input, ready for the model: (views, T, 3, H, W). */
interface PreparedInput {
  data: Float32Array;
  views: number;
  viewShape: number[];
}

/** Inputs whose views go through the model in one forward call (bounded by MAX_BATCH_VIEWS). */
const MAX_BATCH_VIEWS = 8;
/** Inputs being decoded/preprocessed ahead of the model. */
const PREFETCH = 3;

export class VideoClassificationPipeline {
  private disposed = false;
  private modelQueue: Promise<void> = Promise.resolve();
  readonly labels: string[];

  constructor(
    readonly model: ClassifierModel,
    readonly processor: VideoImageProcessor,
    private readonly readers: VideoReaderClass,
  ) {
    const config = model.config;
    this.labels = Array.from({ length: config.numLabels }, (_, i) => config.id2label[i] ?? `LABEL_${i}`);
  }

  /** Classifies one input (→ predictions) or an array of inputs (→ an array of predictions). */
  async classify(input: VideoInput | VideoInput[], options: ClassifyOptions = {}): Promise<Prediction[] | Prediction[][]> {
    if (this.disposed) throw new VideomaeError('the classifier was disposed', 'ERR_VIDEOMAE_CLOSED');
    const o = resolveOptions(options, this.model.config.numFrames);
    const single = !Array.isArray(input) || isFrameArray(input);
    const inputs = (single ? [input] : input) as VideoInput[];
    inputs.forEach((each, i) => checkInput(each, single ? 'input' : `input[${i}]`));
    const results = await this.run(inputs, o);
    return single ? results[0] : results;
  }

  /**
   * Frees the model. Idempotent. While a forward is in flight the native model refuses dispose()
   * (ERR_VIDEOMAE_BUSY), which used to escape from here and leave the model allocated for good
   * (a second dispose() returned early): now the forward in flight finishes, forwards still queued
   * reject with ERR_VIDEOMAE_CLOSED (see exclusive), and the model is freed when the queue drains.
   */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    try {
      this.model.dispose();
    } catch (error) {
      if ((error as VideomaeError).code !== 'ERR_VIDEOMAE_BUSY') throw error;
      void this.modelQueue.then(() => this.model.dispose()).catch(() => undefined);
    }
  }

  private async run(inputs: VideoInput[], o: ResolvedOptions): Promise<Prediction[][]> {
    const results: Prediction[][] = [];
    // Prepare ahead: the next inputs decode and preprocess while the model runs the current batch.
    const pending = new Map<number, Promise<PreparedInput>>();
    const prepare = (i: number) => {
      if (i >= inputs.length || pending.has(i)) return;
      const promise = this.prepare(inputs[i], o, i);
      promise.catch(() => undefined); // awaited in order below; keep an early failure from being "unhandled"
      pending.set(i, promise);
    };
    const perInput = o.clips * o.crops;
    let next = 0;
    for (let i = 0; i < PREFETCH; i++) prepare(i);
    while (next < inputs.length) {
      const batch: PreparedInput[] = [];
      let views = 0;
      do {
        const prepared = await pending.get(next)!;
        pending.delete(next);
        next++;
        prepare(next + PREFETCH - 1);
        batch.push(prepared);
        views += prepared.views;
      } while (next < inputs.length && views + perInput <= MAX_BATCH_VIEWS);
      results.push(...(await this.predictBatch(batch, o)));
    }
    return results;
  }

  private async predictBatch(batch: PreparedInput[], o: ResolvedOptions): Promise<Prediction[][]> {
    // Inputs batch together only when their views have one shape (always, with a centre crop).
    const results: Prediction[][] = [];
    for (let start = 0; start < batch.length;) {
      let end = start + 1;
      while (end < batch.length && sameShape(batch[end].viewShape, batch[start].viewShape)) end++;
      results.push(...(await this.forwardGroup(batch.slice(start, end), o)));
      start = end;
    }
    return results;
  }

  private async forwardGroup(group: PreparedInput[], o: ResolvedOptions): Promise<Prediction[][]> {
    const views = group.reduce((n, p) => n + p.views, 0);
    const data = group.length === 1 ? group[0].data : concat(group.map((p) => p.data));
    const logits = await this.exclusive(
      async () => (await this.model.forward({ pixelValues: { data, shape: [views, ...group[0].viewShape] } })).logits,
    );
    const labels = logits.shape[1];
    let offset = 0;
    return group.map((p) => {
      const scores = viewScores(logits.data.subarray(offset * labels, (offset + p.views) * labels), p.views, labels, o.functionToApply);
      offset += p.views;
      return topK(scores, o.topK, (id) => this.labels[id] ?? `LABEL_${id}`);
    });
  }

  /** The model runs one forward at a time: concurrent calls (or a stream beside a call) queue here. */
  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.modelQueue.then(() => {
      if (this.disposed) throw new VideomaeError('the classifier was disposed', 'ERR_VIDEOMAE_CLOSED');
      return work();
    });
    this.modelQueue = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  /** Decode the planned frames of every clip, then process them into (clips·crops) views. */
  private async prepare(input: VideoInput, o: ResolvedOptions, position: number): Promise<PreparedInput> {
    const name = typeof input === 'string' ? input : Buffer.isBuffer(input) ? `input ${position} (Buffer)` : `input ${position} (frames)`;
    const { frames, plan } = Array.isArray(input) ? this.framesFromArray(input, o) : await this.framesFromVideo(input, o);
    if (plan.padded) {
      o.onWarning(`${name}: ${plan.total} frames is shorter than the ${o.numFrames}-frame window; frames were repeated to classify it`);
    }
    const clipViews: Float32Array[] = [];
    let viewShape: number[] = [];
    for (const clip of frames) {
      const pixels = await this.processor.preprocess(clip, { crops: o.crops });
      clipViews.push(pixels.data);
      viewShape = pixels.shape.slice(1);
    }
    return { data: clipViews.length === 1 ? clipViews[0] : concat(clipViews), views: o.clips * o.crops, viewShape };
  }

  private framesFromArray(input: RawFrame[], o: ResolvedOptions): { frames: FrameTensor[]; plan: ClipPlan & { total: number } } {
    const plan = planClips(input.length, o);
    return { frames: plan.clips.map((clip) => packFrames(input, clip, 'input')), plan: { ...plan, total: input.length } };
  }

  private async framesFromVideo(
    input: string | Buffer,
    o: ResolvedOptions,
  ): Promise<{ frames: FrameTensor[]; plan: ClipPlan & { total: number } }> {
    const reader = await this.readers.open(input);
    try {
      const total = reader.metadata.numFrames;
      if (!(total > 0))
        throw new VideomaeError(`${typeof input === 'string' ? input : 'the video'}: it has no frames`, 'ERR_VIDEOMAE_DECODE');
      const plan = planClips(total, o);
      // One decode for all clips (indices may repeat and overlap), split per clip afterwards.
      const all = plan.clips.flat();
      // HF's PyAV path never rotates frames; the default path shows them upright.
      const decoded = await reader.getFramesAt(all, { autoRotate: o.sampling !== 'hf', layout: 'THWC' });
      if (decoded.data.BYTES_PER_ELEMENT !== 1)
        throw new VideomaeError('decoder returned float frames for a THWC request', 'ERR_VIDEOMAE_INTERNAL');
      const [, height, width, channels] = decoded.shape;
      const frameBytes = height * width * channels;
      const frames = plan.clips.map((clip, k) => ({
        data: (decoded.data as Uint8Array).subarray(k * clip.length * frameBytes, (k + 1) * clip.length * frameBytes),
        shape: [clip.length, height, width, channels] as [number, number, number, number],
      }));
      return { frames, plan: { ...plan, total } };
    } finally {
      await reader.close();
    }
  }
}

function isFrameArray(input: unknown[]): boolean {
  return input.length > 0 && isRawFrame(input[0]);
}

function checkInput(input: unknown, name: string): void {
  if (typeof input === 'string' && input.length > 0) return;
  if (Buffer.isBuffer(input) && input.length > 0) return;
  if (Array.isArray(input) && input.length > 0 && input.every(isRawFrame)) return;
  throw invalidArg(name, 'a video path, a Buffer with a video file, or a non-empty array of { data, width, height } frames', input);
}

function sameShape(a: number[], b: number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}
