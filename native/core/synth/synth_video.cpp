#include "core/synth/synth_video.h"

#include <cstdio>
#include <vector>

#include "core/synth/video_encoder.h"

namespace videomae::synth {

void synthesizeVideo(const SynthVideoOptions& options) {
  if (options.frames <= 0) fail(ErrorCode::InvalidArg, "synthesize " + options.path + ": frames must be positive");
  if (options.fps <= 0) fail(ErrorCode::InvalidArg, "synthesize " + options.path + ": fps must be positive");
  SceneParams scene = makeScene(options.motion, options.width, options.height, options.seed);
  std::vector<uint8_t> rgb(static_cast<size_t>(options.width) * options.height * 3);
  try {
    EncoderOptions encoderOptions;
    encoderOptions.codec = options.codec;
    encoderOptions.width = options.width, encoderOptions.height = options.height;
    encoderOptions.fps = options.fps;
    encoderOptions.quality = options.quality;
    VideoEncoder encoder(options.path, encoderOptions);
    for (int i = 0; i < options.frames; ++i) {
      renderFrame(scene, i, rgb.data());
      encoder.writeRgb(rgb.data());
    }
    encoder.finish();
  } catch (...) {
    std::remove(options.path.c_str());
    throw;
  }
}

}  // namespace videomae::synth
