// `chokepoint bootstrap` (single-series mode: --input FILE.csv) and
// `chokepoint blocklength`. Bootstrapping the default panel's 17 groups runs
// inside `chokepoint run` through the [bootstrap] section of the run config.
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "chokepoint/bootstrap/block_length.h"
#include "chokepoint/bootstrap/bootstrap_io.h"
#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/toml_section.h"
#include "commands.h"

namespace chokepoint::cli {
namespace {

using bootstrap::BootstrapOptions;

struct MonthlySeries {
  std::vector<double> values;
  std::optional<YearMonth> first_month;  // from a month column, when there is one
  std::string name;
};

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\r' || s.back() == ' ' || s.back() == '\t')) s.pop_back();
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  s = s.substr(i);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    if (c == ',' && !quoted) {
      out.push_back(Trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(Trim(cur));
  return out;
}

std::optional<double> ParseNumber(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || errno == ERANGE) return std::nullopt;
  return v;
}

bool IsMonthColumnName(std::string name) {
  for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return name == "month" || name == "date" || name == "period" || name == "time" || name == "ym";
}

// One value per month in order. A header is optional; with several columns
// pick one with --column; a month/date/period column gives the first month
// and must advance one month per row.
MonthlySeries ReadMonthlyCsv(const std::string& path, const std::string& column) {
  std::ifstream in(path);
  if (!in) ThrowInputError(path, 0, 0, "cannot open file");
  std::vector<std::vector<std::string>> rows;
  std::vector<long> line_numbers;
  std::string line;
  long number = 0;
  while (std::getline(in, line)) {
    ++number;
    if (number == 1 && line.size() >= 3 && static_cast<unsigned char>(line[0]) == 0xEF) line = line.substr(3);  // BOM
    if (Trim(line).empty()) continue;
    rows.push_back(SplitCsv(line));
    line_numbers.push_back(number);
  }
  if (rows.empty()) ThrowInputError(path, 0, 0, "no data");
  std::vector<std::string> header;
  size_t first_data = 0;
  bool has_header = false;
  for (const std::string& f : rows[0])
    if (!ParseNumber(f) && !YearMonth::Parse(f)) has_header = true;
  if (has_header) {
    header = rows[0];
    first_data = 1;
  }
  const size_t width = rows[0].size();
  int value_col = -1, month_col = -1;
  for (size_t c = 0; c < header.size(); ++c)
    if (IsMonthColumnName(header[c])) month_col = static_cast<int>(c);
  if (!column.empty()) {
    if (!has_header) ThrowUsageError("--column " + column + ": " + path + " has no header row");
    for (size_t c = 0; c < header.size(); ++c)
      if (header[c] == column) value_col = static_cast<int>(c);
    if (value_col < 0) ThrowInputError(path, 1, 0, "no column named \"" + column + "\"");
  } else if (width == 1) {
    value_col = 0;
  } else if (width == 2 && (month_col >= 0 || (!has_header && YearMonth::Parse(rows[0][0])))) {
    if (month_col < 0) month_col = 0;
    value_col = 1 - month_col;
  } else {
    ThrowUsageError(path + " has " + std::to_string(width) + " columns: choose one with --column NAME");
  }
  if (!has_header && month_col < 0 && width == 2 && YearMonth::Parse(rows[0][0])) month_col = 0;
  MonthlySeries s;
  s.name = has_header ? header[static_cast<size_t>(value_col)] : std::string("series");
  for (size_t r = first_data; r < rows.size(); ++r) {
    const auto& f = rows[r];
    if (f.size() <= static_cast<size_t>(value_col))
      ThrowInputError(path, line_numbers[r], 0, "missing value column");
    const auto v = ParseNumber(f[static_cast<size_t>(value_col)]);
    if (!v) ThrowInputError(path, line_numbers[r], value_col + 1, "not a number: \"" + f[static_cast<size_t>(value_col)] + "\"");
    if (month_col >= 0 && static_cast<size_t>(month_col) < f.size()) {
      const auto m = YearMonth::Parse(f[static_cast<size_t>(month_col)]);
      if (!m) ThrowInputError(path, line_numbers[r], month_col + 1, "not a month: \"" + f[static_cast<size_t>(month_col)] + "\"");
      if (!s.first_month) s.first_month = *m;
      else if (*m != s.first_month->Plus(static_cast<int>(s.values.size())))
        ThrowInputError(path, line_numbers[r], month_col + 1,
                        "months must follow one another; expected " +
                            s.first_month->Plus(static_cast<int>(s.values.size())).ToString() + ", got " + m->ToString());
    }
    s.values.push_back(*v);
  }
  if (s.values.size() < 3) ThrowInputError(path, 0, 0, "need at least 3 monthly values");
  return s;
}

struct BootstrapFlags {
  std::string config;
  std::optional<int> replicates;
  std::string scheme, blocks, block_length, interval;
  std::optional<double> level;
  std::optional<int> threads;
  std::optional<uint64_t> seed;
  std::string input, column, first_month, out;
  bool json = false;
  bool no_progress = false;
  bool trend_growth = false;
};

BootstrapOptions ResolveOptions(const BootstrapFlags& f) {
  BootstrapOptions o;
  if (!f.config.empty()) {
    const toml::table t = ParseTomlFile(f.config);
    o = BootstrapOptions::FromToml(TomlSection(t["bootstrap"].as_table(), "bootstrap", f.config));
  }
  if (f.replicates) o.replicates = *f.replicates;
  if (f.level) o.level = *f.level;
  if (f.threads) o.threads = *f.threads;
  if (f.seed) o.seed = *f.seed;
  if (!f.scheme.empty()) {
    auto s = bootstrap::SchemeFromString(f.scheme);
    if (!s) ThrowUsageError("--scheme must be residual, growth, sieve or levels, got \"" + f.scheme + "\"");
    o.resampler.scheme = *s;
  }
  if (!f.blocks.empty()) {
    auto b = bootstrap::BlockMethodFromString(f.blocks);
    if (!b) ThrowUsageError("--blocks must be stationary, circular or moving, got \"" + f.blocks + "\"");
    o.resampler.blocks = *b;
  }
  if (!f.block_length.empty()) {
    if (f.block_length == "auto") {
      o.resampler.block_length = 0.0;
    } else {
      auto v = ParseNumber(f.block_length);
      if (!v || *v < 1.0) ThrowUsageError("--block-length must be \"auto\" or a number >= 1, got \"" + f.block_length + "\"");
      o.resampler.block_length = *v;
    }
  }
  if (!f.interval.empty()) {
    auto m = bootstrap::IntervalMethodFromString(f.interval);
    if (!m) ThrowUsageError("--interval must be percentile, basic, normal or bca, got \"" + f.interval + "\"");
    o.report_interval = *m;
  }
  if (f.no_progress || f.json) o.progress = false;
  if (f.trend_growth) o.trend_growth = true;
  std::string error;
  if (!o.IsValid(&error)) ThrowUsageError(error);
  return o;
}

void RunBootstrapCommand(const BootstrapFlags& f) {
  const BootstrapOptions options = ResolveOptions(f);
  if (f.input.empty())
    ThrowUsageError(
        "chokepoint bootstrap works on one series: give --input FILE.csv. The technology groups of a panel are "
        "bootstrapped by `chokepoint run` (set the [bootstrap] section of the run config).");
  const MonthlySeries series = ReadMonthlyCsv(f.input, f.column);
  YearMonth first = series.first_month.value_or(YearMonth{2015, 1});
  if (!f.first_month.empty()) {
    auto m = YearMonth::Parse(f.first_month);
    if (!m) ThrowUsageError("--first-month must be YYYY-MM, got \"" + f.first_month + "\"");
    first = *m;
  }
  const bootstrap::BootstrapResult r =
      bootstrap::RunSeriesBootstrap(series.values, first, IndexSpec{}, Thresholds{}, options, series.name);
  if (!r.groups[0].ok) ThrowInputError(f.input, 0, 0, "cannot bootstrap this series: " + r.groups[0].note);
  if (!f.out.empty()) {
    h5::AtomicOutput output(f.out);
    {
      h5::File file = h5::File::Create(output.temp_path());
      bootstrap::WriteBootstrapSection(file.id(), r);
      file.Close();
    }
    output.Commit();
  }
  if (f.json) {
    std::cout << bootstrap::FormatSeriesJson(r);
  } else {
    std::cout << r.FullReport() << "\n" << bootstrap::FormatBootstrapReport(r);
  }
}

}  // namespace

void RegisterBootstrapCommand(CLI::App& app) {
  auto flags = std::make_shared<BootstrapFlags>();
  auto* sub = app.add_subcommand(
      "bootstrap",
      "Block-bootstrap one monthly series (--input FILE.csv): confidence intervals on V and G and regime "
      "probabilities. (The panel's groups are bootstrapped by `chokepoint run`.)");
  sub->add_option("--input", flags->input, "CSV file, one value per month in order (optional header, month column)");
  sub->add_option("--column", flags->column, "value column to use when the CSV has several");
  sub->add_option("--first-month", flags->first_month, "first month YYYY-MM (default: from a month column, else 2015-01)");
  sub->add_option("--config", flags->config, "TOML file whose [bootstrap] section gives the defaults");
  sub->add_option("--replicates,-B", flags->replicates, "number of bootstrap replicates (default 1000)");
  sub->add_option("--scheme", flags->scheme, "residual|growth|sieve|levels (default residual)");
  sub->add_option("--blocks", flags->blocks, "stationary|circular|moving (default stationary)");
  sub->add_option("--block-length", flags->block_length, "auto (Politis-White/PPW) or a mean length in months");
  sub->add_option("--level", flags->level, "confidence level (default 0.9)");
  sub->add_option("--threads", flags->threads, "worker threads, 0 = all (results do not depend on it)");
  sub->add_option("--seed", flags->seed, "random seed");
  sub->add_option("--interval", flags->interval, "interval shown in the table: percentile|basic|normal|bca");
  sub->add_option("--out", flags->out, "also write the /bootstrap section to this HDF5 file");
  sub->add_flag("--json", flags->json, "print JSON instead of the text report");
  sub->add_flag("--no-progress", flags->no_progress, "no progress bar on stderr");
  sub->add_flag("--trend-growth", flags->trend_growth,
                "also bootstrap G_trend, the G of the fitted trend path (residual and sieve schemes)");
  sub->callback([flags] { RunBootstrapCommand(*flags); });
}

void RegisterBlocklengthCommand(CLI::App& app) {
  struct Flags {
    std::string input, column, scheme;
    bool json = false;
  };
  auto flags = std::make_shared<Flags>();
  auto* sub = app.add_subcommand(
      "blocklength",
      "Automatic block length (Politis-White 2004 with the Patton-Politis-White 2009 correction, np::b.star "
      "constants) of a monthly series.");
  sub->add_option("--input", flags->input, "CSV file, one value per month in order")->required();
  sub->add_option("--column", flags->column, "value column to use when the CSV has several");
  sub->add_option("--scheme", flags->scheme,
                  "select on the object this scheme resamples (residual|growth|levels); default: the series as given");
  sub->add_flag("--json", flags->json, "print JSON");
  sub->callback([flags] {
    const MonthlySeries series = ReadMonthlyCsv(flags->input, flags->column);
    bootstrap::BlockLengthSelection s;
    if (flags->scheme.empty()) {
      s = bootstrap::SelectBlockLength(series.values);
    } else {
      bootstrap::ResamplerOptions o;
      auto scheme = bootstrap::SchemeFromString(flags->scheme);
      if (!scheme || *scheme == bootstrap::Scheme::kSieve)
        ThrowUsageError("--scheme must be residual, growth or levels, got \"" + flags->scheme + "\"");
      o.scheme = *scheme;
      const bootstrap::SeriesResampler r(series.values, series.first_month.value_or(YearMonth{2015, 1}), o);
      s = *r.automatic();
    }
    if (flags->json) std::cout << bootstrap::FormatBlockLengthJson(s);
    else std::cout << "stationary " << s.stationary << "\ncircular " << s.circular << "\n" << s.Describe() << "\n";
  });
}

}  // namespace chokepoint::cli
