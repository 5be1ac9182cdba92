// Identities and properties of the Bai-Perron implementation.
#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include <gtest/gtest.h>

#include "temp_dir.h"
#include <tbb/global_control.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/random.h"
#include "chokepoint/robustness/models/breaks.h"
#include "chokepoint/robustness/models/hac.h"
#include "segment_rss.h"

namespace chokepoint::robustness {
namespace {

std::vector<double> Simulated(int n, uint64_t seed, double level_shift_at, double shift, double slope = 0.2) {
  RandomStream rng(seed, 1, 2);
  std::vector<double> y(n);
  for (int t = 0; t < n; ++t) y[t] = 10 + slope * (t + 1) + ((t + 1) > level_shift_at ? shift : 0.0) + rng.NextNormal();
  return y;
}

double BruteRss(const std::vector<double>& y, int i, int j, TrendRegressors reg) {
  const int len = j - i + 1;
  const Design d = MakeDesign(len, {reg, false, std::nullopt});
  const Eigen::VectorXd ys = Eigen::Map<const Eigen::VectorXd>(y.data() + i - 1, len);
  const Eigen::VectorXd b = d.X.colPivHouseholderQr().solve(ys);
  return (ys - d.X * b).squaredNorm();
}

TEST(SegmentRssTable, EqualsDirectOls) {
  const std::vector<double> y = Simulated(40, 7, 20, 5.0);
  for (TrendRegressors reg : {TrendRegressors::kLevel, TrendRegressors::kTrend}) {
    SegmentRssTable table;
    table.Compute(y, reg);
    for (int i = 1; i <= 40; i += 3) {
      for (int j = i + 3; j <= 40; j += 2) {
        const double direct = BruteRss(y, i, j, reg);
        EXPECT_NEAR(table(i, j), direct, 1e-9 * (1 + direct)) << i << ".." << j;
      }
    }
  }
}

// Exhaustive search over every partition with m <= 3 breaks and segments of
// at least h, from the full RSS triangle: the first minimum in breakpoint
// order (as R's which.min), its RSS and the breakpoints.
struct Exhaustive {
  double rss = std::numeric_limits<double>::infinity();
  std::vector<int> breakpoints;
};
Exhaustive ExhaustiveSearch(const SegmentRssTable& t, int h, int m) {
  const int n = t.n();
  Exhaustive best;
  auto consider = [&](const std::vector<int>& bps) {
    double rss = 0.0;
    int first = 1;
    for (int b : bps) {
      rss += t(first, b);
      first = b + 1;
    }
    rss += t(first, n);
    if (rss < best.rss) best = {rss, bps};
  };
  if (m == 1)
    for (int a = h; a <= n - h; ++a) consider({a});
  if (m == 2)
    for (int a = h; a <= n - 2 * h; ++a)
      for (int b = a + h; b <= n - h; ++b) consider({a, b});
  if (m == 3)
    for (int a = h; a <= n - 3 * h; ++a)
      for (int b = a + h; b <= n - 2 * h; ++b)
        for (int c = b + h; c <= n - h; ++c) consider({a, b, c});
  return best;
}

TEST(PartitionSearch, EqualsExhaustiveSearch) {
  // The row-at-a-time programme against brute force over the triangle, for
  // both designs, several minimum segments, lengths that are and are not
  // multiples of h, and one search object reused across calls.
  PartitionSearch search;
  for (const int n : {24, 37, 72})
    for (const TrendRegressors reg : {TrendRegressors::kLevel, TrendRegressors::kTrend})
      for (const int h : {3, 5, 9}) {
        const int M = std::min(3, n / h - 1);
        const std::vector<double> y = Simulated(n, 100 + n + h, n / 3, 3.0);
        SegmentRssTable table;
        table.Compute(y, reg);
        const PartitionPath got = search.Run(y, reg, h, M);
        EXPECT_NEAR(got.rss[0], table(1, n), 1e-12 * table(1, n));
        for (int m = 1; m <= M; ++m) {
          const Exhaustive e = ExhaustiveSearch(table, h, m);
          EXPECT_EQ(got.breakpoints[m], e.breakpoints) << n << " h=" << h << " m=" << m;
          EXPECT_NEAR(got.rss[m], e.rss, 1e-12 * e.rss) << n << " h=" << h << " m=" << m;
        }
      }
}

TEST(Breaks, RecoversAPlantedLevelShiftWithSignificantTests) {
  const std::vector<double> y = Simulated(120, 3, 60, 6.0);
  BreakOptions o;
  o.test_replicates = 199;
  const BreakResult r = EstimateBreaks(y, o, YearMonth{2015, 1});
  EXPECT_EQ(r.trim_obs, 18);
  ASSERT_GE(r.selected_bic, 1);
  EXPECT_NEAR(r.breakpoints_by_m[0][0], 60, 2);
  EXPECT_LT(r.sup_f_p[0], 0.01);
  EXPECT_LT(r.ud_max_p, 0.01);
  EXPECT_LT(r.wd_max_p, 0.01);
  EXPECT_GE(r.selected_sequential, 1);
  EXPECT_NEAR(r.seq_f[0], r.sup_f[0], 1e-9 * r.sup_f[0]);  // F(1|0) = supF(1)
  EXPECT_NEAR(r.seq_f_p[0], r.sup_f_p[0], 1e-12);
  EXPECT_EQ(r.DateOf(60)->ToString(), "2019-12");
  EXPECT_NE(r.FullReport().find("supF(1)"), std::string::npos);
}

TEST(Breaks, NoBreakSeriesKeepsLargePValues) {
  const std::vector<double> y = Simulated(96, 5, 1000, 0.0);
  BreakOptions o;
  o.test_replicates = 199;
  const BreakResult r = EstimateBreaks(y, o);
  EXPECT_EQ(r.selected_bic, 0);
  EXPECT_GT(r.sup_f_p[0], 0.05);
  EXPECT_EQ(r.selected_sequential, 0);
  EXPECT_TRUE(r.breakpoints.empty());
  EXPECT_TRUE(r.confidence_intervals.empty());
}

TEST(Breaks, PValuesIndependentOfThreadsAndSeeded) {
  const std::vector<double> y = Simulated(80, 9, 40, 2.0);
  BreakOptions o;
  o.test_replicates = 99;
  const BreakResult a = EstimateBreaks(y, o);
  BreakResult b;
  {
    tbb::global_control one_thread(tbb::global_control::max_allowed_parallelism, 1);
    b = EstimateBreaks(y, o);
  }
  EXPECT_EQ(a.sup_f_p, b.sup_f_p);
  EXPECT_EQ(a.seq_f_p, b.seq_f_p);
  EXPECT_EQ(a.wd_max_p, b.wd_max_p);
}

TEST(Breaks, PartialChangeWithFixedMonthEffects) {
  // Strong month pattern + level shift after obs 50: pure change on levels
  // would be confused by the seasonality; the partial model finds the shift.
  const int n = 120;
  RandomStream rng(42, 0, 0);
  std::vector<double> y(n);
  const double season[12] = {0, 8, -6, 3, 10, -9, 4, -3, 7, -8, 2, 5};
  for (int t = 0; t < n; ++t) y[t] = 50 + 0.1 * t + season[t % 12] + (t + 1 > 50 ? 12.0 : 0.0) + rng.NextNormal();
  BreakOptions o;
  o.seasonal_fixed = true;
  o.max_breaks = 3;
  o.test_replicates = 199;
  const BreakResult r = EstimateBreaks(y, o, YearMonth{2015, 1});
  EXPECT_EQ(r.p, 11);
  ASSERT_EQ(r.selected_bic, 1);
  EXPECT_NEAR(r.breakpoints[0], 50, 1);
  EXPECT_TRUE(r.tests_computed);
  EXPECT_LT(r.sup_f_p[0], 0.01);
  EXPECT_EQ(r.selected_sequential, 1);
  EXPECT_NE(r.pvalue_source.find("partial change"), std::string::npos);
  // The pure-change fit on the same seasonal series is thrown off by the
  // month pattern (far larger RSS with one break).
  BreakOptions pure = o;
  pure.seasonal_fixed = false;
  pure.compute_tests = false;
  EXPECT_GT(EstimateBreaks(y, pure).rss[1], 5 * r.rss[1]);
  ASSERT_EQ(r.confidence_intervals.size(), 1u);
  EXPECT_LE(r.confidence_intervals[0].lower, 50);
  EXPECT_GE(r.confidence_intervals[0].upper, 50);
}

TEST(Breaks, FittedLwzIsTheOlsFitAtTheLwzBreaks) {
  // A trend that drops by 0.6 after obs 62, fixed month effects, noise:
  // fitted_lwz must equal an independent OLS of y on segment intercepts and
  // trends at the LWZ breakpoints (breakpoints_by_m[m - 1] holds m breaks)
  // plus 11 month dummies, i.e. the model with exactly selected_lwz breaks.
  const int n = 120;
  RandomStream rng(5, 0, 0);
  std::vector<double> y(n);
  for (int t = 0; t < n; ++t)
    y[t] = 20 + 0.005 * t + 0.05 * ((t % 12) == 1) + (t + 1 > 62 ? -0.6 : 0.0) + 0.03 * rng.NextNormal();
  BreakOptions o;
  o.seasonal_fixed = true;
  o.compute_tests = false;
  const BreakResult r = EstimateBreaks(y, o, YearMonth{2015, 1});
  ASSERT_GE(r.selected_lwz, 1);
  const std::vector<int>& bps = r.breakpoints_by_m[r.selected_lwz - 1];
  ASSERT_EQ(static_cast<int>(bps.size()), r.selected_lwz);
  EXPECT_NEAR(bps[0], 62, 2);
  const int regimes = r.selected_lwz + 1;
  const Eigen::MatrixXd months = MonthDummies(n, YearMonth{2015, 1});
  Eigen::MatrixXd X = Eigen::MatrixXd::Zero(n, 2 * regimes + 11);
  for (int t = 0, k = 0; t < n; ++t) {
    while (k < regimes - 1 && t + 1 > bps[k]) ++k;
    X(t, 2 * k) = 1.0;
    X(t, 2 * k + 1) = t + 1.0;
  }
  X.rightCols(11) = months;
  const Eigen::VectorXd yy = Eigen::Map<const Eigen::VectorXd>(y.data(), n);
  const Eigen::VectorXd fit = X * X.colPivHouseholderQr().solve(yy);
  ASSERT_EQ(r.fitted_lwz.size(), static_cast<size_t>(n));
  for (int t = 0; t < n; ++t) EXPECT_NEAR(r.fitted_lwz[t], fit(t), 1e-9) << t;
}

TEST(Breaks, OptionValidationAndCap) {
  BreakOptions o;
  o.trim = 0.6;
  std::string error;
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("breaks.trim"), std::string::npos);
  EXPECT_THROW(EstimateBreaks(std::vector<double>(50, 1.0), o), Error);
  o.trim = 0.15;
  o.max_breaks = 9;
  o.compute_tests = false;
  const BreakResult r = EstimateBreaks(Simulated(60, 1, 30, 3.0), o);
  EXPECT_EQ(r.max_breaks, 5);  // ceil(60 / 9) - 2
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings[0].find("changed to 5"), std::string::npos);
  // h = floor(0.15 * 12) = 1 is not above q = 2.
  EXPECT_THROW(EstimateBreaks(std::vector<double>(12, 1.0), o), Error);
}

TEST(ArgmaxV, IsADistributionFunction) {
  EXPECT_NEAR(ArgmaxVCdf(0.0, 1, 1, 1), 0.5, 1e-12);  // symmetric case
  EXPECT_LT(ArgmaxVCdf(-200.0, 1, 1, 1), 1e-3);
  EXPECT_GT(ArgmaxVCdf(200.0, 1, 1, 1), 1 - 1e-3);
  double previous = 0.0;
  for (double x = -50; x <= 50; x += 2.5) {
    const double p = ArgmaxVCdf(x, 1.3, 0.8, 1.1);
    EXPECT_GE(p, previous - 1e-12);
    previous = p;
  }
}

}  // namespace
}  // namespace chokepoint::robustness

namespace chokepoint::robustness {
namespace {

TEST(ModelOptionsToml, RoundTripAndRejectUnknownKeys) {
  const toml::table t = ParseTomlText(
      "[breaks]\nregressors = \"level\"\ntrim = 0.1\nmax_breaks = 3\nseed = 7\n"
      "[hac]\nkernel = \"qs\"\nbandwidth_rule = \"andrews\"\nadjust = true\n"
      "[bad]\ntrimm = 0.2\n",
      "models.toml");
  const BreakOptions b = BreakOptions::FromToml(TomlSection(t["breaks"].as_table(), "breaks", "models.toml"));
  EXPECT_EQ(b.regressors, TrendRegressors::kLevel);
  EXPECT_DOUBLE_EQ(b.trim, 0.1);
  EXPECT_EQ(b.max_breaks, 3);
  EXPECT_EQ(b.seed, 7u);
  const toml::table bt = b.ToToml();
  const BreakOptions b2 = BreakOptions::FromToml(TomlSection(&bt, "breaks", "resolved"));
  EXPECT_EQ(b2.trim, b.trim);
  EXPECT_EQ(b2.test_replicates, b.test_replicates);
  const HacOptions h = HacOptions::FromToml(TomlSection(t["hac"].as_table(), "hac", "models.toml"));
  EXPECT_EQ(h.kernel, HacKernel::kQuadraticSpectral);
  EXPECT_EQ(h.bandwidth_rule, BandwidthRule::kAndrews1991);
  EXPECT_TRUE(h.adjust);
  EXPECT_TRUE(h.prewhite);  // default kept
  const toml::table ht = h.ToToml();
  EXPECT_EQ(HacOptions::FromToml(TomlSection(&ht, "hac", "resolved")).Describe(), h.Describe());
  try {
    BreakOptions::FromToml(TomlSection(t["bad"].as_table(), "breaks", "models.toml"));
    FAIL() << "unknown key accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("trimm"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace chokepoint::robustness

#include <filesystem>

#include "chokepoint/core/h5.h"
#include "chokepoint/robustness/models/models_io.h"

namespace chokepoint::robustness {
namespace {

TEST(ModelsIo, WritesBreakAndHacSectionsReadableBack) {
  const std::vector<double> y = Simulated(120, 3, 60, 6.0);
  BreakOptions o;
  o.test_replicates = 49;
  const BreakResult br = EstimateBreaks(y, o, YearMonth{2015, 1});
  const Design d = MakeDesign(120, {TrendRegressors::kTrend, false, std::nullopt});
  const Eigen::VectorXd yv = Eigen::Map<const Eigen::VectorXd>(y.data(), 120);
  const HacResult hr = ComputeHac(d.X, FitOls(d.X, yv, d.names), HacOptions{});
  const testing::ScopedTempDir dir("breaks_io");  // unique per process and test
  const std::filesystem::path path = dir / "models_io.h5";
  {
    h5::File f = h5::File::Create(path);
    h5::Handle g = h5::EnsureGroup(f.id(), "/models/breaks/series");
    WriteBreakResult(g.id(), br);
    // A series without breaks: empty breakpoints and a 0 x 3 interval table.
    BreakOptions quick;
    quick.compute_tests = false;
    const BreakResult none = EstimateBreaks(Simulated(96, 5, 1000, 0.0), quick);
    ASSERT_TRUE(none.breakpoints.empty());
    h5::Handle g0 = h5::EnsureGroup(f.id(), "/models/breaks/flat");
    WriteBreakResult(g0.id(), none);
    h5::Handle gh = h5::EnsureGroup(f.id(), "/models/hac/series");
    WriteHacResult(gh.id(), hr);
    f.Close();
  }
  h5::File f = h5::File::OpenReadOnly(path);
  EXPECT_EQ(h5::ReadDoubles(f.id(), "/models/breaks/series/rss"), br.rss);
  EXPECT_EQ(h5::Dimensions(f.id(), "/models/breaks/series/breakpoints_by_m"), (std::vector<hsize_t>{5, 5}));
  EXPECT_EQ(h5::ReadStrings(f.id(), "/models/breaks/series/breakdates").size(), br.breakpoints.size());
  EXPECT_EQ(h5::ReadStrings(f.id(), "/models/hac/series/names"), hr.names);
  EXPECT_EQ(h5::Dimensions(f.id(), "/models/breaks/flat/confidence_intervals"), (std::vector<hsize_t>{0, 3}));
  EXPECT_EQ(h5::ReadDoubles(f.id(), "/models/hac/series/vcov").size(), 4u);
  f.Close();
  std::filesystem::remove(path);
  EXPECT_NE(FormatBreaksMarkdown(br, "Simulated").find("| m | RSS |"), std::string::npos);
  EXPECT_NE(FormatHacMarkdown(hr, "Simulated").find("Newey-West (1994)"), std::string::npos);
}

}  // namespace
}  // namespace chokepoint::robustness

namespace chokepoint::robustness {
namespace {

TEST(BreaksTests, SimulatedCriticalValuesNearBaiPerronTable) {
  // y ~ 1, eps = 0.15: Bai & Perron (2003) asymptotic 5% critical values of
  // supF(1..5) for q = 1 are 8.58, 7.22, 5.96, 4.99, 3.91. With n = 300 and
  // 999 null draws the simulated ones must lie within 10%.
  RandomStream rng(5, 5, 5);
  std::vector<double> y(300);
  for (double& v : y) v = rng.NextNormal();
  BreakOptions o;
  o.regressors = TrendRegressors::kLevel;
  const BreakResult r = EstimateBreaks(y, o);
  const double table[5] = {8.58, 7.22, 5.96, 4.99, 3.91};
  for (int k = 0; k < 5; ++k) EXPECT_NEAR(r.sup_f_critical_5[k], table[k], 0.1 * table[k]) << "supF(" << k + 1 << ")";
}

}  // namespace
}  // namespace chokepoint::robustness
