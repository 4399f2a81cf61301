#include "core/video/decode_pool.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <vector>

namespace videomae::video {

int defaultThreads() { return std::max(1u, std::thread::hardware_concurrency()); }

void runParallel(size_t count, int threads, const std::function<void(size_t)>& job) {
  const size_t workers = std::min<size_t>(count, static_cast<size_t>(std::max(threads, 1)));
  std::atomic<size_t> next{0};
  auto loop = [&] {
    for (size_t i = next.fetch_add(1); i < count; i = next.fetch_add(1)) job(i);
  };
  std::vector<std::thread> pool;
  pool.reserve(workers > 0 ? workers - 1 : 0);
  for (size_t w = 1; w < workers; ++w) pool.emplace_back(loop);
  loop();  // the calling thread works too
  for (std::thread& thread : pool) thread.join();
}

}  // namespace videomae::video
