// libFuzzer target: the strict JSON reader of checkpoint metadata (native/core/weights/json_mini.cpp),
// which parses every safetensors header and shard index. Beside memory errors and deep-recursion
// crashes it checks the round trip: what parses must re-serialise (jsonQuote) to text that parses
// to the same value.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "core/weights/json_mini.h"
#include "fuzz_common.h"

using videomae::weights::JsonValue;

namespace {

std::string serialise(const JsonValue& v) {
  switch (v.kind) {
    case JsonValue::Kind::Null:
      return "null";
    case JsonValue::Kind::Bool:
      return v.boolean ? "true" : "false";
    case JsonValue::Kind::Number: {
      char buf[40];
      std::snprintf(buf, sizeof buf, "%.17g", v.number);
      return buf;
    }
    case JsonValue::Kind::String:
      return videomae::weights::jsonQuote(v.string);
    case JsonValue::Kind::Array: {
      std::string out = "[";
      for (size_t i = 0; i < v.array.size(); ++i) out += (i ? "," : "") + serialise(v.array[i]);
      return out + "]";
    }
    case JsonValue::Kind::Object: {
      std::string out = "{";
      for (size_t i = 0; i < v.object.size(); ++i)
        out += (i ? "," : "") + videomae::weights::jsonQuote(v.object[i].first) + ":" + serialise(v.object[i].second);
      return out + "}";
    }
  }
  return "";
}

bool same(const JsonValue& a, const JsonValue& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case JsonValue::Kind::Null:
      return true;
    case JsonValue::Kind::Bool:
      return a.boolean == b.boolean;
    case JsonValue::Kind::Number:
      return a.number == b.number || (a.number != a.number && b.number != b.number);
    case JsonValue::Kind::String:
      return a.string == b.string;
    case JsonValue::Kind::Array:
      if (a.array.size() != b.array.size()) return false;
      for (size_t i = 0; i < a.array.size(); ++i)
        if (!same(a.array[i], b.array[i])) return false;
      return true;
    case JsonValue::Kind::Object:
      if (a.object.size() != b.object.size()) return false;
      for (size_t i = 0; i < a.object.size(); ++i)
        if (a.object[i].first != b.object[i].first || !same(a.object[i].second, b.object[i].second)) return false;
      return true;
  }
  return false;
}

// Well-formed UTF-8 (no overlong forms, no surrogates, nothing above U+10FFFF), as a JSON text
// must be (RFC 8259 § 8.1) and as the safetensors writers (serde_json) produce.
bool validUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    int n = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      n = 1, cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2, cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + n >= s.size()) return false;  // truncated sequence
    for (int k = 1; k <= n; ++k) {
      const auto d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    static const uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10FFFF || (cp >= 0xD800 && cp < 0xE000)) return false;
    i += n + 1;
  }
  return true;
}

// Every string (keys too) in the value is valid UTF-8.
bool allUtf8(const JsonValue& v) {
  if (v.kind == JsonValue::Kind::String && !validUtf8(v.string)) return false;
  for (const auto& item : v.array)
    if (!allUtf8(item)) return false;
  for (const auto& [key, item] : v.object)
    if (!validUtf8(key) || !allUtf8(item)) return false;
  return true;
}

bool finite(const JsonValue& v) {
  if (v.kind == JsonValue::Kind::Number) return v.number - v.number == 0;
  for (const auto& item : v.array)
    if (!finite(item)) return false;
  for (const auto& [key, item] : v.object)
    if (!finite(item)) return false;
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  videomae::fuzz::expectCleanErrors("json_fuzzer", [&] {
    JsonValue value = videomae::weights::parseJson(text, "fuzz input");
    // Escapes must not make invalid UTF-8 out of valid input (a lone or mismatched surrogate
    // escape such as uD800 decodes to no character: serde_json, which writes safetensors headers,
    // rejects it).
    if (validUtf8(text) && !allUtf8(value)) {
      std::fprintf(stderr, "json_fuzzer: a \\u escape decoded to invalid UTF-8\n");
      std::abort();
    }
    // 1e999 parses to infinity, which JSON cannot write back: the round trip is checked only for
    // finite numbers.
    if (!finite(value)) return;
    const std::string again = serialise(value);
    JsonValue reparsed;
    try {
      reparsed = videomae::weights::parseJson(again, "re-serialised fuzz input");
    } catch (const videomae::Error& error) {
      std::fprintf(stderr, "json_fuzzer: parsed input does not re-parse after jsonQuote: %s\n", error.what());
      std::abort();
    }
    if (!same(value, reparsed)) {
      std::fprintf(stderr, "json_fuzzer: round trip changed the value\n");
      std::abort();
    }
  });
  return 0;
}
