#include "chokepoint/pipeline/config.h"

#include <utility>

#include "chokepoint/core/error.h"
#include "chokepoint/core/memory_limit.h"

namespace chokepoint::pipeline {

namespace {

// Which flag set which key, so a validation message that starts with the key
// ("bootstrap.replicates must be ...") can name what the user typed.
class FlagOrigins {
 public:
  void Set(std::string key, std::string flag) { flag_of_key_[std::move(key)] = std::move(flag); }

  // Validates with `is_valid`; on failure throws a usage error. The message
  // names the flag when a flag set the key, else the key's file:line:column
  // when the file set it, else the key alone.
  template <typename IsValid>
  void Check(const PipelineConfig& config, IsValid&& is_valid) const {
    std::string error;
    if (is_valid(&error)) return;
    const std::string key = error.substr(0, error.find(' '));
    if (auto it = flag_of_key_.find(key); it != flag_of_key_.end())
      ThrowUsageError(it->second + " (" + key + "):" + error.substr(key.size()));
    const size_t dot = key.find('.');
    if (dot != std::string::npos && key.find('.', dot + 1) == std::string::npos) {
      const TomlSection section = config.Section(key.substr(0, dot));
      const std::string leaf = key.substr(dot + 1);
      if (section.Has(leaf)) section.Fail(leaf, error.substr(key.size() + 1));
    }
    ThrowUsageError(config.source_label == "<defaults>" ? error : config.source_label + ": " + error);
  }

 private:
  std::map<std::string, std::string> flag_of_key_;
};

void RejectUnknownSections(const toml::table& table, const std::string& label) {
  for (const auto& [key, node] : table) {
    bool known = false;
    for (std::string_view k : kConfigSections) known |= (key.str() == k);
    if (known) continue;
    std::string list;
    for (std::string_view k : kConfigSections) list += (list.empty() ? "" : ", ") + std::string(k);
    throw Error(ErrorKind::kUsage,
                FormatLocation(label, static_cast<long>(node.source().begin.line),
                               static_cast<long>(node.source().begin.column),
                               "unknown section '" + std::string(key.str()) + "' (known: " + list + ")"));
  }
}

template <typename T>
void Apply(const std::optional<T>& value, T* field, FlagOrigins* origins, const char* key, const char* flag) {
  if (!value) return;
  *field = *value;
  origins->Set(key, flag);
}

}  // namespace

void ApplySetAssignments(toml::table& table, const std::vector<std::string>& assignments) {
  for (const std::string& a : assignments) {
    const size_t eq = a.find('=');
    const std::string key = a.substr(0, eq);
    if (eq == std::string::npos || key.empty() || key.front() == '.' || key.back() == '.')
      ThrowUsageError("--set needs section.key=value, got \"" + a + "\"");
    const std::string value = a.substr(eq + 1);
    // The value as TOML; a bare word that is not TOML is taken as a string.
    toml::table parsed;
    try {
      parsed = toml::parse("v = " + value);
    } catch (const toml::parse_error&) {
      parsed = toml::table{{"v", value}};
    }
    toml::table* t = &table;
    size_t start = 0;
    for (size_t dot = key.find('.'); dot != std::string::npos; dot = key.find('.', start)) {
      const std::string part = key.substr(start, dot - start);
      if (part.empty()) ThrowUsageError("--set: empty key part in \"" + key + "\"");
      toml::node* n = t->get(part);
      if (!n) n = &t->insert_or_assign(part, toml::table{}).first->second;
      if (!n->is_table()) ThrowUsageError("--set: \"" + key.substr(0, dot) + "\" is not a table");
      t = n->as_table();
      start = dot + 1;
    }
    const std::string leaf = key.substr(start);
    if (leaf.empty()) ThrowUsageError("--set: empty key in \"" + a + "\"");
    if (start == 0) ThrowUsageError("--set needs section.key=value (a key inside a section), got \"" + a + "\"");
    t->insert_or_assign(leaf, *parsed.get("v"));
  }
}

TomlSection PipelineConfig::Section(std::string_view name) const {
  const toml::node* n = file_table.get(name);
  if (n && !n->is_table())
    throw Error(ErrorKind::kUsage, FormatLocation(source_label, static_cast<long>(n->source().begin.line),
                                                  static_cast<long>(n->source().begin.column),
                                                  "'" + std::string(name) + "' must be a table"));
  return TomlSection(n ? n->as_table() : nullptr, std::string(name), source_label);
}

toml::table PipelineConfig::ResolvedTable() const {
  return toml::table{{"run", run.ToToml()},
                     {"data", data.ToToml()},
                     {"index", ToToml(index)},
                     {"thresholds", ToToml(thresholds)},
                     {"bootstrap", bootstrap.ToToml()},
                     {"models", models.ToToml()},
                     {"aggregate", aggregate.ToToml()},
                     {"batches", batches.ToToml()},
                     {"sweep", sweep.ToToml()}};
}

toml::table PipelineConfig::ResolvedRunTable() const {
  toml::table t{{"run", run.ToToml()},
                {"data", data.ToToml()},
                {"index", ToToml(index)},
                {"thresholds", ToToml(thresholds)}};
  if (run.bootstrap) t.insert_or_assign("bootstrap", bootstrap.ToToml());
  if (run.models) t.insert_or_assign("models", models.ToToml());
  if (run.aggregate) t.insert_or_assign("aggregate", aggregate.ToToml());
  if (run.batches) t.insert_or_assign("batches", batches.ToToml());
  return t;
}

toml::table PipelineConfig::ResolvedSweepTable() const {
  return toml::table{{"run", run.ToToml()},
                     {"data", data.ToToml()},
                     {"index", ToToml(index)},
                     {"thresholds", ToToml(thresholds)},
                     {"sweep", sweep.ToToml()}};
}

PipelineConfig ResolveConfig(const ConfigOverrides& o, ConfigPurpose purpose) {
  PipelineConfig c;
  c.source_label = !o.config_file.empty() ? o.config_file : (o.set_assignments.empty() ? "<defaults>" : "--set");
  if (!o.config_file.empty()) c.file_table = ParseTomlFile(o.config_file);
  ApplySetAssignments(c.file_table, o.set_assignments);
  RejectUnknownSections(c.file_table, c.source_label);

  // Layers 1-3: defaults, file, --set (each FromToml rejects unknown keys and
  // locates bad values at their line).
  c.run = RunOptions::FromToml(c.Section("run"));
  c.data = DataOptions::FromToml(c.Section("data"));
  c.index = IndexSpecFromToml(c.Section("index"));
  c.thresholds = ThresholdsFromToml(c.Section("thresholds"));
  const TomlSection boot_section = c.Section("bootstrap");
  c.bootstrap = bootstrap::BootstrapOptions::FromToml(boot_section);
  c.models = robustness::ModelsOptions::FromToml(c.Section("models"));
  c.aggregate = AggregateOptions::FromToml(c.Section("aggregate"));
  c.batches = BatchesOptions::FromToml(c.Section("batches"));
  const TomlSection sweep_section = c.Section("sweep");
  c.sweep = robustness::SweepOptions::FromToml(sweep_section);

  // Layer 4: typed flags.
  FlagOrigins origins;
  Apply(o.data_file, &c.data.file, &origins, "data.file", "--data");
  Apply(o.catalog, &c.data.catalog, &origins, "data.catalog", "--catalog");
  Apply(o.min_coverage, &c.data.min_coverage, &origins, "data.min_coverage", "--min-coverage");
  Apply(o.code_map, &c.data.code_map, &origins, "data.code_map", "--code-map");
  Apply(o.scenario, &c.data.scenario, &origins, "data.scenario", "--scenario");
  Apply(o.data_dir, &c.data.dir, &origins, "data.dir", "--data-dir");
  Apply(o.out, &c.run.out, &origins, "run.out", "--out");
  Apply(o.threads, &c.run.threads, &origins, "run.threads", "--threads");
  Apply(o.seed, &c.run.seed, &origins, "run.seed", "--seed");
  if (o.memory_limit) {
    (void)ParseMemorySize(*o.memory_limit, "--memory-limit");
    c.run.memory_limit = *o.memory_limit;
    origins.Set("run.memory_limit", "--memory-limit");
  }
  Apply(o.stage_bootstrap, &c.run.bootstrap, &origins, "run.bootstrap", "--no-bootstrap");
  Apply(o.stage_models, &c.run.models, &origins, "run.models", "--no-models");
  Apply(o.stage_aggregate, &c.run.aggregate, &origins, "run.aggregate", "--no-aggregate");
  Apply(o.stage_batches, &c.run.batches, &origins, "run.batches", "--no-batches");
  if (o.window_start) {
    c.index.window_start = *o.window_start;
    origins.Set("index.window_start", "--window-start");
  }
  if (o.window_end) {
    c.index.window_end = *o.window_end;
    origins.Set("index.window_end", "--window-end");
  }
  Apply(o.frequency, &c.index.frequency, &origins, "index.frequency", "--frequency");
  Apply(o.base, &c.index.base, &origins, "index.base", "--base");
  Apply(o.weighting, &c.index.weighting, &origins, "index.weighting", "--weighting");
  Apply(o.half_life, &c.index.half_life, &origins, "index.half_life", "--half-life");
  Apply(o.last_k, &c.index.last_k, &origins, "index.last_k", "--last-k");
  Apply(o.growth_threshold, &c.thresholds.growth, &origins, "thresholds.growth", "--growth-threshold");
  Apply(o.volatility_high, &c.thresholds.volatility_high, &origins, "thresholds.volatility_high",
        "--volatility-high");
  Apply(o.volatility_low, &c.thresholds.volatility_low, &origins, "thresholds.volatility_low", "--volatility-low");
  Apply(o.semiconductor_override, &c.thresholds.semiconductor_override, &origins,
        "thresholds.semiconductor_override", "--semiconductor-override");

  // [bootstrap]: the run's seed and threads unless the section sets its own.
  // Simulation streams are keyed by HS8 code and bootstrap streams by group
  // index, so sharing the seed does not correlate them.
  if (!boot_section.Has("seed")) c.bootstrap.seed = c.run.seed;
  if (!boot_section.Has("threads")) c.bootstrap.threads = c.run.threads;
  Apply(o.replicates, &c.bootstrap.replicates, &origins, "bootstrap.replicates", "--replicates");
  Apply(o.scheme, &c.bootstrap.resampler.scheme, &origins, "bootstrap.scheme", "--scheme");
  Apply(o.blocks, &c.bootstrap.resampler.blocks, &origins, "bootstrap.blocks", "--blocks");
  Apply(o.block_length, &c.bootstrap.resampler.block_length, &origins, "bootstrap.block_length", "--block-length");
  Apply(o.level, &c.bootstrap.level, &origins, "bootstrap.level", "--level");
  Apply(o.report_interval, &c.bootstrap.report_interval, &origins, "bootstrap.report_interval", "--interval");
  Apply(o.trend_growth, &c.bootstrap.trend_growth, &origins, "bootstrap.trend_growth", "--trend-growth");
  Apply(o.estimand, &c.bootstrap.estimand, &origins, "bootstrap.estimand", "--estimand");
  Apply(o.calibrate, &c.bootstrap.calibrate, &origins, "bootstrap.calibrate", "--calibrate");
  if (o.quiet) c.bootstrap.progress = false;

  // The models' regimes use the run's index specification and thresholds.
  c.models.index = c.index;
  c.models.thresholds = c.thresholds;

  // [sweep]: inherits the run's reference point, seed, threads and bootstrap
  // settings unless it sets its own (docs/method.md §9.7).
  const TomlSection sweep_default = sweep_section.Sub("default");
  const auto default_has = [&](std::initializer_list<std::string_view> keys) {
    for (std::string_view k : keys)
      if (sweep_default.Has(k)) return true;
    return false;
  };
  if (!default_has({"growth", "volatility_high", "volatility_low", "semiconductor_override"}))
    c.sweep.default_thresholds = c.thresholds;
  if (!default_has({"weighting", "frequency", "base", "window_start", "window_end"})) c.sweep.default_index = c.index;
  if (!sweep_section.Has("seed")) c.sweep.seed = c.bootstrap.seed;
  if (!sweep_section.Has("threads")) c.sweep.threads = c.run.threads;
  if (!sweep_section.Has("replicates")) c.sweep.replicates = c.bootstrap.replicates;
  if (!sweep_section.Has("scheme")) c.sweep.resampler.scheme = c.bootstrap.resampler.scheme;
  if (!sweep_section.Has("blocks")) c.sweep.resampler.blocks = c.bootstrap.resampler.blocks;
  if (!sweep_section.Has("block_length")) c.sweep.resampler.block_length = c.bootstrap.resampler.block_length;
  if (o.replicates) origins.Set("sweep.replicates", "--replicates");
  if (o.scheme) origins.Set("sweep.scheme", "--scheme");
  if (o.blocks) origins.Set("sweep.blocks", "--blocks");
  if (o.block_length) origins.Set("sweep.block_length", "--block-length");
  Apply(o.sweep_replicates, &c.sweep.replicates, &origins, "sweep.replicates", "--replicates");
  Apply(o.growth_axis, &c.sweep.growth, &origins, "sweep.growth", "--growth-axis");
  Apply(o.volatility_high_axis, &c.sweep.volatility_high, &origins, "sweep.volatility_high",
        "--volatility-high-axis");
  Apply(o.volatility_low_axis, &c.sweep.volatility_low, &origins, "sweep.volatility_low", "--volatility-low-axis");
  Apply(o.override_axis, &c.sweep.semiconductor_override, &origins, "sweep.semiconductor_override",
        "--override-axis");
  Apply(o.weightings, &c.sweep.weightings, &origins, "sweep.weightings", "--weightings");
  Apply(o.window_starts, &c.sweep.window_starts, &origins, "sweep.window_starts", "--window-starts");
  Apply(o.window_ends, &c.sweep.window_ends, &origins, "sweep.window_ends", "--window-ends");
  Apply(o.frequencies, &c.sweep.frequencies, &origins, "sweep.frequencies", "--frequencies");
  Apply(o.bases, &c.sweep.bases, &origins, "sweep.bases", "--bases");
  Apply(o.keep_clouds, &c.sweep.keep_clouds, &origins, "sweep.keep_clouds", "--keep-clouds");
  Apply(o.keep_counts, &c.sweep.keep_counts, &origins, "sweep.keep_counts", "--keep-counts");
  Apply(o.detail_groups, &c.sweep.detail_groups, &origins, "sweep.detail_groups", "--detail-group");

  // One validation path for every layer: the sections' own IsValid.
  origins.Check(c, [&](std::string* e) { return c.run.IsValid(e); });
  origins.Check(c, [&](std::string* e) { return c.data.IsValid(e); });
  origins.Check(c, [&](std::string* e) { return c.index.IsValid(e); });
  origins.Check(c, [&](std::string* e) { return c.thresholds.IsValid(e); });
  // The base sections always; a stage's section when the purpose names it,
  // or for a run when the stage is on.
  const auto needs = [&](ConfigPurpose stage, bool run_stage_on) {
    return purpose == ConfigPurpose::kAll || purpose == stage || (purpose == ConfigPurpose::kRun && run_stage_on);
  };
  if (needs(ConfigPurpose::kBootstrap, c.run.bootstrap))
    origins.Check(c, [&](std::string* e) { return c.bootstrap.IsValid(e); });
  if (needs(ConfigPurpose::kModels, c.run.models)) origins.Check(c, [&](std::string* e) { return c.models.IsValid(e); });
  if (needs(ConfigPurpose::kAggregate, c.run.aggregate))
    origins.Check(c, [&](std::string* e) { return c.aggregate.IsValid(e); });
  if (needs(ConfigPurpose::kBatches, c.run.batches))
    origins.Check(c, [&](std::string* e) { return c.batches.IsValid(e); });
  if (needs(ConfigPurpose::kSweep, false)) origins.Check(c, [&](std::string* e) { return c.sweep.IsValid(e); });
  // The process's memory limit follows the resolved configuration, so every
  // estimate checked before work (memory_limit.h) sees it.
  SetMemoryLimit(c.run.memory_limit.empty() ? 0 : ParseMemorySize(c.run.memory_limit, "run.memory_limit"),
                 o.memory_limit ? "--memory-limit" : "run.memory_limit");
  return c;
}

}  // namespace chokepoint::pipeline
