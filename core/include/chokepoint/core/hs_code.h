// Harmonized System codes at any level a statistical source publishes:
// chapters (HS2), headings (HS4), subheadings (HS6) and China's 8-digit
// national tariff lines (HS8). 10-digit national lines are read as their HS8
// prefix (core/README.md "ingest"). A code keeps its level: "8542" (HS4) and
// "85420000" (HS8) are different codes.
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace chokepoint {

class HsCode {
 public:
  HsCode() = default;
  // Exactly 8 ASCII digits (surrounding spaces and a ".", as in "8542.3100",
  // are tolerated; leading zeros are kept: "01012100"). The catalog's form.
  static std::optional<HsCode> Parse(std::string_view text);
  // 2, 4, 6, 8 or 10 digits (same tolerance); a 10-digit line becomes its
  // 8-digit prefix and *was_hs10 is set. Chapter 00 is rejected.
  static std::optional<HsCode> ParseAnyLevel(std::string_view text, bool* was_hs10 = nullptr);
  // From a 6-digit HS code, as the 8-digit line "HS6 00" (kept for callers
  // that need an HS8 key; ingest now keeps HS6 codes at their own level).
  static std::optional<HsCode> FromHs6(std::string_view text);
  static HsCode FromInt(uint32_t value8) { return FromDigits(value8, 8); }
  // `value` written with `digits` digits (2, 4, 6 or 8), e.g. (8542, 4).
  static HsCode FromDigits(uint32_t value, int digits) {
    HsCode c;
    c.value_ = value;
    c.digits_ = static_cast<uint8_t>(digits);
    return c;
  }
  // The inverse of key().
  static HsCode FromKey(uint32_t key) {
    const int digits = 2 * static_cast<int>(key % 4 + 1);
    return FromDigits(key / 4 / Pow10(8 - digits), digits);
  }

  // The digits as an integer (8542 for "8542"; 84561100 for "84561100").
  uint32_t value() const { return value_; }
  int digits() const { return digits_; }
  // The code's prefixes; 0 when the code is coarser than the prefix asked.
  uint32_t Hs6() const { return digits_ >= 6 ? value_ / Pow10(digits_ - 6) : 0; }
  uint32_t Hs4() const { return digits_ >= 4 ? value_ / Pow10(digits_ - 4) : 0; }
  uint32_t Hs2() const { return digits_ >= 2 ? value_ / Pow10(digits_ - 2) : 0; }
  // This code cut to `digits` (<= digits()); itself when digits >= digits().
  HsCode Prefix(int digits) const {
    if (digits >= digits_) return *this;
    return FromDigits(value_ / Pow10(digits_ - digits), digits);
  }
  // True when `finer` lies under this code (or is this code).
  bool Contains(HsCode finer) const { return finer.digits_ >= digits_ && finer.Prefix(digits_) == *this; }
  std::string ToString() const;      // "84561100", "8542", "01"
  std::string Hs6String() const;     // "845611" ("" when coarser than HS6)
  bool valid() const { return digits_ != 0; }
  // A 29-bit integer key that orders as the code does: the code padded to 8
  // digits, times 4, plus the level (0 = HS2 .. 3 = HS8).
  uint32_t key() const { return value_ * Pow10(8 - digits_) * 4 + static_cast<uint32_t>(digits_ / 2 - 1); }

  // Orders as the text does: "8542" < "85420000" < "85423100" < "8543".
  friend std::strong_ordering operator<=>(const HsCode& a, const HsCode& b) {
    const uint32_t pa = a.value_ * Pow10(8 - a.digits_), pb = b.value_ * Pow10(8 - b.digits_);
    if (auto c = pa <=> pb; c != 0) return c;
    return a.digits_ <=> b.digits_;
  }
  friend bool operator==(const HsCode& a, const HsCode& b) { return a.value_ == b.value_ && a.digits_ == b.digits_; }

 private:
  static constexpr uint32_t Pow10(int n) {
    uint32_t p = 1;
    for (int i = 0; i < n; ++i) p *= 10;
    return p;
  }

  uint32_t value_ = 0;
  uint8_t digits_ = 0;
};

}  // namespace chokepoint

template <>
struct std::hash<chokepoint::HsCode> {
  size_t operator()(const chokepoint::HsCode& c) const noexcept { return std::hash<uint32_t>{}(c.key()); }
};
