// HF VideoMAEImageProcessor (PIL/numpy backend) for whole clips, in native code.
//
// Per frame, in HF's order: resize so the shortest edge is `shortestEdge` (long side
// int(s·long/short), PIL's antialiased bilinear on uint8), crop each requested box (zero where the
// box leaves the image, as HF's center_crop pads), rescale (float64 multiply, then float32), and
// normalise ((x − mean) / std in float32). Output: (views, T, 3, cropHeight, cropWidth) float32,
// one view per crop box. Work is spread over frames with at::parallel_for.
#pragma once
#include <ATen/core/Tensor.h>

#include <array>
#include <vector>

namespace videomae::image {

// Top-left corner of a crop in the resized frame; negative or overhanging boxes are zero-padded.
struct CropBox {
  int top = 0;
  int left = 0;
};

struct ProcessOptions {
  bool doResize = true;
  int shortestEdge = 224;
  int cropHeight = 224;  // with doCenterCrop false, the caller passes the resized size here
  int cropWidth = 224;
  std::vector<CropBox> crops;  // at least one
  bool doRescale = true;
  double rescaleFactor = 1.0 / 255.0;
  bool doNormalize = true;
  std::array<float, 3> mean{0.485f, 0.456f, 0.406f};
  std::array<float, 3> std{0.229f, 0.224f, 0.225f};
};

// (height, width) after HF's shortest-edge resize of a height x width frame.
std::array<int, 2> shortestEdgeSize(int height, int width, int shortestEdge);

// frames: (T, H, W, C) uint8, C = 3 (RGB) or 4 (RGBA, alpha ignored), any strides on T.
at::Tensor processFrames(const at::Tensor& frames, const ProcessOptions& options);

// The resize step alone: (T, H, W, C) uint8 → (T, outHeight, outWidth, 3) uint8.
at::Tensor resizeFrames(const at::Tensor& frames, int outHeight, int outWidth);

}  // namespace videomae::image
