// An ordered list of named tensors: what every checkpoint reader returns and the writer takes.
#pragma once
#include <ATen/core/Tensor.h>

#include <string>
#include <utility>
#include <vector>

namespace videomae::weights {

using NamedTensors = std::vector<std::pair<std::string, at::Tensor>>;

}  // namespace videomae::weights
