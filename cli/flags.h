// The command line's one vocabulary. Every flag that sets a configuration key
// writes into pipeline::ConfigOverrides (the pipeline applies them after the
// TOML file and --set, and names the flag in any error); every single-series
// command reads its series through the same four flags.
//
//   configuration  --config --set --data --catalog --scenario --data-dir --out --threads --seed
//   index          --window-start --window-end --frequency --base --weighting --half-life --last-k
//   thresholds     --growth-threshold --volatility-high --volatility-low --semiconductor-override
//   bootstrap      --replicates --scheme --blocks --block-length --level
//   single series  --input --column --start --quiet (and --json)
//
// Renamed flags stay as hidden aliases for one release: --first-month (now
// --start), --no-progress (now --quiet), --series (now --input), and in
// `sweep` --growth and --override (now --growth-axis, --override-axis).
#pragma once

#include <cstdint>

#include <algorithm>

#include <mutex>

#include <cstdio>

#include <chrono>
#include <functional>
#include <initializer_list>
#include <utility>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "chokepoint/core/period.h"
#include "chokepoint/pipeline/config.h"
#include "chokepoint/pipeline/series.h"

namespace chokepoint::cli {

// --config, --set, --threads, --seed, --memory-limit, --out when `with_out`,
// and the panel flags (--data, --catalog, --min-coverage, --code-map,
// --scenario, --data-dir) when `with_panel`: a command that reads no panel
// (bootstrap) does not offer them.
void AddConfigFlags(CLI::App* cmd, pipeline::ConfigOverrides* o, bool with_out = true, bool with_panel = true);
// Every --seed: an unsigned integer a run file can record (at most 2^63 - 1),
// refused with the flag's name otherwise (CLI11 would wrap -1 around).
CLI::Validator SeedValidator();
// A usage error whose message starts with a configuration key that a flag of
// `cmd` set names the flag too: "--window (batches.event_window_months) must
// be in 6..240". `keys` pairs each key with its flag; only flags given count.
void RunNamingFlags(const CLI::App* cmd, std::initializer_list<std::pair<std::string_view, std::string_view>> keys,
                    const std::function<void()>& body);
// [index] and [thresholds] flags. With `sweep_axis_aliases`, --volatility-high
// and --volatility-low given a range or list set the sweep's axis instead
// (their meaning in `sweep` before the flags were unified).
void AddIndexFlags(CLI::App* cmd, pipeline::ConfigOverrides* o);
// A single series is never a semiconductor group, so `bootstrap` leaves out
// --semiconductor-override (`with_semiconductor_override`).
void AddThresholdFlags(CLI::App* cmd, pipeline::ConfigOverrides* o, bool sweep_axis_aliases = false,
                       bool with_semiconductor_override = true);
// [bootstrap] shortcuts: --replicates, --scheme, --blocks, --block-length,
// and those of the intervals a command reports: --level (kLevel and up),
// --estimand and --calibrate (kAll). `sweep` reports no interval (kResampling);
// `coverage` measures at one level and calibrates by its own flag (kLevel).
enum class BootstrapFlagSet { kResampling, kLevel, kAll };
void AddBootstrapFlags(CLI::App* cmd, pipeline::ConfigOverrides* o, BootstrapFlagSet set = BootstrapFlagSet::kAll);
// --no-bootstrap, --no-models, --no-aggregate, --no-batches.
void AddStageFlags(CLI::App* cmd, pipeline::ConfigOverrides* o);
// [sweep] axes: --growth-axis, --volatility-high-axis, --volatility-low-axis,
// --override-axis, --weightings, --window-starts, --window-ends,
// --frequencies, --bases, --keep-clouds, --keep-counts, --detail-group.
void AddSweepAxisFlags(CLI::App* cmd, pipeline::ConfigOverrides* o);

// One series from a CSV file (core/series_csv.h), shared by bootstrap,
// blocklength, breaks, hac and surge.
struct SeriesInputFlags {
  std::string input;                 // --input (required)
  std::string column;                // --column
  std::optional<YearMonth> start;    // --start (alias --first-month)
  bool json = false;                 // --json
  bool quiet = false;                // --quiet (alias --no-progress)
};
void AddSeriesInputFlags(CLI::App* cmd, SeriesInputFlags* f, bool with_quiet = true);

// A wide CSV of group series for `models` and `sweep`: --input (alias
// --series), --start, --semiconductor. Not required by CLI11 (the alias
// would not count): the command checks.
struct GroupSeriesInputFlags {
  std::string input;
  std::optional<YearMonth> start;
  std::optional<std::vector<std::string>> semiconductor;
};
void AddGroupSeriesInputFlags(CLI::App* cmd, GroupSeriesInputFlags* f);

// Adds a hidden alias `old_name` that stores into the same place as `target`
// via `store` (CLI11 keeps it out of --help).
CLI::Option* AddHiddenAlias(CLI::App* cmd, const std::string& old_name,
                            std::function<void(const std::string&)> store);

// Parses "YYYY-MM" for `flag`, or throws a usage error naming it.
YearMonth ParseMonthFlag(std::string_view flag, const std::string& value);

}  // namespace chokepoint::cli

namespace chokepoint::cli {

// The series named by SeriesInputFlags, with --start applied over the file's
// month column.
struct LoadedSeries {
  std::vector<double> values;
  std::optional<YearMonth> start;
  std::string name;  // the column's header name, or "series"
};
LoadedSeries LoadSeries(const SeriesInputFlags& flags);
// The same as the pipeline's single-series input (source = the file).
pipeline::Series LoadPipelineSeries(const SeriesInputFlags& flags);

// Progress bar on stderr when it is a terminal: units done, rate, time left.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label) : label_(std::move(label)) {}
  void operator()(int64_t done, int64_t total) {
    std::lock_guard<std::mutex> lock(mutex_);
    const int percent = static_cast<int>(100 * done / std::max<int64_t>(total, 1));
    if (percent == last_percent_) return;
    last_percent_ = percent;
    const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count();
    const double left = done > 0 ? secs * (total - done) / done : 0.0;
    const int width = 30, filled = width * percent / 100;
    std::fprintf(stderr, "\r%s [%.*s%*s] %3d%% %lld/%lld units, %.0f s elapsed, %.0f s left ", label_.c_str(), filled,
                 "##############################", width - filled, "", percent, static_cast<long long>(done),
                 static_cast<long long>(total), secs, left);
    if (done == total) std::fprintf(stderr, "\n");
  }

 private:
  std::string label_;
  std::mutex mutex_;
  int last_percent_ = -1;
  std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
};


}  // namespace chokepoint::cli
