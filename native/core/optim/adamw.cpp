#include "core/optim/adamw.h"

#include <ATen/ATen.h>
#include <ATen/core/grad_mode.h>

#include <map>

#include "core/errors.h"
#include "core/weights/safetensors.h"

namespace videomae::optim {

// HF's no-decay group is biases and LayerNorm parameters; weights and learned tokens (mask_token) decay.
bool decays(model::ParamKind kind) { return kind == model::ParamKind::LinearWeight || kind == model::ParamKind::Token; }

AdamW::AdamW(model::VideoMAEModel& model, AdamWOptions options) : model_(model), options_(options) {
  if (!(options_.lr >= 0) || !(options_.eps >= 0) || !(options_.weightDecay >= 0) || !(options_.beta1 >= 0 && options_.beta1 < 1) ||
      !(options_.beta2 >= 0 && options_.beta2 < 1))
    fail(ErrorCode::InvalidArg, "AdamW: lr, eps, weightDecay must be >= 0 and betas in [0, 1)");
}

void AdamW::step(double lr) {
  if (!(lr >= 0)) fail(ErrorCode::InvalidArg, "AdamW.step: lr must be >= 0");
  at::NoGradGuard noGrad;
  model_.markParametersChanged();  // _fused_adamw_ does not bump the parameters' version counters
  for (bool decayGroup : {true, false}) {
    std::vector<at::Tensor> params, grads, expAvgs, expAvgSqs, steps;
    for (size_t i = 0; i < model_.numTensors(); ++i) {
      if (decays(model_.kind(i)) != decayGroup) continue;
      const at::Tensor& grad = model_.param(i).grad();
      if (!grad.defined()) continue;
      auto it = state_.find(i);
      if (it == state_.end()) {
        const at::Tensor& p = model_.param(i);
        State s{at::zeros_like(p, at::MemoryFormat::Contiguous), at::zeros_like(p, at::MemoryFormat::Contiguous),
                at::zeros({}, at::TensorOptions().dtype(at::kFloat).device(p.device()))};
        it = state_.emplace(i, std::move(s)).first;
      }
      params.push_back(model_.param(i));
      grads.push_back(grad);
      expAvgs.push_back(it->second.expAvg);
      expAvgSqs.push_back(it->second.expAvgSq);
      steps.push_back(it->second.step);
    }
    if (params.empty()) continue;
    at::_foreach_add_(steps, 1);  // torch increments the step before the fused update
    at::_fused_adamw_(params, grads, expAvgs, expAvgSqs, {}, steps, lr, options_.beta1, options_.beta2,
                      decayGroup ? options_.weightDecay : 0.0, options_.eps, false, false);
  }
}

void AdamW::save(const std::string& path) const {
  weights::NamedTensors tensors;
  for (size_t i = 0; i < model_.numTensors(); ++i) {
    auto it = state_.find(i);
    if (it == state_.end()) continue;
    tensors.emplace_back("exp_avg." + model_.name(i), it->second.expAvg);
    tensors.emplace_back("exp_avg_sq." + model_.name(i), it->second.expAvgSq);
    tensors.emplace_back("step." + model_.name(i), it->second.step);
  }
  auto num = [](double v) { return std::to_string(v); };
  weights::writeSafetensors(path, tensors,
                            {{"format", "videomae-adamw"},
                             {"lr", num(options_.lr)},
                             {"beta1", num(options_.beta1)},
                             {"beta2", num(options_.beta2)},
                             {"eps", num(options_.eps)},
                             {"weight_decay", num(options_.weightDecay)}});
}

void AdamW::load(const std::string& path) {
  weights::NamedTensors tensors = weights::readSafetensors(path);
  std::map<size_t, State> loaded;
  for (auto& [key, tensor] : tensors) {
    size_t dot = key.find('.');
    std::string field = dot == std::string::npos ? key : key.substr(0, dot);
    std::optional<size_t> index = dot == std::string::npos ? std::nullopt : model_.indexOf(key.substr(dot + 1));
    if (!index) fail(ErrorCode::Checkpoint, path + ": optimizer state \"" + key + "\" does not belong to this model");
    const at::Tensor& p = model_.param(*index);
    State& s = loaded[*index];
    if (field == "step" && tensor.numel() == 1) {
      s.step = tensor.to(at::kFloat).reshape({}).to(p.device());
    } else if ((field == "exp_avg" || field == "exp_avg_sq") && tensor.sizes() == p.sizes()) {
      (field == "exp_avg" ? s.expAvg : s.expAvgSq) = tensor.to(p.scalar_type()).to(p.device()).contiguous();
    } else {
      fail(ErrorCode::Checkpoint, path + ": optimizer state \"" + key + "\" has the wrong name or shape for this model");
    }
  }
  for (const auto& [index, s] : loaded)
    if (!s.expAvg.defined() || !s.expAvgSq.defined() || !s.step.defined())
      fail(ErrorCode::Checkpoint, path + ": incomplete optimizer state for " + model_.name(index));
  state_.clear();
  for (auto& [index, s] : loaded) state_.emplace(index, std::move(s));
}

void AdamW::to(c10::Device device) {
  for (auto& [index, s] : state_) {
    s.expAvg = s.expAvg.to(device);
    s.expAvgSq = s.expAvgSq.to(device);
    s.step = s.step.to(device);
  }
}

namespace {
std::vector<at::Tensor> definedGrads(model::VideoMAEModel& model) {
  std::vector<at::Tensor> grads;
  for (size_t i = 0; i < model.numTensors(); ++i)
    if (model.param(i).grad().defined()) grads.push_back(model.param(i).grad());
  return grads;
}

at::Tensor totalNorm(const std::vector<at::Tensor>& grads) {
  std::vector<at::Tensor> norms = at::_foreach_norm(grads, 2);
  return at::linalg_vector_norm(at::stack(norms), 2);
}
}  // namespace

double gradNorm(model::VideoMAEModel& model) {
  at::NoGradGuard noGrad;
  std::vector<at::Tensor> grads = definedGrads(model);
  return grads.empty() ? 0.0 : totalNorm(grads).item<double>();
}

double clipGradNorm(model::VideoMAEModel& model, double maxNorm) {
  if (!(maxNorm > 0)) fail(ErrorCode::InvalidArg, "clipGradNorm: maxNorm must be > 0");
  at::NoGradGuard noGrad;
  std::vector<at::Tensor> grads = definedGrads(model);
  if (grads.empty()) return 0.0;
  at::Tensor norm = totalNorm(grads);
  at::Tensor coef = at::clamp_max(maxNorm / (norm + 1e-6), 1.0);
  at::_foreach_mul_(grads, coef);
  return norm.item<double>();
}

}  // namespace videomae::optim
