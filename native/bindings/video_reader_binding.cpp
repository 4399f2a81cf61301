// VideoReaderHandle: the native side of lib/decoder's VideoReader. One decoder per handle, one
// operation in flight at a time (ERR_VIDEOMAE_BUSY otherwise); close() drops the decoder, or lets
// the in-flight operation drop it when it ends.
#include <atomic>
#include <cmath>
#include <memory>

#include "bindings/addon_data.h"
#include "bindings/async_task.h"
#include "bindings/exceptions.h"
#include "bindings/modules.h"
#include "bindings/video_options.h"
#include "core/errors.h"

namespace videomae::bindings {

namespace {

struct ReaderState {
  std::unique_ptr<video::VideoDecoder> decoder;
  std::atomic<bool> busy{false};
};

std::vector<int64_t> indicesFromJs(Napi::Value value) {
  std::vector<int64_t> indices;
  auto push = [&](double number) {
    if (!std::isfinite(number) || number != std::floor(number)) fail(ErrorCode::InvalidArg, "frame indices must be integers");
    indices.push_back(static_cast<int64_t>(number));
  };
  if (value.IsArray()) {
    Napi::Array array = value.As<Napi::Array>();
    for (uint32_t i = 0; i < array.Length(); ++i) {
      Napi::Value item = array.Get(i);
      if (!item.IsNumber()) fail(ErrorCode::InvalidArg, "frame indices must be numbers");
      push(item.As<Napi::Number>().DoubleValue());
    }
  } else if (value.IsTypedArray()) {
    Napi::TypedArray typed = value.As<Napi::TypedArray>();
    for (size_t i = 0; i < typed.ElementLength(); ++i) push(typed.Get(static_cast<uint32_t>(i)).As<Napi::Number>().DoubleValue());
  } else {
    fail(ErrorCode::InvalidArg, "frame indices must be an array of integers");
  }
  return indices;
}

class VideoReaderHandle : public Napi::ObjectWrap<VideoReaderHandle> {
 public:
  static void define(Napi::Env env, Napi::Object exports) {
    Napi::Function ctor = DefineClass(
        env, "VideoReaderHandle",
        {InstanceMethod<&VideoReaderHandle::metadata>("metadata"), InstanceMethod<&VideoReaderHandle::frameTimestamps>("frameTimestamps"),
         InstanceMethod<&VideoReaderHandle::outputSize>("outputSize"), InstanceMethod<&VideoReaderHandle::clipIndices>("clipIndices"),
         InstanceMethod<&VideoReaderHandle::frameIndicesPlayedAt>("frameIndicesPlayedAt"),
         InstanceMethod<&VideoReaderHandle::getFramesAt>("getFramesAt"), InstanceMethod<&VideoReaderHandle::close>("close"),
         InstanceAccessor<&VideoReaderHandle::closed>("closed")});
    registerClass(env, "VideoReaderHandle", ctor);
    exports.Set("VideoReaderHandle", ctor);
  }

  explicit VideoReaderHandle(const Napi::CallbackInfo& info) : Napi::ObjectWrap<VideoReaderHandle>(info) {}

  void adopt(std::shared_ptr<ReaderState> state) { state_ = std::move(state); }

 private:
  // The decoder for a synchronous call: open and idle.
  video::VideoDecoder& idleDecoder(const char* operation) {
    if (!state_) fail(ErrorCode::Closed, std::string(operation) + ": the video reader is closed");
    if (state_->busy) fail(ErrorCode::Busy, std::string(operation) + ": another operation on this video reader is in flight");
    return *state_->decoder;
  }

  Napi::Value metadata(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "metadata", [&]() -> Napi::Value { return metadataToJs(info.Env(), idleDecoder("metadata").metadata()); });
  }

  Napi::Value frameTimestamps(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "frameTimestamps", [&]() -> Napi::Value {
      const std::vector<double>& ts = idleDecoder("frameTimestamps").frameTimestamps();
      Napi::Float64Array array = Napi::Float64Array::New(info.Env(), ts.size());
      std::copy(ts.begin(), ts.end(), array.Data());
      return array;
    });
  }

  Napi::Value outputSize(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "outputSize", [&]() -> Napi::Value {
      OutputOptions options = parseOutputOptions(info[0]);
      auto [h, w] = idleDecoder("outputSize").outputSize(options.frame);
      return shapeToJs(info.Env(), {static_cast<double>(h), static_cast<double>(w)});
    });
  }

  Napi::Value clipIndices(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "clipIndices", [&]() -> Napi::Value {
      video::VideoDecoder& decoder = idleDecoder("clipIndices");
      const double start = info[0].As<Napi::Number>().DoubleValue();
      const double end = info[1].As<Napi::Number>().DoubleValue();
      std::vector<int64_t> indices = info[2].IsNumber() ? decoder.clipIndicesFromDuration(start, info[2].As<Napi::Number>().DoubleValue())
                                                        : decoder.clipIndices(start, end);
      Napi::Array array = Napi::Array::New(info.Env(), indices.size());
      for (uint32_t i = 0; i < indices.size(); ++i) array.Set(i, static_cast<double>(indices[i]));
      return array;
    });
  }

  Napi::Value frameIndicesPlayedAt(const Napi::CallbackInfo& info) {
    return guarded(info.Env(), "frameIndicesPlayedAt", [&]() -> Napi::Value {
      video::VideoDecoder& decoder = idleDecoder("getFramesPlayedAt");
      Napi::Array seconds = info[0].As<Napi::Array>();
      Napi::Array array = Napi::Array::New(info.Env(), seconds.Length());
      for (uint32_t i = 0; i < seconds.Length(); ++i) {
        array.Set(i, static_cast<double>(decoder.frameIndexPlayedAt(seconds.Get(i).As<Napi::Number>().DoubleValue())));
      }
      return array;
    });
  }

  Napi::Value getFramesAt(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    return guarded(env, "getFramesAt", [&]() -> Napi::Value {
      video::VideoDecoder& decoder = idleDecoder("getFramesAt");
      std::vector<int64_t> indices = indicesFromJs(info[0]);
      OutputOptions options = parseOutputOptions(info[1]);
      const int64_t count = decoder.metadata().numFrames;
      for (int64_t index : indices) {
        if (index < 0 || index >= count) {
          fail(ErrorCode::InvalidArg,
               "frame index " + std::to_string(index) + " is out of range (the video has " + std::to_string(count) + " frames)");
        }
      }
      auto [height, width] = decoder.outputSize(options.frame);
      const size_t elements = indices.size() * static_cast<size_t>(height) * width * 3;
      // Output memory is made here, on the JS thread; the worker writes straight into it.
      Napi::TypedArray data;
      uint8_t* bytes = nullptr;
      float* floats = nullptr;
      if (options.layout == video::Layout::THWC) {
        Napi::Uint8Array array = Napi::Uint8Array::New(env, elements);
        bytes = array.Data();
        data = array;
      } else {
        Napi::Float32Array array = Napi::Float32Array::New(env, elements);
        floats = array.Data();
        data = array;
      }
      std::vector<double> shape = layoutShape(options.layout, static_cast<int64_t>(indices.size()), height, width);
      auto state = state_;
      // Busy until the promise settles (cleared on the JS thread): from JS, one call is in flight
      // at a time, whatever the worker's timing.
      state->busy = true;
      auto corrupt = std::make_shared<int64_t>(0);
      auto fill = [state, indices, options, height, width, bytes, floats, corrupt, elements]() {
        if (options.layout == video::Layout::THWC) {
          state->decoder->getFramesAt(indices, options.frame, bytes);
        } else {
          std::vector<uint8_t> rgb(elements);
          state->decoder->getFramesAt(indices, options.frame, rgb.data());
          storeFrames(rgb, static_cast<int64_t>(indices.size()), height, width, options, nullptr, floats);
        }
        *corrupt = state->decoder->lastStats().corruptFrames;
      };
      // kept[0] is this call's own output array, filled by the worker.
      auto finish = [shape, corrupt](Napi::Env e, const std::vector<Napi::Value>& kept) -> Napi::Value {
        Napi::Object result = Napi::Object::New(e);
        result.Set("data", kept[0]);
        result.Set("shape", shapeToJs(e, shape));
        result.Set("corruptFrames", static_cast<double>(*corrupt));
        return result;
      };
      return runAsyncFilling(env, "decode frames", fill, finish, [state] { state->busy = false; }, {data, info.This()});
    });
  }

  Napi::Value close(const Napi::CallbackInfo& info) {
    // The in-flight work holds its own reference to the state: the decoder is freed when it ends.
    state_.reset();
    return info.Env().Undefined();
  }

  Napi::Value closed(const Napi::CallbackInfo& info) { return Napi::Boolean::New(info.Env(), !state_); }

  std::shared_ptr<ReaderState> state_;
};

Napi::Value openVideo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "openVideo", [&]() -> Napi::Value {
    VideoSource source = parseSource(info[0], "source");
    video::OpenOptions options = parseOpenOptions(info[1]);
    auto opened = std::make_shared<std::shared_ptr<ReaderState>>();
    AsyncWork work = [source, options, opened]() -> ResultBuilder {
      auto state = std::make_shared<ReaderState>();
      state->decoder = openSource(source, options);
      *opened = state;
      return [opened](Napi::Env e) -> Napi::Value {
        Napi::Object handle = classConstructor(e, "VideoReaderHandle").New({});
        VideoReaderHandle::Unwrap(handle)->adopt(*opened);
        opened->reset();
        return handle;
      };
    };
    return runAsync(env, "open video " + source.describe(), work);
  });
}

}  // namespace

void initVideoReaderModule(Napi::Env env, Napi::Object exports) {
  VideoReaderHandle::define(env, exports);
  exports.Set("openVideo", Napi::Function::New(env, openVideo, "openVideo"));
}

}  // namespace videomae::bindings
