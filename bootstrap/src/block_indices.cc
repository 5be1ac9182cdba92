#include "block_indices.h"

#include <cmath>

#include "chokepoint/core/error.h"

namespace chokepoint::bootstrap {

bool BlockIndexKernel::Supports(const SeriesResampler& resampler, const IndexSpec& spec) {
  return resampler.options().scheme == Scheme::kLevels && spec.frequency == Frequency::kMonthly &&
         (spec.weighting == Weighting::kEqual || spec.weighting == Weighting::kLinear);
}

BlockIndexKernel::BlockIndexKernel(const SeriesResampler& resampler, std::span<const double> w,
                                   int base_periods)
    : resampler_(&resampler), n_(static_cast<uint32_t>(resampler.length())), base_periods_(base_periods) {
  const std::span<const double> x = resampler.resampled_object();
  if (resampler.options().scheme != Scheme::kLevels || x.size() != n_ || w.size() != n_ || n_ < 2 ||
      base_periods < 1 || base_periods > static_cast<int>(n_))
    ThrowInternalError("BlockIndexKernel: needs the levels scheme and weights of the series' length");
  weight_a_ = w[0];
  weight_b_ = w[1] - w[0];
  // Affine weights only (equal, linear): anything else would be silently wrong.
  for (uint32_t t = 0; t < n_; ++t)
    if (std::abs(w[t] - (weight_a_ + weight_b_ * t)) > 1e-12 * std::abs(w[t]) + 1e-300)
      ThrowInternalError("BlockIndexKernel: weights are not affine in t");
  shift_ = IndexSum(x) / n_;
  const size_t len = 2 * static_cast<size_t>(n_) + 1;
  p1_.assign(len, 0.0);
  p2_.assign(len, 0.0);
  pt_.assign(len, 0.0);
  for (size_t k = 0; k + 1 < len; ++k) {
    const double y = x[k % n_] - shift_;
    p1_[k + 1] = p1_[k] + y;
    p2_[k + 1] = p2_[k] + y * y;
    pt_[k + 1] = pt_[k] + static_cast<double>(k) * y;
  }
}

IndexValues BlockIndexKernel::Compute(uint64_t seed, uint32_t group, uint32_t replicate) const {
  RandomStream rs(seed, group, replicate);
  const double* p1 = p1_.data();
  const double* p2 = p2_.data();
  const double* pt = pt_.data();
  const double a = weight_a_, b = weight_b_;
  const uint32_t base_periods = static_cast<uint32_t>(base_periods_);
  double y1 = 0.0, y2 = 0.0, yw = 0.0, base = 0.0;
  resampler_->ForEachBlock(rs, n_, [&](uint32_t i, uint32_t pos, uint32_t len) {
    const uint32_t end = pos + len;
    const double s1 = p1[end] - p1[pos];
    y1 += s1;
    y2 += p2[end] - p2[pos];
    yw += (a + b * (static_cast<double>(i) - static_cast<double>(pos))) * s1 + b * (pt[end] - pt[pos]);
    if (i < base_periods) {
      const uint32_t take = len < base_periods - i ? len : base_periods - i;
      base += p1[pos + take] - p1[pos];
    }
  });
  const double n = static_cast<double>(n_);
  IndexValues out;
  const double mean = shift_ + y1 / n;
  const double base_mean = shift_ + base / base_periods_;
  if (!(mean > 0.0)) {
    out.status = IndexStatus::kMeanNotPositive;
    return out;
  }
  if (!(base_mean > 0.0)) {
    out.status = IndexStatus::kBaseNotPositive;
    return out;
  }
  const double ss = y2 - y1 * (y1 / n);
  out.V = std::sqrt((ss > 0.0 ? ss : 0.0) / (n - 1.0)) / mean;
  out.G = (shift_ * (a * n + b * n * (n - 1.0) / 2.0) + yw) / base_mean - 1.0;
  return out;
}

}  // namespace chokepoint::bootstrap
