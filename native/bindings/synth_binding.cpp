// Synthetic action videos: synthMotions(), synthVideo(options) → Promise, synthRenderFrame(...).
#include <napi.h>

extern "C" {
#include <libavutil/log.h>
}

#include <string>

#include "bindings/async_task.h"
#include "bindings/exceptions.h"
#include "bindings/js_arrays.h"
#include "bindings/modules.h"
#include "core/errors.h"
#include "core/synth/synth_video.h"

namespace videomae::bindings {

namespace {

int intOption(Napi::Object options, const char* key, int fallback) {
  Napi::Value value = options.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) fail(ErrorCode::InvalidArg, std::string("synthVideo: ") + key + " must be a number");
  return value.As<Napi::Number>().Int32Value();
}

synth::SynthVideoOptions parseOptions(Napi::Value value) {
  if (!value.IsObject()) fail(ErrorCode::InvalidArg, "synthVideo: options must be an object");
  Napi::Object options = value.As<Napi::Object>();
  synth::SynthVideoOptions parsed;
  parsed.path = options.Get("path").ToString().Utf8Value();
  parsed.motion = synth::motionFromName(options.Get("motion").ToString().Utf8Value());
  parsed.width = intOption(options, "width", parsed.width);
  parsed.height = intOption(options, "height", parsed.height);
  parsed.fps = intOption(options, "fps", parsed.fps);
  parsed.frames = intOption(options, "frames", parsed.frames);
  parsed.quality = intOption(options, "quality", parsed.quality);
  if (options.Has("codec")) parsed.codec = options.Get("codec").ToString().Utf8Value();
  parsed.seed = static_cast<uint64_t>(options.Get("seed").ToNumber().DoubleValue());
  return parsed;
}

Napi::Value synthMotions(const Napi::CallbackInfo& info) { return stringArray(info.Env(), synth::motionNames()); }

Napi::Value synthVideo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "synthVideo", [&]() -> Napi::Value {
    synth::SynthVideoOptions options = parseOptions(info[0]);
    return runAsync(env, "synthesize video " + options.path, [options] {
      synth::synthesizeVideo(options);
      return resolveUndefined();
    });
  });
}

// synthRenderFrame({ motion, width, height, seed }, index) → Uint8Array (H*W*3 RGB24), for tests.
Napi::Value synthRenderFrame(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "synthRenderFrame", [&]() -> Napi::Value {
    synth::SynthVideoOptions options = parseOptions(info[0]);
    synth::SceneParams scene = synth::makeScene(options.motion, options.width, options.height, options.seed);
    Napi::Uint8Array pixels = Napi::Uint8Array::New(info.Env(), static_cast<size_t>(options.width) * options.height * 3);
    synth::renderFrame(scene, info[1].ToNumber().Int32Value(), pixels.Data());
    return pixels;
  });
}

}  // namespace

void initSynthModule(Napi::Env env, Napi::Object exports) {
  // libx264 prints its settings at INFO level for every file; keep libav quiet unless someone
  // already chose a level.
  if (av_log_get_level() == AV_LOG_INFO) av_log_set_level(AV_LOG_ERROR);
  exports.Set("synthMotions", Napi::Function::New(env, synthMotions, "synthMotions"));
  exports.Set("synthVideo", Napi::Function::New(env, synthVideo, "synthVideo"));
  exports.Set("synthRenderFrame", Napi::Function::New(env, synthRenderFrame, "synthRenderFrame"));
}

}  // namespace videomae::bindings
