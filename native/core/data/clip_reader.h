// Reads one clip [start, end) of a video file (pytorchvideo's half-open rule, docs/hf-semantics.md § "pytorchvideo: clip window to frames")
// as the float32 (C,T,H,W) 0..255 tensor pytorchvideo gives to transforms. When the chain begins with UniformTemporalSubsample, only the
// frames it keeps are converted (same result, less work). Any thread; no N-API. One decoder per call, decoding on `decoderThreads` threads.
#pragma once
#include <ATen/core/Tensor.h>

#include <optional>
#include <string>

#include "core/data/exact_window.h"
#include "core/video/video_decoder.h"

namespace videomae::data {

struct ClipRequest {
  std::string path;
  double start = 0, end = 0;
  std::optional<ExactWindow> exact;  // when set, it decides the frames instead of [start, end)
  int64_t subsample = 0;             // > 0: keep linspace-subsampled frames only
  int decoderThreads = 1;
};

// Undefined tensor when no frame falls in the window (pytorchvideo skips such a clip).
at::Tensor readClip(const ClipRequest& request);

// Header metadata without decoding frames. Throws the decoder's error for an unreadable file.
video::VideoMetadata probeVideo(const std::string& path);

}  // namespace videomae::data
