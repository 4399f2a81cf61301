// libav ownership and error helpers shared by the decoder and the encoder (no torch here).
// Every libav struct the package holds lives in one of these unique_ptr aliases, so no code
// calls av_*_free by hand and every early return frees what it opened.
#pragma once
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/frame.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <string>

#include "core/errors.h"

namespace videomae::av {

struct FormatInputDeleter {
  void operator()(AVFormatContext* context) const { avformat_close_input(&context); }
};
struct FormatOutputDeleter {
  void operator()(AVFormatContext* context) const;  // closes the AVIO, then frees the context
};
struct CodecContextDeleter {
  void operator()(AVCodecContext* context) const { avcodec_free_context(&context); }
};
struct FrameDeleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct PacketDeleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct SwsDeleter {
  void operator()(SwsContext* context) const { sws_freeContext(context); }
};

using FormatInput = std::unique_ptr<AVFormatContext, FormatInputDeleter>;
using FormatOutput = std::unique_ptr<AVFormatContext, FormatOutputDeleter>;
using CodecContext = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using Frame = std::unique_ptr<AVFrame, FrameDeleter>;
using Packet = std::unique_ptr<AVPacket, PacketDeleter>;
using Sws = std::unique_ptr<SwsContext, SwsDeleter>;

Frame allocFrame();
Packet allocPacket();

// The data reference that av_read_frame / avcodec_receive_frame put into a reused packet or frame,
// dropped when the scope ends: on every `continue`, return and throw of a read or decode loop.
template <typename T, void (*Unref)(T*)>
class ScopedReference {
 public:
  explicit ScopedReference(T* holder) : holder_(holder) {}
  ~ScopedReference() { Unref(holder_); }
  ScopedReference(const ScopedReference&) = delete;
  ScopedReference& operator=(const ScopedReference&) = delete;

 private:
  T* holder_;
};
using PacketReference = ScopedReference<AVPacket, av_packet_unref>;
using FrameReference = ScopedReference<AVFrame, av_frame_unref>;

// av_err2str as a std::string ("Invalid data found when processing input").
std::string errorString(int averror);

// Throws videomae::Error(code, "<context>: <libav message>") when ret < 0; returns ret otherwise.
int check(int ret, ErrorCode code, const std::string& context);

}  // namespace videomae::av
