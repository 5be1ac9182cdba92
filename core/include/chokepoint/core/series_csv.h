// Reader for a single monthly series in a CSV file (the single-series CLI
// commands `breaks`, `hac`, and anything else that takes --input FILE.csv).
//
// Format: one value per row, in time order; comma-separated columns allowed.
// The first row is a header when any of its fields is not a number. Column
// choice: `column` names a header field; when empty, a one-column file uses
// its only column and a file with a header uses the column named "value".
// A column named "month", "date" or "period" (if present) must hold
// consecutive YYYY-MM months; its first month is returned as first_month.
// Errors are chokepoint::Error (kInput) with "file:line:column: message".
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chokepoint/core/period.h"

namespace chokepoint {

struct SeriesCsv {
  std::vector<double> values;
  std::string column;                    // header name of the column read ("" without header)
  std::optional<YearMonth> first_month;  // from a month/date/period column, if any
};

SeriesCsv ReadSeriesCsv(const std::string& path, std::string_view column = {});
// Same, from text already in memory; `name` is used in error messages.
SeriesCsv ParseSeriesCsv(std::string_view text, std::string_view name, std::string_view column = {});

}  // namespace chokepoint
