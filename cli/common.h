// Options shared by several subcommands: the base run configuration (a TOML
// file plus CLI overrides for [run], [data], [index] and [thresholds]), and
// the helpers that load the catalog and the panel it names.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <toml++/toml.h>

#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/batches.h"
#include "chokepoint/core/catalog.h"
#include "chokepoint/core/classify.h"
#include "chokepoint/core/group_series.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/panel.h"
#include "chokepoint/core/run_config.h"

namespace chokepoint::cli {

// Raw CLI values; unset optionals leave the TOML (or default) value alone.
struct BaseFlags {
  std::string config_file;
  std::optional<std::string> data, catalog, out, scenario;
  std::optional<int> threads;
  std::optional<uint64_t> seed;
  std::optional<std::string> window_start, window_end, frequency, base, weighting;
  std::optional<double> half_life;
  std::optional<int> last_k;
  std::optional<double> growth, vol_high, vol_low;
  std::optional<bool> semiconductor_override;
  // --set section.key=value (repeatable): any configuration key from the
  // command line; the value is read as TOML (a bare word is a string).
  std::vector<std::string> set_overrides;
};

// Applies "section.key=value" assignments to a configuration table (creating
// sections as needed). Throws a usage error naming the bad assignment.
void ApplySetOverrides(toml::table& table, const std::vector<std::string>& assignments);

// Newey-West HAC covariance for the batch event study (sandwich::NeweyWest
// defaults: Bartlett kernel, NW 1994 automatic lag, prewhitened).
EventStudyCovariance HacEventStudyCovariance();

// Top-level tables a run configuration may hold; any other is a typo.
void RejectUnknownSections(const toml::table& table, const std::string& file_label);

// Registers --config, --data, --catalog, --scenario, --out, --threads, --seed
// and every [index] / [thresholds] option on `cmd`.
void AddBaseFlags(CLI::App* cmd, BaseFlags* flags, bool with_out = true);

// The resolved configuration: TOML file (if any) overridden by CLI flags,
// validated as a whole before anything runs.
struct BaseConfig {
  toml::table file_table;   // the whole TOML file as read (other sections too)
  std::string file_label;   // the config path, or "<command line>"
  RunOptions run;
  DataOptions data;
  IndexSpec index;
  Thresholds thresholds;

  TomlSection Section(std::string_view name) const;
  // [run], [data], [index], [thresholds] as resolved.
  toml::table ResolvedTable() const;
};
BaseConfig ResolveBaseConfig(const BaseFlags& flags);

// [bootstrap] as a run uses it: the run's seed and threads unless the
// section sets its own; validated.
bootstrap::BootstrapOptions ResolveBootstrapOptions(const BaseConfig& config, bool quiet);

// Applies --threads (0 = all cores) for the lifetime of the returned object.
std::shared_ptr<void> LimitThreads(int threads);
// Threads actually available under the current limit.
int ThreadsInUse();

Catalog LoadCatalog(const DataOptions& data);
// The panel named by data.file, or the synthetic default simulated from
// data.scenario with `seed`.
Panel LoadPanel(const DataOptions& data, uint64_t seed);

}  // namespace chokepoint::cli
