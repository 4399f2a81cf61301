// Diagnostics the tests use to pin the boundary's contracts: every kind of C++ exception,
// thrown synchronously or on a worker thread, arrives as a VideomaeError with the right code;
// typed arrays cross into worker threads without a copy.
#include <ATen/ATen.h>
#include <c10/util/Exception.h>

#include <new>
#include <stdexcept>
#include <string>

#include "bindings/async_task.h"
#include "bindings/exceptions.h"
#include "bindings/modules.h"
#include "core/errors.h"
#include "interop/native_tensor.h"
#include "interop/tensor_interop.h"

namespace videomae::bindings {

namespace {

[[noreturn]] void throwKind(const std::string& kind) {
  if (kind == "videomae") fail(ErrorCode::Decode, "a videomae::Error from native code");
  if (kind == "c10") TORCH_CHECK(false, "a c10::Error from TORCH_CHECK");
  if (kind == "c10-index") at::zeros({2}).select(0, 5);
  if (kind == "bad_alloc") throw std::bad_alloc();
  if (kind == "std") throw std::runtime_error("a std::runtime_error");
  if (kind == "int") throw 42;
  fail(ErrorCode::InvalidArg, "unknown exception kind " + kind);
}

Napi::Value throwNative(const Napi::CallbackInfo& info) {
  std::string kind = info[0].ToString();
  return guarded(info.Env(), "diagnostics.throwNative", [&]() -> Napi::Value { throwKind(kind); });
}

Napi::Value rejectNative(const Napi::CallbackInfo& info) {
  std::string kind = info[0].ToString();
  return runAsync(info.Env(), "diagnostics.rejectNative", [kind]() -> ResultBuilder { throwKind(kind); });
}

// Sums a typed array on a worker thread, reading the JS memory in place (kept alive meanwhile).
Napi::Value sumAsync(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "diagnostics.sumAsync", [&]() -> Napi::Value {
    at::Tensor input = interop::tensorFromJs(info[0], "sumAsync input");
    return runAsync(info.Env(), "diagnostics.sumAsync",
                    [input]() -> ResultBuilder {
                      double sum = input.to(at::kDouble).sum().item<double>();
                      return [sum](Napi::Env env) { return Napi::Number::New(env, sum); };
                    },
                    {info[0]});
  });
}

// Writes into a typed array from a worker thread: proves the tensor aliases the JS memory.
Napi::Value fillAsync(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "diagnostics.fillAsync", [&]() -> Napi::Value {
    at::Tensor target = interop::tensorFromJs(info[0], "fillAsync target");
    double value = info[1].As<Napi::Number>().DoubleValue();
    return runAsync(info.Env(), "diagnostics.fillAsync",
                    [target, value]() mutable -> ResultBuilder {
                      target.fill_(value);
                      return resolveUndefined();
                    },
                    {info[0]});
  });
}

// A native tensor handed out as { data, shape } over native memory (freed when collected).
Napi::Value makeTensor(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "diagnostics.makeTensor", [&]() -> Napi::Value {
    int64_t n = info[0].As<Napi::Number>().Int64Value();
    if (n < 0) fail(ErrorCode::InvalidArg, "makeTensor: n must be >= 0");
    return interop::tensorToJs(info.Env(), at::arange(n, at::kFloat));
  });
}

// A NativeTensor 0, 1, 2, ... of the given shape, for ownership tests.
Napi::Value makeNativeTensor(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "diagnostics.makeNativeTensor", [&]() -> Napi::Value {
    std::vector<int64_t> shape = interop::shapeFromJs(info[0], "makeNativeTensor");
    return interop::NativeTensor::wrap(info.Env(), at::arange(c10::multiply_integers(shape), at::kFloat).reshape(shape));
  });
}

}  // namespace

void initDiagnosticsModule(Napi::Env env, Napi::Object exports) {
  Napi::Object diagnostics = Napi::Object::New(env);
  diagnostics.Set("throwNative", Napi::Function::New(env, throwNative, "throwNative"));
  diagnostics.Set("rejectNative", Napi::Function::New(env, rejectNative, "rejectNative"));
  diagnostics.Set("sumAsync", Napi::Function::New(env, sumAsync, "sumAsync"));
  diagnostics.Set("fillAsync", Napi::Function::New(env, fillAsync, "fillAsync"));
  diagnostics.Set("makeTensor", Napi::Function::New(env, makeTensor, "makeTensor"));
  diagnostics.Set("makeNativeTensor", Napi::Function::New(env, makeNativeTensor, "makeNativeTensor"));
  exports.Set("diagnostics", diagnostics);
}

}  // namespace videomae::bindings
