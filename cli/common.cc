#include "common.h"

#include <cmath>
#include <cstdio>

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/panel_io.h"
#include "chokepoint/core/scenario.h"
#include "chokepoint/core/simulate.h"
#include "chokepoint/robustness/hac.h"
#include "chokepoint/robustness/ols.h"

namespace chokepoint::cli {

void AddBaseFlags(CLI::App* cmd, BaseFlags* f, bool with_out) {
  cmd->add_option("--config", f->config_file, "TOML configuration file driving the whole run")
      ->check(CLI::ExistingFile);
  cmd->add_option("--data", f->data, "Panel file (.h5 or canonical .csv); default: the embedded synthetic scenario");
  cmd->add_option("--catalog", f->catalog, "Catalog directory (groups.csv, members.csv, ...); default: data/catalog");
  cmd->add_option("--scenario", f->scenario, "Simulation scenario for the default data (name or TOML file)");
  if (with_out) cmd->add_option("--out", f->out, "Output HDF5 run file");
  cmd->add_option("--threads", f->threads, "Worker threads (0 = all cores; results do not depend on it)");
  cmd->add_option("--seed", f->seed, "Seed of every random stream");
  auto* idx = cmd->add_option_group("index", "Index specification ([index])");
  idx->add_option("--window-start", f->window_start, "First month of the window (YYYY-MM)");
  idx->add_option("--window-end", f->window_end, "Last month of the window (YYYY-MM)");
  idx->add_option("--frequency", f->frequency, "monthly|quarterly|annual");
  idx->add_option("--base", f->base, "Growth base: first|first12");
  idx->add_option("--weighting", f->weighting, "equal|linear|quadratic|exponential|last_k");
  idx->add_option("--half-life", f->half_life, "Half-life in periods (exponential weighting)");
  idx->add_option("--last-k", f->last_k, "Number of final periods (last_k weighting)");
  auto* thr = cmd->add_option_group("thresholds", "Classification thresholds ([thresholds])");
  thr->add_option("--growth-threshold", f->growth, "g*: growth is high if G > g* (default 0.5)");
  thr->add_option("--volatility-high", f->vol_high, "v_hi: volatility is high if V > v_hi (default 0.3)");
  thr->add_option("--volatility-low", f->vol_low, "v_lo: volatility is low if V < v_lo (default 0.24)");
  thr->add_option("--semiconductor-override", f->semiconductor_override,
                  "Semiconductor groups with high growth are stockpiling (true|false, default true)");
  cmd->add_option("--set", f->set_overrides,
                  "Set any configuration key, e.g. --set bootstrap.replicates=2000 --set models.post_month=\"2019-05\" "
                  "(value read as TOML; repeatable; applied after --config, before the other flags)");
}

void ApplySetOverrides(toml::table& table, const std::vector<std::string>& assignments) {
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
    t->insert_or_assign(leaf, *parsed.get("v"));
  }
}

bootstrap::BootstrapOptions ResolveBootstrapOptions(const BaseConfig& config, bool quiet) {
  const TomlSection section = config.Section("bootstrap");
  bootstrap::BootstrapOptions o = bootstrap::BootstrapOptions::FromToml(section);
  // One seed drives the run unless [bootstrap] names its own. Simulation
  // streams are keyed by HS8 code and bootstrap streams by group index, so
  // sharing the seed does not correlate them.
  if (!section.Has("seed")) o.seed = config.run.seed;
  if (!section.Has("threads")) o.threads = config.run.threads;
  if (quiet) o.progress = false;
  std::string error;
  if (!o.IsValid(&error)) ThrowUsageError(error);
  return o;
}

EventStudyCovariance HacEventStudyCovariance() {
  return [](const Eigen::MatrixXd& X, const Eigen::VectorXd& y, std::string* label) {
    const OlsResult ols = FitOls(X, y);
    const HacResult hac = ComputeHac(X, ols, HacOptions{});
    if (label) *label = "HAC " + hac.estimator;
    return Eigen::MatrixXd(hac.vcov);
  };
}

void RejectUnknownSections(const toml::table& table, const std::string& file_label) {
  static constexpr std::string_view kKnown[] = {"run",       "data",   "index",     "thresholds", "bootstrap",
                                                "models",    "aggregate", "batches", "sweep"};
  for (const auto& [key, node] : table) {
    bool known = false;
    for (auto k : kKnown) known |= (key.str() == k);
    if (!known)
      throw Error(ErrorKind::kUsage,
                  FormatLocation(file_label, static_cast<long>(node.source().begin.line),
                                 static_cast<long>(node.source().begin.column),
                                 "unknown section '" + std::string(key.str()) +
                                     "' (known: run, data, index, thresholds, bootstrap, models, aggregate, "
                                     "batches, sweep)"));
  }
}

TomlSection BaseConfig::Section(std::string_view name) const {
  const toml::node* n = file_table.get(name);
  if (n && !n->is_table())
    throw Error(ErrorKind::kUsage, FormatLocation(file_label, static_cast<long>(n->source().begin.line),
                                                  static_cast<long>(n->source().begin.column),
                                                  "'" + std::string(name) + "' must be a table"));
  return TomlSection(n ? n->as_table() : nullptr, std::string(name), file_label);
}

toml::table BaseConfig::ResolvedTable() const {
  return toml::table{{"run", run.ToToml()},
                     {"data", data.ToToml()},
                     {"index", ToToml(index)},
                     {"thresholds", ToToml(thresholds)}};
}

namespace {
template <typename T, typename F>
T ParseEnumFlag(const std::string& flag, const std::string& value, F from_string, const char* allowed) {
  auto v = from_string(value);
  if (!v) ThrowUsageError(flag + " must be one of " + allowed + ", got \"" + value + "\"");
  return *v;
}
YearMonth ParseMonthFlag(const std::string& flag, const std::string& value) {
  auto m = YearMonth::Parse(value);
  if (!m) ThrowUsageError(flag + " must be a month YYYY-MM, got \"" + value + "\"");
  return *m;
}
}  // namespace

BaseConfig ResolveBaseConfig(const BaseFlags& f) {
  BaseConfig c;
  c.file_label = f.config_file.empty() ? "<command line>" : f.config_file;
  if (!f.config_file.empty()) c.file_table = ParseTomlFile(f.config_file);
  ApplySetOverrides(c.file_table, f.set_overrides);
  if (!f.set_overrides.empty() && f.config_file.empty()) c.file_label = "--set";
  RejectUnknownSections(c.file_table, c.file_label);
  c.run = RunOptions::FromToml(c.Section("run"));
  c.data = DataOptions::FromToml(c.Section("data"));
  c.index = IndexSpecFromToml(c.Section("index"));
  c.thresholds = ThresholdsFromToml(c.Section("thresholds"));

  if (f.data) c.data.file = *f.data;
  if (f.catalog) c.data.catalog = *f.catalog;
  if (f.scenario) c.data.scenario = *f.scenario;
  if (f.out) c.run.out = *f.out;
  if (f.threads) c.run.threads = *f.threads;
  if (f.seed) c.run.seed = *f.seed;
  if (f.window_start) c.index.window_start = ParseMonthFlag("--window-start", *f.window_start);
  if (f.window_end) c.index.window_end = ParseMonthFlag("--window-end", *f.window_end);
  if (f.frequency)
    c.index.frequency = ParseEnumFlag<Frequency>("--frequency", *f.frequency, FrequencyFromString,
                                                 "monthly, quarterly, annual");
  if (f.base) c.index.base = ParseEnumFlag<BaseRule>("--base", *f.base, BaseRuleFromString, "first, first12");
  if (f.weighting)
    c.index.weighting = ParseEnumFlag<Weighting>("--weighting", *f.weighting, WeightingFromString,
                                                 "equal, linear, quadratic, exponential, last_k");
  if (f.half_life) c.index.half_life = *f.half_life;
  if (f.last_k) c.index.last_k = *f.last_k;
  if (f.growth) c.thresholds.growth = *f.growth;
  if (f.vol_high) c.thresholds.volatility_high = *f.vol_high;
  if (f.vol_low) c.thresholds.volatility_low = *f.vol_low;
  if (f.semiconductor_override) c.thresholds.semiconductor_override = *f.semiconductor_override;

  std::string error;
  if (!c.run.IsValid(&error) || !c.data.IsValid(&error) || !c.index.IsValid(&error) ||
      !c.thresholds.IsValid(&error))
    ThrowUsageError(error);
  return c;
}

std::shared_ptr<void> LimitThreads(int threads) {
  if (threads <= 0) return nullptr;
  return std::make_shared<tbb::global_control>(tbb::global_control::max_allowed_parallelism,
                                               static_cast<size_t>(threads));
}

int ThreadsInUse() {
  return static_cast<int>(tbb::global_control::active_value(tbb::global_control::max_allowed_parallelism));
}

Catalog LoadCatalog(const DataOptions& data) {
  if (data.catalog.empty()) return Catalog::LoadDefault();
  return Catalog::LoadDirectory(data.catalog);
}

Panel LoadPanel(const DataOptions& data, uint64_t seed) {
  if (!data.file.empty()) return ReadPanelFile(data.file);
  return Simulate(Scenario::Load(data.scenario), seed).panel;
}

}  // namespace chokepoint::cli
