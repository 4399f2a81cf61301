// libFuzzer target: the safetensors reader (native/core/weights/safetensors.cpp), through
// readSafetensorsBuffer, which shares every check with the file reader (readSafetensors).
// Beside memory errors: the reader must never hand out a tensor whose bytes do not fit its
// dtype × shape, and must return tensors only for inputs it fully validated.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <string>
#include <utility>
#include <vector>

#include "core/weights/json_mini.h"
#include "core/weights/safetensors.h"
#include "fuzz_common.h"

using videomae::weights::JsonValue;

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  at::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  videomae::fuzz::expectCleanErrors("safetensors_fuzzer", [&] {
    videomae::weights::NamedTensors tensors = videomae::weights::readSafetensorsBuffer(data, size, "fuzz input");
    uint64_t total = 0;
    for (const auto& [name, tensor] : tensors) {
      if (!tensor.defined() || !tensor.is_contiguous()) {
        std::fprintf(stderr, "safetensors_fuzzer: tensor \"%s\" is undefined or not contiguous\n", name.c_str());
        std::abort();
      }
      total += tensor.nbytes();
      // Touch every byte (ASan checks the reads): a tensor larger than its allocation shows here.
      volatile uint8_t sink = 0;
      const auto* bytes = static_cast<const uint8_t*>(tensor.const_data_ptr());
      for (size_t k = 0; k < tensor.nbytes(); ++k) sink = sink ^ bytes[k];
      (void)sink;
    }
    // An accepted file: its (non-empty) data ranges must be pairwise disjoint, checked here the
    // slow, obvious way against the reader's sort-and-compare-neighbours check.
    uint64_t headerBytes = 0;
    for (int i = 7; i >= 0; --i) headerBytes = (headerBytes << 8) | data[i];
    if (total > size - 8 - headerBytes) {
      std::fprintf(stderr, "safetensors_fuzzer: %llu tensor bytes out of a %zu-byte input\n", static_cast<unsigned long long>(total), size);
      std::abort();
    }
    const std::string header(reinterpret_cast<const char*>(data) + 8, headerBytes);
    const JsonValue root = videomae::weights::parseJson(header, "fuzz input header");
    std::vector<std::pair<double, double>> ranges;
    for (const auto& [name, info] : root.object) {
      if (name == "__metadata__") continue;
      const JsonValue* offsets = info.find("data_offsets");
      ranges.emplace_back(offsets->array[0].number, offsets->array[1].number);
    }
    for (size_t i = 0; i < ranges.size(); ++i)
      for (size_t j = i + 1; j < ranges.size(); ++j) {
        const auto& [a0, a1] = ranges[i];
        const auto& [b0, b1] = ranges[j];
        if (a0 < a1 && b0 < b1 && a0 < b1 && b0 < a1) {
          std::fprintf(stderr, "safetensors_fuzzer: overlapping data ranges [%.0f, %.0f) and [%.0f, %.0f) were accepted\n", a0, a1, b0, b1);
          std::abort();
        }
      }
  });
  return 0;
}
