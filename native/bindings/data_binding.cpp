// The data pipeline's JS surface: dataProbeVideos, dataApplyTransforms, dataLoadSample and the
// NativeDataLoader class (lib/data/loader.ts wraps them). Options are parsed into plain structs
// here, on the JS thread; the work runs on libuv threads or the loader's own workers.
#include <napi.h>

#include <ATen/ATen.h>

#include <atomic>
#include <memory>
#include <thread>

#include "bindings/addon_data.h"
#include "bindings/async_task.h"
#include "bindings/exceptions.h"
#include "bindings/js_options.h"
#include "bindings/modules.h"
#include "core/data/clip_reader.h"
#include "core/data/loader.h"
#include "core/data/transforms.h"
#include "core/errors.h"
#include "interop/native_tensor.h"
#include "interop/tensor_interop.h"

namespace videomae::bindings {

namespace {

using data::TransformKind;
using data::TransformSpec;

double number(Napi::Object object, const char* key, double fallback) { return optionalNumber(object, key, fallback, "data options"); }

std::vector<double> numbers(Napi::Object object, const char* key) {
  std::vector<double> result;
  Napi::Value value = object.Get(key);
  if (!value.IsArray()) return result;
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) result.push_back(array.Get(i).ToNumber().DoubleValue());
  return result;
}

TransformKind kindFromName(const std::string& name) {
  static const std::vector<std::pair<std::string, TransformKind>> kKinds = {
      {"UniformTemporalSubsample", TransformKind::UniformTemporalSubsample},
      {"Div255", TransformKind::Div255},
      {"Normalize", TransformKind::Normalize},
      {"ShortSideScale", TransformKind::ShortSideScale},
      {"RandomShortSideScale", TransformKind::RandomShortSideScale},
      {"Resize", TransformKind::Resize},
      {"RandomCrop", TransformKind::RandomCrop},
      {"CenterCrop", TransformKind::CenterCrop},
      {"RandomHorizontalFlip", TransformKind::RandomHorizontalFlip}};
  for (const auto& [known, kind] : kKinds)
    if (known == name) return kind;
  fail(ErrorCode::InvalidArg, "unknown transform type \"" + name + "\"");
}

std::vector<TransformSpec> parseChain(Napi::Value value) {
  std::vector<TransformSpec> chain;
  if (value.IsUndefined()) return chain;
  if (!value.IsArray()) fail(ErrorCode::InvalidArg, "transforms must be an array");
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t i = 0; i < array.Length(); ++i) {
    if (!array.Get(i).IsObject()) fail(ErrorCode::InvalidArg, "each transform must be an object");
    Napi::Object o = array.Get(i).As<Napi::Object>();
    TransformSpec spec;
    spec.kind = kindFromName(o.Get("type").ToString().Utf8Value());
    spec.numSamples = static_cast<int64_t>(number(o, "numSamples", 0));
    spec.mean = numbers(o, "mean"), spec.std = numbers(o, "std");
    spec.size = static_cast<int64_t>(number(o, "size", 0));
    spec.minSize = static_cast<int64_t>(number(o, "minSize", 0));
    spec.maxSize = static_cast<int64_t>(number(o, "maxSize", 0));
    spec.height = static_cast<int64_t>(number(o, "height", 0));
    spec.width = static_cast<int64_t>(number(o, "width", 0));
    spec.shortestEdge = static_cast<int64_t>(number(o, "shortestEdge", 0));
    spec.antialias = o.Get("antialias").ToBoolean();
    spec.roundToUint8 = o.Get("roundToUint8").ToBoolean();
    spec.floorOffset = o.Get("offsetRounding").ToString().Utf8Value() == "floor";
    spec.p = number(o, "p", 0.5);
    data::validateTransform(spec);
    chain.push_back(std::move(spec));
  }
  return chain;
}

data::LoaderOptions parseLoaderOptions(Napi::Value value) {
  data::LoaderOptions options;
  if (!value.IsObject()) fail(ErrorCode::InvalidArg, "loader options must be an object");
  Napi::Object o = value.As<Napi::Object>();
  options.workers = static_cast<int>(number(o, "workers", 1));
  options.prefetch = static_cast<int>(number(o, "prefetch", 2));
  options.intraOpThreads = static_cast<int>(number(o, "intraOpThreads", 1));
  options.decoderThreads = static_cast<int>(number(o, "decoderThreads", 1));
  options.skipBadClips = !o.Has("skipBadClips") || o.Get("skipBadClips").ToBoolean();
  options.seed = static_cast<uint64_t>(number(o, "seed", 0));
  options.transforms = parseChain(o.Get("transforms"));
  return options;
}

data::SampleTask parseTask(Napi::Value value) {
  if (!value.IsObject()) fail(ErrorCode::InvalidArg, "a sample must be an object");
  Napi::Object o = value.As<Napi::Object>();
  data::SampleTask task;
  task.path = o.Get("path").ToString().Utf8Value();
  task.start = number(o, "start", 0), task.end = number(o, "end", 0);
  if (hasField(o, "exact")) {
    if (!o.Get("exact").IsObject()) fail(ErrorCode::InvalidArg, "data options: exact must be an object");
    Napi::Object exact = o.Get("exact").As<Napi::Object>();
    task.exact =
        data::ExactWindow{optionalInteger(exact, "index", 0, "data options", 0), number(exact, "stride", 0), number(exact, "duration", 0)};
  }
  task.label = static_cast<int32_t>(number(o, "label", 0));
  task.videoId = static_cast<int64_t>(number(o, "videoId", 0));
  task.sampleIndex = static_cast<uint64_t>(number(o, "sampleIndex", 0));
  return task;
}

// ---- probing ------------------------------------------------------------------------------

struct ProbeOutcome {
  bool ok = false;
  video::VideoMetadata metadata;
  std::string code, message;
};

Napi::Value dataProbeVideos(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "dataProbeVideos", [&]() -> Napi::Value {
    if (!info[0].IsArray()) fail(ErrorCode::InvalidArg, "dataProbeVideos: paths must be an array");
    auto paths = std::make_shared<std::vector<std::string>>();
    Napi::Array array = info[0].As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); ++i) paths->push_back(array.Get(i).ToString().Utf8Value());
    int threads = std::max(1, info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 2);
    return runAsync(env, "probe videos", [paths, threads]() -> ResultBuilder {
      auto outcomes = std::make_shared<std::vector<ProbeOutcome>>(paths->size());
      std::atomic<size_t> next{0};
      auto work = [&] {
        for (size_t i = next++; i < paths->size(); i = next++) {
          ProbeOutcome& out = (*outcomes)[i];
          try {
            out.metadata = data::probeVideo((*paths)[i]);
            out.ok = true;
          } catch (...) {
            ErrorInfo error = describeCurrentException("open " + (*paths)[i]);
            out.code = error.code, out.message = error.message;
          }
        }
      };
      std::vector<std::thread> pool;
      for (int t = 1; t < threads; ++t) pool.emplace_back(work);
      work();
      for (std::thread& thread : pool) thread.join();
      return [outcomes](Napi::Env env) -> Napi::Value {
        Napi::Array result = Napi::Array::New(env, outcomes->size());
        for (size_t i = 0; i < outcomes->size(); ++i) {
          const ProbeOutcome& out = (*outcomes)[i];
          Napi::Object o = Napi::Object::New(env);
          o.Set("ok", out.ok);
          if (out.ok) {
            o.Set("durationSeconds", out.metadata.durationSeconds);
            o.Set("fps", out.metadata.fps);
            o.Set("numFrames", static_cast<double>(out.metadata.numFrames));
            bool swap = out.metadata.rotation == 90 || out.metadata.rotation == 270;
            o.Set("width", swap ? out.metadata.height : out.metadata.width);
            o.Set("height", swap ? out.metadata.width : out.metadata.height);
          } else {
            o.Set("code", out.code), o.Set("message", out.message);
          }
          result.Set(static_cast<uint32_t>(i), o);
        }
        return result;
      };
    });
  });
}

// ---- single samples -----------------------------------------------------------------------

// dataApplyTransforms({data, shape} (C,T,H,W) float32, chain, {seed, epoch, sample}) → Promise<NativeTensor>
Napi::Value dataApplyTransforms(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "dataApplyTransforms", [&]() -> Napi::Value {
    at::Tensor input = interop::tensorFromJs(info[0], "dataApplyTransforms");
    std::vector<TransformSpec> chain = parseChain(info[1]);
    Napi::Object rng = info[2].IsObject() ? info[2].As<Napi::Object>() : Napi::Object::New(env);
    uint64_t seed = static_cast<uint64_t>(number(rng, "seed", 0)), epoch = static_cast<uint64_t>(number(rng, "epoch", 0)),
             sample = static_cast<uint64_t>(number(rng, "sample", 0));
    auto result = std::make_shared<at::Tensor>();
    return runAsync(env, "apply transforms",
                    [input, chain, seed, epoch, sample, result]() -> ResultBuilder {
                      at::Generator generator = data::sampleGenerator(seed, epoch, sample);
                      *result = data::applyTransforms(input.to(at::kFloat), chain, generator).contiguous();
                      return [result](Napi::Env env) -> Napi::Value { return interop::NativeTensor::wrap(env, *result); };
                    },
                    {info[0]});
  });
}

// dataLoadSample(task, loaderOptions, epoch) → Promise<NativeTensor (C,T,H,W) | null>
Napi::Value dataLoadSample(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "dataLoadSample", [&]() -> Napi::Value {
    data::SampleTask task = parseTask(info[0]);
    data::LoaderOptions options = parseLoaderOptions(info[1]);
    uint64_t epoch = info[2].IsNumber() ? static_cast<uint64_t>(info[2].As<Napi::Number>().DoubleValue()) : 0;
    return runAsync(env, "load clip " + task.path, [task, options, epoch]() -> ResultBuilder {
      at::Tensor clip = data::Loader::loadSample(task, options, epoch);
      if (clip.defined()) clip = clip.contiguous();
      return [clip](Napi::Env env) -> Napi::Value {
        return clip.defined() ? Napi::Value(interop::NativeTensor::wrap(env, clip)) : env.Null();
      };
    });
  });
}

// ---- NativeDataLoader -----------------------------------------------------------------------

class NativeDataLoader : public Napi::ObjectWrap<NativeDataLoader> {
 public:
  static void define(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor =
        DefineClass(env, "NativeDataLoader",
                    {InstanceMethod<&NativeDataLoader::start>("start"), InstanceMethod<&NativeDataLoader::next>("next"),
                     InstanceMethod<&NativeDataLoader::cancel>("cancel"), InstanceMethod<&NativeDataLoader::close>("close")});
    registerClass(env, "NativeDataLoader", ctor);
    exports.Set("NativeDataLoader", ctor);
  }

  explicit NativeDataLoader(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeDataLoader>(info) {
    guarded(info.Env(), "new NativeDataLoader", [&]() -> Napi::Value {
      loader_ = std::make_shared<data::Loader>(parseLoaderOptions(info[0]));
      return info.Env().Undefined();
    });
  }

 private:
  data::Loader& loader(const char* what) {
    if (!loader_) fail(ErrorCode::Closed, std::string("data loader ") + what + ": the loader was closed");
    return *loader_;
  }

  // start(epoch, batches: SampleTask[][])
  Napi::Value start(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "data loader start", [&]() -> Napi::Value {
      data::Loader& target = loader("start");
      if (*busy_) fail(ErrorCode::Busy, "data loader start: next() is in flight; cancel() or await it first");
      if (!info[1].IsArray()) fail(ErrorCode::InvalidArg, "data loader start: batches must be an array");
      std::vector<std::vector<data::SampleTask>> plan;
      Napi::Array batches = info[1].As<Napi::Array>();
      for (uint32_t b = 0; b < batches.Length(); ++b) {
        Napi::Array samples = batches.Get(b).As<Napi::Array>();
        std::vector<data::SampleTask> batch;
        for (uint32_t s = 0; s < samples.Length(); ++s) batch.push_back(parseTask(samples.Get(s)));
        plan.push_back(std::move(batch));
      }
      target.start(static_cast<uint64_t>(info[0].ToNumber().DoubleValue()), std::move(plan));
      return info.Env().Undefined();
    });
  }

  // next() → Promise<{ pixelValues, labels, videoIds, skipped } | null>
  Napi::Value next(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guarded(env, "data loader next", [&]() -> Napi::Value {
      loader("next");
      if (busy_->exchange(true)) fail(ErrorCode::Busy, "data loader next: another next() is in flight");
      auto loaderRef = loader_;
      auto busy = busy_;
      return runAsync(env, "data loader next", [loaderRef, busy]() -> ResultBuilder {
        struct Release {
          std::shared_ptr<std::atomic<bool>> flag;
          ~Release() { *flag = false; }
        } release{busy};
        auto batch = std::make_shared<std::optional<data::Batch>>(loaderRef->next());
        return [batch](Napi::Env env) -> Napi::Value {
          if (!batch->has_value()) return env.Null();
          data::Batch& b = **batch;
          Napi::Object result = Napi::Object::New(env);
          result.Set("pixelValues", interop::NativeTensor::wrap(env, b.pixelValues));
          Napi::Int32Array labels = Napi::Int32Array::New(env, b.labels.size());
          std::copy(b.labels.begin(), b.labels.end(), labels.Data());
          result.Set("labels", labels);
          Napi::Array ids = Napi::Array::New(env, b.videoIds.size());
          for (size_t i = 0; i < b.videoIds.size(); ++i) ids.Set(static_cast<uint32_t>(i), static_cast<double>(b.videoIds[i]));
          result.Set("videoIds", ids);
          Napi::Array skipped = Napi::Array::New(env, b.skipped.size());
          for (size_t i = 0; i < b.skipped.size(); ++i) skipped.Set(static_cast<uint32_t>(i), b.skipped[i]);
          result.Set("skipped", skipped);
          return result;
        };
      });
    });
  }

  Napi::Value cancel(const Napi::CallbackInfo& info) {
    if (loader_) loader_->cancel();
    return info.Env().Undefined();
  }

  Napi::Value close(const Napi::CallbackInfo& info) {
    if (loader_) loader_->cancel();
    loader_.reset();  // workers join when the last in-flight next() lets go of it
    return info.Env().Undefined();
  }

  std::shared_ptr<data::Loader> loader_;
  std::shared_ptr<std::atomic<bool>> busy_ = std::make_shared<std::atomic<bool>>(false);
};

}  // namespace

void initDataModule(Napi::Env env, Napi::Object exports) {
  exports.Set("dataProbeVideos", Napi::Function::New(env, dataProbeVideos, "dataProbeVideos"));
  exports.Set("dataApplyTransforms", Napi::Function::New(env, dataApplyTransforms, "dataApplyTransforms"));
  exports.Set("dataLoadSample", Napi::Function::New(env, dataLoadSample, "dataLoadSample"));
  NativeDataLoader::define(env, exports);
}

}  // namespace videomae::bindings
