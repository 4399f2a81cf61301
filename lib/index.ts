/** Public API of the videomae package. */
export { VideomaeError, isVideomaeError, type VideomaeErrorCode } from './errors';
export { info, type VideomaeInfo } from './info';
export { toNativeTensor, isNativeTensor, type NativeTensor, type TensorData, type TypedArrayLike } from './native/tensor';
export { synthesizeDataset, synthMotions, renderSynthFrame, type SynthesizeOptions, type SynthesizedDataset, type SynthCodec } from './data/synth';
