// info(): what this build is made of and what the machine offers (versions, paths, devices).
#include <ATen/Context.h>
#include <ATen/Parallel.h>
#include <dlfcn.h>
#include <torch/version.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>
#include <libswscale/swscale.h>
}

#include <string>

#include "bindings/exceptions.h"
#include "bindings/js_arrays.h"
#include "bindings/modules.h"
#include "core/model/cpu_gemm.h"
#include "core/model/linear.h"

namespace videomae::bindings {

namespace {

std::string avVersionString(unsigned version) {
  return std::to_string(AV_VERSION_MAJOR(version)) + "." + std::to_string(AV_VERSION_MINOR(version)) + "." +
         std::to_string(AV_VERSION_MICRO(version));
}

Napi::Object ffmpegInfo(Napi::Env env) {
  Napi::Object ffmpeg = Napi::Object::New(env);
  ffmpeg.Set("version", av_version_info());
  Napi::Object libraries = Napi::Object::New(env);
  libraries.Set("libavformat", avVersionString(avformat_version()));
  libraries.Set("libavcodec", avVersionString(avcodec_version()));
  libraries.Set("libavutil", avVersionString(avutil_version()));
  libraries.Set("libswscale", avVersionString(swscale_version()));
  ffmpeg.Set("libraries", libraries);
  ffmpeg.Set("configuration", avcodec_configuration());
  ffmpeg.Set("license", avcodec_license());
  return ffmpeg;
}

// The libtorch root this process actually loaded (lib/native chooses it at load time): the folder
// above the shared object that defines at::get_num_threads.
std::string loadedLibtorchRoot() {
  Dl_info where{};
  if (dladdr(reinterpret_cast<void*>(&at::get_num_threads), &where) == 0 || where.dli_fname == nullptr) return "";
  std::string file = where.dli_fname;
  for (int level = 0; level < 2; ++level) {
    size_t slash = file.find_last_of('/');
    if (slash == std::string::npos) return "";
    file.resize(slash);
  }
  return file;
}

Napi::Object torchInfo(Napi::Env env) {
  Napi::Object torch = Napi::Object::New(env);
  torch.Set("version", TORCH_VERSION);
  torch.Set("path", loadedLibtorchRoot());
  torch.Set("source", VIDEOMAE_LIBTORCH_SOURCE);
  torch.Set("parallelInfo", at::get_parallel_info());
  torch.Set("mkl", at::hasMKL());
  torch.Set("mkldnn", at::hasMKLDNN());
  torch.Set("cpuGemm", videomae::model::cpuGemmBackend());
  return torch;
}

Napi::Object cudaInfo(Napi::Env env) {
  Napi::Object cuda = Napi::Object::New(env);
#ifdef VIDEOMAE_WITH_CUDA
  cuda.Set("compiled", true);
#else
  cuda.Set("compiled", false);
#endif
  bool available = at::hasCUDA();
  cuda.Set("available", available);
  cuda.Set("devices", available ? static_cast<double>(at::getNumGPUs()) : 0.0);
  return cuda;
}

// The per-CPU choice of the dense layers' GEMM library (core/model/cpu_gemm.h).
Napi::Object gemmPlanInfo(Napi::Env env) {
  const videomae::model::CpuGemmPlan& plan = videomae::model::cpuGemmPlan();
  Napi::Object gemm = Napi::Object::New(env);
  gemm.Set("float32", videomae::model::fp32GemmName(plan.float32));
  gemm.Set("bfloat16", videomae::model::bf16GemmName(plan.bfloat16));
  gemm.Set("packedWeights", plan.packWeights);
  gemm.Set("reason", plan.reason);
  return gemm;
}

Napi::Value nativeInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  return guarded(env, "info", [&] {
    Napi::Object result = Napi::Object::New(env);
    result.Set("napiVersion", static_cast<double>(Napi::VersionManagement::GetNapiVersion(env)));
    result.Set("napiBuildVersion", NAPI_VERSION);
    result.Set("libtorch", torchInfo(env));
    result.Set("cuda", cudaInfo(env));
    Napi::Object cpu = Napi::Object::New(env);
    cpu.Set("threads", at::get_num_threads());
    cpu.Set("interopThreads", at::get_num_interop_threads());
    cpu.Set("features", stringArray(env, videomae::model::cpuFeatures()));
    cpu.Set("gemm", gemmPlanInfo(env));
    result.Set("cpu", cpu);
    result.Set("ffmpeg", ffmpegInfo(env));
    return result;
  });
}

Napi::Value setNumThreads(const Napi::CallbackInfo& info) {
  return guarded(info.Env(), "setNumThreads", [&] {
    int threads = info[0].As<Napi::Number>().Int32Value();
    if (threads < 1) throw Napi::RangeError::New(info.Env(), "setNumThreads: expected a positive integer");
    at::set_num_threads(threads);
    return info.Env().Undefined();
  });
}

}  // namespace

void initInfoModule(Napi::Env env, Napi::Object exports) {
  exports.Set("info", Napi::Function::New(env, nativeInfo, "info"));
  exports.Set("setNumThreads", Napi::Function::New(env, setNumThreads, "setNumThreads"));
}

}  // namespace videomae::bindings
