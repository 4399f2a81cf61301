// One thread of its own on which a native object's work runs, one job at a time; the caller (a
// libuv pool thread) blocks until its job is done. Why: glibc gives each thread its own malloc
// arena, and the model's work hopping across libuv's pool threads left every arena holding a step's
// worth of freed activations (RSS grew by ~1 GB per train step of videomae-base, up to the pool
// size) and re-faulted those pages; one thread keeps one arena, and one OpenMP team, warm.
#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace videomae::bindings {

class SerialExecutor {
 public:
  SerialExecutor();
  ~SerialExecutor();  // finishes the queued jobs, then joins
  SerialExecutor(const SerialExecutor&) = delete;
  SerialExecutor& operator=(const SerialExecutor&) = delete;

  // Runs `job` on the executor's thread and returns when it is done; its exception is rethrown
  // here. The job object stays owned by the caller (nothing of it is destroyed on the executor).
  void run(const std::function<void()>& job);

 private:
  struct Pending {
    const std::function<void()>* job;
    std::exception_ptr error;
    bool done = false;
  };
  void loop();

  std::mutex mutex_;
  std::condition_variable wake_, finished_;
  std::deque<Pending*> queue_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace videomae::bindings
