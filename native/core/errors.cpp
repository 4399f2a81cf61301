#include "core/errors.h"

namespace videomae {

const char* errorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::InvalidArg:
      return "ERR_VIDEOMAE_INVALID_ARG";
    case ErrorCode::Io:
      return "ERR_VIDEOMAE_IO";
    case ErrorCode::Decode:
      return "ERR_VIDEOMAE_DECODE";
    case ErrorCode::Unsupported:
      return "ERR_VIDEOMAE_UNSUPPORTED";
    case ErrorCode::Checkpoint:
      return "ERR_VIDEOMAE_CHECKPOINT";
    case ErrorCode::Model:
      return "ERR_VIDEOMAE_MODEL";
    case ErrorCode::Device:
      return "ERR_VIDEOMAE_DEVICE";
    case ErrorCode::Closed:
      return "ERR_VIDEOMAE_CLOSED";
    case ErrorCode::Busy:
      return "ERR_VIDEOMAE_BUSY";
    case ErrorCode::Cancelled:
      return "ERR_VIDEOMAE_CANCELLED";
    case ErrorCode::Dataset:
      return "ERR_VIDEOMAE_DATASET";
    case ErrorCode::OutOfMemory:
      return "ERR_VIDEOMAE_OUT_OF_MEMORY";
    case ErrorCode::Distributed:
      return "ERR_VIDEOMAE_DISTRIBUTED";
    case ErrorCode::Internal:
      return "ERR_VIDEOMAE_INTERNAL";
  }
  return "ERR_VIDEOMAE_INTERNAL";
}

std::vector<std::string> allErrorCodeNames() {
  std::vector<std::string> names;
  for (int code = static_cast<int>(ErrorCode::InvalidArg); code <= static_cast<int>(ErrorCode::Internal); ++code)
    names.emplace_back(errorCodeName(static_cast<ErrorCode>(code)));
  return names;
}

}  // namespace videomae
