/** Public API of the videomae package. */
export { VideomaeError, isVideomaeError, type VideomaeErrorCode } from './errors';
export { info, type VideomaeInfo } from './info';
export { toNativeTensor, isNativeTensor, type NativeTensor, type TensorData, type TypedArrayLike } from './native/tensor';
export { VideoReader, decodeClip, decodeClips, uniformTemporalSubsample } from './decoder';
export type {
  VideoMetadata,
  VideoSource,
  OpenOptions as VideoOpenOptions,
  FrameOptions,
  OutputSize,
  Interpolation,
  FrameLayout,
  DecodedFrames,
  DecodedClip,
  ClipRange,
  SampleClipRequest,
  DecodeClipOptions,
  DecodeClipsOptions,
  ClipSource,
} from './decoder';
export { pipeline, VideoImageProcessor, resizeFrames, loadProcessorConfig, type VideoClassifier, type PipelineOptions } from './pipeline';
export type { ClassifyOptions, Prediction, FunctionToApply, RawFrame, StreamFrame, StreamOptions, StreamPrediction, VideoInput, FrameTensor, ImageProcessorConfig } from './pipeline';
export { resolveModel, hubCacheDir, type ResolveModelOptions } from './hub';
export {
  VideoMAEForVideoClassification,
  readSafetensors,
  AdamWOptimizer,
  parseConfig,
  serializeConfig,
  loadConfig,
  defaultConfig,
  type VideoMAEConfig,
  type ProblemType,
  type LoadReport,
  type ModelInputs,
  type ForwardOutput,
  type TrainStepOptions,
  type AdamWOptions,
  type Device,
  type ModelDtype,
} from './model';
