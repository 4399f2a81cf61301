#include "core/data/clip_reader.h"

#include <ATen/ATen.h>

namespace videomae::data {

at::Tensor readClip(const ClipRequest& request) {
  video::OpenOptions open;
  open.threads = request.decoderThreads;
  auto decoder = video::VideoDecoder::openFile(request.path, open);
  std::vector<int64_t> indices = request.exact
                                     ? decoder->clipIndicesScaled(request.exact->index, request.exact->stride, request.exact->duration)
                                     : decoder->clipIndices(request.start, request.end);
  if (indices.empty()) return at::Tensor();
  if (request.subsample > 0) {
    std::vector<int64_t> kept;
    for (int64_t i : video::uniformSubsample(static_cast<int64_t>(indices.size()), request.subsample)) kept.push_back(indices[i]);
    indices = std::move(kept);
  }
  video::FrameOptions frameOptions;
  auto [height, width] = decoder->outputSize(frameOptions);
  at::Tensor thwc = at::empty({static_cast<int64_t>(indices.size()), height, width, 3}, at::kByte);
  decoder->getFramesAt(indices, frameOptions, thwc.data_ptr<uint8_t>());
  // pytorchvideo: thwc_to_cthw(stack(frames)).to(float32) — same view, same strides.
  return thwc.permute({3, 0, 1, 2}).to(at::kFloat);
}

video::VideoMetadata probeVideo(const std::string& path) {
  video::OpenOptions open;
  open.threads = 1;
  return video::VideoDecoder::openFile(path, open)->metadata();
}

}  // namespace videomae::data
