// Trend + transient-surge model for one monthly import series (docs/method.md §7.6-7.9).
//
// On the log scale, with t = 0..T-1 the month index:
//
//   log x_t = a + b t + d (t - tau)_+ + s_{m(t)} + A p(t; onset, h) + u_t,
//   u_t = rho u_{t-1} + e_t,
//
// where (t - tau)_+ = max(0, t - tau) is a slope change after the kink month
// tau (the last month of the first regime), s_m are 11 month effects (January
// is the reference), and the pulse is
//
//   p(t; onset, h) = 0 for t < onset,   2^(-(t - onset) / h) for t >= onset,
//
// so A is the jump in log level at the onset month and h its half-life in
// months. Estimation, in two stages:
//  1. Grid: onset (integer), half-life (log-spaced grid) and break month
//     (integer, trimmed) are searched by ordinary least squares with every
//     other coefficient concentrated out (Frisch-Waugh: each candidate costs
//     O(T)); surges are constrained to A > 0.
//  2. Refinement (Ceres): with the integer onset and break month from the
//     grid, a, b, d, s, A, log h and rho are estimated jointly on the
//     Prais-Winsten-whitened residuals e_t = u_t - rho u_{t-1} (t >= 1),
//     e_0 = sqrt(1 - rho^2) u_0, with a robust loss (Huber or Cauchy). Free
//     onsets and breaks are then refined locally: neighbours +/-1 month are
//     refitted and the lowest objective kept.
// Standard errors: s^2 (J'J)^-1 with J the Jacobian of the whitened
// residuals at the robust solution and s^2 = sum e_t^2 / (T - p); the
// half-life SE comes from log h by the delta method.
// Model choice among {trend}, {trend+break}, {trend+surge},
// {trend+break+surge} by BIC = T log(S / T) - log(1 - rho^2) + p log T, with
// S = sum e_t^2 (no robust loss) or the robust objective sum rho(e_t^2) (so one
// outlier month cannot buy a surge), where p counts the break month and a free onset and half-life as parameters
// (the grid searches over them).
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/core/classify.h"
#include "chokepoint/core/period.h"
#include "chokepoint/core/random.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint::robustness {

enum class RobustLoss { kNone, kHuber, kCauchy };
std::string_view ToString(RobustLoss l);  // "none", "huber", "cauchy"
std::optional<RobustLoss> RobustLossFromString(std::string_view s);

// Where surge onsets may lie.
enum class OnsetMode {
  kFree,    // any month (grid search then local refinement)
  kEvents,  // pinned to one of the policy-event months (the best fitting one)
};
std::string_view ToString(OnsetMode m);  // "free", "events"
std::optional<OnsetMode> OnsetModeFromString(std::string_view s);

enum class SurgeModelKind { kTrend = 0, kTrendBreak = 1, kTrendSurge = 2, kTrendBreakSurge = 3 };
inline constexpr int kNumSurgeModels = 4;
std::string_view ToString(SurgeModelKind k);  // "trend", "trend+break", "trend+surge", "trend+break+surge"
std::optional<SurgeModelKind> SurgeModelKindFromString(std::string_view s);
inline bool HasBreak(SurgeModelKind k) {
  return k == SurgeModelKind::kTrendBreak || k == SurgeModelKind::kTrendBreakSurge;
}
inline bool HasSurge(SurgeModelKind k) {
  return k == SurgeModelKind::kTrendSurge || k == SurgeModelKind::kTrendBreakSurge;
}

struct SurgeOptions {
  // Robust loss on the whitened residuals: a few customs outliers (a month
  // booked twice) must not create a surge. Huber is the mild default.
  RobustLoss loss = RobustLoss::kHuber;
  // Loss scale as a multiple of the pilot residual scale (1.4826 x MAD of the
  // grid-stage residuals), so it is unit-free: 1.345 is Huber's 95%-efficiency
  // constant (Cauchy's is 2.385).
  double loss_scale = 1.345;
  // Month effects (11 dummies): customs imports dip around Chinese New Year.
  bool seasonal = true;
  // AR(1) errors (Prais-Winsten inside the residual function); monthly
  // import residuals are clearly autocorrelated.
  bool ar1 = true;
  OnsetMode onset_mode = OnsetMode::kFree;
  // Event months for OnsetMode::kEvents (filled from the events file).
  std::vector<YearMonth> events;
  // Earliest onset index (need pre-surge months to see a jump) and the
  // number of months that must follow the latest onset (to see the decay).
  int min_onset = 6;
  int min_months_after_onset = 6;
  // Half-life bounds (months; also the Ceres bounds) and number of log-spaced
  // grid points. A stockpiling episode lasts months: with a 2-month floor a
  // single mis-booked month cannot pose as a surge (it would need h << 1).
  double min_half_life = 2.0;
  double max_half_life = 48.0;
  int half_life_grid_points = 18;
  // Breaks: trimming as in Bai-Perron (minimum segment = floor(trim T)).
  double break_trim = 0.15;
  // Significance level of the verdict tests (two-sided t tests).
  double significance = 0.05;
  // Ceres iteration cap per fit (each fit is small: <= 17 parameters).
  int max_iterations = 200;
  // Surge pulses searched one after another: when the chosen model has a
  // significant surge, the series without the pulses found so far is fitted
  // again (all four models, BIC), and a further pulse is kept when the refit
  // chooses a surge that is significant too; up to max_surges pulses. 1 = the
  // single-pulse model. Stockpiling came in waves (2018-19 sanctions, 2020-21
  // shortages, 2023 export controls), so two is the default.
  int max_surges = 2;

  bool IsValid(std::string* error) const;  // names the field, e.g. "surge.loss_scale"
  static SurgeOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
};

// One fitted candidate model.
struct SurgeFit {
  SurgeModelKind kind = SurgeModelKind::kTrend;
  bool converged = false;
  std::vector<std::string> names;  // parameter names, free parameters only
  std::vector<double> estimates;
  std::vector<double> standard_errors;
  double intercept = 0.0;
  double trend = 0.0, trend_se = 0.0;                 // b (log points per month)
  int break_index = -1;                               // tau (0-based kink month), -1 if none
  double slope_change = 0.0, slope_change_se = 0.0;  // d
  double post_break_slope = 0.0, post_break_slope_se = 0.0;  // b + d
  int onset_index = -1;                               // 0-based, -1 if no surge
  double amplitude = 0.0, amplitude_se = 0.0;         // A
  double half_life = 0.0, half_life_se = 0.0;         // h (months)
  double rho = 0.0, rho_se = 0.0;
  std::array<double, 12> month_effects{};             // s_1..s_12 (s_1 = 0)
  double rss = 0.0;        // sum of squared whitened residuals
  int num_params = 0;      // counted in BIC (includes searched dates)
  double bic = 0.0;        // see the header comment (robust objective with a robust loss)
  double log_likelihood = 0.0;  // Gaussian Prais-Winsten log-likelihood at the estimate
  int df_residual = 0;
};

// A further surge pulse found by the sequential search (max_surges > 1),
// estimated on the series without the pulses found before it.
struct SurgePulse {
  int onset_index = -1;
  double amplitude = 0.0, amplitude_se = 0.0;
  double half_life = 0.0, half_life_se = 0.0;
};

struct SurgeResult {
  SurgeOptions options;  // as given
  YearMonth first_month;
  int num_months = 0;
  int min_onset_used = 0, max_onset_used = 0;  // onset search range actually used
  int break_trim_obs = 0;                      // h = floor(trim T)
  std::vector<int> event_indices_used;         // events inside the onset range (events mode)
  double pilot_scale = 0.0;                    // residual scale the loss scale multiplies
  std::array<SurgeFit, kNumSurgeModels> fits;
  SurgeModelKind chosen = SurgeModelKind::kTrend;
  // Pulses after the chosen model's own (in the order found); their sum with
  // the chosen model's pulse is fitted_surge.
  std::vector<SurgePulse> further_surges;
  Regime verdict = Regime::kNoEffect;
  std::string verdict_reason;
  // Components of the chosen model on the log scale, length T: trend
  // (a + b t + d (t - tau)_+), seasonal (s_{m(t)}), surge (A p(t), summed over every
  // pulse found: the chosen model's and further_surges), residual u_t.
  std::vector<double> log_values, fitted_trend, fitted_seasonal, fitted_surge, residual;

  const SurgeFit& chosen_fit() const { return fits[static_cast<int>(chosen)]; }
  std::string FullReport() const;
};

// Fits all four models to x (positive values) starting in first_month.
// Throws chokepoint::Error (input) for non-positive values or T < 36.
SurgeResult FitSurgeModel(std::span<const double> x, YearMonth first_month,
                          const SurgeOptions& options);

}  // namespace chokepoint::robustness
