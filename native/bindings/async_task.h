// Promise-returning native calls that run off the JS thread.
//
// Contract: `work` runs on a libuv worker thread and must not touch N-API; it returns a
// ResultBuilder that runs back on the JS thread to turn its captured C++ results into JS values.
// Any exception from `work` (videomae::Error, c10::Error, std::exception, anything) rejects the
// promise with a VideomaeError whose message starts with `operation`. JS values the work reads
// by pointer (typed-array inputs, the wrapped object) are passed in `keepAlive` and stay
// referenced until the promise settles.
#pragma once
#include <napi.h>

#include <functional>
#include <string>
#include <vector>

namespace videomae::bindings {

using ResultBuilder = std::function<Napi::Value(Napi::Env)>;
using AsyncWork = std::function<ResultBuilder()>;

Napi::Promise runAsync(Napi::Env env, std::string operation, AsyncWork work, const std::vector<Napi::Value>& keepAlive = {});

// For work that fills memory the JS thread allocated beforehand (an output typed array passed in
// `keepAlive`): `fill` runs on the worker; `settled` runs on the JS thread first on either outcome
// (it may only touch C++ state, e.g. clear a busy flag); then, on success, `finish` builds the
// result from the keepAlive values themselves, so no per-object slot holds a call's output.
using Finisher = std::function<Napi::Value(Napi::Env, const std::vector<Napi::Value>& kept)>;
Napi::Promise runAsyncFilling(Napi::Env env, std::string operation, std::function<void()> fill, Finisher finish,
                              std::function<void()> settled, const std::vector<Napi::Value>& keepAlive);

// A ResultBuilder for work that produces nothing.
inline ResultBuilder resolveUndefined() {
  return [](Napi::Env env) { return env.Undefined(); };
}

}  // namespace videomae::bindings
