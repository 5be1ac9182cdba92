// The data-generating process against closed forms, the AR(1) noise against
// its moments, and the independence of results from code order and threads.
#include <cmath>
#include <numeric>

#include <gtest/gtest.h>
#include <tbb/global_control.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/simulate.h"

namespace chokepoint {
namespace {

SeriesBlock OneCodeBlock(uint32_t code, double level) {
  SeriesBlock b;
  b.group_id = 1;
  b.name = "test";
  b.shape.level_usd = level;
  b.members.push_back({HsCode::FromInt(code), 1.0});
  return b;
}

TEST(LunarNewYear, HolidayWindowSplitsAcrossMonths) {
  // 2015-02-19: window Feb 12 .. Mar 4 -> 17 days in February, 4 in March.
  auto w = LunarNewYearWeights(2015);
  EXPECT_DOUBLE_EQ(w[0], 0.0);
  EXPECT_NEAR(w[1], 17.0 / 21, 1e-15);
  EXPECT_NEAR(w[2], 4.0 / 21, 1e-15);
  // 2023-01-22: Jan 15 .. Feb 4 -> 17 in January, 4 in February.
  w = LunarNewYearWeights(2023);
  EXPECT_NEAR(w[0], 17.0 / 21, 1e-15);
  EXPECT_NEAR(w[1], 4.0 / 21, 1e-15);
  // 2020-01-25 (leap year): Jan 18 .. Feb 7 -> 14 and 7.
  w = LunarNewYearWeights(2020);
  EXPECT_NEAR(w[0], 14.0 / 21, 1e-15);
  EXPECT_NEAR(w[1], 7.0 / 21, 1e-15);
  for (int y = 2010; y <= 2030; ++y) {
    w = LunarNewYearWeights(y);
    EXPECT_NEAR(std::accumulate(w.begin(), w.end(), 0.0), 1.0, 1e-12) << y;
  }
  EXPECT_EQ(LunarNewYearDayOfYear(2024), 41);  // 2024-02-10
  EXPECT_THROW(LunarNewYearWeights(2031), Error);
}

TEST(Simulate, NoiseFreePathEqualsClosedForm) {
  Scenario sc;
  sc.name = "closed_form";
  sc.first_month = {2015, 1};
  sc.last_month = {2017, 12};
  SeriesBlock b = OneCodeBlock(85423190, 1000.0);
  b.shape.slope_per_year = 0.12;                       // 0.01 per month
  b.shape.breaks = {{{2016, 1}, -0.24}};                // -0.02 per month from 2016-01 (t = 12)
  for (int m = 0; m < 12; ++m) b.shape.season[m] = 0.01 * (m + 1);
  b.shape.seasonality = 2.0;
  b.shape.lny_dip = 0.21;
  b.shape.surges = {{{2015, 6}, 0.5, 2.0}};            // t0 = 5
  b.shape.sigma = 0.0;
  sc.groups.push_back(b);
  const SimulationResult r = Simulate(sc, 7);
  ASSERT_EQ(r.panel.num_codes(), 1);
  ASSERT_EQ(r.panel.num_months(), 36);
  for (int t = 0; t < 36; ++t) {
    const YearMonth ym = sc.first_month.Plus(t);
    const double trend = 0.01 * std::min(t, 12) - 0.02 * std::max(0, t - 12);
    double lny = 0.0;
    // 2015-02-19: Feb 17/21, Mar 4/21; 2016-02-08: Feb 1..21, all 21 days in February;
    // 2017-01-28: Jan 21..31 = 11/21, Feb 1..10 = 10/21.
    if (ym == YearMonth{2015, 2}) lny = 17.0 / 21;
    if (ym == YearMonth{2015, 3}) lny = 4.0 / 21;
    if (ym == YearMonth{2016, 2}) lny = 1.0;
    if (ym == YearMonth{2017, 1}) lny = 11.0 / 21;
    if (ym == YearMonth{2017, 2}) lny = 10.0 / 21;
    const double season = 2.0 * 0.01 * ym.month - 0.21 * lny;
    const double surge = t >= 5 ? 0.5 * std::pow(2.0, -(t - 5) / 2.0) : 0.0;
    const double expected = 1000.0 * std::exp(trend + season + surge);
    EXPECT_NEAR(r.truth.code_path(0)[t], expected, 1e-9 * expected) << ym.ToString();
    // sigma = 0: the observed panel is the truth.
    EXPECT_NEAR(r.panel.value(0, t), expected, 1e-9 * expected) << ym.ToString();
    EXPECT_NEAR(r.truth.blocks[0].log_surge[t], surge, 1e-12);
  }
  ASSERT_EQ(r.truth.group_ids.size(), 1u);
  EXPECT_EQ(r.truth.group_paths, r.truth.code_paths);
}

TEST(Simulate, AnnualTotalsAndSharesAreExact) {
  Scenario sc;
  sc.name = "totals";
  sc.first_month = {2015, 1};
  sc.last_month = {2016, 12};
  SeriesBlock b;
  b.name = "bg";
  b.category = "capital";
  b.shape.level_usd = 50.0;
  b.shape.slope_per_year = 0.3;
  b.shape.annual_totals_usd = {1200.0, 3600.0};
  b.members = {{HsCode::FromInt(84798999), 0.75}, {HsCode::FromInt(84713000), 0.25}};
  sc.background.push_back(b);
  sc.benchmark_annual = true;
  const SimulationResult r = Simulate(sc, 3);
  ASSERT_EQ(r.panel.num_codes(), 2);
  EXPECT_EQ(r.panel.codes()[0].value(), 84713000u);  // rows sorted by code
  for (int y = 0; y < 2; ++y) {
    double truth0 = 0, truth1 = 0, obs0 = 0, obs1 = 0;
    for (int t = 12 * y; t < 12 * y + 12; ++t) {
      truth0 += r.truth.code_path(0)[t];
      truth1 += r.truth.code_path(1)[t];
      obs0 += r.panel.value(0, t);
      obs1 += r.panel.value(1, t);
    }
    const double total = y == 0 ? 1200.0 : 3600.0;
    EXPECT_NEAR(truth0, 0.25 * total, 1e-9 * total);
    EXPECT_NEAR(truth1, 0.75 * total, 1e-9 * total);
    // Benchmarking: observed year totals equal the noise-free ones.
    EXPECT_NEAR(obs0, truth0, 1e-9 * total);
    EXPECT_NEAR(obs1, truth1, 1e-9 * total);
  }
  // Noise is still there month to month.
  EXPECT_NE(r.panel.value(0, 3), r.truth.code_path(0)[3]);
}

TEST(Simulate, Ar1NoiseHasItsMoments) {
  // 400 codes x 120 months of pure noise: log(x / truth) + var/2 is the AR(1) u.
  const double rho = 0.6, sigma = 0.1;
  Scenario sc;
  sc.name = "ar1";
  SeriesBlock b;
  b.name = "noise";
  b.shape.level_usd = 1.0;
  b.shape.rho = rho;
  b.shape.sigma = sigma;
  for (uint32_t i = 0; i < 400; ++i) b.members.push_back({HsCode::FromInt(10000000 + i), 1.0 / 400});
  sc.background.push_back(b);
  const SimulationResult r = Simulate(sc, 42);
  const double var = sigma * sigma / (1 - rho * rho);
  double n = 0, sum = 0, sum2 = 0, lag = 0, nlag = 0, mean_level = 0;
  for (int row = 0; row < r.panel.num_codes(); ++row) {
    double prev = 0;
    for (int t = 0; t < r.panel.num_months(); ++t) {
      const double ratio = r.panel.value(row, t) / r.truth.code_path(row)[t];
      const double u = std::log(ratio) + var / 2;
      mean_level += ratio;
      sum += u;
      sum2 += u * u;
      n += 1;
      if (t > 0) { lag += u * prev; nlag += 1; }
      prev = u;
    }
  }
  const double mean = sum / n;
  EXPECT_NEAR(mean, 0.0, 0.006);                        // SE ~ 0.0016 (AR inflation included)
  EXPECT_NEAR(sum2 / n / var, 1.0, 0.05);              // SE ~ 0.015
  EXPECT_NEAR(lag / nlag / var, rho, 0.03);            // SE ~ 0.01
  EXPECT_NEAR(mean_level / n, 1.0, 0.006);              // E[exp(u - var/2)] = 1
}

Scenario TwoBlockScenario(bool reversed) {
  Scenario sc;
  sc.name = "order";
  SeriesBlock a = OneCodeBlock(85423190, 100.0);
  a.members = {{HsCode::FromInt(85423190), 0.6}, {HsCode::FromInt(85423110), 0.4}};
  SeriesBlock b = OneCodeBlock(84862031, 10.0);
  b.group_id = 6;
  b.shape.surges = {{{2020, 3}, 0.8, 5.0}};
  if (reversed) {
    std::swap(a.members[0], a.members[1]);
    sc.groups = {b, a};
  } else {
    sc.groups = {a, b};
  }
  return sc;
}

TEST(Simulate, SameSeedSamePanelWhateverOrderAndThreads) {
  const SimulationResult base = Simulate(TwoBlockScenario(false), 5);
  const SimulationResult again = Simulate(TwoBlockScenario(false), 5);
  const SimulationResult reordered = Simulate(TwoBlockScenario(true), 5);
  SimulationResult one_thread;
  {
    tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
    one_thread = Simulate(TwoBlockScenario(false), 5);
  }
  const auto v = base.panel.values();
  ASSERT_EQ(v.size(), 3u * 120u);
  for (size_t i = 0; i < v.size(); ++i) {
    EXPECT_EQ(v[i], again.panel.values()[i]);
    EXPECT_EQ(v[i], reordered.panel.values()[i]);
    EXPECT_EQ(v[i], one_thread.panel.values()[i]);
  }
  const SimulationResult other = Simulate(TwoBlockScenario(false), 6);
  EXPECT_NE(v[10], other.panel.values()[10]);
}

TEST(Simulate, ProvenanceSaysSynthetic) {
  const SimulationResult r = Simulate(TwoBlockScenario(false), 9);
  EXPECT_TRUE(r.panel.provenance.synthetic);
  EXPECT_EQ(r.panel.provenance.label, "synthetic: scenario order, seed 9");
  EXPECT_EQ(r.panel.provenance.scenario, "order");
  EXPECT_EQ(r.panel.provenance.seed, 9u);
  EXPECT_NE(r.FullReport().find("synthetic: scenario order, seed 9"), std::string::npos);
}

}  // namespace
}  // namespace chokepoint
