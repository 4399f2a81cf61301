// JS option objects → plain C++ structs for the model binding (JS thread only).
#pragma once
#include <napi.h>

#include <c10/core/Device.h>
#include <c10/core/ScalarType.h>

#include <string>

#include "core/model/config.h"
#include "core/optim/adamw.h"

namespace videomae::bindings {

model::ModelConfig modelConfigFromJs(Napi::Value value);
// 'auto' | 'cpu' | 'cuda' | 'cuda:N' → a device; CUDA where there is none → ErrorCode::Device.
c10::Device deviceFromString(const std::string& text);
at::ScalarType dtypeFromString(const std::string& text);
optim::AdamWOptions adamwOptionsFromJs(Napi::Value value);

double numberOption(Napi::Object options, const char* name, double fallback);
bool boolOption(Napi::Object options, const char* name, bool fallback);
Napi::Object optionsObject(const Napi::CallbackInfo& info, size_t index);

}  // namespace videomae::bindings
