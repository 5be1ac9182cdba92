// Calendar months. A YearMonth is a value type ordered in time; MonthIndex
// gives a dense integer (year * 12 + month - 1) for arithmetic.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace chokepoint {

struct YearMonth {
  int year = 2015;
  int month = 1;  // 1..12

  static YearMonth FromIndex(int month_index);
  int MonthIndex() const { return year * 12 + (month - 1); }
  YearMonth Plus(int months) const { return FromIndex(MonthIndex() + months); }
  // Number of months from a to b (b - a); MonthsBetween(x, x) == 0.
  friend int MonthsBetween(YearMonth a, YearMonth b) { return b.MonthIndex() - a.MonthIndex(); }

  std::string ToString() const;  // "YYYY-MM"
  // Accepts "YYYY-MM", "YYYYMM", "YYYY/MM", "YYYY.MM" and "YYYY-M"; years
  // 1900..2200. Returns nullopt otherwise.
  static std::optional<YearMonth> Parse(std::string_view text);

  auto operator<=>(const YearMonth&) const = default;
};

}  // namespace chokepoint
