// Harmonized System codes at 8 digits (China's national tariff lines) with
// their HS6 / HS4 / HS2 prefixes. Stored as the 8-digit integer.
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
  // Parses exactly 8 ASCII digits (surrounding spaces and a ".", as in
  // "8542.3100", are tolerated; leading zeros are kept: "01012100").
  static std::optional<HsCode> Parse(std::string_view text);
  // From a 6-digit HS code, as the 8-digit line "HS6 00" (for HS6-level
  // sources such as UN Comtrade, which have no national split).
  static std::optional<HsCode> FromHs6(std::string_view text);
  static HsCode FromInt(uint32_t value8) { HsCode c; c.value_ = value8; return c; }

  uint32_t value() const { return value_; }
  uint32_t Hs6() const { return value_ / 100; }
  uint32_t Hs4() const { return value_ / 10000; }
  uint32_t Hs2() const { return value_ / 1000000; }
  std::string ToString() const;      // "84561100"
  std::string Hs6String() const;     // "845611"
  bool valid() const { return value_ != 0; }

  auto operator<=>(const HsCode&) const = default;

 private:
  uint32_t value_ = 0;
};

}  // namespace chokepoint

template <>
struct std::hash<chokepoint::HsCode> {
  size_t operator()(const chokepoint::HsCode& c) const noexcept { return std::hash<uint32_t>{}(c.value()); }
};
