#include "core/video/frame_index.h"

#include <algorithm>

namespace videomae::video {

int64_t FrameIndex::indexOfPts(int64_t value) const {
  auto it = std::lower_bound(pts.begin(), pts.end(), value);
  if (it == pts.end() || *it != value) return -1;
  return it - pts.begin();
}

int64_t FrameIndex::keyframeAtOrBefore(int64_t frame) const {
  auto it = std::upper_bound(keyframes.begin(), keyframes.end(), frame);
  if (it == keyframes.begin()) return 0;
  return *(it - 1);
}

int64_t FrameIndex::keyframeAfter(int64_t frame) const {
  auto it = std::upper_bound(keyframes.begin(), keyframes.end(), frame);
  return it == keyframes.end() ? static_cast<int64_t>(pts.size()) : *it;
}

int64_t FrameIndex::previousKeyframe(int64_t keyframe) const {
  auto it = std::lower_bound(keyframes.begin(), keyframes.end(), keyframe);
  if (it == keyframes.begin()) return -1;
  return *(it - 1);
}

FrameIndex scanPackets(AVFormatContext* format, int streamIndex, const std::string& label) {
  av::Packet packet = av::allocPacket();
  std::vector<std::pair<int64_t, bool>> frames;  // (pts, key) in decode order
  FrameIndex index;
  int64_t previous = AV_NOPTS_VALUE;
  for (;;) {
    int ret = av_read_frame(format, packet.get());
    if (ret == AVERROR_EOF) break;
    if (ret < 0) {
      // A read error after some packets is a truncated/damaged tail: index what was readable.
      if (!frames.empty()) break;
      av::check(ret, ErrorCode::Decode, "cannot read packets of " + label);
    }
    if (packet->stream_index == streamIndex) {
      if (packet->flags & AV_PKT_FLAG_CORRUPT) {
        ++index.droppedPackets;
      } else if (!(packet->flags & AV_PKT_FLAG_DISCARD)) {
        int64_t ts = packet->pts != AV_NOPTS_VALUE ? packet->pts : packet->dts;
        if (ts == AV_NOPTS_VALUE) ts = previous == AV_NOPTS_VALUE ? 0 : previous + std::max<int64_t>(packet->duration, 1);
        previous = ts;
        frames.emplace_back(ts, (packet->flags & AV_PKT_FLAG_KEY) != 0);
        if (packet->duration > 0) index.lastDuration = packet->duration;
      }
    }
    av_packet_unref(packet.get());
  }
  std::sort(frames.begin(), frames.end());
  for (const auto& [ts, key] : frames) {
    // Duplicate pts collapse into one frame, as pytorchvideo's sort-by-pts does.
    if (index.pts.empty() || index.pts.back() != ts) index.pts.push_back(ts);
    const int64_t position = static_cast<int64_t>(index.pts.size()) - 1;
    if (key && (index.keyframes.empty() || index.keyframes.back() != position)) index.keyframes.push_back(position);
  }
  return index;
}

}  // namespace videomae::video
