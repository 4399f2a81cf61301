#include "core/data/transforms.h"

#include <ATen/ATen.h>
#include <ATen/CPUGeneratorImpl.h>

#include <cmath>
#include <string>

#include "core/errors.h"

namespace videomae::data {

namespace {

std::string what(const TransformSpec& spec) { return std::string("transform ") + transformName(spec.kind); }

int64_t randomInt(int64_t low, int64_t highExclusive, at::Generator& generator) {
  return at::randint(low, highExclusive, {1}, generator, at::TensorOptions().dtype(at::kLong)).item<int64_t>();
}

at::Tensor bilinear(const at::Tensor& x, int64_t height, int64_t width, bool antialias) {
  // (C,T,H,W) is taken as N=C, channels=T, exactly as F.interpolate sees pytorchvideo's clips.
  std::vector<int64_t> size{height, width};
  // The .vec overloads, which F.interpolate(size=..., mode="bilinear") calls.
  at::OptionalIntArrayRef outputSize(size);
  std::optional<at::ArrayRef<double>> noScales;
  if (antialias) return at::_upsample_bilinear2d_aa(x, outputSize, false, noScales);
  return at::upsample_bilinear2d(x, outputSize, false, noScales);
}

at::Tensor shortSideScale(const at::Tensor& x, int64_t size) {
  int64_t h = x.size(2), w = x.size(3);
  // pytorchvideo: int(math.floor((float(long) / short) * size)) on the long side.
  if (w < h) return bilinear(x, static_cast<int64_t>(std::floor(static_cast<double>(h) / w * size)), size, false);
  return bilinear(x, size, static_cast<int64_t>(std::floor(static_cast<double>(w) / h * size)), false);
}

at::Tensor resize(const at::Tensor& x, const TransformSpec& spec) {
  int64_t h = x.size(2), w = x.size(3), outH = spec.height, outW = spec.width;
  if (spec.shortestEdge > 0) {
    // torchvision/HF: new_long = int(size * long / short).
    int64_t s = spec.shortestEdge;
    if (w <= h)
      outW = s, outH = static_cast<int64_t>(static_cast<double>(s) * h / w);
    else
      outH = s, outW = static_cast<int64_t>(static_cast<double>(s) * w / h);
  }
  at::Tensor y = bilinear(x, outH, outW, spec.antialias);
  if (spec.roundToUint8) y = y.round().clamp_(0, 255);
  return y;
}

at::Tensor crop(const at::Tensor& x, int64_t top, int64_t left, int64_t height, int64_t width) {
  return x.slice(2, top, top + height).slice(3, left, left + width);
}

at::Tensor centerCrop(const at::Tensor& x, const TransformSpec& spec) {
  int64_t h = x.size(2), w = x.size(3);
  if (spec.height > h || spec.width > w) {
    // torchvision/HF pad with zeros to the crop size first (centred).
    int64_t padH = std::max<int64_t>(0, spec.height - h), padW = std::max<int64_t>(0, spec.width - w);
    at::Tensor padded = at::constant_pad_nd(x, {padW / 2, (padW + 1) / 2, padH / 2, (padH + 1) / 2}, 0);
    return centerCrop(padded, spec);
  }
  double dh = (h - spec.height) / 2.0, dw = (w - spec.width) / 2.0;
  // torchvision: int(round(.)) with Python's round-half-to-even (nearbyint); HF: floor.
  int64_t top = static_cast<int64_t>(spec.floorOffset ? std::floor(dh) : std::nearbyint(dh));
  int64_t left = static_cast<int64_t>(spec.floorOffset ? std::floor(dw) : std::nearbyint(dw));
  return crop(x, top, left, spec.height, spec.width);
}

at::Tensor randomCrop(const at::Tensor& x, const TransformSpec& spec, at::Generator& generator) {
  int64_t h = x.size(2), w = x.size(3);
  if (h < spec.height || w < spec.width)
    fail(ErrorCode::InvalidArg, what(spec) + ": crop " + std::to_string(spec.height) + "x" + std::to_string(spec.width) +
                                    " is larger than the frames (" + std::to_string(h) + "x" + std::to_string(w) + ")");
  if (h == spec.height && w == spec.width) return x;  // torchvision draws nothing here
  int64_t top = randomInt(0, h - spec.height + 1, generator);
  int64_t left = randomInt(0, w - spec.width + 1, generator);
  return crop(x, top, left, spec.height, spec.width);
}

at::Tensor normalize(const at::Tensor& x, const TransformSpec& spec) {
  int64_t c = x.size(0);
  if (static_cast<int64_t>(spec.mean.size()) != c || static_cast<int64_t>(spec.std.size()) != c)
    fail(ErrorCode::InvalidArg,
         what(spec) + ": mean/std have " + std::to_string(spec.mean.size()) + " values for " + std::to_string(c) + " channels");
  at::Tensor mean = at::tensor(spec.mean, at::kDouble).to(x.scalar_type()).view({c, 1, 1, 1});
  at::Tensor stdev = at::tensor(spec.std, at::kDouble).to(x.scalar_type()).view({c, 1, 1, 1});
  return x.sub(mean).div_(stdev);
}

}  // namespace

const char* transformName(TransformKind kind) {
  switch (kind) {
    case TransformKind::UniformTemporalSubsample:
      return "UniformTemporalSubsample";
    case TransformKind::Div255:
      return "Div255";
    case TransformKind::Normalize:
      return "Normalize";
    case TransformKind::ShortSideScale:
      return "ShortSideScale";
    case TransformKind::RandomShortSideScale:
      return "RandomShortSideScale";
    case TransformKind::Resize:
      return "Resize";
    case TransformKind::RandomCrop:
      return "RandomCrop";
    case TransformKind::CenterCrop:
      return "CenterCrop";
    case TransformKind::RandomHorizontalFlip:
      return "RandomHorizontalFlip";
  }
  return "?";
}

void validateTransform(const TransformSpec& spec) {
  auto positive = [&](int64_t v, const char* name) {
    if (v <= 0) fail(ErrorCode::InvalidArg, what(spec) + ": " + name + " must be a positive integer");
  };
  switch (spec.kind) {
    case TransformKind::UniformTemporalSubsample:
      positive(spec.numSamples, "numSamples");
      break;
    case TransformKind::Normalize:
      if (spec.mean.empty() || spec.mean.size() != spec.std.size())
        fail(ErrorCode::InvalidArg, what(spec) + ": mean and std need the same, non-zero length");
      for (double s : spec.std)
        if (s == 0) fail(ErrorCode::InvalidArg, what(spec) + ": std contains 0");
      break;
    case TransformKind::ShortSideScale:
      positive(spec.size, "size");
      break;
    case TransformKind::RandomShortSideScale:
      positive(spec.minSize, "minSize");
      if (spec.maxSize < spec.minSize) fail(ErrorCode::InvalidArg, what(spec) + ": maxSize must be >= minSize");
      break;
    case TransformKind::Resize:
      if (spec.shortestEdge <= 0) positive(spec.height, "height"), positive(spec.width, "width");
      break;
    case TransformKind::RandomCrop:
    case TransformKind::CenterCrop:
      positive(spec.height, "height"), positive(spec.width, "width");
      break;
    case TransformKind::RandomHorizontalFlip:
      if (!(spec.p >= 0 && spec.p <= 1)) fail(ErrorCode::InvalidArg, what(spec) + ": p must be in [0, 1]");
      break;
    case TransformKind::Div255:
      break;
  }
}

at::Tensor applyTransform(const at::Tensor& x, const TransformSpec& spec, at::Generator& generator) {
  if (x.dim() != 4) fail(ErrorCode::InvalidArg, what(spec) + ": expected a (C,T,H,W) clip");
  switch (spec.kind) {
    case TransformKind::UniformTemporalSubsample: {
      int64_t t = x.size(1);
      at::Tensor index = at::linspace(0, static_cast<double>(t - 1), spec.numSamples, at::kFloat).clamp_(0, t - 1).to(at::kLong);
      return x.index_select(1, index);
    }
    case TransformKind::Div255:
      return x.div(255.0);
    case TransformKind::Normalize:
      return normalize(x, spec);
    case TransformKind::ShortSideScale:
      return shortSideScale(x, spec.size);
    case TransformKind::RandomShortSideScale:
      return shortSideScale(x, randomInt(spec.minSize, spec.maxSize + 1, generator));
    case TransformKind::Resize:
      return resize(x, spec);
    case TransformKind::RandomCrop:
      return randomCrop(x, spec, generator);
    case TransformKind::CenterCrop:
      return centerCrop(x, spec);
    case TransformKind::RandomHorizontalFlip:
      if (at::rand({1}, generator, at::TensorOptions().dtype(at::kFloat)).item<float>() < static_cast<float>(spec.p))
        return x.flip({3});  // float32 compare, as torch.rand(1) < p
      return x;
  }
  fail(ErrorCode::Internal, "unknown transform");
}

at::Tensor applyTransforms(at::Tensor x, const std::vector<TransformSpec>& chain, at::Generator& generator) {
  for (const TransformSpec& spec : chain) x = applyTransform(x, spec, generator);
  return x;
}

uint64_t mixSeed(uint64_t seed, uint64_t epoch, uint64_t sample) {
  auto mix = [](uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  return mix(mix(mix(seed) ^ epoch) ^ sample);
}

at::Generator sampleGenerator(uint64_t seed, uint64_t epoch, uint64_t sample) {
  return at::make_generator<at::CPUGeneratorImpl>(mixSeed(seed, epoch, sample));
}

}  // namespace videomae::data
