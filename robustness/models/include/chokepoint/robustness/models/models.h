// The `models` stage (docs/method.md §7.6-7.11): per group the trend + surge model
// (surge.h) with its verdict, the stockpiling-adjusted series and regimes,
// the agreement of model verdicts with index-based regimes, and the panel
// regression (panel_regression.h). Writes /models/{surge,adjusted,panel} of a
// run file; /models/{hac,breaks} belong to the OLS/HAC and Bai-Perron code.
#pragma once

#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/core/classify.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/toml_section.h"
#include "chokepoint/robustness/models/breaks.h"
#include "chokepoint/robustness/models/hac.h"
#include "chokepoint/robustness/models/panel_regression.h"
#include "chokepoint/robustness/models/surge.h"
#include "chokepoint/robustness/models/policy_events.h"

namespace chokepoint::robustness {

// Break options of the models pass: trend breaks with month effects held
// fixed (a seasonal pattern is not a regime change), and 199 Monte Carlo
// replicates for the p-values (resolution 0.005) so that the whole pass over
// 17 groups stays within seconds; `chokepoint breaks` uses 999.
BreakOptions DefaultModelBreakOptions();

struct ModelsOptions {
  SurgeOptions surge;  // [models.surge]
  PanelOptions panel;  // [models.panel]
  // [models.hac]: trend regression of log imports on intercept, trend and
  // month effects per group, Newey-West (1994) automatic lag by default.
  HacOptions hac;
  // [models.breaks]: Bai-Perron on log imports per group.
  BreakOptions breaks = DefaultModelBreakOptions();
  // Policy events for pinned onsets and for the report; empty = the shipped
  // data/events/policy_events.csv.
  std::string events_file;
  // Index specification and thresholds for the raw and adjusted regimes. Not
  // read from [models]: the run's [indices] / [thresholds] sections own them
  // and the caller copies them in (defaults: the talk's).
  IndexSpec index;
  Thresholds thresholds;

  bool IsValid(std::string* error) const;  // names the field ("models.surge.loss_scale", ...)
  static ModelsOptions FromToml(const TomlSection& section);  // the [models] table
  toml::table ToToml() const;
};

// One group's outcome.
struct GroupModels {
  std::string group;
  bool semiconductor = false;
  bool fitted = false;
  std::string skipped_reason;  // when !fitted
  SurgeResult surge;
  IndexValues raw_indices, adjusted_indices;
  std::optional<Classification> raw_class, adjusted_class;
  std::vector<double> adjusted_series;  // x_t / exp(surge_t), levels
  // Per-group HAC trend regression and Bai-Perron breaks (complete rows only).
  std::optional<HacResult> hac;
  std::optional<BreakResult> breaks;
  std::string hac_error, breaks_error;  // why one is missing
  // Log fitted path of the [models.breaks] Bai-Perron model with the breaks
  // LWZ selects (BreakResult::fitted_lwz; by default segment-specific
  // intercept and trend, fixed month effects); empty when LWZ selects none. A level shift (a slump that does not revert) lives
  // here: the surge model has no jump.
  std::vector<double> break_log_path;
  int break_path_breaks = 0;

  // What the bootstrap keeps in its fitted path ([bootstrap] fitted_surges):
  // the fitted surge pulses when the verdict is stockpiling; otherwise the
  // LWZ break path when there is one; otherwise nothing (empty).
  std::vector<double> EpisodeLogComponent() const;
  std::string EpisodeDescription() const;  // "surge pulses", "Bai-Perron segments (2 breaks)", "none"
};

struct ModelsResult {
  ModelsOptions options;       // as given
  std::vector<PolicyEvent> events;  // as read (events used for pinning: options.surge.events)
  std::string events_source;
  YearMonth first_month;
  int num_months = 0;
  std::vector<GroupModels> groups;
  // agreement[model verdict][index regime], Regime order stockpiling,
  // no_effect, substitution; groups with both available.
  std::array<std::array<int, kNumRegimes>, kNumRegimes> agreement{};
  int agreement_total = 0, agreement_diagonal = 0;
  std::optional<PanelResult> panel;
  std::string panel_error;  // why the panel regression did not run
  double seconds = 0.0;

  GroupSeries AdjustedSeries(const GroupSeries& raw) const;  // raw with adjusted rows
  std::string FullReport() const;
};

// 17 simulated groups with the catalog's names and semiconductor flags (docs/method.md §8.6) (a
// test/benchmark fixture, labelled synthetic): semiconductor groups carry a
// surge after 2020, groups 7, 10, 12-14, 16 a negative slope break, the rest
// a plain trend; noise as SurgeDgp's defaults.
GroupSeries SimulateModelGroups(uint64_t seed, int num_months = 120);

// Fits every group in parallel (TBB; results do not depend on thread count).
ModelsResult RunModels(const GroupSeries& series, const ModelsOptions& options);

}  // namespace chokepoint::robustness
