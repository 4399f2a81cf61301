// The training primitives the trainer calls once per micro-batch, so that a whole step costs
// one crossing of the JS/native boundary: forward + backward with the loss scaled by
// `lossScale` (1/gradient_accumulation_steps), and on the last micro-batch clip + AdamW + zero.
#pragma once
#include <ATen/core/Tensor.h>

#include <optional>
#include <string>

#include "core/distributed/grad_reducer.h"
#include "core/model/videomae.h"
#include "core/optim/adamw.h"

namespace videomae::optim {

// Data-parallel training: with a reducer, `sync` says whether this backward all-reduces the
// gradients (the last micro-batch of an update) or only accumulates them locally (DDP's no_sync).
struct GradSync {
  dist::GradReducer* reducer = nullptr;
  bool sync = true;
};

struct TrainStepOptions {
  double lr = 0;
  double maxGradNorm = 0;  // <= 0: no clipping
  double lossScale = 1;
  bool step = true;
  bool bf16 = false;
  GradSync gradSync;
};

struct TrainStepResult {
  double loss = 0;                 // unscaled
  std::optional<double> gradNorm;  // before clipping, when clipped
  std::string problemType;
  at::Tensor logits;
};

// Forward in the model's current mode, backward of loss × lossScale (gradients accumulate).
// For a pre-training model `labels` is bool_masked_pos (B, N).
TrainStepResult forwardBackward(model::VideoMAEModel& model, const at::Tensor& pixels, const at::Tensor& labels, double lossScale,
                                bool bf16, const GradSync& gradSync = {});

// Forward in train mode + backward; when options.step: clip, AdamW step, zero gradients.
TrainStepResult trainStep(model::VideoMAEModel& model, AdamW& optimizer, const at::Tensor& pixels, const at::Tensor& labels,
                          const TrainStepOptions& options);

// Gradients set to none (torch's zero_grad(set_to_none=True)).
void zeroGrad(model::VideoMAEModel& model);

}  // namespace videomae::optim
