/** The native exports of native/bindings/model_binding.cpp (typed view; see lib/native/binding.ts). */
import type { NativeTensor, TensorData, TypedArrayLike } from '../native/tensor';
import type { NativeProcessGroupHandle } from '../distributed/native';

export type NativeTensorInput = TensorData<TypedArrayLike> | NativeTensor;

export interface NativeLoadReport {
  missingKeys: string[];
  unexpectedKeys: string[];
  mismatchedKeys: Array<{ key: string; checkpointShape: number[]; modelShape: number[] }>;
  source: string;
}

export interface NativeForwardResult {
  logits: TensorData<Float32Array>;
  /** Pre-training: the reconstruction targets. */
  targets?: TensorData<Float32Array>;
  loss?: number;
  lastHiddenState?: TensorData<Float32Array>;
  problemType?: string;
}

export interface NativeStepResult {
  loss: number;
  logits?: TensorData<Float32Array>;
  gradNorm?: number;
  problemType?: string;
}

export interface NativeVideoMAEHandle {
  initialize(seed: number): Promise<void>;
  loadCheckpoint(dir: string, options: { ignoreMismatchedSizes: boolean; seed: number }): Promise<NativeLoadReport>;
  forward(
    pixels: NativeTensorInput,
    labels: NativeTensorInput | null,
    options: { outputHiddenStates: boolean; bf16: boolean },
  ): Promise<NativeForwardResult>;
  forwardBackward(
    pixels: NativeTensorInput,
    labels: NativeTensorInput,
    options: { lossScale: number; bf16: boolean; sync: boolean },
  ): Promise<NativeStepResult>;
  trainStep(
    pixels: NativeTensorInput,
    labels: NativeTensorInput,
    options: { lr: number; maxGradNorm: number; lossScale: number; step: boolean; bf16: boolean; sync: boolean },
  ): Promise<NativeStepResult>;
  getGradient(name: string): TensorData<Float32Array> | null;
  getParameter(name: string): TensorData<Float32Array>;
  namedParameters(): Array<{ name: string; shape: number[]; weightDecay: boolean }>;
  zeroGrad(): void;
  clipGradNorm(maxNorm: number): number;
  createOptimizer(options: { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number }): void;
  optimizerStep(options: { lr?: number }): Promise<void>;
  saveOptimizer(path: string): Promise<void>;
  loadOptimizer(path: string): Promise<void>;
  setTraining(training: boolean): void;
  setGradientCheckpointing(on: boolean): void;
  to(device: string): Promise<void>;
  attachProcessGroup(
    group: NativeProcessGroupHandle,
    options: { bucketCapMb: number; firstBucketCapMb: number },
  ): { bytesPerSync: number; numBuckets: number };
  detachProcessGroup(): void;
  broadcastParameters(group: NativeProcessGroupHandle, root: number): Promise<void>;
  saveWeights(path: string): Promise<void>;
  numParameters(): number;
  device(): string;
  dispose(): void;
}

export interface ModelBinding {
  NativeVideoMAE: new (config: Record<string, unknown>, options: { device: string; dtype: string }) => NativeVideoMAEHandle;
  readSafetensors(path: string): Promise<Record<string, TensorData<TypedArrayLike>>>;
}
