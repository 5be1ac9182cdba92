#include "chokepoint/core/aggregate.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/aggregate_io.h"

namespace chokepoint {
namespace {

HsCode Code(const char* s) { return *HsCode::Parse(s); }

// A hand-sized world, 2015-01..2016-12, constant monthly values per code and year:
//   84862031 semiconductor capital member (BEC 41): absent in 2015, 10/month in 2016
//   84860000 its predecessor (weight 0.5 before 2016-01; in no BEC table, so
//            mapped through its successor: capital): 20/month 2015, 4/month 2016
//   85423190 IC member (override BEC 42, intermediate): 100 / 150 a month
//   84561100 non-semiconductor capital member (41): 30/month
//   84798999 outside the catalog, capital (41): 50/month
//   84821010 outside the catalog, intermediate (42): 200/month, 2016-06 missing
//   30049000 consumption (63): 1000/month
//   77777777 in no BEC table: 7/month, unmapped
class AggregateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_.source = "test catalog";
    catalog_.AddGroup(TechnologyGroup{1, "Semi capital", "SC", GoodsCategory::kCapital, true});
    catalog_.AddGroup(TechnologyGroup{2, "ICs", "ICs", GoodsCategory::kIntermediate, true});
    catalog_.AddGroup(TechnologyGroup{3, "Laser", "L", GoodsCategory::kCapital, false});
    catalog_.AddMember(CatalogMember{Code("84862031"), 1, "", "", "", ""});
    catalog_.AddMember(CatalogMember{Code("85423190"), 2, "", "", "", ""});
    catalog_.AddMember(CatalogMember{Code("84561100"), 3, "", "", "", ""});
    catalog_.AddConcordance(ConcordanceEntry{Code("84860000"), Code("84862031"), {2016, 1}, 0.5, ""});

    const char* codes[] = {"84862031", "84860000", "85423190", "84561100", "84798999", "84821010", "30049000", "77777777"};
    std::vector<HsCode> hs;
    for (const char* c : codes) hs.push_back(Code(c));
    panel_ = Panel(hs, YearMonth{2015, 1}, 24);
    panel_.provenance.synthetic = true;
    panel_.provenance.label = "synthetic: hand-made test panel";
    const double v2015[] = {-1, 20, 100, 30, 50, 200, 1000, 7};
    const double v2016[] = {10, 4, 150, 30, 50, 200, 1000, 7};
    for (int row = 0; row < 8; ++row)
      for (int t = 0; t < 24; ++t) {
        const double v = t < 12 ? v2015[row] : v2016[row];
        if (v >= 0 && !(row == 5 && t == 17)) panel_.Set(row, t, v);
      }
    gdp_.file = "test";
    gdp_.column = "gdp_usd_test";
    gdp_.usd_by_year = {{2014, 5e4}, {2015, 1e5}, {2016, 2e5}};
    gdp_.notes = {{2016, "made up"}};
  }
  Catalog catalog_;
  Panel panel_;
  GdpSeries gdp_;
  BecMapper bec_ = BecMapper::LoadDefault();
};

TEST_F(AggregateTest, HandComputedSharesOfGdp) {
  const AggregateResult r = ComputeAggregates(panel_, catalog_, bec_, gdp_);
  ASSERT_EQ(r.years, (std::vector<int>{2015, 2016}));
  EXPECT_EQ(r.gdp_usd, (std::vector<double>{1e5, 2e5}));
  using S = AggregateSeries;
  // capital: 12 * (20 + 30 + 50) = 1200; 2016: 12 * (10 + 4 + 30 + 50) = 1128
  EXPECT_DOUBLE_EQ(r.Usd(S::kCapitalTotal)[0], 1200);
  EXPECT_DOUBLE_EQ(r.Usd(S::kCapitalTotal)[1], 1128);
  // semiconductor capital: 0.5 * 240 in 2015 (predecessor), 120 in 2016 (member only)
  EXPECT_DOUBLE_EQ(r.Usd(S::kCapitalSemiconductor)[0], 120);
  EXPECT_DOUBLE_EQ(r.Usd(S::kCapitalSemiconductor)[1], 120);
  EXPECT_DOUBLE_EQ(r.Usd(S::kCapitalAdjusted)[0], 1080);
  EXPECT_DOUBLE_EQ(r.Usd(S::kCapitalAdjusted)[1], 1008);
  // intermediate: 1200 + 2400; 2016: 1800 + 11 * 200
  EXPECT_DOUBLE_EQ(r.Usd(S::kIntermediateTotal)[0], 3600);
  EXPECT_DOUBLE_EQ(r.Usd(S::kIntermediateTotal)[1], 4000);
  EXPECT_DOUBLE_EQ(r.Usd(S::kIntermediateSemiconductor)[0], 1200);
  EXPECT_DOUBLE_EQ(r.Usd(S::kIntermediateSemiconductor)[1], 1800);
  EXPECT_DOUBLE_EQ(r.Usd(S::kIntermediateAdjusted)[0], 2400);
  EXPECT_DOUBLE_EQ(r.Usd(S::kIntermediateAdjusted)[1], 2200);
  EXPECT_DOUBLE_EQ(r.Usd(S::kCombinedAdjusted)[0], 3480);
  EXPECT_DOUBLE_EQ(r.Usd(S::kCombinedAdjusted)[1], 3208);
  EXPECT_DOUBLE_EQ(r.Pct(S::kCapitalTotal)[0], 1.2);
  EXPECT_DOUBLE_EQ(r.Pct(S::kCapitalAdjusted)[1], 0.504);
  EXPECT_DOUBLE_EQ(r.Pct(S::kCombinedAdjusted)[0], 3.48);
  EXPECT_DOUBLE_EQ(r.Pct(S::kCombinedAdjusted)[1], 1.604);

  // Rolling: the first window is 2015; the next (2015-02..2016-01) has capital
  // 11 * 100 + 94 = 1194 against GDP 11/12 * 1e5 + 1/12 * 2e5.
  ASSERT_EQ(r.rolling_end.size(), 13u);
  EXPECT_EQ(r.rolling_end[0], (YearMonth{2015, 12}));
  EXPECT_DOUBLE_EQ(r.rolling_usd[0][0], 1200);
  EXPECT_DOUBLE_EQ(r.rolling_pct_gdp[0][0], 1.2);
  EXPECT_DOUBLE_EQ(r.rolling_usd[0][1], 1194);
  EXPECT_NEAR(r.rolling_pct_gdp[0][1], 100.0 * 1194 / (13e5 / 12), 1e-12);
  EXPECT_DOUBLE_EQ(r.rolling_usd[6].back(), 3208);

  // Mapping diagnostics.
  EXPECT_EQ(r.codes_in_panel, 8);
  EXPECT_EQ(r.codes_capital, 4);
  EXPECT_EQ(r.codes_intermediate, 2);
  EXPECT_EQ(r.codes_consumption, 1);
  EXPECT_EQ(r.unmapped_codes, (std::vector<std::string>{"77777777"}));
  EXPECT_DOUBLE_EQ(r.unmapped_value_usd, 7 * 24);
  EXPECT_EQ(r.codes_nn, 1);  // the IC line (override)
  ASSERT_EQ(r.nn_assignments.size(), 1u);
  EXPECT_EQ(r.nn_assignments[0], "85423190: override BEC 42");
  EXPECT_EQ(r.semiconductor_codes_capital, (std::vector<std::string>{"84862031", "84860000"}));
  EXPECT_EQ(r.semiconductor_codes_intermediate, (std::vector<std::string>{"85423190"}));
  EXPECT_EQ(r.missing_cells, 13);
  EXPECT_EQ(r.gdp_notes, (std::vector<std::string>{"2016: made up"}));
}

TEST_F(AggregateTest, YearsAndGdpChecks) {
  AggregateOptions o;
  o.first_year = 2016;
  const AggregateResult r = ComputeAggregates(panel_, catalog_, bec_, gdp_, o);
  EXPECT_EQ(r.years, (std::vector<int>{2016}));
  EXPECT_EQ(r.rolling_end.size(), 1u);
  o.first_year = 2014;  // not in the panel
  EXPECT_THROW(ComputeAggregates(panel_, catalog_, bec_, gdp_, o), Error);
  gdp_.usd_by_year.erase(2016);
  try {
    ComputeAggregates(panel_, catalog_, bec_, gdp_);
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("'gdp_usd_test' has no value for 2016"), std::string::npos) << e.what();
  }
}

TEST_F(AggregateTest, ReportAndHdf5RoundTrip) {
  const AggregateResult r = ComputeAggregates(panel_, catalog_, bec_, gdp_);
  const std::string md = FormatAggregateReport(r);
  EXPECT_NE(md.find("**Synthetic data**"), std::string::npos);
  EXPECT_NE(md.find("| % of GDP | 2015 | 2016 | change (pp) | change (%) |"), std::string::npos) << md;
  // 1.08 -> 0.504: -0.58 pp (rounded), -53.3 %
  EXPECT_NE(md.find("| Capital goods, adjusted | 1.08 | 0.50 | -0.58 | -53.3% |"), std::string::npos) << md;
  EXPECT_NE(md.find("unmapped 1"), std::string::npos);
  EXPECT_NE(r.FullReport().find("SYNTHETIC"), std::string::npos);

  const auto path = std::filesystem::temp_directory_path() / ("chokepoint_aggregate_" + std::to_string(::getpid()) + ".h5");
  {
    h5::File f = h5::File::Create(path);
    WriteAggregateSection(f.id(), r);
    f.Close();
  }
  h5::File f = h5::File::OpenReadOnly(path);
  for (const char* name : {"years", "gdp_usd", "capital_total_usd", "capital_total_pct_gdp", "capital_semiconductor_usd",
                           "capital_adjusted_pct_gdp", "intermediate_total_usd", "intermediate_semiconductor_pct_gdp",
                           "intermediate_adjusted_usd", "combined_adjusted_usd", "combined_adjusted_pct_gdp"})
    EXPECT_TRUE(h5::Exists(f.id(), std::string("/aggregate/") + name)) << name;
  const AggregateResult back = ReadAggregateSection(f.id());
  EXPECT_EQ(back.years, r.years);
  EXPECT_EQ(back.gdp_usd, r.gdp_usd);
  for (int s = 0; s < kNumAggregateSeries; ++s) {
    EXPECT_EQ(back.usd[s], r.usd[s]);
    EXPECT_EQ(back.pct_gdp[s], r.pct_gdp[s]);
    EXPECT_EQ(back.rolling_pct_gdp[s], r.rolling_pct_gdp[s]);
  }
  EXPECT_EQ(back.rolling_end, r.rolling_end);
  EXPECT_EQ(back.unmapped_codes, r.unmapped_codes);
  EXPECT_EQ(back.gdp_column, "gdp_usd_test");
  EXPECT_TRUE(back.synthetic);
  EXPECT_EQ(back.missing_cells, 13);
  EXPECT_EQ(FormatAggregateReport(back), md);
  f.Close();
  std::filesystem::remove(path);
}

TEST(AggregateOptionsTest, TomlRoundTripAndValidation) {
  const toml::table t = ParseTomlText(
      "[aggregate]\nnn_rule = \"first\"\ngdp_column = \"gdp_usd_imf_weo_2025_10\"\nfirst_year = 2016\n", "cfg.toml");
  const AggregateOptions o = AggregateOptions::FromToml(TomlSection(t["aggregate"].as_table(), "aggregate", "cfg.toml"));
  EXPECT_EQ(o.nn_rule, BecNnRule::kFirstListed);
  EXPECT_EQ(o.gdp_column, "gdp_usd_imf_weo_2025_10");
  EXPECT_EQ(o.first_year, 2016);
  const toml::table back = o.ToToml();
  EXPECT_EQ(back["nn_rule"].value<std::string>(), "first");
  EXPECT_EQ(back["first_year"].value<int64_t>(), 2016);
  const AggregateOptions again = AggregateOptions::FromToml(TomlSection(&back, "aggregate", "resolved"));
  EXPECT_EQ(again.nn_rule, o.nn_rule);
  EXPECT_EQ(again.gdp_column, o.gdp_column);

  auto parse_error = [](const std::string& text) {
    const toml::table tt = ParseTomlText(text, "cfg.toml");
    try {
      AggregateOptions::FromToml(TomlSection(tt["aggregate"].as_table(), "aggregate", "cfg.toml"));
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_NE(parse_error("[aggregate]\nnn_rule = \"modal\"\n").find("cfg.toml:2:11: 'aggregate.nn_rule'"), std::string::npos)
      << parse_error("[aggregate]\nnn_rule = \"modal\"\n");
  EXPECT_NE(parse_error("[aggregate]\ngdp_colum = \"x\"\n").find("gdp_colum"), std::string::npos);
  EXPECT_NE(parse_error("[aggregate]\nfirst_year = 2020\nlast_year = 2019\n").find("aggregate.last_year"), std::string::npos);
  std::string error;
  AggregateOptions bad;
  bad.gdp_column = "";
  EXPECT_FALSE(bad.IsValid(&error));
  EXPECT_NE(error.find("aggregate.gdp_column"), std::string::npos);
}

TEST(AggregateGdpTest, ShippedGdpVintagesStaySeparate) {
  const GdpSeries wb = LoadDefaultGdp();
  EXPECT_EQ(wb.column, "gdp_usd_worldbank");
  EXPECT_DOUBLE_EQ(*wb.Get(2015), 11061572618579.0);
  EXPECT_DOUBLE_EQ(*wb.Get(2024), 18.74e12);
  EXPECT_EQ(wb.notes.count(2024), 1u);
  const GdpSeries imf = LoadDefaultGdp("gdp_usd_imf_weo_2025_10");
  EXPECT_DOUBLE_EQ(*imf.Get(2024), 18749759000000.0);
  EXPECT_TRUE(imf.notes.empty());
  EXPECT_THROW(LoadDefaultGdp("gdp_usd_nope"), Error);
}

}  // namespace
}  // namespace chokepoint
