// Gradient checkpointing of one encoder layer (torch.utils.checkpoint, reentrant flavour):
// the forward keeps only the layer input; the backward recomputes the layer with grad enabled
// (same autocast state, same dropout RNG state) and back-propagates through it, which
// accumulates the layer's parameter gradients directly.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstddef>

namespace videomae::model {

class VideoMAEModel;

at::Tensor checkpointedLayer(VideoMAEModel& model, size_t layer, const at::Tensor& hidden);

}  // namespace videomae::model
