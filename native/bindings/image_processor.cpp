// JS entry points of the native image processor (core/image): preprocessVideo and resizeFrames.
// Options become plain C++ structs on the JS thread; the pixel work runs on a libuv thread.
#include <ATen/ATen.h>

#include <limits>
#include <string>

#include "bindings/async_task.h"
#include "bindings/exceptions.h"
#include "bindings/js_options.h"
#include "bindings/modules.h"
#include "core/errors.h"
#include "core/image/video_processor.h"
#include "interop/tensor_interop.h"

namespace videomae::bindings {

namespace {

int intOption(Napi::Object options, const char* key, int fallback, const char* what) {
  return static_cast<int>(optionalInteger(options, key, fallback, what, std::numeric_limits<int>::min(), std::numeric_limits<int>::max()));
}

bool boolOption(Napi::Object options, const char* key, bool fallback) { return optionalBool(options, key, fallback); }

std::array<float, 3> triple(Napi::Object options, const char* key, std::array<float, 3> fallback, const char* what) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsArray() || value.As<Napi::Array>().Length() != 3)
    fail(ErrorCode::InvalidArg, std::string(what) + ": " + key + " must be an array of 3 numbers");
  std::array<float, 3> out{};
  for (uint32_t i = 0; i < 3; ++i) {
    Napi::Value v = value.As<Napi::Array>().Get(i);
    if (!v.IsNumber()) fail(ErrorCode::InvalidArg, std::string(what) + ": " + key + " must be an array of 3 numbers");
    out[i] = static_cast<float>(v.As<Napi::Number>().DoubleValue());  // HF: np.array(mean, float32)
  }
  return out;
}

std::vector<image::CropBox> cropBoxes(Napi::Object options, const char* what) {
  Napi::Value value = options.Get("crops");
  if (!value.IsArray() || value.As<Napi::Array>().Length() == 0)
    fail(ErrorCode::InvalidArg, std::string(what) + ": crops must be a non-empty array of { top, left }");
  std::vector<image::CropBox> boxes;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) {
    if (!array.Get(i).IsObject()) fail(ErrorCode::InvalidArg, std::string(what) + ": crops must be an array of { top, left }");
    Napi::Object box = array.Get(i).As<Napi::Object>();
    boxes.push_back({intOption(box, "top", 0, what), intOption(box, "left", 0, what)});
  }
  return boxes;
}

image::ProcessOptions processOptions(Napi::Value value) {
  constexpr const char* what = "preprocessVideo";
  if (!value.IsObject()) fail(ErrorCode::InvalidArg, "preprocessVideo: options must be an object");
  Napi::Object options = value.As<Napi::Object>();
  image::ProcessOptions o;
  o.doResize = boolOption(options, "doResize", true);
  o.shortestEdge = intOption(options, "shortestEdge", o.shortestEdge, what);
  o.cropHeight = intOption(options, "cropHeight", o.cropHeight, what);
  o.cropWidth = intOption(options, "cropWidth", o.cropWidth, what);
  o.crops = cropBoxes(options, what);
  o.doRescale = boolOption(options, "doRescale", true);
  Napi::Value factor = options.Get("rescaleFactor");
  if (!factor.IsUndefined()) o.rescaleFactor = factor.As<Napi::Number>().DoubleValue();
  o.doNormalize = boolOption(options, "doNormalize", true);
  o.mean = triple(options, "mean", o.mean, what);
  o.std = triple(options, "std", o.std, what);
  return o;
}

Napi::Value preprocessVideo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "preprocessVideo", [&]() -> Napi::Value {
    at::Tensor frames = interop::tensorFromJs(info[0], "preprocessVideo frames");
    image::ProcessOptions options = processOptions(info[1]);
    return runAsync(env, "preprocessVideo",
                    [frames, options]() -> ResultBuilder {
                      at::Tensor out = image::processFrames(frames, options);
                      return [out](Napi::Env env) -> Napi::Value { return interop::tensorToJs(env, out); };
                    },
                    {info[0]});
  });
}

Napi::Value resizeFrames(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "resizeFrames", [&]() -> Napi::Value {
    at::Tensor frames = interop::tensorFromJs(info[0], "resizeFrames frames");
    if (!info[1].IsObject()) fail(ErrorCode::InvalidArg, "resizeFrames: expected { height, width }");
    Napi::Object size = info[1].As<Napi::Object>();
    int height = intOption(size, "height", 0, "resizeFrames");
    int width = intOption(size, "width", 0, "resizeFrames");
    return runAsync(env, "resizeFrames",
                    [frames, height, width]() -> ResultBuilder {
                      at::Tensor out = image::resizeFrames(frames, height, width);
                      return [out](Napi::Env env) -> Napi::Value { return interop::tensorToJs(env, out); };
                    },
                    {info[0]});
  });
}

}  // namespace

void initImageModule(Napi::Env env, Napi::Object exports) {
  exports.Set("preprocessVideo", Napi::Function::New(env, preprocessVideo, "preprocessVideo"));
  exports.Set("resizeFrames", Napi::Function::New(env, resizeFrames, "resizeFrames"));
}

}  // namespace videomae::bindings
