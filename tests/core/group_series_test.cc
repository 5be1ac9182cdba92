#include "chokepoint/core/group_series.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "chokepoint/core/error.h"

namespace chokepoint {
namespace {

HsCode Code(const char* s) { return *HsCode::Parse(s); }

// Small catalog (tests/data/catalog/small): group 1 = 85423190 + 85423990;
// group 2 = 84561100 with predecessor 84561000 (weight 0.8 before 2017-01),
// itself with predecessor 84560000 (0.5 before 2016-01); group 3 = 30049000.
class GroupSeriesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = Catalog::LoadDirectory(std::filesystem::path(CHOKEPOINT_TEST_DATA_DIR) / "catalog" / "small");
    // 2015-11 .. 2017-02: 16 months.
    panel_ = Panel({Code("85423190"), Code("85423990"), Code("84560000"), Code("84561000"), Code("84561100"),
                    Code("99999999")},
                   YearMonth{2015, 11}, 16);
    for (int t = 0; t < 16; ++t) {
      if (t != 10) panel_.Set(0, t, t + 1.0);
      if (t < 5) panel_.Set(1, t, 100.0);
      panel_.Set(5, t, 1e9);  // not in the catalog: never counted
    }
    panel_.Set(2, 0, 100.0);   // 2015-11
    panel_.Set(2, 1, 200.0);   // 2015-12
    panel_.Set(2, 2, 999.0);   // 2016-01: after its successor took over, ignored
    for (int t = 2; t <= 13; ++t) panel_.Set(3, t, 10.0);  // 2016-01 .. 2016-12
    panel_.Set(3, 14, 50.0);   // 2017-01: old code after the split, ignored
    panel_.Set(4, 14, 7.0);
    panel_.Set(4, 15, 8.0);
  }
  Catalog catalog_;
  Panel panel_;
};

TEST_F(GroupSeriesTest, SumsMembersAndWeightedPredecessors) {
  const GroupSeries s = AggregateGroups(panel_, catalog_);
  ASSERT_EQ(s.num_groups(), 3);
  ASSERT_EQ(s.num_months, 16);
  EXPECT_EQ(s.first_month, (YearMonth{2015, 11}));

  // Group 1: (t + 1) plus 100 for t < 5; month 10 has no present cell.
  for (int t = 0; t < 16; ++t) {
    const double want = (t == 10 ? 0.0 : t + 1.0) + (t < 5 ? 100.0 : 0.0);
    EXPECT_DOUBLE_EQ(s.row(0)[t], want) << t;
    EXPECT_EQ(s.present[t], t == 10 ? 0 : 1) << t;
  }
  EXPECT_FALSE(s.row_complete(0));

  // Group 2: 0.5 * 0.8 * 84560000 before 2016-01, 0.8 * 84561000 in 2016, then 84561100.
  const std::vector<double> want2 = {40, 80, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 8, 7, 8};
  for (int t = 0; t < 16; ++t) EXPECT_DOUBLE_EQ(s.row(1)[t], want2[t]) << t;
  EXPECT_TRUE(s.row_complete(1));

  // Group 3: no member in the panel.
  for (int t = 0; t < 16; ++t) EXPECT_EQ(s.present[2 * 16 + t], 0);
  EXPECT_EQ(s.codes_found, (std::vector<int>{2, 1, 0}));
  EXPECT_EQ(s.codes_missing, (std::vector<std::string>{"30049000"}));
  EXPECT_EQ(s.month(14), (YearMonth{2017, 1}));
}

TEST_F(GroupSeriesTest, ContributionsChainWeightsAndCutoffs) {
  const auto c = ContributionsOf(Code("84561100"), catalog_);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_EQ(c[0].code, Code("84561100"));
  EXPECT_FALSE(c[0].before.has_value());
  EXPECT_EQ(c[1].code, Code("84561000"));
  EXPECT_DOUBLE_EQ(c[1].weight, 0.8);
  EXPECT_EQ(*c[1].before, (YearMonth{2017, 1}));
  EXPECT_EQ(c[2].code, Code("84560000"));
  EXPECT_DOUBLE_EQ(c[2].weight, 0.4);
  EXPECT_EQ(*c[2].before, (YearMonth{2016, 1}));
}

TEST_F(GroupSeriesTest, MemberPredecessorIsNotCountedTwice) {
  // Make the predecessor 84561000 a member of group 1 too: group 2 must then
  // leave it out, so its 2016 values are counted once (in group 1).
  catalog_.AddMember(CatalogMember{Code("84561000"), 1, "", "", "", ""});
  const GroupSeries s = AggregateGroups(panel_, catalog_);
  EXPECT_DOUBLE_EQ(s.row(1)[5], 0.0);
  EXPECT_EQ(s.present[16 + 5], 0);
  EXPECT_DOUBLE_EQ(s.row(0)[5], 6.0 + 10.0);  // 85423190 (6) + 84561000 (10)
  double total = 0;
  for (double v : s.values) total += v;
  // With the member counted in group 1 only, nothing is doubled: the sum is the
  // members' own cells plus the weighted, cut-off predecessor cells.
  double expect = 0;
  for (int t = 0; t < 16; ++t) {
    if (t != 10) expect += t + 1.0;
    if (t < 5) expect += 100.0;
  }
  expect += 10.0 * 12 + 50.0 + 7.0 + 8.0;  // 84561000 as a member: all its present cells
  expect += 0.5 * (100.0 + 200.0);         // its own predecessor 84560000, before 2016-01
  EXPECT_DOUBLE_EQ(total, expect);
}

TEST_F(GroupSeriesTest, SumThatOverflowsIsAnErrorNamingGroupMonthAndCodes) {
  // Each value is finite; their sum is not.
  panel_.Set(0, 3, 1e308);
  panel_.Set(1, 3, 1e308);
  try {
    AggregateGroups(panel_, catalog_);
    FAIL() << "an overflowing sum must not become inf";
  } catch (const Error& e) {
    const std::string m = e.what();
    EXPECT_EQ(e.kind(), ErrorKind::kInput);
    EXPECT_NE(m.find("2016-02: the sum of its codes overflows double precision"), std::string::npos) << m;
    EXPECT_NE(m.find("85423190 = 1e+308, 85423990 = 1e+308"), std::string::npos) << m;
  }
  // One huge value alone is finite and kept.
  panel_.Set(1, 3, 1.0);
  EXPECT_NO_THROW(AggregateGroups(panel_, catalog_));
}

}  // namespace
}  // namespace chokepoint
