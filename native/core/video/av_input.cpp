#include "core/video/av_input.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

extern "C" {
#include <libavformat/avio.h>
#include <libavutil/mem.h>
}

namespace videomae::av {

struct MemoryIo {
  std::shared_ptr<const std::vector<uint8_t>> bytes;
  int64_t position = 0;
  AVIOContext* context = nullptr;
};

void MemoryIoDeleter::operator()(MemoryIo* io) const {
  if (io == nullptr) return;
  if (io->context != nullptr) {
    av_freep(&io->context->buffer);  // libav may have replaced the buffer we gave it
    avio_context_free(&io->context);
  }
  delete io;
}

namespace {

constexpr int kIoBufferSize = 64 * 1024;

int readMemory(void* opaque, uint8_t* buffer, int size) {
  auto* io = static_cast<MemoryIo*>(opaque);
  const int64_t total = static_cast<int64_t>(io->bytes->size());
  const int64_t left = total - io->position;
  if (left <= 0) return AVERROR_EOF;
  const int count = static_cast<int>(std::min<int64_t>(left, size));
  std::memcpy(buffer, io->bytes->data() + io->position, count);
  io->position += count;
  return count;
}

int64_t seekMemory(void* opaque, int64_t offset, int whence) {
  auto* io = static_cast<MemoryIo*>(opaque);
  const int64_t total = static_cast<int64_t>(io->bytes->size());
  int64_t target = 0;
  switch (whence & ~AVSEEK_FORCE) {
    case AVSEEK_SIZE:
      return total;
    case SEEK_SET:
      target = offset;
      break;
    case SEEK_CUR:
      target = io->position + offset;
      break;
    case SEEK_END:
      target = total + offset;
      break;
    default:
      return AVERROR(EINVAL);
  }
  if (target < 0 || target > total) return AVERROR(EINVAL);
  io->position = target;
  return target;
}

// Opens and probes; `format` may carry a preset pb (memory input).
FormatInput openAndProbe(AVFormatContext* context, const char* url, const std::string& label) {
  AVFormatContext* raw = context;
  int ret = avformat_open_input(&raw, url, nullptr, nullptr);  // frees `context` on failure
  if (ret < 0) {
    ErrorCode code = (ret == AVERROR(ENOENT) || ret == AVERROR(EACCES) || ret == AVERROR(EISDIR) || ret == AVERROR(EIO))
                         ? ErrorCode::Io
                         : ErrorCode::Decode;
    fail(code, "cannot open " + label + " as a video (" + errorString(ret) + ")");
  }
  FormatInput format(raw);
  ret = avformat_find_stream_info(format.get(), nullptr);
  if (ret < 0) fail(ErrorCode::Decode, "cannot read the streams of " + label + " (" + errorString(ret) + ")");
  return format;
}

}  // namespace

InputSource openInputFile(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) {
    fail(ErrorCode::Io, "cannot open video file " + path + ": " + std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) fail(ErrorCode::Io, "cannot open video file " + path + ": it is a directory");
  if (info.st_size == 0) fail(ErrorCode::Decode, "cannot open video file " + path + ": the file is empty");
  AVFormatContext* context = avformat_alloc_context();
  if (context == nullptr) fail(ErrorCode::OutOfMemory, "avformat_alloc_context failed");
  InputSource source;
  source.format = openAndProbe(context, path.c_str(), path);
  return source;
}

InputSource openInputBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes, const std::string& label) {
  if (!bytes || bytes->empty()) fail(ErrorCode::Decode, "cannot open " + label + ": the buffer is empty");
  InputSource source;
  source.memory.reset(new MemoryIo{std::move(bytes), 0, nullptr});
  auto* buffer = static_cast<uint8_t*>(av_malloc(kIoBufferSize));
  if (buffer == nullptr) fail(ErrorCode::OutOfMemory, "av_malloc failed");
  source.memory->context = avio_alloc_context(buffer, kIoBufferSize, 0, source.memory.get(), readMemory, nullptr, seekMemory);
  if (source.memory->context == nullptr) {
    av_free(buffer);
    fail(ErrorCode::OutOfMemory, "avio_alloc_context failed");
  }
  AVFormatContext* context = avformat_alloc_context();
  if (context == nullptr) fail(ErrorCode::OutOfMemory, "avformat_alloc_context failed");
  context->pb = source.memory->context;
  context->flags |= AVFMT_FLAG_CUSTOM_IO;
  source.format = openAndProbe(context, nullptr, label);
  return source;
}

}  // namespace videomae::av
