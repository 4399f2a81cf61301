#include "core/model/linear.h"

#include <ATen/ATen.h>
#include <ATen/autocast_mode.h>
#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/csrc/autograd/custom_function.h>

#include <cstdlib>
#include <cstring>
#include <optional>

namespace videomae::model {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

// The oneDNN linear op, looked up once; nullopt when this libtorch lacks it or it is switched off.
const std::optional<c10::OperatorHandle>& oneDnnLinearOp() {
  static const std::optional<c10::OperatorHandle> op = []() -> std::optional<c10::OperatorHandle> {
    const char* choice = std::getenv("VIDEOMAE_GEMM");
    if (choice != nullptr && std::strcmp(choice, "blas") == 0) return std::nullopt;
    if (!at::hasMKLDNN()) return std::nullopt;
    return c10::Dispatcher::singleton().findOp({"mkldnn::_linear_pointwise", ""});
  }();
  return op;
}

// Whether oneDNN can take a CPU tensor of this dtype (float16 and others go to addmm).
bool oneDnnType(at::ScalarType type) { return type == at::kFloat || type == at::kBFloat16; }

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

}  // namespace

const char* cpuGemmBackend() { return oneDnnLinearOp() ? "onednn" : "blas"; }

at::Tensor packLinearWeight(const at::Tensor& weight, int64_t rows) {
  static const bool enabled = [] {
    const char* choice = std::getenv("VIDEOMAE_GEMM_PACK");
    return choice == nullptr || std::strcmp(choice, "0") != 0;
  }();
  static const std::optional<c10::OperatorHandle> reorder =
      oneDnnLinearOp() ? c10::Dispatcher::singleton().findOp({"mkldnn::_reorder_linear_weight", ""}) : std::nullopt;
  if (!enabled || !reorder || !weight.device().is_cpu()) return at::Tensor();
  const at::Tensor w = cpuAutocastBf16(weight) ? castForAutocast(weight) : weight;
  if (!oneDnnType(w.scalar_type())) return at::Tensor();
  torch::jit::Stack stack{c10::IValue(w.contiguous()), c10::IValue(rows)};
  reorder->callBoxed(&stack);
  return stack.back().toTensor();
}

at::Tensor linear(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, const at::Tensor& packed) {
  // addmm with the caller's operands: under autocast it casts them itself.
  auto addmm = [&] { return bias.defined() ? at::addmm(bias, x, weight.t()) : at::mm(x, weight.t()); };
  if (!oneDnnLinearOp() || !x.device().is_cpu()) return addmm();
  at::Tensor a = x, w = weight, b = bias;
  if (cpuAutocastBf16(x)) {
    a = castForAutocast(a);
    w = castForAutocast(w);
    b = castForAutocast(b);
  }
  const at::ScalarType type = a.scalar_type();
  if (!oneDnnType(type) || w.scalar_type() != type || (b.defined() && b.scalar_type() != type)) return addmm();
  const bool graph = at::GradMode::is_enabled() && (a.requires_grad() || w.requires_grad() || (b.defined() && b.requires_grad()));
  if (!graph) return oneDnnProduct(a, packed.defined() && packed.scalar_type() == a.scalar_type() ? packed : w, b);
  if (b.defined()) return OneDnnLinear::apply(a, w, b);
  return OneDnnLinear::apply(a, w);
}

}  // namespace videomae::model
