#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstring>
#include <filesystem>

#include "chokepoint/bootstrap/bootstrap_io.h"
#include "chokepoint/bootstrap/engine.h"
#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "test_util.h"

namespace chokepoint::bootstrap {
namespace {

// Four groups, 10 years: two trending up fast (one semiconductor), one flat,
// one with a missing month.
GroupSeries MakeGroups() {
  GroupSeries gs;
  gs.first_month = YearMonth{2015, 1};
  gs.num_months = 120;
  const double slopes[4] = {0.012, 0.010, -0.001, 0.004};
  for (int g = 0; g < 4; ++g) {
    TechnologyGroup tg;
    tg.id = g + 1;
    tg.name = "group" + std::to_string(g + 1);
    tg.semiconductor = g == 1;
    gs.groups.push_back(tg);
    RandomStream rs(100, static_cast<uint32_t>(g), 0);
    const auto x = testing::SimulateSeries(rs, 120, 20.0, slopes[g], 0.5, 0.15);
    gs.values.insert(gs.values.end(), x.begin(), x.end());
  }
  gs.present.assign(gs.values.size(), 1);
  gs.present[3 * 120 + 50] = 0;
  return gs;
}

BootstrapOptions SmallOptions(int threads) {
  BootstrapOptions o;
  o.replicates = 300;
  o.threads = threads;
  o.progress = false;
  return o;
}

TEST(EngineTest, BitIdenticalOnOneTwoAndThreeThreads) {
  const GroupSeries gs = MakeGroups();
  for (Scheme s : {Scheme::kResidual, Scheme::kGrowth, Scheme::kSieve, Scheme::kLevels}) {
    SCOPED_TRACE(std::string(ToString(s)));
    BootstrapOptions o1 = SmallOptions(1);
    o1.resampler.scheme = s;
    BootstrapOptions o2 = o1, o3 = o1;
    o2.threads = 2;
    o3.threads = 3;
    const BootstrapResult a = RunBootstrap(gs, IndexSpec{}, Thresholds{}, o1);
    const BootstrapResult b = RunBootstrap(gs, IndexSpec{}, Thresholds{}, o2);
    const BootstrapResult c = RunBootstrap(gs, IndexSpec{}, Thresholds{}, o3);
    EXPECT_EQ(a.threads_used, 1);
    EXPECT_EQ(b.threads_used, 2);
    ASSERT_EQ(a.V_replicates.size(), 4u * 300u);
    EXPECT_EQ(0, std::memcmp(a.V_replicates.data(), b.V_replicates.data(), a.V_replicates.size() * sizeof(double)));
    EXPECT_EQ(0, std::memcmp(a.G_replicates.data(), b.G_replicates.data(), a.G_replicates.size() * sizeof(double)));
    EXPECT_EQ(0, std::memcmp(a.G_replicates.data(), c.G_replicates.data(), a.G_replicates.size() * sizeof(double)));
    for (int g = 0; g < 3; ++g) {
      EXPECT_EQ(a.groups[g].G.intervals[IntervalMethod::kBca].lower, b.groups[g].G.intervals[IntervalMethod::kBca].lower);
      EXPECT_EQ(a.groups[g].regime_probability, c.groups[g].regime_probability);
    }
  }
}

TEST(EngineTest, ProbabilitiesAndStabilityAreConsistent) {
  const GroupSeries gs = MakeGroups();
  const BootstrapResult r = RunBootstrap(gs, IndexSpec{}, Thresholds{}, SmallOptions(2));
  ASSERT_EQ(r.num_groups(), 4);
  for (int g = 0; g < 3; ++g) {
    const GroupBootstrap& x = r.groups[g];
    ASSERT_TRUE(x.ok) << x.note;
    EXPECT_EQ(x.valid_replicates, 300);
    double sr = 0, sc = 0;
    for (double p : x.regime_probability) sr += p;
    for (double p : x.cell_probability) sc += p;
    EXPECT_NEAR(sr, 1.0, 1e-12);
    EXPECT_NEAR(sc, 1.0, 1e-12);
    // Substitution = low growth = cells 1, 3, 5.
    EXPECT_NEAR(x.regime_probability[2], x.cell_probability[1] + x.cell_probability[3] + x.cell_probability[5], 1e-12);
    EXPECT_EQ(x.regime_stability, x.regime_probability[static_cast<int>(x.point_regime)]);
    // Recount from the kept replicates.
    int same = 0;
    for (int rep = 0; rep < 300; ++rep) {
      const auto c = Classify(r.V_replicates[g * 300 + rep], r.G_replicates[g * 300 + rep], x.semiconductor, Thresholds{});
      same += c.regime == x.point_regime;
    }
    EXPECT_DOUBLE_EQ(x.regime_stability, same / 300.0);
    EXPECT_TRUE(x.G.intervals[IntervalMethod::kPercentile].ok);
    EXPECT_LT(x.G.intervals[IntervalMethod::kPercentile].lower, x.G.intervals[IntervalMethod::kPercentile].upper);
    EXPECT_GT(x.block_length_used, 0.0);
    ASSERT_TRUE(x.automatic.has_value());
  }
  // The fast-growing groups are high growth with high probability; the flat
  // one is substitution.
  EXPECT_GT(r.groups[0].G.point, 0.5);
  EXPECT_GT(r.groups[2].regime_probability[2], 0.9);
  // The group with a missing month is reported, not bootstrapped.
  EXPECT_FALSE(r.groups[3].ok);
  EXPECT_NE(r.groups[3].note.find("missing"), std::string::npos);
  const std::string report = r.FullReport();
  EXPECT_NE(report.find("threads given: 2  used: 2"), std::string::npos);
  EXPECT_NE(report.find("block length used"), std::string::npos);
  EXPECT_NE(report.find("NOT BOOTSTRAPPED"), std::string::npos);
}

TEST(EngineTest, QuarterlyAndWindowedSpecs) {
  const GroupSeries gs = MakeGroups();
  IndexSpec spec;
  spec.frequency = Frequency::kQuarterly;
  spec.window_start = YearMonth{2016, 1};
  spec.window_end = YearMonth{2023, 12};
  const BootstrapResult r = RunBootstrap(gs, spec, Thresholds{}, SmallOptions(2));
  ASSERT_TRUE(r.groups[0].ok) << r.groups[0].note;
  EXPECT_EQ(r.groups[0].num_months, 96);
  EXPECT_EQ(r.groups[0].jackknife_block % 3, 0);
  const IndexValues point = ComputeSeriesIndices(gs.row(0), {}, gs.first_month, spec);
  EXPECT_DOUBLE_EQ(r.groups[0].G.point, point.G);
  EXPECT_DOUBLE_EQ(r.groups[0].V.point, point.V);
  EXPECT_GT(r.groups[0].G.jackknife_values, 2);
}

TEST(EngineTest, InvalidOptionsNameTheField) {
  const GroupSeries gs = MakeGroups();
  BootstrapOptions o = SmallOptions(1);
  o.level = 1.5;
  try {
    RunBootstrap(gs, IndexSpec{}, Thresholds{}, o);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("bootstrap.level"), std::string::npos);
  }
  o = SmallOptions(1);
  o.replicates = 1;
  std::string error;
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("bootstrap.replicates"), std::string::npos);
}

TEST(EngineTest, TomlRoundTripAndErrors) {
  const toml::table t = ParseTomlText(
      "[bootstrap]\nreplicates = 250\nlevel = 0.8\nseed = 7\nthreads = 2\nscheme = \"growth\"\n"
      "blocks = \"circular\"\nblock_length = 9\nreport_interval = \"bca\"\nkeep_replicates = false\n",
      "test.toml");
  const BootstrapOptions o = BootstrapOptions::FromToml(TomlSection(t["bootstrap"].as_table(), "bootstrap", "test.toml"));
  EXPECT_EQ(o.replicates, 250);
  EXPECT_EQ(o.level, 0.8);
  EXPECT_EQ(o.seed, 7u);
  EXPECT_EQ(o.threads, 2);
  EXPECT_EQ(o.resampler.scheme, Scheme::kGrowth);
  EXPECT_EQ(o.resampler.blocks, BlockMethod::kCircular);
  EXPECT_EQ(o.resampler.block_length, 9.0);
  EXPECT_EQ(o.report_interval, IntervalMethod::kBca);
  EXPECT_FALSE(o.keep_replicates);
  // ToToml is read back to the same options.
  toml::table wrapper;
  wrapper.insert("bootstrap", o.ToToml());
  const BootstrapOptions back =
      BootstrapOptions::FromToml(TomlSection(wrapper["bootstrap"].as_table(), "bootstrap", "resolved"));
  EXPECT_EQ(back.resampler.block_length, 9.0);
  EXPECT_EQ(back.resampler.scheme, Scheme::kGrowth);
  EXPECT_EQ(back.report_interval, IntervalMethod::kBca);
  // "auto" and defaults.
  const toml::table a = ParseTomlText("[bootstrap]\nblock_length = \"auto\"\n", "a.toml");
  EXPECT_EQ(BootstrapOptions::FromToml(TomlSection(a["bootstrap"].as_table(), "bootstrap", "a.toml")).resampler.block_length, 0.0);
  EXPECT_EQ(BootstrapOptions::FromToml(TomlSection(nullptr, "bootstrap", "none")).replicates, 1000);
  for (const char* bad : {"[bootstrap]\nreplicatse = 3\n", "[bootstrap]\nscheme = \"naive\"\n",
                          "[bootstrap]\nlevel = 1.5\n", "[bootstrap]\nblock_length = \"long\"\n",
                          "[bootstrap]\nblock_length = 0.5\n"}) {
    const toml::table b = ParseTomlText(bad, "bad.toml");
    try {
      BootstrapOptions::FromToml(TomlSection(b["bootstrap"].as_table(), "bootstrap", "bad.toml"));
      ADD_FAILURE() << bad;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find("bad.toml:"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("bootstrap."), std::string::npos) << e.what();
    }
  }
}

TEST(EngineTest, Hdf5SectionRoundTripAndReport) {
  const GroupSeries gs = MakeGroups();
  const BootstrapResult r = RunBootstrap(gs, IndexSpec{}, Thresholds{}, SmallOptions(2));
  const auto path = std::filesystem::temp_directory_path() / ("bootstrap_io_test_" + std::to_string(getpid()) + ".h5");
  {
    h5::File f = h5::File::Create(path);
    WriteBootstrapSection(f.id(), r);
  }
  h5::File f = h5::File::OpenReadOnly(path);
  EXPECT_EQ(h5::ReadStringAttribute(h5::EnsureGroup(f.id(), "/bootstrap").id(), "scheme"), "residual");
  EXPECT_EQ(h5::Dimensions(f.id(), "/bootstrap/V_replicates"), (std::vector<hsize_t>{4, 300}));
  EXPECT_EQ(h5::Dimensions(f.id(), "/bootstrap/regime_probability"), (std::vector<hsize_t>{4, 3}));
  EXPECT_EQ(h5::Dimensions(f.id(), "/bootstrap/cell_probability"), (std::vector<hsize_t>{4, 6}));
  EXPECT_EQ(h5::Dimensions(f.id(), "/bootstrap/intervals/bca"), (std::vector<hsize_t>{4, 4}));
  const BootstrapResult back = ReadBootstrapSection(f.id());
  f.Close();
  std::filesystem::remove(path);
  ASSERT_EQ(back.num_groups(), 4);
  EXPECT_EQ(back.replicates, 300);
  EXPECT_EQ(back.options.seed, r.options.seed);
  ASSERT_EQ(back.V_replicates.size(), r.V_replicates.size());
  // Rows of bootstrapped groups are equal; the skipped group's row is NaN.
  EXPECT_EQ(std::vector<double>(back.V_replicates.begin(), back.V_replicates.begin() + 900),
            std::vector<double>(r.V_replicates.begin(), r.V_replicates.begin() + 900));
  EXPECT_TRUE(std::isnan(back.G_replicates[950]));
  for (int g = 0; g < 3; ++g) {
    EXPECT_EQ(back.groups[g].name, r.groups[g].name);
    EXPECT_TRUE(back.groups[g].ok);
    EXPECT_EQ(back.groups[g].regime_probability, r.groups[g].regime_probability);
    EXPECT_EQ(back.groups[g].cell_probability, r.groups[g].cell_probability);
    EXPECT_EQ(back.groups[g].point_regime, r.groups[g].point_regime);
    EXPECT_EQ(back.groups[g].block_length_used, r.groups[g].block_length_used);
    for (int m = 0; m < kNumIntervalMethods; ++m) {
      EXPECT_EQ(back.groups[g].G.intervals.by_method[m].lower, r.groups[g].G.intervals.by_method[m].lower);
      EXPECT_EQ(back.groups[g].V.intervals.by_method[m].upper, r.groups[g].V.intervals.by_method[m].upper);
    }
  }
  EXPECT_FALSE(back.groups[3].ok);
  EXPECT_EQ(FormatBootstrapReport(back), FormatBootstrapReport(r));
  const std::string md = FormatBootstrapReport(r);
  // Every interval names its estimand and type.
  EXPECT_NE(md.find("| group | V (observed) [90%] | G (observed) [90%] | P(stockpiling) | P(no_effect) | "
                    "P(substitution) |"),
            std::string::npos)
      << md;
  EXPECT_NE(md.find("| group | V (signal) [90%] | G (signal) [90%] |"), std::string::npos);
  EXPECT_NE(md.find("90% log_centred"), std::string::npos);
  EXPECT_NE(md.find("| group1 | "), std::string::npos);
  EXPECT_NE(md.find("not available"), std::string::npos);
  // The estimands, scheme diagnostics and base variants survive the file.
  for (int g = 0; g < 3; ++g) {
    for (int e = 0; e < kNumEstimands; ++e) {
      const auto& a = back.groups[g].estimands[e];
      const auto& b = r.groups[g].estimands[e];
      EXPECT_EQ(a.ok, b.ok);
      EXPECT_EQ(a.V.point, b.V.point);
      EXPECT_EQ(a.G[EstimandMethod::kLogCentred].lower, b.G[EstimandMethod::kLogCentred].lower);
      EXPECT_EQ(a.V[EstimandMethod::kLogCentred].upper, b.V[EstimandMethod::kLogCentred].upper);
      EXPECT_EQ(a.regime_probability, b.regime_probability);
    }
    EXPECT_EQ(back.groups[g].scheme_spread, r.groups[g].scheme_spread);
    EXPECT_EQ(back.groups[g].base_changes_regime, r.groups[g].base_changes_regime);
    EXPECT_EQ(back.groups[g].base_variants[1].G.point, r.groups[g].base_variants[1].G.point);
  }
}

TEST(EngineTest, SeriesJsonHasTheDocumentedKeys) {
  RandomStream rs(3, 0, 0);
  const auto x = testing::SimulateSeries(rs, 60, 10.0, 0.01, 0.3, 0.1);
  BootstrapOptions o = SmallOptions(1);
  const BootstrapResult r = RunSeriesBootstrap(x, YearMonth{2019, 1}, IndexSpec{}, Thresholds{}, o);
  const std::string j = FormatSeriesJson(r);
  for (const char* key : {"\"n\": 60", "\"scheme\": \"residual\"", "\"blocks\": \"stationary\"", "\"block_length\": ",
                          "\"replicates\": 300", "\"seed\": ", "\"V\": {\"point\": ", "\"G\": {\"point\": ",
                          "\"intervals\": {\"percentile\": [", "\"basic\": [", "\"normal\": [", "\"bca\": "})
    EXPECT_NE(j.find(key), std::string::npos) << key << "\n" << j;
}

}  // namespace
}  // namespace chokepoint::bootstrap

namespace chokepoint::bootstrap {
namespace {

TEST(EngineTest, TrendGrowthIsBootstrappedAndWritten) {
  const GroupSeries gs = MakeGroups();
  BootstrapOptions o = SmallOptions(2);
  o.trend_growth = true;
  const BootstrapResult r = RunBootstrap(gs, IndexSpec{}, Thresholds{}, o);
  ASSERT_TRUE(r.groups[0].G_trend.has_value());
  const StatisticSummary& t = *r.groups[0].G_trend;
  // The fitted path is smooth: its G varies less than the observed G.
  EXPECT_LT(t.sd, r.groups[0].G.sd);
  EXPECT_TRUE(t.intervals[IntervalMethod::kPercentile].ok);
  EXPECT_FALSE(t.intervals[IntervalMethod::kBca].ok);
  EXPECT_EQ(r.G_trend_replicates.size(), 4u * 300u);
  // Levels has no trend fit: no G_trend.
  BootstrapOptions lv = o;
  lv.resampler.scheme = Scheme::kLevels;
  EXPECT_FALSE(RunBootstrap(gs, IndexSpec{}, Thresholds{}, lv).groups[0].G_trend.has_value());
  const auto path = std::filesystem::temp_directory_path() / ("bootstrap_trend_" + std::to_string(getpid()) + ".h5");
  {
    h5::File f = h5::File::Create(path);
    WriteBootstrapSection(f.id(), r);
  }
  h5::File f = h5::File::OpenReadOnly(path);
  EXPECT_EQ(h5::Dimensions(f.id(), "/bootstrap/G_trend_intervals"), (std::vector<hsize_t>{4, 8}));
  EXPECT_EQ(h5::ReadDoubles(f.id(), "/bootstrap/G_trend_point")[0], t.point);
  f.Close();
  std::filesystem::remove(path);
  EXPECT_NE(FormatSeriesJson(r).find("\"G_trend\": {\"point\": "), std::string::npos);
}

}  // namespace
}  // namespace chokepoint::bootstrap
