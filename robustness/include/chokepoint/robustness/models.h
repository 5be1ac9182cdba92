// The `models` stage (issue 5 items 3-6): per group the trend + surge model
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

#include <hdf5.h>
#include <toml++/toml.h>

#include "chokepoint/core/classify.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/toml_section.h"
#include "chokepoint/robustness/panel_regression.h"
#include "chokepoint/robustness/surge.h"

namespace chokepoint {

struct ModelsOptions {
  SurgeOptions surge;  // [models.surge]
  PanelOptions panel;  // [models.panel]
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

// 17 simulated groups with the SPEC's names and semiconductor flags (a
// test/benchmark fixture, labelled synthetic): semiconductor groups carry a
// surge after 2020, groups 7, 10, 12-14, 16 a negative slope break, the rest
// a plain trend; noise as SurgeDgp's defaults.
GroupSeries SimulateModelGroups(uint64_t seed, int num_months = 120);

// Fits every group in parallel (TBB; results do not depend on thread count).
ModelsResult RunModels(const GroupSeries& series, const ModelsOptions& options);

// /models/surge/<gNN>, /models/adjusted, /models/panel, /models/agreement.
void WriteModelsSection(hid_t file, const ModelsResult& result);
// Markdown section for `chokepoint report`.
std::string FormatModelsReport(const ModelsResult& result);

}  // namespace chokepoint
