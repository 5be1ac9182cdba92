// Monthly series from CSV for the single-series and models commands: a header
// row, an optional month column ("month" or "date", values YYYY-MM or
// YYYY-MM-DD) and numeric value columns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "chokepoint/core/period.h"
#include "json.h"

namespace chokepoint::cli {

struct WideSeriesCsv {
  std::vector<std::string> columns;          // value columns, in file order
  std::vector<std::vector<double>> values;   // per value column
  std::optional<YearMonth> first_month;      // from the month column, if any
};

// Throws chokepoint::Error (input) with file:line:column on bad cells, gaps in
// the month column, or no value column.
WideSeriesCsv ReadWideSeriesCsv(const std::string& path);

// The first month: --start if given, else the month column; one is required.
YearMonth ResolveStart(const WideSeriesCsv& csv, const std::string& start_option, const std::string& path);


}  // namespace chokepoint::cli
