// The sweep's configuration ([sweep]): the axes (thresholds, weightings,
// windows, frequencies, bases), the reference point tipping points are
// measured from, replicates and resampler, and what to keep. Choices are
// spelled alike in TOML, on the command line and in HDF5.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/bootstrap/resampler.h"
#include "chokepoint/core/classify.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/period.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint::robustness {

// One weighting scheme of the sweep: the core Weighting plus its parameter.
// Spelled "equal", "linear", "quadratic", "exponential:H" (half-life H
// periods), "last_k:K" (last K periods) in TOML, CLI and HDF5.
struct WeightingChoice {
  Weighting weighting = Weighting::kLinear;
  double half_life = 12.0;  // exponential only, in periods
  int last_k = 12;          // last_k only, in periods

  std::string ToString() const;
  static std::optional<WeightingChoice> FromString(std::string_view text);
  bool operator==(const WeightingChoice& o) const;
};

// Expands "FROM:TO:STEP" (inclusive) or a single number into sorted, unique
// values rounded to 9 decimals, so 0.2 + 12 * 0.025 is exactly the double 0.5
// (the value Classify sees when a user types 0.5). Throws a usage error naming
// `field` on malformed text.
std::vector<double> ExpandThresholdRange(std::string_view text, std::string_view field);
std::vector<double> ExpandThresholdRange(double from, double to, double step, std::string_view field);
// "YYYY-MM:YYYY-MM:STEP_MONTHS" or a single month, or a comma list.
std::vector<YearMonth> ExpandMonthRange(std::string_view text, std::string_view field);

// Semiconductor override axis.
enum class OverrideAxis { kOn, kOff, kBoth };
std::string_view ToString(OverrideAxis o);  // "on", "off", "both"
std::optional<OverrideAxis> OverrideAxisFromString(std::string_view s);

// [sweep] of the run configuration. Defaults = the referee grid (docs/method.md §6.2).
struct SweepOptions {
  // Threshold axes, sorted ascending (the talk's 0.5 / 0.3 / 0.24 lie on them).
  std::vector<double> growth = ExpandThresholdRange(0.20, 1.00, 0.025, "sweep.growth");
  std::vector<double> volatility_high = ExpandThresholdRange(0.20, 0.45, 0.01, "sweep.volatility_high");
  std::vector<double> volatility_low = ExpandThresholdRange(0.15, 0.30, 0.01, "sweep.volatility_low");
  // Both: the override is one of the talk's own ambiguities.
  OverrideAxis semiconductor_override = OverrideAxis::kBoth;
  // Six schemes "heavier on recent periods" (the paper does not publish w_t).
  std::vector<WeightingChoice> weightings = {
      {Weighting::kEqual}, {Weighting::kLinear}, {Weighting::kQuadratic},
      {Weighting::kExponential, 6.0, 12}, {Weighting::kExponential, 12.0, 12}, {Weighting::kLastK, 12.0, 12}};
  // Window starts 2015-01..2018-01 every 6 months and ends 2022-12..2024-12
  // every 6 months: every start is paired with every end.
  std::vector<YearMonth> window_starts = ExpandMonthRange("2015-01:2018-01:6", "sweep.window_starts");
  std::vector<YearMonth> window_ends = ExpandMonthRange("2022-12:2024-12:6", "sweep.window_ends");
  std::vector<Frequency> frequencies = {Frequency::kMonthly, Frequency::kQuarterly, Frequency::kAnnual};
  std::vector<BaseRule> bases = {BaseRule::kFirstPeriod, BaseRule::kFirstYearMean};
  // The reference choice every tipping point is measured from: the talk's
  // thresholds and linear / first / monthly over the whole series. Its values
  // are added to the axes when missing.
  Thresholds default_thresholds;
  IndexSpec default_index;
  // Bootstrap replicates on top of every index specification (0 = point
  // estimates only); 1,000 gives regime probabilities to about +-1.5 points.
  int replicates = 1000;
  // Seed of the replicate streams, keyed (seed, group, replicate) as in the
  // bootstrap engine, so the default specification's cloud equals its cloud.
  uint64_t seed = 1;
  // Residual scheme with stationary blocks: respects the trend G measures.
  bootstrap::ResamplerOptions resampler;
  // Worker threads; 0 = all cores. Results do not depend on it.
  int threads = 0;
  // Write V and G of every (specification, group, replicate) to /sweep
  // (specs x groups x replicates x 8 bytes each: 340 MB on the referee grid).
  bool keep_clouds = false;
  // Keep and write the full mergeable bin counts of every specification
  // (specs x groups x bins: 7.5 MB per group on the referee grid). Without
  // it each series is reduced to its summaries as replicates are evaluated.
  bool keep_counts = false;
  // Groups whose regimes and probabilities at every threshold point of the
  // default specification are written (/sweep/default/*: 27,456 points x 3
  // per group on the referee grid). Empty: every group when there are at
  // most kAutoDetailGroups, else none.
  std::vector<std::string> detail_groups;
  static constexpr int kAutoDetailGroups = 100;

  bool IsValid(std::string* error) const;
  static SweepOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
};

}  // namespace chokepoint::robustness
