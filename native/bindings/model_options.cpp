#include "bindings/model_options.h"

#include <ATen/Context.h>

#include "bindings/js_options.h"
#include "core/errors.h"

namespace videomae::bindings {

namespace {

int64_t intField(Napi::Object o, const char* name, int64_t fallback) { return optionalInteger(o, name, fallback, "model config"); }

std::string stringField(Napi::Object o, const char* name, const std::string& fallback) {
  return optionalString(o, name, fallback, "model config");
}

}  // namespace

double numberOption(Napi::Object options, const char* name, double fallback) { return optionalNumber(options, name, fallback, "option"); }

bool boolOption(Napi::Object options, const char* name, bool fallback) { return optionalBool(options, name, fallback); }

Napi::Object optionsObject(const Napi::CallbackInfo& info, size_t index) {
  if (info.Length() > index && info[index].IsObject()) return info[index].As<Napi::Object>();
  return Napi::Object::New(info.Env());
}

model::ModelConfig modelConfigFromJs(Napi::Value value) {
  if (!value.IsObject()) fail(ErrorCode::InvalidArg, "model config must be an object");
  Napi::Object o = value.As<Napi::Object>();
  model::ModelConfig c;
  c.imageHeight = intField(o, "imageHeight", c.imageHeight);
  c.imageWidth = intField(o, "imageWidth", c.imageWidth);
  c.patchHeight = intField(o, "patchHeight", c.patchHeight);
  c.patchWidth = intField(o, "patchWidth", c.patchWidth);
  c.numChannels = intField(o, "numChannels", c.numChannels);
  c.numFrames = intField(o, "numFrames", c.numFrames);
  c.tubeletSize = intField(o, "tubeletSize", c.tubeletSize);
  c.hiddenSize = intField(o, "hiddenSize", c.hiddenSize);
  c.numHiddenLayers = intField(o, "numHiddenLayers", c.numHiddenLayers);
  c.numAttentionHeads = intField(o, "numAttentionHeads", c.numAttentionHeads);
  c.intermediateSize = intField(o, "intermediateSize", c.intermediateSize);
  c.numLabels = intField(o, "numLabels", c.numLabels);
  c.hiddenAct = stringField(o, "hiddenAct", c.hiddenAct);
  c.hiddenDropoutProb = numberOption(o, "hiddenDropoutProb", c.hiddenDropoutProb);
  c.attentionProbsDropoutProb = numberOption(o, "attentionProbsDropoutProb", c.attentionProbsDropoutProb);
  c.initializerRange = numberOption(o, "initializerRange", c.initializerRange);
  c.layerNormEps = numberOption(o, "layerNormEps", c.layerNormEps);
  c.qkvBias = boolOption(o, "qkvBias", c.qkvBias);
  c.useMeanPooling = boolOption(o, "useMeanPooling", c.useMeanPooling);
  c.problemType = stringField(o, "problemType", "");
  c.preTraining = boolOption(o, "preTraining", c.preTraining);
  c.decoderHiddenSize = intField(o, "decoderHiddenSize", c.decoderHiddenSize);
  c.decoderNumHiddenLayers = intField(o, "decoderNumHiddenLayers", c.decoderNumHiddenLayers);
  c.decoderNumAttentionHeads = intField(o, "decoderNumAttentionHeads", c.decoderNumAttentionHeads);
  c.decoderIntermediateSize = intField(o, "decoderIntermediateSize", c.decoderIntermediateSize);
  c.normPixLoss = boolOption(o, "normPixLoss", c.normPixLoss);
  c.validate();
  return c;
}

c10::Device deviceFromString(const std::string& text) {
  if (text == "auto") return at::hasCUDA() ? c10::Device(c10::DeviceType::CUDA, 0) : c10::Device(c10::DeviceType::CPU);
  if (text == "cpu") return c10::Device(c10::DeviceType::CPU);
  if (text == "cuda" || text.rfind("cuda:", 0) == 0) {
    if (!at::hasCUDA()) fail(ErrorCode::Device, "device \"" + text + "\" was requested but CUDA is not available in this build/machine");
    int index = 0;
    if (text.size() > 5) {
      std::string digits = text.substr(5);
      if (digits.empty() || digits.find_first_not_of("0123456789") != std::string::npos)
        fail(ErrorCode::InvalidArg, "device \"" + text + "\" is not 'cuda:N'");
      index = std::stoi(digits);
    }
    if (index >= static_cast<int>(at::getNumGPUs()))
      fail(ErrorCode::Device, "device \"" + text + "\": only " + std::to_string(at::getNumGPUs()) + " CUDA device(s)");
    return c10::Device(c10::DeviceType::CUDA, static_cast<c10::DeviceIndex>(index));
  }
  fail(ErrorCode::InvalidArg, "device must be 'auto', 'cpu', 'cuda' or 'cuda:N', got \"" + text + "\"");
}

at::ScalarType dtypeFromString(const std::string& text) {
  if (text == "float32") return at::kFloat;
  if (text == "bfloat16") return at::kBFloat16;
  if (text == "float16") return at::kHalf;
  fail(ErrorCode::InvalidArg, "dtype must be 'float32', 'bfloat16' or 'float16', got \"" + text + "\"");
}

optim::AdamWOptions adamwOptionsFromJs(Napi::Value value) {
  optim::AdamWOptions o;
  if (!value.IsObject()) return o;
  Napi::Object obj = value.As<Napi::Object>();
  o.lr = numberOption(obj, "lr", o.lr);
  o.beta1 = numberOption(obj, "beta1", o.beta1);
  o.beta2 = numberOption(obj, "beta2", o.beta2);
  o.eps = numberOption(obj, "eps", o.eps);
  o.weightDecay = numberOption(obj, "weightDecay", o.weightDecay);
  return o;
}

}  // namespace videomae::bindings
