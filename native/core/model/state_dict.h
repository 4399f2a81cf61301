// HF checkpoint ↔ model parameters, with HF's loading report (docs/hf-semantics.md § "Checkpoints: parameter names and loading report"):
// keys are normalised (5.x query.bias/value.bias → q_bias/v_bias, LayerNorm gamma/beta →
// weight/bias, a bare VideoMAEModel's keys get the "videomae." prefix); keys the model lacks are
// unexpected (a VideoMAEForPreTraining's decoder, encoder_to_decoder, mask_token); parameters the
// checkpoint lacks are missing and initialised like HF (seeded). Everything is validated before
// the first parameter is written, so a failed load leaves the model untouched.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/model/videomae.h"
#include "core/weights/named_tensors.h"

namespace videomae::model {

struct MismatchedKey {
  std::string key;
  std::vector<int64_t> checkpointShape;
  std::vector<int64_t> modelShape;
};

struct LoadReport {
  std::vector<std::string> missingKeys;
  std::vector<std::string> unexpectedKeys;
  std::vector<MismatchedKey> mismatchedKeys;
};

struct LoadOptions {
  bool ignoreMismatchedSizes = false;
  uint64_t seed = 42;  // for the parameters the checkpoint does not provide
};

LoadReport loadStateDict(VideoMAEModel& model, weights::NamedTensors tensors, const LoadOptions& options, const std::string& source);

// The parameters under their checkpoint-file names (q_bias/v_bias), detached.
weights::NamedTensors stateDict(VideoMAEModel& model);

}  // namespace videomae::model
