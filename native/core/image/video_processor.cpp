#include "core/image/video_processor.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <algorithm>
#include <string>

#include "core/errors.h"
#include "core/image/pil_resample.h"

namespace videomae::image {

namespace {

void checkFrames(const at::Tensor& frames, const char* what) {
  if (frames.dim() != 4 || frames.scalar_type() != at::kByte)
    fail(ErrorCode::InvalidArg, std::string(what) + ": frames must be a (T, H, W, C) uint8 tensor");
  int64_t channels = frames.size(3);
  if (channels != 3 && channels != 4)
    fail(ErrorCode::InvalidArg, std::string(what) + ": frames must have 3 (RGB) or 4 (RGBA) channels, got " + std::to_string(channels));
  if (frames.size(1) < 1 || frames.size(2) < 1) fail(ErrorCode::InvalidArg, std::string(what) + ": frames are empty");
  if (!frames.device().is_cpu()) fail(ErrorCode::InvalidArg, std::string(what) + ": frames must be in CPU memory");
}

ImageView frameView(const at::Tensor& frame) {
  return ImageView{frame.data_ptr<uint8_t>(), static_cast<int>(frame.size(0)), static_cast<int>(frame.size(1)),
                   static_cast<int>(frame.size(2)), frame.stride(0)};
}

// Per-channel value map for every uint8 input: HF computes float32(double(v) · factor), then
// (x − mean) / std in float32. A 256-entry table per channel reproduces that bit for bit.
std::array<std::array<float, 256>, 3> valueTables(const ProcessOptions& o) {
  std::array<std::array<float, 256>, 3> tables{};
  for (int c = 0; c < 3; ++c) {
    for (int v = 0; v < 256; ++v) {
      float x = o.doRescale ? static_cast<float>(static_cast<double>(v) * o.rescaleFactor) : static_cast<float>(v);
      if (o.doNormalize) x = (x - o.mean[c]) / o.std[c];
      tables[c][v] = x;
    }
  }
  return tables;
}

// One crop of one RGB frame (packed HWC) into planar (3, ch, cw) output; zero outside the frame
// (HF pads with 0 before rescaling, so padding takes the table's value for 0).
void cropToPlanes(const uint8_t* rgb, int height, int width, const CropBox& box, const ProcessOptions& o,
                  const std::array<std::array<float, 256>, 3>& tables, float* out) {
  const int64_t plane = static_cast<int64_t>(o.cropHeight) * o.cropWidth;
  const float* t0 = tables[0].data();
  const float* t1 = tables[1].data();
  const float* t2 = tables[2].data();
  // Columns [x0, x1) of the crop lie inside the frame; the same for every row.
  const int x0 = std::clamp(-box.left, 0, o.cropWidth);
  const int x1 = std::clamp(width - box.left, x0, o.cropWidth);
  for (int y = 0; y < o.cropHeight; ++y) {
    float* r = out + static_cast<int64_t>(y) * o.cropWidth;
    float* g = r + plane;
    float* b = g + plane;
    const int sy = y + box.top;
    const bool rowInside = sy >= 0 && sy < height;
    const int begin = rowInside ? x0 : o.cropWidth;
    const int end = rowInside ? x1 : o.cropWidth;
    for (int x = 0; x < begin; ++x) r[x] = t0[0], g[x] = t1[0], b[x] = t2[0];
    const uint8_t* px = rowInside ? rgb + (static_cast<int64_t>(sy) * width + begin + box.left) * 3 : rgb;
    for (int x = begin; x < end; ++x, px += 3) {
      r[x] = t0[px[0]];
      g[x] = t1[px[1]];
      b[x] = t2[px[2]];
    }
    for (int x = end; x < o.cropWidth; ++x) r[x] = t0[0], g[x] = t1[0], b[x] = t2[0];
  }
}

}  // namespace

std::array<int, 2> shortestEdgeSize(int height, int width, int shortestEdge) {
  const bool portrait = width <= height;
  const int shortSide = portrait ? width : height;
  const int longSide = portrait ? height : width;
  // HF: int(s * long / short) — true division in double, truncated.
  const int newLong = static_cast<int>(static_cast<double>(static_cast<int64_t>(shortestEdge) * longSide) / shortSide);
  return portrait ? std::array<int, 2>{newLong, shortestEdge} : std::array<int, 2>{shortestEdge, newLong};
}

at::Tensor resizeFrames(const at::Tensor& frames, int outHeight, int outWidth) {
  checkFrames(frames, "resizeFrames");
  if (outHeight < 1 || outWidth < 1) fail(ErrorCode::InvalidArg, "resizeFrames: the output size must be positive");
  at::Tensor input = frames.stride(3) == 1 && frames.stride(2) == frames.size(3) ? frames : frames.contiguous();
  const int64_t count = input.size(0);
  at::Tensor out = at::empty({count, outHeight, outWidth, 3}, at::kByte);
  at::parallel_for(0, count, 1, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; ++t) resizeBilinearPil(frameView(input[t]), outHeight, outWidth, out[t].data_ptr<uint8_t>());
  });
  return out;
}

at::Tensor processFrames(const at::Tensor& frames, const ProcessOptions& o) {
  checkFrames(frames, "preprocessVideo");
  if (o.crops.empty()) fail(ErrorCode::InvalidArg, "preprocessVideo: at least one crop box is needed");
  if (o.cropHeight < 1 || o.cropWidth < 1 || (o.doResize && o.shortestEdge < 1))
    fail(ErrorCode::InvalidArg, "preprocessVideo: sizes must be positive");
  at::Tensor input = frames.stride(3) == 1 && frames.stride(2) == frames.size(3) ? frames : frames.contiguous();
  const int64_t count = input.size(0);
  const int inH = static_cast<int>(input.size(1)), inW = static_cast<int>(input.size(2));
  const auto size = o.doResize ? shortestEdgeSize(inH, inW, o.shortestEdge) : std::array<int, 2>{inH, inW};
  const auto tables = valueTables(o);
  const int64_t views = static_cast<int64_t>(o.crops.size());
  at::Tensor out = at::empty({views, count, 3, o.cropHeight, o.cropWidth}, at::kFloat);
  const int64_t frameFloats = 3LL * o.cropHeight * o.cropWidth;
  float* base = out.data_ptr<float>();
  at::parallel_for(0, count, 1, [&](int64_t begin, int64_t end) {
    std::vector<uint8_t> rgb(static_cast<size_t>(size[0]) * size[1] * 3);
    for (int64_t t = begin; t < end; ++t) {
      resizeBilinearPil(frameView(input[t]), size[0], size[1], rgb.data());  // a plain copy when no resize
      for (int64_t v = 0; v < views; ++v)
        cropToPlanes(rgb.data(), size[0], size[1], o.crops[v], o, tables, base + (v * count + t) * frameFloats);
    }
  });
  return out;
}

}  // namespace videomae::image
