#include "core/model/checkpointing.h"

#include <ATen/CPUGeneratorImpl.h>
#include <torch/csrc/autograd/custom_function.h>

#include "core/model/autocast_guard.h"
#include "core/model/videomae.h"

namespace videomae::model {

namespace {

using torch::autograd::AutogradContext;
using torch::autograd::variable_list;

struct RecomputedLayer : public torch::autograd::Function<RecomputedLayer> {
  static at::Tensor forward(AutogradContext* ctx, const at::Tensor& hidden, VideoMAEModel* model, int64_t layer) {
    ctx->saved_data["model"] = reinterpret_cast<int64_t>(model);
    ctx->saved_data["layer"] = layer;
    ctx->saved_data["bf16"] = at::autocast::is_autocast_enabled(model->device().type());
    ctx->saved_data["rng"] = at::detail::getDefaultCPUGenerator().get_state();
    ctx->save_for_backward({hidden});
    return model->layerForward(static_cast<size_t>(layer), hidden);
  }

  static variable_list backward(AutogradContext* ctx, variable_list gradOutputs) {
    auto* model = reinterpret_cast<VideoMAEModel*>(ctx->saved_data["model"].toInt());
    auto layer = static_cast<size_t>(ctx->saved_data["layer"].toInt());
    at::Tensor input = ctx->get_saved_variables()[0].detach().requires_grad_(true);
    at::Generator generator = at::detail::getDefaultCPUGenerator();
    at::Tensor rngNow = generator.get_state();
    generator.set_state(ctx->saved_data["rng"].toTensor());
    at::Tensor output;
    {
      at::AutoGradMode enableGrad(true);
      AutocastGuard autocast(model->device(), ctx->saved_data["bf16"].toBool());
      output = model->layerForward(layer, input);
    }
    generator.set_state(rngNow);
    output.backward(gradOutputs[0]);
    return {input.grad(), at::Tensor(), at::Tensor()};
  }
};

}  // namespace

at::Tensor checkpointedLayer(VideoMAEModel& model, size_t layer, const at::Tensor& hidden) {
  return RecomputedLayer::apply(hidden, &model, static_cast<int64_t>(layer));
}

}  // namespace videomae::model
