// The addon's binding modules, each adding its exports to the module object. addon.cpp calls them
// in the order of kModules there, so the one list of what the addon exports is in that file
// (lib/native/contract.ts declares the same exports for TypeScript; a test compares the two).
#pragma once
#include <napi.h>

namespace videomae::interop {
void initTensorModule(Napi::Env env, Napi::Object exports);  // NativeTensor
}  // namespace videomae::interop

namespace videomae::bindings {
void initInfoModule(Napi::Env env, Napi::Object exports);         // info, setNumThreads
void initDiagnosticsModule(Napi::Env env, Napi::Object exports);  // diagnostics (test hooks)
void initVideoReaderModule(Napi::Env env, Napi::Object exports);  // openVideo → VideoReaderHandle
void initVideoClipModule(Napi::Env env, Napi::Object exports);    // decodeClip, decodeClips
void initImageModule(Napi::Env env, Napi::Object exports);        // preprocessVideo, resizeFrames
void initDataModule(Napi::Env env, Napi::Object exports);         // NativeDataLoader, dataLoadSample, dataApplyTransforms, dataProbeVideos
void initModelModule(Napi::Env env, Napi::Object exports);        // NativeVideoMAE, readSafetensors, benchMatmul
void initDistModule(Napi::Env env, Napi::Object exports);         // initProcessGroup, NativeProcessGroup, distributedInfo
void initSynthModule(Napi::Env env, Napi::Object exports);        // synthMotions, synthRenderFrame, synthVideo
}  // namespace videomae::bindings
