// Monte Carlo recovery study of the trend + surge model (docs/method.md
// §8.6-8.7): a small data-generating process with planted surges or slope
// breaks, and how often the model finds them.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "chokepoint/core/random.h"
#include "chokepoint/robustness/models/surge.h"

namespace chokepoint::robustness {

struct SurgeDgp {
  int num_months = 120;
  double log_level = 20.0;       // log of US$ ~ 5e8 a month
  double trend = 0.008;          // log points per month (~10% a year)
  double innovation_sd = 0.08;   // e_t
  double rho = 0.5;              // AR(1) of u_t
  double seasonal_amplitude = 0.06;  // sd-ish size of month effects; February dips
  // Planted events (any subset).
  bool surge = false;
  int onset = 60;
  double amplitude = 0.5;
  double half_life = 6.0;
  bool slope_break = false;
  int break_index = 60;
  double slope_change = -0.02;
};
// The DGP's log mean at month t: level + trend + month effect + slope break
// + surge (no noise).
double SurgeDgpLogMean(const SurgeDgp& dgp, int t);

// One series x_t (levels, > 0) drawn from the DGP with the given stream.
std::vector<double> SimulateSurgeSeries(const SurgeDgp& dgp, RandomStream& stream);

// Kinds of draw in the recovery study.
enum class RecoveryScenario { kSurge, kBreak, kNone };
std::string_view ToString(RecoveryScenario s);  // "surge", "break", "none"

struct RecoveryStudyOptions {
  int draws = 500;
  uint64_t seed = 20240501;
  SurgeDgp base;  // noise, trend and seasonality shared by all scenarios
  // Planted event ranges (uniform draws).
  int onset_min = 24, onset_max = 96;
  double amplitude_min = 0.4, amplitude_max = 0.8;
  double half_life_min = 3.0, half_life_max = 12.0;
  int break_min = 30, break_max = 90;
  double slope_change_min = 0.012, slope_change_max = 0.025;  // magnitude, random sign
  int onset_tolerance = 2;
  double half_life_tolerance = 0.30;
  int break_tolerance = 3;
};

struct RecoveryStudyResult {
  RecoveryStudyOptions options;
  int draws = 0;
  // Surge draws: surge chosen; and onset within tolerance and half-life within tolerance.
  int surge_detected = 0, surge_recovered = 0;
  int surge_onset_ok = 0, surge_half_life_ok = 0;  // each criterion alone
  // Break draws: break chosen; break within tolerance.
  int break_detected = 0, break_recovered = 0;
  // No-event draws: a break or surge chosen.
  int none_false_break = 0, none_false_surge = 0, none_false_any = 0;
  double seconds = 0.0;
  std::string FullReport() const;
};
// Runs draws x 3 scenarios in parallel (TBB); identical for any thread count.
RecoveryStudyResult RunRecoveryStudy(const RecoveryStudyOptions& study, const SurgeOptions& options);

}  // namespace chokepoint::robustness
