// A c10d process group for data-parallel training: rendezvous through a TCPStore the torchrun way
// (rank 0 hosts the store at MASTER_ADDR:MASTER_PORT, every rank connects with a timeout), then
// libtorch's ProcessGroupGloo (CPU tensors). The collectives block until every rank took part;
// callers run them off the JS thread. All ranks must issue the same collectives in the same order.
//
// Gloo's own headers are not in the torch wheel; the build takes them from libgloo-dev (only
// shared_ptr members of gloo types appear in ProcessGroupGloo's layout, so the Debian headers fit
// the wheel's binary). Without them (VIDEOMAE_WITH_GLOO undefined) creating a group is
// ERR_VIDEOMAE_UNSUPPORTED.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/util/intrusive_ptr.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace c10d {
class ProcessGroup;
class Store;
}  // namespace c10d

namespace videomae::dist {

struct GroupOptions {
  std::string masterAddr = "127.0.0.1";
  int masterPort = 29500;
  int rank = 0;
  int worldSize = 1;
  std::chrono::milliseconds timeout{std::chrono::minutes(30)};  // HF's ddp_timeout default (1800 s)
  std::string backend = "gloo";
};

enum class ReduceOp { Sum, Avg, Max, Min };

class ProcessGroup {
 public:
  // Rendezvous: blocks until all worldSize ranks joined, or throws ERR_VIDEOMAE_DISTRIBUTED.
  explicit ProcessGroup(const GroupOptions& options);
  ~ProcessGroup();
  ProcessGroup(const ProcessGroup&) = delete;
  ProcessGroup& operator=(const ProcessGroup&) = delete;

  int rank() const { return options_.rank; }
  int worldSize() const { return options_.worldSize; }
  const std::string& backend() const { return options_.backend; }
  const GroupOptions& options() const { return options_; }

  // In place on every rank. Avg is Sum ÷ world size (Gloo has no AVG).
  void allReduce(at::Tensor& tensor, ReduceOp op);
  // In place: every rank ends with root's values.
  void broadcast(at::Tensor& tensor, int root);
  // Every rank's tensor (same shape and dtype on every rank), in rank order.
  std::vector<at::Tensor> allGather(const at::Tensor& tensor);
  void barrier();
  // Root's values into every tensor, flattened into few large broadcasts (DDP's _sync_module_states).
  void broadcastCoalesced(const std::vector<at::Tensor>& tensors, int root, int64_t bucketBytes = 250 << 20);

  // For c10d::Reducer. Throws ERR_VIDEOMAE_CLOSED after shutdown().
  c10::intrusive_ptr<c10d::ProcessGroup> handle() const;
  // Leaves the group (idempotent); later collectives are ERR_VIDEOMAE_CLOSED.
  void shutdown();

 private:
  void wait(const char* what, const std::function<void()>& run);

  GroupOptions options_;
  c10::intrusive_ptr<c10d::Store> store_;
  c10::intrusive_ptr<c10d::ProcessGroup> group_;
};

}  // namespace videomae::dist
