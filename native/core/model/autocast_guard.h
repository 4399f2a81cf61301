// Scoped bfloat16 autocast on the model's device type (CPU or CUDA), like torch.autocast:
// matmul-class ops run in bf16, reductions/norms stay in float32. Restores the previous state
// (autocast is thread-local; the worker thread that runs a forward sets and clears it).
#pragma once
#include <ATen/autocast_mode.h>
#include <c10/core/Device.h>

namespace videomae::model {

class AutocastGuard {
 public:
  AutocastGuard(c10::Device device, bool enabled) : type_(device.type()), enabled_(enabled) {
    if (!enabled_) return;
    previous_ = at::autocast::is_autocast_enabled(type_);
    previousDtype_ = at::autocast::get_autocast_dtype(type_);
    at::autocast::set_autocast_enabled(type_, true);
    at::autocast::set_autocast_dtype(type_, at::kBFloat16);
    at::autocast::increment_nesting();
  }
  ~AutocastGuard() {
    if (!enabled_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    at::autocast::set_autocast_enabled(type_, previous_);
    at::autocast::set_autocast_dtype(type_, previousDtype_);
  }
  AutocastGuard(const AutocastGuard&) = delete;
  AutocastGuard& operator=(const AutocastGuard&) = delete;

 private:
  c10::DeviceType type_;
  bool enabled_;
  bool previous_ = false;
  at::ScalarType previousDtype_ = at::kBFloat16;
};

}  // namespace videomae::model
