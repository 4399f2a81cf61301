/** Public API of the videomae package. */
export { VideomaeError, isVideomaeError, type VideomaeErrorCode } from './errors';
export { info, type VideomaeInfo } from './info';
export { toNativeTensor, isNativeTensor, type NativeTensor, type TensorData, type TypedArrayLike } from './native/tensor';
export {
  synthesizeDataset,
  synthMotions,
  renderSynthFrame,
  type SynthesizeOptions,
  type SynthesizedDataset,
  type SynthCodec,
} from './data/synth';
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
export type {
  ClassifyOptions,
  Prediction,
  FunctionToApply,
  RawFrame,
  StreamFrame,
  StreamOptions,
  StreamPrediction,
  VideoInput,
  FrameTensor,
  ImageProcessorConfig,
} from './pipeline';
export {
  resolveModel,
  hubCacheDir,
  hubDownload,
  getToken,
  saveToken,
  deleteToken,
  tokenPath,
  whoami,
  pushToHub,
  extractArchive,
  resolveDatasetSource,
  renderModelCard,
  modelCardForFolder,
  type PushToHubOptions,
  type PushResult,
  type ExtractOptions,
  type DatasetSourceOptions,
  type ResolveModelOptions,
  type HubDownloadOptions,
  type HubDownloadProgress,
  type HubRepoType,
  type WhoamiResult,
} from './hub';
export { VideoFolderDataset, type VideoFolderOptions } from './data/folder-dataset';
export { Ucf101Dataset, type Ucf101Options } from './data/ucf101-dataset';
export { VIDEO_EXTENSIONS, type VideoDataset, type VideoEntry, type VideoInfo, type BadVideo, type OnBadVideo } from './data/dataset';
export { DataLoader, type DataLoaderOptions, type Batch, type SamplePlan, type LoaderStats } from './data/loader';
export { sampleClips, clipDuration, SeededRandom, type ClipSamplerSpec, type ClipWindow, type ClipDurationOptions } from './data/samplers';
export {
  applyTransforms,
  validateTransforms,
  guideTrainTransforms,
  guideValTransforms,
  inferenceTransforms,
  preprocessorConstants,
  type VideoTransform,
  type PreprocessorConfig,
  type PreprocessorConstants,
} from './data/transforms';
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
export {
  Trainer,
  resolveTrainingArguments,
  trainingArgumentsToJson,
  trainingArgumentsFromJson,
  LrScheduler,
  lrLambda,
  warmupStepsFor,
  TrainerState,
  DefaultFlowCallback,
  EarlyStoppingCallback,
  ProgressCallback,
  JsonLinesCallback,
  latestCheckpoint,
  listCheckpoints,
  MODEL_PRESETS,
  presetConfig,
  type TrainerOptions,
  type TrainOutput,
  type PredictionOutput,
  type LoaderFactory,
  type TrainingArguments,
  type TrainingArgumentsInput,
  type TrainerCallback,
  type TrainerControl,
  type TrainableModel,
  type BatchSource,
  type EvalPrediction,
  type ComputeMetrics,
  type LrSchedulerType,
  type ModelPreset,
  type TrainerPushOptions,
  type HubPushReport,
} from './train';
export * from './metrics';
export { renderTrainingReport, writeTrainingReport, REPORT_FILE, type ReportInput } from './report/html';
