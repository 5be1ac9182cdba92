// Classification at and around every threshold boundary (docs/method.md §3.1).
#include "chokepoint/core/classify.h"

#include <cmath>

#include <gtest/gtest.h>

namespace chokepoint {
namespace {

const Thresholds kDefault;

TEST(Classify, GrowthBoundaryIsStrict) {
  EXPECT_EQ(ClassifyGrowth(0.5, kDefault), GrowthLevel::kLow);
  EXPECT_EQ(ClassifyGrowth(std::nextafter(0.5, 1.0), kDefault), GrowthLevel::kHigh);
  EXPECT_EQ(ClassifyGrowth(0.49, kDefault), GrowthLevel::kLow);
}

TEST(Classify, VolatilityBoundaries) {
  EXPECT_EQ(ClassifyVolatility(0.3, kDefault), VolatilityLevel::kMedium);
  EXPECT_EQ(ClassifyVolatility(std::nextafter(0.3, 1.0), kDefault), VolatilityLevel::kHigh);
  EXPECT_EQ(ClassifyVolatility(0.24, kDefault), VolatilityLevel::kMedium);
  EXPECT_EQ(ClassifyVolatility(std::nextafter(0.24, 0.0), kDefault), VolatilityLevel::kLow);
  EXPECT_EQ(ClassifyVolatility(0.0, kDefault), VolatilityLevel::kLow);
}

TEST(Classify, RegimesOfEveryCell) {
  // Low growth is substitution whatever the volatility.
  for (double v : {0.1, 0.25, 0.5}) {
    EXPECT_EQ(Classify(v, 0.2, false, kDefault).regime, Regime::kSubstitution);
    EXPECT_EQ(Classify(v, 0.2, true, kDefault).regime, Regime::kSubstitution);
  }
  EXPECT_EQ(Classify(0.5, 0.8, false, kDefault).regime, Regime::kStockpiling);
  EXPECT_EQ(Classify(0.25, 0.8, false, kDefault).regime, Regime::kNoEffect);
  EXPECT_EQ(Classify(0.1, 0.8, false, kDefault).regime, Regime::kNoEffect);
  // Semiconductor override: high growth -> stockpiling at any volatility.
  EXPECT_EQ(Classify(0.25, 0.8, true, kDefault).regime, Regime::kStockpiling);
  EXPECT_EQ(Classify(0.1, 0.8, true, kDefault).regime, Regime::kStockpiling);
  Thresholds no_override = kDefault;
  no_override.semiconductor_override = false;
  EXPECT_EQ(Classify(0.25, 0.8, true, no_override).regime, Regime::kNoEffect);
}

TEST(Classify, CellIndexLayout) {
  EXPECT_EQ(CellIndex(VolatilityLevel::kHigh, GrowthLevel::kHigh), 0);
  EXPECT_EQ(CellIndex(VolatilityLevel::kHigh, GrowthLevel::kLow), 1);
  EXPECT_EQ(CellIndex(VolatilityLevel::kMedium, GrowthLevel::kHigh), 2);
  EXPECT_EQ(CellIndex(VolatilityLevel::kLow, GrowthLevel::kLow), 5);
  EXPECT_EQ(Classify(0.31, 0.51, false, kDefault).cell(), 0);
  EXPECT_EQ(Classify(0.2, 0.3, false, kDefault).cell(), 5);
}

TEST(Thresholds, IsValidNamesField) {
  Thresholds t;
  std::string err;
  EXPECT_TRUE(t.IsValid(&err));
  t.volatility_low = 0.4;
  EXPECT_FALSE(t.IsValid(&err));
  EXPECT_NE(err.find("thresholds.volatility_low"), std::string::npos);
}

TEST(EnumStrings, RegimeRoundTrip) {
  for (auto r : {Regime::kStockpiling, Regime::kNoEffect, Regime::kSubstitution})
    EXPECT_EQ(RegimeFromString(ToString(r)), r);
  EXPECT_EQ(ToString(Regime::kNoEffect), "no_effect");
}

}  // namespace
}  // namespace chokepoint
