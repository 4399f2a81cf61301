#include "core/model/state_dict.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <set>

#include "core/errors.h"

namespace videomae::model {

namespace {

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::string normaliseKey(std::string key, bool addPrefix) {
  if (addPrefix) key = "videomae." + key;
  if (endsWith(key, ".gamma")) key = key.substr(0, key.size() - 6) + ".weight";
  if (endsWith(key, ".beta")) key = key.substr(0, key.size() - 5) + ".bias";
  static const std::pair<std::string, std::string> renames[] = {{"attention.attention.query.bias", "attention.attention.q_bias"},
                                                                {"attention.attention.value.bias", "attention.attention.v_bias"}};
  for (const auto& [from, to] : renames)
    if (endsWith(key, from)) key = key.substr(0, key.size() - from.size()) + to;
  return key;
}

// A bare VideoMAEModel checkpoint ("embeddings.…", "encoder.…") lacks the base-model prefix.
bool needsPrefix(const weights::NamedTensors& tensors) {
  bool bare = false;
  for (const auto& [key, t] : tensors) {
    if (key.rfind("videomae.", 0) == 0) return false;
    if (key.rfind("embeddings.", 0) == 0 || key.rfind("encoder.", 0) == 0) bare = true;
  }
  return bare;
}

std::string shapeText(at::IntArrayRef shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

}  // namespace

LoadReport loadStateDict(VideoMAEModel& model, weights::NamedTensors tensors, const LoadOptions& options, const std::string& source) {
  LoadReport report;
  bool prefix = needsPrefix(tensors);
  std::vector<std::pair<size_t, at::Tensor>> assignments;
  std::set<size_t> loaded;
  for (auto& [rawKey, tensor] : tensors) {
    std::string key = normaliseKey(rawKey, prefix);
    std::optional<size_t> index = model.indexOf(key);
    if (!index) {
      report.unexpectedKeys.push_back(rawKey);
      continue;
    }
    if (!at::isFloatingType(tensor.scalar_type()))
      fail(ErrorCode::Checkpoint, source + ": tensor \"" + rawKey + "\" has dtype " + c10::toString(tensor.scalar_type()) +
                                      ", expected a floating-point parameter");
    const at::Tensor& param = model.param(*index);
    if (tensor.sizes() != param.sizes()) {
      if (!options.ignoreMismatchedSizes)
        fail(ErrorCode::Checkpoint, source + ": size mismatch for " + key + ": the checkpoint has " + shapeText(tensor.sizes()) +
                                        " but the model needs " + shapeText(param.sizes()) +
                                        " (pass ignoreMismatchedSizes to re-initialise it, e.g. for a different label count)");
      report.mismatchedKeys.push_back({key, tensor.sizes().vec(), param.sizes().vec()});
      continue;
    }
    if (!at::isfinite(tensor).all().item<bool>())
      fail(ErrorCode::Checkpoint, source + ": tensor \"" + rawKey + "\" contains NaN or infinite values");
    if (!loaded.insert(*index).second) fail(ErrorCode::Checkpoint, source + ": parameter " + key + " appears twice");
    assignments.emplace_back(*index, std::move(tensor));
  }
  for (size_t i = 0; i < model.numTensors(); ++i)
    if (!loaded.count(i) && std::none_of(report.mismatchedKeys.begin(), report.mismatchedKeys.end(),
                                         [&](const MismatchedKey& m) { return m.key == model.name(i); }))
      report.missingKeys.push_back(model.name(i));
  // Validated: now write. Parameters not loaded get HF's initialisation.
  model.initialize(options.seed, [&](size_t i) { return !loaded.count(i); });
  at::NoGradGuard noGrad;
  for (auto& [index, tensor] : assignments) model.param(index).copy_(tensor);
  model.markParametersChanged();
  return report;
}

weights::NamedTensors stateDict(VideoMAEModel& model) {
  weights::NamedTensors out;
  for (size_t i = 0; i < model.numTensors(); ++i) out.emplace_back(model.name(i), model.param(i).detach());
  return out;
}

}  // namespace videomae::model
