// AdamW over a model's parameters, as torch.optim.AdamW with HF Trainer's two groups: weight
// decay for Linear/Conv3d weights, none for biases (q/v biases included) and LayerNorm
// parameters (docs/hf-semantics.md § "Trainer: AdamW and weight-decay groups"). One fused libtorch kernel per group and step.
// State is created lazily for parameters that have a gradient, like torch. State files are
// safetensors (exp_avg.<name>, exp_avg_sq.<name>, step.<name>) with the hyper-parameters in
// the metadata, so a resumed run continues bit for bit.
#pragma once
#include <ATen/core/Tensor.h>

#include <string>
#include <unordered_map>

#include "core/model/videomae.h"

namespace videomae::optim {

struct AdamWOptions {
  double lr = 1e-3;
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weightDecay = 0.0;
};

bool decays(model::ParamKind kind);

class AdamW {
 public:
  AdamW(model::VideoMAEModel& model, AdamWOptions options);

  // One update with learning rate `lr` for every parameter that has a gradient.
  void step(double lr);
  void save(const std::string& path) const;
  // Validates the whole file against the model before replacing any state.
  void load(const std::string& path);
  const AdamWOptions& options() const { return options_; }
  // After model.to(device): moves the state along.
  void to(c10::Device device);

 private:
  struct State {
    at::Tensor expAvg, expAvgSq, step;
  };
  model::VideoMAEModel& model_;
  AdamWOptions options_;
  std::unordered_map<size_t, State> state_;
};

// torch.nn.utils.clip_grad_norm_: total 2-norm of all gradients; gradients are multiplied by
// min(1, maxNorm / (norm + 1e-6)). Returns the norm before clipping (0 without gradients).
double clipGradNorm(model::VideoMAEModel& model, double maxNorm);

// The total 2-norm without clipping.
double gradNorm(model::VideoMAEModel& model);

}  // namespace videomae::optim
