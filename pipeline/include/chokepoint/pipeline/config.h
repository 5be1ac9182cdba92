// The resolved configuration of a whole run: one object that `run`, `sweep`,
// `config` (and any later driver) read, built by one precedence rule
//
//     built-in defaults  <  TOML file (--config)  <  --set KEY=V  <  typed flags
//
// and validated as a whole before any work starts. Typed flags are applied to
// the option structs directly (never re-serialised as TOML text), and each
// remembers the flag a user typed, so a bad value is reported as
// "--replicates (bootstrap.replicates): must be >= 2, got 1" and a bad TOML
// value as "run.toml:12:14: bootstrap.replicates ...".
//
// Inheritance (docs/method.md §9.7): [bootstrap] and [sweep] take the run's
// seed and threads unless they set their own; the sweep's reference point
// ([sweep.default]) is the run's [index] and [thresholds] unless it sets its
// own; the sweep's replicates and resampler are the [bootstrap] ones unless
// [sweep] sets its own. So `run` and `sweep` given one configuration analyse
// the same panel with the same thresholds, index specification and seed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <toml++/toml.h>

#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/aggregate.h"
#include "chokepoint/core/batches.h"
#include "chokepoint/core/classify.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/run_config.h"
#include "chokepoint/core/toml_section.h"
#include "chokepoint/robustness/models/models.h"
#include "chokepoint/robustness/sweep/sweep_options.h"

namespace chokepoint::pipeline {

// Values typed on a command line. An unset optional leaves the lower layers
// (TOML file, defaults) alone. Enumerations arrive parsed: the CLI turns the
// text into the enum and names its own flag when the text is not a choice.
struct ConfigOverrides {
  std::string config_file;  // --config; empty: built-in defaults only
  // --set section.key=value (repeatable), applied to the TOML table before the
  // typed flags; the value is read as TOML (a bare word is a string).
  std::vector<std::string> set_assignments;

  // [data], [run]
  std::optional<std::string> data_file;   // --data
  std::optional<std::string> catalog;     // --catalog
  std::optional<double> min_coverage;     // --min-coverage
  std::optional<std::string> code_map;    // --code-map
  std::optional<std::string> scenario;    // --scenario
  std::optional<std::string> data_dir;    // --data-dir
  std::optional<std::string> out;         // --out
  std::optional<int> threads;             // --threads
  std::optional<uint64_t> seed;           // --seed
  std::optional<std::string> memory_limit;  // --memory-limit
  std::optional<bool> stage_bootstrap, stage_models, stage_aggregate, stage_batches;  // --no-bootstrap, ...

  // [index]
  std::optional<YearMonth> window_start, window_end;  // --window-start, --window-end
  std::optional<Frequency> frequency;                 // --frequency
  std::optional<BaseRule> base;                       // --base
  std::optional<Weighting> weighting;                 // --weighting
  std::optional<double> half_life;                    // --half-life
  std::optional<int> last_k;                          // --last-k

  // [thresholds]
  std::optional<double> growth_threshold;             // --growth-threshold
  std::optional<double> volatility_high;              // --volatility-high
  std::optional<double> volatility_low;               // --volatility-low
  std::optional<bool> semiconductor_override;         // --semiconductor-override

  // [bootstrap] (the sweep inherits them unless [sweep] sets its own)
  std::optional<int> replicates;                      // --replicates
  std::optional<bootstrap::Scheme> scheme;            // --scheme
  std::optional<bootstrap::BlockMethod> blocks;       // --blocks
  std::optional<double> block_length;                 // --block-length (0 = auto)
  std::optional<double> level;                        // --level
  std::optional<bootstrap::IntervalMethod> report_interval;  // --interval
  std::optional<bool> trend_growth;                   // --trend-growth
  std::optional<bootstrap::Estimand> estimand;        // --estimand
  std::optional<bool> calibrate;                      // --calibrate
  bool quiet = false;                                 // --quiet: no progress bars

  // [sweep] axes and outputs
  std::optional<std::vector<double>> growth_axis;           // --growth-axis
  std::optional<std::vector<double>> volatility_high_axis;  // --volatility-high-axis
  std::optional<std::vector<double>> volatility_low_axis;   // --volatility-low-axis
  std::optional<robustness::OverrideAxis> override_axis;    // --override-axis
  std::optional<std::vector<robustness::WeightingChoice>> weightings;  // --weightings
  std::optional<std::vector<YearMonth>> window_starts, window_ends;    // --window-starts, --window-ends
  std::optional<std::vector<Frequency>> frequencies;        // --frequencies
  std::optional<std::vector<BaseRule>> bases;               // --bases
  std::optional<int> sweep_replicates;                      // sweep --replicates (0 allowed)
  std::optional<bool> keep_clouds, keep_counts;             // --keep-clouds, --keep-counts
  std::optional<std::vector<std::string>> detail_groups;     // --detail-group (repeatable)
};

// The whole run's options, each section resolved and validated.
struct PipelineConfig {
  toml::table file_table;   // the TOML file as read, --set applied
  std::string source_label; // the config path, "--set", or "<defaults>"

  RunOptions run;
  DataOptions data;
  IndexSpec index;
  Thresholds thresholds;
  bootstrap::BootstrapOptions bootstrap;
  robustness::ModelsOptions models;
  AggregateOptions aggregate;
  BatchesOptions batches;
  robustness::SweepOptions sweep;

  // A section of the file (absent: every Get is nullopt), located for errors.
  TomlSection Section(std::string_view name) const;
  // Every section as resolved (what a run file records as config_toml).
  toml::table ResolvedTable() const;
  // Only the sections a `run` used: base sections plus the stages switched on.
  toml::table ResolvedRunTable() const;
  // The base sections plus [sweep] (what a sweep file records).
  toml::table ResolvedSweepTable() const;
};

// What the configuration is for: which sections must be valid.
enum class ConfigPurpose {
  kRun,    // [run], [data], [index], [thresholds] and the stages switched on
  kSweep,  // [run], [data], [index], [thresholds] and [sweep]
  kBootstrap,  // the base sections and [bootstrap] (`bootstrap` on one series)
  kModels,     // the base sections and [models] (`models`)
  kAggregate,  // the base sections and [aggregate] (`aggregate`)
  kBatches,    // the base sections and [batches] (`batches`)
  kAll,    // every section (`chokepoint config`)
};

// Applies the precedence rule, validates the sections `purpose` needs and
// returns the result. Throws chokepoint::Error (usage) naming the flag, the
// --set assignment or the file:line:column of the key.
PipelineConfig ResolveConfig(const ConfigOverrides& overrides, ConfigPurpose purpose = ConfigPurpose::kRun);

// Applies "section.key=value" assignments to a table, creating sections as
// needed. Throws a usage error naming the bad assignment.
void ApplySetAssignments(toml::table& table, const std::vector<std::string>& assignments);

// The top-level tables a configuration may hold; any other is rejected.
inline constexpr std::string_view kConfigSections[] = {"run",     "data",      "index",   "thresholds", "bootstrap",
                                                       "models",  "aggregate", "batches", "sweep"};

}  // namespace chokepoint::pipeline
