// Checks on the tensors a checkpoint reader returned, shared by the torch-side fuzz targets.
#pragma once
#include <ATen/ATen.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "core/weights/named_tensors.h"

namespace videomae::fuzz {

// Every tensor is defined and stays inside its storage; the storage bytes are read (ASan checks
// the reads). Views are not materialised: an expanded one may be far larger than its storage.
inline void checkTensors(const char* target, const weights::NamedTensors& tensors) {
  for (const auto& [name, tensor] : tensors) {
    if (!tensor.defined()) {
      std::fprintf(stderr, "%s: tensor \"%s\" is undefined\n", target, name.c_str());
      std::abort();
    }
    if (tensor.numel() == 0) continue;
    int64_t last = tensor.storage_offset();
    for (int64_t k = 0; k < tensor.dim(); ++k) last += (tensor.size(k) - 1) * tensor.stride(k);
    const auto itemsize = static_cast<int64_t>(tensor.element_size());
    if (last < 0 || (last + 1) * itemsize > static_cast<int64_t>(tensor.storage().nbytes())) {
      std::fprintf(stderr, "%s: tensor \"%s\" reaches outside its storage\n", target, name.c_str());
      std::abort();
    }
    volatile uint8_t sink = 0;
    const auto* bytes = static_cast<const uint8_t*>(tensor.storage().data());
    for (size_t i = 0; i < tensor.storage().nbytes(); ++i) sink = sink ^ bytes[i];
    (void)sink;
  }
}

}  // namespace videomae::fuzz
