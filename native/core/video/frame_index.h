// The frame index of one video stream, built by scanning its packets (no decoding): every frame's
// pts in presentation order and which frames are keyframes. numFrames comes from here, so it is
// exact even when the container says nothing (mkv) or lies (a truncated/corrupt file).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/video/av_common.h"

namespace videomae::video {

// One packet of the stream as the demuxer gave it, in decode order.
struct PacketEntry {
  int64_t pts = AV_NOPTS_VALUE;
  int64_t dts = AV_NOPTS_VALUE;
  bool key = false;
};

struct FrameIndex {
  std::vector<int64_t> pts;        // sorted, unique (stream time base)
  std::vector<int64_t> seekTs;     // per frame: the container timestamp to seek to it (min of pts, dts)
  std::vector<int64_t> keyframes;  // presentation-order indices of keyframes, sorted
  int64_t lastDuration = 0;        // duration of the last packet (time base), 0 if unknown
  int64_t droppedPackets = 0;      // packets the demuxer flagged corrupt (left out)

  // Set when the container leaves some reordered pictures without a pts (AVI, MPEG-PS/ES with
  // B-frames): their presentation order is unknowable from packets alone. The caller decodes the
  // stream once (applyDisplayOrder) and from then on tags every packet with the pts assigned here.
  bool needsDisplayOrder = false;
  std::vector<PacketEntry> packets;  // decode order; kept only while needsDisplayOrder
  // (packet identity, assigned pts) sorted by identity; empty: packets carry their pts. The identity
  // is the packet's dts where the container stores one per packet (AVI), else its decode-order
  // number counted from the start of the stream: MPEG-PS/TS and elementary-stream demuxers
  // interpolate the dts of packets without PES timestamps, differently after a seek. Such streams
  // are then only ever read from the start (bySequence).
  std::vector<std::pair<int64_t, int64_t>> retag;
  bool bySequence = false;

  // `outputOrder`: decode-order packet numbers in the order the decoder returned their pictures.
  // Frame r gets the r-th smallest dts plus the offset most packets with a pts agree on (0 if none),
  // or r·frameDuration (time base units) when packets have no dts either.
  void applyDisplayOrder(const std::vector<int64_t>& outputOrder, int64_t frameDuration);

  // The pts to give a packet before decoding it (its own pts when no retagging is needed);
  // `sequence`: its decode-order number since the start of the stream (bySequence).
  int64_t packetPts(const AVPacket* packet, int64_t sequence) const;

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
// EOF: the caller seeks before decoding. `reorders`: the codec may output pictures out of decode
// order (the stream has B-frames).
FrameIndex scanPackets(AVFormatContext* format, int streamIndex, const std::string& label, bool reorders);

// Whether a packet counts as a frame of the index (the scan and every later read agree on it).
inline bool indexedPacket(const AVPacket* packet) { return !(packet->flags & (AV_PKT_FLAG_CORRUPT | AV_PKT_FLAG_DISCARD)); }

}  // namespace videomae::video
