#include "core/video/reference_frames.h"

namespace videomae::video {

namespace {

// Slice NAL units (non-IDR and IDR pictures, data partition A) carry the picture's nal_ref_idc.
bool isSlice(int type) { return type == 1 || type == 2 || type == 5; }

// Folds one NAL header into the verdict: -1 not a slice, 0 reference slice, 1 disposable slice.
int sliceVerdict(uint8_t header) {
  if (!isSlice(header & 0x1f)) return -1;
  return ((header >> 5) & 3) == 0 ? 1 : 0;
}

}  // namespace

ReferenceFrames::ReferenceFrames(const AVCodecParameters* codec) {
  if (codec->codec_id != AV_CODEC_ID_H264) return;
  supported_ = true;
  // avcC extradata (mp4/mkv): configurationVersion 1, NAL length size in byte 4. Otherwise the
  // packets are Annex B byte streams.
  if (codec->extradata != nullptr && codec->extradata_size >= 7 && codec->extradata[0] == 1) {
    lengthSize_ = (codec->extradata[4] & 3) + 1;
  }
}

bool ReferenceFrames::isDisposable(const AVPacket* packet) const {
  if (!supported_ || packet->data == nullptr || packet->size <= 0) return false;
  const uint8_t* data = packet->data;
  const int64_t size = packet->size;
  bool sawSlice = false;
  auto fold = [&](uint8_t header) {
    const int verdict = sliceVerdict(header);
    if (verdict == 0) return false;  // a reference slice: the picture is needed by others
    if (verdict == 1) sawSlice = true;
    return true;
  };
  if (lengthSize_ > 0) {
    int64_t at = 0;
    while (at + lengthSize_ < size) {
      int64_t length = 0;
      for (int i = 0; i < lengthSize_; ++i) length = (length << 8) | data[at + i];
      at += lengthSize_;
      if (length <= 0 || at + length > size) return false;  // malformed: do not guess
      if (!fold(data[at])) return false;
      at += length;
    }
    return sawSlice && at == size;
  }
  for (int64_t at = 0; at + 3 < size; ++at) {
    if (data[at] == 0 && data[at + 1] == 0 && data[at + 2] == 1) {
      if (!fold(data[at + 3])) return false;
      at += 2;
    }
  }
  return sawSlice;
}

}  // namespace videomae::video
