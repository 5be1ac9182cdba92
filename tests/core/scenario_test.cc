// Scenario files: parsing, defaults, and errors that name file:line and key.
#include <filesystem>
#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "chokepoint/core/error.h"
#include "chokepoint/core/scenario.h"
#include "temp_dir.h"

namespace chokepoint {
namespace {

// Writes a scenario file into `dir` (unique to this process and test,
// removed when the test ends).
std::string WriteTemp(const testing::ScopedTempDir& dir, const std::string& name, const std::string& text) {
  const auto path = dir / (name + ".toml");
  std::ofstream(path) << text;
  return path.string();
}

const char* kGood = R"(name = "tiny"
first_month = "2015-01"
last_month = "2016-12"
[defaults]
lny_dip = 0.2
sigma = 0.03
[[group]]
id = 4
name = "Energy"
level_usd = 1e8
slope = 0.1
breaks = [ { month = "2016-01", slope = -0.1 } ]
surges = [ { onset = "2015-06", amplitude = 0.4, half_life = 3 } ]
sigma = 0.07
members = [ { code = "84118200", share = 0.5 }, { code = "8411.9990", share = 0.5 } ]
[[background]]
name = "rest"
category = "intermediate"
level_usd = 5e9
annual_totals_usd = [6e10, 7e10]
members = [ { code = "27090000", share = 1.0 } ]
)";

TEST(Scenario, ParsesBlocksAndInheritsDefaults) {
  const testing::ScopedTempDir dir("scenario");
  const Scenario sc = Scenario::LoadFile(WriteTemp(dir, "good", kGood));
  EXPECT_EQ(sc.name, "tiny");
  EXPECT_EQ(sc.num_months(), 24);
  ASSERT_EQ(sc.groups.size(), 1u);
  ASSERT_EQ(sc.background.size(), 1u);
  const SeriesBlock& g = sc.groups[0];
  EXPECT_EQ(g.group_id, 4);
  EXPECT_DOUBLE_EQ(g.shape.level_usd, 1e8);
  EXPECT_DOUBLE_EQ(g.shape.lny_dip, 0.2);    // from [defaults]
  EXPECT_DOUBLE_EQ(g.shape.sigma, 0.07);     // block overrides defaults
  EXPECT_DOUBLE_EQ(g.shape.rho, 0.5);        // built-in default
  ASSERT_EQ(g.shape.breaks.size(), 1u);
  EXPECT_EQ(g.shape.breaks[0].month, (YearMonth{2016, 1}));
  ASSERT_EQ(g.shape.surges.size(), 1u);
  EXPECT_DOUBLE_EQ(g.shape.surges[0].half_life_months, 3.0);
  EXPECT_EQ(g.members[1].code.value(), 84119990u);
  EXPECT_DOUBLE_EQ(sc.background[0].shape.sigma, 0.03);
  EXPECT_EQ(sc.background[0].category, "intermediate");
  // The resolved scenario round-trips through TOML.
  const Scenario again = Scenario::FromToml(sc.ToToml(), "roundtrip");
  EXPECT_EQ(again.groups[0].shape.surges[0].onset, (YearMonth{2015, 6}));
  EXPECT_DOUBLE_EQ(again.background[0].shape.annual_totals_usd[1], 7e10);
}

// Replaces the first occurrence of `from` in kGood by `to`.
std::string Edit(const std::string& from, const std::string& to) {
  std::string s = kGood;
  const size_t pos = s.find(from);
  EXPECT_NE(pos, std::string::npos) << from;
  return s.replace(pos, from.size(), to);
}

void ExpectError(const testing::ScopedTempDir& dir, const std::string& name, const std::string& text,
                 const std::string& line, const std::string& fragment) {
  const std::string file = WriteTemp(dir, name, text);
  try {
    Scenario::LoadFile(file);
    FAIL() << "no error for " << name;
  } catch (const Error& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find(file + ":" + line + ":"), std::string::npos) << msg;
    EXPECT_NE(msg.find(fragment), std::string::npos) << msg;
  }
}

TEST(Scenario, ErrorsNameFileLineAndKey) {
  const testing::ScopedTempDir dir("scenario");
  ExpectError(dir, "unknown", Edit("slope = 0.1\n", "slop = 0.1\n"), "11", "'group[0].slop' is not a known option");
  ExpectError(dir, "code", Edit("\"84118200\"", "\"8411820\""), "15", "group[0].members[0].code");
  ExpectError(dir, "shares", Edit("share = 0.5 }, { code", "share = 0.4 }, { code"), "15", "sum to 1");
  ExpectError(dir, "season", Edit("lny_dip = 0.2\n", "season = [1, 2]\n"), "5", "'defaults.season' must hold 12");
  ExpectError(dir, "month", Edit("onset = \"2015-06\"", "onset = \"2015-13\""), "13", "surges[0].onset");
  ExpectError(dir, "halflife", Edit("half_life = 3", "half_life = 0"), "13", "half_life' must be a positive");
  ExpectError(dir, "totals", Edit("[6e10, 7e10]", "[6e10]"), "20", "one total per calendar year");
  ExpectError(dir, "rho", Edit("sigma = 0.07\n", "rho = 1.0\n"), "14", "'group[0].rho' must be in (-1, 1)");
  ExpectError(dir, "level", Edit("level_usd = 1e8\n", ""), "7", "'group[0].level_usd' is required");
  ExpectError(dir, "dup", Edit("\"27090000\"", "\"84118200\""), "21", "more than one block");
  ExpectError(dir, "lny", Edit("last_month = \"2016-12\"", "last_month = \"2031-12\""), "7", "Lunar New Year");
  ExpectError(dir, "syntax", Edit("slope = 0.1\n", "slope = = 0.1\n"), "11", "");
}

TEST(Scenario, UnknownNameListsShippedScenarios) {
  try {
    Scenario::Load("no_such_scenario");
    FAIL();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("paper2025"), std::string::npos) << e.what();
  }
}

TEST(Scenario, ShippedScenariosLoad) {
  for (const auto& name : Scenario::ListShipped()) {
    const Scenario sc = Scenario::Load(name);
    EXPECT_EQ(sc.name, name);
  }
  EXPECT_GE(Scenario::ListShipped().size(), 5u);
}

}  // namespace
}  // namespace chokepoint
