#include "core/model/config.h"

#include "core/errors.h"

namespace videomae::model {

namespace {
void require(bool ok, const std::string& message) {
  if (!ok) fail(ErrorCode::InvalidArg, "model config: " + message);
}
}  // namespace

void ModelConfig::validate() const {
  require(imageHeight > 0 && imageWidth > 0 && patchHeight > 0 && patchWidth > 0, "image_size and patch_size must be positive");
  require(imageHeight % patchHeight == 0 && imageWidth % patchWidth == 0, "image_size must be a multiple of patch_size");
  require(numFrames > 0 && tubeletSize > 0 && numFrames % tubeletSize == 0, "num_frames must be a positive multiple of tubelet_size");
  require(numChannels > 0 && hiddenSize > 0 && numHiddenLayers >= 0 && intermediateSize > 0, "sizes must be positive");
  require(numAttentionHeads > 0 && hiddenSize % numAttentionHeads == 0, "hidden_size must be a multiple of num_attention_heads");
  require(numLabels >= 0, "num_labels must be >= 0");
  require(hiddenDropoutProb >= 0 && hiddenDropoutProb < 1 && attentionProbsDropoutProb >= 0 && attentionProbsDropoutProb < 1,
          "dropout probabilities must be in [0, 1)");
  require(layerNormEps > 0, "layer_norm_eps must be positive");
  require(hiddenAct == "gelu" || hiddenAct == "gelu_new" || hiddenAct == "gelu_pytorch_tanh" || hiddenAct == "relu" ||
              hiddenAct == "silu" || hiddenAct == "swish" || hiddenAct == "quick_gelu",
          "hidden_act \"" + hiddenAct + "\" is not supported (gelu, gelu_new, gelu_pytorch_tanh, relu, silu, quick_gelu)");
  if (preTraining) {
    require(decoderHiddenSize > 0 && decoderNumHiddenLayers >= 0 && decoderIntermediateSize > 0, "decoder sizes must be positive");
    require(decoderNumAttentionHeads > 0 && decoderHiddenSize % decoderNumAttentionHeads == 0,
            "decoder_hidden_size must be a multiple of decoder_num_attention_heads");
    require(normPixLoss || numChannels == 3, "norm_pix_loss false needs 3 channels (targets are un-normalised with ImageNet's mean/std)");
  }
  require(problemType.empty() || problemType == "regression" || problemType == "single_label_classification" ||
              problemType == "multi_label_classification",
          "problem_type \"" + problemType + "\" is not one of regression, single_label_classification, multi_label_classification");
}

}  // namespace videomae::model
