/** Public API of the videomae package. */
export { VideomaeError, isVideomaeError, type VideomaeErrorCode } from './errors';
export { info, type VideomaeInfo } from './info';
export { toNativeTensor, isNativeTensor, type NativeTensor, type TensorData, type TypedArrayLike } from './native/tensor';
export { synthesizeDataset, synthMotions, renderSynthFrame, type SynthesizeOptions, type SynthesizedDataset, type SynthCodec } from './data/synth';
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
export { VideoFolderDataset, type VideoFolderOptions } from './data/folder_dataset';
export { Ucf101Dataset, type Ucf101Options } from './data/ucf101_dataset';
export { VIDEO_EXTENSIONS, type VideoDataset, type VideoEntry, type VideoInfo, type BadVideo, type OnBadVideo } from './data/dataset';
export { DataLoader, type DataLoaderOptions, type Batch, type SamplePlan, type LoaderStats } from './data/loader';
export { sampleClips, clipDuration, SeededRandom, type ClipSamplerSpec, type ClipWindow, type ClipDurationOptions } from './data/samplers';
export {
  applyTransforms, validateTransforms, guideTrainTransforms, guideValTransforms, inferenceTransforms, preprocessorConstants,
  type VideoTransform, type PreprocessorConfig, type PreprocessorConstants,
} from './data/transforms';
