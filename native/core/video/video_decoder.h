// Frame-accurate video decoding on libav (no torch here).
//
// A VideoDecoder owns one demuxer + one decoder for one video stream. Frames are addressed by
// their index in presentation order (sorted pts), which frameTimestamps() lists. Fetching frames
// seeks to the keyframe at or before the first needed frame, decodes forward, and converts only
// the frames it returns (one swscale pass: colour matrix/range + resize to RGB24).
//
// Not thread-safe: one call at a time per decoder (the binding enforces it). Different decoders
// may run on different threads at once.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace videomae::video {

struct VideoMetadata {
  int width = 0, height = 0;  // coded size (before rotation)
  int rotation = 0;           // display-matrix angle (counter-clockwise degrees, as ffprobe shows), 0/90/180/270
  double fps = 0;
  int64_t numFrames = 0;  // exact (from the packet index)
  double durationSeconds = 0;
  std::string codec, pixelFormat;
  int64_t bitRate = 0;
  int streamIndex = -1;
  bool hasAudio = false;
};

struct OpenOptions {
  int streamIndex = -1;  // -1: av_find_best_stream
  int threads = 0;       // decoder threads; 0 = FFmpeg auto (frame + slice)
};

struct OutputSize {
  int height = 0, width = 0, shortestEdge = 0;  // all 0 → source size (after rotation)
};

enum class Interpolation { Bilinear, Nearest, Bicubic, Area };

// What to do with a frame that cannot be decoded (a corrupt stretch mid-stream).
enum class CorruptPolicy { Error, Skip };

struct FrameOptions {
  OutputSize size;
  Interpolation interpolation = Interpolation::Bilinear;
  bool autoRotate = true;
  CorruptPolicy onCorrupt = CorruptPolicy::Error;
};

// Counters of the last getFramesAt call (for tests, benchmarks and `onCorrupt: 'skip'`).
struct DecodeStats {
  int64_t seeks = 0;            // av_seek_frame calls
  int64_t decodedFrames = 0;    // frames out of the decoder
  int64_t skippedFrames = 0;    // unwanted disposable (non-reference) frames not decoded
  int64_t convertedFrames = 0;  // frames through swscale
  int64_t corruptFrames = 0;    // requested frames that could not be decoded (skip policy: left black)
};

class VideoDecoder {
 public:
  static std::unique_ptr<VideoDecoder> openFile(const std::string& path, const OpenOptions& options = {});
  static std::unique_ptr<VideoDecoder> openBuffer(std::shared_ptr<const std::vector<uint8_t>> bytes, const OpenOptions& options = {});
  ~VideoDecoder();
  VideoDecoder(const VideoDecoder&) = delete;
  VideoDecoder& operator=(const VideoDecoder&) = delete;

  const VideoMetadata& metadata() const;
  const std::vector<double>& frameTimestamps();                       // presentation order, seconds
  std::pair<int, int> outputSize(const FrameOptions& options) const;  // {height, width}

  // RGB24 frames at presentation-order indices (any order, repeats allowed) written to `out`,
  // which holds indices.size() * height * width * 3 bytes (sizes from outputSize()).
  void getFramesAt(const std::vector<int64_t>& indices, const FrameOptions& options, uint8_t* out);

  // pytorchvideo's clip rule (docs/hf-semantics.md § "pytorchvideo: clip window to frames"): frames with
  // ceil(start/tb) <= pts - startPts < ceil(end/tb), as presentation-order indices.
  std::vector<int64_t> clipIndices(double start, double end);
  // The same with end = start + duration summed exactly (pytorchvideo adds Fractions, so its end
  // need not be a double).
  std::vector<int64_t> clipIndicesFromDuration(double start, double duration);
  // The window [index·stride, index·stride + duration) in exact arithmetic on the doubles' binary
  // values, as pytorchvideo's Fraction sums give it (uniform clip k: stride = D; random: index 1, stride = start).
  std::vector<int64_t> clipIndicesScaled(int64_t index, double stride, double duration);

  // Presentation-order index of the frame displayed at `seconds` (its [pts, next pts) interval
  // holds the time; the last frame lasts one frame duration). -1 when outside the video.
  int64_t frameIndexPlayedAt(double seconds);

  // Counters of the last getFramesAt call.
  const DecodeStats& lastStats() const;

  struct Impl;

 private:
  explicit VideoDecoder(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// UniformTemporalSubsample's indices (docs/hf-semantics.md § "UniformTemporalSubsample"): torch.linspace(0, n-1, count) in
// float32, clamped, truncated.
std::vector<int64_t> uniformSubsample(int64_t n, int64_t count);

}  // namespace videomae::video
