#include "core/image/pil_resample.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace videomae::image {

namespace {

// 32-bit accumulator: 8 bits of value, 2 bits of headroom for weight sums above 1 / below 0.
constexpr int kPrecisionBits = 32 - 8 - 2;

double triangle(double x) {
  x = std::fabs(x);
  return x < 1.0 ? 1.0 - x : 0.0;
}

// Fixed-point weight, rounded half away from zero as Pillow does.
int32_t toFixed(double w) {
  double scaled = w * static_cast<double>(1 << kPrecisionBits);
  return static_cast<int32_t>(w < 0 ? scaled - 0.5 : scaled + 0.5);
}

// Rounded accumulator → uint8: arithmetic shift (floor), then clamp.
uint8_t clampToByte(int32_t accumulator) {
  int32_t v = accumulator >> kPrecisionBits;
  return static_cast<uint8_t>(std::clamp(v, 0, 255));
}

constexpr int32_t kHalf = 1 << (kPrecisionBits - 1);

// One output pixel: `count` taps of weights `k` over source pixels `step` bytes apart, from `px`.
inline void convolvePixel(const uint8_t* px, int64_t step, const int32_t* k, int count, uint8_t* out) {
  int32_t r = kHalf, g = kHalf, b = kHalf;
  for (int t = 0; t < count; ++t, px += step) {
    r += px[0] * k[t];
    g += px[1] * k[t];
    b += px[2] * k[t];
  }
  out[0] = clampToByte(r);
  out[1] = clampToByte(g);
  out[2] = clampToByte(b);
}

// One separable pass over rows [0, rows) of an interleaved image, along x (horizontal) or y.
void horizontalPass(const ImageView& src, int rowOffset, int rows, const ResampleAxis& axis, uint8_t* dst, int outWidth) {
  for (int y = 0; y < rows; ++y) {
    const uint8_t* line = src.data + static_cast<int64_t>(y + rowOffset) * src.rowStride;
    uint8_t* out = dst + static_cast<int64_t>(y) * outWidth * 3;
    for (int x = 0; x < outWidth; ++x) {
      const int32_t* k = &axis.weights[static_cast<size_t>(x) * axis.taps];
      const uint8_t* px = line + static_cast<int64_t>(axis.first[x]) * src.channels;
      convolvePixel(px, src.channels, k, axis.count[x], out + x * 3);
    }
  }
}

// Rows of packed RGB: accumulate whole rows tap by tap (contiguous, vectorisable); integer sums
// are exact, so the order of the taps does not change the result.
void verticalPassPacked(const ImageView& src, const ResampleAxis& axis, int outHeight, uint8_t* dst) {
  const int rowBytes = src.width * 3;
  std::vector<int32_t> acc(rowBytes);
  for (int y = 0; y < outHeight; ++y) {
    const int32_t* k = &axis.weights[static_cast<size_t>(y) * axis.taps];
    std::fill(acc.begin(), acc.end(), kHalf);
    for (int t = 0; t < axis.count[y]; ++t) {
      const uint8_t* row = src.data + static_cast<int64_t>(axis.first[y] + t) * src.rowStride;
      const int32_t w = k[t];
      for (int i = 0; i < rowBytes; ++i) acc[i] += row[i] * w;
    }
    uint8_t* out = dst + static_cast<int64_t>(y) * rowBytes;
    for (int i = 0; i < rowBytes; ++i) out[i] = clampToByte(acc[i]);
  }
}

void verticalPass(const ImageView& src, const ResampleAxis& axis, int outHeight, uint8_t* dst) {
  if (src.channels == 3) {
    verticalPassPacked(src, axis, outHeight, dst);
    return;
  }
  const int rowBytes = src.width * 3;
  for (int y = 0; y < outHeight; ++y) {
    const int32_t* k = &axis.weights[static_cast<size_t>(y) * axis.taps];
    const uint8_t* first = src.data + static_cast<int64_t>(axis.first[y]) * src.rowStride;
    uint8_t* out = dst + static_cast<int64_t>(y) * rowBytes;
    for (int x = 0; x < src.width; ++x) {
      convolvePixel(first + static_cast<int64_t>(x) * src.channels, src.rowStride, k, axis.count[y], out + x * 3);
    }
  }
}

void copyRgb(const ImageView& src, uint8_t* dst) {
  for (int y = 0; y < src.height; ++y) {
    const uint8_t* line = src.data + static_cast<int64_t>(y) * src.rowStride;
    uint8_t* out = dst + static_cast<int64_t>(y) * src.width * 3;
    if (src.channels == 3) {
      std::memcpy(out, line, static_cast<size_t>(src.width) * 3);
      continue;
    }
    for (int x = 0; x < src.width; ++x) std::memcpy(out + x * 3, line + x * src.channels, 3);
  }
}

}  // namespace

ResampleAxis bilinearAxis(int inSize, int outSize) {
  constexpr double kSupport = 1.0;  // the triangle filter's radius at scale 1
  ResampleAxis axis;
  const double scale = static_cast<double>(inSize) / outSize;
  const double filterScale = std::max(scale, 1.0);  // widen the filter only when shrinking
  const double support = kSupport * filterScale;
  axis.taps = static_cast<int>(std::ceil(support)) * 2 + 1;
  axis.first.resize(outSize);
  axis.count.resize(outSize);
  axis.weights.assign(static_cast<size_t>(outSize) * axis.taps, 0);
  // Pillow multiplies by the reciprocal (not divides): keep that, it changes the last bit.
  const double inverseScale = 1.0 / filterScale;
  std::vector<double> w(axis.taps);
  for (int i = 0; i < outSize; ++i) {
    const double center = (i + 0.5) * scale;
    // Pillow truncates (center ± support + 0.5) toward zero, then clamps to the image.
    int lo = std::max(static_cast<int>(center - support + 0.5), 0);
    int hi = std::min(static_cast<int>(center + support + 0.5), inSize);
    int n = hi - lo;
    double sum = 0.0;
    for (int t = 0; t < n; ++t) {
      w[t] = triangle((t + lo - center + 0.5) * inverseScale);
      sum += w[t];
    }
    for (int t = 0; t < n; ++t) {
      double normalised = sum != 0.0 ? w[t] / sum : w[t];
      axis.weights[static_cast<size_t>(i) * axis.taps + t] = toFixed(normalised);
    }
    axis.first[i] = lo;
    axis.count[i] = n;
  }
  return axis;
}

void resizeBilinearPil(const ImageView& src, int outHeight, int outWidth, uint8_t* dst) {
  const bool needHorizontal = outWidth != src.width;
  const bool needVertical = outHeight != src.height;
  if (!needHorizontal && !needVertical) {
    copyRgb(src, dst);
    return;
  }
  if (!needHorizontal) {
    verticalPass(src, bilinearAxis(src.height, outHeight), outHeight, dst);
    return;
  }
  ResampleAxis horizontal = bilinearAxis(src.width, outWidth);
  if (!needVertical) {
    horizontalPass(src, 0, src.height, horizontal, dst, outWidth);
    return;
  }
  // Like Pillow, resample horizontally only the rows the vertical pass reads (same result,
  // less work when shrinking), then resample that band vertically.
  ResampleAxis vertical = bilinearAxis(src.height, outHeight);
  const int firstRow = vertical.first.front();
  const int lastRow = vertical.first.back() + vertical.count.back();
  std::vector<uint8_t> band(static_cast<size_t>(lastRow - firstRow) * outWidth * 3);
  horizontalPass(src, firstRow, lastRow - firstRow, horizontal, band.data(), outWidth);
  for (int& row : vertical.first) row -= firstRow;
  ImageView bandView{band.data(), lastRow - firstRow, outWidth, 3, static_cast<int64_t>(outWidth) * 3};
  verticalPass(bandView, vertical, outHeight, dst);
}

}  // namespace videomae::image
