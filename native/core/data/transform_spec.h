// Video transforms as plain data (no torch here): TypeScript declares a chain of these, the
// binding parses it on the JS thread, and transforms.cpp executes it with ATen on a worker.
// Semantics are pytorchvideo's / torchvision's (docs/hf-semantics.md § "HF guide: transform chains" and
// § "Transforms: pytorchvideo and torchvision semantics").
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace videomae::data {

enum class TransformKind {
  UniformTemporalSubsample,  // numSamples: linspace(0, T-1, n) in float32, truncated
  Div255,                    // x / 255
  Normalize,                 // (x - mean[c]) / std[c]
  ShortSideScale,            // size: short side → size, long side floor(long/short·size), bilinear, no antialias
  RandomShortSideScale,      // minSize..maxSize inclusive, drawn per sample
  Resize,                    // height×width, or shortestEdge (torchvision int(size·long/short)); bilinear
  RandomCrop,                // height×width at a random offset (same for all frames)
  CenterCrop,                // height×width; offset round((H-h)/2) (torchvision) or floor (HF processor)
  RandomHorizontalFlip,      // with probability p
};

struct TransformSpec {
  TransformKind kind = TransformKind::Div255;
  int64_t numSamples = 0;
  std::vector<double> mean, std;
  int64_t size = 0, minSize = 0, maxSize = 0;
  int64_t height = 0, width = 0, shortestEdge = 0;
  bool antialias = false;
  bool roundToUint8 = false;  // Resize: round and clamp to 0..255 like a uint8 image resize
  bool floorOffset = false;   // CenterCrop: HF image processor's floor((H-h)/2)
  double p = 0.5;
};

const char* transformName(TransformKind kind);

}  // namespace videomae::data
