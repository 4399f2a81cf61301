#include "core/weights/torch_bin.h"

#include <ATen/ATen.h>
#include <caffe2/serialize/in_memory_adapter.h>
#include <caffe2/serialize/inline_container.h>

#include <cstring>
#include <fstream>
#include <memory>

#include "core/errors.h"
#include "core/weights/restricted_unpickler.h"

namespace videomae::weights {

namespace {

std::string recordText(caffe2::serialize::PyTorchStreamReader& reader, const std::string& name) {
  auto [data, size] = reader.getRecord(name);
  return std::string(static_cast<const char*>(data.get()), size);
}

bool isZip(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::Io, "cannot open " + path);
  char magic[4] = {};
  in.read(magic, 4);
  return in.gcount() == 4 && magic[0] == 'P' && magic[1] == 'K' && magic[2] == 3 && magic[3] == 4;
}

// The archive's state dict; `what` names the file (or buffer) in errors.
NamedTensors readArchive(caffe2::serialize::PyTorchStreamReader& reader, const std::string& what) {
  if (reader.hasRecord("byteorder") && recordText(reader, "byteorder") != "little")
    fail(ErrorCode::Checkpoint, what + ": big-endian checkpoints are not supported");
  if (!reader.hasRecord("data.pkl")) fail(ErrorCode::Checkpoint, what + ": the archive has no data.pkl (not a torch.save file)");
  std::string pickle = recordText(reader, "data.pkl");
  StorageLoader load = [&](const std::string& key, at::ScalarType dtype, int64_t numel) {
    std::string record = "data/" + key;
    if (key.find('/') != std::string::npos || !reader.hasRecord(record)) fail(ErrorCode::Checkpoint, what + ": missing storage " + record);
    auto [data, size] = reader.getRecord(record);
    // Compared by division: numel × element size could wrap around 64 bits and pass.
    const uint64_t itemsize = c10::elementSize(dtype);
    if (numel < 0 || static_cast<uint64_t>(numel) > size / itemsize)
      fail(ErrorCode::Checkpoint, what + ": storage " + record + " is shorter than declared");
    const uint64_t needed = static_cast<uint64_t>(numel) * itemsize;
    at::Tensor t = at::empty({numel}, at::TensorOptions().dtype(dtype));
    if (needed > 0) std::memcpy(t.data_ptr(), data.get(), needed);
    return t;
  };
  return unpickleStateDict(pickle, load, what);
}

[[noreturn]] void archiveError(const std::string& what, const std::string& message) {
  fail(ErrorCode::Checkpoint, what + ": cannot read the archive (" + message.substr(0, 300) + ")");
}

// Runs `read` (libtorch's zip reader and what reads through it); its failures become
// ErrorCode::Checkpoint naming `what`. Not only c10::Error: the reader's constructor parses the
// archive's version record with std::stoull and lets its std::out_of_range through, so a version
// of 20 digits reached users as ERR_VIDEOMAE_INTERNAL "stoull" (found by fuzz/torch_bin_fuzzer.cpp).
template <typename Read>
NamedTensors guardArchive(const std::string& what, Read&& read) {
  try {
    return read();
  } catch (const Error&) {
    throw;  // ours, already classified
  } catch (const std::bad_alloc&) {
    throw;  // out of memory stays out of memory
  } catch (const c10::Error& error) {
    archiveError(what, error.what_without_backtrace());
  } catch (const std::exception& error) {
    archiveError(what, error.what());
  }
}

}  // namespace

NamedTensors readTorchBin(const std::string& path) {
  if (!isZip(path))
    fail(ErrorCode::Checkpoint, path + ": not a torch.save zip archive (the legacy pre-1.6 format and other files are not supported)");
  return guardArchive(path, [&] {
    caffe2::serialize::PyTorchStreamReader reader(path);
    return readArchive(reader, path);
  });
}

NamedTensors readTorchBinBuffer(const uint8_t* data, size_t size, const std::string& what) {
  if (size < 4 || data[0] != 'P' || data[1] != 'K' || data[2] != 3 || data[3] != 4)
    fail(ErrorCode::Checkpoint, what + ": not a torch.save zip archive (the legacy pre-1.6 format and other files are not supported)");
  return guardArchive(what, [&] {
    caffe2::serialize::PyTorchStreamReader reader(std::make_shared<caffe2::serialize::MemoryReadAdapter>(data, static_cast<off_t>(size)));
    return readArchive(reader, what);
  });
}

}  // namespace videomae::weights
