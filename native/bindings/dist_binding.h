// The JS handle on a dist::ProcessGroup, for other bindings (the model attaches its gradient reducer to one).
#pragma once
#include <napi.h>

#include <memory>

#include "core/distributed/process_group.h"

namespace videomae::bindings {

// A NativeProcessGroup object → its group (ERR_VIDEOMAE_INVALID_ARG otherwise, ERR_VIDEOMAE_CLOSED once destroyed).
std::shared_ptr<dist::ProcessGroup> processGroupFromJs(Napi::Value value);

}  // namespace videomae::bindings
