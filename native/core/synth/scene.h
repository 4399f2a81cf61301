// Procedural scenes for the synthetic action dataset (plain C++, no libav, no torch).
//
// A scene is one object moving over a static, cluttered background. The class of a video is its
// motion only: every other property (background colours and clutter, object shape, size, colour,
// position, phase) is drawn from the same distributions for every class, so no single frame tells
// the classes apart. All randomness comes from the scene's seed through a fixed generator, so a
// seed gives the same pixels on every platform.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace videomae::synth {

enum class Motion {
  MoveRight,
  MoveLeft,
  MoveUp,
  MoveDown,
  RotateClockwise,
  RotateCounterClockwise,
  Grow,
  Shrink,
  Blink,
  Orbit,
  Shake,
  Still,
};

// Class names in their fixed order (the first N are a dataset's N classes).
const std::vector<std::string>& motionNames();
Motion motionFromName(const std::string& name);  // throws InvalidArg for an unknown name

struct Rgb {
  uint8_t r = 0, g = 0, b = 0;
};

struct ClutterShape {
  double cx = 0, cy = 0, rx = 0, ry = 0;
  bool ellipse = false;
  Rgb colour;
};

struct SceneParams {
  Motion motion = Motion::MoveRight;
  int width = 0, height = 0;
  // background: linear gradient between two colours along `gradientAngle`, plus clutter
  Rgb background0, background1;
  double gradientAngle = 0;
  std::vector<ClutterShape> clutter;
  // object: a polygon in unit coordinates (asymmetric, so rotation is visible), scaled by `size`
  std::vector<std::pair<double, double>> shape;
  Rgb colour;
  double size = 0;        // radius in pixels
  double x0 = 0, y0 = 0;  // position at frame 0
  double angle0 = 0;      // orientation at frame 0 (radians)
  double speed = 0;       // px/frame (moves), rad/frame (rotations, orbit), cycles/frame (others)
  double phase = 0;       // in [0, 1): where a periodic motion starts
  double orbitRadius = 0;
};

// Draws the parameters of one scene from `seed` (deterministic).
SceneParams makeScene(Motion motion, int width, int height, uint64_t seed);

// Renders frame `index` as packed RGB24 (width*height*3 bytes) into `rgb`.
void renderFrame(const SceneParams& scene, int index, uint8_t* rgb);

}  // namespace videomae::synth
