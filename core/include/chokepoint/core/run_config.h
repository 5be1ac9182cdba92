// The base run's configuration: one TOML file drives a whole run; every option
// is also reachable from the CLI. Sections of later stages ([bootstrap],
// [sweep], [models], [aggregate], [batches]) are read by their own modules;
// this file owns [run], [data], [index] and [thresholds].
#pragma once

#include <cstdint>
#include <string>

#include <toml++/toml.h>

#include "chokepoint/core/classify.h"
#include "chokepoint/core/indices.h"
#include "chokepoint/core/toml_section.h"

namespace chokepoint {

struct RunOptions {
  // Worker threads; 0 uses every core. Results do not depend on it.
  int threads = 0;
  // Seed of every random stream in the run (simulation, bootstrap).
  uint64_t seed = 1;
  // Output run file.
  std::string out = "results/run.h5";
  // What the run may plan to allocate ("8G", "512M", bytes); empty: the
  // CHOKEPOINT_MEMORY_LIMIT variable, else half of physical memory. Work
  // whose estimate exceeds it is refused before it starts (memory_limit.h).
  std::string memory_limit;
  // Stages after the base indices, each configured by its own section. All on:
  // together they take a few seconds on the 17 default groups, and a run file
  // should answer a referee's first questions (how sure, what aggregates, do
  // the models agree) without a second command. Sweeps are separate
  // (`chokepoint sweep`): the referee grid takes minutes.
  bool bootstrap = true;   // [bootstrap]: intervals and regime probabilities
  bool models = true;      // [models]: HAC trends, breaks, surge fits, adjusted regimes, panel
  bool aggregate = true;   // [aggregate]: capital/intermediate imports as % of GDP
  bool batches = true;     // [batches]: batch 1/2/3 overlap, persistence, event study

  bool IsValid(std::string* error) const;
  static RunOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
};

struct DataOptions {
  // A panel file (.h5 from `ingest`/`simulate`, or canonical .csv); empty means
  // the embedded synthetic default simulated from `scenario` with the run seed.
  std::string file;
  // Scenario name (data/scenarios/NAME.toml) or a TOML path.
  std::string scenario = "paper2025";
  // Catalog directory; empty means the shipped data/catalog.
  std::string catalog;
  // The data directory (catalog, scenarios, BEC, GDP, events) for this run;
  // empty: $CHOKEPOINT_DATA_DIR, else share/chokepoint beside the executable
  // (core/data_dir.h).
  std::string dir;
  // A group whose panel carries fewer than this share of its catalog lines
  // is reported `partial` (docs/method.md §1.11).
  double min_coverage = 0.75;
  // CSV code,group,weight assigning coarse panel codes that several groups
  // share (otherwise such a code is used by none); empty: none.
  std::string code_map;

  bool IsValid(std::string* error) const;
  static DataOptions FromToml(const TomlSection& section);
  toml::table ToToml() const;
};

IndexSpec IndexSpecFromToml(const TomlSection& section);
toml::table ToToml(const IndexSpec& spec);
Thresholds ThresholdsFromToml(const TomlSection& section);
toml::table ToToml(const Thresholds& thresholds);

// Renders a table as TOML text.
std::string TomlToString(const toml::table& table);

}  // namespace chokepoint
