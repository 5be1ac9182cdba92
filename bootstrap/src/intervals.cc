#include "chokepoint/bootstrap/intervals.h"

#include <algorithm>
#include <bit>
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

namespace {
// Moves the values of v[0, n) that satisfy `keep` to the front, in one pass
// without branches on the data (a bootstrap cloud is in random order, so a
// branch per comparison would mispredict half the time); returns how many.
template <class Keep>
size_t PartitionFront(double* v, size_t n, Keep keep) {
  size_t j = 0;
  for (size_t i = 0; i < n; ++i) {
    const double x = v[i];
    const bool front = keep(x);
    v[i] = v[j];
    v[j] = x;
    j += front;
  }
  return j;
}

// Puts the k-th smallest of the finite values v[0, n) at v[k], smaller or
// equal values before it and greater or equal after (std::nth_element's
// contract): quickselect on a median-of-three pivot with three-way
// branch-free partitions (ties to the pivot end the search at once), about
// twice std::nth_element's speed on bootstrap clouds. A run of unlucky
// pivots hands the rest to std::nth_element (introselect), so the worst case
// stays O(n log n).
void SelectNth(double* v, size_t n, size_t k) {
  constexpr size_t kSmall = 24;
  int passes_left = 2 * std::bit_width(n) + 8;
  while (n > kSmall) {
    if (--passes_left < 0) {
      std::nth_element(v, v + k, v + n);
      return;
    }
    double a = v[0], b = v[n / 2], c = v[n - 1];
    if (a > b) std::swap(a, b);
    if (b > c) std::swap(b, c);
    if (a > b) std::swap(a, b);
    const double pivot = b;
    const size_t below = PartitionFront(v, n, [pivot](double x) { return x < pivot; });
    if (k < below) {
      n = below;
      continue;
    }
    double* rest = v + below;
    const size_t equal = PartitionFront(rest, n - below, [pivot](double x) { return !(pivot < x); });
    if (k < below + equal) return;  // v[k] is the pivot
    v = rest + equal;
    k -= below + equal;
    n -= below + equal;
  }
  for (size_t i = 1; i < n; ++i) {  // insertion sort of the last few
    const double x = v[i];
    size_t j = i;
    for (; j > 0 && v[j - 1] > x; --j) v[j] = v[j - 1];
    v[j] = x;
  }
}
}  // namespace

QuantileSelector QuantileSelector::OfSorted(std::span<const double> sorted) {
  // Never written through: sorted_ short-cuts every selection.
  QuantileSelector s(std::span<double>(const_cast<double*>(sorted.data()), sorted.size()));
  s.sorted_ = true;
  return s;
}

double QuantileSelector::OrderStatistic(size_t k) {
  if (sorted_) return values_[k];
  // The bracket (left, right) of fixed positions around k.
  size_t i = 0;
  while (i < num_fixed_ && fixed_[i] < k) ++i;
  if (i < num_fixed_ && fixed_[i] == k) return values_[k];
  const size_t left = i > 0 ? fixed_[i - 1] + 1 : 0;
  const size_t right = i < num_fixed_ ? fixed_[i] : values_.size();
  const auto at = [this](size_t j) { return values_.begin() + static_cast<std::ptrdiff_t>(j); };
  // A quantile's second neighbour sits at a bracket's edge: a minimum (or
  // maximum) scan, cheaper than a selection.
  if (k == left) std::iter_swap(at(k), std::min_element(at(left), at(right)));
  else if (k + 1 == right) std::iter_swap(at(k), std::max_element(at(left), at(right)));
  else SelectNth(values_.data() + left, right - left, k - left);
  if (num_fixed_ < fixed_.size()) {
    std::copy_backward(fixed_.begin() + static_cast<std::ptrdiff_t>(i),
                       fixed_.begin() + static_cast<std::ptrdiff_t>(num_fixed_),
                       fixed_.begin() + static_cast<std::ptrdiff_t>(num_fixed_ + 1));
    fixed_[i] = k;
    ++num_fixed_;
  } else {
    std::sort(values_.begin(), values_.end());  // many quantiles asked: a sort is cheaper from here
    sorted_ = true;
  }
  return values_[k];
}

double MidRank(std::span<const double> cloud, double theta) {
  size_t below = 0, ties = 0;
  for (double v : cloud) {
    below += v < theta;
    ties += v == theta;
  }
  return (static_cast<double>(below) + 0.5 * static_cast<double>(ties)) / static_cast<double>(cloud.size());
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

std::optional<double> BiasCorrection(std::span<const double> replicates, double theta_hat) {
  if (replicates.empty()) return std::nullopt;
  const double share = MidRank(replicates, theta_hat);
  if (!(share > 0.0 && share < 1.0)) return std::nullopt;
  return NormalQuantile(share);
}

Interval BcaInterval(std::span<const double> sorted, double theta_hat, double level, double a) {
  QuantileSelector s = QuantileSelector::OfSorted(sorted);
  return BcaInterval(s, theta_hat, level, a);
}

Interval BcaInterval(QuantileSelector& cloud, double theta_hat, double level, double a) {
  Interval out;
  if (cloud.size() < 2) {
    out.note = "fewer than 2 finite replicates";
    return out;
  }
  const auto z0 = BiasCorrection(cloud.values(), theta_hat);
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
  out.lower = cloud.Quantile(p[0]);
  out.upper = cloud.Quantile(p[1]);
  out.ok = true;
  return out;
}

IntervalSet ComputeIntervals(std::span<const double> sorted, double theta_hat, double level, double acceleration,
                             double theta_star) {
  QuantileSelector s = QuantileSelector::OfSorted(sorted);
  return ComputeIntervals(s, theta_hat, level, acceleration, theta_star);
}

IntervalSet ComputeIntervals(QuantileSelector& cloud, double theta_hat, double level, double acceleration,
                             double theta_star) {
  const double pivot = std::isfinite(theta_star) ? theta_star : theta_hat;
  IntervalSet set;
  set.acceleration = acceleration;
  const size_t b = cloud.size();
  for (auto& i : set.by_method) i.note = "fewer than 2 finite replicates";
  if (b < 2) return set;
  // Moments first, over the cloud in the order given (selection reorders).
  double mean = 0.0;
  for (double v : cloud.values()) mean += v;
  mean /= static_cast<double>(b);
  double ss = 0.0;
  for (double v : cloud.values()) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / static_cast<double>(b - 1));
  const double alpha = (1.0 - level) / 2.0;
  const double q_lo = cloud.Quantile(alpha);
  const double q_hi = cloud.Quantile(1.0 - alpha);
  set.by_method[0] = {q_lo, q_hi, true, ""};
  set.by_method[1] = {theta_hat - (q_hi - pivot), theta_hat - (q_lo - pivot), true, ""};
  const double z = NormalQuantile(1.0 - alpha);
  const double centre = theta_hat - (mean - pivot);
  set.by_method[2] = {centre - z * sd, centre + z * sd, true, ""};
  set.by_method[3] = BcaInterval(cloud, theta_hat, level, acceleration);
  if (auto z0 = BiasCorrection(cloud.values(), theta_hat)) set.z0 = *z0;
  else set.z0 = std::nan("");
  return set;
}

}  // namespace chokepoint::bootstrap
