#include "bindings/serial_executor.h"

namespace videomae::bindings {

SerialExecutor::SerialExecutor() : thread_([this] { loop(); }) {}

SerialExecutor::~SerialExecutor() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SerialExecutor::run(const std::function<void()>& job) {
  Pending pending{&job, nullptr, false};
  std::unique_lock<std::mutex> lock(mutex_);
  queue_.push_back(&pending);
  wake_.notify_one();
  finished_.wait(lock, [&] { return pending.done; });
  if (pending.error) std::rethrow_exception(pending.error);
}

void SerialExecutor::loop() {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Pending* pending = queue_.front();
    queue_.pop_front();
    lock.unlock();
    try {
      (*pending->job)();
    } catch (...) {
      pending->error = std::current_exception();
    }
    lock.lock();
    pending->done = true;
    finished_.notify_all();
  }
}

}  // namespace videomae::bindings
