// Planted-truth Monte Carlo of the whole method (docs/method.md §8.8): if a
// group's imports followed this process, how often does the paper's 2 x 3
// rule put it in the right regime, how often do the models call a surge or a
// break that is not there, and do the bootstrap intervals cover?
//
// A design is a grid over the simulator's parameters (trend, surge amplitude,
// half-life and onset, slope break, month effects, AR(1) rho, noise level and
// distribution, length, codes per group) crossed with the analysis choices
// under test (thresholds g* and v_hi, index window, weighting, growth base,
// resampling scheme, interval method). Every design point
// knows two truths: the rule's regime of the noise-free path (what the rule
// would say without noise) and the process's regime (stockpiling when a
// surge is planted; otherwise substitution when the noise-free path's growth
// is low; else no effect). Each draw simulates a group series, classifies it,
// fits the trend + surge model and, optionally, bootstraps it.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/bootstrap/estimands.h"
#include "chokepoint/core/classify.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/toml_section.h"
#include "chokepoint/robustness/models/surge.h"

namespace chokepoint::robustness {

enum class StudyNoise { kNormal, kStudentT5 };
std::string_view ToString(StudyNoise n);  // "normal", "t5"
std::optional<StudyNoise> StudyNoiseFromString(std::string_view s);

// What a study varies and what it holds fixed. Every list is an axis of the
// grid; the design points are all combinations, in the order of the keys
// below (the last key varies fastest).
struct StudyDesign {
  int draws = 200;                 // per design point
  uint64_t seed = 20261130;
  std::vector<int> months = {120};
  std::vector<int> codes = {4};    // codes summed into the group, each with its own noise
  std::vector<double> trend = {0.008};              // log points per month
  std::vector<double> surge_amplitude = {0.0};      // log points at onset; 0 = no surge
  std::vector<double> surge_half_life = {6.0};      // months
  std::vector<int> surge_onset = {60};              // month index
  std::vector<double> slope_change = {0.0};         // log points per month after break_month; 0 = none
  int break_month = 60;
  std::vector<double> seasonal_amplitude = {0.06};
  std::vector<double> rho = {0.5};                  // AR(1) of each code's noise
  std::vector<double> noise_sd = {0.08};            // innovation sd per code
  StudyNoise noise = StudyNoise::kNormal;
  double log_level = 20.0;                          // log US$ a month of the group
  bool semiconductor = false;                       // the group's flag (override rule)
  // Analysis choices under test (axes too).
  std::vector<double> growth_threshold;           // g* values; empty: thresholds.growth
  std::vector<double> volatility_high_threshold;  // v_hi values; empty: thresholds.volatility_high
  std::vector<int> window_months = {0};           // index window: the last W months; 0 = the whole series
  std::vector<Weighting> weighting = {Weighting::kLinear};
  std::vector<BaseRule> base = {BaseRule::kFirstPeriod};
  std::vector<std::string> scheme = {"residual"};
  // Interval whose coverage is measured (log_centred_calibrated runs the
  // double bootstrap: about 200 x 200 more replicates per draw).
  std::vector<bootstrap::EstimandMethod> interval = {bootstrap::EstimandMethod::kLogCentred};
  // Held fixed (v_lo and the override; g* and v_hi unless their axes are given).
  Thresholds thresholds;
  int bootstrap_replicates = 199;  // 0: no bootstrap (no regime probabilities, no coverage)
  double level = 0.9;
  int onset_tolerance = 2;
  double half_life_tolerance = 0.30;
  int break_tolerance = 3;

  bool IsValid(std::string* error) const;
  // Section [study] (and [study.thresholds]); unknown keys are errors.
  static StudyDesign FromToml(const TomlSection& section);
  toml::table ToToml() const;
  int64_t num_points() const;
};

// One design point: the parameters of its cell of the grid and its truths.
struct StudyPoint {
  int months = 0, codes = 0;
  double trend = 0, surge_amplitude = 0, surge_half_life = 0;
  int surge_onset = 0;
  double slope_change = 0, seasonal_amplitude = 0, rho = 0, noise_sd = 0;
  Thresholds thresholds;  // the design's, with this point's g* and v_hi
  int window_months = 0;  // 0 = the whole series
  Weighting weighting = Weighting::kLinear;
  BaseRule base = BaseRule::kFirstPeriod;
  std::string scheme;
  bootstrap::EstimandMethod interval = bootstrap::EstimandMethod::kLogCentred;
  // Truths.
  double V_signal = 0, G_signal = 0;  // indices of the noise-free path
  bool signal_ok = false;
  Regime rule_truth = Regime::kNoEffect;     // the rule on the noise-free path
  Regime process_truth = Regime::kNoEffect;  // what the process means
};

// The model verdict of one draw (the trend + surge model's BIC choice).
enum class ModelVerdict { kTrend = 0, kBreak = 1, kSurge = 2, kBreakSurge = 3 };
inline constexpr int kNumModelVerdicts = 4;
std::string_view ToString(ModelVerdict v);  // "trend", "break", "surge", "break_surge"

// One draw; NaN / -1 where not computed (bootstrap off, index undefined).
struct StudyDraw {
  int point = 0, draw = 0;
  double V = 0, G = 0;
  int rule = -1;     // Regime, -1 when the index is undefined
  int verdict = -1;  // ModelVerdict, -1 when the fit failed
  bool surge_recovered = false, break_recovered = false;
  std::array<double, kNumRegimes> p_regime{};  // bootstrap, observed estimand
  // The signal estimand's intervals (report method) and the observed
  // estimand's, as drawn; coverage is judged in the summary.
  double V_signal_lo = 0, V_signal_hi = 0, G_signal_lo = 0, G_signal_hi = 0;
  double V_obs_lo = 0, V_obs_hi = 0, G_obs_lo = 0, G_obs_hi = 0;
};

// Per design point.
struct StudySummary {
  int draws = 0, defined = 0;  // draws with a defined index
  std::array<int, kNumRegimes> rule_counts{};             // by the rule's regime
  std::array<int, kNumModelVerdicts> verdict_counts{};
  double misclassified_rule = 0, misclassified_rule_se = 0;        // vs the rule's truth
  double misclassified_process = 0, misclassified_process_se = 0;  // vs the process's truth
  double surge_called = 0, break_called = 0;  // share of draws whose model has a surge / a break
  double surge_recovered = 0, break_recovered = 0;
  double mean_p_true = 0;  // mean bootstrap probability of the process's true regime
  // Coverage: the signal intervals of the noise-free indices; the observed
  // intervals of the Monte Carlo mean of the statistic at this point.
  double cover_V_signal = 0, cover_G_signal = 0, cover_V_observed = 0, cover_G_observed = 0;
  double mean_V = 0, mean_G = 0;
};

struct StudyResult {
  StudyDesign design;
  std::vector<StudyPoint> points;
  std::vector<StudyDraw> draws;  // point-major, draw-minor
  std::vector<StudySummary> summaries;
  // Truth (process) x rule and truth (process) x model verdict, over every
  // draw with a defined index / a fit; rows stockpiling, no_effect, substitution.
  std::array<std::array<int, kNumRegimes>, kNumRegimes> confusion_rule{};
  std::array<std::array<int, kNumModelVerdicts>, kNumRegimes> confusion_model{};
  double seconds = 0;
  int threads = 0;  // used

  std::string FullReport() const;  // Markdown
};

using StudyProgress = std::function<void(int64_t done, int64_t total)>;

// What a caller adds to a run: progress, points already done (a resumed
// checkpoint) and a callback as each point completes (to checkpoint it).
struct StudyRunHooks {
  StudyProgress progress;
  // Draws of points finished earlier: point -> its `draws` draws, in order.
  std::map<int, std::vector<StudyDraw>> done;
  // Called once per point not in `done`, in point order, after its block of
  // points is complete (never for a block cut short by a signal).
  std::function<void(int point, const std::vector<StudyDraw>& draws)> on_point_done;
  // The units (point x draws + draw) this process computes (all when unset):
  // a distributed run gives each rank its share and merges the draws before
  // SummarizeStudy.
  std::function<bool(int64_t unit)> owns;
};

// Every draw of every design point, in parallel (TBB, one Philox stream per
// (point, draw)), in blocks of points; identical for any thread count and
// however often it was interrupted and resumed. SIGINT/SIGTERM stop it at the
// next block boundary (chokepoint::Error kInterrupted; finished points have
// been passed to on_point_done). Throws a usage error for an invalid design.
StudyResult RunStudy(const StudyDesign& design, const SurgeOptions& surge, const StudyRunHooks& hooks);
// RunStudy's two halves: the draws (of the units `hooks.owns`; the others
// stay default), then the summaries and confusion matrices from all draws.
StudyResult ComputeStudyDraws(const StudyDesign& design, const SurgeOptions& surge, const StudyRunHooks& hooks);
void SummarizeStudy(StudyResult* result);
StudyResult RunStudy(const StudyDesign& design, const SurgeOptions& surge = {}, const StudyProgress& progress = {});

// The design points of a design, with their truths (no draws).
std::vector<StudyPoint> StudyPoints(const StudyDesign& design);

}  // namespace chokepoint::robustness
