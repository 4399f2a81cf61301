#include "core/video/av_common.h"

extern "C" {
#include <libavutil/error.h>
}

namespace videomae::av {

void FormatOutputDeleter::operator()(AVFormatContext* context) const {
  if (context == nullptr) return;
  if (context->oformat != nullptr && !(context->oformat->flags & AVFMT_NOFILE)) avio_closep(&context->pb);
  avformat_free_context(context);
}

Frame allocFrame() {
  Frame frame(av_frame_alloc());
  if (!frame) fail(ErrorCode::OutOfMemory, "av_frame_alloc failed");
  return frame;
}

Packet allocPacket() {
  Packet packet(av_packet_alloc());
  if (!packet) fail(ErrorCode::OutOfMemory, "av_packet_alloc failed");
  return packet;
}

std::string errorString(int averror) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {0};
  av_strerror(averror, buffer, sizeof(buffer));
  return buffer;
}

int check(int ret, ErrorCode code, const std::string& context) {
  if (ret < 0) fail(ret == AVERROR(ENOMEM) ? ErrorCode::OutOfMemory : code, context + ": " + errorString(ret));
  return ret;
}

}  // namespace videomae::av
