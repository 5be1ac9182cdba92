// `chokepoint aggregate`: capital-goods and intermediate imports as % of GDP,
// adjusted for the semiconductor-related groups (issue 6, SPEC section 3).
// `chokepoint batches`: the batch 1/2/3 validation.
// Both read a panel file, print a Markdown report and optionally write their
// HDF5 section (/aggregate or /batches) to --out.
#include <filesystem>
#include <functional>
#include <memory>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "chokepoint/core/aggregate.h"
#include "chokepoint/core/batches.h"
#include "chokepoint/core/catalog.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/toml_section.h"
#include "chokepoint/version.h"
#include "commands.h"
#include "common.h"

namespace chokepoint::cli {

namespace {

struct CommonArgs {
  std::string data;
  std::string catalog;
  std::string config;
  std::string out;
};

void AddCommon(CLI::App* sub, CommonArgs* a) {
  sub->add_option("--data", a->data, "Panel file (.h5 panel or run file; .csv once ingest lands)")->required();
  sub->add_option("--catalog", a->catalog, "Catalog directory (default: the shipped data/catalog)");
  sub->add_option("--config", a->config, "TOML configuration; its section for this command is read");
  sub->add_option("--out", a->out, "Write the HDF5 section to this file (written atomically)");
}

Catalog LoadCatalog(const CommonArgs& a) {
  return a.catalog.empty() ? Catalog::LoadDefault() : Catalog::LoadDirectory(a.catalog);
}

// The [section] table of --config, or an absent section.
struct ConfigSection {
  toml::table root;
  std::string file;
  TomlSection Get(const char* name) const {
    const toml::table* t = root[name].as_table();
    if (root.contains(name) && !t) ThrowUsageError(file + ": [" + name + "] must be a table");
    return TomlSection(t, name, file);
  }
};
ConfigSection LoadConfig(const std::string& path) {
  ConfigSection c;
  c.file = path;
  if (!path.empty()) c.root = ParseTomlFile(path);
  return c;
}

std::string TomlText(const char* section, const toml::table& t) {
  toml::table root;
  root.insert(section, t);
  std::ostringstream out;
  out << root;
  return out.str();
}

void WriteStandalone(const std::string& out, const Panel& panel, const std::string& config_toml,
                     const std::function<void(hid_t)>& write_section) {
  h5::AtomicOutput output(out);
  {
    h5::File f = h5::File::Create(output.temp_path());
    h5::WriteAttribute(f.id(), "tool_version", kVersionString);
    h5::WriteAttribute(f.id(), "created_utc", UtcNowIso8601());
    h5::WriteAttribute(f.id(), "data_label", panel.provenance.label);
    h5::WriteAttribute(f.id(), "config_toml", config_toml);
    write_section(f.id());
    f.Close();
  }
  output.Commit();
}

}  // namespace

void RegisterAggregateCommand(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "aggregate",
      "Imports of capital goods and intermediates per year, in US$ and % of GDP, total and adjusted "
      "(minus the semiconductor-related groups), from an HS8 x month panel.");
  auto args = std::make_shared<CommonArgs>();
  AddCommon(sub, args.get());
  auto bec = std::make_shared<std::vector<std::string>>();
  auto overrides = std::make_shared<std::string>();
  auto nn_rule = std::make_shared<std::string>();
  auto gdp = std::make_shared<std::string>();
  auto gdp_column = std::make_shared<std::string>();
  auto first_year = std::make_shared<int>(0);
  auto last_year = std::make_shared<int>(0);
  sub->add_option("--bec", *bec,
                  "HS -> BEC Rev.4 table in the UN layout; repeat for several (the first has priority). "
                  "Default: data/bec HS2022 then HS2017");
  sub->add_option("--bec-overrides", *overrides, "Override table hs6,bec,note, or 'none' (default: data/bec/overrides.csv)");
  sub->add_option("--nn-rule", *nn_rule, "How HS6 codes with several BEC codes get one class: majority | first");
  sub->add_option("--gdp", *gdp, "GDP CSV with a year column (default: data/gdp/china_gdp.csv)");
  sub->add_option("--gdp-column", *gdp_column, "GDP vintage column (default: gdp_usd_worldbank)");
  sub->add_option("--first-year", *first_year, "First year reported (default: first complete year of the panel)");
  sub->add_option("--last-year", *last_year, "Last year reported (default: last complete year of the panel)");
  sub->callback([=] {
    const ConfigSection config = LoadConfig(args->config);
    AggregateOptions o = AggregateOptions::FromToml(config.Get("aggregate"));
    if (!bec->empty()) o.bec_tables = *bec;
    if (!overrides->empty()) o.bec_overrides = *overrides;
    if (!nn_rule->empty()) {
      auto r = BecNnRuleFromString(*nn_rule);
      if (!r) ThrowUsageError("--nn-rule must be majority or first, got '" + *nn_rule + "'");
      o.nn_rule = *r;
    }
    if (!gdp->empty()) o.gdp_file = *gdp;
    if (!gdp_column->empty()) o.gdp_column = *gdp_column;
    if (*first_year) o.first_year = *first_year;
    if (*last_year) o.last_year = *last_year;
    std::string error;
    if (!o.IsValid(&error)) ThrowUsageError(error);
    const Panel panel = ReadPanelFile(args->data);
    const Catalog catalog = LoadCatalog(*args);
    const AggregateResult r = ComputeAggregates(panel, catalog, o.LoadBec(), o.LoadGdp(), o);
    if (!args->out.empty())
      WriteStandalone(args->out, panel, TomlText("aggregate", o.ToToml()),
                      [&](hid_t f) { WriteAggregateSection(f, r); });
    std::cout << FormatAggregateReport(r);
  });
}

void RegisterBatchesCommand(CLI::App& app) {
  auto* sub = app.add_subcommand(
      "batches",
      "Validation with the three bottleneck lists: overlap (Jaccard, HS8 and HS6), V/G/regime per batch and "
      "per code, persistence of batch-1 groups in batch 3, batch 2 growth around its 2023 publication.");
  auto args = std::make_shared<CommonArgs>();
  AddCommon(sub, args.get());
  auto event = std::make_shared<std::string>();
  auto window = std::make_shared<int>(0);
  sub->add_option("--event-month", *event, "Event month for the before/after growth table (default 2023-01)");
  sub->add_option("--window", *window, "Months on each side of the event (default 36)");
  sub->callback([=] {
    const ConfigSection config = LoadConfig(args->config);
    BatchesOptions o = BatchesOptions::FromToml(config.Get("batches"));
    if (!event->empty()) {
      auto m = YearMonth::Parse(*event);
      if (!m) ThrowUsageError("--event-month must be YYYY-MM, got '" + *event + "'");
      o.event_month = *m;
    }
    if (*window) o.event_window_months = *window;
    std::string error;
    if (!o.IsValid(&error)) ThrowUsageError(error);
    const Panel panel = ReadPanelFile(args->data);
    const Catalog catalog = LoadCatalog(*args);
    // The index spec and thresholds are the reference defaults (linear
    // weights, first-period base, g* = 0.5, v_hi = 0.3, v_lo = 0.24).
    const BatchesResult r = ComputeBatches(panel, catalog, IndexSpec{}, Thresholds{}, o, HacEventStudyCovariance());
    if (!args->out.empty())
      WriteStandalone(args->out, panel, TomlText("batches", o.ToToml()), [&](hid_t f) { WriteBatchesSection(f, r); });
    std::cout << FormatBatchesReport(r);
  });
}

}  // namespace chokepoint::cli
