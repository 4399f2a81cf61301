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

  struct Key {
    int srcWidth, srcHeight, format, dstWidth, dstHeight, flags, colorspace, fullRange, dstFormat;
    bool operator==(const Key&) const = default;
  };
  av::Sws sws_;
  Key key_{};
  std::vector<uint8_t> scratch_;  // swscale output (RGB24 or RGBA), 64-byte-aligned rows
  std::vector<uint8_t> packed_;   // packed pre-rotation RGB when rotating
};

// Packs one RGBA row of `width` pixels into RGB24 (drops alpha).
void rgbaRowToRgb(const uint8_t* in, int width, uint8_t* out);

// Rotates a packed RGB24 image clockwise by `rotation` (90/180/270) from (h, w) into `out`.
void rotateRgb(const uint8_t* in, int h, int w, int rotation, uint8_t* out);

}  // namespace videomae::video
