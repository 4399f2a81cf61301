export * from './config';
export { VideoMAEForVideoClassification, VideoMAEPreTrainedModel, readSafetensors } from './videomae';
export { VideoMAEForPreTraining, type PreTrainingInputs, type PreTrainingOutput, type BoolMaskedPos } from './pretraining';
export { tubeMask, tubeMaskBatch, maskGrid, maskedPerFrame, type TubeMaskOptions } from './tube-masking';
export type {
  Device,
  ModelDtype,
  LoadReport,
  FromPretrainedOptions,
  FromConfigOptions,
  Labels,
  ModelInputs,
  ForwardOutput,
  TrainStepOptions,
} from './videomae';
export { AdamWOptimizer, DEFAULT_ADAMW, type AdamWOptions } from './optimizer';
