// VideoMAEForVideoClassification, or with config.preTraining VideoMAEForPreTraining, in ATen, numerically HF's (docs/hf-semantics.md §
// "Model: VideoMAEForVideoClassification forward"): (B,T,C,H,W) input, Conv3d patch embedding computed as one GEMM over unfolded tubelets,
// the fixed interleaved sin/cos table (float64 → float32, not a parameter), pre-norm layers with one fused QKV GEMM (bias cat(q_bias, 0,
// v_bias)) and libtorch's fused SDPA, exact-erf GELU, mean pooling + fc_norm (eps 1e-5) or token 0 after videomae.layernorm (config eps).
//
// Parameters are autograd leaves named exactly as in HF checkpoint files (q_bias/v_bias).
// Not thread-safe: the binding runs one operation at a time per model.
#pragma once
#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <functional>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/model/config.h"
#include "core/model/derived_cache.h"

namespace videomae::model {

// One transformer layer: encoder layers and (pre-training) decoder layers differ only in width and heads.
struct LayerParams {
  size_t lnBeforeW, lnBeforeB, queryW, keyW, valueW, qBias, vBias, attnOutW, attnOutB;
  size_t lnAfterW, lnAfterB, interW, interB, outW, outB;
  int64_t width, heads;
};

// Token: a learned embedding (mask_token): zero at init, weight-decayed as HF's Trainer does.
enum class ParamKind { LinearWeight, Bias, NormWeight, NormBias, QvBias, Token };

struct ForwardOptions {
  bool wantHidden = false;
  bool bf16 = false;  // autocast to bfloat16 (CPU or CUDA)
  // Pre-training: (B, N) bool, true = masked; every row must mask the same number of tokens.
  at::Tensor boolMaskedPos;
};

struct ForwardOutput {
  at::Tensor logits;           // float32; pre-training: (B, masked, patchValues) reconstructions
  at::Tensor loss;             // undefined without labels (pre-training: always, the MSE on masked patches)
  at::Tensor lastHiddenState;  // when wantHidden (pre-training: the encoder's visible tokens)
  at::Tensor targets;          // pre-training: the (B, masked, patchValues) targets the loss compared with
  std::string problemType;     // resolved with the labels (HF stores it in the config)
};

// What an eval-cache entry holds (part of its key): fused or cast weights, oneDNN-packed weights.
enum class CacheSlot : uint64_t { Weight, Bias, QkvWeight, QkvBias, Position, Packed, PackedQkv, PackedQuery, PackedKeyValue };

class VideoMAEModel {
 public:
  VideoMAEModel(ModelConfig config, at::ScalarType dtype, c10::Device device);

  const ModelConfig& config() const { return config_; }
  at::ScalarType dtype() const { return dtype_; }
  c10::Device device() const { return device_; }

  // HF's init (Linear/Conv3d weight ~ N(0, initializer_range), biases 0, LayerNorm 1/0),
  // drawn from a generator seeded with `seed`, for the parameters `select` accepts (all if empty).
  void initialize(uint64_t seed, const std::function<bool(size_t)>& select = {});

  size_t numTensors() const { return tensors_.size(); }  // parameter tensors (numParameters() counts their elements)
  const std::string& name(size_t i) const { return names_[i]; }
  at::Tensor& param(size_t i) { return tensors_[i]; }
  ParamKind kind(size_t i) const { return kinds_[i]; }
  // Accepts checkpoint names and the 5.x in-memory aliases (query.bias / value.bias).
  std::optional<size_t> indexOf(const std::string& name) const;
  int64_t numParameters() const;

  void setTraining(bool training) { training_ = training; }
  bool training() const { return training_; }
  void setGradientCheckpointing(bool on) { checkpointing_ = on; }
  bool gradientCheckpointing() const { return checkpointing_; }
  void to(c10::Device device);

  // Every writer of parameter values calls this (load, initialise, optimizer step, device move):
  // the no-grad caches of fused/cast weights are rebuilt on the next forward.
  void markParametersChanged() { ++generation_; }

  bool preTraining() const { return config_.preTraining; }

  // Grad mode is the caller's (inference for forward, enabled for training). A pre-training model
  // takes options.boolMaskedPos instead of labels.
  ForwardOutput forward(const at::Tensor& pixelValues, const at::Tensor& labels, const ForwardOptions& options);

  // One encoder layer (public for gradient checkpointing).
  at::Tensor layerForward(size_t layer, const at::Tensor& hidden);
  // The last layer evaluated for token 0 only (token-0 pooling): (B, N, D) → (B, D).
  at::Tensor lastLayerToken0(size_t layer, const at::Tensor& hidden);

 private:
  size_t add(const std::string& name, std::vector<int64_t> shape, ParamKind kind);
  void build();
  void addLayer(const std::string& prefix, int64_t width, int64_t intermediate, int64_t heads);
  ForwardOutput forwardPreTraining(const at::Tensor& pixels, const ForwardOptions& options);
  at::Tensor checkMask(const at::Tensor& boolMaskedPos, int64_t batch) const;
  at::Tensor reconstructionTargets(const at::Tensor& pixels, const at::Tensor& mask) const;
  at::Tensor checkInput(const at::Tensor& pixelValues) const;
  at::Tensor embed(const at::Tensor& pixels, const at::Tensor& visible = at::Tensor());
  at::Tensor attention(size_t layer, const at::Tensor& normed);
  at::Tensor activation(const at::Tensor& x, bool inPlace) const;
  bool caching() const;
  at::Tensor gemmWeight(size_t index);
  at::Tensor gemmBias(size_t index);
  std::pair<at::Tensor, at::Tensor> qkvWeightAndBias(size_t layer);
  at::Tensor positionTable(at::ScalarType dtype);
  at::Tensor dense(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, CacheSlot slot, size_t index,
                   const std::vector<at::Tensor>& sources);
  at::Tensor dense(const at::Tensor& x, size_t weightIndex, size_t biasIndex);
  std::vector<at::Tensor> qkvSources(size_t layer) const;
  at::Tensor dropout(const at::Tensor& x, double p) const;

  ModelConfig config_;
  at::ScalarType dtype_;
  c10::Device device_;
  bool training_ = false;
  bool checkpointing_ = false;
  std::vector<std::string> names_;
  std::vector<at::Tensor> tensors_;
  std::vector<ParamKind> kinds_;
  std::unordered_map<std::string, size_t> index_;
  size_t projW_ = 0, projB_ = 0, finalNormW_ = 0, finalNormB_ = 0, classW_ = 0, classB_ = 0;
  // Pre-training: encoder_to_decoder, mask_token, decoder.norm, decoder.head.
  size_t encoderToDecoderW_ = SIZE_MAX, maskToken_ = SIZE_MAX, decoderNormW_ = SIZE_MAX, decoderNormB_ = SIZE_MAX;
  size_t decoderHeadW_ = SIZE_MAX, decoderHeadB_ = SIZE_MAX;
  std::vector<LayerParams> layers_;  // encoder layers, then (pre-training) decoder layers
  size_t numEncoderLayers_ = 0;
  at::Tensor positionTable_;         // (1, N, D) float32 on device_
  at::Tensor decoderPositionTable_;  // (1, N, decoder width) float32 on device_ (pre-training)
  uint64_t generation_ = 0;
  DerivedCache cache_;
};

// (1, n, d) float32: the interleaved sinusoid table, computed in float64 then rounded.
at::Tensor sinusoidTable(int64_t n, int64_t d);

}  // namespace videomae::model
