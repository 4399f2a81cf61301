#include "core/optim/train_step.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>
#include <c10/util/Exception.h>

#include <string>

#include "core/errors.h"

namespace videomae::optim {

TrainStepResult forwardBackward(model::VideoMAEModel& model, const at::Tensor& pixels, const at::Tensor& labels, double lossScale,
                                bool bf16, const GradSync& gradSync) {
  if (!labels.defined())
    fail(ErrorCode::InvalidArg,
         model.preTraining() ? "boolMaskedPos is required for a pre-training step" : "labels are required for a training step");
  if (!(lossScale > 0)) fail(ErrorCode::InvalidArg, "lossScale must be > 0");
  at::AutoGradMode enableGrad(true);
  if (gradSync.reducer) gradSync.reducer->beforeForward();
  model::ForwardOptions options;
  options.bf16 = bf16;
  // A pre-training model's second input is bool_masked_pos (as in HF's VideoMAEForPreTraining.forward); its targets come from the pixels.
  if (model.preTraining()) options.boolMaskedPos = labels;
  model::ForwardOutput out = model.forward(pixels, model.preTraining() ? at::Tensor() : labels, options);
  at::Tensor loss = out.loss;
  if (gradSync.reducer && gradSync.sync) gradSync.reducer->prepareForBackward();
  try {
    (lossScale == 1.0 ? loss : loss * lossScale).backward();
  } catch (const c10::DistError& e) {
    // A bucket's all-reduce failed inside backward: a peer exited or timed out.
    fail(ErrorCode::Distributed,
         std::string("gradient all-reduce failed; another rank probably exited or timed out: ") + e.what_without_backtrace());
  }
  TrainStepResult result;
  result.loss = loss.item<double>();
  result.problemType = out.problemType;
  result.logits = out.logits.detach();
  return result;
}

TrainStepResult trainStep(model::VideoMAEModel& model, AdamW& optimizer, const at::Tensor& pixels, const at::Tensor& labels,
                          const TrainStepOptions& options) {
  bool wasTraining = model.training();
  model.setTraining(true);
  TrainStepResult result;
  try {
    result = forwardBackward(model, pixels, labels, options.lossScale, options.bf16, options.gradSync);
  } catch (...) {
    model.setTraining(wasTraining);
    throw;
  }
  model.setTraining(wasTraining);
  if (!options.step) return result;
  if (options.maxGradNorm > 0) result.gradNorm = clipGradNorm(model, options.maxGradNorm);
  optimizer.step(options.lr);
  zeroGrad(model);
  return result;
}

void zeroGrad(model::VideoMAEModel& model) {
  for (size_t i = 0; i < model.numTensors(); ++i)
    if (model.param(i).grad().defined()) model.param(i).mutable_grad() = at::Tensor();
}

}  // namespace videomae::optim
