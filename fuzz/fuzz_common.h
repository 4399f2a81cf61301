// Shared by the libFuzzer targets (fuzz/*_fuzzer.cpp, built by fuzz/CMakeLists.txt; never shipped).
// What counts as a finding, beside what the sanitizers report: any exception other than a
// videomae::Error with a code other than Internal. Users see those as ERR_VIDEOMAE_INTERNAL ("a
// bug", native/core/errors.h), or as a crash when nothing catches them.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "core/errors.h"

namespace videomae::fuzz {

// Runs `body`; a clean videomae::Error (bad input, correctly classified) is the expected outcome
// for most inputs. Anything else aborts, which libFuzzer records as a crash with its input.
// VIDEOMAE_FUZZ_VERBOSE=1 prints each input's outcome (to check seeds, or triage a finding).
template <typename Body>
void expectCleanErrors(const char* target, Body&& body) {
  static const bool verbose = [] {
    const char* env = std::getenv("VIDEOMAE_FUZZ_VERBOSE");
    return env != nullptr && env[0] == '1';
  }();
  try {
    body();
    if (verbose) std::fprintf(stderr, "%s: accepted\n", target);
  } catch (const Error& error) {
    if (verbose)
      std::fprintf(stderr, "%s: rejected (%s): %s\n", target, errorCodeName(error.code()),
                   std::string(error.what()).substr(0, 300).c_str());
    if (error.code() == ErrorCode::Internal) {
      std::fprintf(stderr, "%s: ERR_VIDEOMAE_INTERNAL on hostile input: %s\n", target, error.what());
      std::abort();
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "%s: an exception that is not a videomae::Error escaped: %s\n", target,
                 std::string(error.what()).substr(0, 2000).c_str());
    std::abort();
  } catch (...) {
    std::fprintf(stderr, "%s: an unknown exception escaped\n", target);
    std::abort();
  }
}

}  // namespace videomae::fuzz
