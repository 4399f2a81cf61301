#include "core/weights/safetensors.h"

#include <ATen/ATen.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>

#include "core/errors.h"
#include "core/weights/json_mini.h"

namespace videomae::weights {

namespace {

struct Entry {
  std::string name;
  at::ScalarType dtype;
  std::vector<int64_t> shape;
  uint64_t begin = 0;
  uint64_t end = 0;
};

struct DtypeName {
  const char* name;
  at::ScalarType type;
};

constexpr DtypeName kDtypes[] = {
    {"F64", at::kDouble}, {"F32", at::kFloat}, {"F16", at::kHalf}, {"BF16", at::kBFloat16}, {"I64", at::kLong},
    {"I32", at::kInt},    {"I16", at::kShort}, {"I8", at::kChar},  {"U8", at::kByte},       {"BOOL", at::kBool},
};

at::ScalarType dtypeFromName(const std::string& name, const std::string& where) {
  for (const auto& d : kDtypes)
    if (name == d.name) return d.type;
  fail(ErrorCode::Checkpoint, where + ": unsupported dtype \"" + name + "\"");
}

const char* dtypeName(at::ScalarType type, const std::string& where) {
  for (const auto& d : kDtypes)
    if (type == d.type) return d.name;
  fail(ErrorCode::Checkpoint, where + ": cannot write dtype " + c10::toString(type));
}

uint64_t nonNegativeInteger(const JsonValue& v, const std::string& where) {
  if (!v.isNumber() || v.number < 0 || v.number > 9.0e15 || v.number != std::floor(v.number))
    fail(ErrorCode::Checkpoint, where + " must be a non-negative integer");
  return static_cast<uint64_t>(v.number);
}

Entry parseEntry(const std::string& name, const JsonValue& info, uint64_t dataBytes, const std::string& file) {
  std::string where = file + ": tensor \"" + name + "\"";
  if (!info.isObject()) fail(ErrorCode::Checkpoint, where + ": header entry is not an object");
  const JsonValue* dtype = info.find("dtype");
  const JsonValue* shape = info.find("shape");
  const JsonValue* offsets = info.find("data_offsets");
  if (!dtype || !dtype->isString() || !shape || !shape->isArray() || !offsets || !offsets->isArray() || offsets->array.size() != 2)
    fail(ErrorCode::Checkpoint, where + ": header entry needs dtype, shape and data_offsets [begin, end]");
  Entry entry{name, dtypeFromName(dtype->string, where), {}, 0, 0};
  uint64_t numel = 1;
  // The product of the dimensions with zeros counted as 1 is bounded too: [0, 9e15, 9e15] holds
  // no element, but its contiguous strides overflow int64, and at::empty threw a c10::Error
  // ("Stride calculation overflowed", ERR_VIDEOMAE_INTERNAL) instead of a checkpoint error
  // (found by review, confirmed with fuzz/safetensors_fuzzer.cpp).
  uint64_t extent = 1;
  for (const JsonValue& dim : shape->array) {
    uint64_t d = nonNegativeInteger(dim, where + " shape entry");
    entry.shape.push_back(static_cast<int64_t>(d));
    const uint64_t span = std::max<uint64_t>(d, 1);
    if (extent > (1ull << 50) / span) fail(ErrorCode::Checkpoint, where + ": shape is too large");
    extent *= span;
    numel *= d;
  }
  entry.begin = nonNegativeInteger(offsets->array[0], where + " data_offsets");
  entry.end = nonNegativeInteger(offsets->array[1], where + " data_offsets");
  if (entry.begin > entry.end || entry.end > dataBytes)
    fail(ErrorCode::Checkpoint, where + ": data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) +
                                    "] lie outside the data section of " + std::to_string(dataBytes) +
                                    " bytes (truncated or corrupt file)");
  uint64_t expected = numel * c10::elementSize(entry.dtype);
  if (entry.end - entry.begin != expected)
    fail(ErrorCode::Checkpoint,
         where + ": holds " + std::to_string(entry.end - entry.begin) + " bytes but its dtype and shape need " + std::to_string(expected));
  return entry;
}

void checkNoOverlap(std::vector<Entry>& entries, const std::string& file) {
  // Empty tensors occupy no bytes and are left out. Each range is compared with the furthest end
  // reached so far, not with its sorted neighbour's: an empty tensor between two overlapping ones
  // ([0, 100), [50, 50), [60, 80)) used to hide their overlap (found by review, confirmed with
  // fuzz/safetensors_fuzzer.cpp).
  std::vector<const Entry*> sorted;
  for (const Entry& e : entries)
    if (e.begin != e.end) sorted.push_back(&e);
  std::sort(sorted.begin(), sorted.end(), [](const Entry* a, const Entry* b) { return a->begin < b->begin; });
  const Entry* furthest = nullptr;
  for (const Entry* e : sorted) {
    if (furthest != nullptr && e->begin < furthest->end)
      fail(ErrorCode::Checkpoint, file + ": tensors \"" + furthest->name + "\" and \"" + e->name + "\" overlap in the data section");
    if (furthest == nullptr || e->end > furthest->end) furthest = e;
  }
}

// The reader proper, over any random-access source of `fileBytes` bytes (a file or a buffer in
// memory): `readAt(offset, dst, n)` copies n bytes at offset into dst, false when it cannot.
// `what` names the source in errors.
using ReadAt = std::function<bool(uint64_t offset, void* dst, uint64_t n)>;

NamedTensors readSafetensorsFrom(uint64_t fileBytes, const ReadAt& readAt, const std::string& what) {
  if (fileBytes < 8) fail(ErrorCode::Checkpoint, what + ": truncated safetensors file (" + std::to_string(fileBytes) + " bytes)");
  unsigned char lengthBytes[8];
  if (!readAt(0, lengthBytes, 8)) fail(ErrorCode::Io, "cannot read the header of " + what);
  uint64_t headerBytes = 0;
  for (int i = 7; i >= 0; --i) headerBytes = (headerBytes << 8) | lengthBytes[i];
  if (headerBytes > kMaxHeaderBytes || headerBytes > fileBytes - 8)
    fail(ErrorCode::Checkpoint, what + ": declared header length " + std::to_string(headerBytes) + " exceeds the file size " +
                                    std::to_string(fileBytes) + " (truncated or not a safetensors file)");
  std::string header(headerBytes, '\0');
  if (!readAt(8, header.data(), headerBytes)) fail(ErrorCode::Io, "cannot read the header of " + what);
  JsonValue root = parseJson(header, what + " header");
  if (!root.isObject()) fail(ErrorCode::Checkpoint, what + ": header is not a JSON object");
  uint64_t dataStart = 8 + headerBytes;
  uint64_t dataBytes = fileBytes - dataStart;
  std::vector<Entry> entries;
  for (const auto& [name, info] : root.object) {
    if (name == "__metadata__") continue;
    entries.push_back(parseEntry(name, info, dataBytes, what));
  }
  checkNoOverlap(entries, what);
  NamedTensors tensors;
  tensors.reserve(entries.size());
  for (const Entry& e : entries) {
    at::Tensor t = at::empty(e.shape, at::TensorOptions().dtype(e.dtype));
    if (!readAt(dataStart + e.begin, t.data_ptr(), e.end - e.begin))
      fail(ErrorCode::Checkpoint, what + ": cannot read the data of tensor \"" + e.name + "\" (truncated file)");
    tensors.emplace_back(e.name, std::move(t));
  }
  return tensors;
}

}  // namespace

NamedTensors readSafetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) fail(ErrorCode::Io, "cannot open " + path);
  std::error_code ec;
  uint64_t fileBytes = std::filesystem::file_size(path, ec);
  if (ec) fail(ErrorCode::Io, "cannot stat " + path);
  return readSafetensorsFrom(
      fileBytes,
      [&](uint64_t offset, void* dst, uint64_t n) {
        in.seekg(static_cast<std::streamoff>(offset));
        in.read(static_cast<char*>(dst), static_cast<std::streamsize>(n));
        return static_cast<bool>(in);
      },
      path);
}

NamedTensors readSafetensorsBuffer(const uint8_t* data, size_t size, const std::string& what) {
  return readSafetensorsFrom(
      size,
      [&](uint64_t offset, void* dst, uint64_t n) {
        if (offset > size || n > size - offset) return false;
        if (n > 0) std::memcpy(dst, data + offset, n);
        return true;
      },
      what);
}

void writeSafetensors(const std::string& path, const NamedTensors& tensors, const std::map<std::string, std::string>& metadata) {
  std::vector<at::Tensor> contiguous;
  // The header is appended piece by piece: GCC 12 at -O3 reports a false -Wstringop-overflow on
  // chained `const char* + std::string` expressions in this function.
  std::string header = "{";
  if (!metadata.empty()) {
    header += "\"__metadata__\":{";
    bool first = true;
    for (const auto& [k, v] : metadata) {
      if (!first) header += ',';
      header += jsonQuote(k);
      header += ':';
      header += jsonQuote(v);
      first = false;
    }
    header += "}";
  }
  uint64_t offset = 0;
  for (const auto& [name, tensor] : tensors) {
    at::Tensor t = tensor.detach().to(at::kCPU).contiguous();
    std::string shape;
    for (int64_t d : t.sizes()) {
      if (!shape.empty()) shape += ',';
      shape += std::to_string(d);
    }
    uint64_t bytes = t.nbytes();
    if (header.size() > 1) header += ',';
    header += jsonQuote(name);
    header += ":{\"dtype\":\"";
    header += dtypeName(t.scalar_type(), path);
    header += "\",\"shape\":[";
    header += shape;
    header += "],\"data_offsets\":[";
    header += std::to_string(offset);
    header += ',';
    header += std::to_string(offset + bytes);
    header += "]}";
    offset += bytes;
    contiguous.push_back(std::move(t));
  }
  header += "}";
  while (header.size() % 8 != 0) header += ' ';
  std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    if (!out) fail(ErrorCode::Io, "cannot create " + temp);
    uint64_t n = header.size();
    unsigned char lengthBytes[8];
    for (int i = 0; i < 8; ++i) lengthBytes[i] = static_cast<unsigned char>(n >> (8 * i));
    out.write(reinterpret_cast<const char*>(lengthBytes), 8);
    out.write(header.data(), static_cast<std::streamsize>(header.size()));
    for (const at::Tensor& t : contiguous)
      if (t.nbytes() > 0) out.write(static_cast<const char*>(t.const_data_ptr()), static_cast<std::streamsize>(t.nbytes()));
    out.flush();
    if (!out) fail(ErrorCode::Io, "cannot write " + temp);
  }
  std::error_code ec;
  std::filesystem::rename(temp, path, ec);
  if (ec) fail(ErrorCode::Io, "cannot rename " + temp + " to " + path + ": " + ec.message());
}

}  // namespace videomae::weights
