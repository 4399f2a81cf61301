// Which packets carry pictures that no other picture references (H.264 nal_ref_idc == 0), so
// the decoder may skip them (AVCodecContext::skip_frame = AVDISCARD_NONREF) when they are not
// wanted, and a gap made only of them in the decoder's output is known to be harmless.
#pragma once
#include "core/video/av_common.h"

namespace videomae::video {

class ReferenceFrames {
 public:
  explicit ReferenceFrames(const AVCodecParameters* codec);
  // False for codecs whose packets we do not parse: nothing is skipped then.
  bool supported() const { return supported_; }
  // True when every picture slice in the packet has nal_ref_idc == 0 (and there is at least one).
  bool isDisposable(const AVPacket* packet) const;

 private:
  bool supported_ = false;
  int lengthSize_ = 0;  // AVCC NAL length prefix bytes; 0: Annex B start codes
};

}  // namespace videomae::video
