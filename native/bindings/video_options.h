// Parsing the decoder's JS option objects into plain C++ structs (JS thread, before queuing),
// and building the JS results. TypeScript validated everything first; these re-check cheaply.
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/video/clip_decode.h"
#include "core/video/frame_layout.h"
#include "core/video/video_decoder.h"

namespace videomae::bindings {

struct OutputOptions {
  video::FrameOptions frame;
  video::Layout layout = video::Layout::THWC;
  video::Normalization norm;
};

OutputOptions parseOutputOptions(Napi::Value value);
video::OpenOptions parseOpenOptions(Napi::Value value);

// A path (string) or the bytes of a whole file (Buffer/Uint8Array, copied).
struct VideoSource {
  std::string path;
  std::shared_ptr<const std::vector<uint8_t>> bytes;
  std::string describe() const;
};
VideoSource parseSource(Napi::Value value, const char* what);
std::unique_ptr<video::VideoDecoder> openSource(const VideoSource& source, const video::OpenOptions& options);

Napi::Object metadataToJs(Napi::Env env, const video::VideoMetadata& meta);

// Output storage allocated on the JS thread: the worker writes into it directly.
struct OutputBuffer {
  Napi::Reference<Napi::Value> array;  // Uint8Array (THWC) or Float32Array
  uint8_t* bytes = nullptr;            // THWC
  float* floats = nullptr;             // float layouts
};

// {data, shape} for frames (T, H, W) in the given layout.
std::vector<double> layoutShape(video::Layout layout, int64_t frames, int height, int width);
Napi::Array shapeToJs(Napi::Env env, const std::vector<double>& shape);

// Writes the RGB frames into `out` in the requested layout (plain loops, any thread).
void storeFrames(const std::vector<uint8_t>& rgb, int64_t frames, int height, int width, const OutputOptions& options, uint8_t* bytes,
                 float* floats);

// A decoded clip in its output layout, made on a worker thread; clipToJs copies it into a typed
// array on the JS thread (a typed array made by N-API owns its memory, which Electron requires).
struct PreparedClip {
  video::DecodedClip clip;
  std::vector<float> floats;  // float layouts (clip.rgb is then released)
};
PreparedClip prepareClip(video::DecodedClip clip, const OutputOptions& options);
Napi::Value clipToJs(Napi::Env env, const PreparedClip& prepared, const OutputOptions& options);

}  // namespace videomae::bindings
