// Recovery of planted events on the project's own simulation scenarios
// (docs/method.md §8.7): draws of data/scenarios/one_surge, one_break and no_event, each
// simulated with Simulate(scenario, seed) (AR(1) noise, seasonality, Lunar New
// Year), aggregated to the group series, and fitted as `chokepoint run` fits
// them: the trend + surge model and Bai-Perron on log imports.
#pragma once

#include <cstdint>
#include <string>

#include "chokepoint/robustness/models/breaks.h"
#include "chokepoint/robustness/models/surge.h"

namespace chokepoint::robustness {

struct ScenarioRecoveryOptions {
  int draws = 500;
  uint64_t first_seed = 1;  // draw i uses simulation seed first_seed + i
  std::string surge_scenario = "one_surge";
  std::string break_scenario = "one_break";
  std::string none_scenario = "no_event";
  int onset_tolerance = 2;            // months
  double half_life_tolerance = 0.30;  // relative
  int break_tolerance = 3;            // months
};

struct ScenarioRecoveryResult {
  ScenarioRecoveryOptions options;
  // Truth read from the scenarios.
  YearMonth surge_onset, break_month;
  double surge_half_life = 0.0;
  int draws = 0;
  // Surge draws: surge in the chosen model; onset and half-life within tolerance.
  int surge_detected = 0, surge_onset_ok = 0, surge_half_life_ok = 0, surge_recovered = 0;
  // Break draws: by the surge model (break in the chosen model, within
  // tolerance) and by Bai-Perron (BIC choice has a break within tolerance).
  int break_model_detected = 0, break_model_recovered = 0;
  int break_bp_detected = 0, break_bp_recovered = 0;
  // No-event draws: a break or surge in the chosen model; Bai-Perron BIC > 0.
  int none_false_break = 0, none_false_surge = 0, none_false_any = 0, none_bp_false_break = 0;
  double seconds = 0.0;
  std::string FullReport() const;
};

// Runs 3 x draws fits in parallel (TBB); identical for any thread count.
// Throws chokepoint::Error when a scenario lacks its planted event.
ScenarioRecoveryResult RunScenarioRecovery(const ScenarioRecoveryOptions& study, const SurgeOptions& surge,
                                           const BreakOptions& breaks);

}  // namespace chokepoint::robustness
