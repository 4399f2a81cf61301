#include "core/synth/video_encoder.h"

extern "C" {
#include <libavutil/opt.h>
}

namespace videomae::synth {

VideoEncoder::VideoEncoder(const std::string& path, const EncoderOptions& options) : path_(path), options_(options) {
  if (options.width <= 0 || options.height <= 0 || options.width % 2 || options.height % 2)
    fail(ErrorCode::InvalidArg, "encode " + path + ": width and height must be positive even numbers");
  AVFormatContext* raw = nullptr;
  av::check(avformat_alloc_output_context2(&raw, nullptr, nullptr, path.c_str()), ErrorCode::Unsupported,
            "encode " + path + ": no container for this file extension");
  format_.reset(raw);
  openCodec();
  if (!(format_->oformat->flags & AVFMT_NOFILE))
    av::check(avio_open(&format_->pb, path.c_str(), AVIO_FLAG_WRITE), ErrorCode::Io, "encode " + path + ": cannot create the file");
  av::check(avformat_write_header(format_.get(), nullptr), ErrorCode::Io, "encode " + path + ": write header");
  sws_.reset(sws_getContext(options.width, options.height, AV_PIX_FMT_RGB24, options.width, options.height, AV_PIX_FMT_YUV420P,
                            SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!sws_) fail(ErrorCode::Internal, "encode " + path + ": sws_getContext failed");
  frame_ = av::allocFrame();
  frame_->format = AV_PIX_FMT_YUV420P;
  frame_->width = options.width, frame_->height = options.height;
  av::check(av_frame_get_buffer(frame_.get(), 0), ErrorCode::OutOfMemory, "encode " + path + ": frame buffer");
  packet_ = av::allocPacket();
}

void VideoEncoder::openCodec() {
  bool h264 = options_.codec == "h264";
  if (!h264 && options_.codec != "mpeg4") fail(ErrorCode::InvalidArg, "encode " + path_ + ": codec must be \"mpeg4\" or \"h264\"");
  const AVCodec* codec = h264 ? avcodec_find_encoder_by_name("libx264") : avcodec_find_encoder(AV_CODEC_ID_MPEG4);
  if (codec == nullptr)
    fail(ErrorCode::Unsupported, "encode " + path_ + ": this FFmpeg has no " + (h264 ? "libx264" : "mpeg4") + " encoder");
  codec_.reset(avcodec_alloc_context3(codec));
  if (!codec_) fail(ErrorCode::OutOfMemory, "encode " + path_ + ": avcodec_alloc_context3");
  codec_->width = options_.width, codec_->height = options_.height;
  codec_->pix_fmt = AV_PIX_FMT_YUV420P;
  codec_->time_base = AVRational{1, options_.fps};
  codec_->framerate = AVRational{options_.fps, 1};
  codec_->gop_size = options_.gopSize;
  codec_->thread_count = 1;  // the dataset writer runs one encoder per thread
  if (h264) {
    av_opt_set(codec_->priv_data, "preset", "veryfast", 0);
    av_opt_set(codec_->priv_data, "x264-params", "log=-1", 0);  // x264 logs its stats at INFO level
    av_opt_set(codec_->priv_data, "crf", std::to_string(14 + 2 * options_.quality).c_str(), 0);
  } else {
    codec_->flags |= AV_CODEC_FLAG_QSCALE;
    codec_->global_quality = FF_QP2LAMBDA * options_.quality;
    codec_->max_b_frames = 0;
  }
  if (format_->oformat->flags & AVFMT_GLOBALHEADER) codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  av::check(avcodec_open2(codec_.get(), codec, nullptr), ErrorCode::Unsupported, "encode " + path_ + ": open encoder");
  stream_ = avformat_new_stream(format_.get(), nullptr);
  if (stream_ == nullptr) fail(ErrorCode::OutOfMemory, "encode " + path_ + ": avformat_new_stream");
  stream_->time_base = codec_->time_base;
  stream_->avg_frame_rate = codec_->framerate;
  av::check(avcodec_parameters_from_context(stream_->codecpar, codec_.get()), ErrorCode::Internal,
            "encode " + path_ + ": codec parameters");
}

void VideoEncoder::writeRgb(const uint8_t* rgb) {
  if (finished_) fail(ErrorCode::Closed, "encode " + path_ + ": already finished");
  av::check(av_frame_make_writable(frame_.get()), ErrorCode::OutOfMemory, "encode " + path_ + ": frame");
  const uint8_t* src[1] = {rgb};
  int srcStride[1] = {options_.width * 3};
  sws_scale(sws_.get(), src, srcStride, 0, options_.height, frame_->data, frame_->linesize);
  frame_->pts = nextPts_++;
  av::check(avcodec_send_frame(codec_.get(), frame_.get()), ErrorCode::Internal, "encode " + path_ + ": send frame");
  drain();
}

void VideoEncoder::drain() {
  while (true) {
    int ret = avcodec_receive_packet(codec_.get(), packet_.get());
    if (ret == AVERROR(EAGAIN) || ret == AVERROR_EOF) return;
    av::check(ret, ErrorCode::Internal, "encode " + path_ + ": receive packet");
    av_packet_rescale_ts(packet_.get(), codec_->time_base, stream_->time_base);
    packet_->stream_index = stream_->index;
    av::check(av_interleaved_write_frame(format_.get(), packet_.get()), ErrorCode::Io, "encode " + path_ + ": write packet");
  }
}

void VideoEncoder::finish() {
  if (finished_) return;
  av::check(avcodec_send_frame(codec_.get(), nullptr), ErrorCode::Internal, "encode " + path_ + ": flush");
  drain();
  av::check(av_write_trailer(format_.get()), ErrorCode::Io, "encode " + path_ + ": write trailer");
  finished_ = true;
}

}  // namespace videomae::synth
