// Bootstrap confidence intervals from a cloud of replicates theta*_1..B and
// the point estimate theta_hat: percentile, basic, normal and BCa.
//
// Quantiles use order statistic (B + 1) p with linear interpolation between
// neighbours (Hyndman-Fan type 6), clamped to the sample range.
// Normal: bias-corrected, 2 theta_hat - mean* -/+ z sd* (as boot's norm.ci).
// BCa (Efron 1987): z0 = Phi^-1((#{theta* < theta_hat} + #{theta* = theta_hat} / 2) / B),
// levels Phi(z0 + (z0 + z_a) / (1 - a (z0 + z_a))); the acceleration a comes
// from a delete-a-block jackknife (engineering notes D5), centred at the
// jackknife mean. When every replicate lies on one side of theta_hat, z0 is
// infinite: the interval is reported as failed, never returned.
#pragma once

#include <array>
#include <cmath>
#include <cstddef>
#include <optional>
#include <limits>
#include <span>
#include <string>
#include <string_view>

namespace chokepoint::bootstrap {

enum class IntervalMethod { kPercentile = 0, kBasic = 1, kNormal = 2, kBca = 3 };
inline constexpr int kNumIntervalMethods = 4;
std::string_view ToString(IntervalMethod m);  // "percentile", "basic", "normal", "bca"
std::optional<IntervalMethod> IntervalMethodFromString(std::string_view s);

struct Interval {
  double lower = 0.0;
  double upper = 0.0;
  bool ok = false;
  std::string note;  // why not ok
};

// Quantile at probability p of sorted replicates (type 6).
double SortedQuantile(std::span<const double> sorted, double p);

// The same type-6 quantiles of a cloud in any order, without sorting it: a
// quantile needs two order statistics, each found by selection inside the
// bracket earlier selections left fixed (expected O(B) each; a handful of
// quantiles cost a fraction of the O(B log B) sort). Selection reorders
// `values`; every number equals SortedQuantile's on the sorted cloud.
class QuantileSelector {
 public:
  explicit QuantileSelector(std::span<double> values) : values_(values) {}
  // Already ascending: nothing is reordered.
  static QuantileSelector OfSorted(std::span<const double> sorted);

  size_t size() const { return values_.size(); }
  // The k-th smallest value (0-based, k < size()).
  double OrderStatistic(size_t k);
  double Quantile(double p) { return Quantile(p, [](double x) { return x; }); }
  // The type-6 quantile of the transformed cloud f(x) for an increasing f:
  // neighbours are transformed before interpolating, as SortedQuantile on
  // the transformed sorted values.
  template <class Increasing>
  double Quantile(double p, Increasing f) {
    const size_t b = size();
    if (b == 0) return std::nan("");
    const double h = (static_cast<double>(b) + 1.0) * p;  // 1-based position
    if (h <= 1.0) return f(OrderStatistic(0));
    if (h >= static_cast<double>(b)) return f(OrderStatistic(b - 1));
    const size_t lo = static_cast<size_t>(std::floor(h));
    const double frac = h - static_cast<double>(lo);
    // The neighbour selected second is a scan of the bracket the first left
    // on its side: select the one nearer the middle first, so the scan is of
    // the short tail (below the 5% quantile, not above it).
    double below, above;
    if (lo < b - lo) {
      above = f(OrderStatistic(lo));
      below = f(OrderStatistic(lo - 1));
    } else {
      below = f(OrderStatistic(lo - 1));
      above = f(OrderStatistic(lo));
    }
    return below + frac * (above - below);
  }
  std::span<const double> values() const { return values_; }

 private:
  std::span<double> values_;
  bool sorted_ = false;
  // Positions already holding their order statistic (ascending); each
  // splits the cloud into values <= and >= it.
  std::array<size_t, 32> fixed_{};
  size_t num_fixed_ = 0;
};

// Share of a cloud (any order) below theta plus half the share equal to it.
double MidRank(std::span<const double> cloud, double theta);

// Standard normal quantile and distribution function.
double NormalQuantile(double p);
double NormalCdf(double z);

// Acceleration from jackknife values (centred at their mean):
// a = sum d^3 / (6 (sum d^2)^1.5), d = mean - theta_j. 0 if all equal.
double JackknifeAcceleration(std::span<const double> jackknife_values);

// Bias correction z0; nullopt when all replicates are on one side of theta_hat.
// The replicates may be in any order.
std::optional<double> BiasCorrection(std::span<const double> replicates, double theta_hat);

// All intervals at `level` (e.g. 0.9). `sorted` are the finite replicates in
// ascending order; `acceleration` feeds BCa (0 gives the BC interval).
struct IntervalSet {
  std::array<Interval, kNumIntervalMethods> by_method;
  double z0 = 0.0;
  double acceleration = 0.0;
  const Interval& operator[](IntervalMethod m) const { return by_method[static_cast<int>(m)]; }
};
//
// `theta_star` is the statistic of the resampling model itself (the
// parameter of the bootstrap world, t(F-hat) in Davison and Hinkley 1997,
// section 5.2): for model-based resampling (residual, sieve) it is the
// statistic of the fitted mean path, not of the observed series. The basic
// and normal intervals pivot on it: basic = [theta_hat - (q_hi - theta_star),
// theta_hat - (q_lo - theta_star)], normal centre theta_hat - (mean -
// theta_star). NaN (the default) means theta_star = theta_hat, the
// nonparametric (levels, growth) case.
IntervalSet ComputeIntervals(std::span<const double> sorted, double theta_hat, double level, double acceleration,
                             double theta_star = std::numeric_limits<double>::quiet_NaN());
// The same from the finite replicates in any order (reordered by selection).
IntervalSet ComputeIntervals(QuantileSelector& cloud, double theta_hat, double level, double acceleration,
                             double theta_star = std::numeric_limits<double>::quiet_NaN());

// BCa interval alone (a = 0: BC interval).
Interval BcaInterval(std::span<const double> sorted, double theta_hat, double level, double acceleration);
Interval BcaInterval(QuantileSelector& cloud, double theta_hat, double level, double acceleration);

}  // namespace chokepoint::bootstrap
