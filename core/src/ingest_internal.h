// Text-level helpers of the ingest module (private to core): file mapping,
// encoding detection and conversion, CSV field splitting, numbers, periods.
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "chokepoint/core/period.h"

namespace chokepoint::ingest_detail {

// Read-only view of a whole file: mmap for regular files (empty files give an
// empty view). Throws a located input error when the file cannot be read.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  std::string_view bytes() const { return {data_, size_}; }

 private:
  const char* data_ = nullptr;
  size_t size_ = 0;
  void* map_ = nullptr;
};

// The text of a file as UTF-8. Lines with undecodable bytes are replaced by
// empty lines (so line numbers stay right) after `on_bad_line(line, byte_column,
// message)` was called; that callback throws in strict mode.
// With `damaged` given, undecodable bytes are instead replaced by U+FFFD and
// each such line is recorded (line -> first byte column and message), so a
// caller can refuse only the rows whose used fields are damaged (a garbled
// description must not stop a read).
struct DamagedLine {
  long column = 0;
  std::string message;
};
struct DecodedText {
  std::string_view text;  // points into the mapping or into `storage`
  std::string storage;
  std::string encoding;   // "utf-8", "utf-8 (BOM)", "gb18030"
};
using BadLineCallback = std::function<void(long line, long column, const std::string& message)>;
DecodedText DecodeToUtf8(std::string_view raw, const BadLineCallback& on_bad_line,
                         std::map<long, DamagedLine>* damaged = nullptr);
inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// Position of the first invalid UTF-8 byte, or npos. `good_multibyte`
// receives the number of valid multi-byte sequences seen in the whole text,
// `bad` the number of invalid positions.
size_t FirstInvalidUtf8(std::string_view s, size_t* good_multibyte = nullptr, size_t* bad = nullptr);

// One CSV field: its text with surrounding quotes removed ("" unescaped).
struct Field {
  std::string_view text;
};
// Splits a line (no trailing newline; a trailing '\r' is dropped) at commas
// outside double quotes. `scratch` backs fields whose quotes needed
// unescaping. Returns false on an unterminated quote.
bool SplitCsvLine(std::string_view line, std::vector<Field>* fields, std::string* scratch);

enum class AmountStatus { kOk, kMalformed, kNegative };
// Decimal number (fast_float) with optional thousands separators ("1,234.5",
// grouping checked), surrounding blanks allowed; rejects empty, NaN, inf.
AmountStatus ParseAmount(std::string_view text, double* value);

// A period field: a month, or a January-February combined period.
struct ParsedPeriod {
  YearMonth month;           // February of the year when combined
  bool combined_jan_feb = false;
};
// Accepts YearMonth::Parse forms, "YYYYMMDD" (day ignored, Comtrade
// refPeriodId) when `allow_day`, "YYYY年M月", and the combined forms
// "YYYY-01~02", "YYYY-01~YYYY-02", "YYYY01-02", "YYYY01~02", "YYYY年1-2月",
// "YYYY年1~2月" ('～' too). Other combined ranges are rejected.
std::optional<ParsedPeriod> ParsePeriod(std::string_view text, bool allow_day);

// A user's period pattern: YYYY, MM (two digits), M (one or two), DD, D
// and literal separators, e.g. "YYYY/M", "M/YYYY", "YYYY-MM-DD". The check
// says why a pattern cannot work; the parser takes the text whole or fails.
bool ValidPeriodPattern(std::string_view pattern, std::string* why);
std::optional<YearMonth> ParsePeriodPattern(std::string_view text, std::string_view pattern);

// Header cell normalised for synonym lookup: BOM, quotes, blanks, '_', '-',
// '.', ASCII and full-width parentheses removed; ASCII lower-cased.
std::string NormalizeHeader(std::string_view text);

std::string_view Trim(std::string_view s);

}  // namespace chokepoint::ingest_detail
