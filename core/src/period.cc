#include "chokepoint/core/period.h"

#include <cstdio>

namespace chokepoint {

YearMonth YearMonth::FromIndex(int month_index) {
  YearMonth ym;
  int y = month_index / 12;
  int m = month_index % 12;
  if (m < 0) { m += 12; --y; }
  ym.year = y;
  ym.month = m + 1;
  return ym;
}

std::string YearMonth::ToString() const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", year, month);
  return buf;
}

namespace {
bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) if (c < '0' || c > '9') return false;
  return true;
}
int ToInt(std::string_view s) {
  int v = 0;
  for (char c : s) v = v * 10 + (c - '0');
  return v;
}
}  // namespace

std::optional<YearMonth> YearMonth::Parse(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  std::string_view ys, ms;
  if (text.size() == 6 && AllDigits(text)) {
    ys = text.substr(0, 4);
    ms = text.substr(4, 2);
  } else if (text.size() >= 6 && text.size() <= 7 &&
             (text[4] == '-' || text[4] == '/' || text[4] == '.')) {
    ys = text.substr(0, 4);
    ms = text.substr(5);
  } else {
    return std::nullopt;
  }
  if (!AllDigits(ys) || !AllDigits(ms)) return std::nullopt;
  const int y = ToInt(ys), m = ToInt(ms);
  if (y < 1900 || y > 2200 || m < 1 || m > 12) return std::nullopt;
  return YearMonth{y, m};
}

}  // namespace chokepoint
