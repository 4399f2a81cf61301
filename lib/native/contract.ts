/**
 * What the addon exports, in one list: each name and its kind, in the order of the binding modules
 * in native/bindings/addon.cpp (kModules). test/native/native-contract.test.ts compares this list
 * with the loaded addon, both ways, so an export added, renamed or dropped on either side fails a
 * test instead of surfacing as `undefined is not a function` in a user's process. The TypeScript
 * signatures of each group live beside the feature that calls it (named in the comments).
 */
export const NATIVE_EXPORTS = {
  // addon.cpp itself (lib/native/binding.ts)
  setErrorClass: 'function',
  packageVersion: 'string',
  errorCodes: 'array',
  // interop: NativeTensor (lib/native/tensor.ts)
  NativeTensor: 'class',
  // info_binding.cpp (lib/native/binding.ts NativeCore)
  info: 'function',
  setNumThreads: 'function',
  // diagnostics_binding.cpp: test hooks (lib/native/diagnostics.ts)
  diagnostics: 'object',
  // video_reader_binding.cpp, video_clip_binding.cpp (lib/decoder/native.ts)
  openVideo: 'function',
  VideoReaderHandle: 'class',
  decodeClip: 'function',
  decodeClips: 'function',
  // image_processor.cpp (lib/pipeline/image-processor.ts)
  preprocessVideo: 'function',
  resizeFrames: 'function',
  // data_binding.cpp (lib/data/loader.ts, transforms.ts, dataset.ts)
  NativeDataLoader: 'class',
  dataLoadSample: 'function',
  dataApplyTransforms: 'function',
  dataProbeVideos: 'function',
  // model_binding.cpp (lib/model/native.ts; benchMatmul: bench/model)
  NativeVideoMAE: 'class',
  readSafetensors: 'function',
  benchMatmul: 'function',
  // dist_binding.cpp (lib/distributed/process-group.ts)
  initProcessGroup: 'function',
  NativeProcessGroup: 'class',
  distributedInfo: 'function',
  // synth_binding.cpp (lib/data/synth.ts)
  synthMotions: 'function',
  synthRenderFrame: 'function',
  synthVideo: 'function',
} as const;

export type NativeExportName = keyof typeof NATIVE_EXPORTS;
export type NativeExportKind = (typeof NATIVE_EXPORTS)[NativeExportName];

/**
 * The kind of a loaded export as NATIVE_EXPORTS names it: an ObjectWrap constructor is a 'class'
 * (its prototype carries instance methods besides `constructor`), any other function a 'function'.
 */
export function exportKind(value: unknown): NativeExportKind | 'other' {
  if (typeof value === 'function') {
    const prototype = (value as { prototype?: object }).prototype;
    return prototype !== undefined && Object.getOwnPropertyNames(prototype).length > 1 ? 'class' : 'function';
  }
  if (typeof value === 'string') return 'string';
  if (Array.isArray(value)) return 'array';
  if (value !== null && typeof value === 'object') return 'object';
  return 'other';
}
