#include "core/data/loader.h"

#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <omp.h>

#include "core/data/clip_reader.h"
#include "core/data/transforms.h"
#include "core/errors.h"

namespace videomae::data {

namespace {

// Gives this worker thread its own OpenMP team size. libtorch initialises a thread's team lazily
// at its first parallel op (to the global count), so run one first, then override.
void budgetThreads(int intraOpThreads) {
  at::internal::lazy_init_num_threads();
  (void)at::ones({1 << 16}, at::kFloat).sum().item<float>();
  omp_set_num_threads(std::max(1, intraOpThreads));
}

// Bad data (unreadable/corrupt file, empty clip) may be skipped; a bad configuration may not.
bool skippable(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return e.code() == ErrorCode::Decode || e.code() == ErrorCode::Io || e.code() == ErrorCode::Unsupported ||
           e.code() == ErrorCode::Dataset;
  } catch (...) {
    return false;
  }
}

std::string describe(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const c10::Error& e) {
    return e.what_without_backtrace();
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown error";
  }
}

}  // namespace

Loader::Loader(LoaderOptions options) : options_(std::move(options)) {
  if (options_.workers < 1) fail(ErrorCode::InvalidArg, "data loader: workers must be >= 1");
  if (options_.prefetch < 1) fail(ErrorCode::InvalidArg, "data loader: prefetch must be >= 1");
  for (const TransformSpec& spec : options_.transforms) validateTransform(spec);
  for (int i = 0; i < options_.workers; ++i) threads_.emplace_back([this] { workerLoop(); });
}

Loader::~Loader() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    cancelled_ = true;
  }
  workCv_.notify_all();
  doneCv_.notify_all();
  for (std::thread& thread : threads_) thread.join();
}

void Loader::start(uint64_t epoch, std::vector<std::vector<SampleTask>> batches) {
  for (const auto& batch : batches)
    if (batch.empty()) fail(ErrorCode::InvalidArg, "data loader: a batch of the plan is empty");
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++generation_;
    plan_ = std::move(batches);
    slots_.clear();
    epoch_ = epoch;
    nextBatch_ = nextIndex_ = consumed_ = 0;
    cancelled_ = false;
  }
  workCv_.notify_all();
}

void Loader::cancel() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    cancelled_ = true;
    ++generation_;
    plan_.clear();
    slots_.clear();
  }
  workCv_.notify_all();
  doneCv_.notify_all();
}

bool Loader::takeTask(std::unique_lock<std::mutex>& lock, size_t* batch, size_t* index, uint64_t* generation) {
  workCv_.wait(lock, [&] {
    return stopping_ || (!cancelled_ && nextBatch_ < plan_.size() && nextBatch_ < consumed_ + static_cast<size_t>(options_.prefetch));
  });
  if (stopping_) return false;
  *batch = nextBatch_, *index = nextIndex_, *generation = generation_;
  Slot& slot = slots_[nextBatch_];
  if (slot.done.empty()) {
    size_t n = plan_[nextBatch_].size();
    slot.done.assign(n, false), slot.ok.assign(n, false), slot.remaining = n;
  }
  if (++nextIndex_ == plan_[nextBatch_].size()) ++nextBatch_, nextIndex_ = 0;
  return true;
}

void Loader::workerLoop() {
  budgetThreads(options_.intraOpThreads);
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    size_t batch = 0, index = 0;
    uint64_t generation = 0;
    if (!takeTask(lock, &batch, &index, &generation)) return;
    SampleTask task = plan_[batch][index];
    uint64_t epoch = epoch_;
    lock.unlock();
    at::Tensor sample;
    std::exception_ptr error;
    std::string failure;
    try {
      sample = loadSample(task, options_, epoch);
      if (!sample.defined()) failure = task.path + ": no frame in [" + std::to_string(task.start) + ", " + std::to_string(task.end) + ") s";
    } catch (...) {
      error = std::current_exception();
      failure = task.path + ": " + describe(error);
    }
    storeSample(batch, index, generation, sample, error, failure);
    lock.lock();
  }
}

void Loader::storeSample(size_t batch, size_t index, uint64_t generation, at::Tensor sample, std::exception_ptr error,
                         const std::string& failure) {
  at::Tensor target;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (generation != generation_) return;
    Slot& slot = slots_[batch];
    if (sample.defined()) {
      // (C,T,H,W) → row of a (B,T,C,H,W) batch, allocated by the first sample to finish.
      std::vector<int64_t> row{sample.size(1), sample.size(0), sample.size(2), sample.size(3)};
      if (!slot.pixels.defined()) {
        std::vector<int64_t> shape{static_cast<int64_t>(slot.done.size())};
        shape.insert(shape.end(), row.begin(), row.end());
        slot.pixels = at::empty(shape, at::kFloat);
      }
      if (slot.pixels[0].sizes() != at::IntArrayRef(row)) {
        error =
            std::make_exception_ptr(Error(ErrorCode::InvalidArg, "data loader: samples of one batch have different shapes (" +
                                                                     c10::str(slot.pixels.sizes().slice(1), " vs ", at::IntArrayRef(row)) +
                                                                     "); end the transforms with a fixed-size crop or resize"));
        sample = at::Tensor();
      } else {
        target = slot.pixels[static_cast<int64_t>(index)];
      }
    }
    if (!sample.defined()) {
      if (error && !skippable(error)) {
        if (!slot.error) slot.error = error;
      } else if (!options_.skipBadClips) {
        if (!slot.error) slot.error = error ? error : std::make_exception_ptr(Error(ErrorCode::Decode, failure));
      } else {
        slot.skipped.push_back(failure);
      }
      slot.done[index] = true;
      --slot.remaining;
      if (slot.remaining == 0) doneCv_.notify_all();
      return;
    }
  }
  target.copy_(sample.permute({1, 0, 2, 3}));
  std::lock_guard<std::mutex> lock(mutex_);
  if (generation != generation_) return;
  Slot& slot = slots_[batch];
  slot.done[index] = true, slot.ok[index] = true;
  if (--slot.remaining == 0) doneCv_.notify_all();
}

Batch Loader::assemble(size_t batchIndex, Slot& slot) {
  Batch batch;
  const auto& tasks = plan_[batchIndex];
  std::vector<int64_t> keep;
  for (size_t i = 0; i < tasks.size(); ++i) {
    if (!slot.ok[i]) continue;
    keep.push_back(static_cast<int64_t>(i));
    batch.labels.push_back(tasks[i].label);
    batch.videoIds.push_back(tasks[i].videoId);
  }
  batch.skipped = std::move(slot.skipped);
  if (keep.size() == tasks.size())
    batch.pixelValues = slot.pixels;
  else if (!keep.empty())
    batch.pixelValues = slot.pixels.index_select(0, at::tensor(keep, at::kLong));
  return batch;
}

std::optional<Batch> Loader::next() {
  std::unique_lock<std::mutex> lock(mutex_);
  while (true) {
    if (cancelled_) fail(ErrorCode::Cancelled, "data loader: cancelled");
    if (consumed_ >= plan_.size()) return std::nullopt;
    auto it = slots_.find(consumed_);
    if (it != slots_.end() && !it->second.done.empty() && it->second.remaining == 0) {
      std::exception_ptr error = it->second.error;
      Batch batch = error ? Batch{} : assemble(consumed_, it->second);
      slots_.erase(it);
      ++consumed_;
      workCv_.notify_all();
      if (error) std::rethrow_exception(error);
      if (batch.labels.empty()) continue;  // every sample of this batch was skipped
      return batch;
    }
    doneCv_.wait(lock);
  }
}

at::Tensor Loader::loadSample(const SampleTask& task, const LoaderOptions& options, uint64_t epoch) {
  ClipRequest request;
  request.path = task.path;
  request.start = task.start, request.end = task.end;
  request.exact = task.exact;
  request.decoderThreads = options.decoderThreads;
  auto first = options.transforms.begin();
  if (first != options.transforms.end() && first->kind == TransformKind::UniformTemporalSubsample) {
    request.subsample = first->numSamples;  // fused into decoding: only kept frames are converted
    ++first;
  }
  at::Tensor clip = readClip(request);
  if (!clip.defined()) return clip;
  at::Generator generator = sampleGenerator(options.seed, epoch, task.sampleIndex);
  for (auto it = first; it != options.transforms.end(); ++it) clip = applyTransform(clip, *it, generator);
  return clip;
}

}  // namespace videomae::data
