#include "core/model/loss.h"

#include <ATen/ATen.h>

#include "core/errors.h"

namespace videomae::model {

namespace {

std::string resolveProblemType(const at::Tensor& labels, const ModelConfig& config) {
  if (!config.problemType.empty()) return config.problemType;
  if (config.numLabels == 1) return "regression";
  if (labels.scalar_type() == at::kLong || labels.scalar_type() == at::kInt) return "single_label_classification";
  return "multi_label_classification";
}

at::Tensor crossEntropy(const at::Tensor& logits, const at::Tensor& labels, int64_t numLabels) {
  if (at::isFloatingType(labels.scalar_type())) fail(ErrorCode::InvalidArg, "labels must be integers for single-label classification");
  at::Tensor target = labels.to(at::kLong).reshape({-1});
  if (target.numel() != logits.size(0))
    fail(ErrorCode::InvalidArg,
         "labels has " + std::to_string(target.numel()) + " entries for a batch of " + std::to_string(logits.size(0)));
  at::Tensor valid = target.ne(-100);
  if (((target.lt(0) | target.ge(numLabels)) & valid).any().item<bool>())
    fail(ErrorCode::InvalidArg, "labels must lie in [0, " + std::to_string(numLabels) + ") (or be -100 to ignore)");
  return at::cross_entropy_loss(logits.reshape({-1, numLabels}), target, {}, at::Reduction::Mean, -100);
}

}  // namespace

at::Tensor computeLoss(const at::Tensor& logits, const at::Tensor& labels, const ModelConfig& config, std::string& problemType) {
  if (config.numLabels == 0) fail(ErrorCode::Model, "cannot compute a loss for a model without labels (num_labels = 0)");
  problemType = resolveProblemType(labels, config);
  if (problemType == "single_label_classification") return crossEntropy(logits, labels, config.numLabels);
  at::Tensor target = labels.to(logits.scalar_type());
  if (!at::isfinite(target).all().item<bool>()) fail(ErrorCode::InvalidArg, "labels contain NaN or infinite values");
  if (problemType == "regression") {
    if (target.numel() != logits.numel())
      fail(ErrorCode::InvalidArg,
           "regression labels need " + std::to_string(logits.numel()) + " values, got " + std::to_string(target.numel()));
    return at::mse_loss(logits.squeeze(), target.squeeze());
  }
  if (target.numel() != logits.numel())
    fail(ErrorCode::InvalidArg, "multi-label labels must have shape [batch, " + std::to_string(config.numLabels) + "]");
  return at::binary_cross_entropy_with_logits(logits, target.reshape(logits.sizes()));
}

}  // namespace videomae::model
