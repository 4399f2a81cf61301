#include "core/distributed/grad_reducer.h"

#include <c10/util/Exception.h>
#include <torch/csrc/distributed/c10d/reducer.hpp>

#include <algorithm>
#include <string>
#include <unordered_map>

#include "core/distributed/process_group.h"
#include "core/errors.h"

namespace videomae::dist {

GradReducer::GradReducer(std::vector<at::Tensor> parameters, std::shared_ptr<ProcessGroup> group, const ReducerOptions& options)
    : group_(std::move(group)) {
  if (!group_) fail(ErrorCode::InvalidArg, "gradient reducer: no process group");
  if (parameters.empty()) fail(ErrorCode::InvalidArg, "gradient reducer: the model has no trainable parameters");
  for (const at::Tensor& p : parameters) {
    if (!p.requires_grad() || !p.is_leaf()) fail(ErrorCode::InvalidArg, "gradient reducer: parameters must be trainable leaves");
    bytesPerSync_ += p.numel() * static_cast<int64_t>(p.element_size());
  }
  std::vector<bool> sparse(parameters.size(), false);
  try {
    auto [buckets, limits] = c10d::compute_bucket_assignment_by_size(
        parameters, {static_cast<size_t>(options.firstBucketBytes), static_cast<size_t>(options.bucketBytes)}, sparse);
    std::reverse(buckets.begin(), buckets.end());  // as DDP: the last parameters' gradients are ready first
    numBuckets_ = buckets.size();
    reducer_ = std::make_unique<c10d::Reducer>(std::move(parameters), std::move(buckets), group_->handle(), std::move(sparse),
                                               options.bucketBytes, /*find_unused_parameters=*/false,
                                               /*gradient_as_bucket_view=*/false, std::unordered_map<size_t, std::string>{},
                                               options.firstBucketBytes, /*skip_all_reduce_unused_params=*/false,
                                               /*use_python_reducer=*/false, std::vector<int64_t>{});
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    fail(ErrorCode::Distributed, std::string("gradient reducer: ") + e.what_without_backtrace());
  }
}

GradReducer::~GradReducer() = default;

void GradReducer::beforeForward() {
  try {
    reducer_->rebuild_buckets();
  } catch (const c10::Error& e) {
    fail(ErrorCode::Distributed, std::string("gradient reducer: rebuilding buckets failed: ") + e.what_without_backtrace());
  }
}

void GradReducer::prepareForBackward() {
  try {
    reducer_->prepare_for_backward({});
  } catch (const c10::Error& e) {
    // The usual cause: a parameter got no gradient in the previous synchronised backward.
    fail(ErrorCode::Distributed, std::string("gradient reducer: ") + e.what_without_backtrace());
  }
}

}  // namespace videomae::dist
