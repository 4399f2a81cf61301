// Reading optional fields of the plain option objects TypeScript hands to native code. TypeScript
// validates first; these re-check cheaply with one wording: "<context>: <key> must be <expected>".
// A field that is undefined or null takes the fallback. JS thread only.
#pragma once
#include <napi.h>

#include <cstdint>
#include <limits>
#include <string>

namespace videomae::bindings {

bool hasField(Napi::Object object, const char* key);
double optionalNumber(Napi::Object object, const char* key, double fallback, const char* context);
int64_t optionalInteger(Napi::Object object, const char* key, int64_t fallback, const char* context,
                        int64_t min = std::numeric_limits<int64_t>::min(), int64_t max = std::numeric_limits<int64_t>::max());
std::string optionalString(Napi::Object object, const char* key, const std::string& fallback, const char* context);
bool optionalBool(Napi::Object object, const char* key, bool fallback);

}  // namespace videomae::bindings
