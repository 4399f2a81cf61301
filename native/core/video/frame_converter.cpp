#include "core/video/frame_converter.h"

extern "C" {
#include <libavutil/pixdesc.h>
}

#include <cstring>

namespace videomae::video {

namespace {

int swsFlags(Interpolation interpolation) {
  // Plain filter flags (no ACCURATE_RND): the same fast unscaled paths the ffmpeg CLI uses.
  switch (interpolation) {
    case Interpolation::Nearest:
      return SWS_POINT;
    case Interpolation::Bicubic:
      return SWS_BICUBIC;
    case Interpolation::Area:
      return SWS_AREA;
    case Interpolation::Bilinear:
      break;
  }
  return SWS_BILINEAR;
}

// Decoders copy whatever number the bitstream carries into AVFrame's colour enums (a fuzzed
// stream gave colorspace 84); reading such a value as the enum type is undefined behaviour
// (UBSan's -fsanitize=enum), so the bytes are read as an int.
template <typename Enum>
int enumBits(const Enum& value) {
  static_assert(sizeof(Enum) == sizeof(int), "FFmpeg's colour enums are int-sized");
  int bits = 0;
  std::memcpy(&bits, &value, sizeof bits);
  return bits;
}

bool isFullRange(const AVFrame* frame) {
  if (enumBits(frame->color_range) == AVCOL_RANGE_JPEG) return true;
  switch (frame->format) {
    case AV_PIX_FMT_YUVJ420P:
    case AV_PIX_FMT_YUVJ422P:
    case AV_PIX_FMT_YUVJ444P:
    case AV_PIX_FMT_YUVJ440P:
    case AV_PIX_FMT_YUVJ411P:
      return true;
    default:
      return false;
  }
}

}  // namespace

void FrameConverter::configure(const AVFrame* frame, int dstWidth, int dstHeight, Interpolation interpolation) {
  // Our own cache key: sws_getCachedContext compares against the context's *internal* source
  // format, which swscale rewrites for yuvj formats, so it would rebuild the context every frame
  // (and silently drop the colour details set on it).
  // Without a resize the filter only shapes chroma upsampling: use the ffmpeg CLI's default
  // (bicubic) there, so that frames equal what `ffmpeg -pix_fmt rgb24` gives.
  const bool resize = dstWidth != frame->width || dstHeight != frame->height;
  const int flags = resize ? swsFlags(interpolation) : SWS_BICUBIC;
  // A resize writes RGBA: swscale's packed RGB24 output after a resize is plain C (0.7 ms for
  // 320x240 -> 298x224), its 32-bit RGB output has a SIMD vertical scaler (0.22 ms; 1080p -> 398x224:
  // 3.2 -> 1.9 ms), same filters, ~0.5 level more rounding error (see README). Unscaled RGB24 is
  // already SIMD and identical to the ffmpeg CLI, so it stays.
  const int dstFormat = resize ? AV_PIX_FMT_RGBA : AV_PIX_FMT_RGB24;
  const Key key{
      frame->width, frame->height, frame->format, dstWidth, dstHeight, flags, enumBits(frame->colorspace), isFullRange(frame) ? 1 : 0,
      dstFormat};
  if (sws_ && key == key_) return;
  sws_.reset(sws_getContext(key.srcWidth, key.srcHeight, static_cast<AVPixelFormat>(key.format), dstWidth, dstHeight,
                            static_cast<AVPixelFormat>(dstFormat), key.flags, nullptr, nullptr, nullptr));
  if (!sws_) {
    const char* name = av_get_pix_fmt_name(static_cast<AVPixelFormat>(frame->format));
    fail(ErrorCode::Unsupported, std::string("cannot convert pixel format ") + (name ? name : "unknown") + " to RGB");
  }
  // Unspecified (and unknown) matrices fall back to BT.601 inside sws_getCoefficients, which is
  // what the ffmpeg CLI's scale filter does too.
  int* invTable = nullptr;
  int* table = nullptr;
  int srcRange = 0, dstRange = 0, brightness = 0, contrast = 0, saturation = 0;
  if (sws_getColorspaceDetails(sws_.get(), &invTable, &srcRange, &table, &dstRange, &brightness, &contrast, &saturation) >= 0) {
    // YUV input: the source matrix and range; RGB output is full range.
    sws_setColorspaceDetails(sws_.get(), sws_getCoefficients(key.colorspace), key.fullRange, table, 1, brightness, contrast, saturation);
  }
  key_ = key;
}

void FrameConverter::convert(const AVFrame* frame, int height, int width, int rotation, Interpolation interpolation, uint8_t* out) {
  const bool swap = rotation == 90 || rotation == 270;
  const int dstWidth = swap ? height : width;
  const int dstHeight = swap ? width : height;
  configure(frame, dstWidth, dstHeight, interpolation);
  // swscale's SIMD paths store whole vectors and run past the end of a packed row whose byte
  // width is not a multiple of their vector size (heap corruption at widths like 40 or 56), so it
  // always writes into a scratch buffer with 64-byte-aligned rows (whole 16-pixel groups) and
  // slack at the end; rows are then copied (RGBA: packed to RGB) into `out`.
  const int pixelBytes = key_.dstFormat == AV_PIX_FMT_RGBA ? 4 : 3;
  const int stride = (((dstWidth + 15) & ~15) * pixelBytes + 63) & ~63;
  scratch_.resize(static_cast<size_t>(stride) * dstHeight + 64);
  uint8_t* planes[4] = {scratch_.data(), nullptr, nullptr, nullptr};
  int strides[4] = {stride, 0, 0, 0};
  int rows = sws_scale(sws_.get(), frame->data, frame->linesize, 0, frame->height, planes, strides);
  if (rows != dstHeight)
    fail(ErrorCode::Decode, "swscale produced " + std::to_string(rows) + " rows instead of " + std::to_string(dstHeight));
  const size_t rowBytes = static_cast<size_t>(dstWidth) * 3;
  uint8_t* packed = out;
  if (rotation != 0) {
    packed_.resize(rowBytes * dstHeight);
    packed = packed_.data();
  }
  for (int r = 0; r < dstHeight; ++r) {
    const uint8_t* src = scratch_.data() + static_cast<size_t>(stride) * r;
    uint8_t* dst = packed + rowBytes * r;
    if (pixelBytes == 3) {
      std::memcpy(dst, src, rowBytes);
    } else {
      rgbaRowToRgb(src, dstWidth, dst);
    }
  }
  if (rotation != 0) rotateRgb(packed, dstHeight, dstWidth, rotation, out);
}

void rgbaRowToRgb(const uint8_t* in, int width, uint8_t* out) {
  // 4-byte stores that overlap the next pixel (which overwrites the spare byte); the last pixel
  // stores exactly 3 bytes so nothing is written past the row.
  int x = 0;
  for (; x + 1 < width; ++x) std::memcpy(out + x * 3, in + x * 4, 4);
  if (x < width) std::memcpy(out + x * 3, in + x * 4, 3);
}

void rotateRgb(const uint8_t* in, int h, int w, int rotation, uint8_t* out) {
  if (rotation == 180) {
    for (int r = 0; r < h; ++r) {
      const uint8_t* src = in + (static_cast<size_t>(h - 1 - r) * w) * 3;
      uint8_t* dst = out + static_cast<size_t>(r) * w * 3;
      for (int c = 0; c < w; ++c) std::memcpy(dst + c * 3, src + (w - 1 - c) * 3, 3);
    }
    return;
  }
  // 90° clockwise: out is (w, h), out[r][c] = in[h-1-c][r]; 270°: out[r][c] = in[c][w-1-r].
  const int outH = w, outW = h;
  for (int r = 0; r < outH; ++r) {
    uint8_t* dst = out + static_cast<size_t>(r) * outW * 3;
    for (int c = 0; c < outW; ++c) {
      const int sr = rotation == 90 ? h - 1 - c : c;
      const int sc = rotation == 90 ? r : w - 1 - r;
      std::memcpy(dst + c * 3, in + (static_cast<size_t>(sr) * w + sc) * 3, 3);
    }
  }
}

}  // namespace videomae::video
