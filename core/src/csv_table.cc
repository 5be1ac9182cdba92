#include "chokepoint/core/csv_table.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fstream>
#include <sstream>

#include "chokepoint/core/error.h"

namespace chokepoint {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

// Splits one physical line into fields; returns false on an unterminated quote.
bool SplitLine(std::string_view line, std::vector<CsvField>* fields, long* bad_column) {
  fields->clear();
  size_t i = 0;
  while (true) {
    CsvField field;
    // Skip leading blanks so a quoted field may follow ", ".
    size_t start = i;
    while (start < line.size() && (line[start] == ' ' || line[start] == '\t')) ++start;
    field.column = static_cast<long>(start) + 1;
    if (start < line.size() && line[start] == '"') {
      size_t j = start + 1;
      bool closed = false;
      while (j < line.size()) {
        if (line[j] == '"') {
          if (j + 1 < line.size() && line[j + 1] == '"') {
            field.text.push_back('"');
            j += 2;
            continue;
          }
          closed = true;
          ++j;
          break;
        }
        field.text.push_back(line[j++]);
      }
      if (!closed) {
        *bad_column = field.column;
        return false;
      }
      // Anything after the closing quote up to the comma is kept verbatim.
      while (j < line.size() && line[j] != ',') field.text.push_back(line[j++]);
      field.text = std::string(Trim(field.text));
      fields->push_back(std::move(field));
      if (j >= line.size()) return true;
      i = j + 1;
    } else {
      size_t j = line.find(',', i);
      const std::string_view raw = line.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i);
      field.text = std::string(Trim(raw));
      fields->push_back(std::move(field));
      if (j == std::string_view::npos) return true;
      i = j + 1;
    }
  }
}

}  // namespace

CsvTable CsvTable::ReadFile(const std::filesystem::path& path, const CsvReadOptions& options) {
  std::ifstream in(path, std::ios::binary);
  if (!in) ThrowInputError(path.string(), 0, 0, "cannot open file");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return Parse(buffer.str(), path.string(), options);
}

CsvTable CsvTable::Parse(std::string_view text, std::string label, const CsvReadOptions& options) {
  CsvTable table;
  table.label_ = std::move(label);
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF &&
      static_cast<unsigned char>(text[1]) == 0xBB && static_cast<unsigned char>(text[2]) == 0xBF)
    text.remove_prefix(3);
  long line_no = 0;
  bool have_header = false;
  size_t pos = 0;
  std::vector<CsvField> fields;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    ++line_no;
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::string_view trimmed = Trim(line);
    if ((!trimmed.empty() && trimmed.front() == '#') || (trimmed.empty() && !(options.keep_blank_lines && have_header))) {
      if (end == text.size()) break;
      continue;
    }
    long bad_column = 0;
    if (!SplitLine(line, &fields, &bad_column))
      ThrowInputError(table.label_, line_no, bad_column, "unterminated quoted field");
    // Rows with only empty fields (",,": padding in some UN files) carry nothing.
    const bool all_empty = std::all_of(fields.begin(), fields.end(), [](const CsvField& f) { return f.text.empty(); });
    if (!have_header && options.header) {
      for (const CsvField& f : fields) table.header_.push_back(Lower(f.text));
      table.header_line_ = line_no;
      have_header = true;
    } else if (!all_empty || options.keep_blank_lines) {
      have_header = true;  // without a header row: records start here
      table.records_.push_back(CsvRecord{line_no, fields});
    }
    if (end == text.size()) break;
  }
  if (!have_header && options.header) ThrowInputError(table.label_, 1, 0, "empty file: expected a header row");
  if (options.keep_blank_lines) {
    // Blank lines at the end of a file are the end of the file, not records.
    while (!table.records_.empty() &&
           std::all_of(table.records_.back().fields.begin(), table.records_.back().fields.end(),
                       [](const CsvField& f) { return f.text.empty(); }))
      table.records_.pop_back();
  }
  return table;
}

int CsvTable::ColumnIndex(std::string_view name) const {
  const std::string want = Lower(Trim(name));
  for (size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == want) return static_cast<int>(i);
  return -1;
}

int CsvTable::AnyColumnIndex(std::initializer_list<std::string_view> names) const {
  for (std::string_view n : names)
    if (int i = ColumnIndex(n); i >= 0) return i;
  return -1;
}

int CsvTable::RequireColumn(std::string_view name) const {
  const int i = ColumnIndex(name);
  if (i < 0) {
    std::string have;
    for (const auto& h : header_) have += (have.empty() ? "" : ",") + h;
    ThrowInputError(label_, header_line_, 0,
                    "missing column '" + std::string(name) + "' (header is: " + have + ")");
  }
  return i;
}

const CsvField& CsvTable::Field(const CsvRecord& record, int column) const {
  if (column < 0 || column >= static_cast<int>(record.fields.size())) {
    const long col = record.fields.empty() ? 1 : record.fields.back().column;
    ThrowInputError(label_, record.line, col,
                    "expected at least " + std::to_string(column + 1) + " fields ('" +
                        (column >= 0 && column < static_cast<int>(header_.size()) ? header_[column] : "?") +
                        "'), found " + std::to_string(record.fields.size()));
  }
  return record.fields[column];
}

std::string CsvTable::OptionalText(const CsvRecord& record, int column) const {
  if (column < 0 || column >= static_cast<int>(record.fields.size())) return {};
  return record.fields[column].text;
}

void CsvTable::Fail(const CsvRecord& record, int column, std::string_view message) const {
  long col = 0;
  if (column >= 0 && column < static_cast<int>(record.fields.size())) col = record.fields[column].column;
  ThrowInputError(label_, record.line, col, message);
}

void CsvTable::FailAtLine(long line, std::string_view message) const {
  ThrowInputError(label_, line, 0, message);
}

std::optional<long long> ParseInteger(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  long long v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<double> ParseDouble(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return std::nullopt;
  if (text.front() == '+') text.remove_prefix(1);
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

std::optional<bool> ParseYesNo(std::string_view text) {
  const std::string s = Lower(Trim(text));
  if (s == "yes" || s == "true" || s == "1" || s == "y") return true;
  if (s == "no" || s == "false" || s == "0" || s == "n") return false;
  return std::nullopt;
}

}  // namespace chokepoint
