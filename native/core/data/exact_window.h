// pytorchvideo's clip window in exact form, [index·stride, index·stride + duration) on the binary
// values of the doubles (its samplers add and multiply Fractions): the decoder turns it into frame
// positions without the rounding of the double bounds (video::VideoDecoder::clipIndicesScaled).
#pragma once
#include <cstdint>

namespace videomae::data {

struct ExactWindow {
  int64_t index = 0;
  double stride = 0, duration = 0;
};

}  // namespace videomae::data
