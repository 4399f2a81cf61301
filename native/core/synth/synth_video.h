// One synthetic action video: a scene (scene.h) rendered frame by frame into an encoder.
#pragma once
#include <cstdint>
#include <string>

#include "core/synth/scene.h"

namespace videomae::synth {

struct SynthVideoOptions {
  std::string path;
  Motion motion = Motion::MoveRight;
  int width = 112, height = 112;
  int fps = 25;
  int frames = 60;
  std::string codec = "mpeg4";
  int quality = 4;
  uint64_t seed = 0;
};

// Writes the video; on any failure the partial file is removed and the error rethrown.
void synthesizeVideo(const SynthVideoOptions& options);

}  // namespace videomae::synth
