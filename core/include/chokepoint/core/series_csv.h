// The one reader for "monthly series in a CSV file", shared by every command
// and library entry point that takes series rather than a panel (bootstrap,
// blocklength, breaks, hac, surge, models, sweep --input, the Python module).
//
// Layout. Columns separated by commas, fields may be quoted (CsvTable). The
// first row is a header when any of its fields is neither a number nor a
// month; without a header a file holds one value column, or a month column
// and one value column. A column named month, date, period, time or ym (any
// case) holds months (YYYY-MM, YYYYMM, YYYY/MM, YYYY-MM-DD) that must advance
// by one month per row; its first month is returned. Every other column is a
// value column. An empty cell, or a blank line inside a one-column file, is a
// missing month: kept as missing, never dropped (dropping would shift every
// later month). Values must be finite numbers.
//
// Errors are chokepoint::Error (kInput) reading "file:line:column: message".
#pragma once

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chokepoint/core/group_series.h"
#include "chokepoint/core/period.h"

namespace chokepoint {

// Every value column of a file, missing cells included.
struct SeriesTable {
  std::string source;                                // the file name used in messages
  std::vector<std::string> names;                    // value column names, in file order ("value" without header)
  std::vector<std::vector<double>> values;           // per column, one per row; NaN where missing
  std::vector<std::vector<unsigned char>> present;   // per column, 1 where the cell held a number
  std::vector<long> lines;                           // the source line of each row
  std::vector<long> field_index;                     // per value column, its 1-based field number
  std::optional<YearMonth> first_month;              // from the month column, if any
  bool has_header = false;
  long header_line = 0;                              // 0 without a header

  int num_rows() const { return static_cast<int>(lines.size()); }
  int num_columns() const { return static_cast<int>(names.size()); }
  // Index of a value column by exact name, or -1.
  int ColumnIndex(std::string_view name) const;
};

SeriesTable ReadSeriesTable(const std::filesystem::path& path);
SeriesTable ParseSeriesTable(std::string_view text, std::string label);

// One complete series: the values of one column and its first month.
struct SeriesCsv {
  std::vector<double> values;
  std::string column;                    // header name of the column read ("" without header)
  std::optional<YearMonth> first_month;  // from the month column, if any
};

// Largest magnitude (and, inverted, the smallest non-zero one) a single
// series may hold: the models square and sum values, and 1e150^2 is near the
// largest double.
inline constexpr double kSeriesMagnitudeLimit = 1e150;

// Picks one column: `column` names it; when empty, the only value column, or
// the one named "value". A missing cell in it is an error at its line and
// column (the single-series models need every month), as is a value whose
// magnitude is outside [1 / kSeriesMagnitudeLimit, kSeriesMagnitudeLimit]
// (other than 0).
SeriesCsv SelectSeries(const SeriesTable& table, std::string_view column = {});
SeriesCsv ReadSeriesCsv(const std::string& path, std::string_view column = {});
// Same, from text already in memory; `name` is used in error messages.
SeriesCsv ParseSeriesCsv(std::string_view text, std::string_view name, std::string_view column = {});

// The first month of a table: `start` when given, else its month column. One
// of them is required; the error names `start_flag`.
YearMonth ResolveFirstMonth(const SeriesTable& table, std::optional<YearMonth> start,
                            std::string_view start_flag = "--start");

// A wide table as group series, one group per value column (missing cells
// kept as missing). `is_semiconductor` decides each group's flag from its
// column name (the catalog's groups.csv, or a user's list).
GroupSeries ToGroupSeries(const SeriesTable& table, YearMonth first_month,
                          const std::function<bool(std::string_view name)>& is_semiconductor);

}  // namespace chokepoint
