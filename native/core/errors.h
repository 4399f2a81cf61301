// The package's error vocabulary, shared by every native component (no N-API here).
// Each code is stable: JS users switch on `err.code`, so never rename one.
#pragma once
#include <stdexcept>
#include <string>
#include <vector>

namespace videomae {

enum class ErrorCode {
  InvalidArg,   // a caller passed something wrong (shape, range, type, option)
  Io,           // a file or folder is missing or unreadable
  Decode,       // the demuxer/decoder failed or the data is corrupt
  Unsupported,  // a codec, format or feature this build cannot handle
  Checkpoint,   // a weights/config file is malformed or does not fit the model
  Model,        // the model cannot run this input (config mismatch, NaN, ...)
  Device,       // the requested device (CUDA) is not available
  Closed,       // the object was closed/disposed
  Busy,         // another operation on the same object is in flight
  Cancelled,    // the caller cancelled the operation
  Dataset,      // a dataset folder/list is missing, empty or inconsistent
  OutOfMemory,  // allocation failed
  Distributed,  // a process-group rendezvous or collective failed (a rank exited, a timeout, a port in use)
  Internal,     // anything unexpected (a bug): the message says what failed. Stays last: allErrorCodeNames() ends here.
};

const char* errorCodeName(ErrorCode code);
// Every ErrorCode's name, in declaration order (the addon exports them; a test compares them with lib/errors.ts).
std::vector<std::string> allErrorCodeNames();

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const { return code_; }

 private:
  ErrorCode code_;
};

[[noreturn]] inline void fail(ErrorCode code, const std::string& message) { throw Error(code, message); }

}  // namespace videomae
