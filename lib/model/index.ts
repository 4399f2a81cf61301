export * from './config';
export { VideoMAEForVideoClassification, readSafetensors } from './videomae';
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
