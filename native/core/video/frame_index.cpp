#include "core/video/frame_index.h"

#include <algorithm>
#include <climits>
#include <map>
#include <tuple>

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

namespace {

// Presentation order from timestamps: sort (pts, key, seek) and collapse duplicate pts into one
// frame, as pytorchvideo's sort-by-pts does.
void buildFrames(FrameIndex& index, std::vector<std::tuple<int64_t, bool, int64_t>> frames) {
  std::sort(frames.begin(), frames.end());
  for (const auto& [ts, key, seek] : frames) {
    if (index.pts.empty() || index.pts.back() != ts) {
      index.pts.push_back(ts);
      index.seekTs.push_back(seek);
    }
    const int64_t position = static_cast<int64_t>(index.pts.size()) - 1;
    if (key && (index.keyframes.empty() || index.keyframes.back() != position)) {
      index.keyframes.push_back(position);
      index.seekTs[position] = seek;
    }
  }
}

}  // namespace

FrameIndex scanPackets(AVFormatContext* format, int streamIndex, const std::string& label, bool reorders) {
  av::Packet packet = av::allocPacket();
  FrameIndex index;
  bool missingPts = false, missingDts = false;
  for (;;) {
    int ret = av_read_frame(format, packet.get());
    if (ret == AVERROR_EOF) break;
    if (ret < 0) {
      // A read error after some packets is a truncated/damaged tail: index what was readable.
      if (!index.packets.empty()) break;
      av::check(ret, ErrorCode::Decode, "cannot read packets of " + label);
    }
    av::PacketReference read(packet.get());
    if (packet->stream_index == streamIndex) {
      if (packet->flags & AV_PKT_FLAG_CORRUPT) {
        ++index.droppedPackets;
      } else if (indexedPacket(packet.get())) {
        index.packets.push_back({packet->pts, packet->dts, (packet->flags & AV_PKT_FLAG_KEY) != 0});
        missingPts |= packet->pts == AV_NOPTS_VALUE;
        missingDts |= packet->dts == AV_NOPTS_VALUE;
        if (packet->duration > 0) index.lastDuration = packet->duration;
      }
    }
  }
  // Reordered pictures without pts, or packets without any timestamp (raw H.264/HEVC streams):
  // the packets cannot give the presentation order.
  if (missingPts && (reorders || missingDts) && !index.packets.empty()) {
    index.needsDisplayOrder = true;
    index.bySequence = missingDts || (format->iformat->flags & (AVFMT_TS_DISCONT | AVFMT_NOTIMESTAMPS)) != 0;
    return index;
  }
  std::vector<std::tuple<int64_t, bool, int64_t>> frames;  // (pts, key, seek timestamp)
  frames.reserve(index.packets.size());
  // MPEG-TS/PS demuxers seek by a binary search over PES dts: a keyframe's pts lies after its dts
  // and would land past it. Indexed containers (mp4, mkv) seek by their own (pts) index.
  const bool seekByDts = (format->iformat->flags & AVFMT_TS_DISCONT) != 0;
  int64_t previous = AV_NOPTS_VALUE;
  for (const PacketEntry& p : index.packets) {
    int64_t ts = p.pts != AV_NOPTS_VALUE ? p.pts : p.dts;
    if (ts == AV_NOPTS_VALUE) ts = previous == AV_NOPTS_VALUE ? 0 : previous + std::max<int64_t>(index.lastDuration, 1);
    previous = ts;
    frames.emplace_back(ts, p.key, seekByDts && p.dts != AV_NOPTS_VALUE ? std::min(ts, p.dts) : ts);
  }
  index.packets.clear();
  index.packets.shrink_to_fit();
  buildFrames(index, std::move(frames));
  return index;
}

void FrameIndex::applyDisplayOrder(const std::vector<int64_t>& outputOrder, int64_t frameDuration) {
  std::vector<int64_t> ranked;  // packets that produced a picture, each once, in output order
  std::vector<char> seen(packets.size(), 0);
  for (int64_t number : outputOrder) {
    if (number < 0 || number >= static_cast<int64_t>(packets.size()) || seen[number]) continue;
    seen[number] = 1;
    ranked.push_back(number);
  }
  needsDisplayOrder = false;
  if (ranked.empty()) {  // no picture came out: the index stays empty (the caller reports it)
    packets.clear();
    return;
  }
  std::vector<int64_t> times;
  times.reserve(ranked.size());
  bool allDts = true;
  for (int64_t number : ranked) {
    times.push_back(packets[number].dts);
    allDts &= packets[number].dts != AV_NOPTS_VALUE;
  }
  std::sort(times.begin(), times.end());
  if (!allDts) {  // no timestamps at all: one frame duration apart from 0
    for (size_t r = 0; r < times.size(); ++r) times[r] = static_cast<int64_t>(r) * std::max<int64_t>(frameDuration, 1);
  }
  std::map<int64_t, int64_t> votes;  // offset between a packet's own pts and its rank's time
  for (size_t r = 0; r < ranked.size(); ++r) {
    const int64_t own = packets[ranked[r]].pts;
    if (own != AV_NOPTS_VALUE) ++votes[own - times[r]];
  }
  int64_t offset = 0, best = 0;
  for (const auto& [value, count] : votes) {
    if (count > best) best = count, offset = value;
  }
  std::vector<std::tuple<int64_t, bool, int64_t>> frames;
  if (bySequence) {  // only the first keyframe is ever sought (a rewind)
    for (PacketEntry& p : packets) p.key = false;
    packets[ranked.front()].key = true;
  }
  for (size_t r = 0; r < ranked.size(); ++r) {
    const PacketEntry& p = packets[ranked[r]];
    const int64_t assigned = times[r] + offset;
    retag.emplace_back(bySequence ? ranked[r] : p.dts, assigned);
    frames.emplace_back(assigned, p.key, p.dts);
  }
  std::sort(retag.begin(), retag.end());
  packets.clear();
  packets.shrink_to_fit();
  buildFrames(*this, std::move(frames));
}

int64_t FrameIndex::packetPts(const AVPacket* packet, int64_t sequence) const {
  if (retag.empty()) return packet->pts;
  const int64_t id = bySequence ? sequence : packet->dts;
  auto it = std::lower_bound(retag.begin(), retag.end(), std::make_pair(id, INT64_MIN));
  return it != retag.end() && it->first == id ? it->second : AV_NOPTS_VALUE;
}

}  // namespace videomae::video
