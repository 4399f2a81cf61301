// pytorchvideo's exact arithmetic for clips (reference-semantics §8.3, §8.4), kept apart from
// the decoder so the data loader and tests can use it directly.
#pragma once
#include <cstdint>
#include <vector>

namespace videomae::video {

// ceil((a + b) / (num/den)) computed exactly on the binary values of the doubles a and b, as
// Python does with Fraction(float) arithmetic. Needs finite inputs.
int64_t ceilSecondsToPts(double a, double b, int num, int den);

}  // namespace videomae::video
