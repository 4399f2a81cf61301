#include "core/video/frame_index_cache.h"

#include <sys/stat.h>

#include <climits>
#include <cstdlib>

#include <list>
#include <mutex>
#include <unordered_map>

namespace videomae::video {

namespace {

// Bounded by the bytes the indexes hold (a 10 s video's index is a few KB).
constexpr size_t kMaxBytes = 64u << 20;

struct Entry {
  std::string key;
  FileStamp stamp;
  FrameIndex index;
  size_t bytes = 0;
};

size_t bytesOf(const FrameIndex& index) {
  return (index.pts.size() + index.seekTs.size() + index.keyframes.size()) * sizeof(int64_t) +
         index.retag.size() * sizeof(std::pair<int64_t, int64_t>) + 256;
}

class Cache {
 public:
  std::optional<FrameIndex> find(const std::string& key, const FileStamp& stamp) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = byKey_.find(key);
    if (it == byKey_.end()) return std::nullopt;
    if (!(it->second->stamp == stamp)) {  // the file changed: the entry is stale
      erase(it->second);
      return std::nullopt;
    }
    lru_.splice(lru_.begin(), lru_, it->second);
    return it->second->index;
  }

  void store(const std::string& key, const FileStamp& stamp, const FrameIndex& index) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = byKey_.find(key);
    if (it != byKey_.end()) erase(it->second);
    const size_t bytes = bytesOf(index);
    if (bytes > kMaxBytes) return;
    lru_.push_front(Entry{key, stamp, index, bytes});
    byKey_[key] = lru_.begin();
    bytes_ += bytes;
    while (bytes_ > kMaxBytes && !lru_.empty()) erase(std::prev(lru_.end()));
  }

 private:
  void erase(std::list<Entry>::iterator entry) {
    bytes_ -= entry->bytes;
    byKey_.erase(entry->key);
    lru_.erase(entry);
  }

  std::mutex mutex_;
  std::list<Entry> lru_;  // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator> byKey_;
  size_t bytes_ = 0;
};

Cache& cache() {
  static Cache* instance = new Cache();  // never destroyed: worker threads may outlive static teardown
  return *instance;
}

std::string keyOf(const std::string& path, int streamIndex) { return std::to_string(streamIndex) + ":" + path; }

}  // namespace

std::string canonicalPath(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (resolved == nullptr) return "";
  std::string result(resolved);
  std::free(resolved);
  return result;
}

std::optional<FileStamp> stampOf(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return std::nullopt;
  return FileStamp{static_cast<int64_t>(info.st_size), static_cast<int64_t>(info.st_mtim.tv_sec) * 1000000000LL + info.st_mtim.tv_nsec};
}

std::optional<FrameIndex> cachedFrameIndex(const std::string& path, int streamIndex, const FileStamp& stamp) {
  return cache().find(keyOf(path, streamIndex), stamp);
}

void storeFrameIndex(const std::string& path, int streamIndex, const FileStamp& stamp, const FrameIndex& index) {
  cache().store(keyOf(path, streamIndex), stamp, index);
}

}  // namespace videomae::video
