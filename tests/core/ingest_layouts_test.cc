// Ingest of real-data layouts at every HS level: an HS4 Customs extract by
// partner with quoted thousands separators and a line break inside a quoted
// description, HS8 quantities and units, a partner's exports in thousands with
// YYYY/M periods (the partner-exports preset), HS10 lines, filters, and the
// malformed variant of each with its file:line:column. Expected values are
// summed by hand from tests/data/ingest/ (README there).
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/hs_code.h"
#include "chokepoint/core/ingest.h"
#include "chokepoint/core/panel_io.h"
#include "temp_dir.h"

namespace chokepoint {
namespace {

namespace fs = std::filesystem;
using testing::ScopedTempDir;

fs::path Data(const std::string& name) { return fs::path(CHOKEPOINT_TEST_DATA_DIR) / "ingest" / name; }

fs::path Write(const fs::path& dir, const std::string& name, const std::string& content) {
  const fs::path p = dir / name;
  std::ofstream(p, std::ios::binary) << content;
  return p;
}

// The value of a cell; NaN when the code or month is absent or the cell missing.
double Cell(const Panel& p, const std::string& code, const std::string& month) {
  const auto c = HsCode::ParseAnyLevel(code);
  const auto m = YearMonth::Parse(month);
  if (!c || !m) return std::nan("");
  const int r = p.RowOf(*c), t = p.ColumnOf(*m);
  if (r < 0 || t < 0 || !p.present(r, t)) return std::nan("");
  return p.value(r, t);
}

std::string ErrorOf(const std::vector<fs::path>& inputs, const IngestOptions& options) {
  try {
    IngestFiles(inputs, options);
  } catch (const Error& e) {
    return e.what();
  }
  ADD_FAILURE() << "no error";
  return "";
}

TEST(HsCodeLevels, ParsesEveryLevelAndKeepsIt) {
  EXPECT_EQ(HsCode::ParseAnyLevel("85")->digits(), 2);
  EXPECT_EQ(HsCode::ParseAnyLevel("8542")->ToString(), "8542");
  EXPECT_EQ(HsCode::ParseAnyLevel("854231")->digits(), 6);
  EXPECT_EQ(HsCode::ParseAnyLevel("0101.21")->ToString(), "010121");
  bool hs10 = false;
  const auto ten = HsCode::ParseAnyLevel("8542310001", &hs10);
  ASSERT_TRUE(ten);
  EXPECT_TRUE(hs10);
  EXPECT_EQ(ten->ToString(), "85423100");
  for (const char* bad : {"8", "854", "85423", "8542310", "854231000", "00", "0012", "85423100011", "85x2"})
    EXPECT_FALSE(HsCode::ParseAnyLevel(bad)) << bad;
  // The catalog form stays strict.
  EXPECT_FALSE(HsCode::Parse("8542"));
}

TEST(HsCodeLevels, OrdersAsTextAndNestsByPrefix) {
  const HsCode h4 = *HsCode::ParseAnyLevel("8542"), h6 = *HsCode::ParseAnyLevel("854231"),
               h8 = *HsCode::ParseAnyLevel("85423100"), h8zero = *HsCode::ParseAnyLevel("85420000"),
               next = *HsCode::ParseAnyLevel("8543");
  EXPECT_LT(h4, h8zero);  // "8542" < "85420000"
  EXPECT_LT(h8zero, h6);  // "85420000" < "854231"
  EXPECT_LT(h6, h8);
  EXPECT_LT(h8, next);
  EXPECT_NE(h4, h8zero);
  EXPECT_TRUE(h4.Contains(h8));
  EXPECT_TRUE(h6.Contains(h8));
  EXPECT_FALSE(h8.Contains(h6));
  EXPECT_FALSE(next.Contains(h8));
  EXPECT_EQ(h8.Prefix(4), h4);
  EXPECT_EQ(h8.Hs6(), 854231u);
  EXPECT_EQ(h4.Hs6(), 0u);
  for (const HsCode c : {h4, h6, h8, h8zero, next, *HsCode::ParseAnyLevel("01")})
    EXPECT_EQ(HsCode::FromKey(c.key()), c) << c.ToString();
  EXPECT_LT(h4.key(), h8zero.key());
  EXPECT_LT(h8zero.key(), h6.key());
}

TEST(IngestLayouts, Hs4CustomsExtractByPartnerWithQuotedSeparatorsAndALineBreak) {
  const IngestResult r = IngestFiles({Data("customs_hs4_partners_en.csv")}, {});
  const Panel& p = r.panel;
  EXPECT_EQ(p.hs_levels(), std::vector<int>{4});
  ASSERT_EQ(p.num_codes(), 3);
  EXPECT_EQ(p.codes()[0].ToString(), "8486");
  EXPECT_EQ(p.first_month(), (YearMonth{2020, 1}));
  EXPECT_EQ(p.num_months(), 2);
  // Summed over partners (Japan + Korea), rows in any order.
  EXPECT_DOUBLE_EQ(Cell(p, "8542", "2020-01"), 3500000000.0 + 12000000000.5);
  EXPECT_DOUBLE_EQ(Cell(p, "8542", "2020-02"), 3888331145.0 + 11000000000.0);
  // The description with a line break and the one with mis-decoded "£¬" read fine.
  EXPECT_DOUBLE_EQ(Cell(p, "8486", "2020-01"), 1000000.0);
  EXPECT_DOUBLE_EQ(Cell(p, "8486", "2020-02"), 2000000.0);
  EXPECT_DOUBLE_EQ(Cell(p, "8541", "2020-01"), 700000.0);
  EXPECT_TRUE(std::isnan(Cell(p, "8541", "2020-02")));
  EXPECT_EQ(r.report.rows_read, 8);  // the two-line record is one row
  EXPECT_EQ(r.report.rows_used, 7);
  EXPECT_EQ(r.report.rows_ignored, 1);  // the Total row
  const auto& dims = r.report.files[0].dimension_columns;
  EXPECT_NE(std::find(dims.begin(), dims.end(), "Trading partner"), dims.end());
}

TEST(IngestLayouts, MalformedHs4ExtractNamesTheRecordsFirstLine) {
  ScopedTempDir dir("ingest_layouts");
  const std::string head = "Date of data,Commodity code,Commodity name,Trading partner,US dollar\n";
  // A multi-line record followed by a bad thousands grouping: line 4 (the
  // record on lines 2-3 counts its two lines).
  const auto grouping = Write(dir, "grouping.csv",
                              head + "202001,8542,\"ICs,\nand parts\",Japan,\"1,000\"\n"
                                     "202002,8542,ICs,Japan,\"1,00,0\"\n");
  std::string msg = ErrorOf({grouping}, {});
  EXPECT_NE(msg.find("grouping.csv:4:5:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("malformed number"), std::string::npos) << msg;
  // A 3-digit code.
  const auto code = Write(dir, "code.csv", head + "202001,854,ICs,Japan,5\n");
  msg = ErrorOf({code}, {});
  EXPECT_NE(msg.find("code.csv:2:2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("invalid HS code '854'"), std::string::npos) << msg;
  // A quote never closed: the record's first line, not the end of the file.
  const auto open = Write(dir, "open.csv", head + "202001,8542,\"ICs,Japan,5\n202002,8542,ICs,Japan,6\n");
  msg = ErrorOf({open}, {});
  EXPECT_NE(msg.find("open.csv:2:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unterminated quote"), std::string::npos) << msg;
}

TEST(IngestLayouts, UndecodableBytesInADescriptionDoNotStopTheRead) {
  ScopedTempDir dir("ingest_layouts");
  // GB18030 text whose description holds 0xFF (invalid in UTF-8 and GB18030):
  // the row is used; the same byte in the value stops the read at its byte column.
  const std::string head = "\xC9\xCC\xC6\xB7\xB1\xE0\xC2\xEB,\xC9\xCC\xC6\xB7\xC3\xFB\xB3\xC6,"
                           "\xCA\xFD\xBE\xDD\xC4\xEA\xD4\xC2,\xC3\xC0\xD4\xAA\n";  // 商品编码,商品名称,数据年月,美元
  const auto ok = Write(dir, "gb.csv",
                        head + "84561100,\xBC\xA4\xB9\xE2\xFF\xBB\xFA,202001,10\n"  // 激光?机
                               "84561100,\xBC\xA4\xB9\xE2,202002,20\n");
  const IngestResult r = IngestFiles({ok}, {});
  EXPECT_EQ(r.report.files[0].encoding, "gb18030");
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-01"), 10.0);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "84561100", "2020-02"), 20.0);
  EXPECT_EQ(r.report.rows_with_undecodable_text, 1);
  EXPECT_NE(r.report.FullReport().find("undecodable bytes only in columns not read"), std::string::npos);
  const auto bad = Write(dir, "gbbad.csv", head + "84561100,\xBC\xA4,202001,1\xFF""0\n");
  const std::string msg = ErrorOf({bad}, {});
  EXPECT_NE(msg.find("gbbad.csv:2:21:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("in field 4"), std::string::npos) << msg;
  // Damaged UTF-8 (a UTF-8 export with one bad byte in a name) alike.
  const auto utf8 = Write(dir, "u.csv",
                          "商品编码,商品名称,数据年月,美元\n84561100,激光\xFE加工机床,202001,5\n"
                          "84561100,激光加工机床,202002,6\n84561100,激光加工机床,202003,7\n");
  const IngestResult u = IngestFiles({utf8}, {});
  EXPECT_EQ(u.report.files[0].encoding, "utf-8");
  EXPECT_DOUBLE_EQ(Cell(u.panel, "84561100", "2020-01"), 5.0);
  EXPECT_EQ(u.report.rows_with_undecodable_text, 1);
}

TEST(IngestLayouts, Hs8CustomsQuantitiesAndUnitsAreKeptNotSummedOver) {
  // customs_zh_utf8.csv: 第一数量 / 第一计量单位 beside 美元; 84561100 in
  // 2020-01 has three rows (3 + 2 + 1 台).
  const IngestResult r = IngestFiles({Data("customs_zh_utf8.csv")}, {});
  const Panel& p = r.panel;
  ASSERT_TRUE(p.has_quantities());
  const int row = p.RowOf(*HsCode::Parse("84561100"));
  ASSERT_GE(row, 0);
  EXPECT_DOUBLE_EQ(p.quantities[static_cast<size_t>(row) * p.num_months() + 0], 6.0);
  EXPECT_EQ(p.quantity_units[static_cast<size_t>(row)], "台");
  EXPECT_EQ(r.report.files[0].quantity_column, "第一数量");
  for (const auto& d : r.report.files[0].dimension_columns) {
    EXPECT_NE(d, "第一数量");
    EXPECT_NE(d, "第一计量单位");
  }
  // Read back from the panel file.
  ScopedTempDir dir("ingest_layouts");
  WriteIngestedPanelH5(r, dir / "p.h5");
  const Panel back = ReadPanelH5(dir / "p.h5");
  ASSERT_TRUE(back.has_quantities());
  EXPECT_EQ(back.quantity_units, p.quantity_units);
  EXPECT_DOUBLE_EQ(back.quantities[static_cast<size_t>(row) * back.num_months()], 6.0);
}

TEST(IngestLayouts, ConflictingUnitsLeaveTheCodeWithoutQuantities) {
  ScopedTempDir dir("ingest_layouts");
  const auto f = Write(dir, "u.csv",
                       "数据年月,商品编码,贸易伙伴名称,第一数量,第一计量单位,美元\n"
                       "202001,84561100,日本,3,台,100\n"
                       "202001,84561100,德国,2,千克,50\n"
                       "202001,85423100,日本,7,个,10\n");
  const IngestResult r = IngestFiles({f}, {});
  const Panel& p = r.panel;
  EXPECT_DOUBLE_EQ(Cell(p, "84561100", "2020-01"), 150.0);
  EXPECT_EQ(p.quantity_units[0], "mixed units");
  EXPECT_TRUE(std::isnan(p.quantities[0]));
  EXPECT_DOUBLE_EQ(p.quantities[1], 7.0);
}

TEST(IngestLayouts, PartnerExportsInThousandsWithYearSlashMonthPeriods) {
  IngestOptions o = LoadIngestPreset("partner-exports");
  EXPECT_EQ(o.format, IngestFormat::kColumns);
  EXPECT_EQ(o.scale, 1000.0);
  o.where = {"Partner=China"};
  const IngestResult r = IngestFiles({Data("partner_exports_thousands.csv")}, o);
  const Panel& p = r.panel;
  EXPECT_EQ(p.hs_levels(), std::vector<int>{6});
  EXPECT_EQ(p.first_month(), (YearMonth{2016, 1}));
  EXPECT_EQ(p.num_months(), 12);
  // Exports to China only (the Import row and Hong Kong row are left out), x 1000.
  EXPECT_DOUBLE_EQ(Cell(p, "848620", "2016-01"), 1234500.0);
  EXPECT_DOUBLE_EQ(Cell(p, "848620", "2016-02"), 1000000.0);
  EXPECT_DOUBLE_EQ(Cell(p, "854231", "2016-10"), 500.0);
  EXPECT_DOUBLE_EQ(Cell(p, "854231", "2016-12"), 2000000.0);
  EXPECT_TRUE(std::isnan(Cell(p, "854231", "2016-11")));
  EXPECT_EQ(r.report.rows_filtered, 1);
  EXPECT_EQ(r.report.rows_ignored, 1);
  // The provenance says how the numbers were made.
  std::string details;
  for (const auto& d : p.provenance.details) details += d + "\n";
  EXPECT_NE(details.find("multiplied by 1000"), std::string::npos) << details;
  EXPECT_NE(details.find("Partner=China"), std::string::npos) << details;
  EXPECT_NE(details.find("mirror statistics"), std::string::npos) << details;
  EXPECT_NE(details.find("preset: partner-exports"), std::string::npos) << details;
  // Without the filter Hong Kong's row is summed in as a dimension.
  o.where.clear();
  EXPECT_DOUBLE_EQ(Cell(IngestFiles({Data("partner_exports_thousands.csv")}, o).panel, "848620", "2016-01"),
                   1284500.0);
}

TEST(IngestLayouts, PartnerExportsMalformedVariants) {
  ScopedTempDir dir("ingest_layouts");
  IngestOptions o = LoadIngestPreset("partner-exports");
  const std::string head = "Period,Partner,Flow,HS Code,Value\n";
  const auto period = Write(dir, "period.csv", head + "2016/1,China,Export,848620,1\n2016-02,China,Export,848620,1\n");
  std::string msg = ErrorOf({period}, o);
  EXPECT_NE(msg.find("period.csv:3:1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("YYYY/M"), std::string::npos) << msg;
  const auto month13 = Write(dir, "m13.csv", head + "2016/13,China,Export,848620,1\n");
  EXPECT_NE(ErrorOf({month13}, o).find("m13.csv:2:1:"), std::string::npos);
  const auto value = Write(dir, "value.csv", head + "2016/1,China,Export,848620,n/a\n");
  msg = ErrorOf({value}, o);
  EXPECT_NE(msg.find("value.csv:2:5:"), std::string::npos) << msg;
  // A column the preset names is missing: the header line, with the columns present.
  const auto header = Write(dir, "header.csv", "Period,Partner,Flow,Code,Value\n2016/1,China,Export,848620,1\n");
  msg = ErrorOf({header}, o);
  EXPECT_NE(msg.find("header.csv:1:1:"), std::string::npos) << msg;
  EXPECT_NE(msg.find("HS Code"), std::string::npos) << msg;
  // A filter naming no column.
  o.where = {"Country=China"};
  msg = ErrorOf({Data("partner_exports_thousands.csv")}, o);
  EXPECT_NE(msg.find("--where Country=China"), std::string::npos) << msg;
}

TEST(IngestLayouts, GenericColumnsWithYearAndMonthAndHs10Lines) {
  ScopedTempDir dir("ingest_layouts");
  const auto f = Write(dir, "t.csv",
                       "yr;mo;code;usd\n"  // not comma separated: one column -> error below
                       );
  IngestOptions o;
  o.columns = "year=Year, month=Month, code=Tariff line, value=US$";
  const auto g = Write(dir, "g.csv",
                       "Year,Month,Tariff line,US$,Province\n"
                       "2021,1,8542310001,10,Beijing\n"
                       "2021,1,8542310099,5,Shanghai\n"
                       "2021,2,85423100,7,Beijing\n");
  const IngestResult r = IngestFiles({g}, o);
  EXPECT_EQ(r.report.files[0].format, IngestFormat::kColumns);
  EXPECT_EQ(r.report.hs10_rows, 2);
  EXPECT_EQ(r.panel.hs_levels(), std::vector<int>{8});
  EXPECT_DOUBLE_EQ(Cell(r.panel, "85423100", "2021-01"), 15.0);
  EXPECT_DOUBLE_EQ(Cell(r.panel, "85423100", "2021-02"), 7.0);
  const std::string msg = ErrorOf({f}, o);
  EXPECT_NE(msg.find("t.csv:1:1:"), std::string::npos) << msg;
}

TEST(IngestLayouts, OptionsAreValidatedNamingTheField) {
  IngestOptions o;
  std::string error;
  o.scale = 0;
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("ingest.scale"), std::string::npos) << error;
  o = {};
  o.period_format = "MM/DD";
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("ingest.period_format"), std::string::npos) << error;
  o = {};
  o.columns = "code=A,price=B";
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("unknown role 'price'"), std::string::npos) << error;
  o = {};
  o.format = IngestFormat::kColumns;
  o.columns = "code=A,value=B";
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("period"), std::string::npos) << error;
  o = {};
  o.where = {"Partner"};
  EXPECT_FALSE(o.IsValid(&error));
  EXPECT_NE(error.find("ingest.where"), std::string::npos) << error;
  try {
    LoadIngestPreset("no-such-preset");
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("partner-exports"), std::string::npos) << e.what();
  }
}

TEST(IngestLayouts, NewOptionsRoundTripThroughToml) {
  IngestOptions o = LoadIngestPreset("partner-exports");
  o.where = {"Partner=China", "Partner=China, Hong Kong SAR"};
  const toml::table t = o.ToToml();
  const IngestOptions back = IngestOptions::FromToml(TomlSection(&t, "ingest", "x.toml"));
  EXPECT_EQ(back.columns, o.columns);
  EXPECT_EQ(back.period_format, "YYYY/M");
  EXPECT_EQ(back.scale, 1000.0);
  EXPECT_EQ(back.where, o.where);
  EXPECT_EQ(back.flow, "Export");
  EXPECT_EQ(back.source, o.source);
  EXPECT_EQ(back.preset, "partner-exports");
}

}  // namespace
}  // namespace chokepoint
