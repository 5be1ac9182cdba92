#include "chokepoint/core/bec.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "chokepoint/core/data_dir.h"
#include "chokepoint/core/error.h"

namespace chokepoint {
namespace {

HsCode Code(const char* s) { return *HsCode::Parse(s); }

TEST(BecTest, SnaClassOfBecCodes) {
  for (const char* b : {"41", "521", "410", " 41 "}) EXPECT_EQ(GoodsCategoryOfBec(b), GoodsCategory::kCapital) << b;
  for (const char* b : {"111", "121", "21", "22", "31", "322", "42", "53", "420", "530"})
    EXPECT_EQ(GoodsCategoryOfBec(b), GoodsCategory::kIntermediate) << b;
  for (const char* b : {"112", "122", "522", "61", "62", "63", "7", "51", "321", "32"})
    EXPECT_EQ(GoodsCategoryOfBec(b), GoodsCategory::kConsumption) << b;
}

TEST(BecTest, RuleStringsRoundTrip) {
  for (BecNnRule r : {BecNnRule::kMajority, BecNnRule::kFirstListed}) EXPECT_EQ(BecNnRuleFromString(ToString(r)), r);
  EXPECT_FALSE(BecNnRuleFromString("modal").has_value());
}

// The shipped UN tables: sizes as documented in reference/ORIGIN.md.
TEST(BecTest, ShippedTablesHaveDocumentedSizes) {
  const auto dir = DataDirectory() / "bec";
  const BecTable t17 = ReadBecTable(dir / "hs2017_bec_correspondence.csv");
  EXPECT_EQ(t17.vintage, "HS2017");
  EXPECT_EQ(t17.num_rows, 5511u);
  EXPECT_EQ(t17.bec_of_hs6.size(), 5386u);
  EXPECT_EQ(t17.num_nn_codes(), 100u);
  const BecTable t22 = ReadBecTable(dir / "hs2022_bec_correspondence.csv");
  EXPECT_EQ(t22.vintage, "HS2022");
  EXPECT_EQ(t22.num_rows, 5926u);  // the 265 blank ",," rows are skipped
  EXPECT_EQ(t22.bec_of_hs6.size(), 5611u);
  EXPECT_EQ(t22.num_nn_codes(), 143u);
  EXPECT_EQ(t22.bec_of_hs6.at(854231).size(), 8u);  // the ICs' eight BEC codes
}

TEST(BecTest, KnownCodesInTheDefaultMapping) {
  const BecMapper bec = BecMapper::LoadDefault();
  // ICs: n:n in the UN tables, BEC 42 intermediate through the override.
  const BecAssignment ic = bec.Map(Code("85423190"));
  EXPECT_TRUE(ic.mapped);
  EXPECT_TRUE(ic.nn);
  EXPECT_EQ(ic.category, GoodsCategory::kIntermediate);
  EXPECT_EQ(ic.bec, "42");
  EXPECT_EQ(ic.table, "override");
  // Laser machine tools: n:1, BEC 41 capital, from the HS2022 table.
  const BecAssignment laser = bec.Map(Code("84561100"));
  EXPECT_EQ(laser.category, GoodsCategory::kCapital);
  EXPECT_EQ(laser.bec, "41");
  EXPECT_EQ(laser.table, "HS2022");
  EXPECT_FALSE(laser.nn);
  EXPECT_EQ(bec.Map(Code("84118200")).category, GoodsCategory::kIntermediate);  // BEC 53
  EXPECT_EQ(bec.Map(Code("88024020")).category, GoodsCategory::kCapital);       // BEC 521
  EXPECT_EQ(bec.Map(Code("30049000")).category, GoodsCategory::kConsumption);   // BEC 63
  EXPECT_EQ(bec.Map(Code("84821010")).category, GoodsCategory::kIntermediate);  // BEC 42
  // HS2017 fallback: 8803.20 exists only in HS2017 (moved to 8807.20).
  const BecAssignment gear = bec.Map(Code("88032000"));
  EXPECT_TRUE(gear.mapped);
  EXPECT_EQ(gear.table, "HS2017");
  EXPECT_EQ(gear.category, GoodsCategory::kIntermediate);
  // HS2022 decides where both tables list a code: 8418.10 is 61 in HS2017
  // but 41/61 in HS2022 (majority tie -> capital).
  EXPECT_EQ(bec.Map(Code("84181000")).category, GoodsCategory::kCapital);
  EXPECT_EQ(bec.Map(Code("84181000")).table, "HS2022");
  // Codes in no table are unmapped.
  EXPECT_FALSE(bec.Map(Code("84561000")).mapped);  // HS2012 8456.10
  EXPECT_FALSE(bec.Map(Code("77777777")).mapped);
}

TEST(BecTest, UnmappedOldCodeResolvesThroughCatalogConcordance) {
  const BecMapper bec = BecMapper::LoadDefault();
  Catalog cat;
  cat.AddConcordance(ConcordanceEntry{Code("84561000"), Code("84561100"), {2017, 1}, 1.0, ""});
  const BecAssignment a = bec.Map(Code("84561000"), &cat);
  EXPECT_TRUE(a.mapped);
  EXPECT_EQ(a.category, GoodsCategory::kCapital);
  EXPECT_NE(a.how.find("via successor 84561100"), std::string::npos);
}

TEST(BecTest, NnRuleMajorityAndFirstListed) {
  const auto dir = DataDirectory() / "bec";
  std::vector<BecTable> tables = {ReadBecTable(dir / "hs2022_bec_correspondence.csv")};
  const BecMapper majority(tables, {}, BecNnRule::kMajority);
  const BecMapper first(tables, {}, BecNnRule::kFirstListed);
  // 9503.00 toys: 22/62/63 -> consumption by majority, intermediate by first listed.
  EXPECT_EQ(majority.MapHs6(950300).category, GoodsCategory::kConsumption);
  EXPECT_EQ(first.MapHs6(950300).category, GoodsCategory::kIntermediate);
  // 8508.19: 41/61 -> tie, capital before consumption.
  EXPECT_EQ(majority.MapHs6(850819).category, GoodsCategory::kCapital);
  // 9620.00: 22/42/61/62 -> tie, intermediate first.
  EXPECT_EQ(majority.MapHs6(962000).category, GoodsCategory::kIntermediate);
  // ICs without the override: 21/22/41/42/61/62/63/7 -> I 3, K 1, C 3 (7 not counted) -> intermediate.
  const BecAssignment ic = majority.MapHs6(854231);
  EXPECT_EQ(ic.category, GoodsCategory::kIntermediate);
  EXPECT_EQ(ic.bec, "21");
  EXPECT_TRUE(ic.nn);
  // 8802.40 aircraft: n:1 521.
  EXPECT_EQ(majority.MapHs6(880240).category, GoodsCategory::kCapital);
}

class BecFileTest : public ::testing::Test {
 protected:
  std::filesystem::path Write(const std::string& text) {
    path_ = std::filesystem::temp_directory_path() / ("chokepoint_bec_test_" + std::to_string(::getpid()) + ".csv");
    std::ofstream(path_) << text;
    return path_;
  }
  void TearDown() override { std::filesystem::remove(path_); }
  std::filesystem::path path_;
};

TEST_F(BecFileTest, ReadsUnLayoutAndReportsBadRows) {
  const BecTable t = ReadBecTable(Write("\xEF\xBB\xBFHS 2017,BEC,Relationship\n010121,41,n:1\n,,\n10130,111,n:n\n010130,41,n:n\n"));
  EXPECT_EQ(t.vintage, "HS2017");
  EXPECT_EQ(t.bec_of_hs6.at(10130), (std::vector<std::string>{"111", "41"}));  // leading zero restored
  try {
    ReadBecTable(Write("HS 2022,BEC 4,Relationship\n010121,41,n:1\n0101x1,41,n:1\n"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(path_.string() + ":3:1: invalid HS6 code '0101x1'"), std::string::npos)
        << e.what();
  }
  try {
    ReadBecTable(Write("HS 2022,BEC 4,Relationship\n010121,4a,n:1\n"));
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(":2:8: invalid BEC code '4a'"), std::string::npos) << e.what();
  }
  EXPECT_THROW(ReadBecTable(Write("code,value\n010121,41\n")), Error);
}

TEST_F(BecFileTest, OverridesFile) {
  const auto o = ReadBecOverrides(Write("hs6,bec,note\n# comment\n854231,42,\"ICs, as the talk\"\n"));
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(o[0].hs6, 854231u);
  EXPECT_EQ(o[0].note, "ICs, as the talk");
  EXPECT_THROW(ReadBecOverrides(Write("hs6,bec\n854231,42\n854231,41\n")), Error);
}

}  // namespace
}  // namespace chokepoint

namespace chokepoint {
namespace {

// Every code of the shipped catalog (members, batch codes, concordance codes)
// has a BEC class, so the default aggregates never drop a catalog code.
TEST(BecTest, EveryShippedCatalogCodeIsMapped) {
  const BecMapper bec = BecMapper::LoadDefault();
  const Catalog cat = Catalog::LoadDefault();
  std::vector<HsCode> codes;
  for (const CatalogMember& m : cat.members()) codes.push_back(m.code);
  for (const BatchEntry& e : cat.batch_entries()) codes.push_back(e.code);
  for (const ConcordanceEntry& c : cat.concordance()) codes.push_back(c.old_code), codes.push_back(c.new_code);
  for (HsCode c : codes) EXPECT_TRUE(bec.Map(c, &cat).mapped) << c.ToString();
}

}  // namespace
}  // namespace chokepoint
