/** Public API of the videomae package. */
export { VideomaeError, isVideomaeError, type VideomaeErrorCode } from './errors';
export { info, type VideomaeInfo } from './info';
export { toNativeTensor, isNativeTensor, type NativeTensor, type TensorData, type TypedArrayLike } from './native/tensor';
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
