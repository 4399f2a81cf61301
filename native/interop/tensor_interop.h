// The one place where N-API meets torch tensors. JS thread only.
//
// In:  typed arrays are wrapped without a copy (at::from_blob). The JS array must stay alive and
//      unmodified while the tensor is used: pass it to runAsync's keepAlive, and never keep such
//      a tensor past the call (clone() it to keep it).
// Out: tensors leave as typed arrays over the tensor's own storage (an external ArrayBuffer whose
//      finalizer releases the tensor), so nothing is copied. Where the runtime forbids external
//      buffers (Electron's V8 sandbox) the data is copied instead. `copy: true` always copies.
#pragma once
#include <ATen/core/Tensor.h>
#include <napi.h>

#include <cstdint>
#include <vector>

namespace videomae::interop {

std::vector<int64_t> shapeFromJs(Napi::Value value, const char* what);
Napi::Array shapeToJs(Napi::Env env, at::IntArrayRef shape);

// Wraps a typed array's memory as a tensor of the given shape (no copy). Element count must match.
at::Tensor tensorFromTypedArray(Napi::TypedArray array, const std::vector<int64_t>& shape, const char* what);

// { data: TypedArray, shape: number[] } or a NativeTensor → tensor (no copy).
at::Tensor tensorFromJs(Napi::Value value, const char* what);

// Typed array over the tensor's data (made contiguous and moved to CPU first if needed).
Napi::TypedArray typedArrayFromTensor(Napi::Env env, const at::Tensor& tensor, bool copy = false);

// { data, shape } plain object.
Napi::Object tensorToJs(Napi::Env env, const at::Tensor& tensor, bool copy = false);

}  // namespace videomae::interop
