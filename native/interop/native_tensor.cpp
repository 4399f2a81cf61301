#include "interop/native_tensor.h"

#include <ATen/ATen.h>

#include "bindings/addon_data.h"
#include "bindings/exceptions.h"
#include "core/errors.h"
#include "interop/tensor_interop.h"

namespace videomae::interop {

namespace {
constexpr const char* kClassName = "NativeTensor";
}

void NativeTensor::define(Napi::Env env, Napi::Object exports) {
  Napi::Function constructor =
      DefineClass(env, kClassName,
                  {InstanceAccessor<&NativeTensor::shape>("shape"), InstanceAccessor<&NativeTensor::dtype>("dtype"),
                   InstanceAccessor<&NativeTensor::device>("device"), InstanceAccessor<&NativeTensor::disposed>("disposed"),
                   InstanceMethod<&NativeTensor::toTypedArray>("toTypedArray"), InstanceMethod<&NativeTensor::toJs>("toJs"),
                   InstanceMethod<&NativeTensor::dispose>("dispose")});
  bindings::registerClass(env, kClassName, constructor);
  exports.Set(kClassName, constructor);
}

NativeTensor::NativeTensor(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeTensor>(info) {
  // Constructed from JS with { data, shape }: the data is copied, so the JS array may change later.
  if (info.Length() > 0 && info[0].IsObject()) {
    bindings::guarded(info.Env(), "new NativeTensor", [&] {
      tensor_ = tensorFromJs(info[0], "NativeTensor").clone();
      return info.Env().Undefined();
    });
  }
}

Napi::Object NativeTensor::wrap(Napi::Env env, at::Tensor tensor) {
  Napi::Object object = bindings::classConstructor(env, kClassName).New({});
  Unwrap(object)->tensor_ = std::move(tensor);
  return object;
}

bool NativeTensor::isNativeTensor(Napi::Value value) {
  if (!value.IsObject()) return false;
  Napi::Env env = value.Env();
  Napi::Function constructor = bindings::classConstructor(env, kClassName);
  return value.As<Napi::Object>().InstanceOf(constructor);
}

at::Tensor NativeTensor::unwrap(Napi::Value value, const char* what) {
  NativeTensor* self = Unwrap(value.As<Napi::Object>());
  return self->tensor(value.Env(), what);
}

const at::Tensor& NativeTensor::tensor(Napi::Env, const char* what) const {
  if (disposed_) fail(ErrorCode::Closed, std::string(what) + ": the NativeTensor was disposed");
  if (!tensor_.defined()) fail(ErrorCode::InvalidArg, std::string(what) + ": the NativeTensor is empty");
  return tensor_;
}

Napi::Value NativeTensor::shape(const Napi::CallbackInfo& info) {
  return bindings::guarded(info.Env(), "NativeTensor.shape", [&] { return shapeToJs(info.Env(), tensor(info.Env(), "shape").sizes()); });
}

Napi::Value NativeTensor::dtype(const Napi::CallbackInfo& info) {
  return bindings::guarded(info.Env(), "NativeTensor.dtype",
                           [&] { return Napi::String::New(info.Env(), c10::toString(tensor(info.Env(), "dtype").scalar_type())); });
}

Napi::Value NativeTensor::device(const Napi::CallbackInfo& info) {
  return bindings::guarded(info.Env(), "NativeTensor.device",
                           [&] { return Napi::String::New(info.Env(), tensor(info.Env(), "device").device().str()); });
}

Napi::Value NativeTensor::toTypedArray(const Napi::CallbackInfo& info) {
  bool copy = info.Length() > 0 && info[0].IsObject() && info[0].As<Napi::Object>().Get("copy").ToBoolean();
  return bindings::guarded(info.Env(), "NativeTensor.toTypedArray",
                           [&] { return typedArrayFromTensor(info.Env(), tensor(info.Env(), "toTypedArray"), copy); });
}

Napi::Value NativeTensor::toJs(const Napi::CallbackInfo& info) {
  bool copy = info.Length() > 0 && info[0].IsObject() && info[0].As<Napi::Object>().Get("copy").ToBoolean();
  return bindings::guarded(info.Env(), "NativeTensor.toJs", [&] { return tensorToJs(info.Env(), tensor(info.Env(), "toJs"), copy); });
}

Napi::Value NativeTensor::dispose(const Napi::CallbackInfo& info) {
  tensor_ = at::Tensor();
  disposed_ = true;
  return info.Env().Undefined();
}

Napi::Value NativeTensor::disposed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), disposed_); }

void initTensorModule(Napi::Env env, Napi::Object exports) { NativeTensor::define(env, exports); }

}  // namespace videomae::interop
