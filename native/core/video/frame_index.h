// The frame index of one video stream, built by scanning its packets (no decoding): every frame's
// pts in presentation order and which frames are keyframes. numFrames comes from here, so it is
// exact even when the container says nothing (mkv) or lies (a truncated/corrupt file).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/video/av_common.h"

namespace videomae::video {

struct FrameIndex {
  std::vector<int64_t> pts;           // sorted, unique (stream time base)
  std::vector<int64_t> keyframes;     // presentation-order indices of keyframes, sorted
  int64_t lastDuration = 0;           // duration of the last packet (time base), 0 if unknown
  int64_t droppedPackets = 0;         // packets the demuxer flagged corrupt (left out)

  // Presentation index of the frame with exactly this pts, or -1.
  int64_t indexOfPts(int64_t value) const;
  // Presentation index of the last keyframe at or before `frame` (0 when none is).
  int64_t keyframeAtOrBefore(int64_t frame) const;
  // The first keyframe after `frame` (the frame count when none is).
  int64_t keyframeAfter(int64_t frame) const;
  // The keyframe before `keyframe` (or -1 when it is the first).
  int64_t previousKeyframe(int64_t keyframe) const;
};

// Reads every packet of `streamIndex` from the current position to the end. Leaves the demuxer at
// EOF: the caller seeks before decoding.
FrameIndex scanPackets(AVFormatContext* format, int streamIndex, const std::string& label);

}  // namespace videomae::video
