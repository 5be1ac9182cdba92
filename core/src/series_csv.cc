#include "chokepoint/core/series_csv.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "chokepoint/core/error.h"

namespace chokepoint {

namespace {

struct Field {
  std::string_view text;
  long column = 1;  // 1-based character column of the field start
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  if (s.size() >= 2 && s.front() == '"' && s.back() == '"') s = s.substr(1, s.size() - 2);
  return s;
}

std::vector<Field> SplitFields(std::string_view line) {
  std::vector<Field> fields;
  size_t start = 0;
  while (true) {
    const size_t comma = line.find(',', start);
    const std::string_view raw = line.substr(start, comma == std::string_view::npos ? line.size() - start : comma - start);
    fields.push_back({Trim(raw), static_cast<long>(start) + 1});
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return fields;
}

std::optional<double> ParseNumber(std::string_view s) {
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);
  double v = 0.0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool IsMonthHeader(std::string_view s) { return s == "month" || s == "date" || s == "period"; }

}  // namespace

SeriesCsv ParseSeriesCsv(std::string_view text, std::string_view name, std::string_view column) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 BOM
  SeriesCsv out;
  long line_no = 0;
  bool first_row = true;
  int value_col = -1;
  int month_col = -1;
  size_t n_fields = 0;
  std::optional<YearMonth> previous_month;
  size_t pos = 0;
  while (pos <= text.size()) {
    const size_t nl = text.find('\n', pos);
    std::string_view line = text.substr(pos, nl == std::string_view::npos ? text.size() - pos : nl - pos);
    pos = nl == std::string_view::npos ? text.size() + 1 : nl + 1;
    ++line_no;
    if (Trim(line).empty()) continue;
    const std::vector<Field> fields = SplitFields(line);
    if (first_row) {
      first_row = false;
      n_fields = fields.size();
      bool header = false;
      for (const Field& f : fields) header = header || !ParseNumber(f.text).has_value();
      if (header) {
        for (size_t j = 0; j < fields.size(); ++j) {
          if (!column.empty() && fields[j].text == column) value_col = static_cast<int>(j);
          if (column.empty() && fields[j].text == "value") value_col = static_cast<int>(j);
          if (IsMonthHeader(fields[j].text)) month_col = static_cast<int>(j);
        }
        if (value_col < 0 && column.empty() && fields.size() == 1) value_col = 0;
        if (value_col < 0) {
          ThrowInputError(name, line_no, 1,
                          column.empty() ? "several columns and none named \"value\": choose one with --column"
                                         : "no column named \"" + std::string(column) + "\" in the header");
        }
        out.column = std::string(fields[value_col].text);
        continue;
      }
      if (!column.empty()) ThrowInputError(name, line_no, 1, "--column given but the file has no header row");
      if (fields.size() != 1) {
        ThrowInputError(name, line_no, 1, "several columns without a header: add a header and use --column");
      }
      value_col = 0;
    }
    if (fields.size() != n_fields) {
      ThrowInputError(name, line_no, 1,
                      "expected " + std::to_string(n_fields) + " fields, found " + std::to_string(fields.size()));
    }
    const Field& f = fields[value_col];
    const std::optional<double> v = ParseNumber(f.text);
    if (!v || !std::isfinite(*v)) {
      ThrowInputError(name, line_no, f.column,
                      f.text.empty() ? "missing value" : "not a finite number: \"" + std::string(f.text) + "\"");
    }
    out.values.push_back(*v);
    if (month_col >= 0) {
      const Field& mf = fields[month_col];
      const std::optional<YearMonth> ym = YearMonth::Parse(mf.text);
      if (!ym) ThrowInputError(name, line_no, mf.column, "not a month (YYYY-MM): \"" + std::string(mf.text) + "\"");
      if (previous_month && ym->MonthIndex() != previous_month->MonthIndex() + 1) {
        ThrowInputError(name, line_no, mf.column,
                        "months must be consecutive: " + ym->ToString() + " follows " + previous_month->ToString());
      }
      if (!previous_month) out.first_month = *ym;
      previous_month = *ym;
    }
  }
  if (out.values.empty()) ThrowInputError(name, 0, 0, "no values");
  return out;
}

SeriesCsv ReadSeriesCsv(const std::string& path, std::string_view column) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowInputError(path, 0, 0, "cannot open file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return ParseSeriesCsv(buffer.str(), path, column);
}

}  // namespace chokepoint
