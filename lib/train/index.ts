export * from './training-args';
export * from './schedule';
export * from './interfaces';
export * from './trainer-state';
export * from './callbacks';
export * from './progress';
export * from './checkpoint';
export { Trainer, classNamesOf, type TrainerOptions, type TrainOutput, type PredictionOutput, type LoaderFactory } from './trainer';
export { exitCodeFor } from './signals';
