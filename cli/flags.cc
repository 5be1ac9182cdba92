#include "flags.h"

#include <cstdio>
#include <filesystem>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/series_csv.h"

namespace chokepoint::cli {

namespace {

using pipeline::ConfigOverrides;

template <typename T, typename F>
T ParseChoice(std::string_view flag, const std::string& value, F from_string, const char* allowed) {
  auto v = from_string(value);
  if (!v) ThrowUsageError(std::string(flag) + " must be one of " + allowed + ", got \"" + value + "\"");
  return *v;
}

std::vector<std::string> SplitComma(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    while (!item.empty() && item.front() == ' ') item.erase(item.begin());
    while (!item.empty() && item.back() == ' ') item.pop_back();
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

template <typename T, typename F>
std::vector<T> ParseChoiceList(std::string_view flag, const std::string& value, F from_string, const char* allowed) {
  std::vector<T> out;
  for (const std::string& item : SplitComma(value)) out.push_back(ParseChoice<T>(flag, item, from_string, allowed));
  if (out.empty()) ThrowUsageError(std::string(flag) + " needs at least one of " + allowed);
  return out;
}

// "auto" (0) or a mean block length in months.
double ParseBlockLength(const std::string& value) {
  if (value == "auto") return 0.0;
  try {
    size_t used = 0;
    const double v = std::stod(value, &used);
    if (used == value.size()) return v;
  } catch (const std::exception&) {
  }
  ThrowUsageError("--block-length must be auto or a number of months, got \"" + value + "\"");
}

}  // namespace

YearMonth ParseMonthFlag(std::string_view flag, const std::string& value) {
  auto m = YearMonth::Parse(value);
  if (!m) ThrowUsageError(std::string(flag) + " must be a month YYYY-MM, got \"" + value + "\"");
  return *m;
}

CLI::Option* AddHiddenAlias(CLI::App* cmd, const std::string& old_name,
                            std::function<void(const std::string&)> store) {
  return cmd->add_option_function<std::string>(old_name, std::move(store), "")->group("");
}

CLI::Validator SeedValidator() {
  return CLI::Validator(
      [](std::string& v) -> std::string {
        const bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
        if (!digits) return "must be an unsigned integer, got " + v;
        if (v.size() > 19 || (v.size() == 19 && v > "9223372036854775807"))
          return "must be at most 9223372036854775807 (2^63 - 1), got " + v;
        return "";
      },
      "UINT <= 2^63-1", "seed");
}

void RunNamingFlags(const CLI::App* cmd, std::initializer_list<std::pair<std::string_view, std::string_view>> keys,
                    const std::function<void()>& body) {
  try {
    body();
  } catch (const Error& e) {
    if (e.kind() != ErrorKind::kUsage) throw;
    const std::string message = e.what();
    for (const auto& [key, flag] : keys) {
      if (message.rfind(key, 0) == 0 && cmd->count(std::string(flag)) > 0)
        throw Error(ErrorKind::kUsage, std::string(flag) + " (" + message.substr(0, key.size()) + ")" +
                                           message.substr(key.size()));
    }
    throw;
  }
}

void AddConfigFlags(CLI::App* cmd, ConfigOverrides* o, bool with_out, bool with_panel) {
  cmd->add_option("--config", o->config_file, "TOML configuration file driving the whole run")
      ->check(CLI::ExistingFile);
  cmd->add_option("--set", o->set_assignments,
                  "Set any configuration key, e.g. --set bootstrap.replicates=2000 --set models.post_month=\"2019-05\" "
                  "(value read as TOML; repeatable; applied after --config, before the other flags)");
  if (with_out) cmd->add_option("--out", o->out, "Output HDF5 file");
  cmd->add_option("--threads", o->threads, "Worker threads (0 = all cores; results do not depend on it)");
  cmd->add_option("--seed", o->seed, "Seed of every random stream")->check(SeedValidator());
  cmd->add_option("--memory-limit", o->memory_limit,
                  "What the run may plan to allocate (8G, 512M, bytes; default $CHOKEPOINT_MEMORY_LIMIT, else half "
                  "of physical memory): larger work is refused before it starts");
  if (!with_panel) return;
  cmd->add_option("--data", o->data_file, "Panel file (.h5 or canonical .csv); default: the embedded synthetic scenario");
  cmd->add_option("--catalog", o->catalog, "Catalog directory (groups.csv, members.csv, ...); default: the shipped one");
  cmd->add_option("--min-coverage", o->min_coverage,
                  "A group whose panel carries fewer than this share of its catalog lines is marked partial "
                  "(default 0.75)");
  cmd->add_option("--code-map", o->code_map,
                  "CSV code,group,weight assigning coarse panel codes that several groups share (otherwise "
                  "such a code is used by none)");
  cmd->add_option("--scenario", o->scenario, "Simulation scenario for the default data (name or TOML file)");
  cmd->add_option("--data-dir", o->data_dir,
                  "Directory of the shipped data (catalog, scenarios, BEC, GDP, events); default: "
                  "$CHOKEPOINT_DATA_DIR, else ../share/chokepoint beside the executable");
}

void AddIndexFlags(CLI::App* cmd, ConfigOverrides* o) {
  auto* g = cmd->add_option_group("index", "Index specification ([index])");
  g->add_option_function<std::string>(
      "--window-start", [o](const std::string& v) { o->window_start = ParseMonthFlag("--window-start", v); },
      "First month of the window (YYYY-MM)");
  g->add_option_function<std::string>(
      "--window-end", [o](const std::string& v) { o->window_end = ParseMonthFlag("--window-end", v); },
      "Last month of the window (YYYY-MM)");
  g->add_option_function<std::string>(
      "--frequency",
      [o](const std::string& v) {
        o->frequency = ParseChoice<Frequency>("--frequency", v, FrequencyFromString, "monthly, quarterly, annual");
      },
      "monthly|quarterly|annual");
  g->add_option_function<std::string>(
      "--base",
      [o](const std::string& v) { o->base = ParseChoice<BaseRule>("--base", v, BaseRuleFromString, "first, first12"); },
      "Growth base: first|first12");
  g->add_option_function<std::string>(
      "--weighting",
      [o](const std::string& v) {
        o->weighting = ParseChoice<Weighting>("--weighting", v, WeightingFromString,
                                              "equal, linear, quadratic, exponential, last_k");
      },
      "equal|linear|quadratic|exponential|last_k");
  g->add_option("--half-life", o->half_life, "Half-life in periods (exponential weighting)");
  g->add_option("--last-k", o->last_k, "Number of final periods (last_k weighting)");
}

void AddThresholdFlags(CLI::App* cmd, ConfigOverrides* o, bool sweep_axis_aliases, bool with_semiconductor_override) {
  auto* g = cmd->add_option_group("thresholds", "Classification thresholds ([thresholds])");
  g->add_option("--growth-threshold", o->growth_threshold, "g*: growth is high if G > g* (default 0.5)");
  if (with_semiconductor_override)
    g->add_option("--semiconductor-override", o->semiconductor_override,
                  "Semiconductor groups with high growth are stockpiling (true|false, default true)");
  if (!sweep_axis_aliases) {
    g->add_option("--volatility-high", o->volatility_high, "v_hi: volatility is high if V > v_hi (default 0.3)");
    g->add_option("--volatility-low", o->volatility_low, "v_lo: volatility is low if V < v_lo (default 0.24)");
    return;
  }
  // In `sweep` these were the axes until the flags were unified: a range or
  // a list still sets the axis (with a note), a single number the threshold.
  const auto threshold_or_axis = [](const char* flag, const char* axis_flag, std::optional<double>* threshold,
                                    std::optional<std::vector<double>>* axis) {
    return [=](const std::string& v) {
      if (v.find_first_of(":,") == std::string::npos) {
        try {
          size_t used = 0;
          const double x = std::stod(v, &used);
          if (used == v.size()) {
            *threshold = x;
            return;
          }
        } catch (const std::exception&) {
        }
        ThrowUsageError(std::string(flag) + " must be a number, got \"" + v + "\"");
      }
      std::fprintf(stderr, "chokepoint sweep: note: %s with a range is the old spelling of %s\n", flag, axis_flag);
      *axis = robustness::ExpandThresholdRange(v, axis_flag);
    };
  };
  g->add_option_function<std::string>(
      "--volatility-high",
      threshold_or_axis("--volatility-high", "--volatility-high-axis", &o->volatility_high, &o->volatility_high_axis),
      "v_hi: volatility is high if V > v_hi (default 0.3)");
  g->add_option_function<std::string>(
      "--volatility-low",
      threshold_or_axis("--volatility-low", "--volatility-low-axis", &o->volatility_low, &o->volatility_low_axis),
      "v_lo: volatility is low if V < v_lo (default 0.24)");
}

void AddBootstrapFlags(CLI::App* cmd, ConfigOverrides* o, BootstrapFlagSet set) {
  auto* g = cmd->add_option_group("bootstrap", "Bootstrap ([bootstrap]; any other key: --set bootstrap.KEY=V)");
  g->add_option("--replicates,-B", o->replicates, "Bootstrap replicates B (default 1000)");
  g->add_option_function<std::string>(
      "--scheme",
      [o](const std::string& v) {
        o->scheme = ParseChoice<bootstrap::Scheme>("--scheme", v, bootstrap::SchemeFromString,
                                                   "residual, growth, sieve, levels");
      },
      "residual|growth|sieve|levels (default residual)");
  g->add_option_function<std::string>(
      "--blocks",
      [o](const std::string& v) {
        o->blocks = ParseChoice<bootstrap::BlockMethod>("--blocks", v, bootstrap::BlockMethodFromString,
                                                        "stationary, circular, moving");
      },
      "stationary|circular|moving (default stationary)");
  g->add_option_function<std::string>(
      "--block-length", [o](const std::string& v) { o->block_length = ParseBlockLength(v); },
      "auto (Politis-White with the Patton-Politis-White correction) or a mean length in months (default auto)");
  if (set == BootstrapFlagSet::kResampling) return;
  g->add_option("--level", o->level, "Confidence level of the intervals (default 0.9)");
  if (set == BootstrapFlagSet::kLevel) return;
  g->add_option_function<std::string>(
      "--estimand",
      [o](const std::string& v) {
        o->estimand = ParseChoice<bootstrap::Estimand>("--estimand", v, bootstrap::EstimandFromString,
                                                       "observed, signal");
      },
      "Estimand the report shows first: observed (the paper's statistic, default) or signal (the fitted "
      "noise-free path); both are computed");
  g->add_flag_function("--calibrate", [o](int64_t) { o->calibrate = true; },
                       "Calibrate the intervals' nominal level by a double bootstrap (slower)");
}

void AddStageFlags(CLI::App* cmd, ConfigOverrides* o) {
  auto* g = cmd->add_option_group("stages", "Stages after the base indices ([run] bootstrap/models/aggregate/batches)");
  g->add_flag_function("--no-bootstrap", [o](int64_t) { o->stage_bootstrap = false; },
                       "Skip the bootstrap (run.bootstrap = false)");
  g->add_flag_function("--no-models", [o](int64_t) { o->stage_models = false; }, "Skip the models (run.models = false)");
  g->add_flag_function("--no-aggregate", [o](int64_t) { o->stage_aggregate = false; },
                       "Skip the GDP shares (run.aggregate = false)");
  g->add_flag_function("--no-batches", [o](int64_t) { o->stage_batches = false; },
                       "Skip the batch validation (run.batches = false)");
}

void AddSweepAxisFlags(CLI::App* cmd, ConfigOverrides* o) {
  auto* g = cmd->add_option_group("sweep axes", "Axes of the sweep ([sweep])");
  const auto growth = [o](const std::string& v) {
    o->growth_axis = robustness::ExpandThresholdRange(v, "--growth-axis");
  };
  const auto override_axis = [o](const std::string& v) {
    o->override_axis = ParseChoice<robustness::OverrideAxis>("--override-axis", v, robustness::OverrideAxisFromString,
                                                             "on, off, both");
  };
  g->add_option_function<std::string>("--growth-axis", growth,
                                      "g* axis: FROM:TO:STEP, a value, or a comma list (default 0.20:1.00:0.025)");
  g->add_option_function<std::string>(
      "--volatility-high-axis",
      [o](const std::string& v) {
        o->volatility_high_axis = robustness::ExpandThresholdRange(v, "--volatility-high-axis");
      },
      "v_hi axis (default 0.20:0.45:0.01)");
  g->add_option_function<std::string>(
      "--volatility-low-axis",
      [o](const std::string& v) {
        o->volatility_low_axis = robustness::ExpandThresholdRange(v, "--volatility-low-axis");
      },
      "v_lo axis (default 0.15:0.30:0.01)");
  g->add_option_function<std::string>("--override-axis", override_axis,
                                      "Semiconductor override axis: on, off or both (default both)");
  g->add_option_function<std::string>(
      "--weightings",
      [o](const std::string& v) {
        std::vector<robustness::WeightingChoice> w;
        for (const std::string& item : SplitComma(v)) {
          auto c = robustness::WeightingChoice::FromString(item);
          if (!c)
            ThrowUsageError("--weightings: unknown scheme \"" + item +
                            "\" (choices: equal, linear, quadratic, exponential:HALF_LIFE, last_k:K)");
          w.push_back(*c);
        }
        o->weightings = w;
      },
      "Comma list: equal, linear, quadratic, exponential:HALF_LIFE, last_k:K "
      "(default equal,linear,quadratic,exponential:6,exponential:12,last_k:12)");
  g->add_option_function<std::string>(
      "--window-starts",
      [o](const std::string& v) { o->window_starts = robustness::ExpandMonthRange(v, "--window-starts"); },
      "Window starts: YYYY-MM:YYYY-MM:STEP_MONTHS or a comma list (default 2015-01:2018-01:6)");
  g->add_option_function<std::string>(
      "--window-ends", [o](const std::string& v) { o->window_ends = robustness::ExpandMonthRange(v, "--window-ends"); },
      "Window ends (default 2022-12:2024-12:6)");
  g->add_option_function<std::string>(
      "--frequencies",
      [o](const std::string& v) {
        o->frequencies = ParseChoiceList<Frequency>("--frequencies", v, FrequencyFromString, "monthly, quarterly, annual");
      },
      "Comma list of monthly, quarterly, annual (default all)");
  g->add_option_function<std::string>(
      "--bases",
      [o](const std::string& v) {
        o->bases = ParseChoiceList<BaseRule>("--bases", v, BaseRuleFromString, "first, first12");
      },
      "Comma list of first, first12 (default both)");
  g->add_flag_function("--keep-clouds", [o](int64_t) { o->keep_clouds = true; },
                       "Write V and G of every (spec, group, replicate)");
  g->add_flag_function("--keep-counts", [o](int64_t) { o->keep_counts = true; },
                       "Keep and write the full bin counts of every specification (7.5 MB per group on the referee "
                       "grid); without it each series is reduced to its summaries");
  g->add_option_function<std::vector<std::string>>(
      "--detail-group", [o](const std::vector<std::string>& v) { o->detail_groups = v; },
      "Group whose regimes at every threshold point of the default specification are written (repeatable; "
      "default: every group when there are at most 100)");
  // Old spellings (one release).
  AddHiddenAlias(cmd, "--growth", growth);
  AddHiddenAlias(cmd, "--override", override_axis);
}

void AddSeriesInputFlags(CLI::App* cmd, SeriesInputFlags* f, bool with_quiet) {
  cmd->add_option("--input", f->input,
                  "CSV file: one value per month in order; optional header and month column (core/series_csv.h)")
      ->required();
  cmd->add_option("--column", f->column, "Header name of the value column (default: the only one, or \"value\")");
  const auto start = [f](const std::string& v) { f->start = ParseMonthFlag("--start", v); };
  cmd->add_option_function<std::string>("--start", start,
                                        "Month of the first observation, YYYY-MM (default: from the month column)");
  cmd->add_flag("--json", f->json, "Print JSON instead of the text report");
  AddHiddenAlias(cmd, "--first-month", start);
  if (with_quiet) {
    cmd->add_flag("--quiet", f->quiet, "No progress bar or notes on stderr");
    cmd->add_flag_function("--no-progress", [f](int64_t) { f->quiet = true; }, "")->group("");
  }
}

void AddGroupSeriesInputFlags(CLI::App* cmd, GroupSeriesInputFlags* f) {
  cmd->add_option("--input", f->input,
                                "Wide CSV of group series: a month column, then one column per group (empty cell = "
                                "missing month)");
  AddHiddenAlias(cmd, "--series", [f](const std::string& v) { f->input = v; });
  cmd->add_option_function<std::string>(
      "--start", [f](const std::string& v) { f->start = ParseMonthFlag("--start", v); },
      "First month YYYY-MM when the file has no month column");
  cmd->add_option_function<std::string>(
      "--semiconductor",
      [f](const std::string& v) {
        f->semiconductor = SplitComma(v);
      },
      "Comma list of semiconductor-related columns (default: the catalog's flags, matched by group name)");
}

}  // namespace chokepoint::cli

namespace chokepoint::cli {

LoadedSeries LoadSeries(const SeriesInputFlags& flags) {
  SeriesCsv csv = ReadSeriesCsv(flags.input, flags.column);
  LoadedSeries s;
  s.values = std::move(csv.values);
  s.start = flags.start ? flags.start : csv.first_month;
  s.name = csv.column.empty() ? std::string("series") : csv.column;
  return s;
}

pipeline::Series LoadPipelineSeries(const SeriesInputFlags& flags) {
  LoadedSeries loaded = LoadSeries(flags);
  pipeline::Series s;
  s.values = std::move(loaded.values);
  s.start = loaded.start;
  s.name = std::move(loaded.name);
  s.source = flags.input;
  return s;
}

}  // namespace chokepoint::cli
