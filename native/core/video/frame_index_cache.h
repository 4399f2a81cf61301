// Process-wide cache of frame indexes of files, so that reopening a video (a training loader opens
// each clip's file again every epoch) skips the packet scan and, for streams whose display order
// needs a decoding pass (B-frames in AVI or MPEG-PS), that pass too: 0.7 ms → 23 ms per open of a
// 10 s 320x240 B-frame AVI. An entry is keyed by path + stream and valid while the file's size and
// modification time are those it was built from. Thread-safe (decode pool and loader threads).
#pragma once
#include <optional>
#include <string>

#include "core/video/frame_index.h"

namespace videomae::video {

// The file's identity for the cache (size + mtime); nullopt when it cannot be stat'ed.
struct FileStamp {
  int64_t size = 0;
  int64_t mtimeNs = 0;
  bool operator==(const FileStamp& other) const { return size == other.size && mtimeNs == other.mtimeNs; }
};
std::optional<FileStamp> stampOf(const std::string& path);
// The absolute path with links resolved (the cache key), or "" when it cannot be resolved.
std::string canonicalPath(const std::string& path);

std::optional<FrameIndex> cachedFrameIndex(const std::string& path, int streamIndex, const FileStamp& stamp);
void storeFrameIndex(const std::string& path, int streamIndex, const FileStamp& stamp, const FrameIndex& index);

}  // namespace videomae::video
