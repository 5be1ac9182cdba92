// Hand-derived V and G for small series under every weighting and base.
#include "chokepoint/core/indices.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace chokepoint {
namespace {

IndexValues Compute(const std::vector<double>& x, IndexSpec spec) {
  return ComputeSeriesIndices(x, {}, YearMonth{2020, 1}, spec);
}

// x = 10, 12, 11, 15: mean 12, deviations -2, 0, -1, 3 -> SS 14, SD sqrt(14/3).
const std::vector<double> kX = {10, 12, 11, 15};

TEST(VolatilityIndex, SampleSdOverMean) {
  IndexSpec spec;
  const auto r = Compute(kX, spec);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r.V, std::sqrt(14.0 / 3.0) / 12.0, 1e-15);
}

TEST(GrowthIndex, LinearWeightsFirstBase) {
  // x' = 0, 0.2, 0.1, 0.5; weights 1..4 sum 10: (0 + 0.4 + 0.3 + 2.0) / 10 = 0.27
  IndexSpec spec;
  spec.weighting = Weighting::kLinear;
  EXPECT_NEAR(Compute(kX, spec).G, 0.27, 1e-15);
}

TEST(GrowthIndex, EqualWeights) {
  IndexSpec spec;
  spec.weighting = Weighting::kEqual;
  EXPECT_NEAR(Compute(kX, spec).G, (0 + 0.2 + 0.1 + 0.5) / 4.0, 1e-15);
}

TEST(GrowthIndex, QuadraticWeights) {
  // weights 1, 4, 9, 16 sum 30: (0 + 0.8 + 0.9 + 8.0) / 30
  IndexSpec spec;
  spec.weighting = Weighting::kQuadratic;
  EXPECT_NEAR(Compute(kX, spec).G, 9.7 / 30.0, 1e-15);
}

TEST(GrowthIndex, ExponentialWeights) {
  // half-life 1: weights 1/8, 1/4, 1/2, 1 sum 15/8.
  IndexSpec spec;
  spec.weighting = Weighting::kExponential;
  spec.half_life = 1.0;
  const double num = 0.0 / 8 + 0.2 / 4 + 0.1 / 2 + 0.5;
  EXPECT_NEAR(Compute(kX, spec).G, num / (15.0 / 8.0), 1e-15);
}

TEST(GrowthIndex, LastKWeights) {
  IndexSpec spec;
  spec.weighting = Weighting::kLastK;
  spec.last_k = 2;
  EXPECT_NEAR(Compute(kX, spec).G, (0.1 + 0.5) / 2.0, 1e-15);
}

TEST(GrowthIndex, FirstYearMeanBase) {
  // 24 months: 10 for the first 12, 20 for the next 12. Base = 10.
  std::vector<double> x(24, 10.0);
  for (int i = 12; i < 24; ++i) x[i] = 20.0;
  IndexSpec spec;
  spec.base = BaseRule::kFirstYearMean;
  spec.weighting = Weighting::kEqual;
  EXPECT_NEAR(Compute(x, spec).G, 0.5, 1e-15);
  // Make the first year uneven: first month 5, the rest of the year 10 + 5/11.
  x[0] = 5.0;
  for (int i = 1; i < 12; ++i) x[i] = 10.0 + 5.0 / 11.0;
  EXPECT_NEAR(Compute(x, spec).G, 0.5, 1e-13);
  spec.base = BaseRule::kFirstPeriod;  // base 5: mean of x is 15 -> G = 2
  EXPECT_NEAR(Compute(x, spec).G, 2.0, 1e-13);
}

TEST(Frequency, QuarterlySums) {
  // 6 months -> quarters 6 and 15; V of {6, 15}: mean 10.5, SD sqrt(40.5).
  std::vector<double> x = {1, 2, 3, 4, 5, 6};
  IndexSpec spec;
  spec.frequency = Frequency::kQuarterly;
  spec.weighting = Weighting::kEqual;
  const auto r = Compute(x, spec);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r.V, std::sqrt(40.5) / 10.5, 1e-15);
  EXPECT_NEAR(r.G, (0.0 + 1.5) / 2.0, 1e-15);
}

TEST(Frequency, AnnualFirst12BaseIsFirstYear) {
  std::vector<double> x(36, 1.0);
  for (int i = 12; i < 24; ++i) x[i] = 2.0;
  for (int i = 24; i < 36; ++i) x[i] = 3.0;
  IndexSpec spec;
  spec.frequency = Frequency::kAnnual;
  spec.base = BaseRule::kFirstYearMean;
  spec.weighting = Weighting::kLinear;
  // years 12, 24, 36; base 12; x' = 0, 1, 2; weights 1,2,3 -> 8/6
  EXPECT_NEAR(Compute(x, spec).G, 8.0 / 6.0, 1e-15);
}

TEST(Window, SelectsMonths) {
  std::vector<double> x = {100, 10, 12, 11, 15, 100};
  IndexSpec spec;
  spec.window_start = YearMonth{2020, 2};
  spec.window_end = YearMonth{2020, 5};
  const auto r = Compute(x, spec);
  ASSERT_TRUE(r.ok());
  EXPECT_NEAR(r.G, 0.27, 1e-15);
}

TEST(UndefinedCases, ReportedNotNaN) {
  IndexSpec spec;
  EXPECT_EQ(Compute({5.0}, spec).status, IndexStatus::kTooShort);
  EXPECT_EQ(Compute({0.0, 1.0, 2.0}, spec).status, IndexStatus::kBaseNotPositive);
  EXPECT_EQ(Compute({0.0, 0.0}, spec).status, IndexStatus::kMeanNotPositive);
  spec.frequency = Frequency::kQuarterly;
  EXPECT_EQ(Compute({1, 2, 3, 4}, spec).status, IndexStatus::kIncompletePeriod);
  spec.frequency = Frequency::kMonthly;
  spec.window_start = YearMonth{2019, 12};
  EXPECT_EQ(Compute({1, 2, 3}, spec).status, IndexStatus::kWindowOutsideData);
  spec.window_start.reset();
  const std::vector<double> x = {1, 2, 3};
  const std::vector<unsigned char> present = {1, 0, 1};
  EXPECT_EQ(ComputeSeriesIndices(x, present, YearMonth{2020, 1}, spec).status, IndexStatus::kMissingInWindow);
  spec.base = BaseRule::kFirstYearMean;
  EXPECT_EQ(Compute({1, 2, 3}, spec).status, IndexStatus::kTooShort);
}

TEST(IndexSpec, IsValidNamesField) {
  IndexSpec spec;
  std::string err;
  EXPECT_TRUE(spec.IsValid(&err));
  spec.weighting = Weighting::kExponential;
  spec.half_life = 0;
  EXPECT_FALSE(spec.IsValid(&err));
  EXPECT_NE(err.find("index.half_life"), std::string::npos);
}

TEST(EnumStrings, RoundTrip) {
  for (auto w : {Weighting::kEqual, Weighting::kLinear, Weighting::kQuadratic, Weighting::kExponential,
                 Weighting::kLastK})
    EXPECT_EQ(WeightingFromString(ToString(w)), w);
  for (auto f : {Frequency::kMonthly, Frequency::kQuarterly, Frequency::kAnnual})
    EXPECT_EQ(FrequencyFromString(ToString(f)), f);
  for (auto b : {BaseRule::kFirstPeriod, BaseRule::kFirstYearMean}) EXPECT_EQ(BaseRuleFromString(ToString(b)), b);
  EXPECT_FALSE(WeightingFromString("Linear").has_value());
}

}  // namespace
}  // namespace chokepoint
