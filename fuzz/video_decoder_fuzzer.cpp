// libFuzzer target: the video decoder on an in-memory file (native/core/video/video_decoder.cpp
// through VideoDecoder::openBuffer, the path of VideoReader.open(Buffer) and pipeline(buffer)):
// open (probe, packet index, display-order pass), metadata, timestamps, then getFramesAt on a few
// frames (out of order, repeated, so seeks back and forth) into exactly sized output, a second
// request on the same decoder, and the clip/time lookups.
//
// Work per input is capped: one decoder thread, output frames of at most 32x32, at most 4 frames
// a request. libav itself is not instrumented (the system's FFmpeg): coverage guides by our code
// only, and a memory error inside libav shows only when it faults. Options are picked from a
// hash of the input, so a mutation also varies size, interpolation and the corrupt-frame policy.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <vector>

#include "core/video/video_decoder.h"
#include "fuzz_common.h"

using namespace videomae::video;

namespace {

uint64_t fnv1a(const uint8_t* data, size_t size) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
  return h;
}

void decode(VideoDecoder& decoder, const std::vector<int64_t>& indices, const FrameOptions& options) {
  const auto [height, width] = decoder.outputSize(options);
  // Exactly the bytes getFramesAt may write: ASan reports a single byte beyond.
  std::vector<uint8_t> out(indices.size() * static_cast<size_t>(height) * width * 3);
  decoder.getFramesAt(indices, options, out.data());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint64_t h = fnv1a(data, size);
  videomae::fuzz::expectCleanErrors("video_decoder_fuzzer", [&] {
    auto bytes = std::make_shared<const std::vector<uint8_t>>(data, data + size);
    OpenOptions open;
    open.threads = 1;
    std::unique_ptr<VideoDecoder> decoder = VideoDecoder::openBuffer(bytes, open);
    const VideoMetadata& meta = decoder->metadata();
    const std::vector<double>& ts = decoder->frameTimestamps();
    if (static_cast<int64_t>(ts.size()) != meta.numFrames || ts.empty()) {
      std::fprintf(stderr, "video_decoder_fuzzer: %zu timestamps for %lld frames\n", ts.size(), static_cast<long long>(meta.numFrames));
      std::abort();
    }
    for (size_t i = 1; i < ts.size(); ++i)
      if (!(ts[i - 1] <= ts[i])) {
        std::fprintf(stderr, "video_decoder_fuzzer: timestamps out of order at %zu\n", i);
        std::abort();
      }

    FrameOptions options;
    options.autoRotate = (h >> 1) & 1;
    options.onCorrupt = (h >> 2) & 1 ? CorruptPolicy::Skip : CorruptPolicy::Error;
    options.interpolation = static_cast<Interpolation>((h >> 3) & 3);
    switch ((h >> 5) % 3) {
      case 0:  // the source size, when it is small
        if (static_cast<int64_t>(meta.width) * meta.height > 32 * 32) options.size = {16, 16, 0};
        break;
      case 1:
        options.size = {static_cast<int>(1 + ((h >> 8) & 31)), static_cast<int>(1 + ((h >> 13) & 31)), 0};
        break;
      default:
        options.size = {0, 0, static_cast<int>(1 + ((h >> 8) & 15))};
        // shortest-edge scaling of a very elongated source gives a long side we do not want here
        if (meta.width > 4 * meta.height || meta.height > 4 * meta.width) options.size = {16, 16, 0};
    }

    const int64_t n = meta.numFrames;
    const int64_t mid = n / 2;
    // Last first (a seek), then back to the start (a rewind), a repeat, the middle.
    std::vector<int64_t> first = {n - 1, 0, mid, mid};
    first.resize(1 + ((h >> 18) & 3));
    try {
      decode(*decoder, first, options);
    } catch (const videomae::Error&) {
      // A corrupt frame under the Error policy: the decoder must still serve the next request.
    }
    decode(*decoder, {(static_cast<int64_t>(h >> 20) % n + n) % n}, options);

    (void)decoder->frameIndexPlayedAt(ts[mid]);
    (void)decoder->frameIndexPlayedAt(ts.back() + 1e-3);
    (void)decoder->clipIndices(0.0, meta.durationSeconds);
    (void)decoder->clipIndicesFromDuration(ts.front(), 0.5);
  });
  return 0;
}
