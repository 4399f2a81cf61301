export * from './classification';
export * from './video';
export * from './evaluation-report';
export type { ComputeMetrics, EvalPrediction } from './eval-prediction';
