#include "core/weights/checkpoint.h"

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>

#include "core/errors.h"
#include "core/weights/json_mini.h"
#include "core/weights/safetensors.h"
#include "core/weights/torch_bin.h"

namespace videomae::weights {

namespace fs = std::filesystem;

namespace {

NamedTensors readOne(const fs::path& file) {
  return file.extension() == ".safetensors" ? readSafetensors(file.string()) : readTorchBin(file.string());
}

NamedTensors readSharded(const fs::path& index) {
  std::ifstream in(index);
  if (!in) fail(ErrorCode::Io, "cannot open " + index.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  JsonValue root = parseJson(text, index.string());
  const JsonValue* map = root.isObject() ? root.find("weight_map") : nullptr;
  if (!map || !map->isObject()) fail(ErrorCode::Checkpoint, index.string() + ": no \"weight_map\" object");
  std::set<std::string> shards;
  for (const auto& [key, file] : map->object) {
    if (!file.isString() || file.string.empty() || file.string.find('/') != std::string::npos ||
        file.string.find('\\') != std::string::npos || file.string == "..")
      fail(ErrorCode::Checkpoint, index.string() + ": weight_map entry \"" + key + "\" does not name a shard file in the folder");
    shards.insert(file.string);
  }
  NamedTensors all;
  for (const std::string& shard : shards) {
    fs::path file = index.parent_path() / shard;
    if (!fs::exists(file)) fail(ErrorCode::Io, index.string() + ": shard " + shard + " is missing");
    NamedTensors part = readOne(file);
    for (auto& entry : part) all.push_back(std::move(entry));
  }
  return all;
}

}  // namespace

LoadedCheckpoint readCheckpointDir(const std::string& dir) {
  fs::path root(dir);
  if (!fs::is_directory(root)) fail(ErrorCode::Io, "model folder not found: " + dir);
  for (const char* name : {"model.safetensors", "pytorch_model.bin"}) {
    fs::path file = root / name;
    if (fs::exists(file)) return {readOne(file), file.string()};
    fs::path index = root / (std::string(name) + ".index.json");
    if (fs::exists(index)) return {readSharded(index), index.string()};
  }
  fail(ErrorCode::Io, dir + ": no weights found (model.safetensors, model.safetensors.index.json, pytorch_model.bin or its index)");
}

}  // namespace videomae::weights
