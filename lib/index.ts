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
