// y = x·Wᵀ + b for the model's dense layers (W is (out, in) as in nn.Linear; b may be undefined).
//
// On the CPU the library is the one cpuGemmPlan() chose for this CPU (core/model/cpu_gemm.h):
// oneDNN's matmul (libtorch's mkldnn::_linear_pointwise) or MKL's sgemm behind at::addmm for
// float32; oneDNN's bf16 kernels, or float32 products of the bf16-rounded operands where the CPU
// has no bf16 kernels, for bfloat16 (model dtype or autocast, whose casts are applied as autocast
// applies them for addmm). oneDNN's product has no autograd formula, so with autograd on it is
// wrapped in a function whose backward computes grad_x through oneDNN as well and grad_W, grad_b
// with ATen. Anything else (CUDA, float16) takes at::addmm.
#pragma once
#include <ATen/core/Tensor.h>

namespace videomae::model {

// `packed` (optional) is packLinearWeight(weight): used instead of `weight` when no graph is built.
at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& packed = at::Tensor());

// The eval-mode copy of a (N, K) weight that linear() multiplies with under the current autocast
// state: oneDNN's blocked layout for products with `rows` input rows (a plain weight is reordered
// into it on every call, a packed one once: 5 % of the product's time at VideoMAE's shapes), or,
// for bf16 on a CPU without bf16 kernels, the weight widened to float32 once instead of per call.
// Undefined when linear() uses the weight as it is.
at::Tensor packLinearWeight(const at::Tensor& weight, int64_t rows);

// "onednn" or "blas": the library linear() uses for CPU float32 products.
const char* cpuGemmBackend();

}  // namespace videomae::model
