#include "chokepoint/core/series_csv.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <sstream>

#include "chokepoint/core/csv_table.h"
#include "chokepoint/core/error.h"

namespace chokepoint {

namespace {

bool IsMonthColumnName(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower == "month" || lower == "date" || lower == "period" || lower == "time" || lower == "ym";
}

// YYYY-MM, YYYYMM, YYYY/MM, YYYY.MM, or a date YYYY-MM-DD (the day is ignored).
std::optional<YearMonth> ParseMonthCell(std::string_view text) {
  if (text.size() == 10 && (text[4] == '-' || text[4] == '/') && text[7] == text[4]) text = text.substr(0, 7);
  return YearMonth::Parse(text);
}

bool IsBlank(const CsvRecord& r) {
  return std::all_of(r.fields.begin(), r.fields.end(), [](const CsvField& f) { return f.text.empty(); });
}

}  // namespace

int SeriesTable::ColumnIndex(std::string_view name) const {
  for (size_t i = 0; i < names.size(); ++i)
    if (names[i] == name) return static_cast<int>(i);
  return -1;
}

SeriesTable ParseSeriesTable(std::string_view text, std::string label) {
  const CsvTable csv = CsvTable::Parse(text, label, CsvReadOptions{.header = false, .keep_blank_lines = true});
  SeriesTable t;
  t.source = std::move(label);
  const std::vector<CsvRecord>& rows = csv.records();
  if (rows.empty()) ThrowInputError(t.source, 0, 0, "no values");

  // Header or not, and which column holds months.
  const CsvRecord& first = rows.front();
  for (const CsvField& f : first.fields)
    t.has_header = t.has_header || (!f.text.empty() && !ParseDouble(f.text) && !ParseMonthCell(f.text));
  const size_t width = first.fields.size();
  int month_col = -1;
  if (t.has_header) {
    t.header_line = first.line;
    for (size_t j = 0; j < width; ++j)
      if (month_col < 0 && IsMonthColumnName(first.fields[j].text)) month_col = static_cast<int>(j);
  } else if (width == 2 && ParseMonthCell(first.fields[0].text)) {
    month_col = 0;
  } else if (width != 1) {
    ThrowInputError(t.source, first.line, 1,
                    "several columns without a header: add a header row (e.g. month,value) and choose a column");
  }
  for (size_t j = 0; j < width; ++j) {
    if (static_cast<int>(j) == month_col) continue;
    t.names.push_back(t.has_header ? first.fields[j].text : (width == 1 || month_col >= 0 ? "value" : ""));
    t.field_index.push_back(static_cast<long>(j) + 1);
  }
  if (t.names.empty()) ThrowInputError(t.source, first.line, 1, "no value column (only a month column)");
  t.values.resize(t.names.size());
  t.present.resize(t.names.size());

  std::optional<YearMonth> previous;
  for (size_t r = t.has_header ? 1 : 0; r < rows.size(); ++r) {
    const CsvRecord& row = rows[r];
    const bool blank = IsBlank(row);
    // A blank line is a missing month only where it cannot be misread: in a
    // one-column file. Elsewhere the row's fields are required.
    if (blank && width == 1) {
      t.lines.push_back(row.line);
      t.values[0].push_back(std::numeric_limits<double>::quiet_NaN());
      t.present[0].push_back(0);
      continue;
    }
    if (row.fields.size() != width)
      ThrowInputError(t.source, row.line, row.fields.empty() ? 1 : row.fields.back().column,
                      blank ? "blank line inside the data: expected " + std::to_string(width) +
                                  " fields (an empty month needs its month and empty cells)"
                            : "expected " + std::to_string(width) + " fields, found " +
                                  std::to_string(row.fields.size()));
    t.lines.push_back(row.line);
    if (month_col >= 0) {
      const CsvField& mf = row.fields[month_col];
      const std::optional<YearMonth> ym = ParseMonthCell(mf.text);
      if (!ym) ThrowInputError(t.source, row.line, mf.column, "not a month (YYYY-MM): \"" + mf.text + "\"");
      if (previous && ym->MonthIndex() != previous->MonthIndex() + 1)
        ThrowInputError(t.source, row.line, mf.column,
                        "months must be consecutive: " + ym->ToString() + " follows " + previous->ToString());
      if (!previous) t.first_month = *ym;
      previous = *ym;
    }
    for (size_t c = 0; c < t.names.size(); ++c) {
      const CsvField& f = row.fields[t.field_index[c] - 1];
      if (f.text.empty()) {
        t.values[c].push_back(std::numeric_limits<double>::quiet_NaN());
        t.present[c].push_back(0);
        continue;
      }
      const std::optional<double> v = ParseDouble(f.text);
      if (!v || !std::isfinite(*v))
        ThrowInputError(t.source, row.line, f.column, "not a finite number: \"" + f.text + "\"");
      t.values[c].push_back(*v);
      t.present[c].push_back(1);
    }
  }
  if (t.lines.empty()) ThrowInputError(t.source, first.line, 0, "no values");
  return t;
}

SeriesTable ReadSeriesTable(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowInputError(path.string(), 0, 0, "cannot open file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return ParseSeriesTable(buffer.str(), path.string());
}

SeriesCsv SelectSeries(const SeriesTable& t, std::string_view column) {
  int c = -1;
  if (!column.empty()) {
    c = t.ColumnIndex(column);
    if (c < 0 || !t.has_header)
      ThrowInputError(t.source, t.has_header ? t.header_line : 1, 1,
                      t.has_header ? "no column named \"" + std::string(column) + "\" in the header"
                                   : "a column was named but the file has no header row");
  } else if (t.num_columns() == 1) {
    c = 0;
  } else {
    c = t.ColumnIndex("value");
    if (c < 0)
      ThrowInputError(t.source, t.header_line, 1,
                      std::to_string(t.num_columns()) +
                          " value columns and none named \"value\": choose one with --column");
  }
  SeriesCsv s;
  s.column = t.has_header ? t.names[c] : std::string();
  s.first_month = t.first_month;
  s.values = t.values[c];
  for (int r = 0; r < t.num_rows(); ++r) {
    if (!t.present[c][r])
      ThrowInputError(t.source, t.lines[r], t.field_index[c],
                      "missing value (month " + std::to_string(r + 1) + " of the series is empty)");
    // The models square and sum the values: beyond this range a square
    // overflows or underflows double precision and the result is silently
    // inf or 0 (docs/method.md §9.5).
    const double magnitude = std::fabs(s.values[r]);
    if (magnitude != 0.0 && (magnitude > kSeriesMagnitudeLimit || magnitude < 1.0 / kSeriesMagnitudeLimit)) {
      char value[40];
      std::snprintf(value, sizeof value, "%.6g", s.values[r]);
      ThrowInputError(t.source, t.lines[r], t.field_index[c],
                      std::string("value ") + value +
                          " is outside the range the models can square in double precision (magnitudes 1e-150 to "
                          "1e150, or 0); rescale the series (e.g. to millions)");
    }
  }
  return s;
}

SeriesCsv ParseSeriesCsv(std::string_view text, std::string_view name, std::string_view column) {
  return SelectSeries(ParseSeriesTable(text, std::string(name)), column);
}

SeriesCsv ReadSeriesCsv(const std::string& path, std::string_view column) {
  return SelectSeries(ReadSeriesTable(path), column);
}

YearMonth ResolveFirstMonth(const SeriesTable& table, std::optional<YearMonth> start, std::string_view start_flag) {
  if (start) return *start;
  if (table.first_month) return *table.first_month;
  ThrowUsageError(table.source + " has no month column: give the first month with " + std::string(start_flag) +
                  " YYYY-MM");
}

GroupSeries ToGroupSeries(const SeriesTable& table, YearMonth first_month,
                          const std::function<bool(std::string_view name)>& is_semiconductor) {
  GroupSeries s;
  s.first_month = first_month;
  s.num_months = table.num_rows();
  for (int c = 0; c < table.num_columns(); ++c) {
    TechnologyGroup g;
    g.id = c + 1;
    g.name = table.names[c].empty() ? "series " + std::to_string(c + 1) : table.names[c];
    g.short_name = g.name;
    g.semiconductor = is_semiconductor && is_semiconductor(g.name);
    s.groups.push_back(g);
    for (int r = 0; r < table.num_rows(); ++r) {
      // Missing months carry 0 and present = 0, as GroupSeries does for panels.
      s.values.push_back(table.present[c][r] ? table.values[c][r] : 0.0);
      s.present.push_back(table.present[c][r]);
    }
  }
  return s;
}

}  // namespace chokepoint
