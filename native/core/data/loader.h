// The data loader's engine: a pool of worker threads that decode, transform and collate the
// samples of an epoch plan into batches, up to `prefetch` batches ahead of the consumer.
//
// Threads: workers are this class's own std::threads; each decodes one video at a time with a
// single decoder thread and runs ATen with `intraOpThreads` OpenMP threads, so W workers use
// about W cores. next() blocks the calling thread (a libuv worker, via the binding) until the
// next batch in plan order is complete. Results do not depend on thread timing: each sample's
// random transforms come from its own generator (transforms.h), and batches keep plan order.
// Errors: a sample that fails is dropped from its batch when `skipBadClips`, otherwise next()
// rethrows it for that batch. cancel() makes pending and later next() calls throw Cancelled.
// No N-API here.
#pragma once
#include <ATen/core/Tensor.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "core/data/exact_window.h"
#include "core/data/transform_spec.h"

namespace videomae::data {

struct SampleTask {
  std::string path;
  double start = 0, end = 0;
  std::optional<ExactWindow> exact;  // pytorchvideo's exact window, when the sampler has one
  int32_t label = 0;
  int64_t videoId = 0;
  uint64_t sampleIndex = 0;  // position in the epoch: seeds this sample's random transforms
};

struct LoaderOptions {
  int workers = 1;
  int prefetch = 2;
  int intraOpThreads = 1;
  int decoderThreads = 1;
  bool skipBadClips = true;
  uint64_t seed = 0;
  std::vector<TransformSpec> transforms;
};

struct Batch {
  at::Tensor pixelValues;  // (B,T,C,H,W) float32
  std::vector<int32_t> labels;
  std::vector<int64_t> videoIds;
  std::vector<std::string> skipped;  // "path: reason" of samples dropped from this batch
};

class Loader {
 public:
  explicit Loader(LoaderOptions options);
  ~Loader();
  Loader(const Loader&) = delete;
  Loader& operator=(const Loader&) = delete;

  // Starts an epoch (replacing any unfinished one): batches[i] lists the samples of batch i.
  void start(uint64_t epoch, std::vector<std::vector<SampleTask>> batches);
  // The next batch in order; nullopt when the epoch is exhausted. Throws Cancelled after cancel().
  std::optional<Batch> next();
  void cancel();

  // One sample, synchronously on the calling thread (tests, single-clip inference).
  static at::Tensor loadSample(const SampleTask& task, const LoaderOptions& options, uint64_t epoch);

 private:
  struct Slot {
    at::Tensor pixels;
    std::vector<bool> done, ok;
    size_t remaining = 0;
    std::vector<std::string> skipped;
    std::exception_ptr error;
  };

  void workerLoop();
  bool takeTask(std::unique_lock<std::mutex>& lock, size_t* batch, size_t* index, uint64_t* generation);
  void storeSample(size_t batch, size_t index, uint64_t generation, at::Tensor sample, std::exception_ptr error,
                   const std::string& failure);
  Batch assemble(size_t batch, Slot& slot);

  LoaderOptions options_;
  std::mutex mutex_;
  std::condition_variable workCv_, doneCv_;
  std::vector<std::thread> threads_;
  std::vector<std::vector<SampleTask>> plan_;
  std::map<size_t, Slot> slots_;
  uint64_t epoch_ = 0, generation_ = 0;
  size_t nextBatch_ = 0, nextIndex_ = 0;  // next sample to hand to a worker
  size_t consumed_ = 0;                   // batches returned by next()
  bool cancelled_ = false, stopping_ = false;
};

}  // namespace videomae::data
