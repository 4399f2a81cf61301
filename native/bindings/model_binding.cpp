// NativeVideoMAE: the JS handle on a VideoMAEModel (+ its AdamW). Slow calls return Promises and
// run on a libuv thread; one operation at a time (ERR_VIDEOMAE_BUSY), dispose() idempotent.
#include <ATen/ATen.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>

#include "bindings/addon_data.h"
#include "bindings/async_task.h"
#include "bindings/dist_binding.h"
#include "bindings/exceptions.h"
#include "bindings/model_options.h"
#include "bindings/modules.h"
#include "bindings/serial_executor.h"
#include "core/distributed/grad_reducer.h"
#include "core/distributed/process_group.h"
#include "core/errors.h"
#include "core/model/cpu_gemm.h"
#include "core/model/linear.h"
#include "core/model/state_dict.h"
#include "core/model/videomae.h"
#include "core/optim/adamw.h"
#include "core/optim/train_step.h"
#include "core/weights/checkpoint.h"
#include "core/weights/safetensors.h"
#include "interop/tensor_interop.h"

namespace videomae::bindings {

namespace {

constexpr const char* kClassName = "NativeVideoMAE";

struct ModelState {
  std::unique_ptr<model::VideoMAEModel> model;
  std::unique_ptr<optim::AdamW> optimizer;
  std::unique_ptr<dist::GradReducer> reducer;  // data-parallel training: attachProcessGroup()
  std::atomic<bool> busy{false};
  SerialExecutor executor;  // every slow operation's tensor work runs on this one thread

  optim::AdamW& optimizerOrDefault() {
    if (!optimizer) optimizer = std::make_unique<optim::AdamW>(*model, optim::AdamWOptions{});
    return *optimizer;
  }
};

// Clears the busy flag when the operation is over: when its result was delivered on the JS thread,
// or on the worker thread when the work threw.
struct BusyRelease {
  explicit BusyRelease(std::shared_ptr<ModelState> s) : state(std::move(s)) {}
  BusyRelease(const BusyRelease&) = delete;
  BusyRelease& operator=(const BusyRelease&) = delete;
  ~BusyRelease() { state->busy = false; }
  std::shared_ptr<ModelState> state;
};

Napi::Object reportToJs(Napi::Env env, const model::LoadReport& report) {
  auto strings = [&](const std::vector<std::string>& list) {
    Napi::Array a = Napi::Array::New(env, list.size());
    for (size_t i = 0; i < list.size(); ++i) a.Set(static_cast<uint32_t>(i), list[i]);
    return a;
  };
  Napi::Object out = Napi::Object::New(env);
  out.Set("missingKeys", strings(report.missingKeys));
  out.Set("unexpectedKeys", strings(report.unexpectedKeys));
  Napi::Array mismatched = Napi::Array::New(env, report.mismatchedKeys.size());
  for (size_t i = 0; i < report.mismatchedKeys.size(); ++i) {
    Napi::Object m = Napi::Object::New(env);
    m.Set("key", report.mismatchedKeys[i].key);
    m.Set("checkpointShape", interop::shapeToJs(env, report.mismatchedKeys[i].checkpointShape));
    m.Set("modelShape", interop::shapeToJs(env, report.mismatchedKeys[i].modelShape));
    mismatched.Set(static_cast<uint32_t>(i), m);
  }
  out.Set("mismatchedKeys", mismatched);
  return out;
}

at::Tensor optionalTensor(const Napi::CallbackInfo& info, size_t index, const char* what) {
  if (info.Length() <= index || info[index].IsUndefined() || info[index].IsNull()) return at::Tensor();
  return interop::tensorFromJs(info[index], what);
}

class NativeVideoMAE : public Napi::ObjectWrap<NativeVideoMAE> {
 public:
  static void define(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(env, kClassName,
                                      {InstanceMethod<&NativeVideoMAE::initialize>("initialize"),
                                       InstanceMethod<&NativeVideoMAE::loadCheckpoint>("loadCheckpoint"),
                                       InstanceMethod<&NativeVideoMAE::forward>("forward"),
                                       InstanceMethod<&NativeVideoMAE::forwardBackward>("forwardBackward"),
                                       InstanceMethod<&NativeVideoMAE::trainStep>("trainStep"),
                                       InstanceMethod<&NativeVideoMAE::getGradient>("getGradient"),
                                       InstanceMethod<&NativeVideoMAE::getParameter>("getParameter"),
                                       InstanceMethod<&NativeVideoMAE::namedParameters>("namedParameters"),
                                       InstanceMethod<&NativeVideoMAE::zeroGrad>("zeroGrad"),
                                       InstanceMethod<&NativeVideoMAE::clipGradNorm>("clipGradNorm"),
                                       InstanceMethod<&NativeVideoMAE::createOptimizer>("createOptimizer"),
                                       InstanceMethod<&NativeVideoMAE::optimizerStep>("optimizerStep"),
                                       InstanceMethod<&NativeVideoMAE::saveOptimizer>("saveOptimizer"),
                                       InstanceMethod<&NativeVideoMAE::loadOptimizer>("loadOptimizer"),
                                       InstanceMethod<&NativeVideoMAE::setTraining>("setTraining"),
                                       InstanceMethod<&NativeVideoMAE::setGradientCheckpointing>("setGradientCheckpointing"),
                                       InstanceMethod<&NativeVideoMAE::to>("to"),
                                       InstanceMethod<&NativeVideoMAE::attachProcessGroup>("attachProcessGroup"),
                                       InstanceMethod<&NativeVideoMAE::detachProcessGroup>("detachProcessGroup"),
                                       InstanceMethod<&NativeVideoMAE::broadcastParameters>("broadcastParameters"),
                                       InstanceMethod<&NativeVideoMAE::saveWeights>("saveWeights"),
                                       InstanceMethod<&NativeVideoMAE::numParameters>("numParameters"),
                                       InstanceMethod<&NativeVideoMAE::device>("device"),
                                       InstanceMethod<&NativeVideoMAE::dispose>("dispose")});
    registerClass(env, kClassName, ctor);
    exports.Set(kClassName, ctor);
  }

  explicit NativeVideoMAE(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeVideoMAE>(info) {
    guarded(info.Env(), "create VideoMAE model", [&] {
      model::ModelConfig config = modelConfigFromJs(info[0]);
      Napi::Object options = optionsObject(info, 1);
      std::string device = options.Get("device").IsString() ? options.Get("device").As<Napi::String>().Utf8Value() : "cpu";
      std::string dtype = options.Get("dtype").IsString() ? options.Get("dtype").As<Napi::String>().Utf8Value() : "float32";
      state_ = std::make_shared<ModelState>();
      state_->model = std::make_unique<model::VideoMAEModel>(config, dtypeFromString(dtype), deviceFromString(device));
      return info.Env().Undefined();
    });
  }

 private:
  // Checks closed/busy and marks busy; the returned guard must move into the work.
  std::shared_ptr<BusyRelease> acquire(const char* operation) {
    if (!state_) fail(ErrorCode::Closed, std::string(operation) + ": the model was disposed");
    bool expected = false;
    if (!state_->busy.compare_exchange_strong(expected, true))
      fail(ErrorCode::Busy, std::string(operation) + ": another operation on this model is in flight");
    return std::make_shared<BusyRelease>(state_);
  }

  ModelState& syncState(const char* operation) {
    if (!state_) fail(ErrorCode::Closed, std::string(operation) + ": the model was disposed");
    if (state_->busy) fail(ErrorCode::Busy, std::string(operation) + ": another operation on this model is in flight");
    return *state_;
  }

  template <typename Work>
  Napi::Value async(const Napi::CallbackInfo& info, const char* operation, Work work, std::vector<Napi::Value> keepAlive = {}) {
    return guarded(info.Env(), operation, [&]() -> Napi::Value {
      auto busy = acquire(operation);
      keepAlive.push_back(info.This());
      return runAsync(
          info.Env(), operation,
          [busy, work = std::move(work)]() mutable -> ResultBuilder {
            ResultBuilder result;
            busy->state->executor.run([&] { result = work(*busy->state); });
            // Busy until the promise settles on the JS thread (the builder is dropped there), not
            // until the worker finishes: a call made before the JS side saw the result is refused.
            return [busy = std::move(busy), result = std::move(result)](Napi::Env env) { return result(env); };
          },
          keepAlive);
    });
  }

  Napi::Value initialize(const Napi::CallbackInfo& info) {
    uint64_t seed = info.Length() > 0 && info[0].IsNumber() ? static_cast<uint64_t>(info[0].As<Napi::Number>().Int64Value()) : 42;
    return async(info, "initialize VideoMAE", [seed](ModelState& s) {
      s.model->initialize(seed);
      return resolveUndefined();
    });
  }

  Napi::Value loadCheckpoint(const Napi::CallbackInfo& info) {
    std::string dir = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    Napi::Object options = optionsObject(info, 1);
    model::LoadOptions load;
    load.ignoreMismatchedSizes = boolOption(options, "ignoreMismatchedSizes", false);
    load.seed = static_cast<uint64_t>(numberOption(options, "seed", 42));
    return async(info, ("load checkpoint " + dir).c_str(), [dir, load](ModelState& s) -> ResultBuilder {
      weights::LoadedCheckpoint ckpt = weights::readCheckpointDir(dir);
      model::LoadReport report = model::loadStateDict(*s.model, std::move(ckpt.tensors), load, ckpt.source);
      std::string source = ckpt.source;
      return [report, source](Napi::Env env) -> Napi::Value {
        Napi::Object out = reportToJs(env, report);
        out.Set("source", source);
        return out;
      };
    });
  }

  Napi::Value forward(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "forward", [&]() -> Napi::Value {
      at::Tensor pixels = interop::tensorFromJs(info[0], "pixelValues");
      at::Tensor labels = optionalTensor(info, 1, "labels");
      Napi::Object options = optionsObject(info, 2);
      model::ForwardOptions fo;
      fo.wantHidden = boolOption(options, "outputHiddenStates", false);
      fo.bf16 = boolOption(options, "bf16", false);
      std::vector<Napi::Value> keep{info[0]};
      if (labels.defined()) keep.push_back(info[1]);
      return async(
          info, "forward",
          [pixels, labels, fo](ModelState& s) mutable -> ResultBuilder {
            c10::InferenceMode inference;
            // A pre-training model's second input is bool_masked_pos, as in HF's forward.
            if (s.model->preTraining()) fo.boolMaskedPos = labels;
            model::ForwardOutput out = s.model->forward(pixels, s.model->preTraining() ? at::Tensor() : labels, fo);
            return [out](Napi::Env env) -> Napi::Value {
              Napi::Object result = Napi::Object::New(env);
              result.Set("logits", interop::tensorToJs(env, out.logits.to(at::kCPU).clone()));
              if (out.targets.defined()) result.Set("targets", interop::tensorToJs(env, out.targets.to(at::kCPU).clone()));
              if (out.loss.defined()) result.Set("loss", out.loss.item<double>());
              if (out.lastHiddenState.defined())
                result.Set("lastHiddenState", interop::tensorToJs(env, out.lastHiddenState.to(at::kCPU).clone()));
              if (!out.problemType.empty()) result.Set("problemType", out.problemType);
              return result;
            };
          },
          keep);
    });
  }

  static ResultBuilder stepResult(const optim::TrainStepResult& r, bool withLogits) {
    return [r, withLogits](Napi::Env env) -> Napi::Value {
      Napi::Object result = Napi::Object::New(env);
      result.Set("loss", r.loss);
      if (withLogits) result.Set("logits", interop::tensorToJs(env, r.logits.to(at::kCPU).clone()));
      if (r.gradNorm) result.Set("gradNorm", *r.gradNorm);
      if (!r.problemType.empty()) result.Set("problemType", r.problemType);
      return result;
    };
  }

  Napi::Value forwardBackward(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "forwardBackward", [&]() -> Napi::Value {
      at::Tensor pixels = interop::tensorFromJs(info[0], "pixelValues");
      at::Tensor labels = interop::tensorFromJs(info[1], "labels");
      Napi::Object options = optionsObject(info, 2);
      double scale = numberOption(options, "lossScale", 1.0);
      bool bf16 = boolOption(options, "bf16", false);
      bool sync = boolOption(options, "sync", true);
      return async(info, "forwardBackward",
                   [pixels, labels, scale, bf16, sync](ModelState& s) {
                     optim::GradSync gradSync{s.reducer.get(), sync};
                     return stepResult(optim::forwardBackward(*s.model, pixels, labels, scale, bf16, gradSync), true);
                   },
                   {info[0], info[1]});
    });
  }

  Napi::Value trainStep(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "trainStep", [&]() -> Napi::Value {
      at::Tensor pixels = interop::tensorFromJs(info[0], "pixelValues");
      at::Tensor labels = interop::tensorFromJs(info[1], "labels");
      Napi::Object options = optionsObject(info, 2);
      optim::TrainStepOptions o;
      o.lr = numberOption(options, "lr", 0);
      o.maxGradNorm = numberOption(options, "maxGradNorm", 0);
      o.lossScale = numberOption(options, "lossScale", 1);
      o.step = boolOption(options, "step", true);
      o.bf16 = boolOption(options, "bf16", false);
      o.gradSync.sync = boolOption(options, "sync", true);
      return async(info, "trainStep",
                   [pixels, labels, o](ModelState& s) mutable {
                     o.gradSync.reducer = s.reducer.get();
                     return stepResult(optim::trainStep(*s.model, s.optimizerOrDefault(), pixels, labels, o), false);
                   },
                   {info[0], info[1]});
    });
  }

  std::string nameArg(const Napi::CallbackInfo& info, const char* operation) {
    if (info.Length() < 1 || !info[0].IsString()) fail(ErrorCode::InvalidArg, std::string(operation) + ": name must be a string");
    return info[0].As<Napi::String>().Utf8Value();
  }

  size_t indexArg(ModelState& s, const std::string& name, const char* operation) {
    std::optional<size_t> index = s.model->indexOf(name);
    if (!index) fail(ErrorCode::InvalidArg, std::string(operation) + ": the model has no parameter \"" + name + "\"");
    return *index;
  }

  Napi::Value getGradient(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "getGradient", [&]() -> Napi::Value {
      ModelState& s = syncState("getGradient");
      std::string name = nameArg(info, "getGradient");
      const at::Tensor& grad = s.model->param(indexArg(s, name, "getGradient")).grad();
      if (!grad.defined()) return info.Env().Null();
      return interop::tensorToJs(info.Env(), grad.detach().to(at::kCPU, at::kFloat).clone());
    });
  }

  Napi::Value getParameter(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "getParameter", [&]() -> Napi::Value {
      ModelState& s = syncState("getParameter");
      std::string name = nameArg(info, "getParameter");
      return interop::tensorToJs(info.Env(), s.model->param(indexArg(s, name, "getParameter")).detach().to(at::kCPU, at::kFloat).clone());
    });
  }

  Napi::Value namedParameters(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "namedParameters", [&]() -> Napi::Value {
      ModelState& s = syncState("namedParameters");
      Napi::Array out = Napi::Array::New(info.Env(), s.model->numTensors());
      for (size_t i = 0; i < s.model->numTensors(); ++i) {
        Napi::Object p = Napi::Object::New(info.Env());
        p.Set("name", s.model->name(i));
        p.Set("shape", interop::shapeToJs(info.Env(), s.model->param(i).sizes()));
        p.Set("weightDecay", optim::decays(s.model->kind(i)));
        out.Set(static_cast<uint32_t>(i), p);
      }
      return out;
    });
  }

  Napi::Value zeroGrad(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "zeroGrad", [&]() -> Napi::Value {
      optim::zeroGrad(*syncState("zeroGrad").model);
      return info.Env().Undefined();
    });
  }

  Napi::Value clipGradNorm(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "clipGradNorm", [&]() -> Napi::Value {
      ModelState& s = syncState("clipGradNorm");
      double maxNorm = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
      return Napi::Number::New(info.Env(), optim::clipGradNorm(*s.model, maxNorm));
    });
  }

  Napi::Value createOptimizer(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "createOptimizer", [&]() -> Napi::Value {
      ModelState& s = syncState("createOptimizer");
      s.optimizer = std::make_unique<optim::AdamW>(*s.model, adamwOptionsFromJs(info.Length() > 0 ? info[0] : info.Env().Undefined()));
      return info.Env().Undefined();
    });
  }

  Napi::Value optimizerStep(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "optimizer.step", [&]() -> Napi::Value {
      Napi::Object options = optionsObject(info, 0);
      bool hasLr = !options.Get("lr").IsUndefined();
      double lr = numberOption(options, "lr", 0);
      return async(info, "optimizer.step", [hasLr, lr](ModelState& s) {
        optim::AdamW& opt = s.optimizerOrDefault();
        opt.step(hasLr ? lr : opt.options().lr);
        return resolveUndefined();
      });
    });
  }

  Napi::Value saveOptimizer(const Napi::CallbackInfo& info) {
    std::string path = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    return async(info, ("save optimizer state " + path).c_str(), [path](ModelState& s) {
      s.optimizerOrDefault().save(path);
      return resolveUndefined();
    });
  }

  Napi::Value loadOptimizer(const Napi::CallbackInfo& info) {
    std::string path = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    return async(info, ("load optimizer state " + path).c_str(), [path](ModelState& s) {
      s.optimizerOrDefault().load(path);
      return resolveUndefined();
    });
  }

  Napi::Value setTraining(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "train/eval", [&]() -> Napi::Value {
      syncState("train/eval").model->setTraining(info.Length() > 0 && info[0].ToBoolean().Value());
      return info.Env().Undefined();
    });
  }

  Napi::Value setGradientCheckpointing(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "gradientCheckpointing", [&]() -> Napi::Value {
      syncState("gradientCheckpointing").model->setGradientCheckpointing(info.Length() > 0 && info[0].ToBoolean().Value());
      return info.Env().Undefined();
    });
  }

  Napi::Value to(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "to(device)", [&]() -> Napi::Value {
      std::string text = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
      c10::Device device = deviceFromString(text);
      return async(info, "to(device)", [device](ModelState& s) {
        // The reducer's hooks sit on the current parameter tensors; a move makes new ones.
        if (s.reducer) fail(ErrorCode::InvalidArg, "to(device): detach the process group first (move the model before attaching)");
        s.model->to(device);
        if (s.optimizer) s.optimizer->to(device);
        return resolveUndefined();
      });
    });
  }

  // attachProcessGroup(group, { bucketCapMb, firstBucketCapMb }) → { bytesPerSync, numBuckets }:
  // from now on the backward of trainStep/forwardBackward with sync (the default) averages the
  // gradients over the group's ranks (DDP), the others accumulate locally.
  Napi::Value attachProcessGroup(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "attachProcessGroup", [&]() -> Napi::Value {
      ModelState& s = syncState("attachProcessGroup");
      std::shared_ptr<dist::ProcessGroup> group = processGroupFromJs(info[0]);
      Napi::Object options = optionsObject(info, 1);
      dist::ReducerOptions o;
      o.bucketBytes = static_cast<int64_t>(numberOption(options, "bucketCapMb", 25) * (1 << 20));
      o.firstBucketBytes = static_cast<int64_t>(numberOption(options, "firstBucketCapMb", 1) * (1 << 20));
      if (o.bucketBytes < 1 || o.firstBucketBytes < 1) fail(ErrorCode::InvalidArg, "attachProcessGroup: bucket sizes must be > 0");
      std::vector<at::Tensor> trainable;
      for (size_t i = 0; i < s.model->numTensors(); ++i)
        if (s.model->param(i).requires_grad()) trainable.push_back(s.model->param(i));
      s.reducer.reset();
      s.reducer = std::make_unique<dist::GradReducer>(std::move(trainable), group, o);
      Napi::Object out = Napi::Object::New(info.Env());
      out.Set("bytesPerSync", static_cast<double>(s.reducer->bytesPerSync()));
      out.Set("numBuckets", static_cast<double>(s.reducer->numBuckets()));
      return out;
    });
  }

  Napi::Value detachProcessGroup(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "detachProcessGroup", [&]() -> Napi::Value {
      syncState("detachProcessGroup").reducer.reset();
      return info.Env().Undefined();
    });
  }

  // broadcastParameters(group, root = 0): root's parameter values on every rank (DDP's start).
  Napi::Value broadcastParameters(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "broadcastParameters", [&]() -> Napi::Value {
      std::shared_ptr<dist::ProcessGroup> group = processGroupFromJs(info[0]);
      int root = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 0;
      return async(info, "broadcastParameters",
                   [group, root](ModelState& s) {
                     std::vector<at::Tensor> params;
                     for (size_t i = 0; i < s.model->numTensors(); ++i) params.push_back(s.model->param(i));
                     group->broadcastCoalesced(params, root);
                     s.model->markParametersChanged();
                     return resolveUndefined();
                   },
                   {info[0]});
    });
  }

  Napi::Value saveWeights(const Napi::CallbackInfo& info) {
    std::string path = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    return async(info, ("save weights " + path).c_str(), [path](ModelState& s) {
      weights::writeSafetensors(path, model::stateDict(*s.model), {{"format", "pt"}});
      return resolveUndefined();
    });
  }

  Napi::Value numParameters(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "numParameters", [&]() -> Napi::Value {
      return Napi::Number::New(info.Env(), static_cast<double>(syncState("numParameters").model->numParameters()));
    });
  }

  Napi::Value device(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "device", [&]() -> Napi::Value {
      if (!state_) fail(ErrorCode::Closed, "the model was disposed");  // guarded() prefixes "device: "
      return Napi::String::New(info.Env(), state_->model->device().str());
    });
  }

  Napi::Value dispose(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "dispose", [&]() -> Napi::Value {
      if (!state_) return info.Env().Undefined();
      if (state_->busy) fail(ErrorCode::Busy, "an operation on this model is in flight");  // guarded() prefixes "dispose: "
      state_.reset();
      return info.Env().Undefined();
    });
  }

  std::shared_ptr<ModelState> state_;
};

// Test/tool hook: every tensor of a safetensors file as { name: { data, shape } } (float types as
// float32, integer types as int64 / int32 typed arrays).
Napi::Value readSafetensorsFile(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "readSafetensors", [&]() -> Napi::Value {
    std::string path = info.Length() > 0 && info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
    return runAsync(info.Env(), "read " + path, [path]() -> ResultBuilder {
      weights::NamedTensors tensors = weights::readSafetensors(path);
      return [tensors](Napi::Env env) -> Napi::Value {
        Napi::Object out = Napi::Object::New(env);
        for (const auto& [name, t] : tensors) {
          at::Tensor converted = at::isFloatingType(t.scalar_type()) ? t.to(at::kFloat)
                                 : t.scalar_type() == at::kBool      ? t.to(at::kByte)
                                                                     : t;
          out.Set(name, interop::tensorToJs(env, converted.contiguous()));
        }
        return out;
      };
    });
  });
}

// Bench hook: best-of-`reps` GFLOP/s of an n×n×n matmul in float32 or bfloat16 (the peak the
// model bench compares against), the better of at::mm (MKL/oneDNN as ATen picks) and the model's
// own dense-layer product (model::linear: oneDNN where present). Synchronous: only the bench calls it.
Napi::Value benchMatmul(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "benchMatmul", [&]() -> Napi::Value {
    int64_t n = info.Length() > 0 && info[0].IsNumber() ? info[0].As<Napi::Number>().Int64Value() : 2048;
    bool bf16 = info.Length() > 1 && info[1].ToBoolean().Value();
    int reps = info.Length() > 2 && info[2].IsNumber() ? info[2].As<Napi::Number>().Int32Value() : 5;
    if (n < 1 || n > 16384 || reps < 1) fail(ErrorCode::InvalidArg, "benchMatmul: n in [1, 16384], reps >= 1");
    c10::InferenceMode inference;
    at::Tensor a = at::randn({n, n}).to(bf16 ? at::kBFloat16 : at::kFloat), b = at::randn({n, n}).to(a.scalar_type());
    at::Tensor bT = b.t().contiguous();
    auto best = [&](const std::function<void()>& product) {
      product();
      double seconds = 1e30;
      for (int r = 0; r < reps; ++r) {
        auto t0 = std::chrono::steady_clock::now();
        product();
        seconds = std::min(seconds, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      return seconds;
    };
    double seconds = best([&] { model::linear(a, bT, at::Tensor()); });
    // at::mm in bf16 without bf16 kernels is libtorch's reference GEMM: minutes for one 2048³ product here, never the peak.
    if (!bf16 || model::cpuGemmPlan().bfloat16 == model::Bf16Gemm::OneDnn) seconds = std::min(seconds, best([&] { at::mm(a, b); }));
    return Napi::Number::New(info.Env(), 2.0 * n * n * n / seconds / 1e9);
  });
}

}  // namespace

void initModelModule(Napi::Env env, Napi::Object exports) {
  exports.Set("benchMatmul", Napi::Function::New(env, benchMatmul, "benchMatmul"));
  NativeVideoMAE::define(env, exports);
  exports.Set("readSafetensors", Napi::Function::New(env, readSafetensorsFile, "readSafetensors"));
}

}  // namespace videomae::bindings
