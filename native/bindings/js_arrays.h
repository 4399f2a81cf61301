// Native lists handed to JavaScript as plain arrays (error codes, motion names, CPU features).
#pragma once
#include <napi.h>

#include <string>
#include <vector>

namespace videomae::bindings {

inline Napi::Array stringArray(Napi::Env env, const std::vector<std::string>& items) {
  Napi::Array array = Napi::Array::New(env, items.size());
  for (size_t i = 0; i < items.size(); ++i) array.Set(static_cast<uint32_t>(i), items[i]);
  return array;
}

}  // namespace videomae::bindings
