#include "core/video/clip_rules.h"

#include <algorithm>
#include <cmath>

#include "core/video/video_decoder.h"

namespace videomae::video {

namespace {

using Int128 = __int128;

// x = mantissa * 2^exponent exactly (mantissa has at most 53 bits).
void decompose(double x, int64_t& mantissa, int& exponent) {
  if (x == 0) {
    mantissa = 0;
    exponent = 0;
    return;
  }
  int e = 0;
  double fraction = std::frexp(x, &e);  // x = fraction * 2^e, 0.5 <= |fraction| < 1
  mantissa = static_cast<int64_t>(std::ldexp(fraction, 53));
  exponent = e - 53;
}

Int128 ceilDiv(Int128 numerator, Int128 denominator) {
  Int128 quotient = numerator / denominator;
  if (numerator % denominator != 0 && ((numerator > 0) == (denominator > 0))) ++quotient;
  return quotient;
}

}  // namespace

int64_t ceilSecondsToPts(double a, double b, int num, int den) { return ceilScaledSecondsToPts(1, a, b, num, den); }

int64_t ceilScaledSecondsToPts(int64_t k, double a, double b, int num, int den) {
  int64_t ma = 0, mb = 0;
  int ea = 0, eb = 0;
  decompose(a, ma, ea);
  decompose(b, mb, eb);
  if (ma == 0 || k == 0) ea = eb;
  if (mb == 0) eb = ea;
  const int e = std::min(ea, eb);
  auto approximate = [&] { return static_cast<int64_t>(std::ceil((static_cast<long double>(k) * a + b) * den / num)); };
  // Exact path for clip-like values (about 1e-12 s to 1e6 s, exponents at most 40 bits apart, a
  // clip index below 2^24: nothing below overflows 128 bits); anything else is not a clip time and
  // uses long double.
  if (ea - e > 40 || eb - e > 40 || e > 0 || e < -90 || k < 0 || k >= (int64_t{1} << 24)) return approximate();
  const Int128 sum = static_cast<Int128>(k) * (static_cast<Int128>(ma) << (ea - e)) + (static_cast<Int128>(mb) << (eb - e));  // < 2^118
  // value = sum * 2^e * den / num, e <= 0; den < 2^31 would overflow only with sum near 2^97: long double then.
  if (sum > (static_cast<Int128>(1) << 94) || sum < -(static_cast<Int128>(1) << 94)) return approximate();
  return static_cast<int64_t>(ceilDiv(sum * den, static_cast<Int128>(num) << -e));
}

std::vector<int64_t> uniformSubsample(int64_t n, int64_t count) {
  std::vector<int64_t> result;
  if (n <= 0 || count <= 0) return result;
  result.reserve(count);
  // torch.linspace in float32: step in float, first half from the start, second half from the end.
  const float start = 0.0f, end = static_cast<float>(n - 1);
  const float step = count > 1 ? (end - start) / static_cast<float>(count - 1) : 0.0f;
  const int64_t halfway = count / 2;
  for (int64_t i = 0; i < count; ++i) {
    float value = i < halfway ? start + step * static_cast<float>(i) : end - step * static_cast<float>(count - 1 - i);
    if (count == 1) value = start;
    value = std::clamp(value, 0.0f, end);
    result.push_back(static_cast<int64_t>(value));
  }
  return result;
}

}  // namespace videomae::video
