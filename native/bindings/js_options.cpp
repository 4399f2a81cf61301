#include "bindings/js_options.h"

#include <cmath>

#include "core/errors.h"

namespace videomae::bindings {

namespace {

[[noreturn]] void wrongField(const char* context, const char* key, const std::string& expected) {
  fail(ErrorCode::InvalidArg, std::string(context) + ": " + key + " must be " + expected);
}

}  // namespace

bool hasField(Napi::Object object, const char* key) {
  Napi::Value value = object.Get(key);
  return !value.IsUndefined() && !value.IsNull();
}

double optionalNumber(Napi::Object object, const char* key, double fallback, const char* context) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined() || value.IsNull()) return fallback;
  if (!value.IsNumber()) wrongField(context, key, "a number");
  return value.As<Napi::Number>().DoubleValue();
}

int64_t optionalInteger(Napi::Object object, const char* key, int64_t fallback, const char* context, int64_t min, int64_t max) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined() || value.IsNull()) return fallback;
  if (!value.IsNumber()) wrongField(context, key, "an integer");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || number != std::trunc(number) || number < static_cast<double>(min) || number > static_cast<double>(max)) {
    std::string expected = "an integer";
    if (min != std::numeric_limits<int64_t>::min() || max != std::numeric_limits<int64_t>::max())
      expected += " in [" + std::to_string(min) + ", " + std::to_string(max) + "]";
    wrongField(context, key, expected);
  }
  return static_cast<int64_t>(number);
}

std::string optionalString(Napi::Object object, const char* key, const std::string& fallback, const char* context) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined() || value.IsNull()) return fallback;
  if (!value.IsString()) wrongField(context, key, "a string");
  return value.As<Napi::String>().Utf8Value();
}

bool optionalBool(Napi::Object object, const char* key, bool fallback) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined() || value.IsNull()) return fallback;
  return value.ToBoolean().Value();
}

}  // namespace videomae::bindings
