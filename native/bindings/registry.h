// Self-registration of binding modules: each bindings/*.cpp adds its init function with
// VIDEOMAE_REGISTER_MODULE, so adding a feature never edits addon.cpp. All objects are linked
// straight into the .node (no static archive), so the registrars always run.
#pragma once
#include <napi.h>

#include <utility>
#include <vector>

namespace videomae::bindings {

using ModuleInit = void (*)(Napi::Env env, Napi::Object exports);

std::vector<std::pair<const char*, ModuleInit>>& registeredModules();

struct ModuleRegistrar {
  ModuleRegistrar(const char* name, ModuleInit init) { registeredModules().emplace_back(name, init); }
};

}  // namespace videomae::bindings

#define VIDEOMAE_REGISTER_MODULE(name, initFn) static ::videomae::bindings::ModuleRegistrar videomaeRegistrar_##name(#name, initFn)
