// One swscale pass from a decoded frame to packed RGB24 at the output size: colour matrix and
// range from the frame (BT.601/709/2020, limited/full; unspecified → BT.601 like the ffmpeg CLI),
// any bit depth, resize with the chosen filter; then a 90/180/270° rotation if asked.
// Reuses its swscale context and scratch buffer across frames.
#pragma once
#include <cstdint>
#include <vector>

#include "core/video/av_common.h"
#include "core/video/video_decoder.h"

namespace videomae::video {

class FrameConverter {
 public:
  // Writes height*width*3 bytes to `out`; (height, width) is the size after rotation.
  void convert(const AVFrame* frame, int height, int width, int rotation, Interpolation interpolation, uint8_t* out);

 private:
  void configure(const AVFrame* frame, int dstWidth, int dstHeight, Interpolation interpolation);

  av::Sws sws_;
  SwsContext* configured_ = nullptr;  // the context whose colour details were last set
  int colorspace_ = -1, range_ = -1;
  std::vector<uint8_t> scratch_;      // pre-rotation RGB when rotating
};

// Rotates a packed RGB24 image clockwise by `rotation` (90/180/270) from (h, w) into `out`.
void rotateRgb(const uint8_t* in, int h, int w, int rotation, uint8_t* out);

}  // namespace videomae::video
