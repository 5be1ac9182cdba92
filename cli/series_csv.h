// Monthly series from CSV for the single-series and models commands: a header
// row, an optional month column ("month" or "date", values YYYY-MM or
// YYYY-MM-DD) and numeric value columns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chokepoint/core/period.h"

namespace chokepoint::cli {

struct SeriesCsv {
  std::vector<std::string> columns;          // value columns, in file order
  std::vector<std::vector<double>> values;   // per value column
  std::optional<YearMonth> first_month;      // from the month column, if any
};

// Throws chokepoint::Error (input) with file:line:column on bad cells, gaps in
// the month column, or no value column.
SeriesCsv ReadSeriesCsv(const std::string& path);

// The first month: --start if given, else the month column; one is required.
YearMonth ResolveStart(const SeriesCsv& csv, const std::string& start_option, const std::string& path);

// "%.17g", or null for non-finite values (JSON has no NaN).
std::string JsonNumber(double v);
std::string JsonString(const std::string& s);

}  // namespace chokepoint::cli
