// Shared pieces of the single-series commands (breaks, hac): the
// --input/--column/--start options, loading the series, and small helpers
// for hand-written JSON with full double precision (%.17g; NaN -> null).
#pragma once

#include <cmath>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "chokepoint/core/error.h"
#include "chokepoint/core/period.h"
#include "chokepoint/core/series_csv.h"

namespace chokepoint::cli {

struct SeriesInputArgs {
  std::string input;
  std::string column;
  std::string start;
  bool json = false;
};

inline void AddSeriesInputOptions(CLI::App* sub, SeriesInputArgs* args) {
  sub->add_option("--input", args->input, "CSV file: one value per row in time order, optional header")
      ->required();
  sub->add_option("--column", args->column, "header name of the column to read (default: \"value\" or the only column)");
  sub->add_option("--start", args->start,
                  "month of the first observation, YYYY-MM (default: from a month/date column, if any)");
  sub->add_flag("--json", args->json, "print JSON instead of the text report");
}

struct LoadedSeries {
  std::vector<double> values;
  std::optional<YearMonth> start;
};

inline LoadedSeries LoadSeries(const SeriesInputArgs& args) {
  SeriesCsv csv = ReadSeriesCsv(args.input, args.column);
  LoadedSeries s;
  s.values = std::move(csv.values);
  s.start = csv.first_month;
  if (!args.start.empty()) {
    s.start = YearMonth::Parse(args.start);
    if (!s.start) ThrowUsageError("--start must be a month YYYY-MM, got \"" + args.start + "\"");
  }
  return s;
}

inline std::string JsonNumber(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

inline std::string JsonString(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

template <typename T, typename F>
std::string JsonArray(const std::vector<T>& values, F&& format) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + format(values[i]);
  return out + "]";
}

inline std::string JsonNumbers(const std::vector<double>& v) { return JsonArray(v, JsonNumber); }
inline std::string JsonInts(const std::vector<int>& v) {
  return JsonArray(v, [](int x) { return std::to_string(x); });
}

}  // namespace chokepoint::cli
