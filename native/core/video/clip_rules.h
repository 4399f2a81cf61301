// pytorchvideo's exact arithmetic for clips (docs/hf-semantics.md § "pytorchvideo: clip window to frames" and
// § "UniformTemporalSubsample"), kept apart from
// the decoder so the data loader and tests can use it directly.
#pragma once
#include <cstdint>
#include <vector>

namespace videomae::video {

// ceil((a + b) / (num/den)) computed exactly on the binary values of the doubles a and b, as
// Python does with Fraction(float) arithmetic. Needs finite inputs.
int64_t ceilSecondsToPts(double a, double b, int num, int den);

// ceil((k·a + b) / (num/den)), exactly as above: the bound of pytorchvideo's window
// [k·stride, k·stride + duration) in Fraction arithmetic (uniform clip k: a = stride; random: k = 1).
int64_t ceilScaledSecondsToPts(int64_t k, double a, double b, int num, int den);

}  // namespace videomae::video
