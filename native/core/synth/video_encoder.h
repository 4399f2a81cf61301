// Writes RGB24 frames to a video file through libav's encoders (no torch here).
//
// Codecs: "mpeg4" (MPEG-4 part 2, what UCF101's .avi files hold) and "h264" (libx264), muxed
// by the container the path's extension names (.avi, .mp4, .mkv, ...). Frames are converted to
// yuv420p with swscale. finish() flushes the encoder and writes the trailer; a writer destroyed
// without finish() leaves a truncated file (callers delete it). Not thread-safe; one per thread.
#pragma once
#include <cstdint>
#include <string>

#include "core/video/av_common.h"

namespace videomae::synth {

struct EncoderOptions {
  std::string codec = "mpeg4";  // "mpeg4" | "h264"
  int width = 0, height = 0;    // even numbers (yuv420p)
  int fps = 25;
  int quality = 4;  // mpeg4: qscale 1..31 (lower is better); h264: CRF = 14 + 2*quality
  int gopSize = 12;
};

class VideoEncoder {
 public:
  VideoEncoder(const std::string& path, const EncoderOptions& options);
  void writeRgb(const uint8_t* rgb);  // width*height*3 bytes
  void finish();

 private:
  void openCodec();
  void drain();

  std::string path_;
  EncoderOptions options_;
  av::FormatOutput format_;
  av::CodecContext codec_;
  AVStream* stream_ = nullptr;
  av::Sws sws_;
  av::Frame frame_;
  av::Packet packet_;
  int64_t nextPts_ = 0;
  bool finished_ = false;
};

}  // namespace videomae::synth
