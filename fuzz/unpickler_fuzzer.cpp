// libFuzzer target: the restricted unpickler for torch.save state dicts
// (native/core/weights/restricted_unpickler.cpp), fed the data.pkl stream directly. Storages come
// from a stand-in for the archive (torch_bin.cpp's loader reads them from the zip; the zip path
// has its own target, torch_bin_fuzzer): any storage of up to kMaxStorage elements exists, larger
// ones are "shorter than declared", as they would be in an archive as small as a fuzz input.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/errors.h"
#include "core/weights/restricted_unpickler.h"
#include "fuzz_common.h"
#include "fuzz_tensors.h"

namespace {

constexpr int64_t kMaxStorage = 1 << 16;

at::Tensor loadStorage(const std::string& key, at::ScalarType dtype, int64_t numel) {
  if (numel < 0 || numel > kMaxStorage)
    videomae::fail(videomae::ErrorCode::Checkpoint, "fuzz input: storage data/" + key + " is shorter than declared");
  return at::zeros({numel}, at::TensorOptions().dtype(dtype));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  at::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string pickle(reinterpret_cast<const char*>(data), size);
  videomae::fuzz::expectCleanErrors("unpickler_fuzzer", [&] {
    videomae::weights::NamedTensors tensors = videomae::weights::unpickleStateDict(pickle, loadStorage, "fuzz input");
    videomae::fuzz::checkTensors("unpickler_fuzzer", tensors);
  });
  return 0;
}
