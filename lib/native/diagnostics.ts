/** Typed view of the addon's diagnostics exports (used by the boundary tests). */
import { nativeAs } from './binding';
import type { NativeTensor, TensorData, TypedArrayLike } from './tensor';

export interface DiagnosticsBinding {
  throwNative(kind: string): never;
  rejectNative(kind: string): Promise<never>;
  sumAsync(tensor: TensorData<TypedArrayLike>): Promise<number>;
  fillAsync(tensor: TensorData<TypedArrayLike>, value: number): Promise<void>;
  makeTensor(n: number): TensorData<Float32Array>;
  makeNativeTensor(shape: number[]): NativeTensor;
}

export function diagnostics(): DiagnosticsBinding {
  return nativeAs<{ diagnostics: DiagnosticsBinding }>().diagnostics;
}
