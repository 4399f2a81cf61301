// Opening a demuxer on a file path or on an in-memory copy of a whole file (custom AVIO, no temp
// file). Errors are classified: missing/unreadable → Io, not a container → Decode.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/video/av_common.h"

namespace videomae::av {

// AVIOContext over a shared byte vector; owns its libav buffer and keeps the bytes alive.
struct MemoryIo;
struct MemoryIoDeleter {
  void operator()(MemoryIo* io) const;
};
using MemoryIoPtr = std::unique_ptr<MemoryIo, MemoryIoDeleter>;

struct InputSource {
  MemoryIoPtr memory;  // null for files; declared first so that `format` closes before it
  FormatInput format;
};

// `label` names the source in error messages (the path, or "<buffer of N bytes>").
InputSource openInputFile(const std::string& path);
InputSource openInputBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes, const std::string& label);

}  // namespace videomae::av
