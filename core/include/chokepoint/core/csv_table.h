// The one CSV reader every input path shares (catalog, BEC and GDP tables,
// monthly series, user mapping files): a header row naming the columns, then
// one record per line. Fields may be quoted ("a, b" and "" for a quote). A
// UTF-8 byte-order mark, CR line ends and lines starting with '#' are
// tolerated; blank lines are skipped unless the caller keeps them (a blank
// line in a one-column series is a missing month, never nothing). Every field
// remembers its line and column so that errors read
// "file:line:column: what is wrong".
#pragma once

#include <filesystem>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chokepoint {

struct CsvField {
  std::string text;  // trimmed, quotes removed
  long column = 0;   // 1-based character column where the field starts
};

struct CsvRecord {
  long line = 0;
  std::vector<CsvField> fields;
};

struct CsvReadOptions {
  // The first non-comment row names the columns (lower-cased, trimmed). When
  // false every row is a record and header() is empty.
  bool header = true;
  // Keep blank lines (and rows of empty fields) between records as records
  // with empty fields. Trailing blank lines at the end of the text are always
  // dropped.
  bool keep_blank_lines = false;
};

class CsvTable {
 public:
  // Reads and splits the file; throws an input error for an unreadable file
  // or an unterminated quote. The path is the name used in messages.
  static CsvTable ReadFile(const std::filesystem::path& path, const CsvReadOptions& options = {});
  static CsvTable Parse(std::string_view text, std::string label, const CsvReadOptions& options = {});

  const std::string& label() const { return label_; }
  const std::vector<std::string>& header() const { return header_; }
  long header_line() const { return header_line_; }
  const std::vector<CsvRecord>& records() const { return records_; }

  // Index of a column by (case-insensitive, trimmed) name, or -1.
  int ColumnIndex(std::string_view name) const;
  // As ColumnIndex, but a missing column is an input error at the header line.
  int RequireColumn(std::string_view name) const;
  // Index of the first column whose name matches one of `names`, else -1.
  int AnyColumnIndex(std::initializer_list<std::string_view> names) const;

  // The field of a record (trimmed); a record with too few fields is an input
  // error located at the end of its line.
  const CsvField& Field(const CsvRecord& record, int column) const;
  // Empty string when the column is absent (-1) or the record is short.
  std::string OptionalText(const CsvRecord& record, int column) const;

  [[noreturn]] void Fail(const CsvRecord& record, int column, std::string_view message) const;
  [[noreturn]] void FailAtLine(long line, std::string_view message) const;

 private:
  std::string label_;
  long header_line_ = 0;
  std::vector<std::string> header_;
  std::vector<CsvRecord> records_;
};

// Strict number parsing for table fields (whole field, no trailing text; a
// leading '+' is allowed).
std::optional<long long> ParseInteger(std::string_view text);
std::optional<double> ParseDouble(std::string_view text);
// "yes"/"no", "true"/"false", "1"/"0", "y"/"n" (case-insensitive).
std::optional<bool> ParseYesNo(std::string_view text);

}  // namespace chokepoint
