// What a bootstrap interval is an interval for (docs/method.md §5.13).
//
// Two estimands for each index (V, G), each with its own point estimate:
//
//   observed  the paper's statistic of the series as observed. Its interval
//             says how much the statistic would move under another draw of
//             the same process: the estimand is the centre (median) of the
//             statistic's sampling distribution under that process, and the
//             bootstrap replicates of the statistic stand for that
//             distribution.
//   signal    the same statistic of the noise-free path (trend, month effects
//             and any episodes the models keep in the fitted path). Its point
//             estimate is the statistic of the fitted path; its replicates
//             are the statistic of the path refitted on each replicate series.
//             Available under the residual and sieve schemes, which have a
//             fitted path.
//
// The default interval for both ("log_centred") is a basic bootstrap interval
// built on the scale where the index is nearly pivotal and every value maps
// back to a possible one, h(V) = log V and h(G) = log(1 + G) (1 + G is a ratio
// of a weighted mean to the base, > 0 for positive imports), pivoting on the
// estimand's value in the bootstrap world, w (basic limits on a transformed
// scale: Davison and Hinkley 1997, §5.2):
//
//   [ h^-1(h(e) - (q_{1-a/2} - w)),  h^-1(h(e) - (q_{a/2} - w)) ]
//
// with e the estimator and q the quantiles of its replicates h(e*). For the
// observed estimand the bootstrap world's value is the median of the
// replicates (w = m); for the signal estimand it is the fitted path's
// statistic, the estimator itself (w = h(e)), which corrects the refit's bias.
// The point estimate is the estimator corrected by the same bootstrap bias,
// h^-1(h(e) - (m - w)): the statistic itself for observed, the bias-corrected
// fitted path's statistic for signal. Since q_{a/2} <= m <= q_{1-a/2}, the
// interval always contains the point; since h^-1 maps every real into
// (0, inf) or (-1, inf), it never contains an impossible value. The
// calibrated variant ("log_centred_calibrated") replaces the nominal level by
// the one a double bootstrap says reaches the target coverage (Hall 1986;
// Beran 1987; Davison and Hinkley 1997, §5.6).
#pragma once

#include <array>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "chokepoint/bootstrap/intervals.h"

namespace chokepoint::bootstrap {

enum class Estimand { kObserved = 0, kSignal = 1 };
inline constexpr int kNumEstimands = 2;
std::string_view ToString(Estimand e);  // "observed", "signal"
std::optional<Estimand> EstimandFromString(std::string_view s);

// The transform h under which intervals are built.
enum class IndexScale {
  kLog,         // V > 0: h = log
  kLogOnePlus,  // G > -1: h = log(1 + G)
};
double ToScale(IndexScale scale, double value);      // NaN for impossible values
double FromScale(IndexScale scale, double scaled);

// Interval types of an estimand.
enum class EstimandMethod {
  kLogCentred = 0,            // the default (above)
  kLogCentredCalibrated = 1,  // double-bootstrap calibrated nominal level
  kPercentile = 2,            // quantiles of the replicates (transformation-respecting)
};
std::string_view ToString(EstimandMethod m);  // "log_centred", "log_centred_calibrated", "percentile"
std::optional<EstimandMethod> EstimandMethodFromString(std::string_view s);
// One line a referee can quote, for reports.
std::string_view Describe(EstimandMethod m);

// The log-centred interval at `level` from replicates already on the scale
// and sorted (non-finite values removed), the estimator on the scale and the
// pivot w on the scale (NaN: the replicates' median).
Interval LogCentredInterval(std::span<const double> sorted_scaled, double estimator_scaled, double level,
                            IndexScale scale,
                            double pivot_scaled = std::numeric_limits<double>::quiet_NaN());

// Double-bootstrap calibration. For outer replicate b, `inner_position[b]` is
// u_b, the share of its inner replicates (on the scale, centred as the
// interval centres them) lying below the outer world's estimand: the
// interval at nominal level l covers it exactly when l >= |2 u_b - 1|. The
// calibrated level is the `level` quantile of |2 u_b - 1| over b, clamped to
// [min_level, max_level]; nullopt with fewer than 20 outer values.
std::optional<double> CalibratedLevel(std::span<const double> inner_position, double level, double min_level = 0.5,
                                      double max_level = 0.995);

// One estimand of one index: point estimate and intervals.
struct EstimandSummary {
  bool ok = false;
  std::string note;  // why not ok
  // The point estimate: the estimator corrected by its bootstrap median bias
  // (equal to the estimator for the observed estimand).
  double point = std::numeric_limits<double>::quiet_NaN();
  double estimator = std::numeric_limits<double>::quiet_NaN();  // before the correction
  double bias = std::numeric_limits<double>::quiet_NaN();        // on the scale: m - w
  double median = std::numeric_limits<double>::quiet_NaN();  // of the replicates (natural scale)
  double sd = std::numeric_limits<double>::quiet_NaN();
  int replicates = 0;  // finite replicates on the scale
  double level = 0.9;  // nominal level asked
  // The calibrated interval's nominal level (NaN when not calibrated).
  double calibrated_level = std::numeric_limits<double>::quiet_NaN();
  std::array<Interval, 3> by_method;  // indexed by EstimandMethod
  const Interval& operator[](EstimandMethod m) const { return by_method[static_cast<int>(m)]; }
};

// Summarises replicates of an estimand's estimator (natural scale;
// non-finite ignored). `pivot` is the estimand's value in the bootstrap world
// (natural scale; NaN = the replicates' median, as for the observed
// estimand). `calibrated_level` (NaN = none) gives the calibrated interval's
// nominal level.
EstimandSummary SummariseEstimand(std::span<const double> replicates, double estimator, double level,
                                  IndexScale scale,
                                  double calibrated_level = std::numeric_limits<double>::quiet_NaN(),
                                  double pivot = std::numeric_limits<double>::quiet_NaN());

}  // namespace chokepoint::bootstrap
