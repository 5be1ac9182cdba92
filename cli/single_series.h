// Shared pieces of the single-series commands (breaks, hac): the
// --input/--column/--start options and loading the series.
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
#include "json.h"

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

}  // namespace chokepoint::cli
