// Ingest: every format (including GB18030), summing over dimensions, each
// bad-input class with its file:line:column, lenient counts, Jan-Feb policies,
// rate conversion and HDF5 read-back. Expected values are hand-summed from
// the fixtures in tests/data/ingest/ (see the README there).
#include "chokepoint/core/ingest.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <cmath>

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/h5.h"
#include "chokepoint/core/memory_limit.h"
#include "chokepoint/core/panel_io.h"

namespace chokepoint {
namespace {

namespace fs = std::filesystem;

fs::path Data(const std::string& name) { return fs::path(CHOKEPOINT_TEST_DATA_DIR) / "ingest" / name; }

class TempDir {
 public:
  TempDir() {
    path_ = fs::temp_directory_path() / ("chokepoint_ingest_test_" + std::to_string(::getpid()) + "_" +
                                         ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempDir() { fs::remove_all(path_); }
  fs::path Write(const std::string& name, const std::string& content) const {
    const fs::path p = path_ / name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

double Cell(const Panel& p, const std::string& code, const std::string& month) {
  const int r = p.RowOf(*HsCode::ParseAnyLevel(code));
  const int t = p.ColumnOf(*YearMonth::Parse(month));
  EXPECT_GE(r, 0) << code;
  EXPECT_GE(t, 0) << month;
  if (r < 0 || t < 0) return -1;
  EXPECT_TRUE(p.present(r, t)) << code << " " << month;
  return p.value(r, t);
}

bool Present(const Panel& p, const std::string& code, const std::string& month) {
  const int r = p.RowOf(*HsCode::ParseAnyLevel(code));
  const int t = p.ColumnOf(*YearMonth::Parse(month));
  return r >= 0 && t >= 0 && p.present(r, t);
}

// Runs ingest expecting an input error; returns its message.
std::string ErrorOf(const std::vector<fs::path>& inputs, const IngestOptions& options = {}) {
  try {
    IngestFiles(inputs, options);
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kInput) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

// --- Formats ---------------------------------------------------------------

TEST(Ingest, CanonicalWithCommentIdenticalDuplicateAndBothPeriodForms) {
  const IngestResult r = IngestFiles({Data("canonical_basic.csv")}, {});
  const Panel& p = r.panel;
  ASSERT_EQ(p.num_codes(), 2);
  ASSERT_EQ(p.num_months(), 3);
  EXPECT_EQ(p.codes()[0].ToString(), "84561100");  // ascending
  EXPECT_DOUBLE_EQ(Cell(p, "84561100", "2020-01"), 100.5);
  EXPECT_DOUBLE_EQ(Cell(p, "84561100", "2020-02"), 2000.0);  // "202002", "2e3"
  EXPECT_FALSE(Present(p, "84561100", "2020-03"));
  EXPECT_DOUBLE_EQ(Cell(p, "85423100", "2020-03"), 0.0);  // a present zero
  EXPECT_FALSE(Present(p, "85423100", "2020-02"));
  EXPECT_EQ(r.report.identical_duplicates, 1);
  EXPECT_EQ(r.report.rows_read, 5);
  // The synthetic label of WritePanelCsv output travels with the panel.
  EXPECT_TRUE(p.provenance.synthetic);
  EXPECT_EQ(p.provenance.label, "synthetic: scenario test, seed 3");
  EXPECT_EQ(p.provenance.scenario, "test");
  EXPECT_EQ(p.provenance.seed, 3u);
}

TEST(Ingest, CanonicalSumsOverExtraDimensionColumns) {
  const IngestResult r = IngestFiles({Data("canonical_dims.csv")}, {});
  // 100 + 50 + 25 + "1,000"; the repeated JP/10/31 row is an identical duplicate.
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-01"), 1175.0);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-02"), 10.0);
  EXPECT_EQ(r.report.identical_duplicates, 1);
  ASSERT_EQ(r.report.files.size(), 1u);
  EXPECT_EQ(r.report.files[0].dimension_columns, (std::vector<std::string>{"partner", "trade_mode", "province"}));
}

void ExpectCustomsFixture(const IngestResult& r) {
  const Panel& p = r.panel;
  ASSERT_EQ(p.num_codes(), 2);
  ASSERT_EQ(p.num_months(), 2);
  // 1,234,567 + 765,433 (two provinces) + 500,000 (another partner and mode).
  EXPECT_DOUBLE_EQ(Cell(p, "84561100", "2020-01"), 2500000.0);
  EXPECT_DOUBLE_EQ(Cell(p, "84561100", "2020-02"), 250000.5);
  EXPECT_DOUBLE_EQ(Cell(p, "85423100", "2020-01"), 10000000.0);
  EXPECT_DOUBLE_EQ(Cell(p, "85423100", "2020-02"), 20000000.0);  // 12.5 M + 7.5 M
  EXPECT_EQ(r.report.rows_read, 8);
  EXPECT_EQ(r.report.rows_used, 7);
  EXPECT_EQ(r.report.rows_ignored, 1);  // the 合计 (total) row
  EXPECT_EQ(r.report.files[0].format, IngestFormat::kCustoms);
  EXPECT_EQ(r.report.files[0].dimension_columns.size(), 6u);
}

TEST(Ingest, CustomsChineseHeadersUtf8WithBom) {
  const IngestResult r = IngestFiles({Data("customs_zh_utf8.csv")}, {});
  ExpectCustomsFixture(r);
  EXPECT_EQ(r.report.files[0].encoding, "utf-8 (BOM)");
}

TEST(Ingest, CustomsChineseHeadersGb18030GivesTheSamePanel) {
  const IngestResult r = IngestFiles({Data("customs_zh_gb18030.csv")}, {});
  ExpectCustomsFixture(r);
  EXPECT_EQ(r.report.files[0].encoding, "gb18030");
  IngestOptions forced;
  forced.format = IngestFormat::kCustoms;
  ExpectCustomsFixture(IngestFiles({Data("customs_zh_gb18030.csv")}, forced));
}

TEST(Ingest, CustomsEnglishRmbNeedsARateTable) {
  const std::string msg = ErrorOf({Data("customs_en_rmb.csv")});
  EXPECT_NE(msg.find("customs_en_rmb.csv:2:14:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--rates"), std::string::npos) << msg;
  IngestOptions o;
  o.rates_file = Data("rates.csv").string();
  const IngestResult r = IngestFiles({Data("customs_en_rmb.csv")}, o);
  // (6,900,000 + 690,000) / 6.9 and 7,000,000 / 7.0.
  EXPECT_NEAR(Cell(r.panel, "84561100", "2020-01"), 1100000.0, 1e-6);
  EXPECT_NEAR(Cell(r.panel, "84561100", "2020-02"), 1000000.0, 1e-6);
  EXPECT_EQ(r.report.files[0].currency, "rmb");
}

TEST(Ingest, CustomsRmbWithoutARateForThePeriodIsAnError) {
  TempDir dir;
  const auto rates = dir.Write("rates.csv", "2020-01,6.9\n");
  IngestOptions o;
  o.rates_file = rates.string();
  const std::string msg = ErrorOf({Data("customs_en_rmb.csv")}, o);
  EXPECT_NE(msg.find("customs_en_rmb.csv:4:14:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("no CNY per USD rate for 2020-02"), std::string::npos) << msg;
}

TEST(Ingest, ComtradeKeepsWorldImportsOfHs6CodesAtHs6) {
  const IngestResult r = IngestFiles({Data("comtrade_monthly.csv")}, {});
  const Panel& p = r.panel;
  ASSERT_EQ(p.num_codes(), 2);
  // HS6 codes stay HS6 (the panel records its level); the Japan detail row
  // beside the World total, the export row and the TOTAL aggregate are ignored.
  EXPECT_EQ(p.codes()[0].ToString(), "845611");
  EXPECT_EQ(p.hs_levels(), std::vector<int>{6});
  EXPECT_DOUBLE_EQ(Cell(p, "845611", "2020-01"), 3000000.0);
  EXPECT_DOUBLE_EQ(Cell(p, "845611", "2020-02"), 3500000.5);
  EXPECT_DOUBLE_EQ(Cell(p, "854231", "2020-01"), 4.5e9);
  EXPECT_FALSE(Present(p, "854231", "2020-02"));
  EXPECT_EQ(r.report.rows_ignored, 3);
  EXPECT_EQ(r.report.files[0].format, IngestFormat::kComtrade);
  // qty and its unit code are kept beside the value (World rows only).
  ASSERT_TRUE(p.has_quantities());
  EXPECT_DOUBLE_EQ(p.quantities[0 * p.num_months() + 0], 5.0);
  EXPECT_DOUBLE_EQ(p.quantities[0 * p.num_months() + 1], 6.0);
  EXPECT_EQ(p.quantity_units[0], "8");
  EXPECT_TRUE(std::isnan(p.quantities[1 * p.num_months() + 0]));  // qty empty
}

TEST(Ingest, ComtradePartnerDetailWithoutWorldIsSummed) {
  TempDir dir;
  const auto f = dir.Write("c.csv",
                           "freqCode,refPeriodId,reporterCode,flowCode,partnerCode,cmdCode,primaryValue\n"
                           "M,20200101,156,M,392,845611,10\n"
                           "M,20200101,156,M,276,845611,5.5\n"
                           "M,20200101,156,X,276,845611,99\n");
  const IngestResult r = IngestFiles({f}, {});
  EXPECT_DOUBLE_EQ(Cell(r.panel, "845611", "2020-01"), 15.5);
}

TEST(Ingest, ComtradeAnnualDataAndMixedReportersAreRejected) {
  TempDir dir;
  const auto annual = dir.Write("a.csv", "freqCode,period,cmdCode,primaryValue\nA,2020,845611,10\n");
  EXPECT_NE(ErrorOf({annual}).find("a.csv:2:1: frequency 'A'"), std::string::npos);
  const auto mixed = dir.Write("m.csv", "period,reporterCode,cmdCode,primaryValue\n202001,156,845611,1\n202002,344,845611,1\n");
  EXPECT_NE(ErrorOf({mixed}).find("m.csv:3:2: the file mixes reporters"), std::string::npos);
}

TEST(Ingest, SeveralFilesAreCombinedAndFormatsDetectedPerFile) {
  TempDir dir;
  const auto a = dir.Write("a.csv", "hs8,period,value_usd\n84561100,2019-12,1\n");
  const IngestResult r = IngestFiles({a, Data("customs_zh_gb18030.csv")}, {});
  EXPECT_EQ(r.panel.num_months(), 3);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2019-12"), 1.0);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "85423100", "2020-02"), 20000000.0);
  EXPECT_EQ(r.panel.provenance.source_files.size(), 2u);
  EXPECT_FALSE(r.panel.provenance.synthetic);
}

TEST(Ingest, UnrecognisedHeaderNamesTheFormats) {
  TempDir dir;
  const auto f = dir.Write("x.csv", "code,month,value\n84561100,2020-01,1\n");
  const std::string msg = ErrorOf({f});
  EXPECT_NE(msg.find("x.csv:1:1: unrecognised header"), std::string::npos) << msg;
}

// --- Bad input: file:line:column and the problem -----------------------------

struct BadCase {
  std::string name;
  std::string content;
  std::string location;  // "file:line:column:"
  std::string words;
};

TEST(Ingest, EachBadInputClassStopsWithFileLineColumn) {
  TempDir dir;
  const std::string head = "hs8,period,value_usd\n84561100,2020-01,5\n";
  const std::vector<BadCase> cases = {
      {"malformed.csv", head + "84561100,2020-02,12x3\n", ":3:3:", "malformed number '12x3'"},
      {"separators.csv", head + "84561100,2020-02,\"1,23,4\"\n", ":3:3:", "malformed number '1,23,4'"},
      {"empty.csv", head + "84561100,2020-02,\n", ":3:3:", "malformed number ''"},
      {"nan.csv", head + "84561100,2020-02,nan\n", ":3:3:", "malformed number 'nan'"},
      {"code7.csv", head + "8456110,2020-02,1\n", ":3:1:", "invalid HS code '8456110'"},
      {"code_alpha.csv", head + "8456110A,2020-02,1\n", ":3:1:", "invalid HS code"},
      {"period.csv", head + "84561100,2020-13,1\n", ":3:2:", "invalid period '2020-13'"},
      {"period_date.csv", head + "84561100,2020-01-02,1\n", ":3:2:", "invalid period '2020-01-02'"},
      {"period_range.csv", head + "84561100,2020-03~04,1\n", ":3:2:", "invalid period '2020-03~04'"},
      {"negative.csv", head + "84561100,2020-02,-7.5\n", ":3:3:", "negative value '-7.5'"},
      {"conflict.csv", head + "84561100,2020-01,6\n", ":3:3:", "conflicting duplicate: code 84561100 period 2020-01 is 6 here but 5 at"},
      {"fields.csv", head + "84561100,2020-02\n", ":3:3:", "expected 3 fields as in the header, found 2"},
      {"quote.csv", head + "84561100,2020-02,\"12\n", ":3:1:", "unterminated quote"},
  };
  for (const auto& c : cases) {
    const auto f = dir.Write(c.name, c.content);
    const std::string msg = ErrorOf({f});
    EXPECT_NE(msg.find(f.string() + c.location), std::string::npos) << c.name << ": " << msg;
    EXPECT_NE(msg.find(c.words), std::string::npos) << c.name << ": " << msg;
  }
}

TEST(Ingest, ConflictingDuplicateAcrossFilesNamesTheFirstRow) {
  TempDir dir;
  const auto a = dir.Write("a.csv", "hs8,period,value_usd\n84561100,2020-01,5\n");
  const auto b = dir.Write("b.csv", "hs8,period,value_usd\n\n84561100,2020-01,5.5\n");
  const std::string msg = ErrorOf({a, b});
  EXPECT_NE(msg.find(b.string() + ":3:3: conflicting duplicate"), std::string::npos) << msg;
  EXPECT_NE(msg.find("5 at " + a.string() + ":2"), std::string::npos) << msg;
}

TEST(Ingest, DimensionedConflictNeedsTheSameDimensionValues) {
  TempDir dir;
  const auto f = dir.Write("d.csv", "hs8,period,partner,value_usd\n84561100,2020-01,JP,5\n84561100,2020-01,JP,6\n");
  const std::string msg = ErrorOf({f});
  EXPECT_NE(msg.find("d.csv:3:4: conflicting duplicate"), std::string::npos) << msg;
}

TEST(Ingest, WrongEncodingInBothUtf8AndGb18030) {
  const std::string msg = ErrorOf({Data("bad_encoding.csv")});
  // Line 3 "84561100,2020-02,12\xFF3": the 0xFF byte is byte column 20.
  EXPECT_NE(msg.find("bad_encoding.csv:3:20:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("neither valid UTF-8 nor valid GB18030"), std::string::npos) << msg;
}

TEST(Ingest, DamagedUtf8FileIsReportedAsUtf8) {
  TempDir dir;
  std::string content = "数据年月,商品编码,贸易伙伴名称,美元\n202001,84561100,日本,1\n202001,84561100,德国,\xC3\x28\n";
  for (int i = 0; i < 3; ++i) content += "202002,84561100,日本" + std::to_string(i) + ",2\n";
  const auto f = dir.Write("u.csv", content);
  const std::string msg = ErrorOf({f});
  EXPECT_NE(msg.find("u.csv:3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("invalid UTF-8 byte 0xC3"), std::string::npos) << msg;
}

// --- Lenient -----------------------------------------------------------------

TEST(Ingest, LenientSkipsBadRowsCountsThemByClassAndKeepsExamples) {
  TempDir dir;
  const auto f = dir.Write("l.csv",
                           "hs8,period,value_usd\n"
                           "84561100,2020-01,5\n"
                           "84561100,2020-02,12x\n"    // malformed
                           "84561100,2020-03,abc\n"    // malformed
                           "8456110,2020-03,1\n"       // code
                           "84561100,2020-99,1\n"      // period
                           "84561100,2020-04,-1\n"     // negative
                           "84561100,2020-01,6\n"      // conflicting duplicate: first value kept
                           "84561100,2020-05\n"        // field count
                           "84561100,2020-06,7\xFF\n"  // encoding: byte column 19
                           "84561100,2020-07,8\n");
  IngestOptions o;
  o.lenient = true;
  o.max_examples = 3;
  const IngestResult r = IngestFiles({f}, o);
  const auto count = [&](IngestProblem k) { return r.report.problem_counts[static_cast<size_t>(k)]; };
  EXPECT_EQ(count(IngestProblem::kMalformedNumber), 2);
  EXPECT_EQ(count(IngestProblem::kInvalidCode), 1);
  EXPECT_EQ(count(IngestProblem::kInvalidPeriod), 1);
  EXPECT_EQ(count(IngestProblem::kNegativeValue), 1);
  EXPECT_EQ(count(IngestProblem::kConflictingDuplicate), 1);
  EXPECT_EQ(count(IngestProblem::kWrongFieldCount), 1);
  EXPECT_EQ(count(IngestProblem::kBadEncoding), 1);
  EXPECT_EQ(r.report.rows_skipped, 8);
  ASSERT_EQ(r.report.examples.size(), 3u);
  // Examples in row order; an undecodable byte in a used field (the value) is
  // a bad row at its byte column, naming the field.
  EXPECT_NE(r.report.examples[0].find("l.csv:3:3: malformed_number"), std::string::npos) << r.report.examples[0];
  EXPECT_NE(r.report.examples[1].find("l.csv:4:3: malformed_number"), std::string::npos) << r.report.examples[1];
  o.max_examples = 20;
  const IngestResult all = IngestFiles({f}, o);
  ASSERT_EQ(all.report.examples.size(), 8u);
  EXPECT_NE(all.report.examples[7].find("l.csv:10:19: bad_encoding"), std::string::npos) << all.report.examples[7];
  EXPECT_NE(all.report.examples[7].find("in field 3 (value_usd)"), std::string::npos) << all.report.examples[7];
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-01"), 5.0);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-07"), 8.0);
  EXPECT_FALSE(Present(r.panel, "84561100", "2020-06"));
  EXPECT_EQ(r.panel.num_present(), 2u);
  EXPECT_NE(r.report.FullReport().find("malformed_number=2"), std::string::npos);
}

// --- January-February ----------------------------------------------------------

TEST(Ingest, CombinedJanFebWithoutPolicyIsAnErrorNamingTheOption) {
  const std::string msg = ErrorOf({Data("customs_janfeb.csv")});
  EXPECT_NE(msg.find("customs_janfeb.csv:3:1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--jan-feb"), std::string::npos) << msg;
  IngestOptions lenient;
  lenient.lenient = true;  // a missing policy is not a bad row
  EXPECT_NE(ErrorOf({Data("customs_janfeb.csv")}, lenient).find("--jan-feb"), std::string::npos);
}

TEST(Ingest, CombinedJanFebKeepMerged) {
  IngestOptions o;
  o.jan_feb = JanFebPolicy::kKeepMerged;
  const IngestResult r = IngestFiles({Data("customs_janfeb.csv")}, o);
  const Panel& p = r.panel;
  EXPECT_EQ(p.first_month(), (YearMonth{2019, 12}));
  EXPECT_EQ(p.last_month(), (YearMonth{2021, 3}));
  EXPECT_DOUBLE_EQ(Cell(p, "84561100", "2020-02"), 400.0);  // 300 + 100 over partners
  EXPECT_FALSE(Present(p, "84561100", "2020-01"));
  EXPECT_DOUBLE_EQ(Cell(p, "85423100", "2021-02"), 80.0);  // "202101-02"
  EXPECT_FALSE(Present(p, "85423100", "2021-01"));
  EXPECT_DOUBLE_EQ(Cell(p, "85423100", "2021-03"), 50.0);  // "2021年3月"
  EXPECT_EQ(r.report.jan_feb_combined, (std::vector<std::string>{"2020-01~02 (explicit)", "2021-01~02 (explicit)"}));
  EXPECT_NE(r.report.jan_feb_treatment.find("keep-merged"), std::string::npos);
}

TEST(Ingest, CombinedJanFebSplit) {
  IngestOptions o;
  o.jan_feb = JanFebPolicy::kSplit;
  const IngestResult r = IngestFiles({Data("customs_janfeb.csv")}, o);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-01"), 200.0);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-02"), 200.0);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "85423100", "2021-01"), 40.0);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "85423100", "2021-02"), 40.0);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2019-12"), 100.0);
  EXPECT_NE(r.report.jan_feb_treatment.find("split"), std::string::npos);
}

TEST(Ingest, FebruaryWithoutAnyJanuaryIsTreatedAsCombined) {
  const std::string msg = ErrorOf({Data("canonical_janfeb_inferred.csv")});
  EXPECT_NE(msg.find("canonical_janfeb_inferred.csv:3:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("--jan-feb"), std::string::npos) << msg;
  IngestOptions keep;
  keep.jan_feb = JanFebPolicy::kKeepMerged;
  const IngestResult k = IngestFiles({Data("canonical_janfeb_inferred.csv")}, keep);
  EXPECT_FALSE(Present(k.panel, "84561100", "2020-01"));
  EXPECT_DOUBLE_EQ(Cell(k.panel, "84561100", "2020-02"), 30.0);
  ASSERT_EQ(k.report.jan_feb_combined.size(), 1u);
  EXPECT_NE(k.report.jan_feb_combined[0].find("inferred"), std::string::npos);
  IngestOptions split;
  split.jan_feb = JanFebPolicy::kSplit;
  const IngestResult s = IngestFiles({Data("canonical_janfeb_inferred.csv")}, split);
  EXPECT_DOUBLE_EQ(Cell(s.panel, "84561100", "2020-01"), 15.0);
  EXPECT_DOUBLE_EQ(Cell(s.panel, "84561100", "2020-02"), 15.0);
  EXPECT_DOUBLE_EQ(Cell(s.panel, "85423100", "2020-01"), 4.0);
}

TEST(Ingest, FebruaryAtTheStartOfTheDataIsNotCombined) {
  TempDir dir;
  const auto f = dir.Write("s.csv", "hs8,period,value_usd\n84561100,2020-02,3\n84561100,2020-03,4\n");
  EXPECT_EQ(IngestFiles({f}, {}).panel.num_months(), 2);
}

TEST(Ingest, CombinedAndMonthlyFebruaryForTheSameCodeConflict) {
  TempDir dir;
  const auto f = dir.Write("c.csv", "hs8,period,value_usd\n84561100,2020-01~02,3\n84561100,2020-02,4\n");
  IngestOptions o;
  o.jan_feb = JanFebPolicy::kSplit;
  EXPECT_NE(ErrorOf({f}, o).find("c.csv:3:3: code 84561100 period 2020-02 mixes"), std::string::npos);
  const auto g = dir.Write("g.csv", "hs8,period,value_usd\n84561100,2020-01,3\n84561100,2020-01~02,4\n");
  const std::string msg = ErrorOf({g}, o);
  EXPECT_NE(msg.find("g.csv:2: January 2020 has its own value"), std::string::npos) << msg;
}

// --- Periods, numbers ------------------------------------------------------------

TEST(Ingest, ThousandsSeparatorsAndPeriodSpellings) {
  TempDir dir;
  const auto f = dir.Write("p.csv",
                           "商品编码,数据年月,美元\n"
                           "84561100,2020年1月,\"1,000,000.25\"\n"
                           "84561100,2020/02,\" 2,500 \"\n"
                           "8456.1100,202003,3\n");
  const IngestResult r = IngestFiles({f}, {});
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-01"), 1000000.25);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-02"), 2500.0);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-03"), 3.0);
}

TEST(Ingest, CustomsFlowColumnKeepsImportsAndHeaderSpellingsNormalise) {
  TempDir dir;
  const auto zh = dir.Write("zh.csv",
                            "进出口,数据年月,商品编码,金额（美元）,金额（人民币）\n"
                            "进口,202001,84561100,10,70\n"
                            "出口,202001,84561100,99,700\n");
  const IngestResult a = IngestFiles({zh}, {});
  EXPECT_DOUBLE_EQ(Cell(a.panel, "84561100", "2020-01"), 10.0);  // US$ preferred, exports ignored
  EXPECT_EQ(a.report.rows_ignored, 1);
  const auto en = dir.Write("en.csv",
                            "Import/Export,Date of data,Commodity code,Trading partner,US_Dollar\n"
                            "Import,2020-01,84561100,Japan,1\n"
                            "Import,2020-01,84561100,Korea,2\n"
                            "Export,2020-01,84561100,Korea,50\n");
  const IngestResult b = IngestFiles({en}, {});
  EXPECT_DOUBLE_EQ(Cell(b.panel, "84561100", "2020-01"), 3.0);
  EXPECT_EQ(b.report.files[0].dimension_columns, (std::vector<std::string>{"Trading partner"}));
}

TEST(Ingest, OptionsRoundTripThroughToml) {
  IngestOptions o;
  o.format = IngestFormat::kCustoms;
  o.jan_feb = JanFebPolicy::kSplit;
  o.lenient = true;
  o.max_examples = 5;
  const toml::table t = o.ToToml();
  const IngestOptions back = IngestOptions::FromToml(TomlSection(&t, "ingest", "x.toml"));
  EXPECT_EQ(back.format, IngestFormat::kCustoms);
  EXPECT_EQ(back.jan_feb, JanFebPolicy::kSplit);
  EXPECT_TRUE(back.lenient);
  EXPECT_EQ(back.max_examples, 5);
  for (auto f : {IngestFormat::kAuto, IngestFormat::kCanonical, IngestFormat::kCustoms, IngestFormat::kComtrade})
    EXPECT_EQ(IngestFormatFromString(ToString(f)), f);
  std::string error;
  o.max_examples = -1;
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("ingest.max_examples"), std::string::npos);
}

TEST(Ingest, ReadPanelFileReadsCanonicalCsvKeepingTheSyntheticLabel) {
  TempDir dir;
  Panel p({*HsCode::Parse("84561100"), *HsCode::Parse("01012100")}, YearMonth{2015, 1}, 3);
  p.Set(0, 0, 1.25);
  p.Set(0, 2, 123456789.123);
  p.Set(1, 1, 0.0);
  p.provenance.synthetic = true;
  p.provenance.label = "synthetic: scenario paper2025, seed 11";
  const fs::path csv = dir.path() / "p.csv";
  WritePanelCsv(p, csv);
  const Panel q = ReadPanelFile(csv);
  ASSERT_EQ(q.num_codes(), 2);
  EXPECT_EQ(q.codes()[0].ToString(), "01012100");  // ascending, leading zero kept
  EXPECT_EQ(q.num_months(), 3);
  EXPECT_DOUBLE_EQ(Cell(q, "84561100", "2015-03"), 123456789.123);  // %.17g round trip
  EXPECT_FALSE(Present(q, "84561100", "2015-02"));
  EXPECT_TRUE(Present(q, "01012100", "2015-02"));
  EXPECT_TRUE(q.provenance.synthetic);
  EXPECT_EQ(q.provenance.scenario, "paper2025");
  EXPECT_EQ(q.provenance.seed, 11u);
}

TEST(Ingest, RateTableErrorsAreLocated) {
  TempDir dir;
  const auto f = dir.Write("r.csv", "period,cny_per_usd\n2020-01,6.9\n2020-02,-1\n");
  try {
    ReadRateTable(f);
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("r.csv:3:2: invalid rate '-1'"), std::string::npos) << e.what();
  }
}

TEST(Ingest, ADensePanelOverTheLimitIsRefusedBeforeItIsBuilt) {
  // 40 codes with one value each, in 1900-01 and 2200-12: 3,612 months x 40
  // codes x 9 bytes = 1.3 MB of panel from a file of 43 lines.
  TempDir dir;
  std::string text = "hs8,period,value_usd\n";
  for (int c = 0; c < 40; ++c)
    text += std::to_string(84561100 + 100 * c) + (c % 2 ? ",1900-01,1\n" : ",2200-12,1\n");
  const auto f = dir.Write("sparse.csv", text);
  struct ResetLimit {  // the limit is process-wide: never leave it to later tests
    ~ResetLimit() { SetMemoryLimit(0, ""); }
  } reset;
  SetMemoryLimit(1 << 20, "test limit");
  try {
    IngestFiles({f}, IngestOptions{});
    ADD_FAILURE() << "a 1.3 MB panel passed a 1 MB limit";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::kUsage);
    EXPECT_NE(std::string(e.what()).find("the ingested panel (40 codes x 3612 months, 1900-01..2200-12)"),
              std::string::npos)
        << e.what();
  }
  SetMemoryLimit(2 << 20, "test limit");  // the same file within 2 MB
  EXPECT_EQ(IngestFiles({f}, IngestOptions{}).panel.num_months(), 3612);
}

// --- HDF5 ------------------------------------------------------------------------

TEST(Ingest, IngestedPanelReadsBackFromHdf5WithMetadata) {
  TempDir dir;
  const auto f = dir.Write("l.csv", "hs8,period,value_usd\n84561100,2020-01,5\n84561100,2020-02,x\n");
  IngestOptions o;
  o.lenient = true;
  const IngestResult r = IngestFiles({f, Data("customs_zh_gb18030.csv")}, o);
  const fs::path out = dir.path() / "panel.h5";
  WriteIngestedPanelH5(r, out);
  const Panel p = ReadPanelH5(out);
  EXPECT_EQ(p.num_codes(), 2);
  EXPECT_DOUBLE_EQ(Cell(p, "84561100", "2020-01"), 5.0 + 2500000.0);  // summed across files
  EXPECT_DOUBLE_EQ(Cell(p, "85423100", "2020-02"), 20000000.0);
  EXPECT_EQ(p.provenance.source_files.size(), 2u);
  h5::File file = h5::File::OpenReadOnly(out);
  h5::Handle g(H5Gopen2(file.id(), "/panel/ingest", H5P_DEFAULT));
  ASSERT_TRUE(g.valid());
  EXPECT_EQ(h5::ReadIntAttribute(g.id(), "rows_skipped"), 1);
  EXPECT_EQ(h5::ReadIntAttribute(g.id(), "lenient"), 1);
  EXPECT_EQ(h5::ReadStringAttribute(g.id(), "jan_feb_policy"), "reject");
  const auto classes = h5::ReadStrings(g.id(), "problem_class");
  const auto counts = h5::ReadInt64s(g.id(), "problem_count");
  ASSERT_EQ(classes.size(), static_cast<size_t>(kNumIngestProblems));
  ASSERT_EQ(counts.size(), classes.size());
  EXPECT_EQ(classes[0], "malformed_number");
  EXPECT_EQ(counts[0], 1);
  const auto examples = h5::ReadStrings(g.id(), "examples");
  ASSERT_EQ(examples.size(), 1u);
  EXPECT_NE(examples[0].find("l.csv:3:3: malformed_number"), std::string::npos);
  EXPECT_EQ(h5::ReadStrings(g.id(), "file_encodings"), (std::vector<std::string>{"utf-8", "gb18030"}));
  EXPECT_EQ(h5::ReadStrings(g.id(), "file_formats"), (std::vector<std::string>{"canonical", "customs"}));
}

}  // namespace
}  // namespace chokepoint
