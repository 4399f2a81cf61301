// Finding and reading the weights of a HF model folder, in transformers' order of preference:
// model.safetensors, model.safetensors.index.json (shards), pytorch_model.bin,
// pytorch_model.bin.index.json. Shard names must be plain file names inside the folder.
#pragma once
#include <string>

#include "core/weights/named_tensors.h"

namespace videomae::weights {

struct LoadedCheckpoint {
  NamedTensors tensors;
  std::string source;  // the file (or index) that was read
};

LoadedCheckpoint readCheckpointDir(const std::string& dir);

}  // namespace videomae::weights
