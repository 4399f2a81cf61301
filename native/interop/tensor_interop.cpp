#include "interop/tensor_interop.h"

#include <ATen/ATen.h>

#include <cstring>
#include <string>

#include "core/errors.h"
#include "interop/native_tensor.h"

namespace videomae::interop {

namespace {

at::ScalarType scalarTypeOf(napi_typedarray_type type, const char* what) {
  switch (type) {
    case napi_float32_array:
      return at::kFloat;
    case napi_float64_array:
      return at::kDouble;
    case napi_uint8_array:
      return at::kByte;
    case napi_int8_array:
      return at::kChar;
    case napi_int16_array:
      return at::kShort;
    case napi_int32_array:
      return at::kInt;
    case napi_bigint64_array:
      return at::kLong;
    default:
      fail(ErrorCode::InvalidArg, std::string(what) + ": unsupported typed array type");
  }
}

napi_typedarray_type typedArrayTypeOf(at::ScalarType type) {
  switch (type) {
    case at::kFloat:
      return napi_float32_array;
    case at::kDouble:
      return napi_float64_array;
    case at::kByte:
      return napi_uint8_array;
    case at::kChar:
      return napi_int8_array;
    case at::kShort:
      return napi_int16_array;
    case at::kInt:
      return napi_int32_array;
    case at::kLong:
      return napi_bigint64_array;
    default:
      fail(ErrorCode::InvalidArg, std::string("tensor dtype has no typed array: ") + c10::toString(type));
  }
}

Napi::TypedArray makeTypedArray(Napi::Env env, napi_typedarray_type type, Napi::ArrayBuffer buffer, size_t length) {
  napi_value result;
  napi_status status = napi_create_typedarray(env, type, length, buffer, 0, &result);
  NAPI_THROW_IF_FAILED(env, status, Napi::TypedArray());
  return Napi::TypedArray(env, result);
}

Napi::ArrayBuffer copiedBuffer(Napi::Env env, const at::Tensor& tensor) {
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, tensor.nbytes());
  if (tensor.nbytes() > 0) std::memcpy(buffer.Data(), tensor.data_ptr(), tensor.nbytes());
  return buffer;
}

// An external ArrayBuffer over the tensor's storage; the finalizer drops our tensor reference.
bool tryExternalBuffer(Napi::Env env, const at::Tensor& tensor, Napi::ArrayBuffer* out) {
  if (tensor.nbytes() == 0) return false;
  auto* owner = new at::Tensor(tensor);
  napi_value result;
  napi_status status = napi_create_external_arraybuffer(
      env, owner->data_ptr(), owner->nbytes(), [](napi_env, void*, void* hint) { delete static_cast<at::Tensor*>(hint); }, owner, &result);
  if (status != napi_ok) {
    delete owner;
    return false;  // e.g. napi_no_external_buffers_allowed under Electron: fall back to a copy
  }
  *out = Napi::ArrayBuffer(env, result);
  return true;
}

}  // namespace

std::vector<int64_t> shapeFromJs(Napi::Value value, const char* what) {
  if (!value.IsArray()) fail(ErrorCode::InvalidArg, std::string(what) + ": shape must be an array of integers");
  Napi::Array array = value.As<Napi::Array>();
  std::vector<int64_t> shape;
  for (uint32_t i = 0; i < array.Length(); ++i) {
    Napi::Value dim = array.Get(i);
    if (!dim.IsNumber()) fail(ErrorCode::InvalidArg, std::string(what) + ": shape must be an array of integers");
    double d = dim.As<Napi::Number>().DoubleValue();
    if (d < 0 || d != static_cast<double>(static_cast<int64_t>(d)))
      fail(ErrorCode::InvalidArg, std::string(what) + ": shape entries must be non-negative integers");
    shape.push_back(static_cast<int64_t>(d));
  }
  return shape;
}

Napi::Array shapeToJs(Napi::Env env, at::IntArrayRef shape) {
  Napi::Array array = Napi::Array::New(env, shape.size());
  for (size_t i = 0; i < shape.size(); ++i) array.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(shape[i])));
  return array;
}

at::Tensor tensorFromTypedArray(Napi::TypedArray array, const std::vector<int64_t>& shape, const char* what) {
  int64_t expected = 1;
  for (int64_t dim : shape) expected *= dim;
  if (static_cast<int64_t>(array.ElementLength()) != expected)
    fail(ErrorCode::InvalidArg, std::string(what) + ": data has " + std::to_string(array.ElementLength()) + " elements but shape needs " +
                                    std::to_string(expected));
  at::ScalarType type = scalarTypeOf(array.TypedArrayType(), what);
  auto* base = static_cast<uint8_t*>(array.ArrayBuffer().Data()) + array.ByteOffset();
  return at::from_blob(base, shape, at::TensorOptions().dtype(type));
}

at::Tensor tensorFromJs(Napi::Value value, const char* what) {
  if (NativeTensor::isNativeTensor(value)) return NativeTensor::unwrap(value, what);
  if (!value.IsObject()) fail(ErrorCode::InvalidArg, std::string(what) + ": expected { data, shape } or a NativeTensor");
  Napi::Object object = value.As<Napi::Object>();
  Napi::Value data = object.Get("data");
  if (!data.IsTypedArray()) fail(ErrorCode::InvalidArg, std::string(what) + ".data must be a typed array");
  return tensorFromTypedArray(data.As<Napi::TypedArray>(), shapeFromJs(object.Get("shape"), what), what);
}

Napi::TypedArray typedArrayFromTensor(Napi::Env env, const at::Tensor& tensor, bool copy) {
  at::Tensor cpu = tensor.device().is_cpu() ? tensor.contiguous() : tensor.to(at::kCPU).contiguous();
  napi_typedarray_type type = typedArrayTypeOf(cpu.scalar_type());
  Napi::ArrayBuffer buffer;
  if (copy || !tryExternalBuffer(env, cpu, &buffer)) buffer = copiedBuffer(env, cpu);
  return makeTypedArray(env, type, buffer, static_cast<size_t>(cpu.numel()));
}

Napi::Object tensorToJs(Napi::Env env, const at::Tensor& tensor, bool copy) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("data", typedArrayFromTensor(env, tensor, copy));
  object.Set("shape", shapeToJs(env, tensor.sizes()));
  return object;
}

}  // namespace videomae::interop
