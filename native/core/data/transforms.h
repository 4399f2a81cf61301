// Executes a transform chain (transform_spec.h) on one clip with ATen. Input: float32 (C,T,H,W)
// with values 0..255, as pytorchvideo hands to the guide's transforms; output: (C,T,H',W').
// Random transforms draw from `generator` in pytorchvideo/torchvision's order (short side, crop
// i then j, flip), so one seeded generator per sample makes a sample reproducible whatever thread
// runs it. Any thread; no N-API.
#pragma once
#include <ATen/core/Generator.h>
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

#include "core/data/transform_spec.h"

namespace videomae::data {

at::Tensor applyTransform(const at::Tensor& cthw, const TransformSpec& spec, at::Generator& generator);
at::Tensor applyTransforms(at::Tensor cthw, const std::vector<TransformSpec>& chain, at::Generator& generator);

// A CPU generator seeded from (seed, epoch, sample): the per-sample stream of random transforms.
at::Generator sampleGenerator(uint64_t seed, uint64_t epoch, uint64_t sample);
uint64_t mixSeed(uint64_t seed, uint64_t epoch, uint64_t sample);

// Throws InvalidArg if a spec's parameters are out of range (called when a chain is parsed).
void validateTransform(const TransformSpec& spec);

}  // namespace videomae::data
