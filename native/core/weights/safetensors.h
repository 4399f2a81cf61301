// The safetensors format (8-byte little-endian header length, JSON header, raw data), read and
// written here without the safetensors library. The reader validates everything before it
// allocates: a truncated file, a header longer than the file (or than kMaxHeaderBytes), offsets
// outside the data section or overlapping, a byte length that does not match dtype × shape →
// ErrorCode::Checkpoint naming the file and the tensor. Nothing partial is returned on error.
#pragma once
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>

#include "core/weights/named_tensors.h"

namespace videomae::weights {

constexpr uint64_t kMaxHeaderBytes = 100ull << 20;

NamedTensors readSafetensors(const std::string& path);

// The same reader over a whole file held in memory (`what` names it in errors); the fuzz target
// (fuzz/safetensors_fuzzer.cpp) reads through it, so both share every check.
NamedTensors readSafetensorsBuffer(const uint8_t* data, size_t size, const std::string& what);

// Writes atomically (a temporary file renamed into place). Tensors are written contiguous from
// CPU in their own dtype; `metadata` becomes "__metadata__" (HF writes {"format": "pt"}).
void writeSafetensors(const std::string& path, const NamedTensors& tensors, const std::map<std::string, std::string>& metadata);

}  // namespace videomae::weights
