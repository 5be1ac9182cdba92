#include "chokepoint/core/run_config.h"

#include <filesystem>
#include <limits>
#include <system_error>

#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/memory_limit.h"

#include <cmath>
#include <sstream>

namespace chokepoint {

bool RunOptions::IsValid(std::string* error) const {
  if (threads < 0) {
    if (error) *error = "run.threads must be >= 0 (0 = all cores), got " + std::to_string(threads);
    return false;
  }
  if (out.empty()) {
    if (error) *error = "run.out must name an output file";
    return false;
  }
  // Run files store the seed as a signed 64-bit integer (HDF5 and TOML): a
  // larger seed would be recorded as a negative number and the run could not
  // be replayed from its own file.
  if (seed > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    if (error) *error = "run.seed must be at most 9223372036854775807 (2^63 - 1), got " + std::to_string(seed);
    return false;
  }
  return true;
}

RunOptions RunOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"threads", "seed", "out", "memory_limit", "bootstrap", "models", "aggregate", "batches"});
  RunOptions o;
  if (auto v = s.GetInt("threads")) {
    if (*v < 0 || *v > 4096) s.Fail("threads", "must be between 0 and 4096");
    o.threads = static_cast<int>(*v);
  }
  if (auto v = s.GetInt("seed")) {
    if (*v < 0) s.Fail("seed", "must be >= 0");
    o.seed = static_cast<uint64_t>(*v);
  }
  if (auto v = s.GetString("out")) o.out = *v;
  if (auto v = s.GetString("memory_limit")) {
    if (!v->empty() && !TryParseMemorySize(*v))
      s.Fail("memory_limit", "must be a size such as \"8G\", \"512M\" or a byte count, or \"\", got \"" + *v + "\"");
    o.memory_limit = *v;
  }
  if (auto v = s.GetBool("bootstrap")) o.bootstrap = *v;
  if (auto v = s.GetBool("models")) o.models = *v;
  if (auto v = s.GetBool("aggregate")) o.aggregate = *v;
  if (auto v = s.GetBool("batches")) o.batches = *v;
  return o;
}

toml::table RunOptions::ToToml() const {
  return toml::table{{"threads", threads}, {"seed", static_cast<int64_t>(seed)}, {"out", out}, {"memory_limit", memory_limit},
                     {"bootstrap", bootstrap}, {"models", models}, {"aggregate", aggregate},
                     {"batches", batches}};
}

bool DataOptions::IsValid(std::string* error) const {
  if (file.empty() && scenario.empty()) {
    if (error) *error = "data.scenario must be set when data.file is empty";
    return false;
  }
  std::error_code ec;
  if (!dir.empty() && !std::filesystem::exists(std::filesystem::path(dir) / "catalog" / "groups.csv", ec)) {
    if (error) *error = "data.dir \"" + dir + "\" is not a chokepoint data directory (no catalog/groups.csv in it)";
    return false;
  }
  if (!(min_coverage >= 0 && min_coverage <= 1)) {
    if (error) *error = "data.min_coverage must be in [0, 1] (the share of a group's catalog lines the panel must carry)";
    return false;
  }
  if (!code_map.empty() && !std::filesystem::exists(code_map, ec)) {
    if (error) *error = "data.code_map: file not found: " + code_map;
    return false;
  }
  return true;
}

DataOptions DataOptions::FromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"file", "scenario", "catalog", "dir", "min_coverage", "code_map"});
  DataOptions o;
  if (auto v = s.GetString("file")) o.file = *v;
  if (auto v = s.GetString("scenario")) o.scenario = *v;
  if (auto v = s.GetString("catalog")) o.catalog = *v;
  if (auto v = s.GetString("dir")) o.dir = *v;
  if (auto v = s.GetDouble("min_coverage")) {
    if (!(*v >= 0 && *v <= 1)) s.Fail("min_coverage", "must be in [0, 1]");
    o.min_coverage = *v;
  }
  if (auto v = s.GetString("code_map")) o.code_map = *v;
  return o;
}

toml::table DataOptions::ToToml() const {
  // Paths inside the data directory are recorded as "<data>/..." so a run
  // file never names this machine's layout (docs/method.md §9.4).
  toml::table t{{"file", DataRelativePath(file)}, {"scenario", scenario}, {"catalog", DataRelativePath(catalog)},
                {"min_coverage", min_coverage}, {"code_map", code_map}};
  if (!dir.empty()) t.insert("dir", dir);
  return t;
}

IndexSpec IndexSpecFromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"window_start", "window_end", "frequency", "base", "weighting", "half_life", "last_k"});
  IndexSpec spec;
  if (auto m = s.GetMonth("window_start")) spec.window_start = *m;
  if (auto m = s.GetMonth("window_end")) spec.window_end = *m;
  if (auto v = s.GetString("frequency")) {
    auto f = FrequencyFromString(*v);
    if (!f) s.Fail("frequency", "must be one of monthly, quarterly, annual; got \"" + *v + "\"");
    spec.frequency = *f;
  }
  if (auto v = s.GetString("base")) {
    auto b = BaseRuleFromString(*v);
    if (!b) s.Fail("base", "must be one of first, first12; got \"" + *v + "\"");
    spec.base = *b;
  }
  if (auto v = s.GetString("weighting")) {
    auto w = WeightingFromString(*v);
    if (!w) s.Fail("weighting", "must be one of equal, linear, quadratic, exponential, last_k; got \"" + *v + "\"");
    spec.weighting = *w;
  }
  if (auto v = s.GetDouble("half_life")) spec.half_life = *v;
  if (auto v = s.GetInt("last_k")) spec.last_k = static_cast<int>(*v);
  std::string error;
  if (!spec.IsValid(&error)) s.Fail("", error);
  return spec;
}

toml::table ToToml(const IndexSpec& spec) {
  toml::table t{{"frequency", std::string(ToString(spec.frequency))},
                {"base", std::string(ToString(spec.base))},
                {"weighting", std::string(ToString(spec.weighting))},
                {"half_life", spec.half_life},
                {"last_k", spec.last_k}};
  if (spec.window_start) t.insert("window_start", spec.window_start->ToString());
  if (spec.window_end) t.insert("window_end", spec.window_end->ToString());
  return t;
}

Thresholds ThresholdsFromToml(const TomlSection& s) {
  s.RejectUnknownKeys({"growth", "volatility_high", "volatility_low", "semiconductor_override"});
  Thresholds t;
  if (auto v = s.GetDouble("growth")) t.growth = *v;
  if (auto v = s.GetDouble("volatility_high")) t.volatility_high = *v;
  if (auto v = s.GetDouble("volatility_low")) t.volatility_low = *v;
  if (auto v = s.GetBool("semiconductor_override")) t.semiconductor_override = *v;
  std::string error;
  if (!t.IsValid(&error)) s.Fail("", error);
  return t;
}

toml::table ToToml(const Thresholds& t) {
  return toml::table{{"growth", t.growth},
                     {"volatility_high", t.volatility_high},
                     {"volatility_low", t.volatility_low},
                     {"semiconductor_override", t.semiconductor_override}};
}

namespace {
// Whether every float in `node` reads back as itself from toml++'s relaxed
// (6 significant digits) form.
bool FloatsSurviveRelaxedPrecision(const toml::node& node) {
  if (const auto* t = node.as_table()) {
    for (const auto& [key, child] : *t)
      if (!FloatsSurviveRelaxedPrecision(child)) return false;
    return true;
  }
  if (const auto* a = node.as_array()) {
    for (const auto& child : *a)
      if (!FloatsSurviveRelaxedPrecision(child)) return false;
    return true;
  }
  if (const auto* f = node.as_floating_point()) {
    const double v = f->get();
    if (!std::isfinite(v)) return true;
    std::ostringstream text;
    text << v;  // the stream's default precision, as relaxed_float_precision writes
    return std::stod(text.str()) == v;
  }
  return true;
}
}  // namespace

std::string TomlToString(const toml::table& table) {
  // Short floats ("0.9", not "0.90000000000000002") when every float reads
  // back exactly from them, as the defaults do; otherwise full precision, so
  // a configuration recorded in a run file replays the same run (a half-life
  // of 7.3333333333333 written as 7.33333 would not).
  std::ostringstream out;
  if (FloatsSurviveRelaxedPrecision(table))
    out << toml::toml_formatter(table, toml::toml_formatter::default_flags | toml::format_flags::relaxed_float_precision);
  else
    out << toml::toml_formatter(table);
  return out.str();
}

}  // namespace chokepoint
