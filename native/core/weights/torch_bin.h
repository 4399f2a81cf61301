// pytorch_model.bin (torch.save zip format) through libtorch's own restricted unpickler: it
// knows only tensor-rebuild and container globals, so a .bin can never run arbitrary code.
// Anything that is not a {name: tensor} dict (optionally nested under "state_dict"/"model")
// is ErrorCode::Checkpoint; the legacy non-zip format is reported as such.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/weights/named_tensors.h"

namespace videomae::weights {

NamedTensors readTorchBin(const std::string& path);

// The same over a whole archive held in memory (`what` names it in errors); the fuzz target
// (fuzz/torch_bin_fuzzer.cpp) reads through it, so both share every check.
NamedTensors readTorchBinBuffer(const uint8_t* data, size_t size, const std::string& what);

}  // namespace videomae::weights
