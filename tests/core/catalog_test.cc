#include "chokepoint/core/catalog.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include <unistd.h>

#include "chokepoint/core/error.h"

namespace chokepoint {
namespace {

namespace fs = std::filesystem;
const fs::path kSmall = fs::path(CHOKEPOINT_TEST_DATA_DIR) / "catalog" / "small";

HsCode Code(const char* s) { return *HsCode::Parse(s); }

TEST(CatalogTest, LoadsSmallCatalogWithQuotedFields) {
  const Catalog cat = Catalog::LoadDirectory(kSmall);
  ASSERT_EQ(cat.num_groups(), 3);
  EXPECT_EQ(cat.groups()[1].name, "Laser, Optical");  // quoted comma
  EXPECT_EQ(cat.groups()[1].short_name, "Laser");
  EXPECT_EQ(cat.groups()[0].category, GoodsCategory::kIntermediate);
  EXPECT_TRUE(cat.groups()[0].semiconductor);
  EXPECT_FALSE(cat.groups()[2].semiconductor);
  EXPECT_EQ(cat.groups()[0].analysis_category(), AnalysisCategory::kSemiconductorIntermediate);
  EXPECT_EQ(cat.groups()[1].analysis_category(), AnalysisCategory::kOtherCapital);
  EXPECT_EQ(cat.groups()[2].analysis_category(), AnalysisCategory::kConsumption);

  ASSERT_EQ(cat.members().size(), 4u);
  EXPECT_EQ(cat.members()[2].source, "S1; \"quoted\" note");  // doubled quotes unescaped
  EXPECT_EQ(cat.GroupIndexOfCode(Code("84561100")), 1);
  EXPECT_EQ(cat.GroupIndexOfCode(Code("84561000")), -1);  // a predecessor, not a member
  EXPECT_EQ(cat.GroupIndexOfId(3), 2);
  EXPECT_EQ(cat.GroupIndexOfId(4), -1);
  ASSERT_NE(cat.MemberOf(Code("85423990")), nullptr);
  EXPECT_EQ(cat.MemberOf(Code("85423990"))->confidence, "medium");

  // Batch 1 is every member when batches.csv lists none for it.
  EXPECT_EQ(cat.BatchCodes(1).size(), 4u);
  const auto b2 = cat.BatchCodes(2);
  ASSERT_EQ(b2.size(), 2u);
  EXPECT_EQ(b2[1], Code("84775900"));
  // A blank group_id takes the member's group.
  for (const BatchEntry& e : cat.batch_entries()) {
    if (e.batch == 3 && e.code == Code("30049000")) {
      EXPECT_EQ(e.group_id, 3);
    }
  }

  ASSERT_EQ(cat.concordance().size(), 3u);
  const auto pred = cat.PredecessorsOf(Code("84561100"));
  ASSERT_EQ(pred.size(), 1u);
  EXPECT_EQ(pred[0].old_code, Code("84561000"));
  EXPECT_DOUBLE_EQ(pred[0].weight, 0.8);
  EXPECT_EQ(pred[0].effective, (YearMonth{2017, 1}));
  EXPECT_EQ(cat.SuccessorsOf(Code("84775990")).size(), 1u);
}

TEST(CatalogTest, EnumStringsRoundTrip) {
  for (GoodsCategory c : {GoodsCategory::kCapital, GoodsCategory::kIntermediate, GoodsCategory::kConsumption})
    EXPECT_EQ(GoodsCategoryFromString(ToString(c)), c);
  for (AnalysisCategory c : {AnalysisCategory::kSemiconductorIntermediate, AnalysisCategory::kSemiconductorCapital,
                             AnalysisCategory::kOtherIntermediate, AnalysisCategory::kOtherCapital,
                             AnalysisCategory::kConsumption})
    EXPECT_EQ(AnalysisCategoryFromString(ToString(c)), c);
  EXPECT_FALSE(GoodsCategoryFromString("Capital").has_value());
}

// The shipped catalog: the 17 groups of docs/method.md §1.3 in order, members in every
// group, the talk's 19 batch-2 codes, and the concordance the talk names.
TEST(CatalogTest, DefaultCatalogMatchesSpec) {
  const Catalog cat = Catalog::LoadDefault();
  ASSERT_EQ(cat.num_groups(), 17);
  const char* names[] = {"Passive Components", "Integrated Circuits", "Silicon Processing", "Energy Equipment",
                         "Laser or Optical Measurement Devices", "Lithography for Electronics",
                         "Telecommunication Equipment", "Cleanroom Process Equipment", "Fluid Control Equipment",
                         "Bearings and Alloy Steel", "Hot or Cold Process Equipment", "Polymers",
                         "Batteries and Components", "Automotive and Power Systems",
                         "Medical and Bio Precision Equipment", "Aviation and Aerospace", "Medicaments"};
  const std::set<int> semiconductor = {1, 2, 3, 6, 8, 11};
  const std::set<int> intermediate = {2, 10, 12, 13, 14};
  for (int i = 0; i < 17; ++i) {
    const TechnologyGroup& g = cat.groups()[i];
    EXPECT_EQ(g.id, i + 1);
    EXPECT_EQ(g.name, names[i]);
    EXPECT_EQ(g.semiconductor, semiconductor.count(g.id) == 1) << g.name;
    const GoodsCategory want = g.id == 17 ? GoodsCategory::kConsumption
                               : intermediate.count(g.id) ? GoodsCategory::kIntermediate
                                                          : GoodsCategory::kCapital;
    EXPECT_EQ(g.category, want) << g.name;
  }
  std::vector<int> per_group(17, 0);
  for (const CatalogMember& m : cat.members()) {
    ++per_group[cat.GroupIndexOfId(m.group_id)];
    EXPECT_FALSE(m.description.empty()) << m.code.ToString();
    EXPECT_FALSE(m.source.empty()) << m.code.ToString();
  }
  int in_first16 = 0;
  for (int i = 0; i < 17; ++i) {
    EXPECT_GE(per_group[i], 2) << names[i];
    if (i < 16) in_first16 += per_group[i];
  }
  EXPECT_EQ(in_first16, 85);  // the talk: 35 technologies -> 85 HS8 codes (Medicaments added later)
  const std::set<std::string> talk_batch2 = {
      "84561100", "84799010", "84798999", "84679910", "84669390", "90262090", "85158090",
      "84775900", "84775910", "85158010", "84141000", "84821010", "84821020", "84821030",
      "84662000", "85159000", "84669400", "90319000", "90271000"};
  std::set<std::string> b2;
  for (HsCode c : cat.BatchCodes(2)) b2.insert(c.ToString());
  EXPECT_EQ(b2, talk_batch2);
  EXPECT_GE(cat.BatchCodes(3).size(), 8u);
  EXPECT_EQ(cat.BatchCodes(1).size(), 85u);  // groups 1-16: Medicaments came from batch 3
  const auto laser = cat.PredecessorsOf(Code("84561100"));
  ASSERT_EQ(laser.size(), 1u);
  EXPECT_EQ(laser[0].old_code, Code("84561000"));
  EXPECT_EQ(laser[0].effective, (YearMonth{2017, 1}));  // an HS2017 split
  const auto heads = cat.PredecessorsOf(Code("84775900"));
  ASSERT_EQ(heads.size(), 1u);
  EXPECT_EQ(heads[0].old_code, Code("84775990"));
  EXPECT_EQ(heads[0].effective, (YearMonth{2022, 1}));
}

// ---- errors name file:line:column -------------------------------------------

class CatalogErrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("chokepoint_catalog_test_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    for (const char* f : {"groups.csv", "members.csv", "batches.csv", "concordance.csv"})
      fs::copy_file(kSmall / f, dir_ / f);
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const char* file, const std::string& text) { std::ofstream(dir_ / file) << text; }
  // The error message of loading dir_, which must fail with an input error.
  std::string LoadError() {
    try {
      Catalog::LoadDirectory(dir_);
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInput);
      return e.what();
    }
    ADD_FAILURE() << "expected an error";
    return {};
  }
  std::string Loc(const char* file, const char* rest) { return (dir_ / file).string() + rest; }
  fs::path dir_;
};

TEST_F(CatalogErrorTest, InvalidCode) {
  Write("members.csv", "code,group_id\n85423190,1\n8542319,1\n");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find(Loc("members.csv", ":3:1: invalid HS8 code '8542319'")), std::string::npos) << msg;
}

TEST_F(CatalogErrorTest, UnknownGroup) {
  Write("members.csv", "code,group_id,description\n85423190,  9,x\n");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find(Loc("members.csv", ":2:12: unknown group id 9")), std::string::npos) << msg;
}

TEST_F(CatalogErrorTest, UnknownCategoryAndBadFlag) {
  Write("groups.csv", "id,name,short_name,category,semiconductor\n1,A,A,capitol,yes\n");
  EXPECT_NE(LoadError().find(Loc("groups.csv", ":2:7: unknown category 'capitol'")), std::string::npos);
  Write("groups.csv", "id,name,short_name,category,semiconductor\n1,A,A,capital,maybe\n");
  EXPECT_NE(LoadError().find(Loc("groups.csv", ":2:15: semiconductor must be yes or no")), std::string::npos);
}

TEST_F(CatalogErrorTest, DuplicateMemberAndGroup) {
  Write("members.csv", "code,group_id\n85423190,1\n\n85423190,2\n");
  EXPECT_NE(LoadError().find(Loc("members.csv", ":4:1: code 85423190 is listed twice")), std::string::npos);
  Write("groups.csv", "id,name,short_name,category,semiconductor\n1,A,A,capital,yes\n1,B,B,capital,no\n");
  EXPECT_NE(LoadError().find(Loc("groups.csv", ":3:1: duplicate group id 1")), std::string::npos);
}

TEST_F(CatalogErrorTest, MissingColumnAndShortRow) {
  Write("members.csv", "code,group\n85423190,1\n");
  EXPECT_NE(LoadError().find(Loc("members.csv", ":1: missing column 'group_id'")), std::string::npos);
  Write("members.csv", "code,group_id\n85423190\n");
  EXPECT_NE(LoadError().find(Loc("members.csv", ":2:1: expected at least 2 fields")), std::string::npos);
}

TEST_F(CatalogErrorTest, UnterminatedQuote) {
  Write("members.csv", "code,group_id,description\n85423190,1,\"open\n");
  EXPECT_NE(LoadError().find(Loc("members.csv", ":2:12: unterminated quoted field")), std::string::npos);
}

TEST_F(CatalogErrorTest, ConcordanceErrors) {
  Write("concordance.csv", "old_code,new_code,effective,weight\n84561000,84561100,2017-13,1\n");
  EXPECT_NE(LoadError().find(Loc("concordance.csv", ":2:19: invalid effective month '2017-13'")), std::string::npos);
  Write("concordance.csv",
        "old_code,new_code,effective,weight\n84561000,84561100,2017-01,0.7\n84561000,84561200,2017-01,0.6\n");
  const std::string msg = LoadError();
  EXPECT_NE(msg.find(Loc("concordance.csv", ":3:27: the weights of 84561000's successors")), std::string::npos) << msg;
  Write("concordance.csv", "old_code,new_code,effective,weight\n84561000,84561100,2017-01,abc\n");
  EXPECT_NE(LoadError().find(Loc("concordance.csv", ":2:27: invalid weight 'abc'")), std::string::npos);
}

TEST_F(CatalogErrorTest, BatchErrors) {
  Write("batches.csv", "batch,code,label,group_id\n4,85423190,x,1\n");
  EXPECT_NE(LoadError().find(Loc("batches.csv", ":2:1: batch must be 1, 2 or 3")), std::string::npos);
  Write("batches.csv", "batch,code,label,group_id\n2,85423190,x,7\n");
  EXPECT_NE(LoadError().find(Loc("batches.csv", ":2:14: unknown group id 7")), std::string::npos);
}

TEST_F(CatalogErrorTest, MissingDirectoryOrFile) {
  fs::remove(dir_ / "members.csv");
  EXPECT_NE(LoadError().find("members.csv: cannot open file"), std::string::npos);
  EXPECT_THROW(Catalog::LoadDirectory(dir_ / "nope"), Error);
}

TEST(CatalogBuildTest, AddValidatesIds) {
  Catalog cat;
  cat.AddGroup(TechnologyGroup{1, "A", "", GoodsCategory::kCapital, false});
  EXPECT_EQ(cat.groups()[0].short_name, "A");
  EXPECT_THROW(cat.AddGroup(TechnologyGroup{1, "B", "B", GoodsCategory::kCapital, false}), Error);
  EXPECT_THROW(cat.AddMember(CatalogMember{Code("85423190"), 2, "", "", "", ""}), Error);
  cat.AddMember(CatalogMember{Code("85423190"), 1, "", "", "", ""});
  EXPECT_THROW(cat.AddConcordance(ConcordanceEntry{HsCode{}, Code("85423190"), {2017, 1}, 1.0, ""}), Error);
  EXPECT_THROW(cat.AddConcordance(ConcordanceEntry{Code("85423100"), Code("85423190"), {2017, 1}, 1.5, ""}), Error);
}

}  // namespace
}  // namespace chokepoint
