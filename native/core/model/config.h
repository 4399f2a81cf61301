// The numbers the model math needs, taken from a HF VideoMAEConfig (the TS side parses
// config.json and hands these over; unknown fields never reach C++).
#pragma once
#include <cstdint>
#include <string>

namespace videomae::model {

struct ModelConfig {
  int64_t imageHeight = 224, imageWidth = 224;
  int64_t patchHeight = 16, patchWidth = 16;
  int64_t numChannels = 3;
  int64_t numFrames = 16;
  int64_t tubeletSize = 2;
  int64_t hiddenSize = 768;
  int64_t numHiddenLayers = 12;
  int64_t numAttentionHeads = 12;
  int64_t intermediateSize = 3072;
  int64_t numLabels = 2;
  std::string hiddenAct = "gelu";
  double hiddenDropoutProb = 0.0;
  double attentionProbsDropoutProb = 0.0;
  double initializerRange = 0.02;
  double layerNormEps = 1e-12;
  bool qkvBias = true;
  bool useMeanPooling = true;
  std::string problemType;  // "" = decide from the labels, like HF
  // VideoMAEForPreTraining (docs/hf-semantics.md § "Model: VideoMAEForPreTraining forward and loss"):
  // the decoder's own width/depth, and whether targets are normalised per patch.
  bool preTraining = false;
  int64_t decoderHiddenSize = 384;
  int64_t decoderNumHiddenLayers = 4;
  int64_t decoderNumAttentionHeads = 6;
  int64_t decoderIntermediateSize = 1536;
  bool normPixLoss = true;

  int64_t numPatches() const { return (numFrames / tubeletSize) * (imageHeight / patchHeight) * (imageWidth / patchWidth); }
  int64_t headDim() const { return hiddenSize / numAttentionHeads; }
  // Values per reconstructed token: tubelet × patch pixels × channels (the decoder head's width).
  int64_t patchValues() const { return tubeletSize * patchHeight * patchWidth * numChannels; }
  // Throws ErrorCode::InvalidArg naming the first inconsistent field.
  void validate() const;
};

}  // namespace videomae::model
