#include "series_csv.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "chokepoint/core/error.h"

namespace chokepoint::cli {

namespace {
std::vector<std::string> SplitLine(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (char c : line) {
    if (c == '"') quoted = !quoted;
    else if (c == ',' && !quoted) { out.push_back(cur); cur.clear(); }
    else if (c != '\r') cur += c;
  }
  out.push_back(cur);
  return out;
}
}  // namespace

WideSeriesCsv ReadWideSeriesCsv(const std::string& path) {
  std::ifstream in(path);
  if (!in) ThrowInputError(path, 0, 0, "cannot open input file");
  std::string line;
  long line_no = 0;
  std::vector<std::string> header;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    header = SplitLine(line);
    break;
  }
  if (header.empty()) ThrowInputError(path, line_no, 0, "no header line");
  int month_col = -1;
  WideSeriesCsv csv;
  std::vector<int> value_cols;
  for (size_t c = 0; c < header.size(); ++c) {
    if (month_col < 0 && (header[c] == "month" || header[c] == "date")) month_col = static_cast<int>(c);
    else { csv.columns.push_back(header[c]); value_cols.push_back(static_cast<int>(c)); }
  }
  if (value_cols.empty()) ThrowInputError(path, line_no, 0, "no value column");
  csv.values.resize(value_cols.size());
  std::optional<YearMonth> previous;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    const auto f = SplitLine(line);
    if (f.size() != header.size())
      ThrowInputError(path, line_no, 0, "expected " + std::to_string(header.size()) + " fields, got " +
                                            std::to_string(f.size()));
    if (month_col >= 0) {
      const auto m = YearMonth::Parse(f[month_col].substr(0, 7));
      if (!m) ThrowInputError(path, line_no, month_col + 1, "month must be YYYY-MM, got '" + f[month_col] + "'");
      if (previous && MonthsBetween(*previous, *m) != 1)
        ThrowInputError(path, line_no, month_col + 1, "months must be consecutive (after " + previous->ToString() + ")");
      if (!previous) csv.first_month = *m;
      previous = *m;
    }
    for (size_t j = 0; j < value_cols.size(); ++j) {
      const std::string& cell = f[value_cols[j]];
      char* end = nullptr;
      const double v = std::strtod(cell.c_str(), &end);
      if (cell.empty() || end == cell.c_str() || *end != '\0')
        ThrowInputError(path, line_no, value_cols[j] + 1, "not a number: '" + cell + "'");
      csv.values[j].push_back(v);
    }
  }
  return csv;
}

YearMonth ResolveStart(const WideSeriesCsv& csv, const std::string& start_option, const std::string& path) {
  if (!start_option.empty()) {
    const auto m = YearMonth::Parse(start_option);
    if (!m) ThrowUsageError("--start must be YYYY-MM, got '" + start_option + "'");
    return *m;
  }
  if (csv.first_month) return *csv.first_month;
  ThrowUsageError(path + " has no month column: pass --start YYYY-MM");
}

}  // namespace chokepoint::cli
