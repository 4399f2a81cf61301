// Tensors derived from parameters (the fused QKV weight and bias, bfloat16 copies of the GEMM
// weights for autocast) kept across no-grad forwards, so that eval-mode inference concatenates and
// casts each weight once instead of on every call. An entry is rebuilt when the model's parameter
// generation moved (load, initialise, optimizer step, device move: the model bumps it) or when one
// of its source tensors was replaced or modified in place (version counter: the safety net for
// in-place writes that bypass the model; fused optimizer kernels do not bump it, hence the generation).
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <functional>
#include <unordered_map>
#include <vector>

namespace videomae::model {

class DerivedCache {
 public:
  // The cached value for `key`, made by `make` when absent or stale.
  at::Tensor get(uint64_t key, uint64_t generation, const std::vector<at::Tensor>& sources, const std::function<at::Tensor()>& make);
  void clear() { entries_.clear(); }
  bool empty() const { return entries_.empty(); }

 private:
  struct Entry {
    uint64_t generation = 0;
    std::vector<at::Tensor> sources;  // held so that a replaced tensor's address cannot be reused
    std::vector<int64_t> versions;
    at::Tensor value;
  };
  static bool fresh(const Entry& entry, uint64_t generation, const std::vector<at::Tensor>& sources);
  std::unordered_map<uint64_t, Entry> entries_;
};

}  // namespace videomae::model
