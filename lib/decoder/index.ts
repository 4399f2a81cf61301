/** The libav video decoder: VideoReader, decodeClip, decodeClips and their types. */
export { VideoReader, decodeClip, decodeClips, uniformTemporalSubsample } from './video-reader';
export type * from './types';
