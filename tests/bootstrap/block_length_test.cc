// Automatic block length against golden values of an independent R
// implementation of Politis-White (2004) + Patton-Politis-White (2009) with
// np::b.star's constants (scripts/golden/bootstrap_bstar.R), and against
// the closed form of the optimal block length of an AR(1) process, a
// second, unrelated route to the same quantity (on long series the estimate
// must converge to it).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <vector>

#include "chokepoint/bootstrap/block_length.h"
#include "test_util.h"

namespace chokepoint::bootstrap {
namespace {

using testing::DataPath;
using testing::ReadCsv;

TEST(BlockLengthTest, MatchesGoldenToOneInAMillionRelative) {
  std::map<std::string, std::vector<double>> series;
  for (const auto& row : ReadCsv(DataPath("bstar_series.csv")))
    series[row.at("case")].push_back(std::stod(row.at("value")));
  const auto golden = ReadCsv(DataPath("bstar_golden.csv"));
  ASSERT_EQ(golden.size(), 8u);
  for (const auto& g : golden) {
    SCOPED_TRACE(g.at("case"));
    const auto& x = series.at(g.at("case"));
    ASSERT_EQ(static_cast<int>(x.size()), std::stoi(g.at("n")));
    const BlockLengthSelection s = SelectBlockLength(x);
    EXPECT_EQ(s.mhat, std::stoi(g.at("mhat")));
    EXPECT_EQ(s.M, std::stoi(g.at("M")));
    EXPECT_DOUBLE_EQ(s.bmax, std::stod(g.at("bmax")));
    for (const char* key : {"G_hat", "g0", "stationary_uncapped", "circular_uncapped", "stationary", "circular"}) {
      const double want = std::stod(g.at(key));
      double got = 0;
      const std::string k = key;
      if (k == "G_hat") got = s.g_hat;
      else if (k == "g0") got = s.spectrum_zero;
      else if (k == "stationary_uncapped") got = s.stationary_uncapped;
      else if (k == "circular_uncapped") got = s.circular_uncapped;
      else if (k == "stationary") got = s.stationary;
      else got = s.circular;
      EXPECT_NEAR(got, want, 1e-6 * std::fabs(want)) << key;
    }
  }
}

TEST(BlockLengthTest, ConstantsFollowNpRules) {
  std::vector<double> x(120);
  RandomStream rs(1, 2, 3);
  for (double& v : x) v = rs.NextNormal();
  const BlockLengthSelection s = SelectBlockLength(x);
  EXPECT_NEAR(s.c, 1.959963984540054, 1e-15);
  EXPECT_EQ(s.kn, 5);                      // max(5, ceil(log10 120) = 3)
  EXPECT_EQ(s.mmax, 11 + 5);               // ceil(sqrt 120) + K_N
  EXPECT_DOUBLE_EQ(s.bmax, 33.0);          // ceil(min(3 sqrt 120 = 32.86, 40))
  EXPECT_NEAR(s.critical_value, 1.959963984540054 * std::sqrt(std::log10(120.0) / 120.0), 1e-15);
  // CB / SB = (2 / (4/3))^(1/3) whenever neither is capped.
  EXPECT_NEAR(s.circular_uncapped / s.stationary_uncapped, std::cbrt(1.5), 1e-12);
}

TEST(BlockLengthTest, ConstantSeriesIsDegenerateNotNan) {
  std::vector<double> x(50, 3.0);
  const BlockLengthSelection s = SelectBlockLength(x);
  EXPECT_TRUE(s.degenerate);
  EXPECT_EQ(s.stationary, 1.0);
  EXPECT_EQ(s.circular, 1.0);
}

// The second reference: Politis and White's optimal lengths are functionals
// of the autocovariances, b_SB = (G / g(0))^(2/3) n^(1/3) with G = sum |k| R(k)
// and g(0) = sum R(k), and b_CB = (3/2)^(1/3) b_SB. For a Gaussian AR(1) with
// coefficient phi, R(k) = phi^|k| / (1 - phi^2), so g(0) = 1 / (1 - phi)^2,
// G = 2 phi / ((1 - phi^2)(1 - phi)^2) and G / g(0) = 2 phi / (1 - phi^2). The
// estimator is consistent, so on n = 200,000 it must land near that value:
// over 20 seeds the ratio of estimate to closed form averaged 0.991-1.016 with
// SDs of 3.1% (phi 0.3, 0.5) and 4.6-4.7% (0.8, -0.5), so the tolerances (12%
// and 16%) are about 3.5 SDs. A wrong D (g(0)^2 for 2 g(0)^2) moves b by 26%.
TEST(BlockLengthTest, ConvergesToTheAr1ClosedForm) {
  const int n = 200000;
  for (const double phi : {0.3, 0.5, 0.8, -0.5}) {
    std::vector<double> x(n);
    RandomStream rs(20261130, static_cast<uint32_t>(std::lround(100 * (phi + 1))), 0);
    double e = rs.NextNormal() / std::sqrt(1.0 - phi * phi);  // stationary start
    for (double& v : x) {
      v = e;
      e = phi * e + rs.NextNormal();
    }
    const BlockLengthSelection s = SelectBlockLength(x);
    const double ratio = std::abs(2.0 * phi / (1.0 - phi * phi));
    const double stationary = std::pow(ratio, 2.0 / 3.0) * std::cbrt(static_cast<double>(n));
    const double tolerance = phi == 0.3 || phi == 0.5 ? 0.12 : 0.16;
    std::printf("phi %+.1f: b_SB %.2f (closed form %.2f), b_CB %.2f (%.2f), M %d\n", phi, s.stationary_uncapped,
                stationary, s.circular_uncapped, std::cbrt(1.5) * stationary, s.M);
    EXPECT_NEAR(s.stationary_uncapped / stationary, 1.0, tolerance) << "phi " << phi;
    EXPECT_NEAR(s.circular_uncapped / (std::cbrt(1.5) * stationary), 1.0, tolerance) << "phi " << phi;
    EXPECT_FALSE(s.capped_stationary());
  }
}

}  // namespace
}  // namespace chokepoint::bootstrap
