// decodeClip (one video, one Promise) and decodeClips (many videos through the native decode
// pool: `threads` native threads, one decoder thread each, the JS thread never blocks).
#include <memory>

#include "bindings/async_task.h"
#include "bindings/exceptions.h"
#include "bindings/modules.h"
#include "bindings/video_options.h"
#include "core/errors.h"
#include "core/video/decode_pool.h"

namespace videomae::bindings {

namespace {

video::ClipRequest parseClipRequest(Napi::Value value, const OutputOptions& output) {
  video::ClipRequest request;
  request.frame = output.frame;
  if (!value.IsObject()) return request;
  Napi::Object object = value.As<Napi::Object>();
  Napi::Value frames = object.Get("numFrames");
  if (frames.IsNumber()) request.numFrames = frames.As<Napi::Number>().Int64Value();
  Napi::Value clip = object.Get("clip");
  if (clip.IsObject()) {
    request.hasClip = true;
    request.start = clip.As<Napi::Object>().Get("start").As<Napi::Number>().DoubleValue();
    request.end = clip.As<Napi::Object>().Get("end").As<Napi::Number>().DoubleValue();
  }
  return request;
}

Napi::Value decodeClipJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "decodeClip", [&]() -> Napi::Value {
    VideoSource source = parseSource(info[0], "source");
    OutputOptions output = parseOutputOptions(info[1]);
    video::ClipRequest request = parseClipRequest(info[1], output);
    video::OpenOptions open = parseOpenOptions(info[1]);
    AsyncWork work = [source, output, request, open]() -> ResultBuilder {
      auto decoder = openSource(source, open);
      auto prepared = std::make_shared<PreparedClip>(prepareClip(video::decodeClip(*decoder, request), output));
      return [prepared, output](Napi::Env e) { return clipToJs(e, *prepared, output); };
    };
    return runAsync(env, "decode clip of " + source.describe(), work);
  });
}

struct BatchItem {
  VideoSource source;
  video::ClipRequest request;
  PreparedClip result;
  ErrorInfo error;
  bool failed = false;
};

Napi::Value decodeClipsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "decodeClips", [&]() -> Napi::Value {
    if (!info[0].IsArray()) fail(ErrorCode::InvalidArg, "sources must be an array");
    Napi::Array sources = info[0].As<Napi::Array>();
    OutputOptions output = parseOutputOptions(info[1]);
    int threads = video::defaultThreads();
    if (info[1].IsObject() && info[1].As<Napi::Object>().Get("threads").IsNumber()) {
      threads = std::max(1, info[1].As<Napi::Object>().Get("threads").As<Napi::Number>().Int32Value());
    }
    auto items = std::make_shared<std::vector<BatchItem>>(sources.Length());
    for (uint32_t i = 0; i < sources.Length(); ++i) {
      Napi::Value entry = sources.Get(i);
      // An entry is a source, or { source, clip?, numFrames? } overriding the shared request.
      Napi::Value request = info[1];
      if (entry.IsObject() && !entry.IsTypedArray() && entry.As<Napi::Object>().Has("source")) {
        request = entry;
        entry = entry.As<Napi::Object>().Get("source");
      }
      (*items)[i].source = parseSource(entry, "source");
      (*items)[i].request = parseClipRequest(info[1], output);
      video::ClipRequest own = parseClipRequest(request, output);
      if (request != info[1]) {
        if (own.hasClip) {
          (*items)[i].request.hasClip = true;
          (*items)[i].request.start = own.start;
          (*items)[i].request.end = own.end;
        }
        if (own.numFrames > 0) (*items)[i].request.numFrames = own.numFrames;
      }
    }
    AsyncWork work = [items, output, threads]() -> ResultBuilder {
      video::OpenOptions open;
      open.threads = 1;  // parallelism comes from decoding many videos at once
      video::runParallel(items->size(), threads, [&](size_t i) {
        BatchItem& item = (*items)[i];
        try {
          auto decoder = openSource(item.source, open);
          item.result = prepareClip(video::decodeClip(*decoder, item.request), output);
        } catch (...) {
          item.error = describeCurrentException("decode clip of " + item.source.describe());
          item.failed = true;
        }
      });
      return [items, output](Napi::Env e) -> Napi::Value {
        Napi::Array results = Napi::Array::New(e, items->size());
        for (uint32_t i = 0; i < items->size(); ++i) {
          const BatchItem& item = (*items)[i];
          results.Set(i, item.failed ? makeJsError(e, item.error).Value() : clipToJs(e, item.result, output));
        }
        return results;
      };
    };
    return runAsync(env, "decode clips", work);
  });
}

}  // namespace

void initVideoClipModule(Napi::Env env, Napi::Object exports) {
  exports.Set("decodeClip", Napi::Function::New(env, decodeClipJs, "decodeClip"));
  exports.Set("decodeClips", Napi::Function::New(env, decodeClipsJs, "decodeClips"));
}

}  // namespace videomae::bindings
