/**
 * `pipeline('video-classification', { model, device })`: HF's pipeline API over the native
 * decoder, image processor and model. The result is callable —
 * `await classifier(input, { topK })` → `[{ label, score }]` — and has `stream()` and `dispose()`.
 */
import { VideoReader } from '../decoder';
import { VideomaeError, invalidArg } from '../errors';
import { VideoMAEForVideoClassification, type Device } from '../model';
import { resolveModel, type ResolveModelOptions } from '../hub';
import type { ClassifierModelClass, VideoReaderClass } from './backends';
import { VideoImageProcessor } from './image-processor';
import type { ClassifyOptions } from './options';
import type { Prediction } from './postprocess';
import { classifyStream, type StreamFrame, type StreamOptions, type StreamPrediction } from './stream';
import { VideoClassificationPipeline, type VideoInput } from './video-classification';

export interface PipelineOptions extends ResolveModelOptions {
  /** A model folder or a hub id ("org/name", resolved through the Hugging Face cache). */
  model: string;
  /** 'cpu' (default) or 'cuda[:n]'. */
  device?: Device;
  dtype?: 'float32';
}

export interface VideoClassifier {
  (input: VideoInput, options?: ClassifyOptions): Promise<Prediction[]>;
  (input: VideoInput[], options?: ClassifyOptions): Promise<Prediction[][]>;
  /** Live classification of an async sequence of frames (see lib/pipeline/stream.ts). */
  stream(frames: AsyncIterable<StreamFrame>, options?: StreamOptions): AsyncGenerator<StreamPrediction>;
  /** The folder the model was loaded from. */
  readonly modelPath: string;
  readonly labels: string[];
  dispose(): void;
}

// The concrete decoder and model, seen through the interfaces the pipeline states (backends.ts).
const readers: VideoReaderClass = VideoReader;
const models: ClassifierModelClass = VideoMAEForVideoClassification;

export async function pipeline(task: 'video-classification', options: PipelineOptions): Promise<VideoClassifier> {
  if (task !== 'video-classification') throw invalidArg('task', '"video-classification"', task);
  if (typeof options !== 'object' || options === null) throw invalidArg('options', '{ model, device? }', options);
  const dir = await resolveModel(options.model, options);
  const model = await models.fromPretrained(dir, { device: options.device ?? 'cpu', dtype: options.dtype ?? 'float32' });
  model.eval();
  let processor: VideoImageProcessor;
  try {
    const size = model.config.imageSize;
    processor = VideoImageProcessor.fromPretrained(dir, Array.isArray(size) ? size[0] : size);
  } catch (error) {
    model.dispose();
    throw error;
  }
  const impl = new VideoClassificationPipeline(model, processor, readers);
  const classifier = ((input: VideoInput | VideoInput[], callOptions?: ClassifyOptions) =>
    impl.classify(input, callOptions)) as VideoClassifier;
  Object.defineProperties(classifier, {
    modelPath: { value: dir, enumerable: true },
    labels: { value: impl.labels, enumerable: true },
    dispose: { value: () => impl.dispose() },
    stream: { value: (frames: AsyncIterable<StreamFrame>, streamOptions?: StreamOptions) => classifyStream(impl, frames, streamOptions) },
  });
  return classifier;
}

export { VideoClassificationPipeline, type VideoInput } from './video-classification';
export { VideoImageProcessor, resizeFrames, type FrameTensor } from './image-processor';
export { loadProcessorConfig, processorConfigFromJson, type ImageProcessorConfig } from './processor-config';
export type { ClassifyOptions } from './options';
export type { Prediction, FunctionToApply } from './postprocess';
export type { RawFrame } from './frames-input';
export type { StreamFrame, StreamOptions, StreamPrediction } from './stream';
export { VideomaeError };
