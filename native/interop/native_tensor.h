// NativeTensor: a JS handle on a torch tensor that stays in native memory. Batches made by the
// native data loader travel to the model as NativeTensors, so pixel data never crosses into JS.
// JS thread only. `dispose()` frees the storage early; using a disposed tensor is ERR_VIDEOMAE_CLOSED.
#pragma once
#include <ATen/core/Tensor.h>
#include <napi.h>

namespace videomae::interop {

class NativeTensor : public Napi::ObjectWrap<NativeTensor> {
 public:
  static void define(Napi::Env env, Napi::Object exports);
  static Napi::Object wrap(Napi::Env env, at::Tensor tensor);
  static bool isNativeTensor(Napi::Value value);
  static at::Tensor unwrap(Napi::Value value, const char* what);

  explicit NativeTensor(const Napi::CallbackInfo& info);

 private:
  Napi::Value shape(const Napi::CallbackInfo& info);
  Napi::Value dtype(const Napi::CallbackInfo& info);
  Napi::Value device(const Napi::CallbackInfo& info);
  Napi::Value toTypedArray(const Napi::CallbackInfo& info);
  Napi::Value toJs(const Napi::CallbackInfo& info);
  Napi::Value dispose(const Napi::CallbackInfo& info);
  Napi::Value disposed(const Napi::CallbackInfo& info);
  const at::Tensor& tensor(Napi::Env env, const char* what) const;

  at::Tensor tensor_;
  bool disposed_ = false;
};

// Adds NativeTensor to the addon's exports (called from bindings/addon.cpp, declared again in bindings/modules.h).
void initTensorModule(Napi::Env env, Napi::Object exports);

}  // namespace videomae::interop
