#include "chokepoint/robustness/models/models.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "temp_dir.h"

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/random.h"
#include "chokepoint/robustness/models/models_io.h"

namespace chokepoint::robustness {
namespace {

TEST(Models, OptionsTomlRoundTripAndValidation) {
  const toml::table config = ParseTomlText(
      "[models]\nevents_file = \"x.csv\"\n[models.surge]\nloss = \"cauchy\"\nloss_scale = 2.385\n"
      "[models.panel]\npost_start = \"2019-06\"\n",
      "test.toml");
  const ModelsOptions o = ModelsOptions::FromToml(TomlSection(config["models"].as_table(), "models", "test.toml"));
  EXPECT_EQ(o.surge.loss, RobustLoss::kCauchy);
  EXPECT_DOUBLE_EQ(o.surge.loss_scale, 2.385);
  EXPECT_EQ(o.panel.post_start, (YearMonth{2019, 6}));
  EXPECT_EQ(o.events_file, "x.csv");
  const toml::table back = o.ToToml();
  const ModelsOptions again = ModelsOptions::FromToml(TomlSection(&back, "models", "roundtrip"));
  EXPECT_EQ(again.surge.loss, RobustLoss::kCauchy);
  EXPECT_EQ(again.panel.post_start, (YearMonth{2019, 6}));

  const toml::table bad = ParseTomlText("[models.surge]\nbreak_trim = 0.7\n", "bad.toml");
  try {
    ModelsOptions::FromToml(TomlSection(bad["models"].as_table(), "models", "bad.toml"));
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("models.surge.break_trim"), std::string::npos) << e.what();
  }
  const toml::table unknown = ParseTomlText("[models]\nfoo = 1\n", "u.toml");
  EXPECT_THROW(ModelsOptions::FromToml(TomlSection(unknown["models"].as_table(), "models", "u.toml")), Error);
}

TEST(Models, SimulatedGroupsEndToEnd) {
  const GroupSeries series = SimulateModelGroups(7);
  const ModelsResult r = RunModels(series, ModelsOptions{});
  ASSERT_EQ(r.groups.size(), 17u);
  EXPECT_FALSE(r.events.empty());  // shipped data/events/policy_events.csv
  int semi_stockpiling = 0;
  for (const auto& gm : r.groups) {
    ASSERT_TRUE(gm.fitted) << gm.group << ": " << gm.skipped_reason;
    if (gm.semiconductor && gm.surge.verdict == Regime::kStockpiling) ++semi_stockpiling;
    // Adjusted series = raw / exp(surge): back out the surge exactly.
    const auto row = series.row(static_cast<int>(&gm - r.groups.data()));
    for (size_t t = 0; t < row.size(); ++t)
      EXPECT_NEAR(std::log(row[t]) - std::log(gm.adjusted_series[t]), gm.surge.fitted_surge[t], 1e-9);
  }
  EXPECT_GE(semi_stockpiling, 5);  // 6 planted surges
  // Agreement table counts every fitted, classified group once.
  int total = 0;
  for (const auto& row : r.agreement)
    for (int c : row) total += c;
  EXPECT_EQ(total, r.agreement_total);
  EXPECT_EQ(total, 17);
  ASSERT_TRUE(r.panel.has_value()) << r.panel_error;
  EXPECT_EQ(r.panel->num_semiconductor, 6);
  EXPECT_NE(FormatModelsReport(r).find("| Integrated Circuits | yes |"), std::string::npos);

  const testing::ScopedTempDir dir("models_test");  // unique per process and test
  const auto path = dir / "models.h5";
  {
    h5::File f = h5::File::Create(path);
    WriteModelsSection(f.id(), r);
  }
  h5::File f = h5::File::OpenReadOnly(path);
  EXPECT_EQ(h5::ReadStrings(f.id(), "models/adjusted/groups").size(), 17u);
  const auto surge = h5::ReadDoubles(f.id(), "models/surge/g02/surge");
  ASSERT_EQ(surge.size(), 120u);
  EXPECT_DOUBLE_EQ(surge[70], r.groups[1].surge.fitted_surge[70]);
  EXPECT_EQ(h5::Dimensions(f.id(), "models/panel/vcov_cluster")[0], static_cast<hsize_t>(r.panel->fit.k));
  EXPECT_EQ(h5::ReadInt64s(f.id(), "models/agreement").size(), 9u);
  f.Close();
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace chokepoint::robustness

#include <tbb/global_control.h>

namespace chokepoint::robustness {
namespace {

TEST(Models, EpisodeComponentIsSurgePulsesOrBaiPerronSegments) {
  // Two groups, T = 120, log scale, AR(1) noise (rho 0.5, sd 0.05):
  // "slump": +6%/yr, a level shift of -0.6 in 2020-03, then +5%/yr;
  // "wave": +4%/yr and one stockpiling pulse A = 0.8, h = 5 from 2019-06.
  GroupSeries gs;
  gs.first_month = YearMonth{2015, 1};
  gs.num_months = 120;
  for (int g = 0; g < 2; ++g) {
    TechnologyGroup tg;
    tg.id = g + 1;
    tg.name = g == 0 ? "slump" : "wave";
    gs.groups.push_back(tg);
  }
  RandomStream rs(3, 0, 0);
  std::vector<double> slump_truth(120);
  double u = 0;
  for (int g = 0; g < 2; ++g)
    for (int t = 0; t < 120; ++t) {
      u = 0.5 * u + 0.05 * rs.NextNormal();
      double m;
      if (g == 0) {
        m = 20.0 + 0.005 * t + (t >= 62 ? -0.6 - 0.0008 * (t - 62) : 0.0);
        slump_truth[t] = m;
      } else {
        m = 19.0 + 0.0033 * t + (t >= 53 ? 0.8 * std::exp2(-(t - 53) / 5.0) : 0.0);
      }
      gs.values.push_back(std::exp(m + u));
    }
  ModelsOptions o;
  o.breaks.compute_tests = false;
  const ModelsResult r = RunModels(gs, o);
  const GroupModels& slump = r.groups[0];
  const GroupModels& wave = r.groups[1];
  // The slump: no stockpiling; LWZ finds the shift, and the segment fit
  // follows the noise-free path away from the break.
  ASSERT_NE(slump.surge.verdict, Regime::kStockpiling);
  ASSERT_GE(slump.break_path_breaks, 1);
  EXPECT_NE(slump.EpisodeDescription().find("Bai-Perron"), std::string::npos);
  const std::vector<double> c = slump.EpisodeLogComponent();
  ASSERT_EQ(c.size(), 120u);
  double worst = 0;
  for (int t = 0; t < 120; ++t)
    if (std::abs(t - 62) > 3) worst = std::max(worst, std::abs(c[t] - slump_truth[t]));
  EXPECT_LT(worst, 0.12);
  // The wave: stockpiling, and the component is the fitted pulse itself.
  ASSERT_EQ(wave.surge.verdict, Regime::kStockpiling);
  EXPECT_EQ(wave.EpisodeLogComponent(), wave.surge.fitted_surge);
  EXPECT_NE(wave.EpisodeDescription().find("surge pulses"), std::string::npos);
}

TEST(Models, SameResultOnOneAndTwoThreads) {
  const GroupSeries series = SimulateModelGroups(11, 96);
  ModelsResult one, two;
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 1);
    one = RunModels(series, ModelsOptions{});
  }
  {
    tbb::global_control c(tbb::global_control::max_allowed_parallelism, 2);
    two = RunModels(series, ModelsOptions{});
  }
  ASSERT_EQ(one.groups.size(), two.groups.size());
  for (size_t g = 0; g < one.groups.size(); ++g) {
    EXPECT_EQ(one.groups[g].surge.chosen, two.groups[g].surge.chosen);
    EXPECT_EQ(one.groups[g].surge.fitted_surge, two.groups[g].surge.fitted_surge);
    EXPECT_EQ(one.groups[g].adjusted_indices.G, two.groups[g].adjusted_indices.G);
  }
}

}  // namespace
}  // namespace chokepoint::robustness
