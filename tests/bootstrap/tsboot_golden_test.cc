// The `levels` scheme with a fixed block length against R's boot::tsboot
// (scripts/golden/bootstrap_tsboot.R): replicate mean, SD and the 5, 25, 50,
// 75 and 95% quantiles of V and of G (linear weights) agree within Monte
// Carlo error for sim = "geom" (stationary), "fixed" with endcorr (circular)
// and without (moving): the whole distribution, not only its first moments.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "chokepoint/bootstrap/engine.h"
#include "test_util.h"

namespace chokepoint::bootstrap {
namespace {

using testing::DataPath;
using testing::ReadCsv;

// R's quantile(type = 6) of sorted values.
double QuantileType6(const std::vector<double>& sorted, double p) {
  const double n = static_cast<double>(sorted.size());
  const double h = (n + 1) * p;
  const double lo = std::clamp(std::floor(h), 1.0, n), hi = std::clamp(std::floor(h) + 1, 1.0, n);
  const double frac = h - std::floor(h);
  return sorted[static_cast<size_t>(lo) - 1] + frac * (sorted[static_cast<size_t>(hi) - 1] - sorted[static_cast<size_t>(lo) - 1]);
}

TEST(TsbootGoldenTest, LevelsSchemeMatchesTsbootWithinMonteCarloError) {
  std::vector<double> x;
  for (const auto& row : ReadCsv(DataPath("tsboot_series.csv"))) x.push_back(std::stod(row.at("value")));
  ASSERT_EQ(x.size(), 120u);
  const auto golden = ReadCsv(DataPath("tsboot_golden.csv"));
  ASSERT_EQ(golden.size(), 6u);
  const std::pair<const char*, BlockMethod> runs[] = {{"geom", BlockMethod::kStationary},
                                                      {"fixed_circular", BlockMethod::kCircular},
                                                      {"fixed_moving", BlockMethod::kMoving}};
  const int B = 20000;
  for (const auto& [name, method] : runs) {
    SCOPED_TRACE(name);
    BootstrapOptions o;
    o.replicates = B;
    o.seed = 99;
    o.threads = 2;
    o.progress = false;
    o.resampler.scheme = Scheme::kLevels;
    o.resampler.blocks = method;
    o.resampler.block_length = 6.0;
    o.keep_replicates = true;
    const BootstrapResult r = RunSeriesBootstrap(x, YearMonth{2015, 1}, IndexSpec{}, Thresholds{}, o);
    ASSERT_EQ(r.V_replicates.size(), static_cast<size_t>(B));
    std::vector<double> sorted_V(r.V_replicates.begin(), r.V_replicates.end());
    std::vector<double> sorted_G(r.G_replicates.begin(), r.G_replicates.end());
    std::sort(sorted_V.begin(), sorted_V.end());
    std::sort(sorted_G.begin(), sorted_G.end());
    ASSERT_TRUE(r.groups[0].ok) << r.groups[0].note;
    EXPECT_EQ(r.groups[0].block_length_used, 6.0);
    for (const auto& g : golden) {
      if (g.at("run") != name) continue;
      const StatisticSummary& s = g.at("statistic") == "V" ? r.groups[0].V : r.groups[0].G;
      const double R = std::stod(g.at("R"));
      const double mean = std::stod(g.at("mean")), sd = std::stod(g.at("sd"));
      EXPECT_NEAR(s.point, std::stod(g.at("t0")), 1e-12 * std::fabs(s.point)) << g.at("statistic");
      // Two independent Monte Carlo estimates: SE of the difference of means
      // is sd sqrt(1/B + 1/R); of SDs about sd sqrt((1/B + 1/R) / 2) for a
      // normal cloud, doubled here for excess kurtosis. 4 standard errors.
      const double se_mean = sd * std::sqrt(1.0 / B + 1.0 / R);
      const double se_sd = sd * std::sqrt((1.0 / B + 1.0 / R) / 2.0) * 2.0;
      EXPECT_NEAR(s.mean, mean, 4.0 * se_mean) << g.at("statistic") << " mean";
      EXPECT_NEAR(s.sd, sd, 4.0 * se_sd) << g.at("statistic") << " sd";
      // Quantiles: the SE of the difference of two sample p-quantiles is
      // sqrt(p (1 - p) (1/B + 1/R)) / f(q), the density f estimated from our
      // replicates' quantiles at p +- 0.02. 4 standard errors.
      const std::vector<double>& sorted = g.at("statistic") == "V" ? sorted_V : sorted_G;
      for (const auto& [column, p] : {std::pair<const char*, double>{"q05", 0.05}, {"q25", 0.25}, {"q50", 0.50},
                                      {"q75", 0.75}, {"q95", 0.95}}) {
        const double density = 0.04 / (QuantileType6(sorted, p + 0.02) - QuantileType6(sorted, p - 0.02));
        const double se_q = std::sqrt(p * (1 - p) * (1.0 / B + 1.0 / R)) / density;
        EXPECT_NEAR(QuantileType6(sorted, p), std::stod(g.at(column)), 4.0 * se_q) << g.at("statistic") << " " << column;
      }
    }
  }
}

}  // namespace
}  // namespace chokepoint::bootstrap
