// DDP's gradient synchronisation for a VideoMAEModel, on libtorch's own c10d::Reducer (the engine
// behind torch.nn.parallel.DistributedDataParallel): autograd hooks on the parameters' gradient
// accumulators fill buckets (25 MiB, the first 1 MiB, in reverse parameter order so the
// gradients ready first in backward go first) and all-reduce each bucket as soon as it is full,
// overlapping communication with the rest of the backward pass; when the backward ends every
// parameter's .grad holds the mean over the ranks.
//
// Gradient accumulation: call prepareForBackward() only before the backward of the last
// micro-batch of an update (DDP's no_sync() for the others): the earlier micro-batches accumulate
// locally, and the last backward all-reduces the accumulated sums.
#pragma once
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <memory>
#include <vector>

namespace c10d {
class Reducer;
}

namespace videomae::dist {

class ProcessGroup;

struct ReducerOptions {
  int64_t bucketBytes = 25 << 20;      // DDP's bucket_cap_mb = 25
  int64_t firstBucketBytes = 1 << 20;  // DDP's first bucket (dist._DEFAULT_FIRST_BUCKET_BYTES)
};

class GradReducer {
 public:
  // `parameters`: the model's trainable leaves, in the model's order. Every one must receive a
  // gradient in each synchronised backward (DDP's find_unused_parameters=False).
  GradReducer(std::vector<at::Tensor> parameters, std::shared_ptr<ProcessGroup> group, const ReducerOptions& options = {});
  ~GradReducer();

  // DDP's forward prologue: after the first synchronised step, buckets are rebuilt in the order
  // gradients actually arrived (a collective: every rank calls it at the same point).
  void beforeForward();
  // The next backward all-reduces (averages) the gradients.
  void prepareForBackward();

  int64_t bytesPerSync() const { return bytesPerSync_; }
  size_t numBuckets() const { return numBuckets_; }
  const std::shared_ptr<ProcessGroup>& group() const { return group_; }

 private:
  std::shared_ptr<ProcessGroup> group_;
  std::unique_ptr<c10d::Reducer> reducer_;
  int64_t bytesPerSync_ = 0;
  size_t numBuckets_ = 0;
};

}  // namespace videomae::dist
