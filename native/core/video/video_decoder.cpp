#include "core/video/video_decoder.h"

extern "C" {
#include <libavutil/display.h>
#include <libavutil/imgutils.h>
#include <libavutil/pixdesc.h>
}

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>

#include "core/video/av_input.h"
#include "core/video/clip_rules.h"
#include "core/video/frame_converter.h"
#include "core/video/frame_index.h"
#include "core/video/frame_index_cache.h"
#include "core/video/reference_frames.h"

namespace videomae::video {

namespace {

constexpr int64_t kMaxPixels = 16384LL * 16384LL;  // larger frames are not video we can hold
constexpr int kMaxSide = 32768;
// Seek forward only when it skips more than this many frames: a seek flushes the decoder (and its
// frame threads), which costs about as much as decoding a few frames.
constexpr int64_t kSeekGain = 4;

// FFmpeg 6.1 moved stream side data into codecpar (av_stream_get_side_data is deprecated there
// and gone in later majors); 5.x only has the stream-level call.
const uint8_t* displayMatrix(const AVStream* stream) {
#if LIBAVFORMAT_VERSION_INT >= AV_VERSION_INT(60, 15, 100)
  const AVPacketSideData* data =
      av_packet_side_data_get(stream->codecpar->coded_side_data, stream->codecpar->nb_coded_side_data, AV_PKT_DATA_DISPLAYMATRIX);
  return data != nullptr ? data->data : nullptr;
#else
  return av_stream_get_side_data(stream, AV_PKT_DATA_DISPLAYMATRIX, nullptr);
#endif
}

int displayRotation(const AVStream* stream) {
  const uint8_t* matrix = displayMatrix(stream);
  if (matrix == nullptr) return 0;
  // The display-matrix angle as ffprobe reports it (counter-clockwise degrees).
  double angle = av_display_rotation_get(reinterpret_cast<const int32_t*>(matrix));
  if (std::isnan(angle)) return 0;
  int rounded = static_cast<int>(std::lround(angle / 90.0)) * 90;
  return ((rounded % 360) + 360) % 360;
}

double rationalOr(AVRational value, double fallback) { return value.num > 0 && value.den > 0 ? av_q2d(value) : fallback; }

}  // namespace

// libav logs to stderr by default; errors reach users as exceptions instead. VIDEOMAE_AV_LOG=1
// keeps libav's warnings for debugging.
void quietLibav() {
  static std::once_flag once;
  std::call_once(once, [] {
    const char* env = std::getenv("VIDEOMAE_AV_LOG");
    if (env == nullptr || env[0] == '0') av_log_set_level(AV_LOG_QUIET);
  });
}

struct VideoDecoder::Impl {
  av::InputSource input;
  AVStream* stream = nullptr;
  av::CodecContext codec;
  std::string label;
  std::string path;  // the file opened (empty for a buffer): the key of the frame-index cache
  VideoMetadata meta;
  FrameIndex index;
  std::vector<double> timestamps;
  int64_t startPts = 0;  // pytorchvideo's start_pts (stream start_time or 0)

  // Decoder position: the presentation index of the last frame out of the decoder since the last
  // seek (-1: nothing yet), or unknown (must seek).
  bool positionKnown = false;
  int64_t lastOutput = -1;
  bool draining = false;
  int64_t sequence = 0;  // decode-order number of the next indexed packet read (valid after a rewind)
  av::Packet packet = av::allocPacket();
  av::Frame frame = av::allocFrame();
  FrameConverter converter;
  DecodeStats stats;
  // Disposable (non-reference) pictures that are not wanted are not decoded: while a request
  // runs, `wanted` holds its sorted targets; `disposable` marks frames seen to be non-reference,
  // so that a gap of only such frames in the output is not mistaken for lost data.
  std::unique_ptr<ReferenceFrames> references;
  const std::vector<int64_t>* wanted = nullptr;
  std::vector<char> disposable;
  // Frames skipped since the last seek (list + per-frame mark): a later request wanting one
  // must seek back for it.
  std::vector<int64_t> skippedSinceSeek;
  std::vector<char> skippedMark;

  void open(const OpenOptions& options);
  bool rewind(int64_t firstDts);
  std::vector<int64_t> displayOrderPass();
  void buildMetadata();
  void seekToKeyframe(int64_t keyframe);
  bool receiveFrame();  // next decoded frame into `frame`; false at end of stream
  AVDiscard discardFor(const AVPacket* sent);
  bool lostFramesBefore(int64_t position) const;
  int64_t frameIndexOf(const AVFrame* decoded) const;
  std::vector<int64_t> framesInPtsRange(int64_t first, int64_t last) const;
  void decodeTargets(const std::vector<int64_t>& targets, const FrameOptions& options, const std::map<int64_t, std::vector<size_t>>& slots,
                     int height, int width, uint8_t* out);
  void markCorrupt(int64_t target, const FrameOptions& options, const std::vector<size_t>& places, size_t frameBytes, uint8_t* out,
                   const char* why);
};

void VideoDecoder::Impl::open(const OpenOptions& options) {
  AVFormatContext* format = input.format.get();
  int best = av_find_best_stream(format, AVMEDIA_TYPE_VIDEO, options.streamIndex, -1, nullptr, 0);
  if (options.streamIndex >= 0) {
    if (options.streamIndex >= static_cast<int>(format->nb_streams) ||
        format->streams[options.streamIndex]->codecpar->codec_type != AVMEDIA_TYPE_VIDEO) {
      fail(ErrorCode::InvalidArg, "stream " + std::to_string(options.streamIndex) + " of " + label + " is not a video stream");
    }
    best = options.streamIndex;
  }
  if (best < 0) fail(ErrorCode::Unsupported, label + " has no video stream");
  stream = format->streams[best];
  // Keep the demuxer from reading other streams' packets into memory needlessly.
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    if (static_cast<int>(i) != best) format->streams[i]->discard = AVDISCARD_ALL;
  }
  const AVCodecParameters* par = stream->codecpar;
  if (par->width <= 0 || par->height <= 0 || par->width > kMaxSide || par->height > kMaxSide ||
      static_cast<int64_t>(par->width) * par->height > kMaxPixels || av_image_check_size(par->width, par->height, 0, nullptr) < 0) {
    fail(ErrorCode::Unsupported,
         label + " has unsupported frame dimensions " + std::to_string(par->width) + "x" + std::to_string(par->height));
  }
  const AVCodec* decoder = avcodec_find_decoder(par->codec_id);
  if (decoder == nullptr) {
    fail(ErrorCode::Unsupported, label + ": no decoder for codec " + std::string(avcodec_get_name(par->codec_id)));
  }
  codec.reset(avcodec_alloc_context3(decoder));
  if (!codec) fail(ErrorCode::OutOfMemory, "avcodec_alloc_context3 failed");
  av::check(avcodec_parameters_to_context(codec.get(), par), ErrorCode::Decode, "cannot configure the decoder of " + label);
  codec->pkt_timebase = stream->time_base;
  // 0 (automatic): FFmpeg's frame + slice threads, except for small frames (up to 0.1 MP, e.g.
  // UCF101's 320x240), where handing pictures between threads costs more than it gains: one
  // thread decoded a 16-frame clip 5-25 % faster there (mpeg4 and H.264), 15 % slower at 640x480.
  constexpr int64_t kSmallFramePixels = 102400;
  const bool small = static_cast<int64_t>(par->width) * par->height <= kSmallFramePixels;
  codec->thread_count = options.threads == 0 && small ? 1 : options.threads;
  codec->thread_type = FF_THREAD_FRAME | FF_THREAD_SLICE;
  av::check(avcodec_open2(codec.get(), decoder, nullptr), ErrorCode::Unsupported,
            "cannot open the " + std::string(decoder->name) + " decoder for " + label);
  const std::optional<FileStamp> stamp = path.empty() ? std::nullopt : stampOf(path);
  std::optional<FrameIndex> cached = stamp ? cachedFrameIndex(path, best, *stamp) : std::nullopt;
  if (cached) {
    index = std::move(*cached);
  } else {
    index = scanPackets(format, best, label, par->video_delay > 0);
    if (index.needsDisplayOrder) {
      AVRational rate = stream->avg_frame_rate.num > 0 ? stream->avg_frame_rate : stream->r_frame_rate;
      if (rate.num <= 0 || rate.den <= 0) rate = AVRational{25, 1};
      index.applyDisplayOrder(displayOrderPass(), av_rescale_q(1, av_inv_q(rate), stream->time_base));
    }
    if (stamp && !index.pts.empty()) storeFrameIndex(path, best, *stamp, index);
  }
  if (index.pts.empty()) fail(ErrorCode::Decode, label + " has a video stream without any frame");
  references = std::make_unique<ReferenceFrames>(par);
  disposable.assign(index.pts.size(), 0);
  skippedMark.assign(index.pts.size(), 0);
  startPts = stream->start_time != AV_NOPTS_VALUE ? stream->start_time : 0;
  const double tb = av_q2d(stream->time_base);
  timestamps.reserve(index.pts.size());
  for (int64_t pts : index.pts) timestamps.push_back(static_cast<double>(pts) * tb);
  buildMetadata();
}

// Back to the stream's first packet (dts `firstDts`): by timestamp, else by byte 0 for demuxers
// that resync on any byte (MPEG-PS/TS, elementary streams). True when the next packet read will
// be that first packet or an earlier one.
bool VideoDecoder::Impl::rewind(int64_t firstDts) {
  AVFormatContext* format = input.format.get();
  // Packets numbered from the start (MPEG-PS/TS, elementary streams) need exactly the start: byte 0.
  if (index.bySequence && av_seek_frame(format, -1, 0, AVSEEK_FLAG_BYTE) >= 0) return true;
  if (avformat_seek_file(format, stream->index, INT64_MIN, firstDts, firstDts, 0) >= 0) return true;
  if (format->iformat->flags & AVFMT_NO_BYTE_SEEK) return false;
  return av_seek_frame(format, -1, 0, AVSEEK_FLAG_BYTE) >= 0;
}

// Decodes the whole stream once (no IDCT, no loop filter: only the picture order matters) with
// each packet's pts replaced by its decode-order number, and returns those numbers in the order
// the decoder outputs the pictures: the presentation order the container does not state.
std::vector<int64_t> VideoDecoder::Impl::displayOrderPass() {
  // Packets are known by their dts, or (bySequence) by their position in the stream.
  std::vector<std::pair<int64_t, int64_t>> numberOf;  // (dts, decode-order number)
  if (!index.bySequence) {
    for (size_t i = 0; i < index.packets.size(); ++i) numberOf.emplace_back(index.packets[i].dts, static_cast<int64_t>(i));
    std::sort(numberOf.begin(), numberOf.end());
  }
  auto numberOfDts = [&](int64_t dts) {
    auto it = std::lower_bound(numberOf.begin(), numberOf.end(), std::make_pair(dts, INT64_MIN));
    return it != numberOf.end() && it->first == dts ? it->second : AV_NOPTS_VALUE;
  };
  if (!rewind(index.packets.front().dts)) fail(ErrorCode::Decode, "cannot seek back to the start of " + label);
  int64_t sequence = 0;
  AVCodecContext* ctx = codec.get();
  ctx->skip_idct = AVDISCARD_ALL;
  ctx->skip_loop_filter = AVDISCARD_ALL;
  std::vector<int64_t> order;
  auto drain = [&] {
    while (avcodec_receive_frame(ctx, frame.get()) >= 0) {
      av::FrameReference received(frame.get());
      order.push_back(frame->pts);
    }
  };
  while (av_read_frame(input.format.get(), packet.get()) >= 0) {
    av::PacketReference read(packet.get());
    if (packet->stream_index == stream->index && indexedPacket(packet.get())) {
      packet->pts = index.bySequence ? sequence : numberOfDts(packet->dts);
      ++sequence;
      if (avcodec_send_packet(ctx, packet.get()) == AVERROR(EAGAIN)) {
        drain();
        avcodec_send_packet(ctx, packet.get());
      }
      drain();
    }
  }
  avcodec_send_packet(ctx, nullptr);
  drain();
  avcodec_flush_buffers(ctx);
  ctx->skip_idct = AVDISCARD_DEFAULT;
  ctx->skip_loop_filter = AVDISCARD_DEFAULT;
  if (order.empty()) fail(ErrorCode::Decode, label + ": no picture of the video stream could be decoded");
  return order;
}

void VideoDecoder::Impl::buildMetadata() {
  const AVCodecParameters* par = stream->codecpar;
  AVFormatContext* format = input.format.get();
  meta.width = par->width;
  meta.height = par->height;
  meta.rotation = displayRotation(stream);
  meta.numFrames = static_cast<int64_t>(index.pts.size());
  meta.codec = avcodec_get_name(par->codec_id);
  const char* pixfmt = av_get_pix_fmt_name(static_cast<AVPixelFormat>(par->format));
  meta.pixelFormat = pixfmt ? pixfmt : "unknown";
  meta.bitRate = par->bit_rate > 0 ? par->bit_rate : std::max<int64_t>(format->bit_rate, 0);
  meta.streamIndex = stream->index;
  for (unsigned i = 0; i < format->nb_streams; ++i) {
    if (format->streams[i]->codecpar->codec_type == AVMEDIA_TYPE_AUDIO) meta.hasAudio = true;
  }
  const double tb = av_q2d(stream->time_base);
  const double span = (index.pts.back() - index.pts.front() + index.lastDuration) * tb;
  if (stream->duration != AV_NOPTS_VALUE && stream->duration > 0) {
    meta.durationSeconds = stream->duration * tb;
  } else if (format->duration != AV_NOPTS_VALUE && format->duration > 0) {
    meta.durationSeconds = static_cast<double>(format->duration) / AV_TIME_BASE;
  } else {
    meta.durationSeconds = span;
  }
  double fps = rationalOr(stream->avg_frame_rate, 0);
  if (fps <= 0) fps = rationalOr(stream->r_frame_rate, 0);
  if (fps <= 0 && span > 0) fps = meta.numFrames / span;
  meta.fps = fps;
}

void VideoDecoder::Impl::seekToKeyframe(int64_t keyframe) {
  ++stats.seeks;
  int ret = index.bySequence ? -1 : av_seek_frame(input.format.get(), stream->index, index.seekTs[keyframe], AVSEEK_FLAG_BACKWARD);
  // Some demuxers cannot seek by timestamp; packets numbered from the start are only read from it.
  if (ret < 0 && keyframe == 0) ret = rewind(index.seekTs[0]) ? 0 : -1;
  sequence = 0;
  av::check(ret, ErrorCode::Decode, "cannot seek in " + label);
  avcodec_flush_buffers(codec.get());
  for (int64_t position : skippedSinceSeek) skippedMark[position] = 0;
  skippedSinceSeek.clear();
  draining = false;
  positionKnown = true;
  lastOutput = -1;
}

bool VideoDecoder::Impl::receiveFrame() {
  for (;;) {
    int ret = avcodec_receive_frame(codec.get(), frame.get());
    if (ret >= 0) {
      ++stats.decodedFrames;
      return true;
    }
    if (ret == AVERROR_EOF) return false;
    if (ret != AVERROR(EAGAIN)) {
      // A decoder error on output: the frame is lost; the caller notices the gap.
      continue;
    }
    if (draining) return false;
    ret = av_read_frame(input.format.get(), packet.get());
    if (ret < 0) {
      draining = true;  // EOF or an unreadable tail: flush what the decoder holds
      avcodec_send_packet(codec.get(), nullptr);
      continue;
    }
    av::PacketReference read(packet.get());
    if (packet->stream_index == stream->index) {
      // Read by the decoder for this packet (frame threads copy it when the packet is submitted).
      if (!index.retag.empty()) packet->pts = index.packetPts(packet.get(), sequence);
      if (indexedPacket(packet.get())) ++sequence;
      codec->skip_frame = discardFor(packet.get());
      ret = avcodec_send_packet(codec.get(), packet.get());
      // INVALIDDATA: a corrupt packet; its frame never comes out, which the caller reports.
      if (ret < 0 && ret != AVERROR_INVALIDDATA && ret != AVERROR(EAGAIN)) av::check(ret, ErrorCode::Decode, "cannot decode " + label);
    }
  }
}

AVDiscard VideoDecoder::Impl::discardFor(const AVPacket* sent) {
  if (wanted == nullptr || !references->supported() || sent->pts == AV_NOPTS_VALUE) return AVDISCARD_DEFAULT;
  const int64_t position = index.indexOfPts(sent->pts);
  if (position < 0 || !references->isDisposable(sent)) return AVDISCARD_DEFAULT;
  disposable[position] = 1;
  if (std::binary_search(wanted->begin(), wanted->end(), position)) return AVDISCARD_DEFAULT;
  ++stats.skippedFrames;
  skippedSinceSeek.push_back(position);
  skippedMark[position] = 1;
  return AVDISCARD_NONREF;
}

bool VideoDecoder::Impl::lostFramesBefore(int64_t position) const {
  if (lastOutput < 0) return false;
  for (int64_t i = lastOutput + 1; i < position; ++i) {
    if (!disposable[i]) return true;
  }
  return false;
}

std::vector<int64_t> VideoDecoder::Impl::framesInPtsRange(int64_t first, int64_t last) const {
  // pytorchvideo keeps start_pts <= pts < end_pts, both offset by the stream's start_pts.
  auto lo = std::lower_bound(index.pts.begin(), index.pts.end(), first + startPts);
  auto hi = std::lower_bound(index.pts.begin(), index.pts.end(), last + startPts);
  std::vector<int64_t> result;
  for (auto it = lo; it < hi; ++it) result.push_back(it - index.pts.begin());
  return result;
}

int64_t VideoDecoder::Impl::frameIndexOf(const AVFrame* decoded) const {
  // Retagged packets carry exact pts; FFmpeg's best-effort guess would mix in the container's dts.
  int64_t ts = index.retag.empty() ? decoded->best_effort_timestamp : decoded->pts;
  if (ts == AV_NOPTS_VALUE) ts = decoded->pts;
  if (ts == AV_NOPTS_VALUE) return -1;
  return index.indexOfPts(ts);
}

void VideoDecoder::Impl::markCorrupt(int64_t target, const FrameOptions& options, const std::vector<size_t>& places, size_t frameBytes,
                                     uint8_t* out, const char* why) {
  if (options.onCorrupt == CorruptPolicy::Error) {
    char seconds[32];
    std::snprintf(seconds, sizeof(seconds), "%.3f", timestamps[target]);
    fail(ErrorCode::Decode, label + ": frame " + std::to_string(target) + " (at " + seconds + " s) " + why);
  }
  ++stats.corruptFrames;
  for (size_t place : places) std::memset(out + place * frameBytes, 0, frameBytes);
}

void VideoDecoder::Impl::decodeTargets(const std::vector<int64_t>& targets, const FrameOptions& options,
                                       const std::map<int64_t, std::vector<size_t>>& slots, int height, int width, uint8_t* out) {
  const size_t frameBytes = static_cast<size_t>(height) * width * 3;
  // Showing the frame upright means turning it clockwise by the opposite of the matrix angle.
  const int rotation = options.autoRotate ? (360 - meta.rotation) % 360 : 0;
  size_t next = 0;
  int64_t seekKey = -1;      // keyframe of the last seek (decoding on from there)
  int64_t steppedBack = -1;  // keyframe the last step back for the current target sought (-1: none)
  bool justSeeked = false;   // the next frame out is the first after a seek
  bool triedStart = false;
  int64_t taintedBefore = -1;  // frames before this index were decoded from corrupt data
  while (next < targets.size()) {
    const int64_t target = targets[next];
    const int64_t key = index.keyframeAtOrBefore(target);
    // Seek when behind, when nothing is known, when the target was skipped (an earlier request
    // did not want it), or when a keyframe after our position and at or before the target lets
    // us skip frames; otherwise decoding on reaches the target.
    if (!positionKnown || target <= lastOutput || skippedMark[target] || (key > lastOutput + kSeekGain && key > seekKey)) {
      seekToKeyframe(key);
      seekKey = key;
      steppedBack = -1;
      justSeeked = true;
      taintedBefore = -1;
    }
    if (!receiveFrame()) {
      positionKnown = false;
      for (; next < targets.size(); ++next) {
        markCorrupt(targets[next], options, slots.at(targets[next]), frameBytes, out, "could not be decoded (the stream ends before it)");
      }
      break;
    }
    av::FrameReference received(frame.get());
    const int64_t position = frameIndexOf(frame.get());
    if (position < 0) continue;
    if (justSeeked) {
      justSeeked = false;
      if (position > target && !triedStart) {
        // The demuxer landed after the target (its seek index disagrees with the packet pts):
        // step back one keyframe, finally to the very start.
        // Each step goes one keyframe before the last one tried. (It went back from seekKey,
        // which is set to the target's keyframe below: when the demuxer kept landing after the
        // target, it sought the same keyframe again forever, a hang on an AVI with a corrupt
        // index, found by fuzz/video_decoder_fuzzer.cpp.)
        const int64_t previous = index.previousKeyframe(steppedBack >= 0 ? steppedBack : seekKey);
        const int64_t fallback = previous >= 0 ? previous : 0;
        triedStart = fallback == 0;
        seekToKeyframe(fallback);
        steppedBack = fallback;
        taintedBefore = -1;
        seekKey = std::max<int64_t>(key, fallback);  // do not seek forward again for this target
        justSeeked = true;
        continue;
      }
    }
    // A damaged or missing frame taints what is decoded from it up to the next keyframe.
    const bool damaged = frame->decode_error_flags != 0 || (frame->flags & AV_FRAME_FLAG_CORRUPT);
    // (A gap of only disposable frames is harmless: nothing is predicted from them.)
    if (damaged || lostFramesBefore(position)) taintedBefore = index.keyframeAfter(position);
    lastOutput = position;
    for (; next < targets.size() && targets[next] < position; ++next) {
      markCorrupt(targets[next], options, slots.at(targets[next]), frameBytes, out, "could not be decoded (corrupt data)");
    }
    if (next < targets.size() && targets[next] == position) {
      const std::vector<size_t>& places = slots.at(position);
      if (damaged) {
        markCorrupt(position, options, places, frameBytes, out, "is corrupt (the decoder concealed errors)");
      } else if (position < taintedBefore) {
        markCorrupt(position, options, places, frameBytes, out, "depends on a corrupt frame before it");
      } else {
        uint8_t* first = out + places.front() * frameBytes;
        converter.convert(frame.get(), height, width, rotation, options.interpolation, first);
        ++stats.convertedFrames;
        for (size_t k = 1; k < places.size(); ++k) std::memcpy(out + places[k] * frameBytes, first, frameBytes);
      }
      ++next;
    }
  }
}

// ---- public -------------------------------------------------------------------------------

VideoDecoder::VideoDecoder(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
VideoDecoder::~VideoDecoder() = default;

std::unique_ptr<VideoDecoder> VideoDecoder::openFile(const std::string& path, const OpenOptions& options) {
  quietLibav();
  auto impl = std::make_unique<Impl>();
  impl->label = path;
  impl->path = canonicalPath(path);
  impl->input = av::openInputFile(path);
  impl->open(options);
  return std::unique_ptr<VideoDecoder>(new VideoDecoder(std::move(impl)));
}

std::unique_ptr<VideoDecoder> VideoDecoder::openBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes, const OpenOptions& options) {
  quietLibav();
  auto impl = std::make_unique<Impl>();
  impl->label = "video buffer (" + std::to_string(bytes ? bytes->size() : 0) + " bytes)";
  impl->input = av::openInputBuffer(std::move(bytes), impl->label);
  impl->open(options);
  return std::unique_ptr<VideoDecoder>(new VideoDecoder(std::move(impl)));
}

const VideoMetadata& VideoDecoder::metadata() const { return impl_->meta; }

const std::vector<double>& VideoDecoder::frameTimestamps() { return impl_->timestamps; }

const DecodeStats& VideoDecoder::lastStats() const { return impl_->stats; }

std::pair<int, int> VideoDecoder::outputSize(const FrameOptions& options) const {
  const VideoMetadata& meta = impl_->meta;
  const bool swap = options.autoRotate && (meta.rotation == 90 || meta.rotation == 270);
  const int sourceH = swap ? meta.width : meta.height;
  const int sourceW = swap ? meta.height : meta.width;
  const OutputSize& size = options.size;
  int h = sourceH, w = sourceW;
  if (size.height > 0 || size.width > 0) {
    if (size.height <= 0 || size.width <= 0) fail(ErrorCode::InvalidArg, "output size needs both height and width");
    h = size.height;
    w = size.width;
  } else if (size.shortestEdge > 0) {
    // pytorchvideo short_side_scale: the long side is floor(long / short * size) in double.
    const double s = size.shortestEdge;
    if (sourceW < sourceH) {
      w = size.shortestEdge;
      h = static_cast<int>(std::floor(static_cast<double>(sourceH) / sourceW * s));
    } else {
      h = size.shortestEdge;
      w = static_cast<int>(std::floor(static_cast<double>(sourceW) / sourceH * s));
    }
  }
  if (h <= 0 || w <= 0 || h > kMaxSide || w > kMaxSide || static_cast<int64_t>(h) * w > kMaxPixels) {
    fail(ErrorCode::InvalidArg, "output size " + std::to_string(h) + "x" + std::to_string(w) + " is out of range");
  }
  return {h, w};
}

void VideoDecoder::getFramesAt(const std::vector<int64_t>& indices, const FrameOptions& options, uint8_t* out) {
  impl_->stats = {};
  const int64_t count = impl_->meta.numFrames;
  std::map<int64_t, std::vector<size_t>> slots;
  for (size_t i = 0; i < indices.size(); ++i) {
    if (indices[i] < 0 || indices[i] >= count) {
      fail(ErrorCode::InvalidArg, "frame index " + std::to_string(indices[i]) + " is out of range for " + impl_->label + " (" +
                                      std::to_string(count) + " frames)");
    }
    slots[indices[i]].push_back(i);
  }
  if (slots.empty()) return;
  const auto [height, width] = outputSize(options);
  std::vector<int64_t> targets;
  targets.reserve(slots.size());
  for (const auto& entry : slots) targets.push_back(entry.first);
  impl_->wanted = &targets;
  try {
    impl_->decodeTargets(targets, options, slots, height, width, out);
  } catch (...) {
    impl_->wanted = nullptr;
    impl_->positionKnown = false;  // the decoder state is unknown after a failure: seek next time
    throw;
  }
  impl_->wanted = nullptr;
}

std::vector<int64_t> VideoDecoder::clipIndices(double start, double end) {
  if (!std::isfinite(start) || !std::isfinite(end)) fail(ErrorCode::InvalidArg, "clip bounds must be finite numbers");
  const AVRational tb = impl_->stream->time_base;
  return impl_->framesInPtsRange(ceilSecondsToPts(start, 0.0, tb.num, tb.den), ceilSecondsToPts(end, 0.0, tb.num, tb.den));
}

std::vector<int64_t> VideoDecoder::clipIndicesFromDuration(double start, double duration) { return clipIndicesScaled(1, start, duration); }

std::vector<int64_t> VideoDecoder::clipIndicesScaled(int64_t index, double stride, double duration) {
  if (!std::isfinite(stride) || !std::isfinite(duration)) fail(ErrorCode::InvalidArg, "clip bounds must be finite numbers");
  if (index < 0) fail(ErrorCode::InvalidArg, "clip index must be >= 0");
  const AVRational tb = impl_->stream->time_base;
  return impl_->framesInPtsRange(ceilScaledSecondsToPts(index, stride, 0.0, tb.num, tb.den),
                                 ceilScaledSecondsToPts(index, stride, duration, tb.num, tb.den));
}

int64_t VideoDecoder::frameIndexPlayedAt(double seconds) {
  if (!std::isfinite(seconds)) fail(ErrorCode::InvalidArg, "time must be a finite number of seconds");
  const std::vector<double>& ts = impl_->timestamps;
  auto it = std::upper_bound(ts.begin(), ts.end(), seconds);
  if (it == ts.begin()) return -1;
  const int64_t position = (it - ts.begin()) - 1;
  if (position == static_cast<int64_t>(ts.size()) - 1) {
    double duration = impl_->index.lastDuration * av_q2d(impl_->stream->time_base);
    if (duration <= 0) duration = impl_->meta.fps > 0 ? 1.0 / impl_->meta.fps : 0.0;
    if (seconds >= ts.back() + duration) return -1;
  }
  return position;
}

}  // namespace videomae::video
