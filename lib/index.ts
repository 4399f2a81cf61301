/** Public API of the videomae package. */
export { VideomaeError, isVideomaeError, type VideomaeErrorCode } from './errors';
export { info, type VideomaeInfo } from './info';
export { toNativeTensor, isNativeTensor, type NativeTensor, type TensorData, type TypedArrayLike } from './native/tensor';
export * from './train';
export * from './metrics';
export { renderTrainingReport, writeTrainingReport, REPORT_FILE, type ReportInput } from './report/html';
export { MODEL_PRESETS, presetConfig, type ModelPreset } from './train/model-presets';
