#include "core/video/clip_decode.h"

#include <cstdio>

#include "core/errors.h"

namespace videomae::video {

std::vector<int64_t> selectClipIndices(VideoDecoder& decoder, const ClipRequest& request) {
  std::vector<int64_t> candidates;
  if (request.hasClip) {
    if (!(request.end > request.start)) fail(ErrorCode::InvalidArg, "clip end must be after its start");
    candidates = decoder.clipIndices(request.start, request.end);
    if (candidates.empty()) {
      char range[96];
      std::snprintf(range, sizeof(range), "[%.6g s, %.6g s)", request.start, request.end);
      fail(ErrorCode::Decode, std::string("no frame of the video lies in the clip ") + range);
    }
  } else {
    const int64_t n = decoder.metadata().numFrames;
    candidates.resize(n);
    for (int64_t i = 0; i < n; ++i) candidates[i] = i;
  }
  if (request.numFrames <= 0) return candidates;
  std::vector<int64_t> picked;
  for (int64_t k : uniformSubsample(static_cast<int64_t>(candidates.size()), request.numFrames)) picked.push_back(candidates[k]);
  return picked;
}

DecodedClip decodeClip(VideoDecoder& decoder, const ClipRequest& request) {
  DecodedClip clip;
  clip.indices = selectClipIndices(decoder, request);
  const auto [height, width] = decoder.outputSize(request.frame);
  clip.height = height;
  clip.width = width;
  clip.frames = static_cast<int64_t>(clip.indices.size());
  clip.rgb.resize(static_cast<size_t>(clip.frames) * height * width * 3);
  decoder.getFramesAt(clip.indices, request.frame, clip.rgb.data());
  clip.corruptFrames = decoder.lastStats().corruptFrames;
  return clip;
}

}  // namespace videomae::video
