/** The native exports of native/bindings/dist_binding.cpp (typed view; see lib/native/binding.ts). */
import type { NativeTensor, TensorData, TypedArrayLike } from '../native/tensor';

export type CollectiveTensor = TensorData<TypedArrayLike> | NativeTensor;
export type ReduceOpName = 'sum' | 'avg' | 'max' | 'min';

export interface NativeProcessGroupHandle {
  readonly rank: number;
  readonly worldSize: number;
  readonly backend: string | null;
  allReduce(tensor: CollectiveTensor, op: ReduceOpName): Promise<void>;
  broadcast(tensor: CollectiveTensor, root: number): Promise<void>;
  allGather(tensor: CollectiveTensor): Promise<NativeTensor[]>;
  barrier(): Promise<void>;
  destroy(): void;
}

export interface DistBinding {
  initProcessGroup(options: {
    masterAddr: string;
    masterPort: number;
    rank: number;
    worldSize: number;
    timeoutMs: number;
    backend: string;
  }): Promise<NativeProcessGroupHandle>;
  distributedInfo(): { backends: string[] };
}
