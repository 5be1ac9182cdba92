// The `levels` scheme with a fixed block length against R's boot::tsboot
// (scripts/golden/bootstrap_tsboot.R): replicate mean and SD of V and of G
// (linear weights) agree within Monte Carlo error for sim = "geom"
// (stationary), "fixed" with endcorr (circular) and without (moving).
#include <gtest/gtest.h>

#include <cmath>

#include "chokepoint/bootstrap/engine.h"
#include "test_util.h"

namespace chokepoint::bootstrap {
namespace {

using testing::DataPath;
using testing::ReadCsv;

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
    const BootstrapResult r = RunSeriesBootstrap(x, YearMonth{2015, 1}, IndexSpec{}, Thresholds{}, o);
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
    }
  }
}

}  // namespace
}  // namespace chokepoint::bootstrap
