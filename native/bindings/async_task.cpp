#include "bindings/async_task.h"

#include "bindings/exceptions.h"

namespace videomae::bindings {

namespace {

class PromiseWorker : public Napi::AsyncWorker {
 public:
  PromiseWorker(Napi::Env env, std::string operation, AsyncWork work, const std::vector<Napi::Value>& keepAlive)
      : Napi::AsyncWorker(env, "videomae"),
        deferred_(Napi::Promise::Deferred::New(env)),
        operation_(std::move(operation)),
        work_(std::move(work)) {
    for (const Napi::Value& value : keepAlive) keepAlive_.push_back(Napi::Persistent(value));
  }

  Napi::Promise promise() const { return deferred_.Promise(); }

  void setFinisher(Finisher finish, std::function<void()> settled) {
    finisher_ = std::move(finish);
    settled_ = std::move(settled);
  }

 protected:
  void Execute() override {
    try {
      builder_ = work_();
    } catch (...) {
      error_ = describeCurrentException(operation_);
      failed_ = true;
    }
    work_ = nullptr;  // release captured C++ state on the worker, not the JS thread
  }

  void OnOK() override {
    // When the environment is being torn down (a worker_thread terminated mid-work) N-API calls
    // fail and throw: there is nobody left to tell, so nothing may escape from here.
    runSettled();
    try {
      settle();
    } catch (...) {}
    builder_ = nullptr;
    finisher_ = nullptr;
  }

  void OnError(const Napi::Error& error) override {
    runSettled();
    try {
      deferred_.Reject(error.Value());
    } catch (...) {}
  }

 private:
  void settle() {
    Napi::Env env = Env();
    Napi::HandleScope scope(env);
    if (failed_) {
      deferred_.Reject(makeJsError(env, error_).Value());
      return;
    }
    try {
      if (finisher_) {
        std::vector<Napi::Value> kept;
        for (const Napi::Reference<Napi::Value>& ref : keepAlive_) kept.push_back(ref.Value());
        deferred_.Resolve(finisher_(env, kept));
        return;
      }
      deferred_.Resolve(builder_ ? builder_(env) : env.Undefined());
    } catch (const Napi::Error& error) {
      deferred_.Reject(error.Value());
    } catch (...) {
      deferred_.Reject(makeJsError(env, describeCurrentException(operation_)).Value());
    }
  }

  void runSettled() {
    if (!settled_) return;
    try {
      settled_();
    } catch (...) {}
    settled_ = nullptr;
  }

  Napi::Promise::Deferred deferred_;
  std::string operation_;
  AsyncWork work_;
  ResultBuilder builder_;
  Finisher finisher_;
  std::function<void()> settled_;
  ErrorInfo error_;
  bool failed_ = false;
  std::vector<Napi::Reference<Napi::Value>> keepAlive_;
};

}  // namespace

Napi::Promise runAsyncFilling(Napi::Env env, std::string operation, std::function<void()> fill, Finisher finish,
                              std::function<void()> settled, const std::vector<Napi::Value>& keepAlive) {
  AsyncWork work = [fill = std::move(fill)]() -> ResultBuilder {
    fill();
    return nullptr;
  };
  auto* worker = new PromiseWorker(env, std::move(operation), std::move(work), keepAlive);
  worker->setFinisher(std::move(finish), std::move(settled));
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

Napi::Promise runAsync(Napi::Env env, std::string operation, AsyncWork work, const std::vector<Napi::Value>& keepAlive) {
  auto* worker = new PromiseWorker(env, std::move(operation), std::move(work), keepAlive);
  Napi::Promise promise = worker->promise();
  worker->Queue();
  return promise;
}

}  // namespace videomae::bindings
