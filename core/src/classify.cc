#include "chokepoint/core/classify.h"

#include <cmath>

namespace chokepoint {

std::string_view ToString(VolatilityLevel v) {
  switch (v) {
    case VolatilityLevel::kHigh: return "high";
    case VolatilityLevel::kMedium: return "medium";
    case VolatilityLevel::kLow: return "low";
  }
  return "?";
}
std::optional<VolatilityLevel> VolatilityLevelFromString(std::string_view s) {
  if (s == "high") return VolatilityLevel::kHigh;
  if (s == "medium") return VolatilityLevel::kMedium;
  if (s == "low") return VolatilityLevel::kLow;
  return std::nullopt;
}
std::string_view ToString(GrowthLevel g) { return g == GrowthLevel::kHigh ? "high" : "low"; }
std::optional<GrowthLevel> GrowthLevelFromString(std::string_view s) {
  if (s == "high") return GrowthLevel::kHigh;
  if (s == "low") return GrowthLevel::kLow;
  return std::nullopt;
}
std::string_view ToString(Regime r) {
  switch (r) {
    case Regime::kStockpiling: return "stockpiling";
    case Regime::kNoEffect: return "no_effect";
    case Regime::kSubstitution: return "substitution";
  }
  return "?";
}
std::optional<Regime> RegimeFromString(std::string_view s) {
  if (s == "stockpiling") return Regime::kStockpiling;
  if (s == "no_effect") return Regime::kNoEffect;
  if (s == "substitution") return Regime::kSubstitution;
  return std::nullopt;
}

bool Thresholds::IsValid(std::string* error) const {
  auto fail = [&](const std::string& msg) { if (error) *error = msg; return false; };
  if (!std::isfinite(growth)) return fail("thresholds.growth must be finite");
  if (!(std::isfinite(volatility_high) && volatility_high > 0))
    return fail("thresholds.volatility_high must be a positive number, got " + std::to_string(volatility_high));
  if (!(std::isfinite(volatility_low) && volatility_low >= 0))
    return fail("thresholds.volatility_low must be >= 0, got " + std::to_string(volatility_low));
  if (volatility_low > volatility_high)
    return fail("thresholds.volatility_low (" + std::to_string(volatility_low) +
                ") must not exceed thresholds.volatility_high (" + std::to_string(volatility_high) + ")");
  return true;
}

int CellIndex(VolatilityLevel v, GrowthLevel g) {
  return static_cast<int>(v) * 2 + static_cast<int>(g);
}

std::string CellName(int cell) {
  const auto v = static_cast<VolatilityLevel>(cell / 2);
  const auto g = static_cast<GrowthLevel>(cell % 2);
  return std::string(ToString(v)) + "_volatility/" + std::string(ToString(g)) + "_growth";
}

VolatilityLevel ClassifyVolatility(double V, const Thresholds& t) {
  if (V > t.volatility_high) return VolatilityLevel::kHigh;
  if (V >= t.volatility_low) return VolatilityLevel::kMedium;
  return VolatilityLevel::kLow;
}

GrowthLevel ClassifyGrowth(double G, const Thresholds& t) {
  return G > t.growth ? GrowthLevel::kHigh : GrowthLevel::kLow;
}

Regime RegimeOf(VolatilityLevel v, GrowthLevel g, bool semiconductor, const Thresholds& t) {
  if (g == GrowthLevel::kLow) return Regime::kSubstitution;
  if (v == VolatilityLevel::kHigh) return Regime::kStockpiling;
  if (semiconductor && t.semiconductor_override) return Regime::kStockpiling;
  return Regime::kNoEffect;
}

Classification Classify(double V, double G, bool semiconductor, const Thresholds& t) {
  Classification c;
  c.volatility = ClassifyVolatility(V, t);
  c.growth = ClassifyGrowth(G, t);
  c.regime = RegimeOf(c.volatility, c.growth, semiconductor, t);
  return c;
}

}  // namespace chokepoint
