// `chokepoint sweep`: the robustness sweep (issue 4) over every threshold,
// weighting, window, frequency and base choice, with bootstrap replicates on
// top, written to /sweep of an HDF5 file; optional Markdown referee report.
//
// Input: --series FILE.csv (wide: a "month" column, then one column per group;
// empty cells are missing months), or --data PANEL aggregated through the
// catalog, or (neither) the embedded synthetic default.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <mutex>
#include <optional>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/run_config.h"
#include "chokepoint/core/run_file.h"
#include "chokepoint/robustness/sweep.h"
#include "commands.h"
#include "common.h"

namespace chokepoint::cli {
namespace {

using robustness::SweepOptions;
using robustness::SweepResult;

struct SweepFlags {
  std::string config;
  std::string series_csv;
  std::string data;
  std::string out;
  std::string report;
  std::string semiconductor;
  std::optional<std::string> growth, volatility_high, volatility_low, override_axis, weightings, window_starts,
      window_ends, frequencies, bases, scheme, blocks, block_length;
  std::optional<int> replicates, threads;
  std::optional<uint64_t> seed;
  bool keep_clouds = false, keep_counts = false, quiet = false;
};

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

// The talk's Table 1: groups whose name matches are semiconductor-related.
const char* kSemiconductorGroups = "Passive Components,Integrated Circuits,Silicon Processing,"
                                   "Lithography for Electronics,Cleanroom Process Equipment,"
                                   "Hot or Cold Process Equipment";

GroupSeries ReadWideSeriesCsv(const std::string& path, const std::string& semiconductor) {
  std::ifstream in(path);
  if (!in) ThrowInputError(path, 0, 0, "cannot open the series file");
  std::string line;
  long line_no = 0;
  std::vector<std::string> header;
  GroupSeries s;
  std::vector<std::vector<double>> columns;
  std::vector<std::vector<unsigned char>> present;
  std::optional<YearMonth> previous;
  while (std::getline(in, line)) {
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cells;
    {
      std::stringstream ls(line);
      std::string c;
      while (std::getline(ls, c, ',')) cells.push_back(c);
      if (!line.empty() && line.back() == ',') cells.emplace_back();
    }
    if (header.empty()) {
      header = cells;
      if (header.size() < 2 || header[0] != "month")
        ThrowInputError(path, line_no, 1, "expected a header \"month,<group>,<group>,...\"");
      columns.resize(header.size() - 1);
      present.resize(header.size() - 1);
      continue;
    }
    if (cells.size() != header.size())
      ThrowInputError(path, line_no, 1, "expected " + std::to_string(header.size()) + " fields, got " +
                                            std::to_string(cells.size()));
    const auto month = YearMonth::Parse(cells[0]);
    if (!month) ThrowInputError(path, line_no, 1, "bad month \"" + cells[0] + "\"");
    if (previous && month->MonthIndex() != previous->MonthIndex() + 1)
      ThrowInputError(path, line_no, 1, "months must be consecutive (after " + previous->ToString() + ")");
    if (!previous) s.first_month = *month;
    previous = month;
    for (size_t c = 1; c < cells.size(); ++c) {
      if (cells[c].empty()) {
        columns[c - 1].push_back(0.0);
        present[c - 1].push_back(0);
        continue;
      }
      try {
        size_t used = 0;
        const double v = std::stod(cells[c], &used);
        if (used != cells[c].size() || !std::isfinite(v)) throw std::invalid_argument("x");
        columns[c - 1].push_back(v);
        present[c - 1].push_back(1);
      } catch (const std::exception&) {
        ThrowInputError(path, line_no, static_cast<long>(c + 1), "bad number \"" + cells[c] + "\"");
      }
    }
  }
  if (header.empty() || columns[0].empty()) ThrowInputError(path, 0, 0, "no data rows");
  const auto semi = SplitComma(semiconductor);
  s.num_months = static_cast<int>(columns[0].size());
  for (size_t g = 0; g < columns.size(); ++g) {
    TechnologyGroup tg;
    tg.id = static_cast<int>(g) + 1;
    tg.name = header[g + 1];
    tg.short_name = tg.name;
    tg.semiconductor = std::find(semi.begin(), semi.end(), tg.name) != semi.end();
    s.groups.push_back(tg);
    s.values.insert(s.values.end(), columns[g].begin(), columns[g].end());
    s.present.insert(s.present.end(), present[g].begin(), present[g].end());
  }
  return s;
}

// The panel named by --data, the config's [data], or the embedded synthetic
// default (simulated with `seed`), aggregated to groups through the catalog.
GroupSeries LoadSweepGroupSeries(const std::string& config, const std::string& data, uint64_t seed,
                                 std::string* label, bool* synthetic) {
  BaseFlags flags;
  flags.config_file = config;
  if (!data.empty()) flags.data = data;
  flags.seed = seed;
  const BaseConfig base = ResolveBaseConfig(flags);
  const Catalog catalog = LoadCatalog(base.data);
  const Panel panel = LoadPanel(base.data, seed);
  *label = panel.provenance.label.empty() ? "data: " + base.data.file : panel.provenance.label;
  *synthetic = panel.provenance.synthetic;
  return AggregateGroups(panel, catalog);
}

SweepOptions ResolveOptions(const SweepFlags& f) {
  toml::table file_table;
  std::string label = "<command line>";
  if (!f.config.empty()) {
    file_table = ParseTomlFile(f.config);
    label = f.config;
  }
  const toml::node* node = file_table.get("sweep");
  if (node && !node->is_table()) ThrowUsageError(label + ": [sweep] must be a table");
  SweepOptions o = SweepOptions::FromToml(TomlSection(node ? node->as_table() : nullptr, "sweep", label));
  if (f.growth) o.growth = robustness::ExpandThresholdRange(*f.growth, "--growth");
  if (f.volatility_high) o.volatility_high = robustness::ExpandThresholdRange(*f.volatility_high, "--volatility-high");
  if (f.volatility_low) o.volatility_low = robustness::ExpandThresholdRange(*f.volatility_low, "--volatility-low");
  if (f.override_axis) {
    auto v = robustness::OverrideAxisFromString(*f.override_axis);
    if (!v) ThrowUsageError("--override must be on, off or both, got \"" + *f.override_axis + "\"");
    o.semiconductor_override = *v;
  }
  if (f.weightings) {
    o.weightings.clear();
    for (const auto& w : SplitComma(*f.weightings)) {
      auto c = robustness::WeightingChoice::FromString(w);
      if (!c)
        ThrowUsageError("--weightings: unknown scheme \"" + w +
                        "\" (choices: equal, linear, quadratic, exponential:HALF_LIFE, last_k:K)");
      o.weightings.push_back(*c);
    }
  }
  if (f.window_starts) o.window_starts = robustness::ExpandMonthRange(*f.window_starts, "--window-starts");
  if (f.window_ends) o.window_ends = robustness::ExpandMonthRange(*f.window_ends, "--window-ends");
  if (f.frequencies) {
    o.frequencies.clear();
    for (const auto& x : SplitComma(*f.frequencies)) {
      auto v = FrequencyFromString(x);
      if (!v) ThrowUsageError("--frequencies: unknown frequency \"" + x + "\" (monthly, quarterly, annual)");
      o.frequencies.push_back(*v);
    }
  }
  if (f.bases) {
    o.bases.clear();
    for (const auto& x : SplitComma(*f.bases)) {
      auto v = BaseRuleFromString(x);
      if (!v) ThrowUsageError("--bases: unknown base \"" + x + "\" (first, first12)");
      o.bases.push_back(*v);
    }
  }
  if (f.replicates) o.replicates = *f.replicates;
  if (f.threads) o.threads = *f.threads;
  if (f.seed) o.seed = *f.seed;
  if (f.scheme) {
    auto v = bootstrap::SchemeFromString(*f.scheme);
    if (!v) ThrowUsageError("--scheme must be residual, growth, sieve or levels, got \"" + *f.scheme + "\"");
    o.resampler.scheme = *v;
  }
  if (f.blocks) {
    auto v = bootstrap::BlockMethodFromString(*f.blocks);
    if (!v) ThrowUsageError("--blocks must be stationary, circular or moving, got \"" + *f.blocks + "\"");
    o.resampler.blocks = *v;
  }
  if (f.block_length) {
    if (*f.block_length == "auto") {
      o.resampler.block_length = 0.0;
    } else {
      try {
        o.resampler.block_length = std::stod(*f.block_length);
      } catch (const std::exception&) {
        ThrowUsageError("--block-length must be auto or a number of months, got \"" + *f.block_length + "\"");
      }
    }
  }
  if (f.keep_clouds) o.keep_clouds = true;
  if (f.keep_counts) o.keep_counts = true;
  std::string err;
  if (!o.IsValid(&err)) ThrowUsageError(err);
  return o;
}

void ExecuteSweep(const SweepFlags& f) {
  const SweepOptions options = ResolveOptions(f);
  if (!f.series_csv.empty() && !f.data.empty()) ThrowUsageError("give --series or --data, not both");
  std::string data_label;
  bool synthetic = false;
  const GroupSeries series = !f.series_csv.empty()
                                 ? ReadWideSeriesCsv(f.series_csv, f.semiconductor)
                                 : LoadSweepGroupSeries(f.config, f.data, options.seed, &data_label, &synthetic);
  if (!f.series_csv.empty()) data_label = "series: " + f.series_csv;
  // Opened before the work so an unusable output path fails at once.
  const std::filesystem::path out_path = f.out;
  h5::AtomicOutput output(out_path);

  // Progress bar on stderr when it is a terminal: units done, rate, time left.
  const bool tty = !f.quiet && isatty(STDERR_FILENO);
  std::mutex progress_mutex;
  int last_percent = -1;
  const auto t0 = std::chrono::steady_clock::now();
  robustness::SweepProgress progress;
  if (tty) {
    progress = [&](int64_t done, int64_t total) {
      std::lock_guard<std::mutex> lock(progress_mutex);
      const int percent = static_cast<int>(100 * done / std::max<int64_t>(total, 1));
      if (percent == last_percent) return;
      last_percent = percent;
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double left = done > 0 ? secs * (total - done) / done : 0.0;
      const int width = 30, filled = width * percent / 100;
      std::fprintf(stderr, "\rsweep [%.*s%*s] %3d%% %lld/%lld units, %.0f s elapsed, %.0f s left ", filled,
                   "##############################", width - filled, "", percent, static_cast<long long>(done),
                   static_cast<long long>(total), secs, left);
      if (done == total) std::fprintf(stderr, "\n");
    };
  }
  const SweepResult result = robustness::RunSweep(series, options, progress);

  // The run-file base (indices and regimes at the default specification)
  // goes in too, so `chokepoint report` reads a sweep file like a run file.
  const BaseAnalysis analysis = AnalyzeGroups(series, options.default_index, options.default_thresholds);
  RunMetadata meta;
  meta.config_toml = TomlToString(toml::table{{"sweep", options.ToToml()}});
  meta.seed = options.seed;
  meta.synthetic = synthetic;
  meta.data_label = data_label;
  {
    h5::File file = h5::File::Create(output.temp_path());
    WriteRunBase(file.id(), meta, series, analysis);
    robustness::WriteSweepSection(file.id(), result);
    h5::Handle sw(H5Gopen2(file.id(), "/sweep", H5P_DEFAULT));
    h5::WriteAttribute(sw.id(), "data_label", data_label);
    file.Close();
  }
  output.Commit();
  if (!f.report.empty()) {
    std::ofstream rep(f.report);
    if (!rep) ThrowUsageError("cannot write the report to " + f.report);
    rep << "<!-- " << data_label << " -->\n" << robustness::FormatSweepReport(result);
  }
  if (!f.quiet) {
    std::cerr << result.FullReport();
    std::cerr << "chokepoint sweep: " << data_label << "\nchokepoint sweep: wrote " << out_path.string() << "\n";
  }
}

}  // namespace

void RegisterSweepCommand(CLI::App& app) {
  auto f = std::make_shared<SweepFlags>();
  auto* cmd = app.add_subcommand(
      "sweep",
      "Robustness sweep over thresholds (g*, v_hi, v_lo, override), weightings, windows, frequencies and bases, "
      "with bootstrap replicates; writes /sweep to an HDF5 file. With no options: the referee grid of issue 4 "
      "with 1,000 residual-bootstrap replicates on the embedded synthetic default.");
  cmd->add_option("--config", f->config, "TOML run configuration; its [sweep] table is read")
      ->check(CLI::ExistingFile);
  cmd->add_option("--data", f->data, "Panel file (.h5 or canonical .csv), aggregated through the catalog");
  cmd->add_option("--series", f->series_csv,
                  "Wide CSV of group series instead of a panel: month,<group>,<group>,... (empty = missing)")
      ->check(CLI::ExistingFile);
  cmd->add_option("--semiconductor", f->semiconductor,
                  "With --series: comma list of semiconductor-related group names (default: the talk's six)")
      ->default_val(kSemiconductorGroups);
  cmd->add_option("--out", f->out, "Output HDF5 file")->required();
  cmd->add_option("--report", f->report, "Also write the Markdown referee report to this file");
  cmd->add_option("--growth", f->growth, "g* axis: FROM:TO:STEP, a value, or a comma list (default 0.20:1.00:0.025)");
  cmd->add_option("--volatility-high", f->volatility_high, "v_hi axis (default 0.20:0.45:0.01)");
  cmd->add_option("--volatility-low", f->volatility_low, "v_lo axis (default 0.15:0.30:0.01)");
  cmd->add_option("--override", f->override_axis, "Semiconductor override axis: on, off or both (default both)");
  cmd->add_option("--weightings", f->weightings,
                  "Comma list: equal, linear, quadratic, exponential:HALF_LIFE, last_k:K "
                  "(default equal,linear,quadratic,exponential:6,exponential:12,last_k:12)");
  cmd->add_option("--window-starts", f->window_starts,
                  "Window starts: YYYY-MM:YYYY-MM:STEP_MONTHS or a comma list (default 2015-01:2018-01:6)");
  cmd->add_option("--window-ends", f->window_ends, "Window ends (default 2022-12:2024-12:6)");
  cmd->add_option("--frequencies", f->frequencies, "Comma list of monthly, quarterly, annual (default all)");
  cmd->add_option("--bases", f->bases, "Comma list of first, first12 (default both)");
  cmd->add_option("--replicates", f->replicates, "Bootstrap replicates per index specification (default 1000; 0 = "
                                                 "point estimates only)");
  cmd->add_option("--scheme", f->scheme, "Bootstrap scheme: residual, growth, sieve, levels (default residual)");
  cmd->add_option("--blocks", f->blocks, "Block method: stationary, circular, moving (default stationary)");
  cmd->add_option("--block-length", f->block_length, "auto or a mean block length in months (default auto)");
  cmd->add_option("--seed", f->seed, "Seed of the (seed, group, replicate) random streams (default 1)");
  cmd->add_option("--threads", f->threads, "Worker threads, 0 = all cores; results do not depend on it");
  cmd->add_flag("--keep-clouds", f->keep_clouds, "Write V and G of every (spec, group, replicate)");
  cmd->add_flag("--keep-counts", f->keep_counts, "Write the raw mergeable bin counts");
  cmd->add_flag("--quiet", f->quiet, "No progress bar or summary");
  cmd->callback([f] { ExecuteSweep(*f); });
}

}  // namespace chokepoint::cli
