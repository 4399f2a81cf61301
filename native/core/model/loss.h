// HF's loss rules (docs/hf-semantics.md § "Model: loss and problem_type"): problem_type from the config, or decided once
// from num_labels and the label dtype: regression (MSE), single_label_classification
// (cross-entropy, mean, ignore_index -100), multi_label_classification (BCE with logits).
#pragma once
#include <ATen/core/Tensor.h>

#include <string>

#include "core/model/config.h"

namespace videomae::model {

// `problemType` receives the type that was used. Labels are validated (count, class range).
at::Tensor computeLoss(const at::Tensor& logits, const at::Tensor& labels, const ModelConfig& config, std::string& problemType);

}  // namespace videomae::model
