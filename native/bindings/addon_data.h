// Per-environment state (main thread, each worker_thread, each Electron context): the JS error
// class and the constructors of ObjectWrap classes. Kept in N-API instance data, freed by the
// environment's teardown: this is what makes the addon context-aware.
#pragma once
#include <napi.h>

#include <string>
#include <unordered_map>

namespace videomae::bindings {

struct AddonData {
  Napi::FunctionReference errorClass;  // VideomaeError from lib/errors, set by setErrorClass()
  std::unordered_map<std::string, Napi::FunctionReference> classes;
};

AddonData& addonData(Napi::Env env);

// Stores a class constructor so that native code can create instances (e.g. NativeTensor).
void registerClass(Napi::Env env, const std::string& name, Napi::Function constructor);
Napi::Function classConstructor(Napi::Env env, const std::string& name);

}  // namespace videomae::bindings
