#include "core/video/frame_layout.h"

namespace videomae::video {

void rgbToFloat(const uint8_t* thwc, int64_t frames, int height, int width, Layout layout, const Normalization& norm, float* out) {
  const int64_t plane = static_cast<int64_t>(height) * width;
  // A 256-entry table per channel: the same float result as (x - mean) / std, without a divide.
  float table[3][256];
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) table[c][v] = (static_cast<float>(v) - norm.mean[c]) / norm.std[c];
  }
  for (int64_t t = 0; t < frames; ++t) {
    const uint8_t* src = thwc + t * plane * 3;
    for (int c = 0; c < 3; ++c) {
      float* dst = layout == Layout::CTHW ? out + (c * frames + t) * plane : out + (t * 3 + c) * plane;
      const float* lut = table[c];
      for (int64_t p = 0; p < plane; ++p) dst[p] = lut[src[p * 3 + c]];
    }
  }
}

}  // namespace videomae::video
