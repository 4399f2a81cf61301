// libFuzzer target: pytorch_model.bin archives (native/core/weights/torch_bin.cpp through
// readTorchBinBuffer, which shares every step with readTorchBin: libtorch's zip reader, the
// records, the storage loader, the restricted unpickler).
//
// Two modes, by the first byte of the input:
//   even: the rest is the archive itself (hostile zip structure: directory, sizes, names);
//   odd:  the rest is split into records (name, bytes) that PyTorchStreamWriter packs into a
//         well-formed archive first, so that mutations reach the loader and the pickle instead
//         of failing the zip's CRC checks. Records: "<len:1><name><len:2 LE><bytes>" repeated.
#include <ATen/ATen.h>
#include <ATen/Parallel.h>
#include <caffe2/serialize/inline_container.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/weights/torch_bin.h"
#include "fuzz_common.h"
#include "fuzz_tensors.h"

namespace {

std::string packRecords(const uint8_t* data, size_t size) {
  std::string archive;
  caffe2::serialize::PyTorchStreamWriter writer([&](const void* buf, size_t n) -> size_t {
    if (n > 0 && buf != nullptr) archive.append(static_cast<const char*>(buf), n);
    return n;
  });
  size_t at = 0;
  std::vector<std::string> names;
  while (at < size) {
    const size_t nameLength = data[at++];
    if (nameLength > size - at) break;
    std::string name(reinterpret_cast<const char*>(data) + at, nameLength);
    at += nameLength;
    if (size - at < 2) break;
    const size_t length = data[at] | (static_cast<size_t>(data[at + 1]) << 8);
    at += 2;
    const size_t take = std::min(length, size - at);
    // The writer refuses a record name twice (and some names it writes itself): skip those.
    bool seen = name.empty() || name == "version" || name == ".data/version" || name == ".data/serialization_id" || name == "byteorder";
    for (const std::string& other : names) seen |= other == name;
    if (!seen) {
      writer.writeRecord(name, data + at, take);
      names.push_back(name);
    }
    at += take;
  }
  writer.writeEndOfFile();
  return archive;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  at::set_num_threads(1);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string packed;
  const uint8_t* archive = data + 1;
  size_t archiveSize = size - 1;
  if (data[0] & 1) {
    try {
      packed = packRecords(data + 1, size - 1);
    } catch (const c10::Error&) {
      return -1;  // the writer refused a record name: not an input of this mode
    }
    archive = reinterpret_cast<const uint8_t*>(packed.data());
    archiveSize = packed.size();
  }
  videomae::fuzz::expectCleanErrors("torch_bin_fuzzer", [&] {
    videomae::weights::NamedTensors tensors = videomae::weights::readTorchBinBuffer(archive, archiveSize, "fuzz input");
    videomae::fuzz::checkTensors("torch_bin_fuzzer", tensors);
  });
  return 0;
}
