#include "core/model/linear.h"

#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <c10/core/impl/LocalDispatchKeySet.h>
#include <torch/csrc/autograd/custom_function.h>

#include <optional>

#include "core/model/cpu_gemm.h"

namespace videomae::model {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The oneDNN linear op, looked up once (cpuGemmPlan() routes products here only when it exists).
const std::optional<c10::OperatorHandle>& oneDnnLinearOp() {
  static const std::optional<c10::OperatorHandle> op =
      at::hasMKLDNN() ? c10::Dispatcher::singleton().findOp({"mkldnn::_linear_pointwise", ""}) : std::nullopt;
  return op;
}

// x (M, K) · weight (N, K)ᵀ + bias through oneDNN, no autograd. Boxed call: the op's schema
// (Tensor X, Tensor W, Tensor? B, str attr, Scalar?[] scalars, str? algorithm) is matched at run time.
at::Tensor oneDnnProduct(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
  torch::jit::Stack stack;
  stack.reserve(6);
  stack.emplace_back(x.contiguous());
  stack.emplace_back(weight);
  stack.emplace_back(bias.defined() ? c10::IValue(bias) : c10::IValue());
  stack.emplace_back(std::string("none"));
  stack.emplace_back(c10::List<std::optional<at::Scalar>>());
  stack.emplace_back(c10::IValue());
  oneDnnLinearOp()->callBoxed(&stack);
  return stack.back().toTensor();
}

struct OneDnnLinear : public torch::autograd::Function<OneDnnLinear> {
  // Two arities: autograd's apply cannot take an undefined tensor for a missing bias.
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias) {
    ctx->save_for_backward({x, weight});
    ctx->saved_data["bias"] = true;
    return oneDnnProduct(x, weight, bias);
  }
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& x, const at::Tensor& weight) {
    ctx->save_for_backward({x, weight});
    ctx->saved_data["bias"] = false;
    return oneDnnProduct(x, weight, at::Tensor());
  }

  static variable_list backward(AutogradContext* ctx, variable_list gradOutputs) {
    const variable_list saved = ctx->get_saved_variables();
    const at::Tensor &x = saved[0], &weight = saved[1];
    const at::Tensor grad = gradOutputs[0].contiguous();
    at::Tensor gradX, gradWeight, gradBias;
    if (ctx->needs_input_grad(0)) gradX = oneDnnProduct(grad, weight.t(), at::Tensor());  // grad · W
    if (ctx->needs_input_grad(1)) gradWeight = at::mm(grad.t(), x);
    if (!ctx->saved_data["bias"].toBool()) return {gradX, gradWeight};
    if (ctx->needs_input_grad(2)) gradBias = grad.sum(0);
    return {gradX, gradWeight, gradBias};
  }
};

at::Tensor castForAutocast(const at::Tensor& t) { return t.defined() && t.scalar_type() == at::kFloat ? t.to(at::kBFloat16) : t; }

bool cpuAutocastBf16(const at::Tensor& x) {
  return x.device().is_cpu() && at::autocast::is_autocast_enabled(at::kCPU) && at::autocast::get_autocast_dtype(at::kCPU) == at::kBFloat16;
}

bool needsGraph(const at::Tensor& a, const at::Tensor& w, const at::Tensor& b) {
  return at::GradMode::is_enabled() && (a.requires_grad() || w.requires_grad() || (b.defined() && b.requires_grad()));
}

// a · wᵀ + b through oneDNN in a's dtype; `packed` (a reordered w of that dtype) serves products without a graph.
at::Tensor oneDnnLinear(const at::Tensor& a, const at::Tensor& w, const at::Tensor& b, const at::Tensor& packed) {
  if (!needsGraph(a, w, b)) return oneDnnProduct(a, packed.defined() && packed.scalar_type() == a.scalar_type() ? packed : w, b);
  if (b.defined()) return OneDnnLinear::apply(a, w, b);
  return OneDnnLinear::apply(a, w);
}

at::Tensor blasLinear(const at::Tensor& a, const at::Tensor& w, const at::Tensor& b) {
  return b.defined() ? at::addmm(b, a, w.t()) : at::mm(a, w.t());
}

// The float32 product of float32 operands through the plan's float32 library, with autocast off:
// the operands already are what must be multiplied (bf16-rounded values held exactly in float32).
at::Tensor float32Linear(const at::Tensor& a, const at::Tensor& w, const at::Tensor& b) {
  c10::impl::ExcludeDispatchKeyGuard noAutocast(c10::DispatchKey::AutocastCPU);
  return cpuGemmPlan().float32 == Fp32Gemm::OneDnn ? oneDnnLinear(a, w, b, at::Tensor()) : blasLinear(a, w, b);
}

// oneDNN's blocked layout of a (N, K) weight for products with `rows` input rows; `w` itself when packing is off.
at::Tensor reorderForOneDnn(const at::Tensor& w, int64_t rows) {
  static const std::optional<c10::OperatorHandle> reorder =
      oneDnnLinearOp() ? c10::Dispatcher::singleton().findOp({"mkldnn::_reorder_linear_weight", ""}) : std::nullopt;
  if (!cpuGemmPlan().packWeights || !reorder) return w;
  torch::jit::Stack stack{c10::IValue(w.contiguous()), c10::IValue(rows)};
  reorder->callBoxed(&stack);
  return stack.back().toTensor();
}

}  // namespace

const char* cpuGemmBackend() { return fp32GemmName(cpuGemmPlan().float32); }

at::Tensor packLinearWeight(const at::Tensor& weight, int64_t rows) {
  if (!weight.device().is_cpu()) return at::Tensor();
  const CpuGemmPlan& plan = cpuGemmPlan();
  const at::Tensor w = cpuAutocastBf16(weight) ? castForAutocast(weight) : weight;
  if (w.scalar_type() == at::kFloat) return plan.float32 == Fp32Gemm::OneDnn ? reorderForOneDnn(w, rows) : at::Tensor();
  if (w.scalar_type() != at::kBFloat16) return at::Tensor();
  if (plan.bfloat16 == Bf16Gemm::OneDnn) return reorderForOneDnn(w, rows);
  if (plan.bfloat16 != Bf16Gemm::Float32) return at::Tensor();
  at::Tensor widened = w.to(at::kFloat).contiguous();
  return plan.float32 == Fp32Gemm::OneDnn ? reorderForOneDnn(widened, rows) : widened;
}

at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& packed) {
  // addmm with the caller's operands: under autocast it casts them itself.
  auto addmm = [&] { return blasLinear(x, weight, bias); };
  if (!x.device().is_cpu()) return addmm();
  const CpuGemmPlan& plan = cpuGemmPlan();
  at::Tensor a = x, w = weight, b = bias;
  if (cpuAutocastBf16(x)) {
    a = castForAutocast(a);
    w = castForAutocast(w);
    b = castForAutocast(b);
  }
  const at::ScalarType type = a.scalar_type();
  if (w.scalar_type() != type || (b.defined() && b.scalar_type() != type)) return addmm();
  if (type == at::kFloat) return plan.float32 == Fp32Gemm::OneDnn ? oneDnnLinear(a, w, b, packed) : addmm();
  if (type != at::kBFloat16 || plan.bfloat16 == Bf16Gemm::Blas) return addmm();
  if (plan.bfloat16 == Bf16Gemm::OneDnn) return oneDnnLinear(a, w, b, packed);
  // bf16 without bf16 kernels: the bf16 operands widen exactly to float32; one float32 product, rounded back to bf16.
  const at::Tensor wide = packed.defined() && packed.scalar_type() == at::kFloat ? packed : w.to(at::kFloat);
  return float32Linear(a.to(at::kFloat), wide, b.defined() ? b.to(at::kFloat) : b).to(at::kBFloat16);
}

}  // namespace videomae::model
