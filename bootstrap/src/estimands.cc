#include "chokepoint/bootstrap/estimands.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace chokepoint::bootstrap {

std::string_view ToString(Estimand e) {
  switch (e) {
    case Estimand::kObserved: return "observed";
    case Estimand::kSignal: return "signal";
  }
  return "?";
}

std::optional<Estimand> EstimandFromString(std::string_view s) {
  if (s == "observed") return Estimand::kObserved;
  if (s == "signal") return Estimand::kSignal;
  return std::nullopt;
}

std::string_view ToString(EstimandMethod m) {
  switch (m) {
    case EstimandMethod::kLogCentred: return "log_centred";
    case EstimandMethod::kLogCentredCalibrated: return "log_centred_calibrated";
    case EstimandMethod::kPercentile: return "percentile";
  }
  return "?";
}

std::optional<EstimandMethod> EstimandMethodFromString(std::string_view s) {
  if (s == "log_centred") return EstimandMethod::kLogCentred;
  if (s == "log_centred_calibrated") return EstimandMethod::kLogCentredCalibrated;
  if (s == "percentile") return EstimandMethod::kPercentile;
  return std::nullopt;
}

std::string_view Describe(EstimandMethod m) {
  switch (m) {
    case EstimandMethod::kLogCentred:
      return "basic interval on the log scale (log V, log(1 + G)) pivoting on the estimand's value in the bootstrap "
             "world (the replicates' median for observed, the fitted path's statistic for signal)";
    case EstimandMethod::kLogCentredCalibrated:
      return "the same, at the nominal level a double bootstrap calibrates to the target coverage";
    case EstimandMethod::kPercentile:
      return "quantiles of the replicates";
  }
  return "?";
}

namespace {
// The argument of the scale's log (V, or 1 + G), and whether it has one.
double LogArgument(IndexScale scale, double value) { return scale == IndexScale::kLog ? value : 1.0 + value; }
bool OnScale(double log_argument) { return log_argument > 0.0 && std::isfinite(log_argument); }
}  // namespace

double ToScale(IndexScale scale, double value) {
  const double arg = LogArgument(scale, value);
  return OnScale(arg) ? std::log(arg) : std::numeric_limits<double>::quiet_NaN();
}

double FromScale(IndexScale scale, double scaled) {
  // expm1 keeps G's digits near 0; a G within 1e-16 of -1 (log(1 + G) < -36)
  // is the double -1 itself.
  return scale == IndexScale::kLog ? std::exp(scaled) : std::expm1(scaled);
}

namespace {
// The log-centred interval from the scaled quantiles lo, hi and the pivot.
// `quantile(p)` gives the scaled cloud's type-6 quantile.
template <class ScaledQuantile>
Interval LogCentred(size_t replicates, ScaledQuantile quantile, double estimator_scaled, double level,
                    IndexScale scale, double pivot_scaled) {
  Interval out;
  if (replicates < 2) {
    out.note = "fewer than 2 finite replicates";
    return out;
  }
  if (!std::isfinite(estimator_scaled)) {
    out.note = "the estimate has no value on the log scale";
    return out;
  }
  const double alpha = (1.0 - level) / 2.0;
  const double lo = quantile(alpha), hi = quantile(1.0 - alpha);
  const double pivot = std::isfinite(pivot_scaled) ? pivot_scaled : quantile(0.5);
  out.lower = FromScale(scale, estimator_scaled - (hi - pivot));
  out.upper = FromScale(scale, estimator_scaled - (lo - pivot));
  out.ok = std::isfinite(out.lower) && std::isfinite(out.upper);
  if (!out.ok) out.note = "interval overflows";
  return out;
}
}  // namespace

Interval LogCentredInterval(std::span<const double> sorted_scaled, double estimator_scaled, double level,
                            IndexScale scale, double pivot_scaled) {
  return LogCentred(
      sorted_scaled.size(), [&](double p) { return SortedQuantile(sorted_scaled, p); }, estimator_scaled, level,
      scale, pivot_scaled);
}

std::optional<double> CalibratedLevel(std::span<const double> inner_position, double level, double min_level,
                                      double max_level) {
  std::vector<double> needed;
  needed.reserve(inner_position.size());
  for (double u : inner_position)
    if (std::isfinite(u)) needed.push_back(std::abs(2.0 * u - 1.0));
  if (needed.size() < 20) return std::nullopt;
  // The smallest nominal level that covers a share `level` of the outer
  // replicates' estimands: the `level` quantile of the levels they need.
  const double l = QuantileSelector(needed).Quantile(level);
  return std::clamp(l, min_level, max_level);
}

EstimandSummary SummariseEstimand(std::span<const double> replicates, double estimator, double level,
                                  IndexScale scale, double calibrated_level, double pivot) {
  EstimandSummary s;
  s.estimator = estimator;
  s.level = level;
  s.calibrated_level = calibrated_level;
  for (Interval& i : s.by_method) i.note = "not computed";
  std::vector<double> natural;
  natural.reserve(replicates.size());
  for (double v : replicates)  // ToScale's domain test, without the log
    if (OnScale(LogArgument(scale, v))) natural.push_back(v);
  s.replicates = static_cast<int>(natural.size());
  const double estimator_scaled = ToScale(scale, estimator);
  if (!std::isfinite(estimator_scaled)) {
    s.note = "no estimate";
    return s;
  }
  if (s.replicates < 2) {
    s.note = "fewer than 2 finite replicates";
    return s;
  }
  double mean = 0.0;  // moments before selection reorders the cloud
  for (double v : natural) mean += v;
  mean /= static_cast<double>(natural.size());
  double ss = 0.0;
  for (double v : natural) ss += (v - mean) * (v - mean);
  s.sd = std::sqrt(ss / static_cast<double>(natural.size() - 1));
  // Quantiles by selection, not a sort. The scale is increasing, so a scaled
  // quantile interpolates the scaled neighbours of the natural cloud: the
  // numbers a sort of the scaled cloud gives, with a log per quantile.
  QuantileSelector cloud(natural);
  const auto scaled = [scale](double x) { return ToScale(scale, x); };
  const auto scaled_quantile = [&](double p) { return cloud.Quantile(p, scaled); };
  s.median = cloud.Quantile(0.5);
  // The pivot on the scale: the estimand's value in the bootstrap world.
  const double scaled_median = scaled_quantile(0.5);
  const double pivot_scaled = std::isfinite(pivot) ? ToScale(scale, pivot) : scaled_median;
  s.bias = scaled_median - pivot_scaled;
  s.point = FromScale(scale, estimator_scaled - s.bias);
  s.by_method[static_cast<int>(EstimandMethod::kLogCentred)] =
      LogCentred(cloud.size(), scaled_quantile, estimator_scaled, level, scale, pivot_scaled);
  if (std::isfinite(calibrated_level)) {
    s.by_method[static_cast<int>(EstimandMethod::kLogCentredCalibrated)] =
        LogCentred(cloud.size(), scaled_quantile, estimator_scaled, calibrated_level, scale, pivot_scaled);
  } else {
    s.by_method[static_cast<int>(EstimandMethod::kLogCentredCalibrated)].note = "calibration not requested";
  }
  const double alpha = (1.0 - level) / 2.0;
  s.by_method[static_cast<int>(EstimandMethod::kPercentile)] = {cloud.Quantile(alpha), cloud.Quantile(1.0 - alpha),
                                                                 true, ""};
  s.ok = s[EstimandMethod::kLogCentred].ok && std::isfinite(s.point);
  if (!s.ok) s.note = s[EstimandMethod::kLogCentred].ok ? "point overflows" : s[EstimandMethod::kLogCentred].note;
  return s;
}

}  // namespace chokepoint::bootstrap
