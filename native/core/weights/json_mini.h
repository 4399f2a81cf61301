// A small JSON reader/writer for checkpoint metadata (safetensors headers, shard indexes).
// Strict: rejects trailing garbage, deep nesting and bad escapes with ErrorCode::Checkpoint.
// Objects keep their key order. No napi/torch dependency.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace videomae::weights {

struct JsonValue {
  enum class Kind { Null, Bool, Number, String, Array, Object };
  // Declared so that clang (with libstdc++, C++20) compiles the recursive `object` member below:
  // without it, checking JsonValue's implicit default constructor instantiates
  // pair<string, JsonValue> before JsonValue is complete (the fuzz targets build with clang).
  JsonValue() = default;
  Kind kind = Kind::Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<JsonValue> array;
  std::vector<std::pair<std::string, JsonValue>> object;

  const JsonValue* find(const std::string& key) const;
  bool isObject() const { return kind == Kind::Object; }
  bool isArray() const { return kind == Kind::Array; }
  bool isString() const { return kind == Kind::String; }
  bool isNumber() const { return kind == Kind::Number; }
};

// `what` names the file in error messages.
JsonValue parseJson(const std::string& text, const std::string& what);

// Escaped JSON string literal (with quotes).
std::string jsonQuote(const std::string& text);

}  // namespace videomae::weights
