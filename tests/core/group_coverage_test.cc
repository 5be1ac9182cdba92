// Group series at the panel's HS level (docs/method.md §1.11): coarse codes
// carrying a group's lines, codes shared by several groups left out or
// assigned by a mapping file, no double count when a heading and its lines
// are both in the panel, and the coverage status of partial panels. Every
// expected value is summed by hand from the small panels built here.
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/group_series.h"
#include "temp_dir.h"

namespace chokepoint {
namespace {

HsCode Code(const char* s) { return *HsCode::ParseAnyLevel(s); }

// Group 1 "ICs": 85423100, 85423200, 85423300, 85423900 (all of heading 8542's
// listed lines). Group 2 "Wafer tools": 84862010. Group 3 "Litho": 84862031,
// 84862039. Group 4 "Diodes": 85411000, 85412100, 85412900, 85414010.
Catalog MakeCatalog() {
  Catalog c;
  const char* names[] = {"ICs", "Wafer tools", "Litho", "Diodes"};
  for (int id = 1; id <= 4; ++id) {
    TechnologyGroup g;
    g.id = id;
    g.name = names[id - 1];
    g.short_name = names[id - 1];
    g.category = id == 1 || id == 4 ? GoodsCategory::kIntermediate : GoodsCategory::kCapital;
    g.semiconductor = true;
    c.AddGroup(g);
  }
  const std::pair<const char*, int> members[] = {
      {"85423100", 1}, {"85423200", 1}, {"85423300", 1}, {"85423900", 1}, {"84862010", 2}, {"84862031", 3},
      {"84862039", 3}, {"85411000", 4}, {"85412100", 4}, {"85412900", 4}, {"85414010", 4}};
  for (const auto& [code, group] : members) {
    CatalogMember m;
    m.code = Code(code);
    m.group_id = group;
    c.AddMember(m);
  }
  return c;
}

Panel Hs4Panel() {
  // Two months of HS4 headings: 8542 (ICs only), 8486 (shared by groups 2
  // and 3), 8541 (diodes only), 9999 (no group).
  Panel p({Code("8486"), Code("8541"), Code("8542"), Code("9999")}, YearMonth{2020, 1}, 2);
  for (int r = 0; r < 4; ++r)
    for (int t = 0; t < 2; ++t) p.Set(r, t, 100.0 * (r + 1) + t);
  return p;
}

TEST(GroupCoverage, Hs4PanelCarriesGroupsWhoseHeadingIsTheirsAlone) {
  const Catalog catalog = MakeCatalog();
  const GroupSeries s = AggregateGroups(Hs4Panel(), catalog);
  ASSERT_EQ(s.coverage.size(), 4u);
  // ICs = heading 8542 (row 2): 300, 301; all four lines represented.
  EXPECT_DOUBLE_EQ(s.row(0)[0], 300.0);
  EXPECT_DOUBLE_EQ(s.row(0)[1], 301.0);
  EXPECT_EQ(s.coverage[0].status, CoverageStatus::kComplete);
  EXPECT_EQ(s.coverage[0].lines_represented, 4);
  EXPECT_EQ(s.coverage[0].levels, std::vector<int>{4});
  EXPECT_TRUE(s.coverage[0].broader_than_catalog);
  EXPECT_EQ(s.coverage[0].codes_used, std::vector<std::string>{"8542"});
  // 8486 holds lines of groups 2 and 3: used by neither, both unrepresented, reported.
  for (int g : {1, 2}) {
    EXPECT_EQ(s.coverage[g].status, CoverageStatus::kUnrepresented) << g;
    EXPECT_EQ(s.coverage[g].lines_represented, 0);
    EXPECT_EQ(s.present[static_cast<size_t>(g) * 2], 0);
    ASSERT_EQ(s.coverage[g].shared_codes_excluded.size(), 1u);
    EXPECT_NE(s.coverage[g].shared_codes_excluded[0].find("8486 (shared with"), std::string::npos);
  }
  EXPECT_NE(s.coverage[1].shared_codes_excluded[0].find("Litho"), std::string::npos);
  // Diodes = 8541: 200, 201.
  EXPECT_DOUBLE_EQ(s.row(3)[1], 201.0);
  EXPECT_EQ(s.codes_found, (std::vector<int>{4, 0, 0, 4}));
  EXPECT_EQ(s.codes_missing.size(), 3u);  // the three lines under 8486
}

TEST(GroupCoverage, MappingFileAssignsASharedHeadingWithWeights) {
  const Catalog catalog = MakeCatalog();
  testing::ScopedTempDir dir("group_coverage");
  const auto map = dir / "map.csv";
  std::ofstream(map) << "code,group,weight\n8486,Wafer tools,0.25\n8486,3,0.75\n";
  GroupingOptions options;
  options.assignments = ReadCodeAssignments(map.string(), catalog);
  const GroupSeries s = AggregateGroups(Hs4Panel(), catalog, options);
  EXPECT_DOUBLE_EQ(s.row(1)[0], 25.0);   // 0.25 x 100
  EXPECT_DOUBLE_EQ(s.row(2)[1], 75.75);  // 0.75 x 101
  EXPECT_EQ(s.coverage[1].status, CoverageStatus::kComplete);
  EXPECT_EQ(s.coverage[2].lines_represented, 2);
  EXPECT_EQ(s.coverage[2].codes_used, std::vector<std::string>{"8486 x 0.75"});
  EXPECT_TRUE(s.coverage[1].shared_codes_excluded.empty());
}

TEST(GroupCoverage, MappingFileErrorsNameLineAndField) {
  const Catalog catalog = MakeCatalog();
  testing::ScopedTempDir dir("group_coverage");
  const auto expect_error = [&](const std::string& text, const std::string& where, const std::string& words) {
    const auto map = dir / "m.csv";
    std::ofstream(map) << text;
    try {
      ReadCodeAssignments(map.string(), catalog);
      ADD_FAILURE() << "no error for " << text;
    } catch (const Error& e) {
      EXPECT_NE(std::string(e.what()).find(where), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
    }
  };
  expect_error("code,group,weight\n8486,2,0.6\n8486,3,0.6\n", "m.csv:3:", "more than 1");
  expect_error("code,group\n8486,Nope\n", "m.csv:2:", "neither a group id nor a group name");
  expect_error("code,group\n848,2\n", "m.csv:2:", "code");
  expect_error("code,group,weight\n8486,2,0\n", "m.csv:2:", "weight");
}

TEST(GroupCoverage, HeadingAndItsLinesInOnePanelAreNotCountedTwice) {
  const Catalog catalog = MakeCatalog();
  // HS8 lines of ICs (two of four) plus the heading 8542 that contains them.
  Panel p({Code("8542"), Code("85423100"), Code("85423200")}, YearMonth{2020, 1}, 1);
  p.Set(0, 0, 1000.0);
  p.Set(1, 0, 300.0);
  p.Set(2, 0, 100.0);
  const GroupSeries s = AggregateGroups(p, catalog);
  // The two absent lines are carried by 8542, which absorbs the two present ones.
  EXPECT_DOUBLE_EQ(s.row(0)[0], 1000.0);
  EXPECT_EQ(s.coverage[0].lines_represented, 4);
  EXPECT_EQ(s.coverage[0].codes_used, std::vector<std::string>{"8542"});
  // The present lines are 40% of the heading's value.
  EXPECT_DOUBLE_EQ(s.coverage[0].value_share_of_headings, 0.4);
}

TEST(GroupCoverage, PartialHs8PanelIsMarkedAtTheThreshold) {
  const Catalog catalog = MakeCatalog();
  // Diodes: 3 of 4 lines (0.75); ICs: 2 of 4 (0.5); Litho: both lines.
  Panel p({Code("84862031"), Code("84862039"), Code("85411000"), Code("85412100"), Code("85412900"),
           Code("85423100"), Code("85423200")},
          YearMonth{2020, 1}, 1);
  for (int r = 0; r < p.num_codes(); ++r) p.Set(r, 0, 1.0 + r);
  GroupSeries s = AggregateGroups(p, catalog);
  EXPECT_EQ(s.coverage[0].status, CoverageStatus::kPartial);
  EXPECT_DOUBLE_EQ(s.row(0)[0], 6.0 + 7.0);
  EXPECT_EQ(s.coverage[3].status, CoverageStatus::kComplete);  // exactly 0.75
  EXPECT_EQ(s.coverage[2].status, CoverageStatus::kComplete);
  EXPECT_EQ(s.coverage[1].status, CoverageStatus::kUnrepresented);
  EXPECT_FALSE(s.coverage[3].broader_than_catalog);
  EXPECT_TRUE(std::isnan(s.coverage[3].value_share_of_headings));  // no heading in the panel
  GroupingOptions strict;
  strict.min_coverage = 1.0;
  s = AggregateGroups(p, catalog, strict);
  EXPECT_EQ(s.coverage[3].status, CoverageStatus::kPartial);
  EXPECT_EQ(s.coverage[2].status, CoverageStatus::kComplete);
}

}  // namespace
}  // namespace chokepoint
