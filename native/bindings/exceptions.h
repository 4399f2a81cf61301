// Turning any C++ exception into the package's JS error class with a stable `code`.
// describeCurrentException() may run on any thread (it touches no N-API); makeJsError() and
// guarded() run on the JS thread.
#pragma once
#include <napi.h>

#include <string>

namespace videomae::bindings {

struct ErrorInfo {
  std::string code;     // ERR_VIDEOMAE_*
  std::string message;  // "<operation>: <what went wrong>"
};

// Call inside a catch block. `operation` names what was being done ("open video /a/b.mp4").
ErrorInfo describeCurrentException(const std::string& operation);

Napi::Error makeJsError(Napi::Env env, const ErrorInfo& info);

// Runs a synchronous entry point; any C++ exception becomes a thrown VideomaeError.
template <typename Fn>
Napi::Value guarded(Napi::Env env, const std::string& operation, Fn&& fn) {
  try {
    return fn();
  } catch (const Napi::Error&) {
    throw;
  } catch (...) {
    throw makeJsError(env, describeCurrentException(operation));
  }
}

}  // namespace videomae::bindings
