// initProcessGroup(options) → Promise<NativeProcessGroup>; the group's collectives return Promises
// and run on libuv threads (they block until every rank took part). One collective at a time per
// group (ERR_VIDEOMAE_BUSY otherwise): c10d matches collectives across ranks by their order, and
// two in flight from one rank would have none.
#include "bindings/dist_binding.h"

#include <ATen/ATen.h>

#include <atomic>
#include <chrono>

#include "bindings/addon_data.h"
#include "bindings/async_task.h"
#include "bindings/exceptions.h"
#include "bindings/model_options.h"
#include "bindings/modules.h"
#include "core/errors.h"
#include "interop/native_tensor.h"
#include "interop/tensor_interop.h"

namespace videomae::bindings {

namespace {

constexpr const char* kClassName = "NativeProcessGroup";

std::string stringOption(Napi::Object options, const char* name, const std::string& fallback) {
  Napi::Value v = options.Get(name);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : fallback;
}

dist::ReduceOp reduceOpFromString(const std::string& text) {
  if (text == "sum") return dist::ReduceOp::Sum;
  if (text == "avg") return dist::ReduceOp::Avg;
  if (text == "max") return dist::ReduceOp::Max;
  if (text == "min") return dist::ReduceOp::Min;
  fail(ErrorCode::InvalidArg, "allReduce: op must be \"sum\", \"avg\", \"max\" or \"min\", not \"" + text + "\"");
}

struct GroupState {
  std::shared_ptr<dist::ProcessGroup> group;
  std::atomic<bool> busy{false};
};

class NativeProcessGroup : public Napi::ObjectWrap<NativeProcessGroup> {
 public:
  static void define(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(
        env, kClassName,
        {InstanceAccessor<&NativeProcessGroup::rank>("rank"), InstanceAccessor<&NativeProcessGroup::worldSize>("worldSize"),
         InstanceAccessor<&NativeProcessGroup::backend>("backend"), InstanceMethod<&NativeProcessGroup::allReduce>("allReduce"),
         InstanceMethod<&NativeProcessGroup::broadcast>("broadcast"), InstanceMethod<&NativeProcessGroup::allGather>("allGather"),
         InstanceMethod<&NativeProcessGroup::barrier>("barrier"), InstanceMethod<&NativeProcessGroup::destroy>("destroy")});
    registerClass(env, kClassName, ctor);
    exports.Set(kClassName, ctor);
  }

  explicit NativeProcessGroup(const Napi::CallbackInfo& info) : Napi::ObjectWrap<NativeProcessGroup>(info) {}

  static Napi::Object wrap(Napi::Env env, std::shared_ptr<dist::ProcessGroup> group) {
    Napi::Object object = classConstructor(env, kClassName).New({});
    Unwrap(object)->state_->group = std::move(group);
    return object;
  }

  static std::shared_ptr<dist::ProcessGroup> unwrap(Napi::Value value) {
    if (!value.IsObject() || !value.As<Napi::Object>().InstanceOf(classConstructor(value.Env(), kClassName)))
      fail(ErrorCode::InvalidArg, "expected a process group from initProcessGroup()");
    return Unwrap(value.As<Napi::Object>())->live();
  }

 private:
  std::shared_ptr<dist::ProcessGroup> live() const {
    if (!state_->group) fail(ErrorCode::Closed, "the process group was destroyed");
    return state_->group;
  }

  Napi::Value rank(const Napi::CallbackInfo& info) { return Napi::Number::New(info.Env(), state_->group ? state_->group->rank() : -1); }
  Napi::Value worldSize(const Napi::CallbackInfo& info) {
    return Napi::Number::New(info.Env(), state_->group ? state_->group->worldSize() : 0);
  }
  Napi::Value backend(const Napi::CallbackInfo& info) {
    return state_->group ? Napi::String::New(info.Env(), state_->group->backend()) : info.Env().Null();
  }

  // Runs `work` on a libuv thread with the group marked busy until the promise settles.
  Napi::Value collective(const Napi::CallbackInfo& info, const char* what, std::function<ResultBuilder(dist::ProcessGroup&)> work,
                         std::vector<Napi::Value> keepAlive = {}) {
    return guarded(info.Env(), what, [&]() -> Napi::Value {
      std::shared_ptr<dist::ProcessGroup> group = live();
      if (state_->busy.exchange(true)) fail(ErrorCode::Busy, "another collective on this group is in flight");
      keepAlive.push_back(info.This());
      std::shared_ptr<GroupState> state = state_;
      try {
        // "process group: allReduce (rank 0 of 2) failed; …": the core message names the collective.
        return runAsync(
            info.Env(), "process group",
            [group, state, work = std::move(work)]() -> ResultBuilder {
              struct Release {
                std::shared_ptr<GroupState> s;
                ~Release() { s->busy = false; }
              };
              // Built in place: a temporary Release would clear the flag as it dies.
              std::shared_ptr<Release> release(new Release{state});
              ResultBuilder result = work(*group);
              return [release, result = std::move(result)](Napi::Env env) { return result(env); };
            },
            keepAlive);
      } catch (...) {
        state_->busy = false;
        throw;
      }
    });
  }

  // The tensor argument: a NativeTensor (its storage is reduced in place) or { data, shape } over a typed array (the array is).
  static at::Tensor tensorArg(const Napi::CallbackInfo& info, const char* what) {
    if (info.Length() < 1) fail(ErrorCode::InvalidArg, std::string(what) + ": a tensor is required");
    at::Tensor t = interop::tensorFromJs(info[0], what);
    if (t.device().type() != c10::DeviceType::CPU) fail(ErrorCode::Unsupported, "the collectives of lib/distributed take CPU tensors");
    if (!t.is_contiguous()) fail(ErrorCode::InvalidArg, std::string(what) + ": the tensor must be contiguous");
    return t;
  }

  Napi::Value allReduce(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "allReduce", [&]() -> Napi::Value {
      at::Tensor t = tensorArg(info, "allReduce");
      dist::ReduceOp op = reduceOpFromString(info.Length() > 1 && info[1].IsString() ? info[1].As<Napi::String>().Utf8Value() : "sum");
      return collective(info, "allReduce",
                        [t, op](dist::ProcessGroup& g) mutable {
                          g.allReduce(t, op);
                          return resolveUndefined();
                        },
                        {info[0]});
    });
  }

  Napi::Value broadcast(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "broadcast", [&]() -> Napi::Value {
      at::Tensor t = tensorArg(info, "broadcast");
      if (info.Length() < 2 || !info[1].IsNumber()) fail(ErrorCode::InvalidArg, "broadcast: root must be a rank number");
      int root = info[1].As<Napi::Number>().Int32Value();
      return collective(info, "broadcast",
                        [t, root](dist::ProcessGroup& g) mutable {
                          g.broadcast(t, root);
                          return resolveUndefined();
                        },
                        {info[0]});
    });
  }

  Napi::Value allGather(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "allGather", [&]() -> Napi::Value {
      at::Tensor t = tensorArg(info, "allGather").clone();  // the inputs need not stay alive
      return collective(info, "allGather", [t](dist::ProcessGroup& g) -> ResultBuilder {
        std::vector<at::Tensor> parts = g.allGather(t);
        return [parts](Napi::Env env) -> Napi::Value {
          Napi::Array out = Napi::Array::New(env, parts.size());
          for (size_t i = 0; i < parts.size(); ++i) out.Set(static_cast<uint32_t>(i), interop::NativeTensor::wrap(env, parts[i]));
          return out;
        };
      });
    });
  }

  Napi::Value barrier(const Napi::CallbackInfo& info) {
    return collective(info, "barrier", [](dist::ProcessGroup& g) {
      g.barrier();
      return resolveUndefined();
    });
  }

  // Leaves the group: the peers see closed connections. A collective in flight keeps the group
  // alive until it returns (it holds its own reference).
  Napi::Value destroy(const Napi::CallbackInfo& info) {
    state_->group.reset();
    return info.Env().Undefined();
  }

  std::shared_ptr<GroupState> state_ = std::make_shared<GroupState>();
};

// initProcessGroup({ masterAddr, masterPort, rank, worldSize, timeoutMs, backend }) → Promise<NativeProcessGroup>
Napi::Value initProcessGroup(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "initProcessGroup", [&]() -> Napi::Value {
    Napi::Object options = optionsObject(info, 0);
    dist::GroupOptions o;
    o.masterAddr = stringOption(options, "masterAddr", o.masterAddr);
    o.masterPort = static_cast<int>(numberOption(options, "masterPort", o.masterPort));
    o.rank = static_cast<int>(numberOption(options, "rank", 0));
    o.worldSize = static_cast<int>(numberOption(options, "worldSize", 1));
    o.timeout = std::chrono::milliseconds(static_cast<int64_t>(numberOption(options, "timeoutMs", 1800000)));
    o.backend = stringOption(options, "backend", "gloo");
    return runAsync(info.Env(), "initProcessGroup", [o]() -> ResultBuilder {
      auto group = std::make_shared<dist::ProcessGroup>(o);
      return [group](Napi::Env env) -> Napi::Value { return NativeProcessGroup::wrap(env, group); };
    });
  });
}

Napi::Value distributedInfo(const Napi::CallbackInfo& info) {
  Napi::Object out = Napi::Object::New(info.Env());
  Napi::Array backends = Napi::Array::New(info.Env());
#ifdef VIDEOMAE_WITH_GLOO
  backends.Set(backends.Length(), "gloo");
#endif
#ifdef VIDEOMAE_WITH_NCCL
  backends.Set(backends.Length(), "nccl");
#endif
  out.Set("backends", backends);
  return out;
}

}  // namespace

void initDistModule(Napi::Env env, Napi::Object exports) {
  NativeProcessGroup::define(env, exports);
  exports.Set("initProcessGroup", Napi::Function::New(env, initProcessGroup, "initProcessGroup"));
  exports.Set("distributedInfo", Napi::Function::New(env, distributedInfo, "distributedInfo"));
}

std::shared_ptr<dist::ProcessGroup> processGroupFromJs(Napi::Value value) { return NativeProcessGroup::unwrap(value); }

}  // namespace videomae::bindings
