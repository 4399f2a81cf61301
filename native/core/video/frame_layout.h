// RGB24 frames (T, H, W, 3) uint8 → float32 (C, T, H, W) or (T, C, H, W), (x - mean[c]) / std[c]
// in float like torchvision's Normalize (values 0..255 unless mean/std rescale them).
#pragma once
#include <array>
#include <cstdint>

namespace videomae::video {

enum class Layout { THWC, CTHW, TCHW };

struct Normalization {
  std::array<float, 3> mean{0.0f, 0.0f, 0.0f};
  std::array<float, 3> std{1.0f, 1.0f, 1.0f};
};

void rgbToFloat(const uint8_t* thwc, int64_t frames, int height, int width, Layout layout, const Normalization& norm, float* out);

}  // namespace videomae::video
