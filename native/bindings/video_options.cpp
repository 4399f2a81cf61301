#include "bindings/video_options.h"

#include <cstring>

#include "bindings/js_options.h"
#include "core/errors.h"

namespace videomae::bindings {

namespace {

int intField(Napi::Object object, const char* key, int fallback) {
  return static_cast<int>(optionalInteger(object, key, fallback, "frame options", 0, 1000000));
}

std::string stringField(Napi::Object object, const char* key, const std::string& fallback) {
  return optionalString(object, key, fallback, "frame options");
}

std::array<float, 3> triple(Napi::Object object, const char* key, float fallback) {
  std::array<float, 3> result{fallback, fallback, fallback};
  Napi::Value value = object.Get(key);
  if (value.IsUndefined() || value.IsNull()) return result;
  if (value.IsNumber()) {
    result.fill(value.As<Napi::Number>().FloatValue());
    return result;
  }
  if (!value.IsArray() || value.As<Napi::Array>().Length() != 3) {
    fail(ErrorCode::InvalidArg, std::string("option ") + key + " must be a number or 3 numbers");
  }
  Napi::Array array = value.As<Napi::Array>();
  for (uint32_t c = 0; c < 3; ++c) result[c] = array.Get(c).As<Napi::Number>().FloatValue();
  return result;
}

}  // namespace

OutputOptions parseOutputOptions(Napi::Value value) {
  OutputOptions options;
  if (value.IsUndefined() || value.IsNull()) return options;
  if (!value.IsObject()) fail(ErrorCode::InvalidArg, "frame options must be an object");
  Napi::Object object = value.As<Napi::Object>();
  Napi::Value size = object.Get("size");
  if (size.IsObject()) {
    Napi::Object s = size.As<Napi::Object>();
    options.frame.size.height = intField(s, "height", 0);
    options.frame.size.width = intField(s, "width", 0);
    options.frame.size.shortestEdge = intField(s, "shortestEdge", 0);
  }
  const std::string interpolation = stringField(object, "interpolation", "bilinear");
  if (interpolation == "bilinear")
    options.frame.interpolation = video::Interpolation::Bilinear;
  else if (interpolation == "nearest")
    options.frame.interpolation = video::Interpolation::Nearest;
  else if (interpolation == "bicubic")
    options.frame.interpolation = video::Interpolation::Bicubic;
  else if (interpolation == "area")
    options.frame.interpolation = video::Interpolation::Area;
  else
    fail(ErrorCode::InvalidArg, "unknown interpolation " + interpolation);
  Napi::Value rotate = object.Get("autoRotate");
  if (rotate.IsBoolean()) options.frame.autoRotate = rotate.As<Napi::Boolean>().Value();
  const std::string corrupt = stringField(object, "onCorrupt", "error");
  if (corrupt != "error" && corrupt != "skip") fail(ErrorCode::InvalidArg, "onCorrupt must be 'error' or 'skip'");
  options.frame.onCorrupt = corrupt == "skip" ? video::CorruptPolicy::Skip : video::CorruptPolicy::Error;
  const std::string layout = stringField(object, "layout", "THWC");
  if (layout == "THWC")
    options.layout = video::Layout::THWC;
  else if (layout == "CTHW")
    options.layout = video::Layout::CTHW;
  else if (layout == "TCHW")
    options.layout = video::Layout::TCHW;
  else
    fail(ErrorCode::InvalidArg, "unknown layout " + layout);
  options.norm.mean = triple(object, "mean", 0.0f);
  options.norm.std = triple(object, "std", 1.0f);
  for (float s : options.norm.std) {
    if (!(s != 0.0f)) fail(ErrorCode::InvalidArg, "std must be non-zero");
  }
  return options;
}

video::OpenOptions parseOpenOptions(Napi::Value value) {
  video::OpenOptions options;
  if (!value.IsObject()) return options;
  Napi::Object object = value.As<Napi::Object>();
  Napi::Value stream = object.Get("stream");
  if (stream.IsNumber()) options.streamIndex = stream.As<Napi::Number>().Int32Value();
  options.threads = intField(object, "decoderThreads", 0);
  return options;
}

std::string VideoSource::describe() const { return bytes ? "video buffer (" + std::to_string(bytes->size()) + " bytes)" : path; }

VideoSource parseSource(Napi::Value value, const char* what) {
  VideoSource source;
  if (value.IsString()) {
    source.path = value.As<Napi::String>().Utf8Value();
    if (source.path.empty()) fail(ErrorCode::InvalidArg, std::string(what) + " must be a non-empty path");
  } else if (value.IsTypedArray() && value.As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    Napi::Uint8Array array = value.As<Napi::Uint8Array>();
    source.bytes = std::make_shared<const std::vector<uint8_t>>(array.Data(), array.Data() + array.ByteLength());
  } else {
    fail(ErrorCode::InvalidArg, std::string(what) + " must be a path or a Buffer");
  }
  return source;
}

std::unique_ptr<video::VideoDecoder> openSource(const VideoSource& source, const video::OpenOptions& options) {
  if (source.bytes) return video::VideoDecoder::openBuffer(source.bytes, options);
  return video::VideoDecoder::openFile(source.path, options);
}

Napi::Object metadataToJs(Napi::Env env, const video::VideoMetadata& meta) {
  Napi::Object object = Napi::Object::New(env);
  object.Set("width", meta.width);
  object.Set("height", meta.height);
  object.Set("rotation", meta.rotation);
  object.Set("fps", meta.fps);
  object.Set("numFrames", static_cast<double>(meta.numFrames));
  object.Set("durationSeconds", meta.durationSeconds);
  object.Set("codec", meta.codec);
  object.Set("pixelFormat", meta.pixelFormat);
  object.Set("bitRate", static_cast<double>(meta.bitRate));
  object.Set("streamIndex", meta.streamIndex);
  object.Set("hasAudio", meta.hasAudio);
  return object;
}

std::vector<double> layoutShape(video::Layout layout, int64_t frames, int height, int width) {
  const double t = static_cast<double>(frames);
  switch (layout) {
    case video::Layout::CTHW:
      return {3, t, static_cast<double>(height), static_cast<double>(width)};
    case video::Layout::TCHW:
      return {t, 3, static_cast<double>(height), static_cast<double>(width)};
    case video::Layout::THWC:
      break;
  }
  return {t, static_cast<double>(height), static_cast<double>(width), 3};
}

Napi::Array shapeToJs(Napi::Env env, const std::vector<double>& shape) {
  Napi::Array array = Napi::Array::New(env, shape.size());
  for (uint32_t i = 0; i < shape.size(); ++i) array.Set(i, shape[i]);
  return array;
}

void storeFrames(const std::vector<uint8_t>& rgb, int64_t frames, int height, int width, const OutputOptions& options, uint8_t* bytes,
                 float* floats) {
  if (options.layout == video::Layout::THWC) {
    if (!rgb.empty()) std::memcpy(bytes, rgb.data(), rgb.size());
    return;
  }
  video::rgbToFloat(rgb.data(), frames, height, width, options.layout, options.norm, floats);
}

PreparedClip prepareClip(video::DecodedClip clip, const OutputOptions& options) {
  PreparedClip prepared;
  if (options.layout != video::Layout::THWC) {
    prepared.floats.resize(clip.rgb.size());
    storeFrames(clip.rgb, clip.frames, clip.height, clip.width, options, nullptr, prepared.floats.data());
    clip.rgb = {};
  }
  prepared.clip = std::move(clip);
  return prepared;
}

Napi::Value clipToJs(Napi::Env env, const PreparedClip& prepared, const OutputOptions& options) {
  const video::DecodedClip& clip = prepared.clip;
  Napi::Object result = Napi::Object::New(env);
  if (options.layout == video::Layout::THWC) {
    Napi::Uint8Array data = Napi::Uint8Array::New(env, clip.rgb.size());
    if (!clip.rgb.empty()) std::memcpy(data.Data(), clip.rgb.data(), clip.rgb.size());
    result.Set("data", data);
  } else {
    Napi::Float32Array data = Napi::Float32Array::New(env, prepared.floats.size());
    if (!prepared.floats.empty()) std::memcpy(data.Data(), prepared.floats.data(), prepared.floats.size() * sizeof(float));
    result.Set("data", data);
  }
  result.Set("shape", shapeToJs(env, layoutShape(options.layout, clip.frames, clip.height, clip.width)));
  Napi::Array indices = Napi::Array::New(env, clip.indices.size());
  for (uint32_t i = 0; i < clip.indices.size(); ++i) indices.Set(i, static_cast<double>(clip.indices[i]));
  result.Set("indices", indices);
  result.Set("corruptFrames", static_cast<double>(clip.corruptFrames));
  return result;
}

}  // namespace videomae::bindings
