#include "core/synth/scene.h"

#include <algorithm>
#include <cmath>

#include "core/errors.h"

namespace videomae::synth {

namespace {

constexpr double kPi = 3.14159265358979323846;

// splitmix64: tiny, fast and fully specified, so a seed means the same scene everywhere
// (std:: distributions are implementation-defined).
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t next() {
    uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform(double lo, double hi) { return lo + (hi - lo) * static_cast<double>(next() >> 11) * 0x1.0p-53; }
  int integer(int lo, int hi) { return lo + static_cast<int>(next() % static_cast<uint64_t>(hi - lo + 1)); }
  bool coin() { return (next() >> 63) != 0; }

 private:
  uint64_t state_;
};

Rgb hsv(double h, double s, double v) {
  h = std::fmod(h, 1.0) * 6.0;
  int sector = static_cast<int>(h);
  double f = h - sector, p = v * (1 - s), q = v * (1 - s * f), t = v * (1 - s * (1 - f));
  double r = v, g = t, b = p;
  switch (sector) {
    case 1:
      r = q, g = v, b = p;
      break;
    case 2:
      r = p, g = v, b = t;
      break;
    case 3:
      r = p, g = q, b = v;
      break;
    case 4:
      r = t, g = p, b = v;
      break;
    case 5:
      r = v, g = p, b = q;
      break;
    default:
      break;
  }
  auto byte = [](double x) { return static_cast<uint8_t>(std::lround(std::clamp(x, 0.0, 1.0) * 255.0)); };
  return {byte(r), byte(g), byte(b)};
}

// Unit polygons, none with rotational symmetry, so a rotation is always visible.
const std::vector<std::vector<std::pair<double, double>>>& shapes() {
  static const std::vector<std::vector<std::pair<double, double>>> kShapes = {
      {{1.0, 0.0}, {-0.7, 0.65}, {-0.35, 0.0}, {-0.7, -0.65}},                                                         // dart
      {{-0.8, -0.9}, {-0.2, -0.9}, {-0.2, 0.3}, {0.8, 0.3}, {0.8, 0.9}, {-0.8, 0.9}},                                  // L
      {{1.0, 0.0}, {-0.8, 0.7}, {-0.8, -0.7}},                                                                         // triangle
      {{-0.9, -0.9}, {0.9, -0.9}, {0.9, -0.4}, {0.25, -0.4}, {0.25, 0.9}, {-0.25, 0.9}, {-0.25, -0.4}, {-0.9, -0.4}},  // T
  };
  return kShapes;
}

void drawBackground(const SceneParams& scene, uint8_t* rgb) {
  double c = std::cos(scene.gradientAngle), s = std::sin(scene.gradientAngle);
  double half = 0.5 * std::hypot(scene.width, scene.height);
  for (int y = 0; y < scene.height; ++y) {
    for (int x = 0; x < scene.width; ++x) {
      double t = std::clamp(((x - scene.width / 2.0) * c + (y - scene.height / 2.0) * s) / (2 * half) + 0.5, 0.0, 1.0);
      uint8_t* p = rgb + (static_cast<size_t>(y) * scene.width + x) * 3;
      p[0] = static_cast<uint8_t>(scene.background0.r + t * (scene.background1.r - scene.background0.r));
      p[1] = static_cast<uint8_t>(scene.background0.g + t * (scene.background1.g - scene.background0.g));
      p[2] = static_cast<uint8_t>(scene.background0.b + t * (scene.background1.b - scene.background0.b));
    }
  }
  for (const ClutterShape& shape : scene.clutter) {
    int x0 = std::max(0, static_cast<int>(shape.cx - shape.rx)), x1 = std::min(scene.width - 1, static_cast<int>(shape.cx + shape.rx));
    int y0 = std::max(0, static_cast<int>(shape.cy - shape.ry)), y1 = std::min(scene.height - 1, static_cast<int>(shape.cy + shape.ry));
    for (int y = y0; y <= y1; ++y) {
      for (int x = x0; x <= x1; ++x) {
        double dx = (x + 0.5 - shape.cx) / shape.rx, dy = (y + 0.5 - shape.cy) / shape.ry;
        if (shape.ellipse && dx * dx + dy * dy > 1.0) continue;
        uint8_t* p = rgb + (static_cast<size_t>(y) * scene.width + x) * 3;
        p[0] = shape.colour.r, p[1] = shape.colour.g, p[2] = shape.colour.b;
      }
    }
  }
}

bool insidePolygon(const std::vector<std::pair<double, double>>& polygon, double x, double y) {
  bool inside = false;
  for (size_t i = 0, j = polygon.size() - 1; i < polygon.size(); j = i++) {
    auto [xi, yi] = polygon[i];
    auto [xj, yj] = polygon[j];
    if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

void drawObject(const SceneParams& scene, double cx, double cy, double angle, double scale, uint8_t* rgb) {
  double radius = scene.size * scale, c = std::cos(angle), s = std::sin(angle);
  std::vector<std::pair<double, double>> polygon;
  for (auto [u, v] : scene.shape) polygon.emplace_back(cx + radius * (u * c - v * s), cy + radius * (u * s + v * c));
  int x0 = std::max(0, static_cast<int>(std::floor(cx - radius))), x1 = std::min(scene.width - 1, static_cast<int>(std::ceil(cx + radius)));
  int y0 = std::max(0, static_cast<int>(std::floor(cy - radius))),
      y1 = std::min(scene.height - 1, static_cast<int>(std::ceil(cy + radius)));
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) {
      if (!insidePolygon(polygon, x + 0.5, y + 0.5)) continue;
      uint8_t* p = rgb + (static_cast<size_t>(y) * scene.width + x) * 3;
      p[0] = scene.colour.r, p[1] = scene.colour.g, p[2] = scene.colour.b;
    }
  }
}

// Motions are tuned to be clear over this many frames: one 8-frame clip at sample rate 4
// (1.28 s at 25 fps), the clip the demo trains on.
constexpr double kClipFrames = 32;

double wrap(double value, double span) { return value - span * std::floor(value / span); }
double fraction(double value) { return value - std::floor(value); }

}  // namespace

const std::vector<std::string>& motionNames() {
  static const std::vector<std::string> kNames = {
      "MoveRight", "MoveLeft", "MoveUp", "MoveDown", "RotateClockwise", "RotateCounterClockwise",
      "Grow",      "Shrink",   "Blink",  "Orbit",    "Shake",           "Still"};
  return kNames;
}

Motion motionFromName(const std::string& name) {
  const auto& names = motionNames();
  auto it = std::find(names.begin(), names.end(), name);
  if (it == names.end()) fail(ErrorCode::InvalidArg, "unknown synthetic motion \"" + name + "\"");
  return static_cast<Motion>(it - names.begin());
}

SceneParams makeScene(Motion motion, int width, int height, uint64_t seed) {
  Random random(seed);
  SceneParams scene;
  scene.motion = motion;
  scene.width = width, scene.height = height;
  double side = std::min(width, height);
  // A dark, muted background (any hue, a mild gradient, a little low-contrast clutter) under a
  // bright, saturated object: the object and its motion carry the signal, the background varies
  // without drowning it.
  double bgValue = random.uniform(0.08, 0.32);
  double bgHue = random.uniform(0, 1);
  scene.background0 = hsv(bgHue, random.uniform(0.2, 0.6), bgValue);
  scene.background1 =
      hsv(bgHue + random.uniform(-0.1, 0.1) + 1, random.uniform(0.2, 0.6), std::clamp(bgValue + random.uniform(-0.06, 0.06), 0.0, 1.0));
  scene.gradientAngle = random.uniform(0, 2 * kPi);
  int clutterCount = random.integer(0, 2);
  for (int i = 0; i < clutterCount; ++i) {
    double v = bgValue + random.uniform(0.06, 0.14);
    scene.clutter.push_back({random.uniform(0, width), random.uniform(0, height), random.uniform(0.03, 0.07) * side,
                             random.uniform(0.03, 0.07) * side, random.coin(), hsv(random.uniform(0, 1), random.uniform(0.2, 0.6), v)});
  }
  scene.shape = shapes()[random.integer(0, static_cast<int>(shapes().size()) - 1)];
  scene.colour = hsv(random.uniform(0, 1), random.uniform(0.4, 1.0), random.uniform(0.85, 1.0));
  scene.size = random.uniform(0.16, 0.22) * side;
  // Every class starts from the same distribution of positions (frame 0 never tells the class),
  // central enough that a move stays in view for kClipFrames frames.
  scene.x0 = random.uniform(0.35, 0.65) * width;
  scene.y0 = random.uniform(0.35, 0.65) * height;
  scene.angle0 = random.uniform(0, 2 * kPi);
  scene.phase = random.uniform(0, 1);
  const double frames = kClipFrames - 1;
  switch (motion) {
    case Motion::MoveRight:
    case Motion::MoveLeft:
      scene.speed = random.uniform(0.3, 0.42) * width / frames;
      break;
    case Motion::MoveUp:
    case Motion::MoveDown:
      scene.speed = random.uniform(0.3, 0.42) * height / frames;
      break;
    case Motion::RotateClockwise:
    case Motion::RotateCounterClockwise:
    case Motion::Orbit:
      scene.speed = random.uniform(6.0, 9.0) * kPi / 180.0;
      break;
    case Motion::Grow:
    case Motion::Shrink:
      scene.speed = random.uniform(0.4, 0.55) / frames;
      break;  // log-size per frame
    // Blink and Shake flip about twice per period of ~2 clip strides (a clip samples every ~4.4
    // frames), so the two frames of a tubelet usually differ: at a slower blink every tubelet
    // is all-on or all-off and only a comparison across time tells Blink from Still.
    case Motion::Blink:
      scene.speed = 1.0 / random.uniform(8, 10);
      break;
    case Motion::Shake:
      scene.speed = 1.0 / random.uniform(10, 12);
      break;
    case Motion::Still:
      break;
  }
  if (motion == Motion::Orbit) {
    scene.orbitRadius = random.uniform(0.14, 0.22) * side;
    double margin = scene.orbitRadius + scene.size * 0.5;
    scene.x0 = margin < width - margin ? random.uniform(margin, width - margin) : width / 2.0;
    scene.y0 = margin < height - margin ? random.uniform(margin, height - margin) : height / 2.0;
  }
  return scene;
}

void renderFrame(const SceneParams& scene, int index, uint8_t* rgb) {
  drawBackground(scene, rgb);
  double t = index, x = scene.x0, y = scene.y0, angle = scene.angle0, scale = 1.0;
  // Moves wrap around (after kClipFrames frames at the earliest); grow/shrink restart every
  // kClipFrames frames, from a start size that is the same for both.
  double spanX = scene.width + 2 * scene.size, spanY = scene.height + 2 * scene.size;
  double growth = scene.speed * std::fmod(t, kClipFrames), logStart = 0.6 * (scene.phase - 0.5);
  switch (scene.motion) {
    case Motion::MoveRight:
      x = wrap(scene.x0 + scene.size + scene.speed * t, spanX) - scene.size;
      break;
    case Motion::MoveLeft:
      x = wrap(scene.x0 + scene.size - scene.speed * t, spanX) - scene.size;
      break;
    case Motion::MoveDown:
      y = wrap(scene.y0 + scene.size + scene.speed * t, spanY) - scene.size;
      break;
    case Motion::MoveUp:
      y = wrap(scene.y0 + scene.size - scene.speed * t, spanY) - scene.size;
      break;
    case Motion::RotateClockwise:
      angle += scene.speed * t;
      break;  // y points down: +angle turns clockwise on screen
    case Motion::RotateCounterClockwise:
      angle -= scene.speed * t;
      break;
    case Motion::Grow:
      scale = std::exp(logStart + growth);
      break;
    case Motion::Shrink:
      scale = std::exp(logStart - growth);
      break;
    case Motion::Blink:
      if (fraction(scene.phase + scene.speed * t) >= 0.5) return;  // off half of each period
      break;
    case Motion::Orbit: {
      double theta = scene.phase * 2 * kPi + scene.speed * t;
      x = scene.x0 + scene.orbitRadius * std::cos(theta), y = scene.y0 + scene.orbitRadius * std::sin(theta);
      break;
    }
    case Motion::Shake:
      x = scene.x0 + 0.12 * scene.width * std::sin(2 * kPi * (scene.phase + scene.speed * t));
      break;
    case Motion::Still:
      break;
  }
  drawObject(scene, x, y, angle, scale, rgb);
}

}  // namespace videomae::synth
