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

// A ResultBuilder for work that produces nothing.
inline ResultBuilder resolveUndefined() {
  return [](Napi::Env env) { return env.Undefined(); };
}

}  // namespace videomae::bindings
