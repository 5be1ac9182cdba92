#include "chokepoint/bootstrap/intervals.h"

#include <algorithm>
#include <cmath>

#include <boost/math/special_functions/erf.hpp>

namespace chokepoint::bootstrap {

std::string_view ToString(IntervalMethod m) {
  switch (m) {
    case IntervalMethod::kPercentile: return "percentile";
    case IntervalMethod::kBasic: return "basic";
    case IntervalMethod::kNormal: return "normal";
    case IntervalMethod::kBca: return "bca";
  }
  return "?";
}
std::optional<IntervalMethod> IntervalMethodFromString(std::string_view s) {
  if (s == "percentile") return IntervalMethod::kPercentile;
  if (s == "basic") return IntervalMethod::kBasic;
  if (s == "normal") return IntervalMethod::kNormal;
  if (s == "bca") return IntervalMethod::kBca;
  return std::nullopt;
}

double NormalQuantile(double p) { return -std::sqrt(2.0) * boost::math::erfc_inv(2.0 * p); }
double NormalCdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }

double SortedQuantile(std::span<const double> sorted, double p) {
  const size_t b = sorted.size();
  if (b == 0) return std::nan("");
  const double h = (static_cast<double>(b) + 1.0) * p;  // 1-based position
  if (h <= 1.0) return sorted.front();
  if (h >= static_cast<double>(b)) return sorted.back();
  const size_t lo = static_cast<size_t>(std::floor(h));
  const double frac = h - static_cast<double>(lo);
  return sorted[lo - 1] + frac * (sorted[lo] - sorted[lo - 1]);
}

double JackknifeAcceleration(std::span<const double> v) {
  if (v.empty()) return 0.0;
  double mean = 0.0;
  for (double x : v) mean += x;
  mean /= static_cast<double>(v.size());
  double s2 = 0.0, s3 = 0.0;
  for (double x : v) {
    const double d = mean - x;
    s2 += d * d;
    s3 += d * d * d;
  }
  if (!(s2 > 0.0)) return 0.0;
  return s3 / (6.0 * std::pow(s2, 1.5));
}

std::optional<double> BiasCorrection(std::span<const double> sorted, double theta_hat) {
  const auto lower = std::lower_bound(sorted.begin(), sorted.end(), theta_hat);
  const auto upper = std::upper_bound(sorted.begin(), sorted.end(), theta_hat);
  const double below = static_cast<double>(lower - sorted.begin());
  const double ties = static_cast<double>(upper - lower);
  const double share = (below + 0.5 * ties) / static_cast<double>(sorted.size());
  if (!(share > 0.0 && share < 1.0)) return std::nullopt;
  return NormalQuantile(share);
}

Interval BcaInterval(std::span<const double> sorted, double theta_hat, double level, double a) {
  Interval out;
  if (sorted.size() < 2) {
    out.note = "fewer than 2 finite replicates";
    return out;
  }
  const auto z0 = BiasCorrection(sorted, theta_hat);
  if (!z0) {
    out.note = "all replicates lie on one side of the estimate: bias correction z0 is infinite";
    return out;
  }
  const double alpha = (1.0 - level) / 2.0;
  double p[2];
  const double za[2] = {NormalQuantile(alpha), NormalQuantile(1.0 - alpha)};
  for (int i = 0; i < 2; ++i) {
    const double s = *z0 + za[i];
    const double denom = 1.0 - a * s;
    if (!(denom > 0.0)) {
      out.note = "acceleration too large: 1 - a (z0 + z_alpha) <= 0";
      return out;
    }
    p[i] = NormalCdf(*z0 + s / denom);
  }
  out.lower = SortedQuantile(sorted, p[0]);
  out.upper = SortedQuantile(sorted, p[1]);
  out.ok = true;
  return out;
}

IntervalSet ComputeIntervals(std::span<const double> sorted, double theta_hat, double level, double acceleration,
                             double theta_star) {
  const double pivot = std::isfinite(theta_star) ? theta_star : theta_hat;
  IntervalSet set;
  set.acceleration = acceleration;
  const size_t b = sorted.size();
  for (auto& i : set.by_method) i.note = "fewer than 2 finite replicates";
  if (b < 2) return set;
  const double alpha = (1.0 - level) / 2.0;
  const double q_lo = SortedQuantile(sorted, alpha);
  const double q_hi = SortedQuantile(sorted, 1.0 - alpha);
  set.by_method[0] = {q_lo, q_hi, true, ""};
  set.by_method[1] = {theta_hat - (q_hi - pivot), theta_hat - (q_lo - pivot), true, ""};
  double mean = 0.0;
  for (double v : sorted) mean += v;
  mean /= static_cast<double>(b);
  double ss = 0.0;
  for (double v : sorted) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / static_cast<double>(b - 1));
  const double z = NormalQuantile(1.0 - alpha);
  const double centre = theta_hat - (mean - pivot);
  set.by_method[2] = {centre - z * sd, centre + z * sd, true, ""};
  set.by_method[3] = BcaInterval(sorted, theta_hat, level, acceleration);
  if (auto z0 = BiasCorrection(sorted, theta_hat)) set.z0 = *z0;
  else set.z0 = std::nan("");
  return set;
}

}  // namespace chokepoint::bootstrap
