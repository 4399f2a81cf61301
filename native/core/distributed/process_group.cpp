#include "core/distributed/process_group.h"

#include <ATen/ATen.h>
#include <c10/util/Exception.h>
#include <torch/csrc/distributed/c10d/PrefixStore.hpp>
#include <torch/csrc/distributed/c10d/ProcessGroup.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#include <torch/csrc/distributed/c10d/Types.hpp>
#ifdef VIDEOMAE_WITH_GLOO
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#endif
#ifdef VIDEOMAE_WITH_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

#include <cstdlib>

#include "core/errors.h"

namespace videomae::dist {

namespace {

bool isLoopback(const std::string& address) { return address == "localhost" || address.rfind("127.", 0) == 0 || address == "::1"; }

std::string where(const GroupOptions& o) { return o.masterAddr + ":" + std::to_string(o.masterPort); }

// c10d's own message (without its C++ backtrace), prefixed with what we were doing.
[[noreturn]] void rethrowAsDistributed(const std::string& what) {
  try {
    throw;
  } catch (const Error&) {
    throw;
  } catch (const c10::Error& e) {
    fail(ErrorCode::Distributed, what + ": " + e.what_without_backtrace());
  } catch (const std::exception& e) {
    fail(ErrorCode::Distributed, what + ": " + e.what());
  }
}

c10d::ReduceOp toC10d(ReduceOp op) {
  switch (op) {
    case ReduceOp::Max:
      return c10d::ReduceOp::MAX;
    case ReduceOp::Min:
      return c10d::ReduceOp::MIN;
    default:
      return c10d::ReduceOp::SUM;
  }
}

#ifdef VIDEOMAE_WITH_GLOO
// GLOO_SOCKET_IFNAME picks the interface, as in PyTorch; a loopback master means one machine,
// where binding to 127.0.0.1 avoids a hostname that resolves to an unreachable address.
std::shared_ptr<::gloo::transport::Device> glooDevice(const GroupOptions& o) {
  const char* ifname = std::getenv("GLOO_SOCKET_IFNAME");
  if (ifname && *ifname) return c10d::ProcessGroupGloo::createDeviceForInterface(ifname);
  if (isLoopback(o.masterAddr)) return c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1");
  return c10d::ProcessGroupGloo::createDefaultDevice();
}
#endif

}  // namespace

ProcessGroup::ProcessGroup(const GroupOptions& options) : options_(options) {
  const GroupOptions& o = options_;
  if (o.worldSize < 1) fail(ErrorCode::InvalidArg, "process group: worldSize must be >= 1");
  if (o.rank < 0 || o.rank >= o.worldSize) fail(ErrorCode::InvalidArg, "process group: rank must be in [0, worldSize)");
  if (o.masterPort < 1 || o.masterPort > 65535) fail(ErrorCode::InvalidArg, "process group: masterPort must be in 1..65535");
  if (o.timeout.count() <= 0) fail(ErrorCode::InvalidArg, "process group: timeout must be > 0");
  if (o.backend != "gloo" && o.backend != "nccl") fail(ErrorCode::InvalidArg, "process group: backend must be \"gloo\" or \"nccl\"");
#ifndef VIDEOMAE_WITH_NCCL
  if (o.backend == "nccl")
    fail(ErrorCode::Unsupported,
         "process group: this build has no NCCL backend (the CUDA flavour built with -DVIDEOMAE_NCCL=ON has it); gloo reduces CPU tensors");
#endif
#ifndef VIDEOMAE_WITH_GLOO
  fail(ErrorCode::Unsupported,
       "process group: this build has no Gloo backend (gloo headers were missing at build time: install libgloo-dev and rebuild)");
#else
  try {
    c10d::TCPStoreOptions storeOptions;
    storeOptions.port = static_cast<uint16_t>(o.masterPort);
    storeOptions.isServer = o.rank == 0;
    storeOptions.numWorkers = static_cast<size_t>(o.worldSize);
    storeOptions.waitWorkers = true;
    storeOptions.timeout = o.timeout;
    store_ = c10::make_intrusive<c10d::TCPStore>(o.masterAddr, storeOptions);
  } catch (...) {
    rethrowAsDistributed("rendezvous at " + where(o) + " (rank " + std::to_string(o.rank) + " of " + std::to_string(o.worldSize) +
                         (o.rank == 0 ? ", hosting the store" : ", connecting to rank 0's store") + ") failed");
  }
  try {
    // One store, a key prefix per backend (as torch.distributed does), so their rendezvous keys never meet.
    auto glooOptions = c10d::ProcessGroupGloo::Options::create(o.timeout);
    glooOptions->devices.push_back(glooDevice(o));
    auto glooStore = c10::make_intrusive<c10d::PrefixStore>("gloo/", store_);
    auto backend = c10::make_intrusive<c10d::ProcessGroupGloo>(glooStore, o.rank, o.worldSize, glooOptions);
    group_ = c10::make_intrusive<c10d::ProcessGroup>(store_, o.rank, o.worldSize);
    group_->setBackend(c10::DeviceType::CPU, c10d::ProcessGroup::BackendType::GLOO, backend);
    group_->setDefaultBackend(c10d::ProcessGroup::BackendType::GLOO);
#ifdef VIDEOMAE_WITH_NCCL
    // CUDA tensors (the gradients of a model on the GPU) go through NCCL; CPU ones (the Trainer's
    // loss, stop flags and evaluation rows) stay on Gloo: torch.distributed's "cpu:gloo,cuda:nccl".
    // Never compiled or run in this project's CI (no GPU, no CUDA toolkit): see README § Limits.
    if (o.backend == "nccl") {
      auto ncclOptions = c10d::ProcessGroupNCCL::Options::create();
      ncclOptions->timeout = o.timeout;
      auto ncclStore = c10::make_intrusive<c10d::PrefixStore>("nccl/", store_);
      auto nccl = c10::make_intrusive<c10d::ProcessGroupNCCL>(ncclStore, o.rank, o.worldSize, ncclOptions);
      group_->setBackend(c10::DeviceType::CUDA, c10d::ProcessGroup::BackendType::NCCL, nccl);
    }
#endif
  } catch (...) {
    rethrowAsDistributed("creating the gloo process group (rank " + std::to_string(o.rank) + ", master " + where(o) + ") failed");
  }
#endif
}

ProcessGroup::~ProcessGroup() {
  try {
    shutdown();
  } catch (...) {  // a destructor must not throw; the peers see the closed connections
  }
}

c10::intrusive_ptr<c10d::ProcessGroup> ProcessGroup::handle() const {
  if (!group_) fail(ErrorCode::Closed, "process group: it was destroyed");
  return group_;
}

void ProcessGroup::shutdown() {
  group_.reset();
  store_.reset();
}

void ProcessGroup::wait(const char* what, const std::function<void()>& run) {
  handle();
  try {
    run();
  } catch (...) {
    rethrowAsDistributed(std::string(what) + " (rank " + std::to_string(options_.rank) + " of " + std::to_string(options_.worldSize) +
                         ") failed; another rank probably exited or timed out");
  }
}

void ProcessGroup::allReduce(at::Tensor& tensor, ReduceOp op) {
  if (!tensor.is_contiguous()) fail(ErrorCode::InvalidArg, "allReduce: the tensor must be contiguous");
  wait("allReduce", [&] {
    std::vector<at::Tensor> tensors{tensor};
    c10d::AllreduceOptions options;
    options.reduceOp = toC10d(op);
    group_->allreduce(tensors, options)->wait();
  });
  if (op == ReduceOp::Avg) {
    if (at::isIntegralType(tensor.scalar_type(), true))
      tensor.div_(options_.worldSize, "floor");
    else
      tensor.div_(options_.worldSize);
  }
}

void ProcessGroup::broadcast(at::Tensor& tensor, int root) {
  if (root < 0 || root >= options_.worldSize) fail(ErrorCode::InvalidArg, "broadcast: root must be a rank of the group");
  if (!tensor.is_contiguous()) fail(ErrorCode::InvalidArg, "broadcast: the tensor must be contiguous");
  wait("broadcast", [&] {
    std::vector<at::Tensor> tensors{tensor};
    c10d::BroadcastOptions options;
    options.rootRank = root;
    group_->broadcast(tensors, options)->wait();
  });
}

std::vector<at::Tensor> ProcessGroup::allGather(const at::Tensor& tensor) {
  at::Tensor input = tensor.contiguous();
  std::vector<std::vector<at::Tensor>> outputs(1);
  for (int r = 0; r < options_.worldSize; ++r) outputs[0].push_back(at::empty_like(input));
  wait("allGather", [&] {
    std::vector<at::Tensor> inputs{input};
    group_->allgather(outputs, inputs)->wait();
  });
  return outputs[0];
}

void ProcessGroup::barrier() {
  wait("barrier", [&] { group_->barrier()->wait(); });
}

void ProcessGroup::broadcastCoalesced(const std::vector<at::Tensor>& tensors, int root, int64_t bucketBytes) {
  size_t begin = 0;
  while (begin < tensors.size()) {
    size_t end = begin;
    int64_t bytes = 0;
    at::ScalarType dtype = tensors[begin].scalar_type();
    while (end < tensors.size() && tensors[end].scalar_type() == dtype && (end == begin || bytes < bucketBytes)) {
      bytes += tensors[end].numel() * static_cast<int64_t>(tensors[end].element_size());
      ++end;
    }
    std::vector<at::Tensor> flat;
    for (size_t i = begin; i < end; ++i) flat.push_back(tensors[i].detach().reshape({-1}));
    at::Tensor bucket = at::cat(flat);
    broadcast(bucket, root);
    int64_t offset = 0;
    at::NoGradGuard noGrad;
    for (size_t i = begin; i < end; ++i) {
      int64_t n = tensors[i].numel();
      tensors[i].detach().view({-1}).copy_(bucket.narrow(0, offset, n));
      offset += n;
    }
    begin = end;
  }
}

}  // namespace videomae::dist
