// One clip of one video as pytorchvideo + UniformTemporalSubsample select it: the frames of
// [start, end) (or of the whole video), then `numFrames` of them at linspace indices.
#pragma once
#include <cstdint>
#include <vector>

#include "core/video/frame_layout.h"
#include "core/video/video_decoder.h"

namespace videomae::video {

struct ClipRequest {
  bool hasClip = false;
  double start = 0, end = 0;
  int64_t numFrames = 0;  // 0: every frame of the clip
  FrameOptions frame;
};

struct DecodedClip {
  std::vector<uint8_t> rgb;  // (T, H, W, 3)
  int64_t frames = 0;
  int height = 0, width = 0;
  int64_t corruptFrames = 0;
  std::vector<int64_t> indices;  // presentation-order indices returned
};

// The presentation-order indices a request selects (throws Decode when the clip holds no frame).
std::vector<int64_t> selectClipIndices(VideoDecoder& decoder, const ClipRequest& request);

DecodedClip decodeClip(VideoDecoder& decoder, const ClipRequest& request);

}  // namespace videomae::video
