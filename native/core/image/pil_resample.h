// PIL-exact antialiased resampling of 8-bit images (what `Image.resize(size, BILINEAR)` does).
//
// Pillow resizes in two separable passes, horizontal first, each rounding back to uint8. The
// filter is a triangle whose support grows with the reduction factor (antialiasing when
// downscaling); weights are normalised per output pixel in double, then turned into fixed-point
// integers with 22 fractional bits; each output is the rounded, clamped fixed-point sum. Matching
// those integer steps is what makes our output byte-identical to PIL's (reimplemented from the
// behaviour of Pillow's src/libImaging/Resample.c; no code copied).
//
// Pure C++: no torch, no N-API. Thread-safe (no shared state).
#pragma once
#include <cstdint>
#include <vector>

namespace videomae::image {

// Per-output-pixel taps along one axis: input index `first[i]`, `count[i]` taps, fixed-point
// weights at `weights[i * taps ...]`.
struct ResampleAxis {
  int taps = 0;
  std::vector<int> first;
  std::vector<int> count;
  std::vector<int32_t> weights;
};

// Taps for resizing `inSize` samples to `outSize` with PIL's bilinear (triangle) filter.
ResampleAxis bilinearAxis(int inSize, int outSize);

// An interleaved 8-bit image view: `channels` bytes per pixel, rows `rowStride` bytes apart.
struct ImageView {
  const uint8_t* data;
  int height;
  int width;
  int channels;
  int64_t rowStride;
};

// Resizes the first 3 channels of `src` to outHeight x outWidth RGB (packed HWC) into `dst`,
// exactly as PIL's BILINEAR resize of an RGB image. Extra channels (alpha) are ignored.
void resizeBilinearPil(const ImageView& src, int outHeight, int outWidth, uint8_t* dst);

}  // namespace videomae::image
