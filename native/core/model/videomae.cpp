#include "core/model/videomae.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>
#include <ATen/core/grad_mode.h>

#include <cmath>

#include "core/errors.h"
#include "core/model/autocast_guard.h"
#include "core/model/checkpointing.h"
#include "core/model/linear.h"
#include "core/model/loss.h"

namespace videomae::model {

at::Tensor sinusoidTable(int64_t n, int64_t d) {
  auto f64 = at::TensorOptions().dtype(at::kDouble);
  at::Tensor position = at::arange(n, f64).unsqueeze(1);
  at::Tensor pairIndex = at::floor_divide(at::arange(d, f64), 2);
  at::Tensor denominator = at::pow(10000.0, pairIndex * 2.0 / static_cast<double>(d));
  at::Tensor angle = position / denominator;
  at::Tensor table = at::empty({n, d}, f64);
  using at::indexing::None;
  using at::indexing::Slice;
  table.index_put_({Slice(), Slice(0, None, 2)}, at::sin(angle.index({Slice(), Slice(0, None, 2)})));
  table.index_put_({Slice(), Slice(1, None, 2)}, at::cos(angle.index({Slice(), Slice(1, None, 2)})));
  return table.to(at::kFloat).unsqueeze(0);
}

VideoMAEModel::VideoMAEModel(ModelConfig config, at::ScalarType dtype, c10::Device device)
    : config_(std::move(config)), dtype_(dtype), device_(device) {
  config_.validate();
  if (dtype_ != at::kFloat && dtype_ != at::kBFloat16 && dtype_ != at::kHalf)
    fail(ErrorCode::InvalidArg, "model dtype must be float32, bfloat16 or float16");
  build();
}

size_t VideoMAEModel::add(const std::string& name, std::vector<int64_t> shape, ParamKind kind) {
  at::Tensor t = at::zeros(shape, at::TensorOptions().dtype(dtype_).device(device_));
  t.set_requires_grad(true);
  index_[name] = names_.size();
  names_.push_back(name);
  tensors_.push_back(std::move(t));
  kinds_.push_back(kind);
  return names_.size() - 1;
}

void VideoMAEModel::addLayer(const std::string& p, int64_t d, int64_t i, int64_t heads) {
  LayerParams lp{};
  lp.width = d;
  lp.heads = heads;
  lp.queryW = add(p + "attention.attention.query.weight", {d, d}, ParamKind::LinearWeight);
  lp.keyW = add(p + "attention.attention.key.weight", {d, d}, ParamKind::LinearWeight);
  lp.valueW = add(p + "attention.attention.value.weight", {d, d}, ParamKind::LinearWeight);
  if (config_.qkvBias) {
    lp.qBias = add(p + "attention.attention.q_bias", {d}, ParamKind::QvBias);
    lp.vBias = add(p + "attention.attention.v_bias", {d}, ParamKind::QvBias);
  } else {
    lp.qBias = lp.vBias = SIZE_MAX;
  }
  lp.attnOutW = add(p + "attention.output.dense.weight", {d, d}, ParamKind::LinearWeight);
  lp.attnOutB = add(p + "attention.output.dense.bias", {d}, ParamKind::Bias);
  lp.interW = add(p + "intermediate.dense.weight", {i, d}, ParamKind::LinearWeight);
  lp.interB = add(p + "intermediate.dense.bias", {i}, ParamKind::Bias);
  lp.outW = add(p + "output.dense.weight", {d, i}, ParamKind::LinearWeight);
  lp.outB = add(p + "output.dense.bias", {d}, ParamKind::Bias);
  lp.lnBeforeW = add(p + "layernorm_before.weight", {d}, ParamKind::NormWeight);
  lp.lnBeforeB = add(p + "layernorm_before.bias", {d}, ParamKind::NormBias);
  lp.lnAfterW = add(p + "layernorm_after.weight", {d}, ParamKind::NormWeight);
  lp.lnAfterB = add(p + "layernorm_after.bias", {d}, ParamKind::NormBias);
  layers_.push_back(lp);
}

void VideoMAEModel::build() {
  const ModelConfig& c = config_;
  const int64_t d = c.hiddenSize;
  const std::string emb = "videomae.embeddings.patch_embeddings.projection.";
  projW_ = add(emb + "weight", {d, c.numChannels, c.tubeletSize, c.patchHeight, c.patchWidth}, ParamKind::LinearWeight);
  projB_ = add(emb + "bias", {d}, ParamKind::Bias);
  for (int64_t l = 0; l < c.numHiddenLayers; ++l)
    addLayer("videomae.encoder.layer." + std::to_string(l) + ".", d, c.intermediateSize, c.numAttentionHeads);
  numEncoderLayers_ = layers_.size();
  positionTable_ = sinusoidTable(c.numPatches(), d).to(device_);
  if (c.preTraining) {
    // HF's VideoMAEModel has videomae.layernorm only without mean pooling; the pre-training head has no fc_norm.
    if (!c.useMeanPooling) {
      finalNormW_ = add("videomae.layernorm.weight", {d}, ParamKind::NormWeight);
      finalNormB_ = add("videomae.layernorm.bias", {d}, ParamKind::NormBias);
    } else {
      finalNormW_ = finalNormB_ = SIZE_MAX;
    }
    const int64_t dd = c.decoderHiddenSize;
    encoderToDecoderW_ = add("encoder_to_decoder.weight", {dd, d}, ParamKind::LinearWeight);
    maskToken_ = add("mask_token", {1, 1, dd}, ParamKind::Token);
    for (int64_t l = 0; l < c.decoderNumHiddenLayers; ++l)
      addLayer("decoder.decoder_layers." + std::to_string(l) + ".", dd, c.decoderIntermediateSize, c.decoderNumAttentionHeads);
    decoderNormW_ = add("decoder.norm.weight", {dd}, ParamKind::NormWeight);
    decoderNormB_ = add("decoder.norm.bias", {dd}, ParamKind::NormBias);
    decoderHeadW_ = add("decoder.head.weight", {c.patchValues(), dd}, ParamKind::LinearWeight);
    decoderHeadB_ = add("decoder.head.bias", {c.patchValues()}, ParamKind::Bias);
    decoderPositionTable_ = sinusoidTable(c.numPatches(), dd).to(device_);
    classW_ = classB_ = SIZE_MAX;
    return;
  }
  const std::string norm = c.useMeanPooling ? "fc_norm." : "videomae.layernorm.";
  finalNormW_ = add(norm + "weight", {d}, ParamKind::NormWeight);
  finalNormB_ = add(norm + "bias", {d}, ParamKind::NormBias);
  if (c.numLabels > 0) {
    classW_ = add("classifier.weight", {c.numLabels, d}, ParamKind::LinearWeight);
    classB_ = add("classifier.bias", {c.numLabels}, ParamKind::Bias);
  } else {
    classW_ = classB_ = SIZE_MAX;
  }
}

void VideoMAEModel::initialize(uint64_t seed, const std::function<bool(size_t)>& select) {
  at::NoGradGuard noGrad;
  markParametersChanged();
  at::Generator generator = at::make_generator<at::CPUGeneratorImpl>(seed);
  for (size_t i = 0; i < tensors_.size(); ++i) {
    if (select && !select(i)) continue;
    at::Tensor& t = tensors_[i];
    switch (kinds_[i]) {
      case ParamKind::LinearWeight: {
        at::Tensor cpu = at::empty(t.sizes(), at::kFloat);
        cpu.normal_(0.0, config_.initializerRange, generator);
        t.copy_(cpu);
        break;
      }
      case ParamKind::NormWeight:
        t.fill_(1.0);
        break;
      default:
        t.zero_();
        break;
    }
  }
}

std::optional<size_t> VideoMAEModel::indexOf(const std::string& name) const {
  auto it = index_.find(name);
  if (it != index_.end()) return it->second;
  static const std::pair<std::string, std::string> aliases[] = {{"attention.attention.query.bias", "attention.attention.q_bias"},
                                                                {"attention.attention.value.bias", "attention.attention.v_bias"}};
  for (const auto& [from, to] : aliases) {
    if (name.size() > from.size() && name.compare(name.size() - from.size(), from.size(), from) == 0) {
      auto alias = index_.find(name.substr(0, name.size() - from.size()) + to);
      if (alias != index_.end()) return alias->second;
    }
  }
  return std::nullopt;
}

int64_t VideoMAEModel::numParameters() const {
  int64_t total = 0;
  for (const at::Tensor& t : tensors_) total += t.numel();
  return total;
}

void VideoMAEModel::to(c10::Device device) {
  if (device == device_) return;
  at::NoGradGuard noGrad;
  for (at::Tensor& t : tensors_) {
    at::Tensor moved = t.detach().to(device);
    moved.set_requires_grad(true);
    t = moved;
  }
  positionTable_ = positionTable_.to(device);
  if (decoderPositionTable_.defined()) decoderPositionTable_ = decoderPositionTable_.to(device);
  device_ = device;
  cache_.clear();
  markParametersChanged();
}

at::Tensor VideoMAEModel::checkInput(const at::Tensor& pixelValues) const {
  const ModelConfig& c = config_;
  if (pixelValues.dim() != 5)
    fail(ErrorCode::InvalidArg,
         "pixelValues must have 5 dimensions (batch, frames, channels, height, width), got " + std::to_string(pixelValues.dim()));
  auto s = pixelValues.sizes();
  if (s[0] < 1 || s[1] != c.numFrames || s[2] != c.numChannels || s[3] != c.imageHeight || s[4] != c.imageWidth)
    fail(ErrorCode::InvalidArg, "pixelValues shape [" + std::to_string(s[0]) + ", " + std::to_string(s[1]) + ", " + std::to_string(s[2]) +
                                    ", " + std::to_string(s[3]) + ", " + std::to_string(s[4]) +
                                    "] does not match the model: expected [B, " + std::to_string(c.numFrames) + ", " +
                                    std::to_string(c.numChannels) + ", " + std::to_string(c.imageHeight) + ", " +
                                    std::to_string(c.imageWidth) + "]");
  if (!at::isFloatingType(pixelValues.scalar_type()))
    fail(ErrorCode::InvalidArg,
         std::string("pixelValues must be a floating-point tensor, got ") + c10::toString(pixelValues.scalar_type()));
  at::Tensor x = pixelValues.to(device_);
  if (!at::isfinite(x).all().item<bool>()) fail(ErrorCode::Model, "pixelValues contains NaN or infinite values");
  return x;
}

namespace {

// Under bf16 autocast every GEMM casts its float32 operands to bfloat16; a cached cast is the same
// rounding done once per parameter update instead of once per forward.
bool autocastBf16(c10::Device device) {
  return at::autocast::is_autocast_enabled(device.type()) && at::autocast::get_autocast_dtype(device.type()) == at::kBFloat16;
}

using Slot = CacheSlot;

uint64_t cacheKey(Slot slot, size_t index, at::ScalarType dtype) {
  return (static_cast<uint64_t>(index) << 16) | (static_cast<uint64_t>(slot) << 8) | static_cast<uint64_t>(dtype);
}

// branch + residual, reusing the branch's fresh buffer when the dtypes agree (IEEE addition is
// commutative, so the values are those of the out-of-place sum). `branch` is (B·N, D), produced by
// the op just before (nothing saved it for backward), `residual` is (B, N, D).
at::Tensor residualAdd(at::Tensor branch, const at::Tensor& residual) {
  if (branch.scalar_type() != residual.scalar_type()) return residual + branch.view(residual.sizes());
  return branch.add_(residual.reshape(branch.sizes())).view(residual.sizes());
}

}  // namespace

// Caches serve eval-mode forwards without autograd only: a graph must start from the leaves.
bool VideoMAEModel::caching() const { return !training_ && !at::GradMode::is_enabled(); }

at::Tensor VideoMAEModel::gemmWeight(size_t index) {
  const at::Tensor& p = tensors_[index];
  if (!caching() || p.scalar_type() != at::kFloat || !autocastBf16(device_)) return p;
  return cache_.get(cacheKey(Slot::Weight, index, at::kBFloat16), generation_, {p}, [&] { return p.to(at::kBFloat16); });
}

at::Tensor VideoMAEModel::gemmBias(size_t index) { return gemmWeight(index); }

// One (3D, D) weight for the query/key/value GEMM and its bias cat(q_bias, 0, v_bias) (HF's key
// has no bias). Concatenated on every forward with autograd, cached (in the GEMM dtype) without.
std::pair<at::Tensor, at::Tensor> VideoMAEModel::qkvWeightAndBias(size_t layer) {
  const LayerParams& p = layers_[layer];
  const at::Tensor &q = tensors_[p.queryW], &k = tensors_[p.keyW], &v = tensors_[p.valueW];
  auto weight = [&] { return at::cat({q, k, v}, 0); };
  auto bias = [&] {
    const at::Tensor& qb = tensors_[p.qBias];
    return at::cat({qb, at::zeros_like(qb), tensors_[p.vBias]});
  };
  if (!caching()) return {weight(), config_.qkvBias ? bias() : at::Tensor()};
  at::ScalarType dtype = q.scalar_type() == at::kFloat && autocastBf16(device_) ? at::kBFloat16 : q.scalar_type();
  at::Tensor w = cache_.get(cacheKey(Slot::QkvWeight, layer, dtype), generation_, {q, k, v}, [&] { return weight().to(dtype); });
  if (!config_.qkvBias) return {w, at::Tensor()};
  at::Tensor b = cache_.get(cacheKey(Slot::QkvBias, layer, dtype), generation_, {tensors_[p.qBias], tensors_[p.vBias]},
                            [&] { return bias().to(dtype); });
  return {w, b};
}

std::vector<at::Tensor> VideoMAEModel::qkvSources(size_t layer) const {
  const LayerParams& p = layers_[layer];
  return {tensors_[p.queryW], tensors_[p.keyW], tensors_[p.valueW]};
}

at::Tensor VideoMAEModel::positionTable(at::ScalarType dtype) {
  if (dtype == positionTable_.scalar_type()) return positionTable_;
  if (!caching()) return positionTable_.to(dtype);
  return cache_.get(cacheKey(Slot::Position, 0, dtype), generation_, {positionTable_}, [&] { return positionTable_.to(dtype); });
}

// x·Wᵀ + b. In eval mode without autograd the GEMM-dtype weight's oneDNN-packed copy is cached
// under (slot, index), rebuilt when the parameters it derives from (`sources`) change.
at::Tensor VideoMAEModel::dense(const at::Tensor& x, const at::Tensor& weight, const at::Tensor& bias, Slot slot, size_t index,
                                const std::vector<at::Tensor>& sources) {
  if (!caching()) return linear(x, weight, bias);
  at::Tensor packed =
      cache_.get(cacheKey(slot, index, weight.scalar_type()), generation_, sources, [&] { return packLinearWeight(weight, x.size(0)); });
  return linear(x, weight, bias, packed);
}

// A Linear layer of the model: parameters `weightIndex` and `biasIndex`. The weight is viewed as
// (out, in): the patch embedding's Conv3d kernel (D, C, t, ph, pw) flattens to (D, C·t·ph·pw).
at::Tensor VideoMAEModel::dense(const at::Tensor& x, size_t weightIndex, size_t biasIndex) {
  return dense(x, gemmWeight(weightIndex).flatten(1), gemmBias(biasIndex), Slot::Packed, weightIndex, {tensors_[weightIndex]});
}

// Conv3d with kernel = stride = (t, ph, pw) is a GEMM over non-overlapping tubelets: unfold the
// (B,T,C,H,W) input to (B·N, C·t·ph·pw) in the kernel's (c, dt, dy, dx) order, tokens (t', h', w').
// With `visible` (B, N) bool, only those tokens are embedded — (B, visible, D): HF embeds every
// token and then drops the masked ones, the same rows (each token is its own GEMM row), at 10 %
// of the patch GEMM's cost at mask ratio 0.9.
at::Tensor VideoMAEModel::embed(const at::Tensor& pixels, const at::Tensor& visible) {
  const ModelConfig& c = config_;
  const int64_t b = pixels.size(0), t = c.tubeletSize, ph = c.patchHeight, pw = c.patchWidth;
  const int64_t nt = c.numFrames / t, nh = c.imageHeight / ph, nw = c.imageWidth / pw, n = nt * nh * nw;
  at::Tensor patches = pixels.reshape({b, nt, t, c.numChannels, nh, ph, nw, pw})
                           .permute({0, 1, 4, 6, 3, 2, 5, 7})
                           .reshape({b, n, c.numChannels * t * ph * pw});
  if (visible.defined()) patches = patches.index({visible});
  const int64_t rows = patches.numel() / patches.size(-1);
  at::Tensor embedded = dense(patches.reshape({rows, patches.size(-1)}), projW_, projB_).view({b, rows / b, c.hiddenSize});
  at::Tensor position = positionTable(embedded.scalar_type());
  if (visible.defined()) position = position.expand({b, n, c.hiddenSize}).index({visible}).view({b, rows / b, c.hiddenSize});
  return at::GradMode::is_enabled() ? embedded + position : embedded.add_(position);
}

// Pre-norm self-attention: one QKV GEMM whose (B·N, 3·D) output is viewed, not copied, as q, k, v
// of shape (B, H, N, hd) for the fused SDPA kernel; its output's memory is (B, N, H, hd), so the
// merge of the heads is a view too. unbind (not indexing) keeps the backward to one stack.
at::Tensor VideoMAEModel::attention(size_t layer, const at::Tensor& normed) {
  const LayerParams& p = layers_[layer];
  const ModelConfig& c = config_;
  const int64_t b = normed.size(0), n = normed.size(1), d = p.width, heads = p.heads, hd = d / heads;
  auto [weight, bias] = qkvWeightAndBias(layer);
  at::Tensor flat = normed.reshape({b * n, d});
  at::Tensor qkv = dense(flat, weight, bias, Slot::PackedQkv, layer, qkvSources(layer));
  std::vector<at::Tensor> parts = qkv.view({b, n, 3, heads, hd}).permute({2, 0, 3, 1, 4}).unbind(0);
  double dropoutP = training_ ? c.attentionProbsDropoutProb : 0.0;
  at::Tensor context = at::scaled_dot_product_attention(parts[0], parts[1], parts[2], std::nullopt, dropoutP, false,
                                                        1.0 / std::sqrt(static_cast<double>(hd)));
  context = context.transpose(1, 2).reshape({b * n, d});
  at::Tensor out = dense(context, p.attnOutW, p.attnOutB);
  return dropout(out, c.hiddenDropoutProb);  // (B·N, D)
}

// In place when no autograd graph needs the input (the GELU backward reads it).
at::Tensor VideoMAEModel::activation(const at::Tensor& x, bool inPlace) const {
  const std::string& act = config_.hiddenAct;
  at::Tensor y = x;
  if (act == "gelu") return inPlace ? at::gelu_(y) : at::gelu(x);
  if (act == "gelu_new" || act == "gelu_pytorch_tanh") return inPlace ? at::gelu_(y, "tanh") : at::gelu(x, "tanh");
  if (act == "relu") return inPlace ? at::relu_(y) : at::relu(x);
  if (act == "silu" || act == "swish") return inPlace ? at::silu_(y) : at::silu(x);
  return inPlace ? y.mul_(at::sigmoid(y * 1.702)) : x * at::sigmoid(x * 1.702);  // quick_gelu
}

at::Tensor VideoMAEModel::dropout(const at::Tensor& x, double p) const { return (training_ && p > 0) ? at::dropout(x, p, true) : x; }

at::Tensor VideoMAEModel::layerForward(size_t layer, const at::Tensor& hidden) {
  const LayerParams& p = layers_[layer];
  const ModelConfig& c = config_;
  const int64_t b = hidden.size(0), n = hidden.size(1), d = p.width;
  at::Tensor normed = at::layer_norm(hidden, {d}, tensors_[p.lnBeforeW], tensors_[p.lnBeforeB], c.layerNormEps);
  at::Tensor h = residualAdd(attention(layer, normed), hidden);
  at::Tensor normed2 = at::layer_norm(h, {d}, tensors_[p.lnAfterW], tensors_[p.lnAfterB], c.layerNormEps).reshape({b * n, d});
  at::Tensor inter = activation(dense(normed2, p.interW, p.interB), !at::GradMode::is_enabled());
  at::Tensor out = dropout(dense(inter, p.outW, p.outB), c.hiddenDropoutProb);
  return residualAdd(out, h);
}

// With token-0 pooling and no hidden state returned, only token 0 of the last layer's output is
// read: every token still supplies keys and values, but the other queries, attention rows, output
// projections and MLP rows are dead work (7 % of videomae-base's FLOPs, and their backward). Each
// remaining row is computed by the same ops as in layerForward. Returns (B, D).
at::Tensor VideoMAEModel::lastLayerToken0(size_t layer, const at::Tensor& hidden) {
  const LayerParams& p = layers_[layer];
  const ModelConfig& c = config_;
  const int64_t b = hidden.size(0), n = hidden.size(1), d = p.width, heads = p.heads, hd = d / heads;
  at::Tensor normed = at::layer_norm(hidden, {d}, tensors_[p.lnBeforeW], tensors_[p.lnBeforeB], c.layerNormEps);
  auto [weight, bias] = qkvWeightAndBias(layer);
  auto project = [&](const at::Tensor& x, int64_t from, int64_t rows, Slot slot) {
    return dense(x, weight.narrow(0, from, rows), bias.defined() ? bias.narrow(0, from, rows) : at::Tensor(), slot, layer,
                 qkvSources(layer));
  };
  at::Tensor query = project(normed.select(1, 0), 0, d, Slot::PackedQuery).view({b, 1, heads, hd}).transpose(1, 2);
  std::vector<at::Tensor> keyValue =
      project(normed.reshape({b * n, d}), d, 2 * d, Slot::PackedKeyValue).view({b, n, 2, heads, hd}).permute({2, 0, 3, 1, 4}).unbind(0);
  double dropoutP = training_ ? c.attentionProbsDropoutProb : 0.0;
  at::Tensor context = at::scaled_dot_product_attention(query, keyValue[0], keyValue[1], std::nullopt, dropoutP, false,
                                                        1.0 / std::sqrt(static_cast<double>(hd)));
  at::Tensor attn = dense(context.transpose(1, 2).reshape({b, d}), p.attnOutW, p.attnOutB);
  at::Tensor h = residualAdd(dropout(attn, c.hiddenDropoutProb), hidden.select(1, 0));
  at::Tensor normed2 = at::layer_norm(h, {d}, tensors_[p.lnAfterW], tensors_[p.lnAfterB], c.layerNormEps);
  at::Tensor inter = activation(dense(normed2, p.interW, p.interB), !at::GradMode::is_enabled());
  return residualAdd(dropout(dense(inter, p.outW, p.outB), c.hiddenDropoutProb), h);
}

ForwardOutput VideoMAEModel::forward(const at::Tensor& pixelValues, const at::Tensor& labels, const ForwardOptions& options) {
  const ModelConfig& c = config_;
  at::Tensor pixels = checkInput(pixelValues);
  if (at::GradMode::is_enabled()) cache_.clear();  // training: the eval caches would only hold memory
  AutocastGuard autocast(device_, options.bf16);
  if (!options.bf16) pixels = pixels.to(dtype_);
  if (c.preTraining) return forwardPreTraining(pixels, options);
  if (options.boolMaskedPos.defined())
    fail(ErrorCode::InvalidArg, "boolMaskedPos is for a pre-training model (VideoMAEForPreTraining); this is a classifier");
  at::Tensor hidden = embed(pixels);
  bool recompute = checkpointing_ && training_ && at::GradMode::is_enabled();
  // Pruning the last layer draws fewer dropout masks: only done where no dropout is active.
  bool dropoutActive = training_ && (c.hiddenDropoutProb > 0 || c.attentionProbsDropoutProb > 0);
  bool token0Only = !c.useMeanPooling && !options.wantHidden && !dropoutActive && numEncoderLayers_ > 0;
  size_t fullLayers = token0Only ? numEncoderLayers_ - 1 : numEncoderLayers_;
  for (size_t l = 0; l < fullLayers; ++l) hidden = recompute ? checkpointedLayer(*this, l, hidden) : layerForward(l, hidden);
  at::Tensor pooled;
  if (c.useMeanPooling) {
    pooled = at::layer_norm(hidden.mean(1), {c.hiddenSize}, tensors_[finalNormW_], tensors_[finalNormB_], 1e-5);
  } else if (token0Only) {  // LayerNorm is per token: normalising token 0 alone gives the same pooled values
    at::Tensor first = lastLayerToken0(numEncoderLayers_ - 1, hidden);
    pooled = at::layer_norm(first, {c.hiddenSize}, tensors_[finalNormW_], tensors_[finalNormB_], c.layerNormEps);
  } else {
    hidden = at::layer_norm(hidden, {c.hiddenSize}, tensors_[finalNormW_], tensors_[finalNormB_], c.layerNormEps);
    pooled = hidden.select(1, 0);
  }
  ForwardOutput out;
  at::Tensor logits = c.numLabels > 0 ? dense(pooled, classW_, classB_) : pooled;
  out.logits = logits.to(at::kFloat);
  if (options.wantHidden) out.lastHiddenState = hidden.to(at::kFloat);
  if (labels.defined()) out.loss = computeLoss(out.logits, labels.to(device_), c, out.problemType);
  return out;
}

at::Tensor VideoMAEModel::checkMask(const at::Tensor& boolMaskedPos, int64_t batch) const {
  const int64_t n = config_.numPatches();
  if (!boolMaskedPos.defined()) fail(ErrorCode::InvalidArg, "a pre-training forward needs boolMaskedPos (B, " + std::to_string(n) + ")");
  if (boolMaskedPos.dim() != 2 || boolMaskedPos.size(0) != batch || boolMaskedPos.size(1) != n)
    fail(ErrorCode::InvalidArg, "boolMaskedPos must have shape [" + std::to_string(batch) + ", " + std::to_string(n) + "]");
  if (boolMaskedPos.scalar_type() != at::kBool && !at::isIntegralType(boolMaskedPos.scalar_type(), false))
    fail(ErrorCode::InvalidArg, "boolMaskedPos must be a bool or integer (0/1) tensor");
  at::Tensor mask = boolMaskedPos.to(device_).to(at::kBool);
  at::Tensor counts = mask.sum(1);
  const int64_t masked = counts[0].item<int64_t>();
  // HF reshapes the visible and masked tokens to (B, −1, D): every clip must mask as many tokens.
  if (!counts.eq(masked).all().item<bool>())
    fail(ErrorCode::InvalidArg, "boolMaskedPos must mask the same number of tokens in every clip of the batch");
  if (masked < 1 || masked >= n) fail(ErrorCode::InvalidArg, "boolMaskedPos must mask at least one token and leave at least one visible");
  return mask;
}

// The reconstruction targets, as HF computes them (without autograd): un-normalise with ImageNet's
// mean/std (3 channels), cut into (T/t, H/ph, W/pw) tubelets of (t, ph, pw, C) values, normalise
// each tubelet's pixels per channel with its mean and unbiased std (+1e-6) when norm_pix_loss,
// keep the masked tokens. (B, masked, t·ph·pw·C).
at::Tensor VideoMAEModel::reconstructionTargets(const at::Tensor& pixels, const at::Tensor& mask) const {
  const ModelConfig& c = config_;
  at::NoGradGuard noGrad;
  at::Tensor frames = pixels;
  if (c.numChannels == 3) {
    auto options = at::TensorOptions().dtype(pixels.scalar_type()).device(pixels.device());
    at::Tensor mean = at::tensor({0.485, 0.456, 0.406}, at::kDouble).to(options).view({1, 1, 3, 1, 1});
    at::Tensor std = at::tensor({0.229, 0.224, 0.225}, at::kDouble).to(options).view({1, 1, 3, 1, 1});
    frames = pixels * std + mean;
  }
  const int64_t b = frames.size(0), t = c.tubeletSize, ph = c.patchHeight, pw = c.patchWidth, ch = c.numChannels;
  const int64_t nt = c.numFrames / t, nh = c.imageHeight / ph, nw = c.imageWidth / pw, n = nt * nh * nw;
  at::Tensor patches = frames.view({b, nt, t, ch, nh, ph, nw, pw}).permute({0, 1, 4, 6, 2, 5, 7, 3}).contiguous();
  at::Tensor videosPatch;
  if (c.normPixLoss) {
    at::Tensor grouped = patches.view({b, n, t * ph * pw, ch});
    at::Tensor normed = (grouped - grouped.mean({-2}, true)) / (grouped.var({-2}, /*unbiased=*/true, true).sqrt() + 1e-6);
    videosPatch = normed.view({b, n, c.patchValues()});
  } else {
    videosPatch = patches.view({b, n, c.patchValues()});
  }
  return videosPatch.index({mask}).reshape({b, -1, c.patchValues()});
}

// VideoMAEForPreTraining.forward (docs/hf-semantics.md § "Model: VideoMAEForPreTraining forward and loss"):
// the encoder sees the visible tokens only (position embeddings added before the mask is applied),
// encoder_to_decoder, then the decoder over [visible + their positions, mask_token + the masked
// positions], of which the last `masked` tokens are normalised and projected to pixels.
ForwardOutput VideoMAEModel::forwardPreTraining(const at::Tensor& pixels, const ForwardOptions& options) {
  const ModelConfig& c = config_;
  const int64_t b = pixels.size(0), d = c.hiddenSize, dd = c.decoderHiddenSize;
  at::Tensor mask = checkMask(options.boolMaskedPos, b);
  at::Tensor visibleMask = mask.logical_not();
  at::Tensor hidden = embed(pixels, visibleMask);
  bool recompute = checkpointing_ && training_ && at::GradMode::is_enabled();
  for (size_t l = 0; l < numEncoderLayers_; ++l) hidden = recompute ? checkpointedLayer(*this, l, hidden) : layerForward(l, hidden);
  if (finalNormW_ != SIZE_MAX) hidden = at::layer_norm(hidden, {d}, tensors_[finalNormW_], tensors_[finalNormB_], c.layerNormEps);
  ForwardOutput out;
  if (options.wantHidden) out.lastHiddenState = hidden.to(at::kFloat);
  const int64_t visible = hidden.size(1);
  at::Tensor x = dense(hidden.reshape({b * visible, d}), gemmWeight(encoderToDecoderW_), at::Tensor(), Slot::Packed, encoderToDecoderW_,
                       {tensors_[encoderToDecoderW_]})
                     .view({b, visible, dd});
  // HF: the table .type_as(pixel_values), expanded over the batch, then split by the mask.
  at::Tensor position = decoderPositionTable_.to(pixels.scalar_type()).expand({b, -1, -1});
  at::Tensor positionVisible = position.index({visibleMask}).reshape({b, -1, dd});
  at::Tensor positionMasked = position.index({mask}).reshape({b, -1, dd});
  const int64_t masked = positionMasked.size(1);
  at::Tensor full = at::cat({x + positionVisible, tensors_[maskToken_] + positionMasked}, 1);
  for (size_t l = numEncoderLayers_; l < layers_.size(); ++l) full = recompute ? checkpointedLayer(*this, l, full) : layerForward(l, full);
  at::Tensor tail = full.narrow(1, full.size(1) - masked, masked);
  at::Tensor normed = at::layer_norm(tail, {dd}, tensors_[decoderNormW_], tensors_[decoderNormB_], 1e-5);
  at::Tensor logits = dense(normed.reshape({b * masked, dd}), decoderHeadW_, decoderHeadB_).view({b, masked, c.patchValues()});
  out.logits = logits.to(at::kFloat);
  out.targets = reconstructionTargets(pixels, mask).to(at::kFloat);
  out.loss = at::mse_loss(out.logits, out.targets);
  return out;
}

}  // namespace videomae::model
