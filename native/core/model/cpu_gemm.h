// Which library multiplies the model's CPU dense layers, chosen once per process from the CPU this
// runs on (cpuinfo through at::cpu::get_cpu_capabilities), never from the machine it was built on.
//
// Measured (bench/gemm, fp32, VideoMAE-base's products, 2 threads, best of interleaved runs):
// - AVX-512 (AMD EPYC, Zen 4): oneDNN's matmul 11 % faster than MKL's sgemm in fp32, 4 % in bf16;
// - AVX2 + FMA only (AMD EPYC, Zen 3): MKL's sgemm 5–20 % faster than oneDNN forward, and 1.3–1.8×
//   faster for the input gradient (oneDNN reorders the transposed weight on every call); oneDNN
//   has no bf16 kernel there (it needs AVX-512 BW/VL/DQ or AVX-NE-CONVERT) and libtorch's fallback
//   bf16 GEMM runs at 16 GFLOP/s, against 111 for the same bf16-rounded operands multiplied in fp32.
// So: float32 through oneDNN where AVX-512 is present, MKL otherwise; bfloat16 through oneDNN's
// bf16 kernels where the CPU has them, otherwise as float32 products of the bf16-rounded operands
// (exact products, fp32 accumulation — what oneDNN's bf16 kernels do — then rounded to bf16).
//
// Overrides for A/B runs: VIDEOMAE_GEMM=onednn|blas|auto (float32), VIDEOMAE_GEMM_BF16=onednn|float32|blas|auto
// (blas: libtorch's own bf16 at::addmm), VIDEOMAE_GEMM_PACK=0 (no packed eval weights). An override
// the CPU cannot run (oneDNN bf16 without the instructions) falls back to the automatic choice.
#pragma once
#include <string>
#include <vector>

namespace videomae::model {

enum class Fp32Gemm { OneDnn, Blas };
enum class Bf16Gemm { OneDnn, Float32, Blas };

struct CpuGemmPlan {
  Fp32Gemm float32 = Fp32Gemm::Blas;
  Bf16Gemm bfloat16 = Bf16Gemm::Blas;
  bool packWeights = false;  // oneDNN-packed copies of eval-mode weights (only with a oneDNN path)
  std::string reason;        // why, in a few words, for `videomae info`
};

const CpuGemmPlan& cpuGemmPlan();

// The instruction-set extensions that decide the plan, as cpuinfo reports them here ("avx2", "fma3", "avx512_f", ...).
std::vector<std::string> cpuFeatures();

const char* fp32GemmName(Fp32Gemm gemm);
const char* bf16GemmName(Bf16Gemm gemm);

}  // namespace videomae::model
