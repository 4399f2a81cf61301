// y = x·Wᵀ + b for the model's dense layers (W is (out, in) as in nn.Linear; b may be undefined).
//
// On the CPU the product runs through oneDNN's matmul (libtorch's mkldnn::_linear_pointwise), which
// this libtorch ships next to MKL: on the AVX-512 machines measured it is 11 % faster than MKL's
// sgemm behind at::addmm for float32 and 4 % for bfloat16 at VideoMAE's shapes, in full float32
// precision. It has no autograd formula, so with autograd on the product is wrapped in a function
// whose backward computes grad_x through oneDNN as well and grad_W, grad_b with ATen. Under bf16
// autocast the operands are cast as autocast casts them for addmm. Anything else (CUDA, float16, a
// libtorch without oneDNN, VIDEOMAE_GEMM=blas) takes at::addmm.
#pragma once
#include <ATen/core/Tensor.h>

namespace videomae::model {

// `packed` (optional) is packLinearWeight(weight): used instead of `weight` when no graph is built.
at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& packed = at::Tensor());

// oneDNN's blocked copy of a (N, K) weight, laid out for products with `rows` input rows: a plain
// weight is reordered into that layout on every call, a packed one once (5 % of the product's time
// at VideoMAE's shapes). Undefined when linear() would not use oneDNN for this weight under the
// current autocast state, or VIDEOMAE_GEMM_PACK=0.
at::Tensor packLinearWeight(const at::Tensor& weight, int64_t rows);

// "onednn" or "blas": the backend linear() uses for CPU float32/bfloat16 products.
const char* cpuGemmBackend();

}  // namespace videomae::model
