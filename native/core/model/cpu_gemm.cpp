#include "core/model/cpu_gemm.h"

#include <ATen/Context.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <ATen/cpu/Utils.h>

#include <cstdlib>
#include <cstring>

#include "core/errors.h"

namespace videomae::model {

namespace {

// The extensions that matter to the GEMM choice, in the order `info` lists them.
constexpr const char* kFeatures[] = {"avx2",        "fma3",        "avx512_f", "avx512_bw",      "avx512_vl", "avx512_dq",
                                     "avx512_bf16", "avx512_vnni", "avx_vnni", "avx_ne_convert", "amx_tile",  "amx_bf16"};

bool hasFeature(const std::unordered_map<std::string, c10::IValue>& caps, const char* name) {
  auto it = caps.find(name);
  return it != caps.end() && it->second.isBool() && it->second.toBool();
}

bool oneDnnLinearPresent() { return at::hasMKLDNN() && c10::Dispatcher::singleton().findOp({"mkldnn::_linear_pointwise", ""}).has_value(); }

// oneDNN's own answer (what libtorch asks before it takes oneDNN's bf16 path): AVX-512 BW/VL/DQ, AVX-NE-CONVERT or AMX.
bool oneDnnBf16Supported() {
  auto op = c10::Dispatcher::singleton().findOp({"mkldnn::_is_mkldnn_bf16_supported", ""});
  if (!op) return false;
  torch::jit::Stack stack;
  op->callBoxed(&stack);
  return stack.back().toBool();
}

// An override from the environment: empty or "auto" means the automatic choice.
std::string choice(const char* variable, std::initializer_list<const char*> allowed) {
  const char* value = std::getenv(variable);
  if (value == nullptr || *value == '\0' || std::strcmp(value, "auto") == 0) return "";
  for (const char* a : allowed)
    if (std::strcmp(value, a) == 0) return value;
  std::string expected;
  for (const char* a : allowed) expected += std::string(a) + ", ";
  fail(ErrorCode::InvalidArg, std::string("Expected one of ") + expected + "auto for " + variable + " but received \"" + value + "\"");
}

CpuGemmPlan makePlan() {
  const auto caps = at::cpu::get_cpu_capabilities();
  const bool avx512 =
      hasFeature(caps, "avx512_f") && hasFeature(caps, "avx512_bw") && hasFeature(caps, "avx512_vl") && hasFeature(caps, "avx512_dq");
  const bool oneDnn = oneDnnLinearPresent();
  const bool oneDnnBf16 = oneDnn && oneDnnBf16Supported();
  const std::string fp32 = choice("VIDEOMAE_GEMM", {"onednn", "blas"});
  const std::string bf16 = choice("VIDEOMAE_GEMM_BF16", {"onednn", "float32", "blas"});
  const char* pack = std::getenv("VIDEOMAE_GEMM_PACK");

  CpuGemmPlan plan;
  if (!oneDnn) {
    plan.float32 = Fp32Gemm::Blas;
    plan.reason = "this libtorch has no oneDNN";
  } else if (!fp32.empty()) {
    plan.float32 = fp32 == "onednn" ? Fp32Gemm::OneDnn : Fp32Gemm::Blas;
    plan.reason = "VIDEOMAE_GEMM=" + fp32;
  } else {
    plan.float32 = avx512 ? Fp32Gemm::OneDnn : Fp32Gemm::Blas;
    plan.reason = avx512 ? "AVX-512: oneDNN's matmul is the faster fp32 GEMM" : "no AVX-512: MKL's sgemm is the faster fp32 GEMM";
  }
  if (bf16 == "blas") {
    plan.bfloat16 = Bf16Gemm::Blas;
  } else if (bf16 == "float32" || !oneDnnBf16) {
    plan.bfloat16 = Bf16Gemm::Float32;
  } else {
    plan.bfloat16 = Bf16Gemm::OneDnn;
  }
  if (!bf16.empty()) plan.reason += "; VIDEOMAE_GEMM_BF16=" + bf16;
  if (!oneDnnBf16 && plan.bfloat16 == Bf16Gemm::Float32)
    plan.reason +=
        bf16 == "onednn" ? " (oneDNN has no bf16 kernel for this CPU)" : "; no native bf16 GEMM: bf16 operands multiplied in fp32";
  const bool usesOneDnn = plan.float32 == Fp32Gemm::OneDnn || plan.bfloat16 == Bf16Gemm::OneDnn;
  plan.packWeights = usesOneDnn && (pack == nullptr || std::strcmp(pack, "0") != 0);
  return plan;
}

}  // namespace

const CpuGemmPlan& cpuGemmPlan() {
  static const CpuGemmPlan plan = makePlan();
  return plan;
}

std::vector<std::string> cpuFeatures() {
  const auto caps = at::cpu::get_cpu_capabilities();
  std::vector<std::string> present;
  for (const char* name : kFeatures)
    if (hasFeature(caps, name)) present.emplace_back(name);
  return present;
}

const char* fp32GemmName(Fp32Gemm gemm) { return gemm == Fp32Gemm::OneDnn ? "onednn" : "blas"; }

const char* bf16GemmName(Bf16Gemm gemm) {
  switch (gemm) {
    case Bf16Gemm::OneDnn:
      return "onednn";
    case Bf16Gemm::Float32:
      return "float32";
    default:
      return "blas";
  }
}

}  // namespace videomae::model
