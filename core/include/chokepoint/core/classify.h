// The talk's 2 x 3 matrix (growth high/low x volatility high/medium/low) and
// its three policy regimes (docs/method.md §3).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace chokepoint {

enum class VolatilityLevel { kHigh, kMedium, kLow };
std::string_view ToString(VolatilityLevel v);  // "high", "medium", "low"
std::optional<VolatilityLevel> VolatilityLevelFromString(std::string_view s);

enum class GrowthLevel { kHigh, kLow };
std::string_view ToString(GrowthLevel g);  // "high", "low"
std::optional<GrowthLevel> GrowthLevelFromString(std::string_view s);

// Column order everywhere (HDF5, reports): stockpiling, no_effect, substitution.
enum class Regime { kStockpiling = 0, kNoEffect = 1, kSubstitution = 2 };
inline constexpr int kNumRegimes = 3;
std::string_view ToString(Regime r);  // "stockpiling", "no_effect", "substitution"
std::optional<Regime> RegimeFromString(std::string_view s);

struct Thresholds {
  // Growth is high if G > growth (the talk's 0.5).
  double growth = 0.5;
  // Volatility is high if V > volatility_high (0.3), medium if
  // volatility_low <= V <= volatility_high, low if V < volatility_low (0.24).
  double volatility_high = 0.3;
  double volatility_low = 0.24;
  // Semiconductor-related groups with high growth are stockpiling whatever
  // their volatility (how Integrated Circuits, medium volatility, lands there).
  bool semiconductor_override = true;

  bool IsValid(std::string* error) const;
};

// Cells of the 2 x 3 matrix, row-major as the talk lays it out: rows
// volatility high / medium / low, columns growth high / low.
inline constexpr int kNumCells = 6;
int CellIndex(VolatilityLevel v, GrowthLevel g);
std::string CellName(int cell);  // "high_vol/high_growth", ...

struct Classification {
  VolatilityLevel volatility = VolatilityLevel::kLow;
  GrowthLevel growth = GrowthLevel::kLow;
  Regime regime = Regime::kNoEffect;
  int cell() const { return CellIndex(volatility, growth); }
};

VolatilityLevel ClassifyVolatility(double V, const Thresholds& t);
GrowthLevel ClassifyGrowth(double G, const Thresholds& t);
Regime RegimeOf(VolatilityLevel v, GrowthLevel g, bool semiconductor, const Thresholds& t);
Classification Classify(double V, double G, bool semiconductor, const Thresholds& t);

}  // namespace chokepoint
