// Addon entry point: sets up per-environment data, then lets each binding module of kModules add
// its exports. Node-API only, so the same binary loads in the main thread, in any number of
// worker_threads and in Electron, and is torn down per environment.
#include <napi.h>

#include "bindings/addon_data.h"
#include "bindings/js_arrays.h"
#include "bindings/modules.h"
#include "core/errors.h"

namespace videomae::bindings {

AddonData& addonData(Napi::Env env) {
  AddonData* data = env.GetInstanceData<AddonData>();
  if (data == nullptr) {
    data = new AddonData();
    env.SetInstanceData<AddonData>(data);  // deleted by the environment's teardown
  }
  return *data;
}

void registerClass(Napi::Env env, const std::string& name, Napi::Function constructor) {
  addonData(env).classes[name] = Napi::Persistent(constructor);
}

Napi::Function classConstructor(Napi::Env env, const std::string& name) {
  auto& classes = addonData(env).classes;
  auto found = classes.find(name);
  if (found == classes.end()) throw Napi::Error::New(env, "videomae: native class not registered: " + name);
  return found->second.Value();
}

namespace {

using ModuleInit = void (*)(Napi::Env env, Napi::Object exports);

// Every binding module, listed here rather than self-registered, so that this file says what the addon exports.
constexpr ModuleInit kModules[] = {
    interop::initTensorModule, initInfoModule, initDiagnosticsModule, initVideoReaderModule, initVideoClipModule,
    initImageModule,           initDataModule, initModelModule,       initDistModule,        initSynthModule};

// lib/errors hands its VideomaeError class over at load, so native failures arrive as that class.
Napi::Value setErrorClass(const Napi::CallbackInfo& info) {
  if (!info[0].IsFunction()) throw Napi::TypeError::New(info.Env(), "setErrorClass expects a constructor");
  addonData(info.Env()).errorClass = Napi::Persistent(info[0].As<Napi::Function>());
  return info.Env().Undefined();
}

}  // namespace

Napi::Object init(Napi::Env env, Napi::Object exports) {
  addonData(env);
  exports.Set("setErrorClass", Napi::Function::New(env, setErrorClass, "setErrorClass"));
  // The package version this binary was built from: lib/native refuses an addon of another version.
  exports.Set("packageVersion", Napi::String::New(env, VIDEOMAE_PACKAGE_VERSION));
  // The error codes native code can raise (lib/errors.ts must know each one).
  exports.Set("errorCodes", stringArray(env, allErrorCodeNames()));
  for (ModuleInit initModule : kModules) initModule(env, exports);
  return exports;
}

}  // namespace videomae::bindings

static Napi::Object initVideomae(Napi::Env env, Napi::Object exports) { return videomae::bindings::init(env, exports); }

NODE_API_MODULE(videomae, initVideomae)
