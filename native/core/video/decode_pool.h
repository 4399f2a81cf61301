// Runs `count` independent jobs on up to `threads` native threads and waits for all of them
// (the caller is a libuv worker, so the JS thread never blocks). Threads live for one batch:
// starting them costs microseconds next to decoding a video.
#pragma once
#include <cstddef>
#include <functional>

namespace videomae::video {

// Jobs must not throw (catch inside and record the error).
void runParallel(size_t count, int threads, const std::function<void(size_t)>& job);

// std::thread::hardware_concurrency(), at least 1.
int defaultThreads();

}  // namespace videomae::video
