#include "bindings/exceptions.h"

#include <c10/util/Exception.h>

#include <new>

#include "bindings/addon_data.h"
#include "core/errors.h"

namespace videomae::bindings {

namespace {

std::string withOperation(const std::string& operation, const std::string& what) {
  return operation.empty() ? what : operation + ": " + what;
}

// c10::Error::what() carries a multi-kilobyte C++ backtrace; users get the first line's meaning.
std::string torchMessage(const c10::Error& error) {
  std::string message = error.what_without_backtrace();
  while (!message.empty() && (message.back() == '\n' || message.back() == ' ')) message.pop_back();
  return message;
}

}  // namespace

ErrorInfo describeCurrentException(const std::string& operation) {
  try {
    throw;
  } catch (const Error& error) {
    return {errorCodeName(error.code()), withOperation(operation, error.what())};
  } catch (const c10::OutOfMemoryError& error) {
    return {errorCodeName(ErrorCode::OutOfMemory), withOperation(operation, torchMessage(error))};
  } catch (const c10::IndexError& error) {
    return {errorCodeName(ErrorCode::InvalidArg), withOperation(operation, torchMessage(error))};
  } catch (const c10::ValueError& error) {
    return {errorCodeName(ErrorCode::InvalidArg), withOperation(operation, torchMessage(error))};
  } catch (const c10::TypeError& error) {
    return {errorCodeName(ErrorCode::InvalidArg), withOperation(operation, torchMessage(error))};
  } catch (const c10::DistError& error) {  // c10d: a peer exited, a timeout, a socket error
    return {errorCodeName(ErrorCode::Distributed), withOperation(operation, torchMessage(error))};
  } catch (const c10::Error& error) {
    return {errorCodeName(ErrorCode::Internal), withOperation(operation, "libtorch: " + torchMessage(error))};
  } catch (const std::bad_alloc&) {
    return {errorCodeName(ErrorCode::OutOfMemory), withOperation(operation, "out of memory")};
  } catch (const std::exception& error) {
    return {errorCodeName(ErrorCode::Internal), withOperation(operation, error.what())};
  } catch (...) {
    return {errorCodeName(ErrorCode::Internal), withOperation(operation, "unknown native exception")};
  }
}

Napi::Error makeJsError(Napi::Env env, const ErrorInfo& info) {
  AddonData& data = addonData(env);
  if (!data.errorClass.IsEmpty()) {
    Napi::Object error = data.errorClass.New({Napi::String::New(env, info.message), Napi::String::New(env, info.code)});
    return Napi::Error(env, error);
  }
  Napi::Error error = Napi::Error::New(env, info.message);
  error.Set("code", Napi::String::New(env, info.code));
  return error;
}

}  // namespace videomae::bindings
