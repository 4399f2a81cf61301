// A restricted unpickler for torch.save state dicts (pickle protocol 2, as torch.save writes).
// It understands only the opcodes such files use and only these globals:
// collections.OrderedDict, torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter
// and torch.<Type>Storage. Any other global, opcode or shape of data is ErrorCode::Checkpoint:
// nothing is ever called or imported, so a malicious .bin cannot run code.
// (libtorch's own jit unpickler rejects the OrderedDict BUILD that every HF .bin contains.)
#pragma once
#include <ATen/core/Tensor.h>

#include <functional>
#include <string>

#include "core/weights/named_tensors.h"

namespace videomae::weights {

// Returns the raw bytes of storage `key` ("data/<key>" in the archive) for the given dtype and numel.
using StorageLoader = std::function<at::Tensor(const std::string& key, at::ScalarType dtype, int64_t numel)>;

// Unpickles `data` and returns the {name: tensor} mapping it holds (nested "state_dict"/"model"
// mappings are unwrapped). `what` names the file in errors.
NamedTensors unpickleStateDict(const std::string& data, const StorageLoader& loadStorage, const std::string& what);

}  // namespace videomae::weights
