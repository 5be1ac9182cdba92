#include "chokepoint/core/batches.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/batches_io.h"

namespace chokepoint {
namespace {

namespace fs = std::filesystem;
HsCode Code(const char* s) { return *HsCode::Parse(s); }

TEST(BatchOverlapTest, HandCountedJaccard) {
  const BatchOverlap o = ComputeOverlap(1, {Code("84561100"), Code("84561200"), Code("85423190"), Code("85423190")}, 2,
                                        {Code("84561100"), Code("85423110"), Code("90319000")});
  EXPECT_EQ(o.hs8_a, 3);  // the duplicate is ignored
  EXPECT_EQ(o.hs8_common, 1);
  EXPECT_EQ(o.hs8_union, 5);
  EXPECT_DOUBLE_EQ(o.jaccard_hs8, 0.2);
  EXPECT_EQ(o.hs6_common, 2);  // 845611, 854231
  EXPECT_EQ(o.hs6_union, 4);
  EXPECT_DOUBLE_EQ(o.jaccard_hs6, 0.5);
  EXPECT_DOUBLE_EQ(ComputeOverlap(1, {}, 2, {}).jaccard_hs8, 0.0);
}

// The shipped catalog, counted by hand from data/catalog/batches.csv.
TEST(BatchOverlapTest, DefaultCatalogBatches) {
  const Catalog cat = Catalog::LoadDefault();
  const auto b1 = cat.BatchCodes(1), b2 = cat.BatchCodes(2), b3 = cat.BatchCodes(3);
  ASSERT_EQ(b1.size(), 85u);
  ASSERT_EQ(b2.size(), 19u);
  ASSERT_EQ(b3.size(), 33u);
  // 1 & 2: the three ball bearings and the three welding lines.
  const BatchOverlap o12 = ComputeOverlap(1, b1, 2, b2);
  EXPECT_EQ(o12.hs8_common, 6);
  EXPECT_DOUBLE_EQ(o12.jaccard_hs8, 6.0 / 98.0);
  // 1 & 3: 8 IC lines, 2 lithography, 2 etching, 90308200, 90314100, MRI,
  // colour ultrasound, 84111210, 84119100, 88072000, 88073000.
  const BatchOverlap o13 = ComputeOverlap(1, b1, 3, b3);
  EXPECT_EQ(o13.hs8_common, 20);
  EXPECT_DOUBLE_EQ(o13.jaccard_hs8, 20.0 / 98.0);
  EXPECT_EQ(ComputeOverlap(2, b2, 3, b3).hs8_common, 0);
}

// Small catalog (tests/data/catalog/small): batch 1 = its 4 members, batch 2 =
// 84561100 (0.8 x 84561000 before 2017) and 84775900 (84775990 before 2022),
// batch 3 = 85423190 and 30049000 (not in the panel).
class BatchesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = Catalog::LoadDirectory(fs::path(CHOKEPOINT_TEST_DATA_DIR) / "catalog" / "small");
    panel_ = Panel({Code("84561000"), Code("84561100"), Code("84775990"), Code("84775900"), Code("85423190"),
                    Code("85423990")},
                   YearMonth{2015, 1}, 120);
    panel_.provenance.synthetic = true;
    panel_.provenance.label = "synthetic: batches test";
    for (int t = 0; t < 120; ++t) {
      const int year = 2015 + t / 12;
      if (year < 2017) panel_.Set(0, t, 100.0);
      if (year >= 2017) panel_.Set(1, t, 80.0 * (1.0 + 0.01 * t));
      if (year < 2022) panel_.Set(2, t, 50.0);
      if (year >= 2022) panel_.Set(3, t, 60.0);
      panel_.Set(4, t, 1000.0 * std::exp(0.02 * t) * (1.0 + 0.3 * std::sin(t)));
      panel_.Set(5, t, 10.0);
    }
  }
  Catalog catalog_;
  Panel panel_;
};

TEST_F(BatchesTest, SeriesOverlapPersistenceAndCodes) {
  const BatchesResult r = ComputeBatches(panel_, catalog_, IndexSpec{}, Thresholds{});
  ASSERT_EQ(r.batches.size(), 3u);
  const BatchSummary& b2 = r.batches[1];
  EXPECT_EQ(b2.codes_listed, 2);
  EXPECT_EQ(b2.codes_found, 2);
  for (int t = 0; t < 120; ++t) {
    const int year = 2015 + t / 12;
    const double want = (year < 2017 ? 0.8 * 100.0 : 80.0 * (1.0 + 0.01 * t)) + (year < 2022 ? 50.0 : 60.0);
    EXPECT_DOUBLE_EQ(b2.monthly[t], want) << t;
    EXPECT_EQ(b2.present[t], 1);
  }
  const IndexValues direct = ComputeSeriesIndices(b2.monthly, b2.present, YearMonth{2015, 1}, IndexSpec{});
  EXPECT_DOUBLE_EQ(b2.indices.V, direct.V);
  EXPECT_DOUBLE_EQ(b2.indices.G, direct.G);
  EXPECT_TRUE(b2.classified);
  EXPECT_EQ(b2.classification.regime, Classify(direct.V, direct.G, false, Thresholds{}).regime);

  // Batch 1 = the members: no double counting of 84561000 (predecessor of one member only).
  const BatchSummary& b1 = r.batches[0];
  EXPECT_EQ(b1.codes_listed, 4);
  EXPECT_EQ(b1.codes_found, 3);
  EXPECT_EQ(b1.codes_missing, (std::vector<std::string>{"30049000"}));
  EXPECT_DOUBLE_EQ(b1.monthly[0], panel_.value(4, 0) + 10.0 + 80.0);
  EXPECT_EQ(b1.group_ids, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(r.batches[2].group_ids, (std::vector<int>{1, 3}));
  EXPECT_EQ(r.persistence.groups_both, (std::vector<int>{1, 3}));
  EXPECT_DOUBLE_EQ(r.persistence.share, 2.0 / 3.0);

  // Overlaps: 1&2 share 84561100; 1&3 share both batch-3 codes.
  EXPECT_EQ(r.overlaps[0].hs8_common, 1);
  EXPECT_EQ(r.overlaps[1].hs8_common, 2);
  EXPECT_DOUBLE_EQ(r.overlaps[1].jaccard_hs8, 0.5);

  // Per code: the missing code is flagged, the IC classified with the semiconductor override.
  ASSERT_EQ(r.codes.size(), 8u);
  int missing = 0;
  for (const BatchCodeResult& c : r.codes) {
    if (!c.found) {
      ++missing;
      EXPECT_EQ(c.code, Code("30049000"));
      EXPECT_FALSE(c.classified);
    }
    if (c.code == Code("85423190") && c.batch == 3) {
      EXPECT_EQ(c.group_id, 1);
      ASSERT_TRUE(c.classified);
      EXPECT_EQ(c.classification.regime, Classify(c.indices.V, c.indices.G, true, Thresholds{}).regime);
    }
  }
  EXPECT_EQ(missing, 2);  // in batch 1 and batch 3

  // Event study on batch 2: 36 months before 2023-01, 24 after (panel ends 2024-12).
  EXPECT_EQ(r.event_study[1].batch, 2);
  EXPECT_EQ(r.event_study[1].n_pre, 36);
  EXPECT_EQ(r.event_study[1].n_post, 24);
  EXPECT_TRUE(r.event_study[1].ok());

  const std::string md = FormatBatchesReport(r);
  EXPECT_NE(md.find("**Synthetic data**"), std::string::npos);
  EXPECT_NE(md.find("| 1 & 3 | 2 / 4 | 0.500 |"), std::string::npos) << md;
  EXPECT_NE(md.find("Persistence: 2 of the 3 batch-1 technology groups"), std::string::npos) << md;
  // No covariance callback: classical OLS errors, and the report says so.
  EXPECT_NE(md.find("standard errors: ols"), std::string::npos) << md;
  EXPECT_NE(r.FullReport().find("batch 2: 2/2 codes found"), std::string::npos) << r.FullReport();

  const auto path = fs::temp_directory_path() / ("chokepoint_batches_" + std::to_string(::getpid()) + ".h5");
  {
    h5::File f = h5::File::Create(path);
    WriteBatchesSection(f.id(), r);
    f.Close();
  }
  h5::File f = h5::File::OpenReadOnly(path);
  EXPECT_EQ(h5::ReadInt64s(f.id(), "/batches/codes_found"), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(h5::ReadDoubles(f.id(), "/batches/overlap/jaccard_hs8")[1], 0.5);
  EXPECT_EQ(h5::Dimensions(f.id(), "/batches/series/values"), (std::vector<hsize_t>{3, 120}));
  EXPECT_EQ(h5::ReadStrings(f.id(), "/batches/event_study/se_type")[1], "ols");
  EXPECT_EQ(h5::ReadStrings(f.id(), "/batches/codes/code").size(), 8u);
  const BatchesResult back = ReadBatchesSection(f.id());
  EXPECT_EQ(back.batches[1].monthly, r.batches[1].monthly);
  EXPECT_EQ(back.persistence.groups_both, r.persistence.groups_both);
  EXPECT_EQ(back.event_study[1].se_change, r.event_study[1].se_change);
  EXPECT_EQ(FormatBatchesReport(back), md);
  f.Close();
  fs::remove(path);
}

TEST(EventStudyTest, ExactPiecewiseTrendIsRecovered) {
  // log x = 2 + 0.01 rel + 0.05 post + 0.02 post rel (+ a month effect): no noise.
  for (bool seasonal : {false, true}) {
    std::vector<double> x;
    const YearMonth first{2019, 1}, event{2023, 1};
    for (int t = 0; t < 72; ++t) {
      const YearMonth m = first.Plus(t);
      const double rel = MonthsBetween(event, m), post = rel >= 0;
      const double month_effect = seasonal ? 0.1 * (m.month == 2) - 0.05 * (m.month == 7) : 0.0;
      x.push_back(std::exp(2 + 0.01 * rel + 0.05 * post + 0.02 * post * rel + month_effect));
    }
    const EventStudyRow e = EventStudy(x, {}, first, event, 36, seasonal);
    ASSERT_TRUE(e.ok()) << e.status;
    EXPECT_NEAR(e.growth_pre, 0.12, 1e-10);
    EXPECT_NEAR(e.growth_post, 0.36, 1e-10);
    EXPECT_NEAR(e.growth_change, 0.24, 1e-10);
    EXPECT_NEAR(e.se_change, 0.0, 1e-8);
  }
  // Too little data after the event.
  std::vector<double> short_series(50, 1.0);
  EXPECT_FALSE(EventStudy(short_series, {}, YearMonth{2019, 1}, YearMonth{2023, 1}, 36, true).ok());
}

// Against statsmodels OLS (scripts/golden/event_study_golden.py).
TEST(EventStudyTest, MatchesStatsmodelsGolden) {
  const fs::path dir = fs::path(CHOKEPOINT_TEST_DATA_DIR) / "batches";
  std::ifstream series(dir / "event_study_series.csv");
  std::string line;
  std::getline(series, line);
  std::vector<double> x;
  while (std::getline(series, line)) x.push_back(std::stod(line.substr(line.find(',') + 1)));
  ASSERT_EQ(x.size(), 72u);
  std::ifstream golden(dir / "event_study_golden.csv");
  std::getline(golden, line);
  int rows = 0;
  while (std::getline(golden, line)) {
    std::vector<double> v;
    std::stringstream ss(line);
    for (std::string cell; std::getline(ss, cell, ',');) v.push_back(std::stod(cell));
    const EventStudyRow e = EventStudy(x, {}, YearMonth{2019, 1}, YearMonth{2023, 1}, 36, v[0] != 0);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e.n_pre, static_cast<int>(v[1]));
    EXPECT_EQ(e.n_post, static_cast<int>(v[2]));
    EXPECT_NEAR(e.growth_pre, v[3], 1e-10);
    EXPECT_NEAR(e.growth_post, v[4], 1e-10);
    EXPECT_NEAR(e.growth_change, v[5], 1e-10);
    EXPECT_NEAR(e.se_pre, v[6], 1e-10);
    EXPECT_NEAR(e.se_post, v[7], 1e-10);
    EXPECT_NEAR(e.se_change, v[8], 1e-10);
    ++rows;
  }
  EXPECT_EQ(rows, 2);
}

TEST(BatchesOptionsTest, TomlRoundTripAndValidation) {
  const toml::table t = ParseTomlText("[batches]\nevent_month = \"2023-06\"\nevent_window_months = 24\nper_code = false\n",
                                      "cfg.toml");
  const BatchesOptions o = BatchesOptions::FromToml(TomlSection(t["batches"].as_table(), "batches", "cfg.toml"));
  EXPECT_EQ(o.event_month, (YearMonth{2023, 6}));
  EXPECT_EQ(o.event_window_months, 24);
  EXPECT_FALSE(o.per_code);
  EXPECT_TRUE(o.seasonal_dummies);
  const toml::table back = o.ToToml();
  const BatchesOptions again = BatchesOptions::FromToml(TomlSection(&back, "batches", "resolved"));
  EXPECT_EQ(again.event_month, o.event_month);
  EXPECT_EQ(again.event_window_months, 24);
  const toml::table bad = ParseTomlText("[batches]\nevent_window_months = 2\n", "cfg.toml");
  try {
    BatchesOptions::FromToml(TomlSection(bad["batches"].as_table(), "batches", "cfg.toml"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("batches.event_window_months"), std::string::npos) << e.what();
  }
  const toml::table unknown = ParseTomlText("[batches]\nevent = 1\n", "cfg.toml");
  EXPECT_THROW(BatchesOptions::FromToml(TomlSection(unknown["batches"].as_table(), "batches", "cfg.toml")), Error);
}

}  // namespace
}  // namespace chokepoint
