/** Tensors at the JS/native boundary: plain `{ data, shape }` objects, or NativeTensor handles. */
import { nativeAs } from './binding';

export type TypedArrayLike = Float32Array | Float64Array | Uint8Array | Int8Array | Int16Array | Int32Array | BigInt64Array;

/** A tensor as plain JS data; `data` may be backed by native memory (freed when collected). */
export interface TensorData<T extends TypedArrayLike = Float32Array> {
  data: T;
  shape: number[];
}

/** A tensor that stays in native memory (e.g. a batch from the native data loader). */
export interface NativeTensor {
  readonly shape: number[];
  readonly dtype: string;
  readonly device: string;
  readonly disposed: boolean;
  /** The data as a typed array over native memory (no copy), or a JS-owned copy with { copy: true }. */
  toTypedArray(options?: { copy?: boolean }): TypedArrayLike;
  toJs(options?: { copy?: boolean }): TensorData<TypedArrayLike>;
  /** Frees the native storage now instead of at garbage collection. Idempotent. */
  dispose(): void;
}

interface TensorBinding {
  NativeTensor: new (tensor?: TensorData<TypedArrayLike>) => NativeTensor;
}

/** Copies JS data into a new native tensor. */
export function toNativeTensor(tensor: TensorData<TypedArrayLike>): NativeTensor {
  const { NativeTensor: Ctor } = nativeAs<TensorBinding>();
  return new Ctor(tensor);
}

export function isNativeTensor(value: unknown): value is NativeTensor {
  if (typeof value !== 'object' || value === null) return false;
  return value instanceof nativeAs<TensorBinding>().NativeTensor;
}
