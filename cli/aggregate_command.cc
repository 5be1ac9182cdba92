// `chokepoint aggregate`: capital-goods and intermediate imports as % of GDP,
// adjusted for the semiconductor-related groups (docs/method.md §4).
// `chokepoint batches`: the batch 1/2/3 validation.
// Both read the [data] panel (default: the synthetic default, as `run`), print
// a Markdown report and optionally write their HDF5 section to --out.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chokepoint/core/error.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/pipeline/stages.h"
#include "commands.h"
#include "flags.h"
#include "chokepoint/core/aggregate_io.h"
#include "chokepoint/core/batches_io.h"

namespace chokepoint::cli {

void RegisterAggregateCommand(CLI::App& app) {
  struct Flags {
    pipeline::ConfigOverrides config;
    std::vector<std::string> bec;
    std::optional<std::string> bec_overrides, nn_rule, gdp, gdp_column;
    std::optional<int> first_year, last_year;
  };
  auto f = std::make_shared<Flags>();
  auto* sub = app.add_subcommand(
      "aggregate",
      "Imports of capital goods and intermediates per year, in US$ and % of GDP, total and adjusted "
      "(minus the semiconductor-related groups), from an HS8 x month panel.");
  AddConfigFlags(sub, &f->config);
  sub->add_option("--bec", f->bec,
                  "HS -> BEC Rev.4 table in the UN layout; repeat for several (the first has priority). "
                  "Default: data/bec HS2022 then HS2017");
  sub->add_option("--bec-overrides", f->bec_overrides,
                  "Override table hs6,bec,note, or 'none' (default: data/bec/overrides.csv)");
  sub->add_option("--nn-rule", f->nn_rule, "How HS6 codes with several BEC codes get one class: majority | first");
  sub->add_option("--gdp", f->gdp, "GDP CSV with a year column (default: data/gdp/china_gdp.csv)");
  sub->add_option("--gdp-column", f->gdp_column, "GDP vintage column (default: gdp_usd_worldbank)");
  sub->add_option("--first-year", f->first_year, "First year reported (default: first complete year of the panel)");
  sub->add_option("--last-year", f->last_year, "Last year reported (default: last complete year of the panel)");
  sub->callback([f] {
    pipeline::PipelineConfig config = pipeline::ResolveConfig(f->config, pipeline::ConfigPurpose::kAggregate);
    AggregateOptions& o = config.aggregate;
    if (!f->bec.empty()) o.bec_tables = f->bec;
    if (f->bec_overrides) o.bec_overrides = *f->bec_overrides;
    if (f->nn_rule) {
      auto r = BecNnRuleFromString(*f->nn_rule);
      if (!r) ThrowUsageError("--nn-rule must be majority or first, got '" + *f->nn_rule + "'");
      o.nn_rule = *r;
    }
    if (f->gdp) o.gdp_file = *f->gdp;
    if (f->gdp_column) o.gdp_column = *f->gdp_column;
    if (f->first_year) o.first_year = *f->first_year;
    if (f->last_year) o.last_year = *f->last_year;
    std::string error;
    if (!o.IsValid(&error)) ThrowUsageError(error);
    const pipeline::AggregateOutcome r = pipeline::ExecuteAggregate(config);
    if (f->config.out) pipeline::WriteAggregateFile(*f->config.out, r, config);
    std::cout << FormatAggregateReport(r.result);
  });
}

void RegisterBatchesCommand(CLI::App& app) {
  struct Flags {
    pipeline::ConfigOverrides config;
    std::optional<std::string> event_month;
    std::optional<int> window;
  };
  auto f = std::make_shared<Flags>();
  auto* sub = app.add_subcommand(
      "batches",
      "Validation with the three bottleneck lists: overlap (Jaccard, HS8 and HS6), V/G/regime per batch and "
      "per code, persistence of batch-1 groups in batch 3, batch 2 growth around its 2023 publication.");
  AddConfigFlags(sub, &f->config);
  AddIndexFlags(sub, &f->config);
  AddThresholdFlags(sub, &f->config);
  sub->add_option("--event-month", f->event_month, "Event month for the before/after growth table (default 2023-01)");
  sub->add_option("--window", f->window, "Months on each side of the event (default 36)");
  sub->callback([f, sub] {
    pipeline::PipelineConfig config = pipeline::ResolveConfig(f->config, pipeline::ConfigPurpose::kBatches);
    if (f->event_month) config.batches.event_month = ParseMonthFlag("--event-month", *f->event_month);
    if (f->window) config.batches.event_window_months = *f->window;
    std::string error;
    if (!config.batches.IsValid(&error))
      RunNamingFlags(sub, {{"batches.event_window_months", "--window"}, {"batches.event_month", "--event-month"}},
                     [&] { ThrowUsageError(error); });
    const pipeline::BatchesOutcome r = pipeline::ExecuteBatches(config);
    if (f->config.out) pipeline::WriteBatchesFile(*f->config.out, r, config);
    std::cout << FormatBatchesReport(r.result);
  });
}

}  // namespace chokepoint::cli
