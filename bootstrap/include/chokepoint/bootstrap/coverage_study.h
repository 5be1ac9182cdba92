// Monte Carlo coverage of the bootstrap intervals on series with a known
// truth (docs/method.md §5.16): for each design, draws of a log-linear
// process with trend, month effects, AR(1) noise, transient surges and a
// level shift are bootstrapped exactly as `chokepoint bootstrap` does, and
// every interval is checked against its estimand's true value:
//   observed  the median of the statistic over truth_draws fresh draws;
//   signal    the statistic of the model's noise-free path: the true mean log
//             path projected on the fitted design (intercept, trend, month
//             effects), exponentiated. With surges or a shift in the design
//             this is the path the model can represent, not the episode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/indices.h"

namespace chokepoint::bootstrap {

struct CoverageDesign {
  std::string name;
  int months = 120;
  double trend = 0.01;          // log points per month
  int surges = 0;               // 0, 1 or 2 transient surges
  double surge_amplitude = 0.6; // jump in log level at the onset
  double surge_half_life = 6.0; // months
  double level_shift = 0.0;     // log shift from the middle month on (0 = none)
  double rho = 0.5;             // AR(1) of the log noise
  double noise_cv = 0.1;        // stationary SD of the log noise (the multiplicative noise's CV)
  double seasonal = 0.05;       // amplitude of the month effects
  BaseRule base = BaseRule::kFirstPeriod;
};

// The grid shipped in bootstrap/README.md: a base design (trend, no surge,
// no shift, rho 0.5, CV 0.1, T = 120, base first) and every factor the table
// must cover moved one at a time, plus combinations of the hard cases.
std::vector<CoverageDesign> DefaultCoverageDesigns();
// Two designs for a quick test.
std::vector<CoverageDesign> SmallCoverageDesigns();

// log x_t of one draw (t = 0..months-1) and the noise-free mean log path.
std::vector<double> SimulateCoverageSeries(const CoverageDesign& design, uint64_t seed, uint32_t design_index,
                                           uint32_t draw);
std::vector<double> CoverageMeanLogPath(const CoverageDesign& design);
// The surges and the level shift of the mean log path (zeros without them).
std::vector<double> CoverageEpisodeComponent(const CoverageDesign& design);

struct CoverageOptions {
  int draws = 1000;        // bootstrapped draws per design
  int truth_draws = 4000;  // draws for the observed estimand's true value
  // Draws (the first ones) that also get the calibrated interval; 0 = none.
  int calibrated_draws = 200;
  uint64_t seed = 20261130;
  int threads = 0;
  BootstrapOptions bootstrap;  // replicates, scheme, level, calibration sizes; diagnostics are switched off
  // Hold each draw's episodes (surges, shift; their true shape) in the
  // residual scheme's fitted path, as `chokepoint run` holds the models'
  // fitted episodes. The signal truth is then the whole mean path.
  bool hold_episodes = false;
  CoverageOptions();
};

// Interval types checked; the first two are the estimand's own (estimands.h),
// the rest today's intervals of the observed statistic (intervals.h).
enum class CoverageInterval {
  kLogCentred = 0,
  kLogCentredCalibrated,
  kEstimandPercentile,
  kBasic,
  kPercentile,
  kNormal,
  kBca,
};
inline constexpr int kNumCoverageIntervals = 7;
std::string_view ToString(CoverageInterval i);

struct CoverageCount {
  int64_t covered = 0;
  int64_t total = 0;
  double rate() const { return total > 0 ? static_cast<double>(covered) / total : 0.0; }
  // Monte Carlo standard error of the rate.
  double standard_error() const;
};

struct DesignCoverage {
  CoverageDesign design;
  double truth[kNumEstimands][2] = {{0, 0}, {0, 0}};  // [estimand][V, G]
  // [estimand][V, G][interval type]
  CoverageCount count[kNumEstimands][2][kNumCoverageIntervals];
  int failed_draws = 0;  // draws whose bootstrap could not run
  double mean_calibrated_level[kNumEstimands][2] = {{0, 0}, {0, 0}};
};

struct CoverageResult {
  CoverageOptions options;
  std::vector<DesignCoverage> designs;
  double seconds = 0.0;
  int threads_used = 0;
  // Markdown: the default interval's coverage per design and estimand, then
  // every other interval type as measured, with Monte Carlo errors.
  std::string FormatTable() const;
};

// Thread-invariant: draw d of design k comes from stream (seed, k, d).
CoverageResult RunCoverageStudy(const std::vector<CoverageDesign>& designs, const CoverageOptions& options);

}  // namespace chokepoint::bootstrap
